// K.sum, mean, max, min, prod, var, std, any, all, argmax, argmin.
// The seed gives no doctest examples for these functions; reference values come
// from test/fixtures/gen_reduce.py (numpy re-implementing the seed's TF source)
// and from hand computations below.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import type { DType } from '../../src/index.js';
import { Tensor, type NestedArray } from '../../src/core/tensor.js';
import { expectClose, expectError, fixtureTensor, nest } from '../helpers.js';

type Axis = number | number[] | null;
interface Values {
  shape: number[];
  data: (number | boolean)[];
}
interface Case extends Values {
  fn: string;
  input: 'x' | 'i' | 'b';
  axis: Axis;
  keepdims?: boolean;
}
interface Fixture {
  inputs: Record<'x' | 'i' | 'b', Values & { dtype: DType }>;
  cases: Case[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/reduce.json', import.meta.url), 'utf8')) as Fixture;

const inputOf = (name: 'x' | 'i' | 'b') => {
  const v = fixture.inputs[name];
  return fixtureTensor(v.data, v.shape, v.dtype);
};

/** The dtype the seed's source gives for `fn` applied to an input of `dtype`. */
function expectedDType(fn: string, dtype: DType): DType {
  if (fn === 'any' || fn === 'all') return 'bool';
  if (fn === 'argmax' || fn === 'argmin') return 'int64';
  if (dtype === 'bool' && (fn === 'mean' || fn === 'var' || fn === 'std')) return K.floatx();
  return dtype;
}

type Reduce = (x: K.Tensor, axis?: Axis, keepdims?: boolean) => K.Tensor;
const REDUCE: Record<string, Reduce> = {
  sum: K.sum,
  mean: K.mean,
  max: K.max,
  min: K.min,
  prod: K.prod,
  var: K.var,
  std: K.std,
  any: K.any,
  all: K.all,
};

/** Every fixture case of `fn`, checked for values, shape and dtype. */
function fixtureTests(fn: string): void {
  const cases = fixture.cases.filter((c) => c.fn === fn);
  it(`matches the numpy reference (${cases.length} cases: axis null/int/list/[], keepdims)`, () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const x = inputOf(c.input);
      const y =
        fn === 'argmax'
          ? K.argmax(x, c.axis as number)
          : fn === 'argmin'
            ? K.argmin(x, c.axis as number)
            : REDUCE[fn]!(x, c.axis, c.keepdims);
      const what = `${fn}(${c.input}, axis=${JSON.stringify(c.axis)}, keepdims=${c.keepdims})`;
      expect(y.shape, what).toEqual(c.shape);
      expect(y.dtype, what).toBe(expectedDType(fn, x.dtype));
      expectClose(y, nest(c.data, c.shape), y.dtype === 'float32' ? 1e-6 : 1e-12);
    }
  });
}

