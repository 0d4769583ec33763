'use strict';

/** Capitalises the first letter of every word (words are separated by single spaces); the rest is unchanged. */
function titleCase(text) {
  return text.split(' ').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

module.exports = { titleCase };
