// Every batching rule of the primitive table against a loop of unbatched
// calls: each gradcheck case (the Keras functions, which reach every
// primitive) is mapped by K.vmap over three examples, each input's batch axis
// at a different position (or null: one value shared by every example), and
// so is the case's gradient (a VJP with a fixed cotangent), which reaches the
// primitives used only inside VJPs. On the cpu the float64 results must equal
// the loop's bit for bit; on the gpu (float32) within float32 rounding.
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import type { GradCase } from '../../gradcheck/case.js';
import { ALL_CASES } from '../../gradcheck/cases/index.js';
import { hashSeed, rng, sampleInput, sampleSigned } from '../../gradcheck/sample.js';
import { observingBatchRules } from '../../src/prims/batching.js';
import { PRIMS } from '../../src/prims/table.js';
import * as lax from '../../src/prims/lax.js';
import { testDevice } from '../helpers.js';

const B = 3;
const cpu = testDevice() === 'cpu';
const dtype: K.DType = cpu ? 'float64' : 'float32';

/** The rules reached (prim), and with which input batched ('prim#i'). */
const reached = new Set<string>();
/**
 * Whether a convolution ran with its examples as groups (a batched kernel,
 * or the filter gradient of batched inputs): the grouped kernel sums a
 * window's taps in another order than the ungrouped one, so those results
 * agree with the loop to rounding, not to the bit.
 */
let grouped = false;
const GROUPED = (prim: string, axes: readonly (number | null)[]) =>
  ((prim === 'conv' || prim === 'conv_backprop_input') && axes[1] !== null) || prim === 'conv_backprop_filter';
const observe = <T>(body: () => T): T =>
  observingBatchRules((prim, axes) => {
    reached.add(prim);
    if (GROUPED(prim, axes)) grouped = true;
    axes.forEach((a, i) => a !== null && reached.add(`${prim}#${i}`));
  }, body);

const t = (v: Float64Array, shape: readonly number[]) =>
  K.cast(K.constant(Array.from(v), 'float64', [...shape]), dtype);

/** The batch axis of input i of case number n: every position in turn, and null now and then. */
function axisFor(n: number, i: number, rank: number): number | null {
  const k = (n * 7 + i * 3) % (rank + 3);
  return k > rank ? null : k;
}

function same(a: K.Tensor, b: K.Tensor, what: string): void {
  expect(a.shape, `${what}: shape`).toEqual(b.shape);
  const x = K.eval(a).data;
  const y = K.eval(b).data;
  for (let j = 0; j < x.length; j++) {
    const p = Number(x[j]);
    const q = Number(y[j]);
    if (Number.isNaN(p) && Number.isNaN(q)) continue;
    if (cpu && !grouped) expect(p, `${what}: element ${j}`).toBe(q);
    else if (cpu)
      expect(Math.abs(p - q), `${what}: element ${j} (${p} vs ${q})`).toBeLessThanOrEqual(1e-14 * (1 + Math.abs(q)));
    else expect(Math.abs(p - q), `${what}: element ${j} (${p} vs ${q})`).toBeLessThanOrEqual(2e-5 * (1 + Math.abs(q)));
  }
}

/** Primitives no gradcheck case reaches (they take no gradient): their values alone, against the loop. */
const EXTRA: (GradCase & { readonly valuesOnly: true })[] = (
  [
    { op: 'round', inputs: [{ shape: [2, 3] }], fn: (x) => K.round(K.multiply(x, 3)) },
    {
      op: 'not_equal',
      inputs: [{ shape: [2, 3] }, { shape: [3] }],
      fn: (x, y) => K.cast(K.not_equal(K.round(x), K.round(y)), dtype),
    },
    { op: 'less', inputs: [{ shape: [2, 3] }, { shape: [2, 1] }], fn: (x, y) => K.cast(K.less(x, y), dtype) },
    { op: 'argmax', inputs: [{ shape: [3, 4] }], fn: (x) => K.cast(K.argmax(x, 1), dtype) },
    { op: 'argmin', inputs: [{ shape: [3, 4] }], fn: (x) => K.cast(K.argmin(x, 0), dtype) },
    // K.shape of a known shape is a constant: the primitive is what a graph reads.
    { op: 'shape', inputs: [{ shape: [3, 4] }], fn: (x) => K.cast(lax.shapeOf(x), dtype) },
  ] satisfies GradCase[]
).map((c) => ({ ...c, valuesOnly: true as const }));

