// local_conv1d and local_conv2d: convolution with unshared weights (one kernel
// per output position), as the seed's source: the patches gathered by slicing,
// then one batched product. Every argument is checked before anything runs.
import { dataFormat, intTuple, options, type DataFormat } from '../core/args.js';
import { fmtShape, keras, typeError, valueError, runningName } from '../core/context.js';
import { toTensor, type TensorLike, showValue } from '../core/convert.js';
import type { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';

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
  return keras(local_conv1d, () => {
    const fn = 'local_conv1d';
    const o = options<LocalConvOptions>(['data_format'], [data_format]);
    const k = toTensor(fn, kernel, 'kernel');
    if (k.rank !== 3 || k.shape[0] === 0) {
      throw valueError(
        fn,
        `kernel must be 3D (output_length, feature_dim, filters) with output_length >= 1; got shape ${fmtShape(k.shape)}`
      );
    }
    return localConv(inputs, k, kernel_size, strides, [k.shape[0]!], o.data_format);
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
  return keras(local_conv2d, () => {
    const fn = 'local_conv2d';
    const o = options<LocalConvOptions>(['data_format'], [data_format]);
    const out = intTuple(output_shape, 2, 'output_shape');
    return localConv(inputs, toTensor(fn, kernel, 'kernel'), kernel_size, strides, out, o.data_format);
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
  inputs: TensorLike,
  k: Tensor,
  kernelSize: unknown,
  stridesArg: unknown,
  outShape: readonly number[],
  formatArg: unknown
): Tensor {
  const format = dataFormat(formatArg);
  const nd = outShape.length;
  const size = intTuple(kernelSize, nd, 'kernel_size');
  const strides = intTuple(stridesArg, nd, 'strides');
  const x = toTensor(runningName(), inputs, 'inputs');
  const shapes = `inputs of shape ${fmtShape(x.shape)} and kernel of shape ${fmtShape(k.shape)}`;
  if (x.rank !== nd + 2) throw valueError(runningName(), `inputs must be ${nd + 2}D; got shape ${fmtShape(x.shape)}`);
  if (k.rank !== 3)
    throw valueError(
      runningName(),
      `kernel must be 3D (output_items, feature_dim, filters); got shape ${fmtShape(k.shape)}`
    );
  if (x.dtype !== k.dtype)
    throw typeError(
      runningName(),
      `inputs and kernel must have the same dtype; got ${x.dtype} and ${k.dtype} (${shapes})`
    );
  if (x.dtype === 'bool') throw typeError(runningName(), `inputs and kernel must be numeric; got bool (${shapes})`);
  // Only the batch may be unknown: the windows are cut at known offsets.
  if (x.shape.slice(1).some((d) => d < 0) || k.shape.some((d) => d < 0)) {
    throw valueError(runningName(), `inputs (but for the batch) and kernel must have known dimensions; got ${shapes}`);
  }

  const first = format === 'channels_first';
  const channels = first ? x.shape[1]! : x.shape[nd + 1]!;
  const spatial = first ? x.shape.slice(2) : x.shape.slice(1, nd + 1);
  const [items, featureDim, filters] = k.shape as [number, number, number];
  const positions = outShape.reduce((p, d) => p * d, 1);
  if (items !== positions) {
    throw valueError(
      runningName(),
      `kernel.shape[0] must be the number of output positions ${positions} (output_shape ${showValue(outShape)}); got ${shapes}`
    );
  }
  const windowSize = size.reduce((p, d) => p * d, 1) * channels;
  if (featureDim !== windowSize) {
    throw valueError(
      runningName(),
      `kernel.shape[1] (feature_dim) must be prod(kernel_size ${showValue(size)}) * channels = ${windowSize}; got ${shapes} (${format})`
    );
  }
  spatial.forEach((n, i) => {
    if ((outShape[i]! - 1) * strides[i]! + size[i]! > n) {
      throw valueError(
        runningName(),
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
