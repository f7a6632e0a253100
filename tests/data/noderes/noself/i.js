module.exports = '../noself/i.js';
