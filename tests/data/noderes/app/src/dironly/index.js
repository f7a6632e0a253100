module.exports = 'src/dironly/index.js';
