module.exports = 'src/y.cjs';
