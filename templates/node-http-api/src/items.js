// The items business logic: validation and the CRUD operations. It knows
// nothing of Lambda or HTTP (src/handler.js is the adapter), so it can be
// tested, and reused, on its own.
import { randomUUID } from 'node:crypto';

export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 1000;
const FIELDS = new Set(['name', 'description', 'price']);

export class ValidationError extends Error {
  constructor(errors) {
    super('invalid item');
    this.name = 'ValidationError';
    this.errors = errors; // one sentence per problem, for the client
  }
}

export class NotFoundError extends Error {
  constructor(id) {
    super(`item '${id}' not found`);
    this.name = 'NotFoundError';
  }
}

// Checks what a client sent for an item and returns the clean fields:
// name (required, 1-100 characters), price (required, a number >= 0) and
// description (optional, at most 1000 characters). Throws ValidationError
// listing every problem at once.
export function validateItem(input) {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError(['the item must be a JSON object']);
  }
  const errors = [];
  for (const key of Object.keys(input)) {
    if (!FIELDS.has(key)) errors.push(`unknown field '${key}'`);
  }

  const name = typeof input.name === 'string' ? input.name.trim() : input.name;
  if (name === undefined) errors.push("'name' is required");
  else if (typeof name !== 'string' || name.length === 0) errors.push("'name' must be a non-empty string");
  else if (name.length > NAME_MAX) errors.push(`'name' must be at most ${NAME_MAX} characters`);

  const { price, description } = input;
  if (price === undefined) errors.push("'price' is required");
  else if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) {
    errors.push("'price' must be a number greater than or equal to 0");
  }

  if (description !== undefined) {
    if (typeof description !== 'string') errors.push("'description' must be a string");
    else if (description.length > DESCRIPTION_MAX) {
      errors.push(`'description' must be at most ${DESCRIPTION_MAX} characters`);
    }
  }

  if (errors.length > 0) throw new ValidationError(errors);
  const item = { name, price };
  if (description !== undefined) item.description = description;
  return item;
}

// The operations on items, on top of a store (src/store.js). now and newId
// are parameters so that tests can fix the clock and the ids.
export function createItemService({ store, now = () => new Date(), newId = randomUUID }) {
  return {
    async create(input) {
      const fields = validateItem(input);
      const at = now().toISOString();
      return store.put({ id: newId(), ...fields, createdAt: at, updatedAt: at });
    },

    async list() {
      return store.list();
    },

    async get(id) {
      const item = await store.get(id);
      if (item === undefined) throw new NotFoundError(id);
      return item;
    },

    // Replaces the item's fields (PUT semantics); id and createdAt stay.
    async update(id, input) {
      const fields = validateItem(input);
      const old = await store.get(id);
      if (old === undefined) throw new NotFoundError(id);
      return store.put({ id, ...fields, createdAt: old.createdAt, updatedAt: now().toISOString() });
    },

    async remove(id) {
      if (!(await store.delete(id))) throw new NotFoundError(id);
    },
  };
}
