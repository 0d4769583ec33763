const assert = require('node:assert/strict');

const { largest } = require('./max.js');
assert.equal(largest([3, 9, 2]), 9);
assert.equal(largest([-4, -2, -9]), -2);
assert.equal(largest([]), undefined);
assert.equal(largest([7]), 7);
