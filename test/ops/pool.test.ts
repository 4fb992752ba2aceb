// pool2d and pool3d (src/ops/pool.ts) against numpy fixtures (test/fixtures/pool.json from
// gen_pool.py): every padding, stride and data format, gradients included.
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { expectClose, expectError, nest } from '../helpers.js';
import { fixture, tensor, tolOf, image } from './pool_helpers.js';

function poolTests(fn: 'pool2d' | 'pool3d'): void {
  const f = fn === 'pool2d' ? K.pool2d : K.pool3d;
  const dims = fn === 'pool2d' ? 2 : 3;
  const cases = fixture.pools.filter((c) => c.fn === fn);
  const ones = (n: number) => Array.from({ length: n }, () => 1);

  it(`matches the numpy reference of TF's pooling (${cases.length} cases: max/avg, same/valid, both data formats, strides, dtypes)`, () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const x = tensor(fixture.inputs[c.input]!);
      const y = f(x, c.pool_size, c.strides, c.padding, c.data_format, c.pool_mode);
      const what = `${fn}(${c.input}, ${JSON.stringify(c.pool_size)}, ${JSON.stringify(c.strides)}, ${c.padding}, ${c.data_format}, ${c.pool_mode})`;
      expect(y.shape, what).toEqual(c.y.shape);
      expect(y.dtype, what).toBe(x.dtype);
      expectClose(y, nest(c.y.data, c.y.shape), tolOf(y.dtype));
    }
  });

  it('has the gradient of the reference: max to the first max of each window (ties included), avg g / count', () => {
    for (const c of cases.filter((k) => k.y.dtype !== 'int32')) {
      const x = tensor(fixture.inputs[c.input]!);
      const y = f(x, c.pool_size, c.strides, c.padding, c.data_format, c.pool_mode);
      const w = K.constant(nest(c.w, c.y.shape), x.dtype);
      const [g] = K.gradients(K.sum(K.multiply(y, w)), [x]);
      expect(g!.dtype).toBe(x.dtype);
      expectClose(g!, nest(c.dx, x.shape), tolOf(x.dtype));
    }
  });

  it('channels_first is channels_last transposed, and data_format defaults to K.image_data_format()', () => {
    const shape = fn === 'pool2d' ? [2, 5, 4, 3] : [1, 4, 3, 5, 2];
    const n = shape.reduce((a, b) => a * b, 1);
    const last = K.constant(
      ndarray(
        Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7)),
        shape
      )
    );
    const toFirst = [0, dims + 1, ...Array.from({ length: dims }, (_, i) => i + 1)];
    const first = K.permute_dimensions(last, toFirst);
    const size = ones(dims).map((d, i) => d + (i % 2) + 1);
    for (const mode of ['max', 'avg'] as const) {
      const a = K.permute_dimensions(f(last, size, ones(dims), 'same', 'channels_last', mode), toFirst);
      const b = f(first, size, ones(dims), 'same', 'channels_first', mode);
      expectClose(b, a.toArray());
      K.set_image_data_format('channels_first');
      expectClose(f(first, size, ones(dims), 'same', null, mode), a.toArray());
      K.set_image_data_format('channels_last');
    }
  });

  it('defaults to strides 1, valid padding, max pooling; takes options by position or in one trailing object', () => {
    const shape = fn === 'pool2d' ? [1, 4, 4, 2] : [1, 3, 4, 3, 1];
    const n = shape.reduce((a, b) => a * b, 1);
    const x = K.constant(
      ndarray(
        Float64Array.from({ length: n }, (_, i) => Math.cos(i * 2.3)),
        shape
      ),
      'float64'
    );
    const size = ones(dims).map(() => 2);
    const base = f(x, size, ones(dims), 'valid', 'channels_last', 'max').toArray();
    expect(f(x, size).toArray()).toEqual(base);
    expect(f(x, size, { pool_mode: 'max', padding: 'valid' }).toArray()).toEqual(base);
    const avg = f(x, size, size, 'same', 'channels_last', 'avg').toArray();
    expect(f(x, size, { strides: size, padding: 'same', pool_mode: 'avg' }).toArray()).toEqual(avg);
    expect(f(x, size, size, { padding: 'same', pool_mode: 'avg', data_format: 'channels_last' }).toArray()).toEqual(
      avg
    );
  });

  it('keeps float64 and integer dtypes (max) and gives empty results for empty batches', () => {
    const shape = fn === 'pool2d' ? [1, 3, 3, 1] : [1, 3, 3, 1, 1];
    const size = fn === 'pool2d' ? [2, 2] : [2, 2, 1];
    const data = [4, -1, 7, 2, 9, 0, -5, 3, 3];
    expect(f(K.constant(ndarray(Int32Array.from(data), shape), 'int32'), size).dtype).toBe('int32');
    const i8 = f(K.constant(ndarray(Int8Array.from(data), shape), 'int8'), size);
    expect(i8.dtype).toBe('int8');
    expect(K.flatten(i8).toArray()).toEqual([9, 9, 9, 9]);
    expect(
      f(K.constant(ndarray(Float64Array.from(data), shape), 'float64'), size, undefined, undefined, undefined, 'avg')
        .dtype
    ).toBe('float64');
    const empty = f(K.zeros([0, ...shape.slice(1)]), size);
    expect(empty.shape).toEqual([0, 2, 2, ...shape.slice(3)]);
  });

  it('gives an empty axis where a valid window does not fit but (n - k + s) / s truncates to 0, as TF', () => {
    const shape = fn === 'pool2d' ? [1, 2, 4, 1] : [1, 2, 4, 2, 1];
    const size = fn === 'pool2d' ? [3, 2] : [3, 2, 1];
    const strides = fn === 'pool2d' ? [2, 2] : [2, 2, 1];
    const y = f(K.ones(shape), size, strides);
    expect(y.shape).toEqual(fn === 'pool2d' ? [1, 0, 2, 1] : [1, 0, 2, 2, 1]);
  });

  it('rejects bad arguments with K.ValueError / K.TypeError naming the function and argument', () => {
    const shape = fn === 'pool2d' ? [1, 4, 4, 1] : [1, 4, 4, 4, 1];
    const x = K.ones(shape);
    const size = ones(dims).map(() => 2);
    expectError(
      () => f(x, size, undefined, undefined, 'channels_middle' as 'channels_last'),
      K.ValueError,
      fn,
      'data_format',
      'channels_middle'
    );
    expectError(() => f(x, size, undefined, 'full' as 'same'), K.ValueError, fn, 'padding', 'full');
    expectError(
      () => f(x, size, undefined, undefined, undefined, 'min' as 'max'),
      K.ValueError,
      fn,
      'pool_mode',
      'min'
    );
    expectError(() => f(x, [2]), K.ValueError, fn, 'pool_size', `${dims} integers`);
    expectError(() => f(x, [...size, 2]), K.ValueError, fn, 'pool_size');
    expectError(() => f(x, size, [1]), K.ValueError, fn, 'strides', `${dims} integers`);
    expectError(
      () =>
        f(
          x,
          size.map((d, i) => (i === 0 ? 0 : d))
        ),
      K.ValueError,
      fn,
      'pool_size',
      'positive'
    );
    expectError(
      () =>
        f(
          x,
          size,
          size.map((d, i) => (i === dims - 1 ? -1 : d))
        ),
      K.ValueError,
      fn,
      'strides',
      'positive'
    );
    expectError(
      () =>
        f(
          x,
          size.map(() => 1.5)
        ),
      K.TypeError,
      fn,
      'pool_size'
    );
    expectError(() => f(x, 2 as unknown as number[]), K.TypeError, fn, 'pool_size');
    expectError(() => f(K.ones([1, 4, 4]), size), K.ValueError, fn, 'x', '(1, 4, 4)');
    expectError(
      () =>
        f(
          K.ones(shape.map((d, i) => (i === 1 ? 1 : d))),
          size.map(() => 3)
        ),
      K.ValueError,
      fn,
      'negative',
      'input_size: 1'
    );
    expectError(() => f(K.cast(x, 'bool'), size), K.TypeError, fn, 'bool');
    expectError(
      () => f(K.cast(x, 'int32'), size, undefined, undefined, undefined, 'avg'),
      K.TypeError,
      fn,
      'int32',
      'avg'
    );
    expectError(() => f(x, size, { pool_size: size } as unknown as K.PoolOptions), K.TypeError, fn, 'pool_size');
  });
}

