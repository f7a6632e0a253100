module.exports = 'src/db.js';
