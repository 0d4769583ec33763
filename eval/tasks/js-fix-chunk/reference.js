'use strict';

/** Splits items into arrays of `size`; the last one holds what is left (may be shorter). */
function chunk(items, size) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

module.exports = { chunk };
