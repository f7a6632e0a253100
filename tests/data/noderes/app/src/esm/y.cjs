module.exports = 'src/esm/y.cjs';