function checkBatched(c: GradCase & { readonly valuesOnly?: true }, n: number): void {
  const r = rng(hashSeed(`vmap ${c.op} ${c.variant ?? ''}`));
  grouped = false;
  const axes: (number | null)[] = c.inputs.map((s, i) =>
    s.variable === true || s.values !== undefined ? null : axisFor(n, i, s.shape.length)
  );
  if (!axes.some((a) => a !== null)) axes[c.inputs.findIndex((s) => s.variable !== true)] = 0;
  // One sample per example (one for all where unmapped).
  const samples = c.inputs.map((s, i) =>
    Array.from({ length: axes[i] === null ? 1 : B }, () => t(sampleInput(s, r), s.shape))
  );
  const args = c.inputs.map((s, i) => {
    if (s.variable === true) return K.variable(samples[i]![0]!, dtype);
    return axes[i] === null ? samples[i]![0]! : K.stack(samples[i]!, axes[i]!);
  });
  const example = (b: number) =>
    c.inputs.map((s, i) => (s.variable === true ? args[i]! : samples[i]![axes[i] === null ? 0 : b]!));
  // The forward.
  const loop = K.stack(
    Array.from({ length: B }, (_, b) => c.fn(...example(b))),
    0
  );
  const mapped = observe(() => K.vmap((...xs: K.Tensor[]) => c.fn(...xs), axes)(...args));
  same(mapped as K.Tensor, loop, `${c.variant ?? c.op}: values`);
  if (c.valuesOnly === true) return;
  // Its gradient: each example's VJP with one cotangent.
  const w = t(
    sampleSigned(
      loop.shape.slice(1).reduce((p, d) => p * d, 1),
      r
    ),
    loop.shape.slice(1)
  );
  const grads = (...xs: K.Tensor[]) =>
    K.gradients(K.sum(K.multiply(c.fn(...xs), w)), xs).map((g, i) => g ?? K.zeros_like(xs[i]!));
  const loopGrads = Array.from({ length: B }, (_, b) => grads(...example(b)));
  const mappedGrads = observe(() => K.vmap(grads, axes)(...args)) as K.Tensor[];
  mappedGrads.forEach((g, i) => {
    same(
      g,
      K.stack(
        loopGrads.map((gs) => gs[i]!),
        0
      ),
      `${c.variant ?? c.op}: gradient ${i}`
    );
  });
}

const byOp = new Map<string, GradCase[]>();
for (const c of [...ALL_CASES, ...EXTRA]) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);

let n = 0;
for (const [op, cases] of byOp) {
  describe(op, () => {
    for (const c of cases) {
      const k = n++;
      it(`${c.variant ?? op}: K.vmap equals a loop, values and gradients`, () => checkBatched(c, k));
    }
  });
}

describe('batching reach', () => {
  it('every batching rule of the table ran', () => {
    const rules = Object.entries(PRIMS)
      .filter(([, spec]) => typeof spec.batch === 'function')
      .map(([p]) => p);
    expect(rules.filter((p) => !reached.has(p)).join(' ')).toEqual('');
  });
});

