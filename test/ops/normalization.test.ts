// l2_normalize, batch_normalization and normalize_batch_in_training
// (src/ops/normalization.ts) against numpy fixtures (test/fixtures/nn.json from gen_nn.py).
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { expectClose, expectError } from '../helpers.js';
import { fixtureTests, f32, f64, i32 } from './nn_helpers.js';

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
