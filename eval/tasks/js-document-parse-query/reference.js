'use strict';

/**
 * Reads a URL query string into an object.
 * @param {string} query The query, with or without its leading "?".
 * @returns {Record<string, string>} Each key's decoded value ("" when it has none); a later key wins.
 */
function parseQuery(query) {
  const out = {};
  for (const pair of query.replace(/^\?/, '').split('&')) {
    if (!pair) continue;
    const [key, value = ''] = pair.split('=');
    out[decodeURIComponent(key)] = decodeURIComponent(value);
  }
  return out;
}

module.exports = { parseQuery };
