'use strict';

function shippingCost(order) {
  let cost;
  if (order.country === 'US') {
    if (order.total >= 100) {
      cost = 0;
    } else {
      if (order.express) {
        cost = 15;
      } else {
        cost = 5;
      }
    }
  } else {
    if (order.express) {
      cost = 40;
    } else {
      if (order.total >= 200) {
        cost = 10;
      } else {
        cost = 25;
      }
    }
  }
  return cost;
}

module.exports = { shippingCost };