/** Axis errors every reduction shares, naming the function, the axis and the shape. */
function axisErrorTests(fn: string): void {
  const f = REDUCE[fn]!;
  it('rejects an out-of-range axis with a ValueError naming the function, axis and shape', () => {
    const x = fixtureTensor([1, 2, 3, 4, 5, 6], [2, 3], 'float32');
    expectError(() => f(x, 2), K.ValueError, `${fn}:`, 'axis 2', 'out of range', '(2, 3)');
    expectError(() => f(x, -3), K.ValueError, `${fn}:`, 'axis -3', '(2, 3)');
    expectError(() => f(x, [0, 5]), K.ValueError, `${fn}:`, 'axis [0,5]', '(2, 3)');
    expectError(() => f(fixtureTensor([1], [], 'float32'), 0), K.ValueError, `${fn}:`, 'axis 0', '()');
  });
  it('rejects a repeated axis (also via a negative alias) with a ValueError', () => {
    const x = fixtureTensor([1, 2, 3, 4, 5, 6], [2, 3], 'float32');
    expectError(() => f(x, [1, 1]), K.ValueError, `${fn}:`, 'axis [1,1]', 'twice', '(2, 3)');
    expectError(() => f(x, [0, -2]), K.ValueError, `${fn}:`, 'axis [0,-2]', 'twice', '(2, 3)');
  });
  it('rejects a non-integer axis, a bad keepdims and unknown options with a TypeError; x is unchanged', () => {
    const x = K.variable(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      'float32'
    );
    const version = x.version;
    expectError(() => f(x, 0.5), K.TypeError, `${fn}:`, 'axis', '0.5');
    expectError(() => f(x, ['0'] as unknown as number[]), K.TypeError, `${fn}:`, 'axis');
    expectError(() => f(x, 0, 'yes' as unknown as boolean), K.TypeError, `${fn}:`, 'keepdims');
    expectError(
      () => REDUCE[fn]!(x, { axes: 0 } as unknown as number),
      K.TypeError,
      `${fn}:`,
      'unknown option',
      'axes'
    );
    expectError(() => f(x, 1, { axis: 0 } as unknown as boolean), K.TypeError, `${fn}:`, 'axis given both');
    expect(x.version).toBe(version);
    expect(x.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });
}

/** d(sum(y))/dx for y = f(x) at float64 `values`. */
function gradOf(f: (x: K.Tensor) => K.Tensor, values: NestedArray): K.Tensor {
  const x = K.variable(values, 'float64');
  const [g] = K.gradients(f(x), [x]);
  expect(g).not.toBeNull();
  expect(g!.dtype).toBe('float64');
  return g!;
}

/** A placeholder-like symbolic tensor (unknown dims are -1). */
const symbolic = (shape: number[], dtype: DType = 'float32') => new Tensor(shape, dtype, null, null);

afterEach(() => K.set_floatx('float32'));

describe('sum', () => {
  fixtureTests('sum');
  axisErrorTests('sum');
  it('takes axis and keepdims positionally or in one options object', () => {
    const x = fixtureTensor([1, 2, 3, 4, 5, 6], [2, 3], 'float32');
    expectClose(K.sum(x, 1, true), [[6], [15]]);
    expectClose(K.sum(x, { axis: 1, keepdims: true }), [[6], [15]]);
    expectClose(K.sum(x, 0, { keepdims: false } as unknown as boolean), [5, 7, 9]);
    expectClose(K.sum(x, { keepdims: true }), [[21]]);
    expectClose(K.sum(x, null, true), [[21]]);
    expect(K.sum(x).dtype).toBe('float32');
  });
  it('reduces plain values as floatx', () => {
    const y = K.sum(
      [
        [1, 2],
        [3, 4],
      ],
      -1
    );
    expect(y.dtype).toBe('float32');
    expectClose(y, [3, 7]);
  });
  it('reduces a 0-d tensor over all (no) axes, and an empty axis list is the identity', () => {
    const s = K.sum(fixtureTensor([5], [], 'int32'));
    expect(s.shape).toEqual([]);
    expect(s.dtype).toBe('int32');
    expect(s.toArray()).toBe(5);
    expectClose(K.sum(fixtureTensor([1, 2], [2], 'float32'), []), [1, 2]);
  });
  it('sums an empty axis to 0', () => {
    const y = K.sum(fixtureTensor([], [0, 3], 'float32'), 0);
    expect(y.shape).toEqual([3]);
    expectClose(y, [0, 0, 0]);
  });
  it('refuses bool tensors (TensorFlow has no bool sum) with a TypeError', () => {
    expectError(() => K.sum(fixtureTensor([1, 0], [2], 'bool')), K.TypeError, 'sum:', 'bool', '(2,)');
  });
  it('infers the shape of a symbolic tensor with unknown dimensions', () => {
    const y = K.sum(symbolic([-1, 3]), 1, true);
    expect(y.shape).toEqual([-1, 1]);
    expect(y.isSymbolic).toBe(true);
  });
  it('has gradient 1 everywhere, broadcast back over reduced axes', () => {
    // sum_ij(s_i * x_ij) = sum_i s_i^2 with s_i = sum_j x_ij: its gradient is 2 s_i.
    expectClose(
      gradOf(
        (x) => K.sum(x, 0),
        [
          [1, 2],
          [3, 4],
        ]
      ),
      [
        [1, 1],
        [1, 1],
      ]
    );
    expectClose(
      gradOf(
        (x) => K.multiply(K.sum(x, 1, true), x),
        [
          [1, 2],
          [3, 4],
        ]
      ),
      [
        [6, 6],
        [14, 14],
      ]
    );
  });
});

describe('mean', () => {
  fixtureTests('mean');
  axisErrorTests('mean');
  it('keeps integer dtypes and divides truncating toward zero, as tf.reduce_mean', () => {
    const y = K.mean(fixtureTensor([1, 2, -3, -4, 7, 7], [3, 2], 'int32'), 1);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([1, -3, 7]); // 1.5 -> 1, -3.5 -> -3
  });
  it('sums small integers without overflow (TensorFlow sums in 64 bits)', () => {
    const u = K.mean(fixtureTensor([200, 250], [2], 'uint8'));
    expect(u.dtype).toBe('uint8');
    expect(u.toArray()).toBe(225);
    const i8 = K.mean(fixtureTensor([100, 100, -1], [3], 'int8'));
    expect(i8.dtype).toBe('int8');
    expect(i8.toArray()).toBe(66); // 199 / 3
    expect(K.mean(fixtureTensor([2147483647, 2147483647], [2], 'int32')).toArray()).toBe(2147483647);
  });
  it('casts bool to floatx', () => {
    const b = fixtureTensor([1, 0, 0, 1, 1, 1], [2, 3], 'bool');
    const y = K.mean(b, 1);
    expect(y.dtype).toBe('float32');
    expectClose(y, [1 / 3, 1]);
    K.set_floatx('float64');
    expect(K.mean(b).dtype).toBe('float64');
    expectClose(K.mean(b), 2 / 3, 1e-15);
  });
  it('keeps float32 and reduces a 0-d tensor', () => {
    const y = K.mean(fixtureTensor([1, 2, 4, 8], [2, 2], 'float32'), [0, 1], true);
    expect(y.dtype).toBe('float32');
    expectClose(y, [[3.75]]);
    expectClose(K.mean(fixtureTensor([2.5], [], 'float64')), 2.5);
  });
  it('gives NaN over an empty float axis and 0 over an empty integer axis, as TensorFlow', () => {
    expectClose(K.mean(fixtureTensor([], [2, 0], 'float32'), 1), [NaN, NaN]);
    expect(K.mean(fixtureTensor([], [2, 0], 'int32'), 1).toArray()).toEqual([0, 0]);
  });
  it('infers shapes over unknown (placeholder) dimensions', () => {
    const p = symbolic([-1, 3]);
    expect(K.mean(p, 0).shape).toEqual([3]);
    expect(K.mean(p, 1, true).shape).toEqual([-1, 1]);
    expect(K.mean(p).shape).toEqual([]);
    expect(K.mean(p).dtype).toBe('float32');
    expect(K.mean(symbolic([-1], 'int32')).dtype).toBe('int32');
  });
  it('evaluates a mean over an unknown (placeholder) dimension through K.function, counting at run time', () => {
    const p = K.placeholder([null, 3]);
    const q = K.placeholder([null], null, 'int32');
    const f = K.function([p, q], [K.mean(p, 0), K.mean(p), K.mean(q)]);
    for (const rows of [
      [[1, 2, 3]],
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 10],
      ],
    ]) {
      const ints = rows.map((r) => r[0]! - 5);
      const [m0, m, mi] = f([rows, ints]);
      expectClose(K.constant(m0!), K.mean(K.constant(rows), 0).toArray());
      expectClose(K.constant(m!), K.mean(K.constant(rows)).toArray());
      // Integers: the truncated mean, as eagerly.
      expect(mi!.get()).toBe(K.mean(K.constant(ints, 'int32')).toArray());
    }
    // The gradient 1/n takes the n of each call.
    const [g] = K.gradients(K.mean(p), [p]);
    const grad = K.function([p], [g!]);
    expectClose(
      K.constant(
        grad([
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
        ])[0]!
      ),
      [
        [1 / 6, 1 / 6, 1 / 6],
        [1 / 6, 1 / 6, 1 / 6],
      ]
    );
    expectClose(K.constant(grad([[[1, 2, 3]]])[0]!), [[1 / 3, 1 / 3, 1 / 3]]);
  });
  it('has gradient 1/n', () => {
    expectClose(
      gradOf(
        (x) => K.mean(x, 1),
        [
          [1, 2, 3],
          [4, 5, 6],
        ]
      ),
      [
        [1 / 3, 1 / 3, 1 / 3],
        [1 / 3, 1 / 3, 1 / 3],
      ],
      1e-15
    );
    expectClose(
      gradOf(
        (x) => K.mean(x),
        [
          [1, 2],
          [3, 4],
        ]
      ),
      [
        [0.25, 0.25],
        [0.25, 0.25],
      ],
      1e-15
    );
  });
});

