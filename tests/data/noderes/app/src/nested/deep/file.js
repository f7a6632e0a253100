module.exports = 'src/nested/deep/file.js';
