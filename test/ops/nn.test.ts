// K.softmax, the crossentropies, l2_normalize, in_top_k, bias_add,
// batch_normalization and normalize_batch_in_training (src/ops/nn.ts).
// Reference values (and gradients of the losses) come from
// test/fixtures/gen_nn.py: numpy re-implementing the seed's TF source, in each
// case's dtype, including logits of +-1e4 and probabilities of exactly 0 and 1.
import { readFileSync } from 'node:fs';
import ndarray from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import type { DType } from '../../src/index.js';
import { allocate } from '../../src/core/dtype.js';
import type { NestedArray } from '../../src/core/tensor.js';
import { expectClose, expectError, nest, tolFor } from '../helpers.js';

interface Enc {
  shape: number[];
  dtype: string;
  data: (number | boolean)[];
}
interface Case {
  fn: string;
  note: string;
  args: Record<string, Enc>;
  opts: Record<string, unknown>;
  out: Enc | Enc[];
  grads?: Record<string, Enc>;
}
const CASES = (JSON.parse(readFileSync(new URL('../fixtures/nn.json', import.meta.url), 'utf8')) as { cases: Case[] })
  .cases;

const DTYPES: Record<string, DType> = {
  float32: 'float32',
  float64: 'float64',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
};

function tensorOf(e: Enc): K.Variable {
  const dtype = DTYPES[e.dtype]!;
  const buf = allocate(dtype, e.data.length);
  e.data.forEach((v, i) => {
    buf[i] = Number(v);
  });
  return K.variable(ndarray(buf, e.shape), dtype);
}

type Args = Record<string, K.Tensor>;
const CALL: Record<string, (a: Args, o: Record<string, unknown>) => K.Tensor | K.Tensor[]> = {
  softmax: (a, o) => K.softmax(a.x!, o.axis as number),
  binary_crossentropy: (a, o) => K.binary_crossentropy(a.target!, a.output!, o.from_logits as boolean),
  categorical_crossentropy: (a, o) =>
    K.categorical_crossentropy(a.target!, a.output!, o.from_logits as boolean, o.axis as number),
  sparse_categorical_crossentropy: (a, o) =>
    K.sparse_categorical_crossentropy(a.target!, a.output!, o.from_logits as boolean, o.axis as number),
  l2_normalize: (a, o) => K.l2_normalize(a.x!, o.axis as number | number[] | null),
  in_top_k: (a, o) => K.in_top_k(a.predictions!, a.targets!, o.k as number),
  bias_add: (a, o) => K.bias_add(a.x!, a.bias!, o.data_format as string),
  batch_normalization: (a, o) =>
    K.batch_normalization(
      a.x!,
      a.mean!,
      a.var!,
      a.beta ?? null,
      a.gamma ?? null,
      o.axis as number,
      o.epsilon as number
    ),
  normalize_batch_in_training: (a, o) =>
    K.normalize_batch_in_training(
      a.x!,
      a.gamma ?? null,
      a.beta ?? null,
      o.reduction_axes as number[],
      o.epsilon as number
    ),
};

/** Float results: 1e-5 relative for float32 (numpy sums in its own order), 1e-12 for float64. */
const tolOf = (d: DType) => (d === 'float32' ? tolFor(d, 1e-5) : 1e-12);

function expectEnc(t: K.Tensor, e: Enc, what: string): void {
  expect(t.shape, what).toEqual(e.shape);
  expect(t.dtype, what).toBe(DTYPES[e.dtype]);
  expectClose(t, nest(e.data, e.shape), tolOf(t.dtype));
}

/** Every fixture case of `fn`: values, shapes, dtypes, and the gradients it lists. */
function fixtureTests(fn: string): void {
  const cases = CASES.filter((c) => c.fn === fn);
  it(`matches the numpy reference of the TF source (${cases.length} cases)`, () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const args = Object.fromEntries(Object.entries(c.args).map(([k, v]) => [k, tensorOf(v)]));
      const y = CALL[fn]!(args, c.opts);
      const what = `${fn}: ${c.note} (${JSON.stringify(c.opts)})`;
      if (Array.isArray(c.out)) {
        expect(Array.isArray(y), what).toBe(true);
        (y as K.Tensor[]).forEach((t, i) => expectEnc(t, (c.out as Enc[])[i]!, `${what} output ${i}`));
      } else {
        expectEnc(y as K.Tensor, c.out, what);
      }
    }
  });
  const withGrads = cases.filter((c) => c.grads !== undefined);
  if (withGrads.length > 0) {
    it(`gradients match the analytic derivatives, finite at the extremes (${withGrads.length} cases)`, () => {
      for (const c of withGrads) {
        const args = Object.fromEntries(Object.entries(c.args).map(([k, v]) => [k, tensorOf(v)]));
        const names = Object.keys(c.grads!);
        const gs = K.gradients(
          K.sum(CALL[fn]!(args, c.opts) as K.Tensor),
          names.map((n) => args[n]!)
        );
        names.forEach((n, i) => {
          const g = gs[i]!;
          expect(g, `${c.note}: d/d${n}`).not.toBeNull();
          expect(flat(g).every(Number.isFinite), `${c.note}: d/d${n} finite`).toBe(true);
          expectEnc(g, c.grads![n]!, `${fn}: ${c.note}: d/d${n}`);
        });
      }
    });
  }
}