describe('max', () => {
  fixtureTests('max');
  axisErrorTests('max');
  it('propagates NaN and handles infinities', () => {
    expectClose(K.max(fixtureTensor([1, NaN, 3], [3], 'float32')), NaN);
    expectClose(K.max(fixtureTensor([-Infinity, -5], [2], 'float64')), -5);
    expectClose(K.max(fixtureTensor([1, Infinity], [2], 'float64')), Infinity);
  });
  it('keeps integer dtypes', () => {
    const y = K.max(fixtureTensor([3, -7, 9, 0], [2, 2], 'int16'), 0);
    expect(y.dtype).toBe('int16');
    expect(y.toArray()).toEqual([9, 0]);
  });
  it('refuses bool tensors (tf.reduce_max has no bool kernel), pointing to K.any', () => {
    expectError(() => K.max(fixtureTensor([1, 0], [2], 'bool')), K.TypeError, 'max:', 'bool', 'K.any');
  });
  it('shares the gradient equally among tied maxima, as TensorFlow', () => {
    expectClose(
      gradOf(
        (x) => K.max(x, 1),
        [
          [1, 3, 3],
          [2, 2, 2],
          [5, 1, 0],
        ]
      ),
      [
        [0, 0.5, 0.5],
        [1 / 3, 1 / 3, 1 / 3],
        [1, 0, 0],
      ],
      1e-15
    );
    expectClose(
      gradOf(
        (x) => K.max(x),
        [
          [3, 1],
          [3, 3],
        ]
      ),
      [
        [1 / 3, 0],
        [1 / 3, 1 / 3],
      ],
      1e-15
    );
  });
});

