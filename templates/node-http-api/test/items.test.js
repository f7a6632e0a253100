// The business logic on its own: no Lambda event, no HTTP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createItemService, NotFoundError, ValidationError, validateItem } from '../src/items.js';
import { createMemoryStore, StoreFullError } from '../src/store.js';

function fixedService(opts = {}) {
  let n = 0;
  let clock = Date.parse('2024-03-12T18:30:00.000Z');
  return createItemService({
    store: createMemoryStore(opts),
    now: () => new Date((clock += 1000)),
    newId: () => `id-${++n}`,
  });
}

describe('validateItem', () => {
  it('returns the clean fields', () => {
    assert.deepEqual(validateItem({ name: '  Mug ', price: 0 }), { name: 'Mug', price: 0 });
    assert.deepEqual(validateItem({ name: 'Mug', price: 2.5, description: 'blue' }), {
      name: 'Mug',
      price: 2.5,
      description: 'blue',
    });
  });

  it('lists every problem at once', () => {
    assert.throws(
      () => validateItem({ name: '', price: -1, colour: 'red' }),
      (err) => {
        assert.ok(err instanceof ValidationError);
        assert.deepEqual(err.errors, [
          "unknown field 'colour'",
          "'name' must be a non-empty string",
          "'price' must be a number greater than or equal to 0",
        ]);
        return true;
      },
    );
  });

  it('rejects what is not an object, and missing or mistyped fields', () => {
    for (const input of [null, 'mug', 42, ['mug']]) {
      assert.throws(() => validateItem(input), ValidationError);
    }
    assert.throws(() => validateItem({}), { errors: ["'name' is required", "'price' is required"] });
    assert.throws(() => validateItem({ name: 'x'.repeat(101), price: 1 }), ValidationError);
    assert.throws(() => validateItem({ name: 'Mug', price: '12' }), ValidationError);
    assert.throws(() => validateItem({ name: 'Mug', price: 1, description: 7 }), ValidationError);
  });
});

describe('the item service', () => {
  it('creates, reads, lists, updates and deletes', async () => {
    const items = fixedService();
    const mug = await items.create({ name: 'Mug', price: 12 });
    assert.deepEqual(mug, {
      id: 'id-1',
      name: 'Mug',
      price: 12,
      createdAt: '2024-03-12T18:30:01.000Z',
      updatedAt: '2024-03-12T18:30:01.000Z',
    });
    await items.create({ name: 'Plate', price: 8 });
    assert.deepEqual(await items.get('id-1'), mug);
    assert.deepEqual((await items.list()).map((i) => i.name), ['Mug', 'Plate']);

    const updated = await items.update('id-1', { name: 'Big mug', price: 14 });
    assert.equal(updated.name, 'Big mug');
    assert.equal(updated.createdAt, mug.createdAt);
    assert.equal(updated.updatedAt, '2024-03-12T18:30:03.000Z');

    await items.remove('id-1');
    await assert.rejects(items.get('id-1'), NotFoundError);
    assert.deepEqual((await items.list()).map((i) => i.id), ['id-2']);
  });

  it('reports unknown ids', async () => {
    const items = fixedService();
    await assert.rejects(items.get('nope'), { name: 'NotFoundError', message: "item 'nope' not found" });
    await assert.rejects(items.update('nope', { name: 'Mug', price: 1 }), NotFoundError);
    await assert.rejects(items.remove('nope'), NotFoundError);
  });

  it('validates before it writes', async () => {
    const items = fixedService();
    await assert.rejects(items.create({ name: 'Mug' }), ValidationError);
    assert.deepEqual(await items.list(), []);
  });

  it('stops at the store limit', async () => {
    const items = fixedService({ maxItems: 1 });
    await items.create({ name: 'Mug', price: 1 });
    await assert.rejects(items.create({ name: 'Plate', price: 1 }), StoreFullError);
    await items.update('id-1', { name: 'Mug', price: 2 }); // replacing is not adding
  });
});
