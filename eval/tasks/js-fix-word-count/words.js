'use strict';

/** The number of words in the text; any run of whitespace separates words, and blank text has none. */
function wordCount(text) {
  return text.split(' ').length;
}

module.exports = { wordCount };