describe('min', () => {
  fixtureTests('min');
  axisErrorTests('min');
  it('propagates NaN', () => {
    expectClose(K.min(fixtureTensor([1, NaN, -3], [3], 'float64')), NaN);
  });
  it('keeps integer dtypes', () => {
    const y = K.min(fixtureTensor([3, 7, 9, 0], [2, 2], 'uint8'), 1, true);
    expect(y.dtype).toBe('uint8');
    expect(y.toArray()).toEqual([[3], [0]]);
  });
  it('refuses bool tensors, pointing to K.all', () => {
    expectError(() => K.min(fixtureTensor([1, 0], [2], 'bool')), K.TypeError, 'min:', 'bool', 'K.all');
  });
  it('shares the gradient equally among tied minima', () => {
    expectClose(
      gradOf(
        (x) => K.min(x, 0),
        [
          [1, 0, 4],
          [1, 2, 4],
        ]
      ),
      [
        [0.5, 1, 0.5],
        [0.5, 0, 0.5],
      ],
      1e-15
    );
  });
});

describe('prod', () => {
  fixtureTests('prod');
  axisErrorTests('prod');
  it('multiplies an empty axis to 1 and keeps integer dtypes', () => {
    expectClose(K.prod(fixtureTensor([], [0, 2], 'float32'), 0), [1, 1]);
    const y = K.prod(fixtureTensor([2, -3, 4], [3], 'int32'));
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toBe(-24);
  });
  it('refuses bool tensors with a TypeError', () => {
    expectError(() => K.prod(fixtureTensor([1, 0], [2], 'bool'), 0), K.TypeError, 'prod:', 'bool');
  });
  it('has gradient prod(others) without zeros', () => {
    expectClose(
      gradOf(
        (x) => K.prod(x, 1),
        [
          [2, 3, 4],
          [-1, 5, 0.5],
        ]
      ),
      [
        [12, 8, 6],
        [2.5, -0.5, -5],
      ],
      1e-15
    );
  });
  it('is exact with zeros: one zero gets the product of the rest, two zeros give 0 everywhere', () => {
    // Row 0: one zero -> only its slot gets 2 * 3. Row 1: two zeros -> 0. Row 2: no zero.
    expectClose(
      gradOf(
        (x) => K.prod(x, 1),
        [
          [2, 0, 3],
          [0, 5, 0],
          [1, 2, 4],
        ]
      ),
      [
        [0, 6, 0],
        [0, 0, 0],
        [8, 4, 2],
      ],
      1e-15
    );
    // All axes: the single zero gets 2 * 3 * 4; every other slot gets 0.
    expectClose(
      gradOf(
        (x) => K.prod(x),
        [
          [2, 0],
          [3, 4],
        ]
      ),
      [
        [0, 24],
        [0, 0],
      ],
      1e-15
    );
    // keepdims and an upstream weight: d/dx of sum(w * prod(x, 0, keepdims)).
    const w = K.variable([[10, 100]], 'float64');
    expectClose(
      gradOf(
        (x) => K.multiply(K.prod(x, 0, true), w),
        [
          [0, 0],
          [7, 0],
        ]
      ),
      [
        [70, 0],
        [0, 0],
      ],
      1e-15
    );
  });
});