describe('pool2d', () => {
  poolTests('pool2d');

  it('hand example: 2x2 max and avg, same padding puts the odd pad after and avg divides by the cells inside', () => {
    expectClose(K.pool2d(image(), [2, 2]), [
      [
        [[5], [6]],
        [[8], [9]],
      ],
    ]);
    // Windows rows [0, 1], [2] and cols [0, 1], [2]: (1+2+4+5)/4, (3+6)/2, (7+8)/2, 9.
    expectClose(K.pool2d(image(), [2, 2], [2, 2], 'same', null, 'avg'), [
      [
        [[3], [4.5]],
        [[7.5], [9]],
      ],
    ]);
    expectClose(K.pool2d(image(), [2, 2], [2, 2], 'same', null, 'max'), [
      [
        [[5], [6]],
        [[8], [9]],
      ],
    ]);
    // 3x3 same stride 1: pads one before and one after; corners average 4 cells, edges 6, the centre 9.
    expectClose(K.pool2d(image(), [3, 3], [1, 1], 'same', null, 'avg'), [
      [
        [[3], [3.5], [4]],
        [[4.5], [5], [5.5]],
        [[6], [6.5], [7]],
      ],
    ]);
  });

  it('routes the max gradient to the first max of a window in row-major order (TF MaxPoolGrad)', () => {
    const x = K.variable([
      [
        [[1], [3]],
        [[3], [2]],
      ],
    ]);
    const [g] = K.gradients(K.pool2d(x, [2, 2]), [x]);
    expectClose(g!, [
      [
        [[0], [1]],
        [[0], [0]],
      ],
    ]);
    // Overlapping windows each give their own gradient to their own max.
    const v = K.variable([
      [
        [[1], [5], [2]],
        [[0], [3], [4]],
      ],
    ]);
    const [gv] = K.gradients(K.sum(K.pool2d(v, [1, 2], [1, 1])), [v]);
    expectClose(gv!, [
      [
        [[0], [2], [0]],
        [[0], [1], [1]],
      ],
    ]);
  });

  it('has the second derivative of a smooth function of the pooled values', () => {
    // L = sum(pool(x)^2 * c): dL/dx = P^T (2 c y); d/dx <dL/dx, v> = P^T (2 c P v) for the fixed routing P.
    for (const mode of ['max', 'avg'] as const) {
      const x = K.variable(
        [
          [
            [[0.5], [-1.2], [2.1]],
            [[1.7], [0.3], [-0.4]],
            [[-2.2], [1.1], [0.9]],
          ],
        ],
        'float64'
      );
      const v = K.constant(
        [
          [
            [[0.3], [-0.7], [1.1]],
            [[0.2], [0.5], [-0.9]],
            [[1.3], [-0.1], [0.6]],
          ],
        ],
        'float64'
      );
      const c = K.constant(
        [
          [
            [[1], [2]],
            [[3], [-1]],
          ],
        ],
        'float64'
      );
      const y = K.pool2d(x, [2, 2], [2, 2], 'same', null, mode);
      const [g] = K.gradients(K.sum(K.multiply(K.square(y), c)), [x]);
      const [h] = K.gradients(K.sum(K.multiply(g!, v)), [x]);
      // P v, the directional derivative of the pooling along v (exact for this piecewise-linear map, up to rounding).
      const t = 2 ** -12;
      const pv = K.divide(K.subtract(K.pool2d(K.add(x, K.multiply(v, t)), [2, 2], [2, 2], 'same', null, mode), y), t);
      const [want] = K.gradients(K.sum(K.multiply(K.multiply(K.multiply(y, K.stop_gradient(pv)), c), 2)), [x]);
      expectClose(h!, want!.toArray(), 1e-9);
      expect(K.max(K.abs(h!)).toArray() as number).toBeGreaterThan(0.1);
    }
  });
});

