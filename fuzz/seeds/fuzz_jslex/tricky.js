function require(n){return m[n]}
require("./bundled");
class A { import(x) { return x } require(y) {} }
x = a++ / 2; y = ++/re/.lastIndex; z = {} / 1; w = `${/`/}`;