describe('var', () => {
  fixtureTests('var');
  axisErrorTests('var');
  it('is the population variance (divides by n)', () => {
    expectClose(K.var(fixtureTensor([1, 2, 3, 4], [4], 'float64')), 1.25, 1e-15);
    const y = K.var(fixtureTensor([1, 2, 3, 4], [2, 2], 'float32'), 1, true);
    expect(y.dtype).toBe('float32');
    expectClose(y, [[0.25], [0.25]]);
  });
  it('casts bool to floatx', () => {
    const y = K.var(fixtureTensor([1, 0, 0, 1], [4], 'bool'));
    expect(y.dtype).toBe('float32');
    expectClose(y, 0.25);
  });
  it('refuses integer tensors with a TypeError, as tf.math.reduce_variance', () => {
    expectError(() => K.var(fixtureTensor([1, 2], [2], 'int32')), K.TypeError, 'var:', 'int32', '(2,)');
  });
  it('has gradient 2 (x - mean) / n', () => {
    expectClose(
      gradOf((x) => K.var(x), [1, 2, 3, 6]),
      [-1, -0.5, 0, 1.5],
      1e-15
    );
    expectClose(
      gradOf(
        (x) => K.var(x, 0),
        [
          [1, 4],
          [3, 4],
        ]
      ),
      [
        [-1, 0],
        [1, 0],
      ],
      1e-15
    );
  });
});

describe('std', () => {
  fixtureTests('std');
  axisErrorTests('std');
  it('is sqrt of the population variance; bool becomes floatx', () => {
    expectClose(K.std(fixtureTensor([2, 4, 4, 4, 5, 5, 7, 9], [8], 'float64')), 2, 1e-15);
    const b = K.std(fixtureTensor([1, 0], [2], 'bool'));
    expect(b.dtype).toBe('float32');
    expectClose(b, 0.5);
  });
  it('refuses integer tensors with a TypeError', () => {
    expectError(() => K.std(fixtureTensor([1, 2], [2], 'int16'), 0), K.TypeError, 'std:', 'int16');
  });
  it('has gradient (x - mean) / (n std)', () => {
    const s = Math.sqrt(2 / 3);
    expectClose(
      gradOf((x) => K.std(x, 1), [[1, 2, 3]]),
      [[-1 / (3 * s), 0, 1 / (3 * s)]],
      1e-14
    );
  });
  it('gives a NaN gradient (0 * inf, as TensorFlow) only on slices whose values are all equal', () => {
    const x = K.variable(
      [
        [1, 1, 1],
        [1, 2, 3],
      ],
      'float64'
    );
    const y = K.std(x, 1);
    expectClose(y, [0, Math.sqrt(2 / 3)], 1e-15);
    const [g] = K.gradients(y, [x]);
    const s = Math.sqrt(2 / 3);
    expectClose(
      g!,
      [
        [NaN, NaN, NaN],
        [-1 / (3 * s), 0, 1 / (3 * s)],
      ],
      1e-14
    );
    expectClose(
      gradOf(
        (t) => K.std(t),
        [
          [4, 4],
          [4, 4],
        ]
      ),
      [
        [NaN, NaN],
        [NaN, NaN],
      ]
    );
  });
});

