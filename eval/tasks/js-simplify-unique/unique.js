'use strict';

function unique(items) {
  const out = [];
  for (let i = 0; i < items.length; i++) {
    let seen = false;
    for (let j = 0; j < out.length; j++) {
      if (out[j] === items[i]) {
        seen = true;
        break;
      }
    }
    if (!seen) {
      out.push(items[i]);
    }
  }
  return out;
}

module.exports = { unique };
