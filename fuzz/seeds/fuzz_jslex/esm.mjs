import fs, { readFile as rf } from 'node:fs';
import * as ns from "./ns.js";
import type { T } from './types';
import './side-effect.css';
export * from './all.js';
export * as grouped from './grouped.js';
export { x, y as z } from './xy.js';
export default { meta: import.meta.url };
const lazy = () => import('./lazy.js');
const tpl = `a ${ `b ${ require('deep') } c` } d ${ {k: 1}.k }`;
const s = '\x41\u0042\u{43}\
continued';