describe('any', () => {
  fixtureTests('any');
  axisErrorTests('any');
  it('casts to bool (non-zero, NaN included, is true) and returns bool', () => {
    const y = K.any(fixtureTensor([0, NaN, 0, 0, -2, 0], [3, 2], 'float32'), 1);
    expect(y.dtype).toBe('bool');
    expectClose(y, [true, false, true]);
    expectClose(
      K.any(
        [
          [false, false],
          [false, true],
        ],
        0,
        true
      ),
      [[false, true]]
    );
  });
  it('is false over an empty axis, and reduces a 0-d tensor', () => {
    expectClose(K.any(fixtureTensor([], [0, 2], 'int32'), 0), [false, false]);
    const s = K.any(fixtureTensor([3], [], 'int32'));
    expect(s.shape).toEqual([]);
    expect(s.toArray()).toBe(1);
  });
});

describe('all', () => {
  fixtureTests('all');
  axisErrorTests('all');
  it('casts to bool (non-zero, NaN included, is true) and returns bool', () => {
    const y = K.all(fixtureTensor([1, NaN, 0, 5, -2, 0], [3, 2], 'float64'), -1);
    expect(y.dtype).toBe('bool');
    expectClose(y, [true, false, false]);
    expectClose(
      K.all(
        [
          [true, false],
          [true, true],
        ],
        { axis: 1, keepdims: true }
      ),
      [[false], [true]]
    );
  });
  it('is true over an empty axis, as tf.reduce_all, and reduces a 0-d tensor', () => {
    expectClose(K.all(fixtureTensor([], [2, 0], 'float32'), 1), [true, true]);
    expectClose(K.all(fixtureTensor([], [0], 'bool')), true);
    expect(K.all(fixtureTensor([0], [], 'float32')).toArray()).toBe(0);
  });
});

function argTests(fn: 'argmax' | 'argmin'): void {
  const f = fn === 'argmax' ? K.argmax : K.argmin;
  fixtureTests(fn);
  it('reduces the last axis by default and returns int64', () => {
    const y = f(fixtureTensor([1, 9, 5, 7, 2, 8], [2, 3], 'float32'));
    expect(y.dtype).toBe('int64');
    expect(y.shape).toEqual([2]);
    expect(y.toArray()).toEqual(fn === 'argmax' ? [1, 2] : [0, 1]);
    expect(f(fixtureTensor([1, 9, 5, 7, 2, 8], [2, 3], 'float32'), { axis: 0 }).toArray()).toEqual(
      fn === 'argmax' ? [1, 0, 1] : [0, 1, 0]
    );
  });
  it('returns the first index among ties', () => {
    const y = f(fixtureTensor([3, 1, 3, 0, 0, 0, 1, 3, 1], [3, 3], 'int32'), 1);
    expect(y.toArray()).toEqual(fn === 'argmax' ? [0, 0, 1] : [1, 0, 0]);
  });
  it('accepts bool tensors, as tf.argmax', () => {
    expect(f(fixtureTensor([0, 1, 1], [3], 'bool')).toArray()).toBe(fn === 'argmax' ? 1 : 0);
  });
  it('rejects out-of-range, 0-d and empty axes with a ValueError naming the axis and shape', () => {
    const x = fixtureTensor([1, 2, 3, 4, 5, 6], [2, 3], 'float32');
    expectError(() => f(x, 2), K.ValueError, `${fn}:`, 'axis 2', 'out of range', '(2, 3)');
    expectError(() => f(x, -3), K.ValueError, `${fn}:`, 'axis -3', '(2, 3)');
    expectError(() => f(fixtureTensor([1], [], 'float32')), K.ValueError, `${fn}:`, 'axis -1', '()');
    expectError(() => f(fixtureTensor([], [2, 0], 'float32')), K.ValueError, `${fn}:`, 'axis -1', '(2, 0)', 'empty');
  });
  it('rejects a list or non-integer axis and unknown options with a TypeError', () => {
    const x = fixtureTensor([1, 2, 3, 4], [2, 2], 'float32');
    expectError(() => f(x, [0] as unknown as number), K.TypeError, `${fn}:`, 'axis', 'integer');
    expectError(() => f(x, 0.5), K.TypeError, `${fn}:`, 'axis');
    expectError(
      () => f(x, { keepdims: true } as unknown as number),
      K.TypeError,
      `${fn}:`,
      'unknown option',
      'keepdims'
    );
  });
  it('infers the shape of a symbolic tensor', () => {
    const y = f(symbolic([-1, 4]));
    expect(y.shape).toEqual([-1]);
    expect(y.dtype).toBe('int64');
  });
}

describe('argmax', () => argTests('argmax'));
describe('argmin', () => argTests('argmin'));
