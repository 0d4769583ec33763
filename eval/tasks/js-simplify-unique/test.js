const assert = require('node:assert/strict');

const { unique } = require('./unique.js');
assert.deepEqual(unique([3, 1, 3, 2, 1]), [3, 1, 2]);
assert.deepEqual(unique(['a', 'A', 'a']), ['a', 'A']);
assert.deepEqual(unique([]), []);
