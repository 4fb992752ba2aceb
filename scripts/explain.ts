// npm run explain -- <example> [outDir]
// Traces one of examples/explain/ and writes what a student opens: the tape drawn
// as SVG (<example>.svg), its Graphviz source (.dot), its listing (.txt) and the
// backward pass told step by step by K.explain (.explain.txt). outDir defaults to
// explain-out/ (gitignored).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as K from '../src/index.js';
import { EXAMPLES } from '../examples/explain/index.js';

const [name, outDir = 'explain-out'] = process.argv.slice(2);
const usage = [
  'usage: npm run explain -- <example> [outDir]',
  'examples:',
  ...Object.entries(EXAMPLES).map(([k, e]) => `  ${k.padEnd(10)} ${e.about}`),
].join('\n');

if (name === undefined || name === '--help' || name === '-h') {
  console.log(usage);
  process.exit(name === undefined ? 1 : 0);
}
const example = EXAMPLES[name];
if (example === undefined) {
  console.error(`no example named ${JSON.stringify(name)}\n${usage}`);
  process.exit(1);
}

const { tape, wrt } = example.run();
const { text } = K.explain(tape.result, wrt, { print: false, tape });
mkdirSync(outDir, { recursive: true });
const files: [string, string][] = [
  [`${name}.svg`, await tape.toSVG()],
  [`${name}.dot`, tape.toDot()],
  [`${name}.txt`, tape.toString()],
  [`${name}.explain.txt`, text],
];
console.log(`${name}: ${example.about}`);
console.log(tape.toString());
for (const [file, body] of files) {
  const p = path.join(outDir, file);
  writeFileSync(p, body.endsWith('\n') ? body : `${body}\n`);
  console.log(`wrote ${p}`);
}
