'use strict';
// the handler of the fixture service: what it loads is what gets packaged
const db = require('./lib/db');
const { v4 } = require('uuidish');
const { S3Client } = require('@aws-sdk/client-s3');
const path = require('node:path');
const fs = require('fs');
let fancy = null;
try { fancy = require('fancy-opt'); } catch (e) { /* optional */ }
const cfg = require('../config.json');

module.exports.create = async (event) => {
  const lazy = await import('./lazy.mjs');
  const plugin = require(path.join(__dirname, 'plugins', event.plugin));
  return { id: v4(), db, cfg, lazy, plugin, fancy, fs, s3: new S3Client({}) };
};
