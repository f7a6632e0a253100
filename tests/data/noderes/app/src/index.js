module.exports = 'src/index.js';
