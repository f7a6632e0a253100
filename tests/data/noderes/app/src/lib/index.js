module.exports = 'src/lib/index.js';
