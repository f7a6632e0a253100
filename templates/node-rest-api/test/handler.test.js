// The Lambda adapter: API Gateway REST API events (payload 1.0) in, HTTP
// responses out. The events are the examples of events/, changed as needed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { createCatalog } from '../src/catalog.js';
import * as handler from '../src/handler.js';
import { PRODUCTS } from '../src/products.js';

const example = (name) => JSON.parse(readFileSync(new URL(`../events/${name}.json`, import.meta.url), 'utf8'));
const parse = (res) => JSON.parse(res.body);

describe('the handlers', () => {
  it('serve the example events', async () => {
    const list = await handler.listProducts(example('listProducts'));
    assert.equal(list.statusCode, 200);
    assert.equal(list.headers['Content-Type'], 'application/json');
    assert.equal(list.headers['Access-Control-Allow-Origin'], '*');
    assert.ok(parse(list).products.every((p) => p.stock > 0));

    const one = await handler.getProduct(example('getProduct'));
    assert.equal(one.statusCode, 200);
    assert.equal(parse(one).id, 'mug-classic');

    const plates = await handler.listCategoryProducts(example('listCategoryProducts'));
    assert.equal(plates.statusCode, 200);
    assert.deepEqual(parse(plates).products.map((p) => p.category), ['plates', 'plates']);

    const quote = await handler.createQuote(example('createQuote'));
    assert.equal(quote.statusCode, 200);
    assert.equal(parse(quote).subtotalCents, 2 * 1250 + 4 * 1600);
  });

  it('answer 404 for what does not exist', async () => {
    const event = example('getProduct');
    event.pathParameters.id = 'nope';
    const res = await handler.getProduct(event);
    assert.equal(res.statusCode, 404);
    assert.deepEqual(parse(res), { message: "product 'nope' not found" });
    assert.equal(res.headers['Access-Control-Allow-Origin'], '*');

    const cat = example('listCategoryProducts');
    cat.pathParameters.category = 'spoons';
    assert.equal((await handler.listCategoryProducts(cat)).statusCode, 404);
  });

  it('answer 400 for bad query parameters and bad bodies', async () => {
    const list = example('listProducts');
    list.queryStringParameters = { limit: 'lots' };
    const res = await handler.listProducts(list);
    assert.equal(res.statusCode, 400);
    assert.deepEqual(parse(res), {
      message: 'invalid query parameters',
      errors: ["'limit' must be a whole number from 1 to 100"],
    });

    const quote = example('createQuote');
    for (const [body, message] of [
      ['{"lines": ', 'the request body is not valid JSON'],
      [null, 'the request body is missing: send a JSON object'],
      ['{"lines": []}', 'invalid quote request'],
    ]) {
      quote.body = body;
      const r = await handler.createQuote(quote);
      assert.equal(r.statusCode, 400, body);
      assert.equal(parse(r).message, message);
    }
  });

  it('accept no query string at all (null) and base64 bodies', async () => {
    const list = example('listProducts');
    list.queryStringParameters = null;
    list.multiValueQueryStringParameters = null;
    assert.equal(parse(await handler.listProducts(list)).total, PRODUCTS.length);

    const quote = example('createQuote');
    quote.body = Buffer.from(quote.body).toString('base64');
    quote.isBase64Encoded = true;
    assert.equal((await handler.createQuote(quote)).statusCode, 200);
  });

  it('send the configured CORS origin', async () => {
    const h = handler.createHandlers({
      catalog: createCatalog({ products: PRODUCTS }),
      corsOrigin: 'https://shop.example.com',
    });
    const res = await h.getProduct(example('getProduct'));
    assert.equal(res.headers['Access-Control-Allow-Origin'], 'https://shop.example.com');
  });

  it('let unexpected errors fail the invocation', async () => {
    const broken = { list: () => { throw new TypeError('bug'); } };
    const h = handler.createHandlers({ catalog: broken, corsOrigin: '*' });
    await assert.rejects(h.listProducts(example('listProducts')), TypeError);
  });
});

describe('loadConfig', () => {
  it('reads CORS_ORIGIN and TAX_RATE, with defaults', () => {
    assert.deepEqual(handler.loadConfig({}), { corsOrigin: '*', taxRate: 0 });
    assert.deepEqual(handler.loadConfig({ CORS_ORIGIN: 'https://a.example', TAX_RATE: '0.07' }), {
      corsOrigin: 'https://a.example',
      taxRate: 0.07,
    });
    for (const bad of ['', 'x', '1.5', '-0.1']) {
      assert.throws(() => handler.loadConfig({ TAX_RATE: bad }), /TAX_RATE/, bad);
    }
  });
});
