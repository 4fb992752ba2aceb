// local_conv1d and local_conv2d (src/ops/local_conv.ts) against numpy fixtures
// (test/fixtures/pool.json from gen_pool.py), gradients included.
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { expectClose, expectError, nest } from '../helpers.js';
import { type LocalCase, fixture, tensor, tolOf } from './pool_helpers.js';

function localTests(fn: 'local_conv1d' | 'local_conv2d'): void {
  const cases = fixture.local.filter((c) => c.fn === fn);
  const call = (c: LocalCase, x: K.Tensor, k: K.Tensor) =>
    fn === 'local_conv1d'
      ? K.local_conv1d(x, k, c.kernel_size, c.strides, c.data_format)
      : K.local_conv2d(x, k, c.kernel_size, c.strides, c.output_shape, c.data_format);

  it(`matches the numpy reference of Keras's local_conv (${cases.length} cases: both data formats, strides, float32/float64)`, () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const y = call(c, tensor(c.inputs), tensor(c.kernel));
      expect(y.shape).toEqual(c.y.shape);
      expect(y.dtype).toBe(c.y.dtype);
      expectClose(y, nest(c.y.data, c.y.shape), tolOf(c.y.dtype));
    }
  });

  it('has the gradients of the reference with respect to inputs and kernel', () => {
    for (const c of cases) {
      const x = tensor(c.inputs);
      const k = tensor(c.kernel);
      const y = call(c, x, k);
      const [gx, gk] = K.gradients(K.sum(K.multiply(y, K.constant(nest(c.w, c.y.shape), y.dtype))), [x, k]);
      expectClose(gx!, nest(c.dinputs, x.shape), tolOf(x.dtype));
      expectClose(gk!, nest(c.dkernel, k.shape), tolOf(k.dtype));
    }
  });
}

describe('local_conv1d', () => {
  localTests('local_conv1d');

  it('hand example: each output step has its own weights', () => {
    // inputs (1, 4, 1), kernel_size 2, stride 2: windows [1, 2] and [3, 4].
    const x = K.constant([[[1], [2], [3], [4]]]);
    const k = K.constant([
      [[1], [10]],
      [[100], [1000]],
    ]);
    expectClose(K.local_conv1d(x, k, [2], [2]), [[[21], [4300]]]);
    expectClose(K.local_conv1d(x, k, [2], [2], { data_format: 'channels_last' }), [[[21], [4300]]]);
    K.set_image_data_format('channels_first');
    // channels_first: (1, 1, 4) inputs, output (batch, filters, steps).
    expectClose(K.local_conv1d(K.constant([[[1, 2, 3, 4]]]), k, [2], [2]), [[[21, 4300]]]);
  });

  it('rejects bad arguments with K.ValueError / K.TypeError naming the function and argument', () => {
    const x = K.ones([2, 5, 3]);
    const k = K.ones([2, 6, 4]);
    expectError(
      () => K.local_conv1d(x, k, [2], [2], 'nchw' as 'channels_last'),
      K.ValueError,
      'local_conv1d',
      'data_format'
    );
    expectError(
      () => K.local_conv1d(x, K.ones([2, 5, 4]), [2], [2]),
      K.ValueError,
      'local_conv1d',
      'feature_dim',
      '(2, 5, 4)'
    );
    expectError(
      () => K.local_conv1d(x, K.ones([3, 6, 4]), [2], [2]),
      K.ValueError,
      'local_conv1d',
      'reads past',
      '(3, 6, 4)'
    );
    expectError(() => K.local_conv1d(x, k, [2, 2], [2]), K.ValueError, 'local_conv1d', 'kernel_size');
    expectError(() => K.local_conv1d(x, k, [2], [0]), K.ValueError, 'local_conv1d', 'strides');
    expectError(() => K.local_conv1d(x, K.ones([6, 4]), [2], [2]), K.ValueError, 'local_conv1d', 'kernel', '(6, 4)');
    expectError(() => K.local_conv1d(K.ones([5, 3]), k, [2], [2]), K.ValueError, 'local_conv1d', 'inputs', '(5, 3)');
    expectError(
      () => K.local_conv1d(x, K.ones([2, 6, 4], 'float64'), [2], [2]),
      K.TypeError,
      'local_conv1d',
      'float64'
    );
    expectError(
      () => K.local_conv1d(x, k, [2], [2], { padding: 'same' } as unknown as K.LocalConvOptions),
      K.TypeError,
      'local_conv1d',
      'padding'
    );
  });
});

describe('local_conv2d', () => {
  localTests('local_conv2d');

  it('hand example: a 2x2 input, one 1x1 window per position', () => {
    const x = K.constant([
      [
        [[1], [2]],
        [[3], [4]],
      ],
    ]);
    const k = K.constant([[[1]], [[2]], [[3]], [[4]]]);
    expectClose(K.local_conv2d(x, k, [1, 1], [1, 1], [2, 2]), [
      [
        [[1], [4]],
        [[9], [16]],
      ],
    ]);
  });

  it('rejects bad arguments with K.ValueError / K.TypeError naming the function and argument', () => {
    const x = K.ones([1, 4, 4, 2]);
    const k = K.ones([4, 8, 3]);
    expect(K.local_conv2d(x, k, [2, 2], [2, 2], [2, 2]).shape).toEqual([1, 2, 2, 3]);
    expectError(() => K.local_conv2d(x, k, [2, 2], [2, 2], [2]), K.ValueError, 'local_conv2d', 'output_shape');
    expectError(
      () => K.local_conv2d(x, k, [2, 2], [2, 2], [1, 2]),
      K.ValueError,
      'local_conv2d',
      'kernel.shape[0]',
      '(4, 8, 3)'
    );
    expectError(
      () => K.local_conv2d(x, K.ones([4, 6, 3]), [2, 2], [2, 2], [2, 2]),
      K.ValueError,
      'local_conv2d',
      'feature_dim'
    );
    expectError(() => K.local_conv2d(x, k, [2, 2], [3, 3], [2, 2]), K.ValueError, 'local_conv2d', 'reads past');
    expectError(
      () => K.local_conv2d(x, k, [2, 2], [2, 2], [2, 2], 'channels_first'),
      K.ValueError,
      'local_conv2d',
      'feature_dim'
    );
    expectError(() => K.local_conv2d(x, k, [2], [2, 2], [2, 2]), K.ValueError, 'local_conv2d', 'kernel_size');
    expectError(() => K.local_conv2d(x, k, [2, 2], [2, 2.5], [2, 2]), K.TypeError, 'local_conv2d', 'strides');
    expectError(
      () => K.local_conv2d(K.cast(x, 'bool'), K.cast(k, 'bool'), [2, 2], [2, 2], [2, 2]),
      K.TypeError,
      'local_conv2d',
      'bool'
    );
    expectError(
      () => K.local_conv2d(x, k, [2, 2], [2, 2], [2, 2], 'channels_middle' as 'channels_last'),
      K.ValueError,
      'local_conv2d',
      'data_format'
    );
  });
});
