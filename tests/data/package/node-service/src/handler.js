'use strict';
// CommonJS handler: uuid (its "exports" pick dist/cjs for require), the AWS
// SDK (left out of the zip: the nodejs20.x runtime ships it), a local module,
// and a data file that only package.patterns can bring along.
const fs = require('fs');
const path = require('node:path');
const { v4: uuidv4, validate } = require('uuid');
const { S3Client } = require('@aws-sdk/client-s3');
const { greet } = require('./lib/greet');

// created once per container, outside the handler
const s3 = new S3Client({ region: process.env.AWS_REGION || 'us-east-1' });
const config = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'config', 'settings.json'), 'utf8'));

exports.main = async (event) => {
  const id = uuidv4();
  return {
    statusCode: 200,
    body: JSON.stringify({
      id,
      valid: validate(id),
      greeting: greet(event.name || 'world', config.punctuation),
      s3: typeof s3.send,
    }),
  };
};
