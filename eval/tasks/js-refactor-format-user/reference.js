'use strict';

function formatUser(user) {
  const title = user.title ? ` (${user.title})` : '';
  return `${user.last.toUpperCase()}, ${user.first}${title}`;
}

module.exports = { formatUser };
