const helpers = require('./helpers');
const feature = require('exp-pkg/feature');
let extra;
try { extra = require('not-installed'); } catch (e) { extra = null; }
const shared = require('../../../outside.js');
module.exports = { helpers, feature, extra, shared };
