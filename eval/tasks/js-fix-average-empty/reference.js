'use strict';

/** The mean of the numbers; 0 for an empty list (never NaN). */
function average(values) {
  if (values.length === 0) return 0;
  const sum = values.reduce((a, b) => a + b, 0);
  return sum / values.length;
}

module.exports = { average };
