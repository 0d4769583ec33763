'use strict';

function unique(items) {
  return [...new Set(items)];
}

module.exports = { unique };
