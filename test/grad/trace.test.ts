// K.trace (issue 8, teaching): the recorded tape as a value, its listing, DOT and SVG.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { sitesOn } from '../../src/core/site.js';
import { EXAMPLES } from '../../examples/explain/index.js';
import { expectClose, expectError } from '../helpers.js';

const SOURCE = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');

/** 'test/grad/trace.test.ts:line:col' of `call` on the line holding `marker`: where V8 puts a K.fn(...) call. */
function siteOf(marker: string, call: string): string {
  const line = SOURCE.findIndex((l) => l.includes(marker) && !l.includes('siteOf('));
  if (line < 0) throw new Error(`marker ${marker} not found`);
  const col = SOURCE[line]!.indexOf(`${call}(`);
  if (col < 0) throw new Error(`${call} not on the line of ${marker}`);
  return `test/grad/trace.test.ts:${line + 1}:${col + 1}`;
}

/** The listing with runs of spaces made one: the columns' padding is not the content. */
function lines(tape: K.Tape): string[] {
  return tape
    .toString()
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim());
}

/** Tags balanced and properly nested (comments, declarations and self-closing tags allowed): well-formed enough. */
function expectWellFormedSvg(svg: string): void {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  const stack: string[] = [];
  const body = svg.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g)) {
    const [, close, name, , selfClose] = m;
    if (selfClose === '/') continue;
    if (close === '/') expect(stack.pop(), `closing </${name}>`).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
  expect(body.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]/);
}

