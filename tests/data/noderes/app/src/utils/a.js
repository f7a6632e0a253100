module.exports = 'src/utils/a.js';
