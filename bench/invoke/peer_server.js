// The peer for warm invokes: node's own http server calling the same
// handler in-process (no runtime API, no second process): the floor.
const http = require('http');
const { noop } = require('./handler');
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const result = await noop(JSON.parse(Buffer.concat(chunks).toString() || '{}'));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(result));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
