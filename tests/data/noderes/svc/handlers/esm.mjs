import { shared } from '../src/shared.js';
export const main = async () => shared;
