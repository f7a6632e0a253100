// The cold-start peer as a file: node loads the handler and runs it once.
require('./handler').noop({}).then((r) => console.log(JSON.stringify(r)));
