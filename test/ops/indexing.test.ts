import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as K from '../../src/index.js';
import type { NestedArray } from '../../src/core/tensor.js';
import { expectClose, expectError } from '../helpers.js';

// Reference values from test/fixtures/gen_indexing.py (numpy re-implementations of the seed's TF source).
interface Case {
  inputs: NestedArray[];
  dtype: 'float32' | 'int32';
  out: NestedArray;
  shape: number[];
  w?: NestedArray;
  grads?: NestedArray[];
  axis?: number;
  n?: number | number[];
  rep?: number;
  axes?: number[];
  indices?: NestedArray;
}
interface OneHotCase {
  indices: NestedArray;
  num_classes: number;
  out: NestedArray;
  shape: number[];
}
interface ArangeCase {
  args: { start: number; stop?: number; step?: number; dtype?: K.DType };
  out: number[];
  dtype: K.DType;
}
const FIX = JSON.parse(readFileSync(new URL('../fixtures/indexing.json', import.meta.url), 'utf8')) as Record<
  string,
  Case[]
> & { one_hot: OneHotCase[]; arange: ArangeCase[] };

const label = (c: Case) =>
  c.inputs.map((x) => JSON.stringify(shapeOf(x))).join(' ') +
  ` ${JSON.stringify({ axis: c.axis, n: c.n, rep: c.rep, axes: c.axes, indices: c.indices, dtype: c.dtype })}`;

function shapeOf(x: NestedArray): number[] {
  return Array.isArray(x) ? [x.length, ...(x.length > 0 ? shapeOf(x[0] as NestedArray) : [])] : [];
}

/**
 * Check one fixture case: values, shape and dtype of f(inputs), and (float
 * cases) the gradient of sum(f(x) * w) against the numpy Jacobian.
 */
function checkCase(c: Case, f: (xs: K.Tensor[]) => K.Tensor): void {
  const xs = c.inputs.map((x) => K.variable(x, c.dtype));
  const y = f(xs);
  expect(y.shape, label(c)).toEqual(c.shape);
  expect(y.dtype).toBe(c.dtype);
  expectClose(y, c.out);
  if (c.w === undefined) return;
  // Through a reshape: an empty w loses its shape in JSON.
  const gs = K.gradients(K.sum(K.multiply(y, K.reshape(K.variable(c.w), c.shape))), xs);
  gs.forEach((g, i) => expectClose(g!, c.grads![i]!));
}

/** d(sum(f(x)^2))/dx twice over: the VJP's own VJP (second order) for a linear f is f^T f applied to 2. */
function secondOrder(f: (x: K.Tensor) => K.Tensor, x: K.Variable): K.Tensor {
  const [g] = K.gradients(K.sum(K.square(f(x))), [x]);
  const [h] = K.gradients(K.sum(K.multiply(g!, g!)), [x]);
  return h!;
}