function flat(t: K.Tensor): number[] {
  const v = t.toArray();
  return Array.isArray(v) ? ((v as unknown[]).flat(Infinity as 1) as number[]) : [v];
}

/** A placeholder-like symbolic tensor (unknown dims are -1). */
const symbolic = (shape: number[], dtype: DType = 'float32') => new K.Tensor(shape, dtype, null, null);

/** Whether `y` was computed from `x` (walks the recorded graph). */
function dependsOn(y: K.Tensor, x: K.Tensor): boolean {
  const seen = new Set<K.Tensor>();
  const stack = [y];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t === x) return true;
    if (seen.has(t)) continue;
    seen.add(t);
    for (const i of t.node?.inputs ?? []) stack.push(i);
  }
  return false;
}

/** d sum(f(x)) / dx and d sum(d sum(f(x))/dx * w) / dx at float64 x: both must exist. */
function grads2(f: (x: K.Tensor) => K.Tensor, x: K.Tensor): [K.Tensor, K.Tensor] {
  const [g] = K.gradients(K.sum(f(x)), [x]);
  expect(g).not.toBeNull();
  const w = K.variable(
    ndarray(
      Float64Array.from(flat(g!), (_, i) => 0.3 + 0.1 * i),
      x.shape.slice()
    ),
    x.dtype
  );
  const [h] = K.gradients(K.sum(K.multiply(g!, w)), [x]);
  expect(h).not.toBeNull();
  return [g!, h!];
}

const f32 = (v: NestedArray) => K.variable(v, 'float32');
const f64 = (v: NestedArray) => K.variable(v, 'float64');
const i32 = (v: NestedArray) => K.variable(v, 'int32');
const round5 = (t: K.Tensor) => flat(t).map((v) => Math.round(v * 1e5) / 1e5 + 0);

afterEach(() => {
  K.set_floatx('float32');
  K.set_epsilon(1e-7);
  K.set_image_data_format('channels_last');
});

// ---- softmax -----------------------------------------------------------------

describe('softmax', () => {
  fixtureTests('softmax');
  it('sums to 1 along the axis; axis by position or in an options object', () => {
    const x = f32([
      [1, 2, 3],
      [4, 5, 7],
    ]);
    expectClose(K.sum(K.softmax(x), -1), [1, 1]);
    expectClose(K.sum(K.softmax(x, 0), 0), [1, 1, 1]);
    expectClose(K.softmax(x, { axis: 0 }), K.softmax(x, 0).toArray());
    const y = K.softmax(x);
    expect(y.dtype).toBe('float32');
    expect(K.softmax(f64([1, 2])).dtype).toBe('float64');
    expect(K.softmax([[1, 2]]).dtype).toBe('float32');
  });
  it('is stable for logits of +-1e4, with finite first and second derivatives', () => {
    const y = K.softmax(
      f32([
        [1e4, -1e4, 0],
        [-1e4, -1e4, -1e4],
      ])
    );
    expectClose(y, [
      [1, 0, 0],
      [1 / 3, 1 / 3, 1 / 3],
    ]);
    const [g, h] = grads2(
      (x) =>
        K.multiply(
          K.softmax(x),
          K.constant(
            [
              [1, 2, 3],
              [4, 5, 6],
            ],
            'float64'
          )
        ),
      f64([
        [1e4, -1e4, 0],
        [1e4, 1e4, -1e4],
      ])
    );
    expect(flat(g).every(Number.isFinite)).toBe(true);
    expect(flat(h).every(Number.isFinite)).toBe(true);
    // Row 0 is one-hot: a flat spot. Row 1 is [0.5, 0.5, 0] with weights 4, 5: d/dx = p (w - p.w).
    expectClose(
      g,
      [
        [0, 0, 0],
        [-0.25, 0.25, 0],
      ],
      1e-12
    );
  });
  it('infers the shape of a symbolic tensor', () => {
    const y = K.softmax(symbolic([-1, 3]));
    expect(y.shape).toEqual([-1, 3]);
    expect(y.isSymbolic).toBe(true);
  });
  it('bad axis -> ValueError/TypeError naming the function, axis and shape; integer x -> TypeError', () => {
    const x = f32([[1, 2, 3]]);
    expectError(() => K.softmax(x, 2), K.ValueError, 'softmax:', 'axis 2', '(1, 3)');
    expectError(() => K.softmax(x, -3), K.ValueError, 'softmax:', 'axis -3', '(1, 3)');
    expectError(() => K.softmax(f32(1)), K.ValueError, 'softmax:', 'axis -1', '()');
    expectError(() => K.softmax(x, 0.5), K.TypeError, 'softmax:', 'axis', '0.5');
    expectError(() => K.softmax(x, { dim: 0 } as unknown as number), K.TypeError, 'softmax:', 'unknown option', 'dim');
    expectError(() => K.softmax(i32([1, 2])), K.TypeError, 'softmax:', 'float', 'int32');
  });
});

// ---- binary_crossentropy -----------------------------------------------------

