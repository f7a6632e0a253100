module.exports = 'src/x.mjs';
