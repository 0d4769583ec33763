const assert = require('node:assert/strict');

const { wordCount } = require('./words.js');
assert.equal(wordCount('one two  three'), 3);
assert.equal(wordCount('   '), 0);
assert.equal(wordCount(''), 0);
assert.equal(wordCount('a\tb\nc'), 3);
