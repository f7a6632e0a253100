// ES module handler: uuid's "exports" pick dist/esm for import.
import { v7, validate } from 'uuid';
import { greet } from './lib/greet.js';

export const handler = async (event) => {
  const id = v7();
  return { id, valid: validate(id), greeting: greet(event.name || 'esm', '.') };
};
