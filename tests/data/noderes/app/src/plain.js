module.exports = 'src/plain.js';
