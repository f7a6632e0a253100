#!/usr/bin/env node
'use strict';
const path = require('path');
const { a, b } = require("./lib/ab.js");
const maybe = (() => { try { return require.resolve('opt'); } catch { return null; } })();
if (process.env.DEV) /dev/.test(x) && require(`./dev`);
const r = a / b / 2, re = /require('no')[/]/g;
module.exports = function load(name) { return require('./plugins/' + name); };
// require('commented')
/* import 'commented' */