describe('trace', () => {
  it('records the nodes in order with ops, Keras functions, input refs, shapes, dtypes, bytes and call sites', () => {
    const f = (x: K.Tensor, y: K.Tensor) => K.sum(K.multiply(x, y)); // @site-f
    const tape = K.trace(f, K.constant([1, 2, 3]), [4, 5, 6]);
    expect(tape.nodes.map((n) => [n.index, n.name, n.op, n.fn])).toEqual([
      [0, 'v1', 'mul', 'multiply'],
      [1, 'v2', 'sum', 'sum'],
    ]);
    const [mul, sum] = tape.nodes as [K.TapeNode, K.TapeNode];
    expect(mul.inputs).toEqual([
      { kind: 'leaf', index: 0 },
      { kind: 'leaf', index: 1 },
    ]);
    expect(sum.inputs).toEqual([{ kind: 'node', index: 0 }]);
    expect([mul.inputShapes, mul.inputDtypes, mul.shape, mul.dtype]).toEqual([
      [[3], [3]],
      ['float32', 'float32'],
      [3],
      'float32',
    ]);
    expect([sum.inputShapes, sum.shape, sum.attrs, sum.doc]).toEqual([
      [[3]],
      [],
      'axes=[0], keepdims=false',
      'sum over axes',
    ]);
    expect(mul.site).toBe(siteOf('@site-f', 'multiply'));
    expect(sum.site).toBe(siteOf('@site-f', 'sum'));
    // By hand: mul keeps x, y and its output (3 float32 each: 36 B); sum only adds its scalar output.
    expect([mul.savedBytes, sum.savedBytes, tape.savedBytes]).toEqual([36, 4, 40]);
    expect(tape.inputs.map((l) => [l.name, l.kind, l.input, l.detail, l.shape, l.dtype])).toEqual([
      ['x0', 'input', 0, 'input 0', [3], 'float32'],
      ['x1', 'input', 1, 'input 1', [3], 'float32'],
    ]);
    expect(tape.outputs).toEqual([{ kind: 'node', index: 1 }]);
    expect(tape.result).toBeInstanceOf(K.Tensor);
    expectClose(tape.result, 32);
    expect(tape.nameOf(tape.result)).toBe('v2');
    expect(lines(tape)).toEqual([
      '# tape: 2 nodes, 2 leaves; saves 40 B',
      'x0 = input 0 (3,) float32',
      'x1 = input 1 (3,) float32',
      `v1 = mul(x0, x1) (3,) float32 saves 36 B <- K.multiply at ${siteOf('@site-f', 'multiply')}`,
      `v2 = sum(v1, axes=[0], keepdims=false) () float32 saves 4 B <- K.sum at ${siteOf('@site-f', 'sum')}`,
      '# outputs: v2',
    ]);
  });

  it('counts a storage once across the tape: x * x keeps x once, at the width of its dtype', () => {
    const tape = K.trace((x: K.Tensor) => K.sum(K.square(x)), K.constant([1, 2, 3], 'float64'));
    // square: x (24 B) + output (24 B); sum: its scalar output (8 B).
    expect(tape.nodes.map((n) => n.savedBytes)).toEqual([48, 8]);
    expect(tape.savedBytes).toBe(56);
    const ints = K.trace((x: K.Tensor) => K.add(x, x), K.constant([1, 2], 'int32'));
    expect(ints.savedBytes).toBe(16);
  });

  it('shows variables as leaves read through read_variable nodes, and variables passed as inputs as inputs', () => {
    const w = K.variable([[1], [2]], null, 'weights');
    const b = K.variable([0.5], null, 'b');
    const tape = K.trace((x: K.Tensor, bias: K.Tensor) => K.add(K.dot(x, w), bias), [[1, 1]], b);
    expect(tape.leaves.map((l) => [l.name, l.kind, l.detail])).toEqual([
      ['x0', 'input', 'input 0'],
      ['x1', 'input', "input 1 (variable 'b')"],
      ['weights', 'variable', "variable 'weights'"],
    ]);
    expect(tape.nodes.map((n) => n.text)).toEqual([
      'v1 = read_variable(weights)',
      'v2 = matmul(x0, v1)',
      'v3 = read_variable(x1)',
      'v4 = add(v2, v3)',
    ]);
    expect(tape.nodes[0]!.fn).toBeNull();
    expect(tape.leaves[2]!.tensor).toBe(w);
    expectClose(tape.result, [[3.5]]);
    // The variable's storage is its read's: counted once.
    expect(tape.nodes[0]!.savedBytes).toBe(8);
  });

  it('turns plain values into constant inputs, passes other arguments through, and lists every returned tensor', () => {
    const tape = K.trace(
      (x: K.Tensor, n: K.Tensor, label: string) => [K.multiply(x, n), K.exp(x), label],
      [[1, 2]],
      3,
      'tag'
    );
    expect(tape.inputs.map((l) => [l.name, l.shape, l.dtype])).toEqual([
      ['x0', [1, 2], 'float32'],
      ['x1', [], 'float32'],
    ]);
    expect(tape.outputs).toEqual([
      { kind: 'node', index: 0 },
      { kind: 'node', index: 1 },
    ]);
    expect(tape.result[2]).toBe('tag');
    expect(lines(tape).at(-1)).toBe('# outputs: v1, v2');
    // Constants made inside are leaves too; a tensor computed before the trace is one, with its op named.
    const before = K.exp(K.constant([0, 1]));
    const t2 = K.trace((x: K.Tensor) => K.add(K.multiply(x, before), 2), [1, 1]);
    expect(t2.leaves.map((l) => [l.name, l.kind, l.detail])).toEqual([
      ['x0', 'input', 'input 0'],
      ['c0', 'constant', 'computed before the trace (by exp)'],
      ['c1', 'constant', 'constant 2'],
    ]);
  });

  it('works on symbolic inputs: shapes with None, no bytes, and the result still evaluates with K.function', () => {
    const p = K.placeholder([null, 3], null, 'float32', false, 'feats');
    const tape = K.trace((x: K.Tensor) => K.sum(K.tanh(x), 1), p);
    expect(tape.inputs[0]!.detail).toBe("input 0 (placeholder 'feats')");
    expect(tape.nodes.map((n) => [n.op, n.shape, n.savedBytes])).toEqual([
      ['tanh', [null, 3], 0],
      ['sum', [null], 0],
    ]);
    expect(tape.savedBytes).toBe(0);
    expect(lines(tape)[1]).toBe("x0 = input 0 (placeholder 'feats') (None, 3) float32");
    expect(lines(tape)[2]).toMatch(
      /^v1 = tanh\(x0\) \(None, 3\) float32 saves 0 B <- K.tanh at test\/grad\/trace.test.ts:\d+:\d+$/
    );
    const out = K.function(
      [p],
      [tape.result]
    )([
      [
        [0, 0, 0],
        [1, 2, 3],
      ],
    ])[0]!;
    expectClose(K.constant(out), [0, Math.tanh(1) + Math.tanh(2) + Math.tanh(3)], 1e-5);
  });

  it('shows custom_gradient and checkpoint nodes as `custom` nodes with their kind and the value they pass through', () => {
    const softplus = K.custom_gradient((x: K.Tensor) => [
      K.log(K.add(K.exp(x), 1)),
      (dy: K.Tensor) => K.multiply(dy, K.sigmoid(x)),
    ]);
    const tape = K.trace((x: K.Tensor) => K.sum(softplus(x)), [0, 1]);
    const custom = tape.nodes.find((n) => n.op === 'custom')!;
    expect([custom.fn, custom.attrs, custom.text]).toEqual([
      'custom_gradient',
      'kind=custom_gradient',
      'v4 = custom(x0, v3, kind=custom_gradient)',
    ]);
    // f's ops are on the tape (as TF's eager decorator keeps them), its value passed through the custom node.
    expect(tape.nodes.map((n) => n.op)).toEqual(['exp', 'add', 'log', 'custom', 'sum']);
    expect(tape.toDot()).toContain('"v3" -> "v4" [label="1", style=dashed];');

    const w = K.variable(
      [
        [0.5, -0.2],
        [0.1, 0.3],
      ],
      null,
      'w'
    );
    const cell = (x: K.Tensor) => K.tanh(K.dot(K.tanh(K.dot(x, w)), w));
    const x = K.constant([
      [1, 2],
      [3, 4],
    ]);
    const plain = K.trace((t: K.Tensor) => K.sum(cell(t)), x);
    const ck = K.trace((t: K.Tensor) => K.sum(K.checkpoint(cell)(t)), x);
    expect(ck.nodes.map((n) => n.text)).toEqual([
      'v1 = read_variable(w)',
      'v2 = custom(x0, v1, c0, kind=checkpoint)',
      'v3 = sum(v2, axes=[0, 1], keepdims=false)',
    ]);
    expect(ck.nodes[1]!.fn).toBe('checkpoint');
    // The checkpointed tape keeps x, w, the output and the loss; the plain one every intermediate too.
    expect(ck.savedBytes).toBe(16 + 16 + 16 + 4);
    expect(plain.savedBytes).toBe(16 + 16 + 4 * 16 + 4);
  });

  it('exports Graphviz DOT with a node per leaf and op, and an edge per input', () => {
    const tape = K.trace((x: K.Tensor, y: K.Tensor) => K.mean(K.multiply(x, y)), [1, 2], [3, 4]);
    const dot = tape.toDot();
    expect(dot.startsWith('digraph tape {')).toBe(true);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    for (const edge of [
      '"x0" -> "v1" [label="0"];',
      '"x1" -> "v1" [label="1"];',
      '"v1" -> "v2";',
      '"v2" -> "v3" [label="0"];',
      '"c0" -> "v3" [label="1"];',
    ]) {
      expect(dot).toContain(edge);
    }
    expect(dot.match(/->/g)).toHaveLength(tape.nodes.reduce((s, n) => s + n.inputs.length, 0));
    expect(dot).toMatch(
      /"v1" \[shape=box, [^\n]*label="v1 = mul\\n\(2,\) float32, saves 24 B\\nK\.multiply at test\/grad\/trace\.test\.ts:\d+:\d+"\];/
    );
    // The output has a double border; the leaves are ellipses.
    expect(dot).toMatch(/"v3" \[[^\n]*peripheries=2\];/);
    expect(dot).toMatch(/"x0" \[shape=ellipse, [^\n]*label="x0\\ninput 0\\n\(2,\) float32"\];/);
  });

  it('draws the tape as a self-contained SVG with Graphviz', async () => {
    const tape = K.trace((x: K.Tensor) => K.sum(K.square(K.subtract(x, 1))), [1, 2, 3]);
    const svg = await tape.toSVG();
    expectWellFormedSvg(svg);
    for (const label of [
      'v1 = sub',
      'v2 = mul',
      'v3 = sum (axes=[0], keepdims=false)',
      'K.square at test/grad/trace.test.ts:',
      'x0',
      'constant 1',
    ]) {
      expect(svg).toContain(label);
    }
    // One drawn node per leaf and per op, one drawn edge per input; nothing fetched from elsewhere.
    expect(svg.match(/<g id="node\d+" class="node">/g)).toHaveLength(tape.leaves.length + tape.nodes.length);
    expect(svg.match(/<g id="edge\d+" class="edge">/g)).toHaveLength(5);
    expect(svg).not.toMatch(/xlink:href|<image|@import/);
  });

  it('records only what fn records: earlier nodes stay out, no_grad records nothing, and call sites end with the trace', () => {
    const x = K.constant([1, 2]);
    K.exp(x);
    const tape = K.trace((t: K.Tensor) => K.no_grad(() => K.exp(t)), x);
    expect(tape.nodes).toEqual([]);
    expect(lines(tape)).toEqual([
      '# tape: 0 nodes, 2 leaves; saves 0 B',
      'x0 = input 0 (2,) float32',
      expect.stringMatching(/^c0 = constant \[2.718, 7.389\] \(2,\) float32$/),
      '# outputs: c0',
    ]);
    expect(sitesOn()).toBe(false);
    expect(() =>
      K.trace(() => {
        throw new Error('boom');
      })
    ).toThrow('boom');
    expect(sitesOn()).toBe(false);
    const after = K.trace((t: K.Tensor) => K.abs(t), x);
    expect(after.nodes.map((n) => n.op)).toEqual(['abs']);
  });

  it('runs the explain examples (npm run explain) and their tapes end in a scalar loss', () => {
    for (const [name, ex] of Object.entries(EXAMPLES)) {
      const { tape, wrt } = ex.run();
      expect(tape.nodes.length, name).toBeGreaterThan(2);
      expect(tape.result.shape, name).toEqual([]);
      expect(wrt.length, name).toBeGreaterThan(0);
      expect(
        tape.nodes.every((n) => n.op === 'read_variable' || (n.site ?? '').startsWith(`examples/explain/${name}.ts:`)),
        name
      ).toBe(true);
    }
  });

  it('rejects a non-function fn and bad inputs with errors naming trace', () => {
    expectError(() => K.trace(42 as unknown as () => number), K.TypeError, 'trace', 'fn must be a function', 'number');
    expectError(() => K.trace((x: K.Tensor) => x, [[1, 2], [3]]), K.ValueError, 'trace');
    expect(sitesOn()).toBe(false);
  });
});
