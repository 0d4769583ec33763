'use strict';

/** A new array of the numbers in ascending numeric order; the input is left as it was. */
function sortNumbers(values) {
  return [...values].sort();
}

module.exports = { sortNumbers };
