import pkg from 'exp-pkg';
import { nested } from '@scope/nested-type';
export { shared } from './shared.js';
export default [pkg, nested];
