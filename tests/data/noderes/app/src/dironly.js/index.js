module.exports = 'src/dironly.js/index.js';