describe('batching rules on random shapes', () => {
  // Shapes, batch axes (or null) and attributes drawn from a seeded generator: 40 draws per primitive family.
  // (Everything random is drawn before f is built: f runs once mapped and B times in the loop.)
  const r = rng(hashSeed('vmap random shapes'));
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const dims = (rank: number) => Array.from({ length: rank }, () => int(1, 3));
  const sample = (shape: number[]) => t(sampleInput({ shape }, r), shape);
  /** f over B examples: each input mapped at a random axis (or shared), against the loop. */
  function check(what: string, f: (...xs: K.Tensor[]) => K.Tensor, shapes: number[][]): void {
    const axes = shapes.map((s) => (r() < 0.25 ? null : int(0, s.length)));
    if (!axes.some((a) => a !== null)) axes[0] = 0;
    const each = shapes.map((s, i) => Array.from({ length: axes[i] === null ? 1 : B }, () => sample(s)));
    const args = shapes.map((_, i) => (axes[i] === null ? each[i]![0]! : K.stack(each[i]!, axes[i]!)));
    const loop = K.stack(
      Array.from({ length: B }, (_, b) => f(...each.map((e, i) => e[axes[i] === null ? 0 : b]!))),
      0
    );
    grouped = false;
    same(
      K.vmap(f, axes)(...args) as K.Tensor,
      loop,
      `${what}, shapes ${JSON.stringify(shapes)}, axes ${JSON.stringify(axes)}`
    );
  }
  it('broadcasting maps and where', () => {
    for (let k = 0; k < 40; k++) {
      const x = dims(int(0, 3));
      const y = x.slice(int(0, x.length)).map((d) => (r() < 0.3 ? 1 : d));
      check('add', (a, b) => K.add(a, b), [x, y]);
      check('maximum', (a, b) => K.maximum(b, a), [x, y]);
      check('where', (a, b) => K.switch(K.greater(a, 0), a, K.multiply(b, 2)), [x, x]);
    }
  });
  it('reductions, scans and softmax along random axes', () => {
    for (let k = 0; k < 40; k++) {
      const x = dims(int(1, 3));
      const axis = int(0, x.length - 1);
      const keep = r() < 0.5;
      check('sum', (a) => K.sum(a, axis, keep), [x]);
      check('max', (a) => K.max(a, [axis], true), [x]);
      check('cumsum', (a) => K.cumsum(a, axis), [x]);
      check('softmax', (a) => K.softmax(a, axis), [x]);
    }
  });
  it('transpose, reshape, slice, pad and concat', () => {
    for (let k = 0; k < 40; k++) {
      const x = dims(int(1, 3));
      const perm = [...x.keys()].sort(() => r() - 0.5);
      check('transpose', (a) => K.permute_dimensions(a, perm), [x]);
      check('reshape', (a) => K.reshape(a, [-1]), [x]);
      const size = x.map((d) => int(1, d));
      check(
        'slice',
        (a) =>
          K.slice(
            a,
            x.map(() => 0),
            size
          ),
        [x]
      );
      check(
        'pad',
        (a) =>
          K.spatial_2d_padding(K.reshape(a, [1, -1, 1, 1]), [
            [1, 0],
            [0, 0],
          ]),
        [x]
      );
      const axis = int(0, x.length - 1);
      const other = x.map((d, i) => (i === axis ? int(1, 3) : d));
      check('concat', (a, b) => K.concatenate([a, b], axis), [x, other]);
    }
  });
  it('matmul and gather', () => {
    for (let k = 0; k < 40; k++) {
      const [m, kk, n] = [int(1, 4), int(1, 4), int(1, 4)];
      check('dot', (a, b) => K.dot(a, b), [
        [m, kk],
        [kk, n],
      ]);
      const bsz = int(1, 3);
      check('batch_dot', (a, b) => K.batch_dot(a, b, [2, 1]), [
        [bsz, m, kk],
        [bsz, kk, n],
      ]);
      const x = dims(int(1, 3));
      const axis = int(0, x.length - 1);
      const idx = K.constant(
        Array.from({ length: int(1, 4) }, () => int(0, x[axis]! - 1)),
        'int32'
      );
      check(
        'gather',
        (a) => K.gather(K.permute_dimensions(a, [axis, ...[...x.keys()].filter((i) => i !== axis)]), idx),
        [x]
      );
    }
  });
});
