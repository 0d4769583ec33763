const assert = require('node:assert/strict');

const { parseQuery } = require('./query.js');
assert.deepEqual(parseQuery('?a=1&b=two%20words'), { a: '1', b: 'two words' });
assert.deepEqual(parseQuery('flag&x='), { flag: '', x: '' });
assert.deepEqual(parseQuery(''), {});
assert.deepEqual(parseQuery('a=1&a=2'), { a: '2' });
