'use strict';

/** Capitalises the first letter of every word (words are separated by single spaces); the rest is unchanged. */
function titleCase(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

module.exports = { titleCase };
