'use strict';

function greet(name, punctuation) {
  return `Hello, ${name}${punctuation}`;
}

// A computed require: fnctl cannot follow it and says so (file and line).
function locale(name) {
  return require('./locales/' + name);
}

module.exports = { greet, locale };
