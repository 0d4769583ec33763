const assert = require('node:assert/strict');

const { sortNumbers } = require('./sortNumbers.js');
const input = [10, 9, 1, 100, -5];
assert.deepEqual(sortNumbers(input), [-5, 1, 9, 10, 100]);
assert.deepEqual(input, [10, 9, 1, 100, -5]);
