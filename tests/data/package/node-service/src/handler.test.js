'use strict';
// A test file: nothing requires it, so it is not packaged.
const test = require('node:test');
const assert = require('node:assert');
const { greet } = require('./lib/greet');

test('greet', () => assert.strictEqual(greet('a', '!'), 'Hello, a!'));
