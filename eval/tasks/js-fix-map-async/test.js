const assert = require('node:assert/strict');

const { mapAsync } = require('./mapAsync.js');
const delay = (ms, v) => new Promise((r) => setTimeout(() => r(v), ms));
mapAsync([30, 10, 20], (ms) => delay(ms, ms * 2)).then((out) => {
  assert.deepEqual(out, [60, 20, 40]);
}).catch((err) => { console.error(err); process.exit(1); });
