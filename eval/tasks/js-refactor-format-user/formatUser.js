'use strict';

function formatUser(user) {
  var s = '';
  s = s + user.last.toUpperCase();
  s = s + ', ';
  s = s + user.first;
  if (user.title !== undefined && user.title !== null && user.title !== '') {
    s = s + ' (' + user.title + ')';
  }
  return s;
}

module.exports = { formatUser };
