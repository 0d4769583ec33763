'use strict';

/** Calls `fn` on each item (concurrently) and resolves to the results in the items' order. */
async function mapAsync(items, fn) {
  return Promise.all(items.map((item) => fn(item)));
}

module.exports = { mapAsync };
