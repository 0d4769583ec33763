// Sample code without types: try the "add-types" or "document" skill on it.
function greet(name, excited) {
  var message = 'Hello, ' + name;
  if (excited) message = message + '!';
  return message;
}

module.exports = { greet };
