// pool2d and pool3d: max and average pooling with TF's 'same'/'valid' padding;
// local_conv1d and local_conv2d: convolution with unshared weights.
//
// As the seed's TF source on a machine without NCHW support: channels_first
// input is transposed to channels_last, pooled, and transposed back. The
// pooling itself is a primitive (src/prims/pool.ts) with exact first- and
// second-order gradients. Every argument is checked before anything runs.
import { options } from '../core/args.js';
import { image_data_format } from '../core/config.js';
import { fmtShape, keras, typeError, valueError } from '../core/context.js';
import { toTensor, type TensorLike, showValue } from '../core/convert.js';
import { isFloat } from '../core/dtype.js';
import type { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import type { PoolWindow } from '../core/primitives.js';
import { poolGeometry } from '../prims/pool_geometry.js';

type DataFormat = 'channels_first' | 'channels_last';

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
  return keras('pool2d', () => pool('pool2d', 2, x, pool_size, [strides, padding, data_format, pool_mode]));
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
  return keras('pool3d', () => pool('pool3d', 3, x, pool_size, [strides, padding, data_format, pool_mode]));
}

function pool(fn: string, dims: number, x: TensorLike, poolSize: unknown, given: readonly (Opt | undefined)[]): Tensor {
  const o = options<PoolOptions>(fn, ['strides', 'padding', 'data_format', 'pool_mode'], given);
  const format = dataFormat(fn, o.data_format);
  const window = intTuple(fn, poolSize, dims, 'pool_size');
  const strides = intTuple(fn, o.strides ?? Array.from({ length: dims }, () => 1), dims, 'strides');
  const padding = tfPadding(fn, o.padding ?? 'valid');
  const mode: unknown = o.pool_mode ?? 'max';
  if (mode !== 'max' && mode !== 'avg')
    throw valueError(fn, `Invalid pooling mode: ${showValue(mode)} (pool_mode must be "max" or "avg")`);

  const t = toTensor(fn, x);
  if (t.rank !== dims + 2) throw valueError(fn, `x must be a ${dims + 2}D tensor; got shape ${fmtShape(t.shape)}`);
  if (t.dtype === 'bool' || (mode === 'avg' && !isFloat(t.dtype))) {
    throw typeError(
      fn,
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
        fn,
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

export interface LocalConvOptions {
  data_format?: DataFormat | null;
}

/**
 * 1D convolution with unshared weights (each output step has its own filters):
 * inputs (batch, steps, input_dim) under 'channels_last' and a kernel
 * (output_length, kernel_size[0] * input_dim, filters) give (batch,
 * output_length, filters); 'channels_first' takes (batch, input_dim, steps)
 * and gives (batch, filters, output_length). (The seed's docstring swaps the
 * two result shapes; its source gives these.) The window's features are in
 * (kernel position, channel) order under 'channels_last', (channel, kernel
 * position) under 'channels_first'.
 *
 * @param inputs A 3-D tensor.
 * @param kernel A 3-D tensor (output_length, feature_dim, filters) of inputs' dtype.
 * @param kernel_size One positive integer: the window length.
 * @param strides One positive integer: the stride.
 * @param data_format 'channels_last' or 'channels_first'; null (the default) means
 *   K.image_data_format(). May also be given as an options object `{ data_format }`.
 * @returns A 3-D tensor of inputs' dtype.
 * @throws K.ValueError when a shape does not fit (ranks, feature_dim, windows reading past the end),
 *   kernel_size or strides is not one positive integer, or data_format is unknown.
 * @throws K.TypeError when the dtypes differ or are bool.
 * @example
 * ```ts
 * const x = K.reshape(K.constant([1, 2, 3]), [1, 3, 1]);
 * const k = K.constant([[[1], [1]], [[1], [-1]]]); // step 0 sums its window, step 1 subtracts
 * K.eval(K.local_conv1d(x, k, [2], [1])); // [[[3], [-1]]]
 * ```
 */
export function local_conv1d(
  inputs: TensorLike,
  kernel: TensorLike,
  kernel_size: readonly number[],
  strides: readonly number[],
  data_format?: DataFormat | null | LocalConvOptions
): Tensor {
  return keras('local_conv1d', () => {
    const fn = 'local_conv1d';
    const o = options<LocalConvOptions>(fn, ['data_format'], [data_format]);
    const k = toTensor(fn, kernel, 'kernel');
    if (k.rank !== 3 || k.shape[0] === 0) {
      throw valueError(
        fn,
        `kernel must be 3D (output_length, feature_dim, filters) with output_length >= 1; got shape ${fmtShape(k.shape)}`
      );
    }
    return localConv(fn, inputs, k, kernel_size, strides, [k.shape[0]!], o.data_format);
  });
}

/**
 * 2D convolution with unshared weights (each output position has its own
 * filters): inputs (batch, rows, cols, channels) under 'channels_last' and a
 * kernel (output_row * output_col, kernel_size[0] * kernel_size[1] * channels,
 * filters) give (batch, output_row, output_col, filters); 'channels_first'
 * takes and gives the channel axis second. Positions are in row-major order.
 *
 * @param inputs A 4-D tensor.
 * @param kernel A 3-D tensor (output_items, feature_dim, filters) of inputs' dtype.
 * @param kernel_size Two positive integers: the window's rows and columns.
 * @param strides Two positive integers.
 * @param output_shape Two positive integers (output_row, output_col).
 * @param data_format 'channels_last' or 'channels_first'; null (the default) means
 *   K.image_data_format(). May also be given as an options object `{ data_format }`.
 * @returns A 4-D tensor of inputs' dtype.
 * @throws K.ValueError when a shape does not fit (ranks, output_items, feature_dim, windows reading
 *   past the edge), a tuple argument has the wrong length or a value < 1, or data_format is unknown.
 * @throws K.TypeError when the dtypes differ or are bool, or a tuple argument does not hold integers.
 * @example
 * ```ts
 * const x = K.reshape(K.arange(9, null, 1, 'float32'), [1, 3, 3, 1]);
 * // 2x2 windows; position p picks its window's p-th value
 * const k = K.reshape(K.eye(4), [4, 4, 1]);
 * K.eval(K.local_conv2d(x, k, [2, 2], [1, 1], [2, 2])); // [[[[0], [2]], [[6], [8]]]]
 * ```
 */
export function local_conv2d(
  inputs: TensorLike,
  kernel: TensorLike,
  kernel_size: readonly number[],
  strides: readonly number[],
  output_shape: readonly number[],
  data_format?: DataFormat | null | LocalConvOptions
): Tensor {
  return keras('local_conv2d', () => {
    const fn = 'local_conv2d';
    const o = options<LocalConvOptions>(fn, ['data_format'], [data_format]);
    const out = intTuple(fn, output_shape, 2, 'output_shape');
    return localConv(fn, inputs, toTensor(fn, kernel, 'kernel'), kernel_size, strides, out, o.data_format);
  });
}

/**
 * Keras's local_conv, step by step: for every output position (row-major),
 * the input window (all channels) reshaped to (1, batch, feature_dim); the
 * windows concatenated into (positions, batch, feature_dim); batch_dot with
 * the kernel (positions, feature_dim, filters), which for these rank-3
 * operands is one batched matmul; then reshaped to output_shape + (batch,
 * filters) and permuted so that batch comes first. The feature order is the
 * window's own: (kernel positions, channels) for channels_last, (channels,
 * kernel positions) for channels_first.
 */
function localConv(
  fn: string,
  inputs: TensorLike,
  k: Tensor,
  kernelSize: unknown,
  stridesArg: unknown,
  outShape: readonly number[],
  formatArg: unknown
): Tensor {
  const format = dataFormat(fn, formatArg);
  const nd = outShape.length;
  const size = intTuple(fn, kernelSize, nd, 'kernel_size');
  const strides = intTuple(fn, stridesArg, nd, 'strides');
  const x = toTensor(fn, inputs, 'inputs');
  const shapes = `inputs of shape ${fmtShape(x.shape)} and kernel of shape ${fmtShape(k.shape)}`;
  if (x.rank !== nd + 2) throw valueError(fn, `inputs must be ${nd + 2}D; got shape ${fmtShape(x.shape)}`);
  if (k.rank !== 3)
    throw valueError(fn, `kernel must be 3D (output_items, feature_dim, filters); got shape ${fmtShape(k.shape)}`);
  if (x.dtype !== k.dtype)
    throw typeError(fn, `inputs and kernel must have the same dtype; got ${x.dtype} and ${k.dtype} (${shapes})`);
  if (x.dtype === 'bool') throw typeError(fn, `inputs and kernel must be numeric; got bool (${shapes})`);
  // Only the batch may be unknown: the windows are cut at known offsets.
  if (x.shape.slice(1).some((d) => d < 0) || k.shape.some((d) => d < 0)) {
    throw valueError(fn, `inputs (but for the batch) and kernel must have known dimensions; got ${shapes}`);
  }

  const first = format === 'channels_first';
  const channels = first ? x.shape[1]! : x.shape[nd + 1]!;
  const spatial = first ? x.shape.slice(2) : x.shape.slice(1, nd + 1);
  const [items, featureDim, filters] = k.shape as [number, number, number];
  const positions = outShape.reduce((p, d) => p * d, 1);
  if (items !== positions) {
    throw valueError(
      fn,
      `kernel.shape[0] must be the number of output positions ${positions} (output_shape ${showValue(outShape)}); got ${shapes}`
    );
  }
  const windowSize = size.reduce((p, d) => p * d, 1) * channels;
  if (featureDim !== windowSize) {
    throw valueError(
      fn,
      `kernel.shape[1] (feature_dim) must be prod(kernel_size ${showValue(size)}) * channels = ${windowSize}; got ${shapes} (${format})`
    );
  }
  spatial.forEach((n, i) => {
    if ((outShape[i]! - 1) * strides[i]! + size[i]! > n) {
      throw valueError(
        fn,
        `output size ${outShape[i]} with kernel_size ${size[i]} and stride ${strides[i]} reads past spatial axis ${i} ` +
          `(size ${n}) of inputs; got ${shapes} (${format})`
      );
    }
  });

  const batch = x.shape[0]!;
  const xs: Tensor[] = [];
  const pos = outShape.map(() => 0);
  for (let p = 0; p < positions; p++) {
    const start = pos.map((q, d) => q * strides[d]!);
    const begin = first ? [0, 0, ...start] : [0, ...start, 0];
    const extent = first ? [batch, channels, ...size] : [batch, ...size, channels];
    xs.push(lax.reshape(lax.slice(x, begin, extent, x), [1, batch, featureDim]));
    for (let d = nd - 1; d >= 0; d--) {
      pos[d]! += 1;
      if (pos[d]! < outShape[d]!) break;
      pos[d] = 0;
    }
  }
  const out = lax.reshape(lax.matmul(lax.concat(xs, 0), k), [...outShape, batch, filters]);
  const sp = Array.from({ length: nd }, (_, i) => i);
  return lax.transpose(out, first ? [nd, nd + 1, ...sp] : [nd, ...sp, nd + 1]);
}

/** data_format: null or undefined means K.image_data_format(). */
function dataFormat(fn: string, v: unknown): DataFormat {
  const f = v ?? image_data_format();
  if (f !== 'channels_first' && f !== 'channels_last') {
    throw valueError(
      fn,
      `Unknown data_format: ${showValue(f)} (data_format must be "channels_first" or "channels_last")`
    );
  }
  return f;
}

/** A tuple of `n` positive integers (a length other than n, or a value < 1: ValueError; not integers: TypeError). */
function intTuple(fn: string, v: unknown, n: number, arg: string): number[] {
  if (!Array.isArray(v)) throw typeError(fn, `\`${arg}\` must be a tuple of ${n} integers; got ${showValue(v)}`);
  if (v.length !== n) throw valueError(fn, `\`${arg}\` must be a tuple of ${n} integers; got ${showValue(v)}`);
  if (!v.every((d) => typeof d === 'number' && Number.isInteger(d)))
    throw typeError(fn, `\`${arg}\` must be a tuple of ${n} integers; got ${showValue(v)}`);
  if (v.some((d: number) => d < 1)) throw valueError(fn, `\`${arg}\` must be positive integers; got ${showValue(v)}`);
  return v.slice() as number[];
}

function tfPadding(fn: string, v: unknown): 'SAME' | 'VALID' {
  if (v === 'same') return 'SAME';
  if (v === 'valid') return 'VALID';
  throw valueError(fn, `Invalid padding: ${showValue(v)} (padding must be "same" or "valid")`);
}
