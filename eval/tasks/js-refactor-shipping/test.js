const assert = require('node:assert/strict');

const { shippingCost } = require('./shipping.js');
const cases = [
  [{ country: 'US', total: 100, express: true }, 0],
  [{ country: 'US', total: 99, express: true }, 15],
  [{ country: 'US', total: 10, express: false }, 5],
  [{ country: 'FR', total: 500, express: true }, 40],
  [{ country: 'FR', total: 200, express: false }, 10],
  [{ country: 'FR', total: 199, express: false }, 25],
];
for (const [order, want] of cases) assert.equal(shippingCost(order), want, JSON.stringify(order));
