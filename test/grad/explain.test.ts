// K.explain (issue 8, teaching): the backward pass told node by node, with the
// primitives' VJP formulas, cotangents and gradients; its gradients are K.gradients'.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as K from '../../src/index.js';
import { type PRIMS, specOf } from '../../src/prims/table.js';
import type { AnyVjp } from '../../src/prims/spec.js';
import { EXAMPLES } from '../../examples/explain/index.js';
import { expectClose, expectError } from '../helpers.js';

/** The step blocks of an explanation, by their heading line ('[1] v3 = sum(...)'). */
function steps(text: string): string[][] {
  return text
    .split('\n\n')
    .slice(1)
    .map((b) => b.split('\n'))
    .filter((b) => /^\[\d+\] /.test(b[0]!));
}

/** The formula text the primitive's table gives for input `i`. */
function formula(op: keyof typeof PRIMS, i: number): string {
  const vjp = specOf(op).vjp as { variadic?: AnyVjp } & readonly (AnyVjp | null)[];
  return (vjp.variadic ?? vjp[i]!).formula;
}

function expectSameGradients(got: (K.Tensor | null)[], want: (K.Tensor | null)[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (want[i] === null) expect(g).toBeNull();
    else expectClose(g!, want[i]!.toArray());
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('explain', () => {
  it('returns the steps as data too (a stepper shows them one by one), named as the tape names them', () => {
    const w = K.variable([0.5, -1], null, 'w');
    const tape = K.trace((x: K.Tensor) => K.sum(K.multiply(K.tanh(w), x)), [2, 3]);
    const { steps: got, text } = K.explain(tape.result, [w], { print: false, tape });
    expect(got.map((s) => [s.node, s.op])).toEqual(tape.nodes.map((n) => [n.name, n.op]).reverse());
    const mul = got.find((s) => s.op === 'mul')!;
    expect(mul.doc).toBe('x * y');
    expect(mul.cotangent).toBe('[1, 1]  (2,) float32');
    expect(mul.contributions).toBe(1);
    // The constant input needs no gradient; the tanh's output gets g * y.
    expect(mul.sends.map((x) => [x.input, x.index, x.formula])).toEqual([[tape.nodes[1]!.name, 0, formula('mul', 0)]]);
    expect(mul.sends[0]!.value).toBe('[2, 3]  (2,) float32');
    // Every step's text is its block of the printed explanation.
    for (const st of got) expect(text).toContain(st.text);
    expect(got[0]!.text.split('\n')[0]).toMatch(/^\[1\] /);
  });

  it('walks the nodes in reverse order with each VJP formula, cotangent and gradient, then the final gradients', () => {
    const w = K.variable([0.5, -1], null, 'w');
    const x = K.constant([2, 3]);
    const loss = K.sum(K.multiply(K.tanh(w), x));
    const { text, gradients } = K.explain(loss, [w], { print: false });
    const blocks = steps(text);
    expect(blocks.map((b) => b[0]!.replace(/\s+/g, ' ').replace(/ <- .*$/, ''))).toEqual([
      '[1] v4 = sum(v3, axes=[0], keepdims=false) () float32',
      '[2] v3 = mul(v2, c0) (2,) float32',
      '[3] v2 = tanh(v1) (2,) float32',
      '[4] v1 = read_variable(w) (2,) float32',
    ]);
    // Made outside K.trace, the nodes carry their Keras function but no call site.
    expect(blocks.map((b) => b[0]!.split('<- ')[1] ?? null)).toEqual(['K.sum', 'K.multiply', 'K.tanh', null]);
    // Each block: the primitive's doc, the cotangent, and one line per input needing a gradient with its formula.
    expect(blocks[0]!.slice(1)).toEqual([
      '    sum: sum over axes',
      '    g = 1',
      `    -> v3 (input 0): ${formula('sum', 0)} = [1, 1]  (2,) float32`,
    ]);
    expect(blocks[1]!.slice(1)).toEqual([
      '    mul: x * y',
      '    g = [1, 1]  (2,) float32',
      `    -> v2 (input 0): ${formula('mul', 0)} = [2, 3]  (2,) float32`,
    ]);
    const dt = [2 * (1 - Math.tanh(0.5) ** 2), 3 * (1 - Math.tanh(-1) ** 2)];
    expect(blocks[2]![3]).toContain(`-> v1 (input 0): ${formula('tanh', 0)} = [`);
    expect(blocks[3]![3]).toContain(`-> w (input 0): ${formula('read_variable', 0)} = [`);
    expect(text).toContain('seed: g(v4) = ones_like(v4) = 1');
    expect(text.split('gradients:\n')[1]).toMatch(/^ {2}d loss \/ d w = \[[-\d.]+, [-\d.]+\] {2}\(2,\) float32$/);
    expectClose(gradients[0]!, dt);
    expectSameGradients(gradients, K.gradients(loss, [w]));
  });

  it('prints with console.log by default, and only returns with print: false', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const x = K.constant([1, 2]);
    const { text } = K.explain(K.sum(K.square(x)), x);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith(text);
    K.explain(K.sum(K.square(x)), x, { print: false });
    expect(log).toHaveBeenCalledTimes(1);
  });

  it("sums a tensor used twice, names a tape's tensors as its listing does, and reports None for an unused x", () => {
    const w = K.variable(
      [
        [1, 2],
        [3, 4],
      ],
      null,
      'w'
    );
    const unused = K.variable([1], null, 'unused');
    const tape = K.trace(
      (x: K.Tensor) => {
        const h = K.dot(x, w);
        return K.mean(K.multiply(h, h));
      },
      [[1, -1]]
    );
    const { text, gradients } = K.explain(tape.result, [w, unused, tape.inputs[0]!.tensor], { print: false, tape });
    for (const n of tape.nodes) expect(text).toContain(n.text);
    const mul = steps(text).find((b) => b[0]!.includes('= mul('))!;
    expect(mul.slice(3).map((l) => l.split(':')[0])).toEqual(['    -> v2 (input 0)', '    -> v2 (input 1)']);
    const matmul = steps(text).find((b) => b[0]!.includes('= matmul('))!;
    expect(matmul[2]).toMatch(/^ {4}g = .*\(the sum of 2 contributions\)$/);
    expect(matmul.slice(3).map((l) => l.split(' = ')[0])).toEqual([
      `    -> x0 (input 0): ${formula('matmul', 0)}`,
      `    -> v1 (input 1): ${formula('matmul', 1)}`,
    ]);
    expect(text).toContain('d loss / d unused = None');
    expect(text).toContain('d loss / d x0 = ');
    expectSameGradients(gradients, K.gradients(tape.result, [w, unused, tape.inputs[0]!.tensor]));
  });

  it('says where a broadcast input gets its gradient summed back to its shape', () => {
    const x = K.constant([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = K.constant([10]);
    const { text, gradients } = K.explain(K.sum(K.multiply(x, b)), [x, b], { print: false });
    expect(text).toContain('-> x0 (input 0): g * y = [[10, 10, 10], [10, 10, 10]]  (2, 3) float32');
    expect(text).toContain('-> x1 (input 1): g * x, summed over the broadcast axes to (1,) = [21]  (1,) float32');
    expectSameGradients(gradients, K.gradients(K.sum(K.multiply(x, b)), [x, b]));
  });

  it('summarises large tensors by shape, dtype, min, max and mean (maxValues sets the limit)', () => {
    const x = K.constant(Array.from({ length: 100 }, (_, i) => i / 10));
    const { text, gradients } = K.explain(K.sum(K.square(x)), x, { print: false });
    // d/dx sum(x^2) = 2x: min 0, max 19.8, mean 9.9.
    expect(text).toContain('d loss / d x0 = (100,) float32  min 0  max 19.8  mean 9.9');
    expectClose(
      gradients[0]!,
      Array.from({ length: 100 }, (_, i) => (2 * i) / 10)
    );
    const full = K.explain(K.sum(K.square(x)), x, { print: false, maxValues: 100 }).text;
    expect(full).toMatch(/d loss \/ d x0 = \[0, 0\.2, 0\.4, /);
  });

  it("says a custom_gradient node runs the user's grad_fn and a checkpoint node recomputes", () => {
    const softplus = K.custom_gradient((x: K.Tensor) => [
      K.log(K.add(K.exp(x), 1)),
      (dy: K.Tensor) => K.multiply(dy, K.sigmoid(x)),
    ]);
    const x = K.constant([0, 1]);
    const loss = K.sum(softplus(x));
    const { text, gradients } = K.explain(loss, x, { print: false });
    expect(text).toContain(
      "-> x0 (input 0): grad_fn(g): the user's gradient function (K.custom_gradient) = [0.5, 0.7311]"
    );
    expect(text).toMatch(
      /\n\[2\] v4 = custom\(x0, v3, kind=custom_gradient\) +\(2,\) float32 +<- K\.custom_gradient\n/
    );
    expectSameGradients(gradients, K.gradients(loss, x));

    const w = K.variable(
      [
        [0.5, -0.2],
        [0.1, 0.3],
      ],
      null,
      'w'
    );
    const ck = K.sum(K.checkpoint((t: K.Tensor) => K.tanh(K.dot(t, w)))(K.constant([[1, 2]])));
    const e = K.explain(ck, [w], { print: false });
    expect(e.text).toContain(
      '-> v1 (input 1): recompute the checkpointed function from its saved inputs, then backprop g through it (K.checkpoint) = '
    );
    expectSameGradients(e.gradients, K.gradients(ck, [w]));
  });

  it('explains a symbolic graph: symbolic cotangents, gradients that K.function evaluates as K.gradients', () => {
    const p = K.placeholder([null, 2], null, 'float32', false, 'inp');
    const w = K.variable([[1], [-1]], null, 'w');
    const loss = K.sum(K.square(K.dot(p, w)));
    const { text, gradients } = K.explain(loss, [w], { print: false });
    expect(text).toContain('g = symbolic (None, 1) float32');
    expect(text).toContain('d loss / d w = symbolic (2, 1) float32');
    const want = K.gradients(loss, [w]);
    const feed = [
      [
        [1, 2],
        [3, 5],
      ],
    ];
    const [got] = K.function([p], [gradients[0]!])(feed);
    const [ref] = K.function([p], [want[0]!])(feed);
    // d/dw sum((p w)^2) = 2 p^T (p w): p w = [-1, -2].
    expect([got!.get(0, 0), got!.get(1, 0)]).toEqual([ref!.get(0, 0), ref!.get(1, 0)]);
    expect([ref!.get(0, 0), ref!.get(1, 0)]).toEqual([2 * (1 * -1 + 3 * -2), 2 * (2 * -1 + 5 * -2)]);
  });

  it('gives the same gradients as K.gradients for every explain example, a list of losses, and float64', () => {
    for (const [name, ex] of Object.entries(EXAMPLES)) {
      const { tape, wrt } = ex.run();
      const { text, gradients } = K.explain(tape.result, wrt, { print: false, tape });
      const texts = tape.nodes.map((n) => n.text);
      const blocks = steps(text);
      expect(blocks.length, name).toBeGreaterThan(2);
      // Every step is a node of the tape, named as the listing names it, with its call site.
      for (const b of blocks) {
        expect(texts, name).toContain(b[0]!.replace(/^\[\d+\] /, '').split('   ')[0]);
        if (!b[0]!.includes('read_variable')) expect(b[0], name).toContain(` at examples/explain/${name}.ts:`);
      }
      for (const x of wrt) expect(text, name).toContain(`d loss / d ${tape.nameOf(x)} = `);
      expectSameGradients(gradients, K.gradients(tape.result, wrt));
    }
    const x = K.constant([0.5, 2], 'float64');
    const losses = [K.sum(K.exp(x)), K.sum(K.log(x))];
    const e = K.explain(losses, x, { print: false });
    expect(e.text).toContain('seed: g(v2) = ones_like(v2) = 1\nseed: g(v4) = ones_like(v4) = 1');
    expect(e.text).toContain('d (v2 + v4) / d x0 = [3.649, 7.889]  (2,) float64');
    expectSameGradients(e.gradients, K.gradients(losses, x));
  });

  it('rejects bad arguments with errors naming explain and the argument', () => {
    const x = K.constant([1, 2]);
    const loss = K.sum(x);
    expectError(
      () => K.explain(3 as unknown as K.Tensor, x),
      K.TypeError,
      'explain',
      'loss must be a tensor',
      'number'
    );
    expectError(() => K.explain([loss, null as unknown as K.Tensor], x), K.TypeError, 'explain', 'loss[1]');
    expectError(() => K.explain([], x), K.ValueError, 'explain', 'loss');
    expectError(() => K.explain(K.constant([1, 2], 'int32'), x), K.ValueError, 'explain', 'float', 'int32', '(2,)');
    expectError(() => K.explain(loss, [x, 'w' as unknown as K.Tensor]), K.TypeError, 'explain', 'xs[1]', 'string');
    expectError(() => K.explain(loss, []), K.ValueError, 'explain', 'xs');
    expectError(
      () => K.explain(loss, x, { verbose: true } as unknown as K.ExplainOptions),
      K.TypeError,
      'explain',
      'unknown option',
      'verbose'
    );
    expectError(() => K.explain(loss, x, 'quiet' as unknown as K.ExplainOptions), K.TypeError, 'explain', 'options');
    expectError(
      () => K.explain(loss, x, { print: 'no' as unknown as boolean }),
      K.TypeError,
      'explain',
      'options.print'
    );
    expectError(() => K.explain(loss, x, { tape: {} as unknown as K.Tape }), K.TypeError, 'explain', 'options.tape');
    expectError(() => K.explain(loss, x, { maxValues: -1 }), K.ValueError, 'explain', 'options.maxValues');
  });
});
