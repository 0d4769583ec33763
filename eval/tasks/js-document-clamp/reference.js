'use strict';

/**
 * Limits a number to a range.
 * @param {number} value The number to limit.
 * @param {number} min The lowest result.
 * @param {number} max The highest result.
 * @returns {number} `value`, or the nearer bound when it lies outside [min, max].
 * @throws {RangeError} When min is above max.
 */
function clamp(value, min, max) {
  if (min > max) throw new RangeError('min is above max');
  return Math.min(max, Math.max(min, value));
}

module.exports = { clamp };
