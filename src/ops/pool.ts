// pool2d and pool3d: max and average pooling with TF's 'same'/'valid' padding.
//
// As the seed's TF source on a machine without NCHW support: channels_first
// input is transposed to channels_last, pooled, and transposed back. The
// pooling itself is a primitive (src/prims/pool.ts) with exact first- and
// second-order gradients. Every argument is checked before anything runs.
import { dataFormat, intTuple, options, type DataFormat } from '../core/args.js';
import { fmtShape, keras, typeError, valueError, runningName } from '../core/context.js';
import { toTensor, type TensorLike, showValue } from '../core/convert.js';
import { isFloat } from '../core/dtype.js';
import type { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import type { PoolWindow } from '../core/primitives.js';
import { poolGeometry } from '../prims/pool_geometry.js';

export interface PoolOptions {
  strides?: readonly number[];
  padding?: 'same' | 'valid';
  data_format?: DataFormat | null;
  pool_mode?: 'max' | 'avg';
}

type Opt = readonly number[] | string | null | PoolOptions;

/**
 * 2D max or average pooling of a 4D tensor (tf.nn.max_pool / avg_pool):
 * windows of pool_size moved by strides over the rows and columns. 'same'
 * padding gives ceil(size / stride) windows, and an average over a window that
 * overhangs the edge counts only the values inside, as in TensorFlow.
 *
 * @param x A 4-D tensor: (batch, rows, cols, channels) under 'channels_last', or
 *   (batch, channels, rows, cols). Float for 'avg'; any numeric dtype for 'max'.
 * @param pool_size Two positive integers.
 * @param strides Two positive integers, default [1, 1]. This and the following optional arguments may
 *   instead be given as one options object `{ strides, padding, data_format, pool_mode }`.
 * @param padding 'valid' (the default) or 'same'.
 * @param data_format 'channels_last' or 'channels_first'; null (the default) means K.image_data_format().
 * @param pool_mode 'max' (the default) or 'avg'.
 * @returns The pooled 4-D tensor, of x's dtype.
 * @throws K.ValueError when x is not 4-D, pool_size or strides is not 2 positive integers, padding,
 *   data_format or pool_mode is unknown, or the output would be empty.
 * @throws K.TypeError when pool_size or strides do not hold integers, x is bool, or x is not float
 *   for 'avg'.
 * @example
 * ```ts
 * const x = K.reshape(K.arange(16, null, 1, 'float32'), [1, 4, 4, 1]);
 * K.eval(K.pool2d(x, [2, 2], [2, 2])); // [[[[5], [7]], [[13], [15]]]]
 * K.eval(K.pool2d(x, [2, 2], { strides: [2, 2], pool_mode: 'avg' })); // [[[[2.5], [4.5]], [[10.5], [12.5]]]]
 * const row = K.reshape(K.constant([1, 2, 3]), [1, 1, 3, 1]);
 * K.eval(K.pool2d(row, [1, 2], [1, 2], 'same', null, 'avg')); // [[[[1.5], [3]]]]
 * ```
 */
export function pool2d(
  x: TensorLike,
  pool_size: readonly number[],
  strides?: readonly number[] | PoolOptions,
  padding?: 'same' | 'valid' | PoolOptions,
  data_format?: DataFormat | null | PoolOptions,
  pool_mode?: 'max' | 'avg' | PoolOptions
): Tensor {
  return keras(pool2d, () => pool(2, x, pool_size, [strides, padding, data_format, pool_mode]));
}

/**
 * 3D max or average pooling of a 5D tensor (tf.nn.max_pool3d / avg_pool3d):
 * windows of pool_size moved by strides over depth, rows and columns, with
 * TensorFlow's 'same' and 'valid' padding as in {@link pool2d}.
 *
 * @param x A 5-D tensor: (batch, depth, rows, cols, channels) under 'channels_last', or
 *   (batch, channels, depth, rows, cols). Float for 'avg'; any numeric dtype for 'max'.
 * @param pool_size Three positive integers.
 * @param strides Three positive integers, default [1, 1, 1]. This and the following optional
 *   arguments may instead be given as one options object `{ strides, padding, data_format, pool_mode }`.
 * @param padding 'valid' (the default) or 'same'.
 * @param data_format 'channels_last' or 'channels_first'; null (the default) means K.image_data_format().
 * @param pool_mode 'max' (the default) or 'avg'.
 * @returns The pooled 5-D tensor, of x's dtype.
 * @throws K.ValueError when x is not 5-D, pool_size or strides is not 3 positive integers, padding,
 *   data_format or pool_mode is unknown, or the output would be empty.
 * @throws K.TypeError when pool_size or strides do not hold integers, x is bool, or x is not float
 *   for 'avg'.
 * @example
 * ```ts
 * K.int_shape(K.pool3d(K.ones([2, 4, 4, 4, 3]), [2, 2, 2], [2, 2, 2])); // [2, 2, 2, 2, 3]
 * const cube = K.reshape(K.arange(8, null, 1, 'float32'), [1, 2, 2, 2, 1]);
 * K.eval(K.pool3d(cube, [2, 2, 2], { pool_mode: 'avg' })); // [[[[[3.5]]]]]
 * ```
 */
export function pool3d(
  x: TensorLike,
  pool_size: readonly number[],
  strides?: readonly number[] | PoolOptions,
  padding?: 'same' | 'valid' | PoolOptions,
  data_format?: DataFormat | null | PoolOptions,
  pool_mode?: 'max' | 'avg' | PoolOptions
): Tensor {
  return keras(pool3d, () => pool(3, x, pool_size, [strides, padding, data_format, pool_mode]));
}

function pool(dims: number, x: TensorLike, poolSize: unknown, given: readonly (Opt | undefined)[]): Tensor {
  const o = options<PoolOptions>(['strides', 'padding', 'data_format', 'pool_mode'], given);
  const format = dataFormat(o.data_format);
  const window = intTuple(poolSize, dims, 'pool_size');
  const strides = intTuple(o.strides ?? Array.from({ length: dims }, () => 1), dims, 'strides');
  const padding = tfPadding(o.padding ?? 'valid');
  const mode: unknown = o.pool_mode ?? 'max';
  if (mode !== 'max' && mode !== 'avg')
    throw valueError(runningName(), `Invalid pooling mode: ${showValue(mode)} (pool_mode must be "max" or "avg")`);

  const t = toTensor(runningName(), x);
  if (t.rank !== dims + 2)
    throw valueError(runningName(), `x must be a ${dims + 2}D tensor; got shape ${fmtShape(t.shape)}`);
  if (t.dtype === 'bool' || (mode === 'avg' && !isFloat(t.dtype))) {
    throw typeError(
      runningName(),
      `x must be ${mode === 'avg' ? 'a float tensor for pool_mode "avg"' : 'numeric'}; got ${t.dtype} of shape ${fmtShape(t.shape)}`
    );
  }
  const first = format === 'channels_first';
  const spatial = first ? t.shape.slice(2) : t.shape.slice(1, -1);
  const a: PoolWindow = { window, strides, padding };
  const { out } = poolGeometry(spatial, a);
  out.forEach((d, i) => {
    if (d < 0 && spatial[i]! >= 0) {
      throw valueError(
        runningName(),
        `Computed output size would be negative: ${d} [input_size: ${spatial[i]}, pool_size: ${window[i]}, ` +
          `stride: ${strides[i]}] for x of shape ${fmtShape(t.shape)} (${format}, padding "valid")`
      );
    }
  });

  // channels_first: NC... -> N...C, pool, and back.
  const toLast = [0, ...Array.from({ length: dims }, (_, i) => i + 2), 1];
  const toFirst = [0, dims + 1, ...Array.from({ length: dims }, (_, i) => i + 1)];
  const input = first ? lax.transpose(t, toLast) : t;
  const y = mode === 'max' ? lax.maxPool(input, a) : lax.avgPool(input, a);
  return first ? lax.transpose(y, toFirst) : y;
}

function tfPadding(v: unknown): 'SAME' | 'VALID' {
  if (v === 'same') return 'SAME';
  if (v === 'valid') return 'VALID';
  throw valueError(runningName(), `Invalid padding: ${showValue(v)} (padding must be "same" or "valid")`);
}