describe('binary_crossentropy', () => {
  fixtureTests('binary_crossentropy');
  it('clips probabilities to [epsilon, 1 - epsilon] with K.epsilon(): finite at exactly 0 and 1', () => {
    const y = K.binary_crossentropy(f64([1, 0, 1, 0]), f64([0, 1, 1, 0]));
    const e = 1e-7;
    const hi = 1 - e;
    // -(z log(p + e) + (1 - z) log(1 - p + e)) at p = e and p = 1 - e, in float64's order.
    expectClose(y, [-Math.log(e + e), -Math.log(1 - hi + e), -Math.log(hi + e), -Math.log(1 - e + e)], 1e-14);
    K.set_epsilon(1e-3);
    expectClose(K.binary_crossentropy(f64([1]), f64([0])), [-Math.log(2e-3)], 1e-12);
  });
  it('takes from_logits by position or by name; plain targets take the output dtype', () => {
    const x = f64([[2, -1]]);
    const byPos = K.binary_crossentropy([[1, 0]], x, true);
    expect(byPos.dtype).toBe('float64');
    expectClose(K.binary_crossentropy([[1, 0]], x, { from_logits: true }), byPos.toArray(), 1e-15);
    expectClose(byPos, [[Math.log1p(Math.exp(-2)), Math.log1p(Math.exp(-1))]], 1e-12);
    expect(K.binary_crossentropy([0.5], [0.5]).dtype).toBe('float32');
  });
  it('logits of +-1e4 give finite values, first and second derivatives; the slope at 0 is sigmoid(0) - z', () => {
    const z = K.constant([1, 0, 1, 0, 0.25], 'float64');
    const [g, h] = grads2((x) => K.binary_crossentropy(z, x, true), f64([1e4, -1e4, -1e4, 1e4, 0]));
    expectClose(g, [0, 0, -1, 1, 0.25], 1e-12);
    expect(flat(h).every(Number.isFinite)).toBe(true);
    expectClose(h, [0, 0, 0, 0, 0.25 * (0.3 + 0.4)], 1e-12);
  });
  it("a symbolic sigmoid output is replaced by its logits (the source's graph-mode path)", () => {
    const logits = symbolic([-1, 3]);
    const p = K.sigmoid(logits);
    const loss = K.binary_crossentropy(symbolic([-1, 3]), p);
    expect(loss.shape).toEqual([-1, 3]);
    expect(dependsOn(loss, logits)).toBe(true);
    expect(dependsOn(loss, p)).toBe(false);
    // Eager outputs are clipped as they are.
    const q = K.sigmoid(f32([30]));
    expect(dependsOn(K.binary_crossentropy(f32([1]), q), q)).toBe(true);
  });
  it('bad input -> errors naming the function, argument and shapes', () => {
    const out = f32([[0.5, 0.5, 0.5]]);
    expectError(
      () => K.binary_crossentropy(f32([[1, 0]]), out),
      K.ValueError,
      'binary_crossentropy:',
      'target',
      '(1, 2)',
      '(1, 3)'
    );
    expectError(
      () => K.binary_crossentropy(f32([1, 0, 1]), f32([[0, 1, 2]]), true),
      K.ValueError,
      'binary_crossentropy:',
      'same shape',
      '(3,)',
      '(1, 3)'
    );
    expectError(
      () => K.binary_crossentropy(f64([[1, 0, 1]]), out),
      K.TypeError,
      'binary_crossentropy:',
      'target',
      'float64',
      'float32'
    );
    expectError(
      () => K.binary_crossentropy(i32([[1, 0, 1]]), out),
      K.TypeError,
      'binary_crossentropy:',
      'target',
      'int32'
    );
    expectError(
      () => K.binary_crossentropy([[1, 0, 1]], i32([[1, 0, 1]])),
      K.TypeError,
      'binary_crossentropy:',
      'output',
      'int32'
    );
    expectError(
      () => K.binary_crossentropy([[1, 0, 1]], out, 1 as unknown as boolean),
      K.TypeError,
      'binary_crossentropy:',
      'from_logits'
    );
    expectError(
      () => K.binary_crossentropy([[1, 0, 1]], out, { axis: 0 } as unknown as boolean),
      K.TypeError,
      'binary_crossentropy:',
      'unknown option',
      'axis'
    );
  });
});

// ---- categorical_crossentropy ------------------------------------------------

