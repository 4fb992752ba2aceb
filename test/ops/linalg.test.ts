import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as K from '../../src/index.js';
import type { NestedArray } from '../../src/core/tensor.js';
import { expectClose, expectError, tolFor } from '../helpers.js';

interface DotCase {
  name: string;
  dtype: K.DType;
  x: NestedArray;
  y: NestedArray;
  out: NestedArray;
  w?: NestedArray;
  grad_x?: NestedArray;
  grad_y?: NestedArray;
}
interface BatchDotCase extends DotCase {
  axes: number | number[] | null;
  shape: number[];
}
// numpy references from test/fixtures/gen_linalg.py: Keras's TF source for dot and
// batch_dot, line by line, checked there against np.dot and a per-batch einsum.
const fixture = JSON.parse(readFileSync(new URL('../fixtures/linalg.json', import.meta.url), 'utf8')) as {
  dot: DotCase[];
  batch_dot: BatchDotCase[];
};

function filled(shape: number[], v: number): NestedArray {
  return shape.length === 0 ? v : Array.from({ length: shape[0]! }, () => filled(shape.slice(1), v));
}

describe('dot', () => {
  it('doctest: dot(placeholder((2, 3)), placeholder((3, 4))) is a KerasTensor of shape (2, 4)', () => {
    const x = K.placeholder([2, 3]);
    const y = K.placeholder([3, 4]);
    const xy = K.dot(x, y);
    expect([K.is_keras_tensor(xy), K.int_shape(xy), K.dtype(xy)]).toEqual([true, [2, 4], 'float32']);
    // Evaluated, it is the eager product.
    const [xs, ys] = [filled([2, 3], 0.5), filled([3, 4], 2)];
    const [out] = K.function([x, y], [xy])([xs, ys]);
    expectClose(K.constant(out!), K.dot(K.constant(xs), K.constant(ys)).toArray());
  });

  it('doctest: dot(placeholder((32, 28, 3)), placeholder((3, 4))) is a KerasTensor of shape (32, 28, 4)', () => {
    const xy = K.dot(K.placeholder([32, 28, 3]), K.placeholder([3, 4]));
    expect([K.is_keras_tensor(xy), K.int_shape(xy), K.dtype(xy)]).toEqual([true, [32, 28, 4], 'float32']);
    // With an unknown batch, the batch stays unknown, and K.function takes any.
    const x = K.placeholder([null, 28, 3]);
    const y = K.placeholder([3, 4]);
    const z = K.dot(x, y);
    expect(K.int_shape(z)).toEqual([null, 28, 4]);
    const ys = filled([3, 4], 0.25);
    for (const batch of [1, 3]) {
      const xs = filled([batch, 28, 3], 2);
      const [out] = K.function([x, y], [z])([xs, ys]);
      expect(out!.shape).toEqual([batch, 28, 4]);
      expectClose(K.constant(out!), filled([batch, 28, 4], 1.5));
    }
  });

  it('doctest (eager form): (2, 3) . (3, 4) has shape (2, 4)', () => {
    const xy = K.dot(K.variable(filled([2, 3], 0.5)), K.variable(filled([3, 4], 2)));
    expect(xy.shape).toEqual([2, 4]);
    expect(xy.dtype).toBe('float32');
    expectClose(xy, filled([2, 4], 3));
  });

  it('doctest (eager form): (32, 28, 3) . (3, 4) has shape (32, 28, 4)', () => {
    const xy = K.dot(K.variable(filled([32, 28, 3], 1)), K.variable(filled([3, 4], 1)));
    expect(xy.shape).toEqual([32, 28, 4]);
    expect(xy.dtype).toBe('float32');
  });

  it('doctest: random (2, 3) . ones((4, 3, 5)) has int_shape (2, 4, 5)', () => {
    const x = K.variable([
      [0.1, 0.7, 0.3],
      [0.9, 0.2, 0.5],
    ]);
    const xy = K.dot(x, K.variable(filled([4, 3, 5], 1)));
    expect(xy.shape).toEqual([2, 4, 5]);
    // Each entry sums a row of x, since y is all ones.
    expectClose(xy, [filled([4, 5], 1.1), filled([4, 5], 1.6)], 1e-6);
  });

  for (const c of fixture.dot) {
    it(`matches numpy for ${c.name} (${c.dtype})`, () => {
      const xy = K.dot(K.variable(c.x, c.dtype), K.variable(c.y, c.dtype));
      expect(xy.dtype).toBe(c.dtype);
      expectClose(xy, c.out, c.dtype === 'float32' ? 1e-5 : c.dtype === 'float64' ? 1e-12 : 0);
    });
  }

  for (const c of fixture.dot.filter((d) => d.w !== undefined)) {
    it(`gradients of sum(dot(x, y) * w) match numpy for ${c.name}`, () => {
      const x = K.variable(c.x, 'float64'),
        y = K.variable(c.y, 'float64');
      const [gx, gy] = K.gradients(K.sum(K.multiply(K.dot(x, y), c.w!)), [x, y]);
      expect(gx!.dtype).toBe('float64');
      expectClose(gx!, c.grad_x!, 1e-12);
      expectClose(gy!, c.grad_y!, 1e-12);
    });
  }

  it('gives a plain array the dtype of the tensor', () => {
    const xy = K.dot(
      K.variable(
        [
          [1, 2],
          [3, 4],
        ],
        'int32'
      ),
      [
        [1, 0],
        [0, 2],
      ]
    );
    expect(xy.dtype).toBe('int32');
    expect(xy.toArray()).toEqual([
      [1, 4],
      [3, 8],
    ]);
    expect(K.dot([[1, 2]], K.variable([[3], [4]], 'float64')).dtype).toBe('float64');
  });

  it('handles empty contractions as numpy does', () => {
    const xy = K.dot(K.reshape([], [2, 0]), K.reshape([], [3, 0, 4]));
    expect(xy.shape).toEqual([2, 3, 4]);
    expectClose(xy, filled([2, 3, 4], 0), 0);
  });

  it('rejects 1-D operands where tf.matmul does', () => {
    const v = K.variable([1, 2, 3]);
    const m = K.variable(filled([3, 2], 1));
    expectError(() => K.dot(v, v), K.ValueError, 'dot', '2-D', '(3,)');
    expectError(() => K.dot(v, m), K.ValueError, 'dot', '(3,)', '(3, 2)');
    expectError(() => K.dot(K.variable(filled([2, 3], 1)), v), K.ValueError, 'dot', '(2, 3)', '(3,)');
    expectError(() => K.dot(K.variable(filled([2, 2, 3], 1)), v), K.ValueError, 'dot', 'y', '(2, 2, 3)', '(3,)');
    expectError(() => K.dot(5, K.variable(filled([2, 3, 4], 1))), K.ValueError, 'dot', 'x', '()');
    expect(v.toArray()).toEqual([1, 2, 3]);
  });

  it('rejects contraction axes of different lengths, naming both shapes', () => {
    const x = K.variable(filled([2, 3], 1));
    expectError(() => K.dot(x, K.variable(filled([4, 2], 1))), K.ValueError, 'dot', '(2, 3)', '(4, 2)');
    expectError(() => K.dot(x, K.variable(filled([5, 4, 2], 1))), K.ValueError, 'dot', '(2, 3)', '(5, 4, 2)');
    expectError(
      () => K.dot(K.variable(filled([2, 2, 3], 1)), K.variable(filled([3, 2, 2], 1))),
      K.ValueError,
      'dot',
      '(2, 2, 3)',
      '(3, 2, 2)'
    );
    expect(x.toArray()).toEqual(filled([2, 3], 1));
  });

  it('rejects mixed dtypes and bool', () => {
    const a = K.variable([[1, 2]], 'float32'),
      b = K.variable([[1], [2]], 'float64');
    expectError(() => K.dot(a, b), K.TypeError, 'dot', 'float32', 'float64');
    expectError(
      () => K.dot(K.variable(filled([2, 3, 2], 1), 'int32'), K.variable(filled([2, 3], 1))),
      K.TypeError,
      'dot',
      'int32',
      'float32'
    );
    expectError(() => K.dot(K.variable([[true]], 'bool'), K.variable([[false]], 'bool')), K.TypeError, 'dot', 'bool');
    expectError(() => K.dot('x' as unknown as number, a), K.TypeError, 'dot', 'x');
  });
});

