// Prints README's table of every keras.backend function with its status in ktape:
// the names are the specification's `from keras.backend import ...` lines, kept
// in scripts/keras_backend_names.txt.
import { readFileSync } from 'node:fs';
import * as K from '../src/index.js';

const names = readFileSync(new URL('./keras_backend_names.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'));
const exported = K as unknown as Record<string, unknown>;
const rows = names.map((n) => {
  const done = typeof exported[n] === 'function';
  return `| \`${n}\` | ${done ? 'done' : 'missing'} |`;
});
const count = names.filter((n) => typeof exported[n] === 'function').length;
console.log(`${count} of ${names.length} functions implemented.\n`);
console.log(`| function | status |\n|---|---|\n${rows.join('\n')}`);
