// The business logic on its own: no Lambda event, no HTTP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createCatalog, NotFoundError, ValidationError } from '../src/catalog.js';

const products = [
  { id: 'a', name: 'A', category: 'mugs', priceCents: 1000, stock: 3 },
  { id: 'b', name: 'B', category: 'mugs', priceCents: 250, stock: 0 },
  { id: 'c', name: 'C', category: 'plates', priceCents: 1999, stock: 10 },
];
const catalog = createCatalog({ products, taxRate: 0.2 });
const ids = (result) => result.products.map((p) => p.id);

describe('list', () => {
  it('filters, limits and counts', () => {
    assert.deepEqual(catalog.list(), { products, total: 3 });
    assert.deepEqual(ids(catalog.list({ category: 'mugs' })), ['a', 'b']);
    assert.deepEqual(ids(catalog.list({ maxPriceCents: '1000' })), ['a', 'b']);
    assert.deepEqual(ids(catalog.list({ inStock: 'true' })), ['a', 'c']);
    assert.deepEqual(ids(catalog.list({ inStock: 'false' })), ['b']);
    assert.deepEqual(catalog.list({ limit: '1' }), { products: [products[0]], total: 3 });
  });

  it('rejects bad query parameters, all at once', () => {
    assert.throws(() => catalog.list({ limit: '0', maxPriceCents: '1e3', inStock: 'yes' }), (err) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.message, 'invalid query parameters');
      assert.equal(err.errors.length, 3);
      return true;
    });
    for (const limit of ['', '101', '2.5', '-1', 'ten']) {
      assert.throws(() => catalog.list({ limit }), ValidationError, limit);
    }
  });
});

describe('get and listCategory', () => {
  it('find what exists', () => {
    assert.equal(catalog.get('c').name, 'C');
    assert.deepEqual(ids(catalog.listCategory('plates')), ['c']);
    assert.deepEqual(ids(catalog.listCategory('mugs', { inStock: 'true' })), ['a']);
  });

  it('report what does not', () => {
    assert.throws(() => catalog.get('zz'), { name: 'NotFoundError', message: "product 'zz' not found" });
    assert.throws(() => catalog.listCategory('cups'), NotFoundError);
  });
});

describe('quote', () => {
  it('prices the lines and adds the tax', () => {
    const q = catalog.quote({ lines: [{ productId: 'a', quantity: 2 }, { productId: 'c', quantity: 1 }] });
    assert.deepEqual(q.lines.map((l) => l.amountCents), [2000, 1999]);
    assert.equal(q.subtotalCents, 3999);
    assert.equal(q.taxCents, 800); // 799.8 rounded
    assert.equal(q.totalCents, 4799);
  });

  it('lists every problem of the request', () => {
    assert.throws(
      () =>
        catalog.quote({
          lines: [{ productId: 'zz', quantity: 1 }, { productId: 'a', quantity: 0 }, { productId: 'a', quantity: 4 }, 7],
        }),
      {
        errors: [
          "lines[0].productId: unknown product 'zz'",
          'lines[1].quantity must be a whole number from 1 to 99',
          "lines[2].quantity: only 3 of 'a' in stock",
          'lines[3] must be an object',
        ],
      },
    );
    for (const cart of [null, [], 'x', {}, { lines: [] }, { lines: 'a' }]) {
      assert.throws(() => catalog.quote(cart), ValidationError);
    }
  });
});
