const assert = require('node:assert/strict');

const { isLeapYear } = require('./leap.js');
assert.equal(isLeapYear(2024), true);
assert.equal(isLeapYear(1900), false);
assert.equal(isLeapYear(2000), true);
assert.equal(isLeapYear(2023), false);