describe('pool3d', () => {
  poolTests('pool3d');

  it('hand example: a 2x2x2 cube pooled whole, and a same-padded avg over the depth axis', () => {
    const x = K.constant([
      [
        [
          [[1], [2]],
          [[3], [4]],
        ],
        [
          [[5], [6]],
          [[7], [8]],
        ],
      ],
    ]);
    expectClose(K.pool3d(x, [2, 2, 2]), [[[[[8]]]]]);
    expectClose(K.pool3d(x, [2, 2, 2], [1, 1, 1], 'valid', 'channels_last', 'avg'), [[[[[4.5]]]]]);
    // Window 3 along depth (size 2), same: one pad before and one after; every window holds both depths.
    const y = K.pool3d(x, [3, 1, 1], [1, 1, 1], 'same', 'channels_last', 'avg');
    expectClose(y, [
      [
        [
          [[3], [4]],
          [[5], [6]],
        ],
        [
          [[3], [4]],
          [[5], [6]],
        ],
      ],
    ]);
  });

  it('routes the max gradient to the first max in (depth, row, col) order', () => {
    const x = K.variable([
      [
        [
          [[2], [1]],
          [[7], [7]],
        ],
        [
          [[7], [0]],
          [[3], [7]],
        ],
      ],
    ]);
    const [g] = K.gradients(K.pool3d(x, [2, 2, 2]), [x]);
    expectClose(g!, [
      [
        [
          [[0], [0]],
          [[1], [0]],
        ],
        [
          [[0], [0]],
          [[0], [0]],
        ],
      ],
    ]);
  });
});
