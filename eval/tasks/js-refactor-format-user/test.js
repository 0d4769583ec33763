const assert = require('node:assert/strict');

const { formatUser } = require('./formatUser.js');
assert.equal(formatUser({ first: 'Ada', last: 'Lovelace' }), 'LOVELACE, Ada');
assert.equal(formatUser({ first: 'Alan', last: 'Turing', title: 'Dr' }), 'TURING, Alan (Dr)');
assert.equal(formatUser({ first: 'Grace', last: 'Hopper', title: '' }), 'HOPPER, Grace');
assert.equal(formatUser({ first: 'X', last: 'y', title: null }), 'Y, X');
