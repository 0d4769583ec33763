'use strict';

/** Calls `fn` on each item (concurrently) and resolves to the results in the items' order. */
async function mapAsync(items, fn) {
  const results = [];
  items.forEach(async (item) => {
    results.push(await fn(item));
  });
  return results;
}

module.exports = { mapAsync };