describe('batch_dot', () => {
  it('doctest: ones((32, 20, 1)) . ones((32, 30, 20)) with axes (1, 2) has int_shape (32, 1, 30)', () => {
    const xBatch = K.ones([32, 20, 1]);
    const yBatch = K.ones([32, 30, 20]);
    const xy = K.batch_dot(xBatch, yBatch, [1, 2]);
    expect(K.int_shape(xy)).toEqual([32, 1, 30]);
    // Each entry sums 20 products of ones.
    expectClose(xy, filled([32, 1, 30], 20));
  });

  it("docstring's shape inference: (100, 20) . (100, 30, 20) with axes (1, 2) is (100, 30)", () => {
    const x = K.variable(filled([100, 20], 0.5));
    const y = K.variable(filled([100, 30, 20], 2));
    const xy = K.batch_dot(x, y, [1, 2]);
    expect(K.int_shape(xy)).toEqual([100, 30]);
    expectClose(xy, filled([100, 30], 20));
  });

  it('gives a rank-1 result the shape (batch, 1)', () => {
    const xy = K.batch_dot(
      K.variable([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      K.variable([
        [1, 1],
        [0, 1],
        [2, 0],
      ])
    );
    expect(xy.shape).toEqual([3, 1]);
    expectClose(xy, [[3], [4], [10]]);
  });

  for (const c of fixture.batch_dot) {
    it(`matches numpy for ${c.name} (${c.dtype})`, () => {
      const xy = K.batch_dot(K.variable(c.x, c.dtype), K.variable(c.y, c.dtype), c.axes);
      expect(xy.shape).toEqual(c.shape);
      expect(xy.dtype).toBe(c.dtype);
      expectClose(xy, c.out, c.dtype === 'float32' ? tolFor('float32', 1e-5) : c.dtype === 'float64' ? 1e-12 : 0);
    });
  }

  // The float64 cases again in float32, which runs on the gpu device in the gpu project.
  for (const c of fixture.batch_dot.filter((d) => d.dtype === 'float64')) {
    it(`matches numpy in float32 for ${c.name}`, () => {
      const xy = K.batch_dot(K.variable(c.x, 'float32'), K.variable(c.y, 'float32'), c.axes);
      expect(xy.dtype).toBe('float32');
      expectClose(xy, c.out, tolFor('float32', 1e-5));
    });
  }

  for (const c of fixture.batch_dot.filter((d) => d.w !== undefined)) {
    it(`gradients of sum(batch_dot(x, y) * w) match numpy for ${c.name}`, () => {
      const x = K.variable(c.x, 'float64'),
        y = K.variable(c.y, 'float64');
      const [gx, gy] = K.gradients(K.sum(K.multiply(K.batch_dot(x, y, c.axes), c.w!)), [x, y]);
      expect(gx!.dtype).toBe('float64');
      expect(gx!.shape).toEqual(x.shape);
      expect(gy!.shape).toEqual(y.shape);
      expectClose(gx!, c.grad_x!, 1e-12);
      expectClose(gy!, c.grad_y!, 1e-12);
    });
  }

  it('takes axes by position, by name, as an int, a pair or null (the same product)', () => {
    const c = fixture.batch_dot.find((d) => d.name === 'rank 3 x rank 3, axes null')!;
    const x = K.variable(c.x, 'float64'),
      y = K.variable(c.y, 'float64');
    for (const r of [
      K.batch_dot(x, y),
      K.batch_dot(x, y, null),
      K.batch_dot(x, y, { axes: null }),
      K.batch_dot(x, y, [2, 1]),
      K.batch_dot(x, y, [-1, -2]),
      K.batch_dot(x, y, { axes: [2, 1] }),
    ]) {
      expectClose(r, c.out, 1e-12);
    }
  });

  it('contracts transposed and sliced inputs (views) like their copies', () => {
    const c = fixture.batch_dot.find((d) => d.name === 'rank 3 x rank 3, axes (2, 1)')!;
    const x = K.variable(c.x, 'float64'),
      y = K.variable(c.y, 'float64');
    const xv = K.permute_dimensions(K.permute_dimensions(x, [2, 0, 1]), [1, 2, 0]);
    // y read at an offset from a tensor that holds it twice.
    const twice = K.variable([...(c.y as NestedArray[]), ...(c.y as NestedArray[])], 'float64');
    const yv = K.slice(twice, [y.shape[0]!, 0, 0], y.shape);
    expectClose(K.batch_dot(xv, yv, [2, 1]), c.out, 1e-12);
    // x . x^T per batch: both operands are the same tensor.
    const sq = K.batch_dot(x, x, 2);
    const want = (c.x as number[][][]).map((m) =>
      m.map((r) => m.map((s) => r.reduce((acc, v, k) => acc + v * s[k]!, 0)))
    );
    expectClose(sq, want, 1e-12);
  });

  it('gives a plain array the dtype of the tensor, and keeps int dtypes exact', () => {
    const xy = K.batch_dot(
      K.variable(
        [
          [1, 2],
          [3, 4],
        ],
        'int32'
      ),
      [
        [5, 6],
        [7, 8],
      ]
    );
    expect(xy.dtype).toBe('int32');
    expect(xy.toArray()).toEqual([[17], [53]]);
    const big = K.batch_dot(K.variable([[[100000, 3]]], 'int32'), K.variable([[[2], [7]]], 'int32'));
    expect(big.toArray()).toEqual([[[200021]]]);
    expect(K.batch_dot([[1, 2]], K.variable([[3, 4]], 'float64')).dtype).toBe('float64');
  });

  it('handles empty axes as numpy does', () => {
    const xy = K.batch_dot(K.reshape([], [2, 3, 0]), K.reshape([], [2, 0, 4]));
    expect(xy.shape).toEqual([2, 3, 4]);
    expectClose(xy, filled([2, 3, 4], 0), 0);
    expect(K.batch_dot(K.reshape([], [0, 3]), K.reshape([], [0, 2, 3]), [1, 2]).shape).toEqual([0, 2]);
  });

  it('rejects inputs of rank < 2, naming both shapes', () => {
    const m = K.variable(filled([2, 3], 1));
    const v = K.variable([1, 2]);
    expectError(() => K.batch_dot(v, m), K.ValueError, 'batch_dot', 'rank >= 2', '(2,)', '(2, 3)');
    expectError(() => K.batch_dot(m, v), K.ValueError, 'batch_dot', 'rank >= 2', '(2, 3)', '(2,)');
    expectError(() => K.batch_dot(3, m), K.ValueError, 'batch_dot', '()');
    expect(v.toArray()).toEqual([1, 2]);
  });

  it('rejects different batch sizes', () => {
    const x = K.variable(filled([2, 3], 1));
    expectError(
      () => K.batch_dot(x, K.variable(filled([3, 3], 1))),
      K.ValueError,
      'batch_dot',
      'batch size',
      '(2, 3)',
      '(3, 3)'
    );
    expectError(
      () => K.batch_dot(x, K.variable(filled([4, 3, 2], 1))),
      K.ValueError,
      'batch_dot',
      'batch size',
      '(2, 3)',
      '(4, 3, 2)'
    );
  });

  it('rejects axes out of range and the batch axis, naming the shapes and axes', () => {
    const x = K.variable(filled([2, 3, 4], 1)),
      y = K.variable(filled([2, 4, 3], 1));
    expectError(
      () => K.batch_dot(x, y, [3, 1]),
      K.ValueError,
      'batch_dot',
      'axes [3,1]',
      'out of range',
      'x of rank 3',
      '(2, 3, 4)',
      '(2, 4, 3)'
    );
    expectError(
      () => K.batch_dot(x, y, [2, -4]),
      K.ValueError,
      'batch_dot',
      'axes [2,-4]',
      'out of range',
      'y of rank 3'
    );
    expectError(() => K.batch_dot(x, y, 3), K.ValueError, 'batch_dot', 'axes 3', 'out of range');
    expectError(() => K.batch_dot(x, y, 0), K.ValueError, 'batch_dot', 'axis 0', 'batch', '(2, 3, 4)');
    expectError(() => K.batch_dot(x, y, [2, -3]), K.ValueError, 'batch_dot', 'axis 0', 'batch');
    expectError(() => K.batch_dot(x, y, [-3, 1]), K.ValueError, 'batch_dot', 'axis 0', 'batch');
  });

  it('rejects contracted axes of different lengths', () => {
    const x = K.variable(filled([2, 3, 4], 1)),
      y = K.variable(filled([2, 4, 3], 1));
    expectError(
      () => K.batch_dot(x, y, [1, 1]),
      K.ValueError,
      'batch_dot',
      'x.shape[1] != y.shape[1] (3 != 4)',
      '(2, 3, 4)',
      '(2, 4, 3)',
      'axes [1,1]'
    );
    expectError(() => K.batch_dot(x, y, 2), K.ValueError, 'batch_dot', 'x.shape[2] != y.shape[2] (4 != 3)');
    // The default axes: x's last (4) against y's second-to-last (5).
    expectError(
      () => K.batch_dot(x, K.variable(filled([2, 5, 4], 1))),
      K.ValueError,
      'batch_dot',
      'x.shape[2] != y.shape[1] (4 != 5)'
    );
    // y 2-D: x's last (4) against y's last (3).
    expectError(
      () => K.batch_dot(x, K.variable(filled([2, 3], 1))),
      K.ValueError,
      'batch_dot',
      'x.shape[2] != y.shape[1] (4 != 3)'
    );
  });

  it('rejects malformed axes', () => {
    const x = K.variable(filled([2, 3, 4], 1)),
      y = K.variable(filled([2, 4, 3], 1));
    expectError(
      () => K.batch_dot(x, y, [[1, 2], 1] as unknown as number[]),
      K.ValueError,
      'batch_dot',
      'multiple target dimensions'
    );
    expectError(() => K.batch_dot(x, y, [2]), K.ValueError, 'batch_dot', 'pair', '[2]');
    expectError(() => K.batch_dot(x, y, [2, 1, 1]), K.ValueError, 'batch_dot', 'pair', '[2,1,1]');
    expectError(() => K.batch_dot(x, y, 1.5), K.TypeError, 'batch_dot', 'axes', '1.5');
    expectError(() => K.batch_dot(x, y, [2, '1'] as unknown as number[]), K.TypeError, 'batch_dot', 'axes');
    expectError(() => K.batch_dot(x, y, 'last' as unknown as number), K.TypeError, 'batch_dot', 'axes', 'last');
    expectError(
      () => K.batch_dot(x, y, { axis: 1 } as unknown as number),
      K.TypeError,
      'batch_dot',
      'unknown option',
      'axis'
    );
  });

  it('rejects mixed dtypes and bool', () => {
    const a = K.variable(filled([2, 2], 1), 'float32'),
      b = K.variable(filled([2, 2], 1), 'float64');
    expectError(() => K.batch_dot(a, b), K.TypeError, 'batch_dot', 'float32', 'float64');
    expectError(
      () => K.batch_dot(K.variable(filled([2, 2], 1), 'int32'), a),
      K.TypeError,
      'batch_dot',
      'int32',
      'float32'
    );
    expectError(
      () => K.batch_dot(K.variable([[true]], 'bool'), K.variable([[false]], 'bool')),
      K.TypeError,
      'batch_dot',
      'bool'
    );
    expectError(() => K.batch_dot('x' as unknown as number, a), K.TypeError, 'batch_dot', 'x');
    expect(a.toArray()).toEqual(filled([2, 2], 1));
  });
});
