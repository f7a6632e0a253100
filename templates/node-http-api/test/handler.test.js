// The Lambda adapter: API Gateway HTTP API events (payload 2.0) in, HTTP
// responses out. The events are the examples of events/, changed as needed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { createHandler, handler, loadConfig } from '../src/handler.js';
import { createItemService } from '../src/items.js';
import { createMemoryStore } from '../src/store.js';

const example = (name) => JSON.parse(readFileSync(new URL(`../events/${name}.json`, import.meta.url), 'utf8'));

// A request for route (e.g. 'PUT /items/{id}') at path, built from the
// example events.
function request(route, path, { body, params } = {}) {
  const [method] = route.split(' ');
  const event = example('list-items');
  event.routeKey = event.requestContext.routeKey = route;
  event.rawPath = event.requestContext.http.path = path;
  event.requestContext.http.method = method;
  if (params) event.pathParameters = params;
  if (body !== undefined) event.body = typeof body === 'string' ? body : JSON.stringify(body);
  return event;
}

const fresh = () => createHandler(createItemService({ store: createMemoryStore() }));
const parse = (res) => (res.body === undefined ? undefined : JSON.parse(res.body));

describe('the handler', () => {
  it('serves the example events', async () => {
    const created = await handler(example('create-item'));
    assert.equal(created.statusCode, 201);
    assert.equal(created.headers['content-type'], 'application/json');
    const item = parse(created);
    assert.equal(item.name, 'Coffee mug');
    assert.equal(created.headers.location, `/items/${item.id}`);

    const list = await handler(example('list-items'));
    assert.equal(list.statusCode, 200);
    assert.ok(parse(list).items.some((i) => i.id === item.id));

    const missing = await handler(example('get-item'));
    assert.equal(missing.statusCode, 404);
  });

  it('runs the whole CRUD cycle', async () => {
    const h = fresh();
    const created = await h(request('POST /items', '/items', { body: { name: 'Mug', price: 12 } }));
    assert.equal(created.statusCode, 201);
    const { id } = parse(created);
    const params = { id };

    const got = await h(request('GET /items/{id}', `/items/${id}`, { params }));
    assert.equal(got.statusCode, 200);
    assert.deepEqual(parse(got), parse(created));

    const put = await h(request('PUT /items/{id}', `/items/${id}`, { params, body: { name: 'Mug', price: 15 } }));
    assert.equal(put.statusCode, 200);
    assert.equal(parse(put).price, 15);

    const list = await h(request('GET /items', '/items'));
    assert.deepEqual(parse(list).items.map((i) => i.price), [15]);

    const del = await h(request('DELETE /items/{id}', `/items/${id}`, { params }));
    assert.equal(del.statusCode, 204);
    assert.equal(del.body, undefined);
    assert.equal((await h(request('GET /items/{id}', `/items/${id}`, { params }))).statusCode, 404);
    assert.equal((await h(request('DELETE /items/{id}', `/items/${id}`, { params }))).statusCode, 404);
  });

  it('answers 400 for an invalid item, invalid JSON or no body', async () => {
    const h = fresh();
    const invalid = await h(request('POST /items', '/items', { body: { name: '', price: 'free' } }));
    assert.equal(invalid.statusCode, 400);
    assert.deepEqual(parse(invalid), {
      message: 'invalid item',
      errors: ["'name' must be a non-empty string", "'price' must be a number greater than or equal to 0"],
    });
    const broken = await h(request('POST /items', '/items', { body: '{"name": ' }));
    assert.equal(broken.statusCode, 400);
    assert.equal(parse(broken).message, 'the request body is not valid JSON');
    const empty = await h(request('POST /items', '/items'));
    assert.equal(empty.statusCode, 400);
  });

  it('decodes a base64 body', async () => {
    const event = request('POST /items', '/items', {
      body: Buffer.from(JSON.stringify({ name: 'Mug', price: 1 })).toString('base64'),
    });
    event.isBase64Encoded = true;
    assert.equal((await fresh()(event)).statusCode, 201);
  });

  it('routes by method and path when the route key is $default', async () => {
    const h = fresh();
    const { id } = parse(await h(request('POST /items', '/items', { body: { name: 'Mug', price: 1 } })));
    const event = request('$default', `/items/${encodeURIComponent(id)}`);
    event.requestContext.http.method = 'GET';
    const got = await h(event);
    assert.equal(got.statusCode, 200);
    assert.equal(parse(got).id, id);
    const nowhere = request('$default', '/nowhere');
    assert.equal((await h(nowhere)).statusCode, 404);
  });

  it('lets unexpected errors fail the invocation', async () => {
    const broken = { list: async () => { throw new TypeError('bug'); } };
    await assert.rejects(createHandler(broken)(request('GET /items', '/items')), TypeError);
  });
});

describe('loadConfig', () => {
  it('reads MAX_ITEMS, with a default', () => {
    assert.deepEqual(loadConfig({}), { maxItems: 1000 });
    assert.deepEqual(loadConfig({ MAX_ITEMS: '5' }), { maxItems: 5 });
    assert.throws(() => loadConfig({ MAX_ITEMS: 'lots' }), /MAX_ITEMS must be a positive integer/);
    assert.throws(() => loadConfig({ MAX_ITEMS: '0' }), /MAX_ITEMS/);
  });
});