describe('concatenate', () => {
  it('doctest: two int32 (3, 3) along axis -1', () => {
    const a = K.variable(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      'int32'
    );
    const b = K.variable(
      [
        [10, 20, 30],
        [40, 50, 60],
        [70, 80, 90],
      ],
      'int32'
    );
    const y = K.concatenate([a, b], -1);
    expect(y.shape).toEqual([3, 6]);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([
      [1, 2, 3, 10, 20, 30],
      [4, 5, 6, 40, 50, 60],
      [7, 8, 9, 70, 80, 90],
    ]);
  });
  it('matches numpy, and its gradient splits the cotangent back (fixtures)', () => {
    for (const c of FIX.concatenate!) checkCase(c, (xs) => K.concatenate(xs, c.axis));
  });
  it('takes a negative axis modulo the rank, as the source does', () => {
    const a = K.variable([[1, 2]], 'int32');
    const b = K.variable([[3, 4]], 'int32');
    expect(K.concatenate([a, b], -4).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(K.concatenate([a, b], -3).toArray()).toEqual([[1, 2, 3, 4]]);
    expect(K.concatenate([a, b], { axis: 0 }).shape).toEqual([2, 2]);
  });
  it('defaults to the last axis; one tensor comes back as it is; plain values take the tensors dtype', () => {
    const a = K.variable(
      [
        [1, 2],
        [3, 4],
      ],
      'int16'
    );
    expect(K.concatenate([a, [[5], [6]]]).toArray()).toEqual([
      [1, 2, 5],
      [3, 4, 6],
    ]);
    expect(K.concatenate([a, [[5], [6]]]).dtype).toBe('int16');
    const one = K.concatenate([a]);
    expect(one).not.toBe(a);
    expect(one.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(K.concatenate([[1, 2], [3]]).dtype).toBe('float32');
    expect(K.concatenate([[true], [false, true]]).toArray()).toEqual([1, 0, 1]);
  });
  it('joins many tensors (more than one gpu kernel takes) and empty ones', () => {
    const parts = Array.from({ length: 19 }, (_, i) => K.variable([[i], [-i]], 'float32'));
    const y = K.concatenate([...parts, K.zeros([2, 0])], 1);
    expectClose(y, [Array.from({ length: 19 }, (_, i) => i), Array.from({ length: 19 }, (_, i) => -i)]);
    const [g] = K.gradients(K.sum(K.multiply(y, [Array(19).fill(1), Array(19).fill(2)])), [parts[7]!]);
    expectClose(g!, [[1], [2]]);
  });
  it('has a second derivative (its VJP is slices)', () => {
    const x = K.variable(
      [
        [1, 2],
        [3, 4],
      ],
      'float64'
    );
    // f(x) = [x, 3x]: sum(f^2) -> g = 2x + 18x = 20x; sum(g^2) = 400 sum(x^2) -> 800x.
    const h = secondOrder((t) => K.concatenate([t, K.multiply(t, 3)], 0), x);
    expectClose(h, [
      [800, 1600],
      [2400, 3200],
    ]);
  });
  it('rejects mismatched shapes, ranks, dtypes, scalars, a bad axis and a bad list', () => {
    const a = K.variable([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = K.variable([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expectError(
      () => K.concatenate([a, b], 1),
      K.ValueError,
      'concatenate',
      'tensors[1]',
      '(3, 2)',
      '(2, 3)',
      'axis 1'
    );
    expectError(
      () => K.concatenate([a, K.variable([1, 2])], 0),
      K.ValueError,
      'concatenate',
      'tensors[1]',
      '(2,)',
      '(2, 3)'
    );
    expectError(
      () => K.concatenate([a, K.variable([[1, 2, 3]], 'int32')], 0),
      K.TypeError,
      'concatenate',
      'tensors[1]',
      'int32',
      'float32'
    );
    expectError(() => K.concatenate([K.variable(1), K.variable(2)]), K.ValueError, 'concatenate', 'scalars', '()');
    expectError(() => K.concatenate([a, a], 2), K.ValueError, 'concatenate', 'axis 2', 'rank 2', '(2, 3)');
    expectError(() => K.concatenate([a, a], 0.5), K.TypeError, 'concatenate', 'axis');
    expectError(() => K.concatenate([]), K.ValueError, 'concatenate', 'tensors', 'empty');
    expectError(() => K.concatenate(a as unknown as K.Tensor[]), K.TypeError, 'concatenate', 'tensors', 'list');
    expectError(
      () => K.concatenate([a, a], { axes: 0 } as unknown as number),
      K.TypeError,
      'concatenate',
      'unknown option',
      'axes'
    );
    expect(a.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });
});

describe('stack', () => {
  it('doctest: two int32 (2, 2) into (2, 2, 2)', () => {
    const a = K.variable(
      [
        [1, 2],
        [3, 4],
      ],
      'int32'
    );
    const b = K.variable(
      [
        [10, 20],
        [30, 40],
      ],
      'int32'
    );
    const y = K.stack([a, b]);
    expect(y.shape).toEqual([2, 2, 2]);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [10, 20],
        [30, 40],
      ],
    ]);
  });
  it('matches numpy for every axis, scalars included, with its gradient (fixtures)', () => {
    for (const c of FIX.stack!) checkCase(c, (xs) => K.stack(xs, c.axis));
  });
  it('takes the axis by name', () => {
    expect(
      K.stack(
        [
          [1, 2],
          [3, 4],
        ],
        { axis: 1 }
      ).toArray()
    ).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });
  it('has a second derivative', () => {
    const x = K.variable([1, -2], 'float64');
    // f(x) = [x, 2x]: g = 2x + 8x = 10x; sum(g^2) = 100 sum(x^2) -> 200x.
    expectClose(
      secondOrder((t) => K.stack([t, K.multiply(t, 2)], 1), x),
      [200, -400]
    );
  });
  it('rejects different shapes, dtypes, an axis out of [-(R+1), R+1) and an empty list', () => {
    const a = K.variable([1, 2, 3]);
    expectError(() => K.stack([a, K.variable([1, 2])]), K.ValueError, 'stack', 'x[1]', '(2,)', '(3,)');
    expectError(() => K.stack([a, K.variable([1, 2, 3], 'int32')]), K.TypeError, 'stack', 'x[1]', 'int32');
    expectError(() => K.stack([a, a], 2), K.ValueError, 'stack', 'axis', '2');
    expectError(() => K.stack([a, a], -3), K.ValueError, 'stack', 'axis', '-3');
    expect(K.stack([a, a], -2).shape).toEqual([2, 3]);
    expectError(() => K.stack([]), K.ValueError, 'stack', 'x', 'empty');
    expectError(() => K.stack([a], 'x' as unknown as number), K.TypeError, 'stack', 'axis');
  });
});

describe('flatten', () => {
  it('doctest: int32 (2, 2) to (4,)', () => {
    const y = K.flatten(
      K.variable(
        [
          [1, 2],
          [3, 4],
        ],
        'int32'
      )
    );
    expect(y.shape).toEqual([4]);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([1, 2, 3, 4]);
  });
  it('matches numpy for ranks 0..3, with its gradient (fixtures)', () => {
    for (const c of FIX.flatten!) checkCase(c, ([x]) => K.flatten(x!));
  });
  it('flattens a non-contiguous view in row-major order', () => {
    const x = K.transpose(
      K.variable([
        [1, 2, 3],
        [4, 5, 6],
      ])
    );
    expectClose(K.flatten(x), [1, 4, 2, 5, 3, 6]);
  });
  it('rejects what is not a tensor', () => {
    expectError(() => K.flatten('ab' as unknown as number), K.TypeError, 'flatten', 'x');
  });
});

describe('batch_flatten', () => {
  it('doctest: ones (2, 3, 4, 5) -> int_shape (2, 60)', () => {
    const y = K.batch_flatten(K.ones([2, 3, 4, 5]));
    expect(K.int_shape(y)).toEqual([2, 60]);
  });
  it('matches numpy, with its gradient (fixtures)', () => {
    for (const c of FIX.batch_flatten!) checkCase(c, ([x]) => K.batch_flatten(x!));
  });
  it('keeps the batch of an empty tensor and makes a scalar (1, 1)', () => {
    expect(K.batch_flatten(K.zeros([0, 3, 2])).shape).toEqual([0, 6]);
    expect(K.batch_flatten(K.zeros([3, 0])).shape).toEqual([3, 0]);
    expect(K.batch_flatten(K.variable(5, 'int32')).toArray()).toEqual([[5]]);
  });
  it('rejects what is not a tensor', () => {
    expectError(() => K.batch_flatten(null as unknown as number), K.TypeError, 'batch_flatten', 'x');
  });
});

describe('tile', () => {
  it('matches numpy (tf.tile), with its gradient summing the copies (fixtures)', () => {
    for (const c of FIX.tile!) checkCase(c, ([x]) => K.tile(x!, c.n!));
  });
  it('takes an integer n for a 1-D x, and keeps every dtype', () => {
    expect(K.tile(K.variable([1, 2], 'uint8'), 3).toArray()).toEqual([1, 2, 1, 2, 1, 2]);
    expect(K.tile(K.variable([true, false], 'bool'), [2]).dtype).toBe('bool');
    expect(K.tile(K.variable(7, 'int32'), []).toArray()).toBe(7);
  });
  it('has a second derivative', () => {
    const x = K.variable([1, 2], 'float64');
    // 3 copies: g = 6x; sum(g^2) = 36 sum(x^2) -> 72x.
    expectClose(
      secondOrder((t) => K.tile(t, 3), x),
      [72, 144]
    );
  });
  it('rejects n of the wrong length, negative or fractional entries and non-lists', () => {
    const x = K.variable([
      [1, 2],
      [3, 4],
    ]);
    expectError(() => K.tile(x, 2), K.ValueError, 'tile', 'n', '(2, 2)');
    expectError(() => K.tile(x, [1, 2, 3]), K.ValueError, 'tile', 'n', '[1,2,3]', '(2, 2)');
    expectError(() => K.tile(x, [1, -1]), K.ValueError, 'tile', 'n[1]', '-1');
    expectError(() => K.tile(x, [1, 1.5]), K.TypeError, 'tile', 'n[1]', '1.5');
    expectError(() => K.tile(x, 'ab' as unknown as number), K.TypeError, 'tile', 'n');
  });
});

describe('repeat', () => {
  it('doctest: int32 (2, 2) with n=2 -> (2, 2, 2)', () => {
    const y = K.repeat(
      K.variable(
        [
          [1, 2],
          [3, 4],
        ],
        'int32'
      ),
      2
    );
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([
      [
        [1, 2],
        [1, 2],
      ],
      [
        [3, 4],
        [3, 4],
      ],
    ]);
  });
  it('matches numpy, with its gradient (fixtures)', () => {
    for (const c of FIX.repeat!) checkCase(c, ([x]) => K.repeat(x!, c.n as number));
  });
  it('has a second derivative', () => {
    const x = K.variable([[1, -1]], 'float64');
    // 4 copies: g = 8x -> 128x.
    expectClose(
      secondOrder((t) => K.repeat(t, 4), x),
      [[128, -128]]
    );
  });
  it('rejects x that is not 2-D and a bad n', () => {
    expectError(() => K.repeat(K.variable([1, 2]), 2), K.ValueError, 'repeat', 'x', '2-D', '(2,)');
    expectError(() => K.repeat(K.variable([[[1]]]), 2), K.ValueError, 'repeat', 'x', '(1, 1, 1)');
    expectError(() => K.repeat(K.variable([[1]]), -1), K.ValueError, 'repeat', 'n', '-1');
    expectError(() => K.repeat(K.variable([[1]]), 0.5), K.TypeError, 'repeat', 'n', '0.5');
  });
});

describe('repeat_elements', () => {
  it('doctest: int32 [1, 2, 3] with rep=2, axis=0', () => {
    const y = K.repeat_elements(K.variable([1, 2, 3], 'int32'), 2, 0);
    expect(y.shape).toEqual([6]);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([1, 1, 2, 2, 3, 3]);
  });
  it('matches the source (split, repeat, concatenate), with its gradient (fixtures)', () => {
    for (const c of FIX.repeat_elements!) checkCase(c, ([x]) => K.repeat_elements(x!, c.rep!, c.axis!));
  });
  it('gives an empty axis for rep=0, as np.repeat', () => {
    expect(K.repeat_elements(K.variable([[1, 2]]), 0, 1).shape).toEqual([1, 0]);
  });
  it('has a second derivative', () => {
    const x = K.variable([[1], [2]], 'float64');
    // 3 copies each: g = 6x -> 72x.
    expectClose(
      secondOrder((t) => K.repeat_elements(t, 3, 0), x),
      [[72], [144]]
    );
  });
  it('rejects an axis out of range and a bad rep', () => {
    const x = K.variable([[1, 2]]);
    expectError(() => K.repeat_elements(x, 2, 2), K.ValueError, 'repeat_elements', 'axis', '2');
    expectError(() => K.repeat_elements(x, 2, -3), K.ValueError, 'repeat_elements', 'axis', '-3');
    expectError(() => K.repeat_elements(x, -2, 0), K.ValueError, 'repeat_elements', 'rep', '-2');
    expectError(() => K.repeat_elements(x, 2.5, 0), K.TypeError, 'repeat_elements', 'rep', '2.5');
    expectError(() => K.repeat_elements(x, 2, undefined as unknown as number), K.TypeError, 'repeat_elements', 'axis');
  });
});

describe('reverse', () => {
  it('matches numpy (np.flip), with its gradient reversed back (fixtures)', () => {
    for (const c of FIX.reverse!) checkCase(c, ([x]) => K.reverse(x!, c.axes!));
  });
  it('takes an integer axis and negative axes; keeps every dtype', () => {
    expect(
      K.reverse(
        K.variable(
          [
            [1, 2],
            [3, 4],
          ],
          'int8'
        ),
        0
      ).toArray()
    ).toEqual([
      [3, 4],
      [1, 2],
    ]);
    expect(K.reverse(K.variable([[true, false]], 'bool'), -1).toArray()).toEqual([[0, 1]]);
  });
  it('reverses views and feeds other ops (negative strides)', () => {
    const x = K.variable([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectClose(K.add(K.reverse(K.transpose(x), [0]), 1), [
      [4, 7],
      [3, 6],
      [2, 5],
    ]);
    expectClose(K.sum(K.reverse(x, [0, 1]), 1), [15, 6]);
  });
  it('has a second derivative', () => {
    const x = K.variable([1, 2, 3], 'float64');
    // f = reverse(x) * [1, 2, 3]: sum(f^2) -> g_i = 2 x_i w_{2-i}^2; sum(g^2) -> 8 x_i w_{2-i}^4.
    const h = secondOrder((t) => K.multiply(K.reverse(t, 0), [1, 2, 3]), x);
    expectClose(h, [8 * 1 * 81, 8 * 2 * 16, 8 * 3 * 1]);
  });
  it('rejects axes out of range, repeated axes and non-integers', () => {
    const x = K.variable([
      [1, 2],
      [3, 4],
    ]);
    expectError(() => K.reverse(x, 2), K.ValueError, 'reverse', 'axes', '2');
    expectError(() => K.reverse(x, [0, -2]), K.ValueError, 'reverse', 'axes', 'twice', '(2, 2)');
    expectError(() => K.reverse(x, [0.5]), K.TypeError, 'reverse', 'axes', '0.5');
    expectError(() => K.reverse(x, 'a' as unknown as number), K.TypeError, 'reverse', 'axes');
  });
});

describe('gather', () => {
  it('doctest: rows [0], [1] and [0, 1, 0] of a float32 (2, 3) variable', () => {
    const v = K.variable([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(K.eval(v).data).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
    const g0 = K.gather(v, [0]);
    expect(g0.dtype).toBe('float32');
    expect(g0.toArray()).toEqual([[1, 2, 3]]);
    expect(K.gather(v, [1]).toArray()).toEqual([[4, 5, 6]]);
    expect(K.gather(v, [0, 1, 0]).toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [1, 2, 3],
    ]);
  });
  it('matches numpy (np.take, axis 0) for indices of ranks 0..3; repeated indices accumulate the gradient (fixtures)', () => {
    for (const c of FIX.gather!) checkCase(c, ([r]) => K.gather(r!, c.indices!));
  });
  it('takes indices of every integer dtype, and gives them no gradient', () => {
    const r = K.variable(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      'float64'
    );
    for (const d of ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16'] as K.DType[]) {
      expect(K.gather(r, K.variable([2, 0], d)).toArray()).toEqual([
        [5, 6],
        [1, 2],
      ]);
    }
    const idx = K.variable([2, 2, 0], 'int32');
    const [gr, gi] = K.gradients(K.sum(K.gather(r, idx)), [r, idx]);
    expectClose(gr!, [
      [1, 1],
      [0, 0],
      [2, 2],
    ]);
    expect(gi).toBeNull();
  });
  it('gathers from views and from every reference dtype', () => {
    const r = K.transpose(
      K.variable(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        'int16'
      )
    );
    expect(K.gather(r, [2, 0]).toArray()).toEqual([
      [3, 6],
      [1, 4],
    ]);
    expect(K.gather(K.variable([true, false], 'bool'), [1, 1, 0]).toArray()).toEqual([0, 0, 1]);
  });
  it('has a second derivative through scatter_add (whose VJP is gather)', () => {
    const x = K.variable([1, 2, 3], 'float64');
    // f = gather(x, [0, 0, 2]) = [x0, x0, x2]: sum(f^2) -> g = [4 x0, 0, 2 x2]; sum(g^2) -> [32 x0, 0, 8 x2].
    expectClose(
      secondOrder((t) => K.gather(t, [0, 0, 2]), x),
      [32, 0, 24]
    );
  });
  it('rejects out-of-range indices with a ValueError naming the index and the shapes; nothing is recorded', () => {
    const v = K.variable([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectError(() => K.gather(v, [0, 2]), K.ValueError, 'gather', 'indices[1] = 2', '[0, 2)', '(2, 3)');
    expectError(() => K.gather(v, [[0], [-1]]), K.ValueError, 'gather', 'indices[1, 0] = -1', '(2, 3)');
    expectError(() => K.gather(v, K.variable([7], 'int32')), K.ValueError, 'gather', 'indices[0] = 7');
    expectError(() => K.gather(v, [2 ** 40]), K.ValueError, 'gather', 'indices[0]');
    expectError(() => K.gather(K.zeros([0, 2]), [0]), K.ValueError, 'gather', '[0, 0)', '(0, 2)');
    expect(K.gather(K.zeros([0, 2]), []).shape).toEqual([0, 2]);
    expect(v.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });
  it('rejects float and bool indices and a scalar reference', () => {
    const v = K.variable([1, 2, 3]);
    expectError(() => K.gather(v, K.variable([0, 1])), K.TypeError, 'gather', 'indices', 'float32');
    expectError(() => K.gather(v, [true]), K.TypeError, 'gather', 'indices');
    expectError(() => K.gather(v, [0.5]), K.TypeError, 'gather', 'indices', '0.5');
    expectError(() => K.gather(K.variable(3), [0]), K.ValueError, 'gather', 'reference', '()');
  });
});

describe('one_hot', () => {
  it('matches tf.one_hot: float32, rows of zeros out of range (fixtures)', () => {
    for (const c of FIX.one_hot) {
      const y = K.one_hot(c.indices, c.num_classes);
      expect(y.shape).toEqual(c.shape);
      expect(y.dtype).toBe('float32');
      expect(y.toArray()).toEqual(c.out);
    }
  });
  it('takes integer tensors of every dtype, int64 beyond int32 included', () => {
    for (const d of ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16'] as K.DType[]) {
      expect(K.one_hot(K.variable([[2], [0]], d), 3).toArray()).toEqual([[[0, 0, 1]], [[1, 0, 0]]]);
    }
    expect(K.one_hot(K.variable([2 ** 32 + 1], 'int64'), 3).toArray()).toEqual([[0, 0, 0]]);
    const wide = K.one_hot(K.variable([300], 'uint16'), 301);
    expect(wide.shape).toEqual([1, 301]);
    expect(K.eval(wide).get(0, 300)).toBe(1);
    expect(K.sum(wide).toArray()).toBe(1);
  });
  it('rejects float indices and a bad num_classes', () => {
    expectError(() => K.one_hot(K.variable([0, 1]), 2), K.TypeError, 'one_hot', 'indices', 'float32');
    expectError(() => K.one_hot([0, 1], -1), K.ValueError, 'one_hot', 'num_classes', '-1');
    expectError(() => K.one_hot([0, 1], 2.5), K.TypeError, 'one_hot', 'num_classes', '2.5');
  });
});

describe('arange', () => {
  it("takes scalar tensors for start, stop and step, as Keras's own tests pass them (issue 14)", () => {
    expect(Array.from(K.eval(K.arange(K.constant(5, 'int32'))).data)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(K.eval(K.arange(K.constant(1), K.constant(7), K.constant(2))).data)).toEqual([1, 3, 5]);
    expectError(() => K.arange(K.constant([1, 2])), K.TypeError, 'arange:', 'start', 'scalar');
    expectError(() => K.arange(K.placeholder([], { dtype: 'int32' })), K.TypeError, 'arange:', 'start');
  });

  it('doctest: arange(start=0, stop=10, step=1.5) is float32 [0, 1.5, ..., 9]', () => {
    const y = K.arange(0, { stop: 10, step: 1.5 });
    expect(y.shape).toEqual([7]);
    expect(y.dtype).toBe('float32');
    expectClose(y, [0, 1.5, 3, 4.5, 6, 7.5, 9]);
  });
  it('matches tf.range and the cast of the source (fixtures)', () => {
    for (const c of FIX.arange) {
      const { start, stop, step, dtype } = c.args;
      const y = K.arange(start, stop ?? null, step ?? 1, dtype ?? 'int32');
      expect(y.dtype, JSON.stringify(c.args)).toBe(c.dtype);
      expect(y.toArray(), JSON.stringify(c.args)).toEqual(c.out);
    }
  });
  it('is int32 for integer arguments, int64 beyond int32, and a constant without gradient', () => {
    expect(K.arange(3).dtype).toBe('int32');
    const big = K.arange(2 ** 31, 2 ** 31 + 2);
    expect(big.dtype).toBe('int64');
    expect(big.toArray()).toEqual([2 ** 31, 2 ** 31 + 1]);
  });
  it('rejects a zero step, a start past stop, bad numbers, dtypes and options', () => {
    expectError(() => K.arange(0, 5, 0), K.ValueError, 'arange', 'step', '0');
    expectError(() => K.arange(5, 0), K.ValueError, 'arange', 'start 5', 'stop 0');
    expectError(() => K.arange(0, 5, -1), K.ValueError, 'arange', 'start 0', 'stop 5');
    expectError(() => K.arange(0, Infinity), K.ValueError, 'arange', 'stop', 'Infinity');
    expectError(() => K.arange('3' as unknown as number), K.TypeError, 'arange', 'start');
    expectError(() => K.arange(3, null, 1, 'int128' as K.DType), K.TypeError, 'arange', 'dtype', 'int128');
    expectError(() => K.arange(3, { end: 5 } as unknown as number), K.TypeError, 'arange', 'unknown option', 'end');
  });
});
