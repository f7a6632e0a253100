// The same as run_handler.js, plus node:net: what any Lambda Runtime API
// client (AWS's own included) must load to reach the API.
require('node:net');
require('./handler').noop({}).then((r) => console.log(JSON.stringify(r)));
