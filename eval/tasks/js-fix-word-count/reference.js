'use strict';

/** The number of words in the text; any run of whitespace separates words, and blank text has none. */
function wordCount(text) {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

module.exports = { wordCount };