describe('categorical_crossentropy', () => {
  fixtureTests('categorical_crossentropy');
  it('doctest: one-hot targets against probabilities, and against themselves', () => {
    const a = K.constant([1, 0, 0, 0, 1, 0, 0, 0, 1], 'float32', [3, 3]);
    expect(a.toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const b = K.constant([0.9, 0.05, 0.05, 0.05, 0.89, 0.06, 0.05, 0.01, 0.94], 'float32', [3, 3]);
    const loss = K.categorical_crossentropy(a, b);
    expect(loss.dtype).toBe('float32');
    expect(loss.shape).toEqual([3]);
    expect(round5(loss)).toEqual([0.10536, 0.11653, 0.06188]);
    expect(round5(K.categorical_crossentropy(a, a))).toEqual([0, 0, 0]);
  });
  it('rescales probabilities to sum to 1 along the axis; axis and from_logits by name', () => {
    const z = f64([
      [0, 1],
      [1, 0],
    ]);
    expectClose(
      K.categorical_crossentropy(
        z,
        f64([
          [2, 2],
          [3, 1],
        ])
      ),
      [Math.log(2), -Math.log(0.75)],
      1e-12
    );
    const zt = f64([
      [0, 1],
      [1, 0],
    ]);
    expectClose(
      K.categorical_crossentropy(
        zt,
        f64([
          [2, 3],
          [2, 1],
        ]),
        { axis: 0 }
      ),
      [-Math.log(0.5), -Math.log(0.75)],
      1e-12
    );
    expectClose(
      K.categorical_crossentropy(
        z,
        f64([
          [0, 0],
          [0, 0],
        ]),
        { from_logits: true }
      ),
      [Math.log(2), Math.log(2)],
      1e-12
    );
  });
  it('logits of +-1e4: finite values and second derivatives', () => {
    const z = K.constant(
      [
        [0, 1, 0],
        [1, 0, 0],
      ],
      'float64'
    );
    const y = K.categorical_crossentropy(
      z,
      f64([
        [1e4, -1e4, 0],
        [1e4, 1e4, -1e4],
      ]),
      true
    );
    expectClose(y, [2e4, Math.log(2)], 1e-12);
    const [g, h] = grads2(
      (x) => K.categorical_crossentropy(z, x, true),
      f64([
        [1e4, -1e4, 0],
        [1e4, 1e4, -1e4],
      ])
    );
    expectClose(
      g,
      [
        [1, -1, 0],
        [-0.5, 0.5, 0],
      ],
      1e-12
    );
    expect(flat(h).every(Number.isFinite)).toBe(true);
  });
  it('a symbolic softmax output (last axis) is replaced by its logits', () => {
    const logits = symbolic([-1, 4]);
    const p = K.softmax(logits);
    const loss = K.categorical_crossentropy(symbolic([-1, 4]), p);
    expect(loss.shape).toEqual([-1]);
    expect(dependsOn(loss, p)).toBe(false);
    expect(dependsOn(loss, logits)).toBe(true);
    // Over another axis TF's Softmax op is not the output's op: no shortcut.
    const q = K.softmax(symbolic([2, 4]), 0);
    expect(dependsOn(K.categorical_crossentropy(symbolic([2, 4]), q, false, 0), q)).toBe(true);
  });
  it('bad input -> errors naming the function, argument and shapes', () => {
    const out = f32([[0.2, 0.8]]);
    expectError(
      () => K.categorical_crossentropy(f32([0, 1]), out),
      K.ValueError,
      'categorical_crossentropy:',
      'same shape',
      '(2,)',
      '(1, 2)'
    );
    expectError(
      () => K.categorical_crossentropy(f32([[0, 1]]), out, false, 2),
      K.ValueError,
      'categorical_crossentropy:',
      'axis 2',
      '(1, 2)'
    );
    expectError(
      () => K.categorical_crossentropy(f32([[0, 1]]), out, { axis: -3 }),
      K.ValueError,
      'categorical_crossentropy:',
      'axis -3'
    );
    expectError(
      () => K.categorical_crossentropy(i32([[0, 1]]), out),
      K.TypeError,
      'categorical_crossentropy:',
      'target',
      'int32'
    );
    expectError(
      () => K.categorical_crossentropy(f32([[0, 1]]), out, 'yes' as unknown as boolean),
      K.TypeError,
      'categorical_crossentropy:',
      'from_logits'
    );
    expectError(
      () => K.categorical_crossentropy(f32([[0, 1]]), out, { dim: 1 } as unknown as boolean),
      K.TypeError,
      'unknown option',
      'dim'
    );
  });
});

// ---- sparse_categorical_crossentropy -----------------------------------------

describe('sparse_categorical_crossentropy', () => {
  fixtureTests('sparse_categorical_crossentropy');
  it('probabilities are clipped, logged and renormalised (the source treats log p as logits)', () => {
    const p = f64([[0.2, 0.2, 0.2]]);
    expectClose(K.sparse_categorical_crossentropy([1], p), [Math.log(3)], 1e-12);
    expect(K.sparse_categorical_crossentropy([1], f32([[0.2, 0.3, 0.5]])).dtype).toBe('float32');
  });
  it("labels may be int32, int64 or float (truncated); the result has output's shape without the class axis", () => {
    const x = f64([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    ]);
    const byInt = K.sparse_categorical_crossentropy(K.variable([[2, 0]], 'int64'), x, true, 1);
    expect(byInt.shape).toEqual([1, 2]);
    expect(byInt.dtype).toBe('float64');
    expectClose(
      K.sparse_categorical_crossentropy(i32([[2, 0]]), x, { from_logits: true, axis: 1 }),
      byInt.toArray(),
      1e-15
    );
    expectClose(K.sparse_categorical_crossentropy(f32([[2.9, 0.2]]), x, true, 1), byInt.toArray(), 1e-15);
  });
  it('logits of +-1e4 and probabilities 0 and 1: finite values and second derivatives', () => {
    const [g, h] = grads2(
      (x) => K.sparse_categorical_crossentropy([1, 0], x, true),
      f64([
        [1e4, -1e4, 0],
        [1e4, 1e4, -1e4],
      ])
    );
    expectClose(
      g,
      [
        [1, -1, 0],
        [-0.5, 0.5, 0],
      ],
      1e-12
    );
    expect(flat(h).every(Number.isFinite)).toBe(true);
    const [gp, hp] = grads2(
      (p) => K.sparse_categorical_crossentropy([1, 0], p),
      f64([
        [1, 0, 0],
        [0, 1, 0],
      ])
    );
    expect(flat(gp).every(Number.isFinite)).toBe(true);
    expect(flat(hp).every(Number.isFinite)).toBe(true);
  });
  it('a symbolic softmax output is replaced by its logits; symbolic labels infer the shape', () => {
    const logits = symbolic([-1, 5]);
    const p = K.softmax(logits);
    const loss = K.sparse_categorical_crossentropy(symbolic([-1], 'int32'), p);
    expect(loss.shape).toEqual([-1]);
    expect(dependsOn(loss, p)).toBe(false);
    expect(dependsOn(loss, logits)).toBe(true);
  });
  it('labels outside [0, classes) -> ValueError naming the value and the range', () => {
    const x = f32([
      [0.1, 0.2, 0.7],
      [0.3, 0.3, 0.4],
    ]);
    expectError(
      () => K.sparse_categorical_crossentropy([0, 3], x),
      K.ValueError,
      'sparse_categorical_crossentropy:',
      'label value of 3',
      '[0, 3)',
      '(2, 3)'
    );
    expectError(() => K.sparse_categorical_crossentropy(i32([-1, 0]), x), K.ValueError, 'label value of -1', '[0, 3)');
    expectError(() => K.sparse_categorical_crossentropy(f32([0, NaN]), x), K.ValueError, 'label value of NaN');
  });
  it('bad label shapes and ranks, axes and options -> errors naming the function, argument and shapes', () => {
    const x = f32([
      [0.1, 0.2, 0.7],
      [0.3, 0.3, 0.4],
      [0.5, 0.25, 0.25],
      [0.2, 0.2, 0.6],
    ]);
    const fn = 'sparse_categorical_crossentropy:';
    // rank 1 = rank(output) - 1: must be output's shape without the class axis.
    expectError(
      () => K.sparse_categorical_crossentropy([0, 1, 2], x),
      K.ValueError,
      fn,
      'target of shape (3,)',
      '(4, 3)',
      '(4,)'
    );
    // any other rank is flattened and must hold one label per row.
    expectError(
      () => K.sparse_categorical_crossentropy([[0], [1], [2], [0], [1]], x),
      K.ValueError,
      fn,
      '(5, 1)',
      '5 labels',
      '4 rows'
    );
    const x3 = f32(new Array(2).fill(new Array(3).fill([0.25, 0.25, 0.25, 0.25])) as NestedArray);
    expectError(
      () => K.sparse_categorical_crossentropy(i32(new Array(8).fill([0])), x3, false, 1),
      K.ValueError,
      fn,
      '(8, 1)',
      '(2, 4)'
    );
    expectError(() => K.sparse_categorical_crossentropy(0, f32(0.5)), K.ValueError, fn, 'class axis', '()');
    expectError(
      () => K.sparse_categorical_crossentropy(symbolic([2], 'int32'), symbolic([2, -1])),
      K.ValueError,
      fn,
      'class axis 1',
      '(2, None)',
      'known size'
    );
    expectError(
      () => K.sparse_categorical_crossentropy([0, 1, 2, 0], x, false, 2),
      K.ValueError,
      fn,
      'axis 2',
      '(4, 3)'
    );
    expectError(
      () => K.sparse_categorical_crossentropy([0, 1, 2, 0], i32([[1, 2, 3]])),
      K.TypeError,
      fn,
      'output',
      'int32'
    );
    expectError(
      () => K.sparse_categorical_crossentropy([0, 1, 2, 0], x, { from_logits: true }, -1),
      K.TypeError,
      fn,
      'options object'
    );
  });
});

// ---- l2_normalize ------------------------------------------------------------

describe('l2_normalize', () => {
  fixtureTests('l2_normalize');
  it('divides by the norm along the axis (null: the whole tensor); axis by name', () => {
    expectClose(
      K.l2_normalize(
        f64([
          [3, 4],
          [0, 5],
        ]),
        1
      ),
      [
        [0.6, 0.8],
        [0, 1],
      ],
      1e-12
    );
    expectClose(
      K.l2_normalize(
        f64([
          [3, 4],
          [0, 0],
        ])
      ),
      [
        [0.6, 0.8],
        [0, 0],
      ],
      1e-12
    );
    expectClose(
      K.l2_normalize(
        f64([
          [3, 4],
          [0, 0],
        ]),
        { axis: 0 }
      ),
      [
        [1, 1],
        [0, 0],
      ],
      1e-12
    );
    expect(K.l2_normalize([1, 1]).dtype).toBe('float32');
  });
  it('a zero slice stays zero with a finite gradient (1 / sqrt(1e-12) from the max)', () => {
    const x = f64([
      [0, 0],
      [3, 4],
    ]);
    const [g] = K.gradients(K.sum(K.l2_normalize(x, 1)), [x]);
    expectClose(
      g!,
      [
        [1e6, 1e6],
        [(1 - 0.6 * 1.4) / 5, (1 - 0.8 * 1.4) / 5],
      ],
      1e-9
    );
  });
  it('bad axis, integer x -> errors naming the function, axis and shape', () => {
    const x = f32([[1, 2]]);
    expectError(() => K.l2_normalize(x, 2), K.ValueError, 'l2_normalize:', 'axis 2', '(1, 2)');
    expectError(() => K.l2_normalize(x, [0, -2]), K.ValueError, 'l2_normalize:', 'twice', '(1, 2)');
    expectError(() => K.l2_normalize(x, 'all' as unknown as number), K.TypeError, 'l2_normalize:', 'axis');
    expectError(() => K.l2_normalize(i32([1, 2])), K.TypeError, 'l2_normalize:', 'float', 'int32');
  });
});

// ---- in_top_k ----------------------------------------------------------------

describe('in_top_k', () => {
  fixtureTests('in_top_k');
  it('ties at the k-th value count as in; bool result of shape (batch,)', () => {
    const y = K.in_top_k(
      f32([
        [1, 3, 3, 2],
        [5, 5, 5, 5],
      ]),
      [2, 3],
      1
    );
    expect(y.dtype).toBe('bool');
    expect(y.shape).toEqual([2]);
    expect(y.toArray()).toEqual([1, 1]);
    expect(K.in_top_k(f32([[1, 3, 3, 2]]), [3], 2).toArray()).toEqual([0]);
    expect(K.in_top_k(f32([[1, 3, 3, 2]]), [3], 3).toArray()).toEqual([1]);
  });
  it('a target out of range or with a non-finite prediction is false; int64 targets work', () => {
    const p = f32([
      [1, 2, 3],
      [NaN, 1, 2],
      [1, Infinity, 0],
      [1, 2, 3],
    ]);
    expect(K.in_top_k(p, K.variable([5, 0, 1, -1], 'int64'), 3).toArray()).toEqual([0, 0, 0, 0]);
    // NaN elsewhere is not greater than the target's value.
    expect(K.in_top_k(p, i32([2, 2, 0, 2]), 1).toArray()).toEqual([1, 1, 0, 1]);
  });
  it('bad shapes, dtypes and k -> errors naming the function, argument and shapes', () => {
    const p = f32([
      [1, 2, 3],
      [3, 2, 1],
    ]);
    expectError(() => K.in_top_k(f32([1, 2, 3]), [0], 1), K.ValueError, 'in_top_k:', 'predictions', '2-D', '(3,)');
    expectError(() => K.in_top_k(p, [[0], [1]], 1), K.ValueError, 'in_top_k:', 'targets', '1-D', '(2, 1)');
    expectError(() => K.in_top_k(p, [0, 1, 2], 1), K.ValueError, 'in_top_k:', 'batch', '(2, 3)', '(3,)');
    expectError(() => K.in_top_k(p, f32([0, 1]), 1), K.TypeError, 'in_top_k:', 'targets', 'float32');
    expectError(() => K.in_top_k(p, [0.5, 1], 1), K.TypeError, 'in_top_k:', 'targets');
    expectError(() => K.in_top_k(i32([[1, 2]]), [0], 1), K.TypeError, 'in_top_k:', 'predictions', 'int32');
    expectError(() => K.in_top_k(p, [0, 1], 1.5), K.TypeError, 'in_top_k:', 'k', '1.5');
    expectError(() => K.in_top_k(symbolic([2, -1]), [0, 1], 1), K.ValueError, 'in_top_k:', '(2, None)', 'classes');
  });
});

// ---- bias_add ----------------------------------------------------------------

describe('bias_add', () => {
  fixtureTests('bias_add');
  it('data_format defaults to image_data_format(); by position or by name', () => {
    const x = f32([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    const b = f32([10, 20]);
    expectClose(K.bias_add(x, b), [
      [
        [11, 22],
        [13, 24],
      ],
      [
        [15, 26],
        [17, 28],
      ],
    ]);
    expectClose(K.bias_add(x, b, { data_format: 'channels_first' }), [
      [
        [11, 12],
        [23, 24],
      ],
      [
        [15, 16],
        [27, 28],
      ],
    ]);
    K.set_image_data_format('channels_first');
    expectClose(K.bias_add(x, b), [
      [
        [11, 12],
        [23, 24],
      ],
      [
        [15, 16],
        [27, 28],
      ],
    ]);
    expect(K.bias_add(i32([[1, 2]]), [3, 4]).dtype).toBe('int32');
  });
  it('a rank-(ndim - 1) bias is reshaped, not transposed, for channels_first (as the source)', () => {
    const x = f64(new Array(1).fill(new Array(2).fill([0, 0, 0])) as NestedArray);
    // bias (3, 2) read as (1, 2, 3): rows of x get [1, 2, 3] and [4, 5, 6].
    expectClose(
      K.bias_add(
        x,
        f64([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
        'channels_first'
      ),
      [
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ],
      1e-15
    );
  });
  it('gradient: ones for x, summed over the other axes for the bias', () => {
    const x = f64([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    const b = f64([1, 2]);
    const [gx, gb] = K.gradients(K.sum(K.multiply(K.bias_add(x, b, 'channels_first'), x)), [x, b]);
    expectClose(
      gx!,
      [
        [
          [3, 5],
          [8, 10],
        ],
        [
          [11, 13],
          [16, 18],
        ],
      ],
      1e-15
    );
    expectClose(gb!, [1 + 2 + 5 + 6, 3 + 4 + 7 + 8], 1e-15);
  });
  it('bad data_format, bias rank, bias size and dtype -> errors naming the function, argument and shapes', () => {
    const x = f32([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectError(() => K.bias_add(x, [1, 2, 3], 'NHWC'), K.ValueError, 'bias_add:', 'Unknown data_format: NHWC');
    expectError(
      () => K.bias_add(f32([[[[1]]]]), f32([[[[1]]]])),
      K.ValueError,
      'bias_add:',
      'Unexpected bias dimensions 4, expect to be 1 or 3',
      '(1, 1, 1, 1)'
    );
    expectError(() => K.bias_add(x, [1, 2]), K.ValueError, 'bias_add:', 'bias of shape (2,)', '(2, 3)', 'axis 1');
    const x3 = f32(new Array(2).fill(new Array(4).fill([1, 2, 3])) as NestedArray);
    expectClose(K.bias_add(x3, [1, 2, 3]), K.add(x3, f32([1, 2, 3])).toArray());
    expectError(
      () => K.bias_add(x3, [1, 2, 3], 'channels_first'),
      K.ValueError,
      'bias_add:',
      'bias of shape (3,)',
      'axis 1',
      '(2, 4, 3)',
      'channels_first'
    );
    expectError(() => K.bias_add(f32([1, 2]), f32(1)), K.ValueError, 'bias_add:', 'bias must be 1-D', '(2,)');
    expectError(() => K.bias_add(f32([1, 2]), [1, 2]), K.ValueError, 'bias_add:', 'at least 2-D', '(2,)');
    expectError(
      () =>
        K.bias_add(
          f32([
            [
              [1, 2],
              [3, 4],
              [5, 6],
            ],
          ]),
          f32([
            [1, 2],
            [3, 4],
          ])
        ),
      K.ValueError,
      'bias_add:',
      '(2, 2)',
      '(1, 2, 2)',
      '(1, 3, 2)'
    );
    expectError(() => K.bias_add(x, f64([1, 2, 3])), K.TypeError, 'bias_add:', 'bias', 'float64', 'float32');
    expectError(
      () => K.bias_add(x, [1, 2, 3], { format: 'x' } as unknown as string),
      K.TypeError,
      'bias_add:',
      'unknown option',
      'format'
    );
  });
});

// ---- batch_normalization -----------------------------------------------------

describe('batch_normalization', () => {
  fixtureTests('batch_normalization');
  it("divides by sqrt(var + epsilon), as the source does (not the docstring's sqrt(var) + epsilon)", () => {
    // x = 1, mean 0, var 0.25, epsilon 0.75: the source gives 1 / sqrt(1) = 1; the docstring 1 / 1.25.
    expectClose(K.batch_normalization(f64([[1]]), f64([0]), f64([0.25]), null, null, -1, 0.75), [[1]], 1e-15);
    expectClose(K.batch_normalization(f64([[1]]), [0], [0.25], [0.5], [2], { epsilon: 0.75 }), [[2.5]], 1e-15);
  });
  it('4-D (the fused op) raises epsilon to 1.001e-5 and takes one value per channel', () => {
    const x = f64([[[[2]]]]);
    expectClose(K.batch_normalization(x, [0], [0], null, null, -1, 0), [[[[2 / Math.sqrt(1.001e-5)]]]], 1e-12);
    expectClose(K.batch_normalization(f64([[2, 3]]), [0], [0], null, null, -1, 1e-8), [[2e4, 3e4]], 1e-12);
    const x4 = f64([[[[1, 2]], [[3, 4]]]]);
    expectClose(K.batch_normalization(x4, [[[[1]], [[2]]]], [1, 1], null, null, 1, 0), [[[[0, 1]], [[1, 2]]]], 1e-4);
    expect(K.batch_normalization(f32([[[[1, 2]]]]), [0, 0], [1, 1], null, null).dtype).toBe('float32');
  });
  it('gradients flow to x, mean, var, beta and gamma', () => {
    const [x, m, v, b, g] = [f64([[1, 2]]), f64([0.5, 1]), f64([1, 3]), f64([0, 1]), f64([2, 1])];
    const grads = K.gradients(K.sum(K.batch_normalization(x, m, v, b, g, -1, 0)), [x, m, v, b, g]);
    expectClose(grads[0]!, [[2, 1 / Math.sqrt(3)]], 1e-12);
    expectClose(grads[1]!, [-2, -1 / Math.sqrt(3)], 1e-12);
    expectClose(grads[2]!, [-0.5 * 0.5 * 2, (-0.5 * 1) / Math.pow(3, 1.5)], 1e-12);
    expectClose(grads[3]!, [1, 1], 1e-12);
    expectClose(grads[4]!, [0.5, 1 / Math.sqrt(3)], 1e-12);
  });
  it('bad parameters, axis and epsilon -> errors naming the function, argument and shapes', () => {
    const fn = 'batch_normalization:';
    const x = f32([[1, 2, 3]]);
    expectError(
      () => K.batch_normalization(x, [0, 0], [1, 1, 1], null, null),
      K.ValueError,
      fn,
      'mean of shape (2,)',
      '(1, 3)'
    );
    expectError(
      () => K.batch_normalization(x, [0], [1], [[1, 2]], null),
      K.ValueError,
      fn,
      'beta of shape (1, 2)',
      '(1, 3)'
    );
    expectError(
      () =>
        K.batch_normalization(x, [0], [1], null, [
          [1, 2],
          [3, 4],
        ]),
      K.ValueError,
      fn,
      'gamma of shape (2, 2)',
      '(1, 3)'
    );
    expectError(
      () => K.batch_normalization(x, [0], f64([1]), null, null),
      K.TypeError,
      fn,
      'var',
      'float64',
      'float32'
    );
    expectError(() => K.batch_normalization(x, null as unknown as number, [1], null, null), K.TypeError, fn, 'mean');
    expectError(() => K.batch_normalization(x, [0], [1], null, null, 2), K.ValueError, fn, 'axis 2', '(1, 3)');
    expectError(
      () => K.batch_normalization(x, [0], [1], null, null, -1, 'small' as unknown as number),
      K.TypeError,
      fn,
      'epsilon'
    );
    expectError(() => K.batch_normalization(i32([[1]]), [0], [1], null, null), K.TypeError, fn, 'float', 'int32');
    const x4 = f32([[[[1, 2]], [[3, 4]], [[5, 6]]]]);
    expectError(
      () => K.batch_normalization(x4, [0, 0], [1, 1, 1], null, null, 1),
      K.ValueError,
      fn,
      'mean of shape (2,)',
      '3',
      'axis 1',
      '(1, 3, 1, 2)'
    );
    expectError(
      () => K.batch_normalization(x4, [0, 0, 0], [1, 1], null, null, -1),
      K.ValueError,
      fn,
      'mean of shape (3,)',
      '2',
      'axis 3'
    );
    expectError(
      () => K.batch_normalization(x4, [[0, 0]], [1, 1], null, null, 2),
      K.ValueError,
      fn,
      'mean must be 1-D',
      'axis 2',
      '(1, 2)'
    );
    expectError(
      () => K.batch_normalization(x, [0], [1], null, null, { eps: 1 } as unknown as number),
      K.TypeError,
      fn,
      'unknown option',
      'eps'
    );
  });
});

// ---- normalize_batch_in_training ---------------------------------------------

describe('normalize_batch_in_training', () => {
  fixtureTests('normalize_batch_in_training');
  it('returns [normed, mean, variance]: regular path by hand', () => {
    const [y, m, v] = K.normalize_batch_in_training(
      f64([
        [1, 2],
        [3, 6],
      ]),
      null,
      null,
      [0],
      0
    );
    expectClose(m, [2, 4], 1e-15);
    expectClose(v, [1, 4], 1e-15);
    expectClose(
      y,
      [
        [-1, -1],
        [1, 1],
      ],
      1e-15
    );
    expect(y.dtype).toBe('float64');
  });
  it("4-D over [0, 1, 2] (fused): the variance returned has Bessel's correction, the one used has not", () => {
    const x = f64([[[[1]], [[3]]]]); // (1, 2, 1, 1): n = 2 values per channel
    const [y, m, v] = K.normalize_batch_in_training(x, null, null, [0, 1, 2], 0);
    expectClose(m, [2], 1e-15);
    expectClose(v, [2], 1e-15);
    expectClose(y, [[[[-1 / Math.sqrt(1 + 1.001e-5)]], [[1 / Math.sqrt(1 + 1.001e-5)]]]], 1e-12);
    // The same axes in another order take the regular path: biased variance, epsilon as given.
    const [y2, , v2] = K.normalize_batch_in_training(x, null, null, [2, 1, 0], 0);
    expectClose(v2, [1], 1e-15);
    expectClose(y2, [[[[-1]], [[1]]]], 1e-12);
  });
  it('gradient w.r.t. x of the normed output is the batch-norm gradient (zero for a sum)', () => {
    const x = f64([
      [1, 2],
      [3, 7],
      [4, 1],
    ]);
    const [g] = K.gradients(K.sum(K.normalize_batch_in_training(x, null, null, [0])[0]), [x]);
    expectClose(
      g!,
      [
        [0, 0],
        [0, 0],
        [0, 0],
      ],
      1e-12
    );
  });
  it('bad axes and parameters -> errors naming the function, argument and shapes', () => {
    const fn = 'normalize_batch_in_training:';
    const x = f32([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectError(
      () => K.normalize_batch_in_training(x, null, null, 0 as unknown as number[]),
      K.TypeError,
      fn,
      'reduction_axes'
    );
    expectError(() => K.normalize_batch_in_training(x, null, null, [0.5]), K.TypeError, fn, 'reduction_axes');
    expectError(
      () => K.normalize_batch_in_training(x, null, null, [2]),
      K.ValueError,
      fn,
      'reduction_axes [2]',
      '(2, 3)'
    );
    expectError(() => K.normalize_batch_in_training(x, null, null, [0, -2]), K.ValueError, fn, 'twice', '(2, 3)');
    expectError(
      () => K.normalize_batch_in_training(x, [1, 2], null, [0]),
      K.ValueError,
      fn,
      'gamma of shape (2,)',
      '(2, 3)'
    );
    expectError(
      () => K.normalize_batch_in_training(x, null, [1, 2, 3], [1]),
      K.ValueError,
      fn,
      'beta of shape (3,)',
      '(2, 1)'
    );
    expectError(() => K.normalize_batch_in_training(x, f64([1, 2, 3]), null, [0]), K.TypeError, fn, 'gamma', 'float64');
    expectError(
      () => K.normalize_batch_in_training(x, null, null, [0], 'x' as unknown as number),
      K.TypeError,
      fn,
      'epsilon'
    );
    const x4 = f32([[[[1, 2]], [[3, 4]]]]);
    expectError(
      () => K.normalize_batch_in_training(x4, [[1, 1]], null, [0, 1, 2]),
      K.ValueError,
      fn,
      'gamma',
      '1-D',
      '(2,)',
      '(1, 2)'
    );
  });
});
