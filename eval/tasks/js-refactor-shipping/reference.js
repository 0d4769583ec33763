'use strict';

function shippingCost(order) {
  if (order.country === 'US') {
    if (order.total >= 100) return 0;
    return order.express ? 15 : 5;
  }
  if (order.express) return 40;
  return order.total >= 200 ? 10 : 25;
}

module.exports = { shippingCost };
