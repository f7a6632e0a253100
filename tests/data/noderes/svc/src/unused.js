module.exports = require('unused-pkg');
