// An in-memory item store.
//
// It keeps the items in a Map that lives as long as the execution environment
// (one warm Lambda instance, one `fnctl start` worker): the data is lost on a
// cold start, a redeploy or a hot reload, and two concurrent instances do not
// see each other's items. That is enough to develop and test the API; for real
// data, write a store with the same four async methods on top of DynamoDB (or
// any database) and pass it to createItemService in src/handler.js.

export class StoreFullError extends Error {
  constructor(maxItems) {
    super(`the store is full (MAX_ITEMS=${maxItems})`);
    this.name = 'StoreFullError';
  }
}

export function createMemoryStore({ maxItems = Infinity } = {}) {
  const items = new Map();
  // Copies go in and out, so a caller that changes an object it got does not
  // change what the store holds (as with a real database).
  const copy = (item) => structuredClone(item);

  return {
    async get(id) {
      const item = items.get(id);
      return item === undefined ? undefined : copy(item);
    },

    // In insertion order, i.e. oldest first.
    async list() {
      return [...items.values()].map(copy);
    },

    async put(item) {
      if (!items.has(item.id) && items.size >= maxItems) throw new StoreFullError(maxItems);
      items.set(item.id, copy(item));
      return copy(item);
    },

    // Whether there was an item to delete.
    async delete(id) {
      return items.delete(id);
    },
  };
}
