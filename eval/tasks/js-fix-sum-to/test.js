const assert = require('node:assert/strict');

const { sumTo } = require('./sum.js');
assert.equal(sumTo(1), 1);
assert.equal(sumTo(4), 10);
assert.equal(sumTo(0), 0);
assert.equal(sumTo(-3), 0);
