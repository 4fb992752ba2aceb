// softmax, in_top_k and bias_add (src/ops/nn.ts) against numpy fixtures
// (test/fixtures/nn.json from gen_nn.py), gradients included.
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import type { NestedArray } from '../../src/core/tensor.js';
import { expectClose, expectError } from '../helpers.js';
import { fixtureTests, flat, symbolic, grads2, f32, f64, i32 } from './nn_helpers.js';

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
