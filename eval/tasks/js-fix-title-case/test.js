const assert = require('node:assert/strict');

const { titleCase } = require('./title.js');
assert.equal(titleCase('hello big world'), 'Hello Big World');
assert.equal(titleCase('a'), 'A');
assert.equal(titleCase(''), '');
assert.equal(titleCase('iPhone case'), 'IPhone Case');
