'use strict';

function largest(values) {
  return values.length ? Math.max(...values) : undefined;
}

module.exports = { largest };
