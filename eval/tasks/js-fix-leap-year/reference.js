'use strict';

/** Gregorian leap years: divisible by 4, except centuries, except every fourth century. */
function isLeapYear(year) {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

module.exports = { isLeapYear };
