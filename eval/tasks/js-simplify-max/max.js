'use strict';

function largest(values) {
  let found = false;
  let best = undefined;
  for (let i = 0; i < values.length; i++) {
    if (found === false) {
      best = values[i];
      found = true;
    } else {
      if (values[i] > best) {
        best = values[i];
      }
    }
  }
  if (found === false) {
    return undefined;
  }
  return best;
}

module.exports = { largest };
