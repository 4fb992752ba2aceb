// Convolutions: conv1d (valid, same, causal), conv2d, conv3d, conv2d_transpose,
// depthwise_conv2d and separable_conv2d, as the seed's Keras source calls
// TensorFlow, lowered to the conv primitives (src/prims/conv.ts):
// - channels_first is transposed to channels_last and back (Keras does so on
//   the cpu, where TF has no NCHW kernels);
// - 'same' pads (k - 1) * dilation + 1 - ... as TF does: out = ceil(in / s),
//   total = max((out - 1) * s + span - in, 0), the odd one at the end;
//   'valid' gives trunc((in - span + s) / s) windows, an error when negative;
// - conv1d 'causal' pads axis 1 by dilation * (k - 1) before anything else
//   (temporal_padding, so under channels_first it pads the channel axis,
//   exactly as Keras's source does);
// - conv2d_transpose is conv_backprop_input with TF's output_shape checks;
//   with dilation it is atrous_conv2d_transpose (equal rates, stride 1);
// - depthwise_conv2d is conv with groups = channels; separable_conv2d is
//   depthwise_conv2d then a 1x1 conv.
// TF refuses strides > 1 together with dilation_rate > 1 (tf.nn.convolution;
// documented for depthwise and atrous transposes): so do we, for all six.
import { isPlainObject, options, needRank, staticValue } from '../core/args.js';
import { fmtShape, keras, typeError, valueError, runningName } from '../core/context.js';
import { toTensorLike, type TensorLike, showValue } from '../core/convert.js';
import { isInt } from '../core/dtype.js';
import { UNKNOWN, isIntList } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { dataFormat, type DataFormat } from '../core/args.js';
import * as lax from '../prims/lax.js';
import { callNode } from '../grad/call.js';
import { toFloatTensor as floatInput } from '../core/convert.js';

export type ConvPadding = 'valid' | 'same';
/** An integer for every spatial axis, a sequence of one per axis, or (TF) of rank + 2 with 1 at batch and channels. */
export type ConvInts = number | readonly number[];

export interface Conv1DOptions {
  strides?: ConvInts;
  padding?: ConvPadding | 'causal';
  data_format?: DataFormat | null;
  dilation_rate?: ConvInts;
}
export interface ConvOptions {
  strides?: ConvInts;
  padding?: ConvPadding;
  data_format?: DataFormat | null;
  dilation_rate?: ConvInts;
}
/** The options of the 2-D family that takes strides and dilation_rate as pairs. */
export interface Conv2DPairOptions {
  strides?: readonly number[];
  padding?: ConvPadding;
  data_format?: DataFormat | null;
  dilation_rate?: readonly number[];
}
/** A 1-D int tensor of 4, or 4 numbers (the batch may be null: x's batch). */
export type OutputShape = readonly (number | Tensor | null)[] | Tensor;
export interface Conv2DTransposeOptions extends Conv2DPairOptions {
  output_shape?: OutputShape;
}

type Any<T> = T | null | undefined;

/**
 * 1D convolution of x (batch, steps, channels) under 'channels_last', or
 * (batch, channels, steps) under 'channels_first', by a kernel (kernel_size,
 * in_channels, out_channels), as tf.nn.convolution. 'same' padding pads as
 * TensorFlow (output length ceil(steps / strides), the odd zero at the end);
 * 'causal' first pads dilation_rate * (kernel_size - 1) zeros before dim 1, as
 * Keras's source does (so under 'channels_first' it pads the channel axis).
 *
 * @param x A 3-D float tensor (plain values become floatx()).
 * @param kernel A 3-D kernel of x's dtype.
 * @param strides Stride: an integer, or a list of 1 (or 3, TensorFlow's form with 1 at batch and
 *   channels); default 1. This and the following optional arguments may instead be given as one
 *   options object `{ strides, padding, data_format, dilation_rate }`.
 * @param padding 'valid' (the default), 'same' or 'causal'.
 * @param data_format 'channels_last' or 'channels_first'; null (the default) means K.image_data_format().
 * @param dilation_rate Dilation, an integer or a list as strides; default 1.
 * @returns A 3-D tensor (batch, new_steps, out_channels), or channels first.
 * @throws K.ValueError when x or kernel is not 3-D, the channels differ, padding or data_format is
 *   unknown, the output would be empty, or strides > 1 come with dilation_rate > 1.
 * @throws K.TypeError when x is not a float tensor, the kernel's dtype differs from x's, or strides or
 *   dilation_rate do not hold integers.
 * @example
 * ```ts
 * const x = K.reshape(K.constant([1, 2, 3, 4]), [1, 4, 1]);
 * const k = K.ones([2, 1, 1]);
 * K.eval(K.conv1d(x, k)); // [[[3], [5], [7]]]
 * K.eval(K.conv1d(x, k, { padding: 'same' })); // [[[3], [5], [7], [4]]]
 * K.eval(K.conv1d(x, k, 1, 'causal')); // [[[1], [3], [5], [7]]]
 * K.eval(K.conv1d(x, k, { dilation_rate: 2 })); // [[[4], [6]]]
 * ```
 */
export function conv1d(
  x: TensorLike,
  kernel: TensorLike,
  strides?: ConvInts | Conv1DOptions,
  padding?: ConvPadding | 'causal' | Conv1DOptions,
  data_format?: Any<DataFormat> | Conv1DOptions,
  dilation_rate?: ConvInts | Conv1DOptions
): Tensor {
  return keras(conv1d, () => {
    const o = options<Conv1DOptions>(
      ['strides', 'padding', 'data_format', 'dilation_rate'],
      [strides, padding, data_format, dilation_rate]
    );
    return convolve(1, x, kernel, o);
  });
}

/**
 * 2D convolution of x (batch, rows, cols, channels) under 'channels_last', or
 * (batch, channels, rows, cols) under 'channels_first', by a kernel (kh, kw,
 * in_channels, out_channels), as tf.nn.convolution. 'same' padding pads as
 * TensorFlow (output size ceil(size / stride), the odd zero at the end). As
 * TensorFlow, strides > 1 together with dilation_rate > 1 are refused.
 *
 * @param x A 4-D float tensor (plain values become floatx()).
 * @param kernel A 4-D kernel of x's dtype.
 * @param strides Strides: an integer, or a list of 1, 2 (or 4, TensorFlow's form with 1 at batch and
 *   channels); default [1, 1]. This and the following optional arguments may instead be given as one
 *   options object `{ strides, padding, data_format, dilation_rate }`.
 * @param padding 'valid' (the default) or 'same'.
 * @param data_format 'channels_last' or 'channels_first'; null (the default) means K.image_data_format().
 * @param dilation_rate Dilation, an integer or a list as strides; default [1, 1].
 * @returns A 4-D tensor (batch, new_rows, new_cols, out_channels), or channels first.
 * @throws K.ValueError when x or kernel is not 4-D, the channels differ, padding or data_format is
 *   unknown, the output would be empty, or strides > 1 come with dilation_rate > 1.
 * @throws K.TypeError when x is not a float tensor, the kernel's dtype differs from x's, or strides or
 *   dilation_rate do not hold integers.
 * @example
 * ```ts
 * const x = K.ones([1, 3, 3, 1]);
 * const k = K.ones([2, 2, 1, 1]);
 * K.eval(K.conv2d(x, k)); // [[[[4], [4]], [[4], [4]]]]
 * K.eval(K.conv2d(x, k, [2, 2], 'same')); // [[[[4], [2]], [[2], [1]]]]
 * const y = K.conv2d(K.ones([1, 2, 5, 5]), K.ones([3, 3, 2, 4]), { padding: 'same', data_format: 'channels_first' });
 * K.int_shape(y); // [1, 4, 5, 5]
 * ```
 */
export function conv2d(
  x: TensorLike,
  kernel: TensorLike,
  strides?: ConvInts | ConvOptions,
  padding?: ConvPadding | ConvOptions,
  data_format?: Any<DataFormat> | ConvOptions,
  dilation_rate?: ConvInts | ConvOptions
): Tensor {
  return keras(conv2d, () => {
    const o = options<ConvOptions>(
      ['strides', 'padding', 'data_format', 'dilation_rate'],
      [strides, padding, data_format, dilation_rate]
    );
    return convolve(2, x, kernel, o);
  });
}

/**
 * 3D convolution of x (batch, depth, rows, cols, channels) under
 * 'channels_last', or (batch, channels, depth, rows, cols) under
 * 'channels_first', by a kernel (kd, kh, kw, in_channels, out_channels), as
 * tf.nn.convolution. 'same' padding pads as TensorFlow (output size
 * ceil(size / stride)). As TensorFlow, strides > 1 together with dilation_rate
 * > 1 are refused.
 *
 * @param x A 5-D float tensor (plain values become floatx()).
 * @param kernel A 5-D kernel of x's dtype.
 * @param strides Strides: an integer, or a list of 1, 3 (or 5, TensorFlow's form with 1 at batch and
 *   channels); default [1, 1, 1]. This and the following optional arguments may instead be given as
 *   one options object `{ strides, padding, data_format, dilation_rate }`.
 * @param padding 'valid' (the default) or 'same'.
 * @param data_format 'channels_last' or 'channels_first'; null (the default) means K.image_data_format().
 * @param dilation_rate Dilation, an integer or a list as strides; default [1, 1, 1].
 * @returns A 5-D tensor (batch, new_depth, new_rows, new_cols, out_channels), or channels first.
 * @throws K.ValueError when x or kernel is not 5-D, the channels differ, padding or data_format is
 *   unknown, the output would be empty, or strides > 1 come with dilation_rate > 1.
 * @throws K.TypeError when x is not a float tensor, the kernel's dtype differs from x's, or strides or
 *   dilation_rate do not hold integers.
 * @example
 * ```ts
 * const x = K.ones([1, 4, 4, 4, 2]);
 * const k = K.ones([3, 3, 3, 2, 8]);
 * K.int_shape(K.conv3d(x, k)); // [1, 2, 2, 2, 8]
 * K.int_shape(K.conv3d(x, k, 2, 'same')); // [1, 2, 2, 2, 8]
 * K.eval(K.conv3d(K.ones([1, 2, 2, 2, 1]), K.ones([2, 2, 2, 1, 1]))); // [[[[[8]]]]]
 * ```
 */
export function conv3d(
  x: TensorLike,
  kernel: TensorLike,
  strides?: ConvInts | ConvOptions,
  padding?: ConvPadding | ConvOptions,
  data_format?: Any<DataFormat> | ConvOptions,
  dilation_rate?: ConvInts | ConvOptions
): Tensor {
  return keras(conv3d, () => {
    const o = options<ConvOptions>(
      ['strides', 'padding', 'data_format', 'dilation_rate'],
      [strides, padding, data_format, dilation_rate]
    );
    return convolve(3, x, kernel, o);
  });
}

/**
 * 2D transposed convolution ("deconvolution"): the gradient of conv2d with
 * respect to its input. The kernel is (kh, kw, output channels, x's
 * channels), and output_shape is the full shape of the result in data_format's
 * order; as TensorFlow, it must be a shape that the forward convolution (same
 * kernel, strides, padding) maps to x's shape. With dilation_rate it is
 * atrous_conv2d_transpose (equal rates, stride 1).
 *
 * @param x A 4-D float tensor (plain values become floatx()).
 * @param kernel A 4-D kernel of x's dtype.
 * @param output_shape The output's shape: 4 integers (the batch may be null or a run-time scalar such as
 *   `K.gather(K.shape(x), 0)`, meaning x's) or a 1-D
 *   integer tensor. This and the following arguments may instead be given as one options object
 *   `{ output_shape, strides, padding, data_format, dilation_rate }`.
 * @param strides A pair of positive integers, default [1, 1].
 * @param padding 'valid' (the default) or 'same'.
 * @param data_format 'channels_last' or 'channels_first'; null (the default) means K.image_data_format().
 * @param dilation_rate A pair of equal positive integers, default [1, 1].
 * @returns A 4-D tensor of shape output_shape.
 * @throws K.ValueError when x or kernel is not 4-D, output_shape does not fit x, kernel and strides,
 *   the channels differ, padding or data_format is unknown, or strides and dilation are combined.
 * @throws K.TypeError when output_shape is missing, x is not a float tensor, or the kernel's dtype
 *   differs from x's.
 * @example
 * ```ts
 * const x = K.ones([1, 2, 2, 1]);
 * const k = K.ones([2, 2, 1, 1]);
 * K.eval(K.conv2d_transpose(x, k, [1, 3, 3, 1])); // [[[[1], [2], [1]], [[2], [4], [2]], [[1], [2], [1]]]]
 * const y = K.conv2d_transpose(K.ones([1, 2, 2, 3]), K.ones([3, 3, 5, 3]), [1, 4, 4, 5], [2, 2], 'same');
 * K.int_shape(y); // [1, 4, 4, 5]
 * ```
 */
export function conv2d_transpose(
  x: TensorLike,
  kernel: TensorLike,
  output_shape: OutputShape | Conv2DTransposeOptions,
  strides?: readonly number[] | Conv2DTransposeOptions,
  padding?: ConvPadding | Conv2DTransposeOptions,
  data_format?: Any<DataFormat> | Conv2DTransposeOptions,
  dilation_rate?: readonly number[] | Conv2DTransposeOptions
): Tensor {
  const fn = 'conv2d_transpose';
  return keras(conv2d_transpose, () => {
    const o = options<Conv2DTransposeOptions>(
      ['output_shape', 'strides', 'padding', 'data_format', 'dilation_rate'],
      [output_shape, strides, padding, data_format, dilation_rate]
    );
    if (o.output_shape === undefined || o.output_shape === null)
      throw typeError(fn, 'missing the argument output_shape');
    const format = dataFormat(o.data_format);
    const pad = paddingOf(o.padding, false);
    const t = floatInput(fn, x);
    const k = kernelInput(kernel, t, 'kernel');
    needRank(t, 4, 'x');
    needRank(k, 4, 'kernel');
    knownShape(k, 'kernel');
    const st = pairOf(o.strides, 'strides');
    const dl = pairOf(o.dilation_rate, 'dilation_rate');
    const runTime = runTimeOutputShape(o.output_shape, t, format);
    if (runTime !== null) {
      // Output sizes known only when the graph runs (Keras's Conv2DTranspose on unknown sizes): the
      // transposed convolution runs then, on the values (src/grad/call.ts); its checks too.
      const { entries, parts } = runTime;
      const meta = {
        shape: entries.map((d) => (d instanceof Tensor ? (staticValue(d) ?? UNKNOWN) : (d ?? t.shape[0]!))),
        dtype: t.dtype,
      };
      return callNode('conv2d_transpose', [t, k, ...parts], meta, ([xv, kv, ...vals]) => {
        let n = 0;
        const shape = entries.map((d) => (d instanceof Tensor ? staticValue(vals[n++]!)! : d));
        return conv2d_transpose(xv!, kv!, shape, { strides: st, padding: pad, data_format: format, dilation_rate: dl });
      });
    }
    const dilated = dl[0] !== 1 || dl[1] !== 1;
    if (dilated && dl[0] !== dl[1])
      throw valueError(
        fn,
        `dilation_rate must have equal entries (atrous_conv2d_transpose takes one rate); got ${showValue(dl)}`
      );
    refuseStridedDilation(st, dl);
    const given = outputShapeOf(o.output_shape, t);
    const shape = format === 'channels_first' ? [given[0]!, given[2]!, given[3]!, given[1]!] : given;
    const v = toLast(t, format);
    const [kh, kw, kOut, kIn] = k.shape as [number, number, number, number];
    if (v.shape[3] !== UNKNOWN && v.shape[3] !== kIn) {
      throw valueError(
        fn,
        `input channels of x (${v.shape[3]}, x of shape ${fmtShape(t.shape)}) and of kernel (${kIn}, kernel of shape ` +
          `${fmtShape(k.shape)}) must match`
      );
    }
    if (shape[3] !== kOut) {
      throw valueError(
        fn,
        `output channels of output_shape (${shape[3]}, output_shape ${showValue(given)}, ${format}) and of ` +
          `kernel (${kOut}, kernel of shape ${fmtShape(k.shape)}) must match`
      );
    }
    if (v.shape[0] !== UNKNOWN && shape[0] !== v.shape[0]) {
      throw valueError(
        fn,
        `output_shape ${showValue(given)} and x of shape ${fmtShape(t.shape)} must have the same batch size`
      );
    }
    // The transpose of the convolution that takes output_shape to x.
    const geom = windows(shape.slice(1, 3), [kh, kw], st, dl, pad, false);
    const got = v.shape.slice(1, 3);
    if (geom.outs.some((d, i) => d !== got[i])) {
      throw valueError(
        fn,
        `x of shape ${fmtShape(t.shape)} does not fit output_shape ${showValue(given)} (${format}): ` +
          `a ${pad} convolution of spatial shape ${fmtShape(shape.slice(1, 3))} by kernel of shape ${fmtShape(k.shape)} with strides ${showValue(st)} ` +
          `and dilation_rate ${showValue(dl)} gives spatial shape ${fmtShape(geom.outs.map((d) => Math.max(d, 0)))}, not ${fmtShape(got)}`
      );
    }
    const y = lax.convBackpropInput(v, k, shape.slice(1, 3), { strides: st, dilation: dl, pads: geom.pads, groups: 1 });
    return format === 'channels_first' ? lax.transpose(y, [0, 3, 1, 2]) : y;
  });
}

/**
 * Depthwise 2D convolution (tf.nn.depthwise_conv2d): each input channel is
 * convolved with its own filters. The kernel is (kh, kw, in_channels,
 * multiplier); output channel c * multiplier + m is channel c convolved with
 * filter m. Padding and strides work as in {@link conv2d}.
 *
 * @param x A 4-D float tensor (plain values become floatx()).
 * @param depthwise_kernel A 4-D kernel of x's dtype.
 * @param strides A pair of positive integers, default [1, 1]. This and the following optional
 *   arguments may instead be given as one options object `{ strides, padding, data_format, dilation_rate }`.
 * @param padding 'valid' (the default) or 'same'.
 * @param data_format 'channels_last' or 'channels_first'; null (the default) means K.image_data_format().
 * @param dilation_rate A pair of positive integers, default [1, 1].
 * @returns A 4-D tensor with in_channels * multiplier channels.
 * @throws K.ValueError when x or the kernel is not 4-D, the channels differ, padding or data_format
 *   is unknown, strides or dilation_rate is not a pair, or strides > 1 come with dilation_rate > 1.
 * @throws K.TypeError when x is not a float tensor, the kernel's dtype differs from x's, or strides or
 *   dilation_rate do not hold integers.
 * @example
 * ```ts
 * const x = K.reshape(K.constant([1, 10, 1, 10, 1, 10, 1, 10]), [1, 2, 2, 2]); // channels 1 and 10
 * K.eval(K.depthwise_conv2d(x, K.ones([2, 2, 2, 1]))); // [[[[4, 40]]]]
 * const k = K.constant([[[[1, -1], [1, 2]]]]); // 1x1, multiplier 2
 * K.eval(K.depthwise_conv2d(x, k)); // [[[[1, -1, 10, 20], [1, -1, 10, 20]], [[1, -1, 10, 20], [1, -1, 10, 20]]]]
 * ```
 */
export function depthwise_conv2d(
  x: TensorLike,
  depthwise_kernel: TensorLike,
  strides?: readonly number[] | Conv2DPairOptions,
  padding?: ConvPadding | Conv2DPairOptions,
  data_format?: Any<DataFormat> | Conv2DPairOptions,
  dilation_rate?: readonly number[] | Conv2DPairOptions
): Tensor {
  const fn = 'depthwise_conv2d';
  return keras(depthwise_conv2d, () => {
    const o = options<Conv2DPairOptions>(
      ['strides', 'padding', 'data_format', 'dilation_rate'],
      [strides, padding, data_format, dilation_rate]
    );
    const format = dataFormat(o.data_format);
    const pad = paddingOf(o.padding, false);
    const t = floatInput(fn, x);
    const dk = kernelInput(depthwise_kernel, t, 'depthwise_kernel');
    const st = pairOf(o.strides, 'strides');
    const dl = pairOf(o.dilation_rate, 'dilation_rate');
    const y = depthwise(t, format, dk, st, dl, pad);
    return format === 'channels_first' ? lax.transpose(y, [0, 3, 1, 2]) : y;
  });
}

/**
 * 2D convolution with separable filters: {@link depthwise_conv2d} by
 * depthwise_kernel (kh, kw, in_channels, multiplier), then a 1x1 convolution by
 * pointwise_kernel (1, 1, in_channels * multiplier, out_channels).
 *
 * @param x A 4-D float tensor (plain values become floatx()).
 * @param depthwise_kernel A 4-D kernel of x's dtype.
 * @param pointwise_kernel A (1, 1, in_channels * multiplier, out_channels) kernel of x's dtype.
 * @param strides A pair of positive integers, default [1, 1]. This and the following optional
 *   arguments may instead be given as one options object `{ strides, padding, data_format, dilation_rate }`.
 * @param padding 'valid' (the default) or 'same'.
 * @param data_format 'channels_last' or 'channels_first'; null (the default) means K.image_data_format().
 * @param dilation_rate A pair of positive integers, default [1, 1].
 * @returns A 4-D tensor with out_channels channels.
 * @throws K.ValueError when strides is not a pair of integers, a kernel has the wrong shape, the
 *   channels differ, padding or data_format is unknown, or strides > 1 come with dilation_rate > 1.
 * @throws K.TypeError when x is not a float tensor, the kernel's dtype differs from x's, or strides or
 *   dilation_rate do not hold integers.
 * @example
 * ```ts
 * const x = K.reshape(K.constant([1, 10, 1, 10, 1, 10, 1, 10]), [1, 2, 2, 2]);
 * K.eval(K.separable_conv2d(x, K.ones([2, 2, 2, 1]), K.constant([[[[1], [-1]]]]))); // [[[[-36]]]]
 * const y = K.separable_conv2d(K.ones([1, 5, 5, 3]), K.ones([3, 3, 3, 2]), K.ones([1, 1, 6, 4]), { padding: 'same' });
 * K.int_shape(y); // [1, 5, 5, 4]
 * ```
 */
export function separable_conv2d(
  x: TensorLike,
  depthwise_kernel: TensorLike,
  pointwise_kernel: TensorLike,
  strides?: readonly number[] | Conv2DPairOptions,
  padding?: ConvPadding | Conv2DPairOptions,
  data_format?: Any<DataFormat> | Conv2DPairOptions,
  dilation_rate?: readonly number[] | Conv2DPairOptions
): Tensor {
  const fn = 'separable_conv2d';
  return keras(separable_conv2d, () => {
    const o = options<Conv2DPairOptions>(
      ['strides', 'padding', 'data_format', 'dilation_rate'],
      [strides, padding, data_format, dilation_rate]
    );
    const format = dataFormat(o.data_format);
    if (o.strides !== undefined && o.strides !== null && (!Array.isArray(o.strides) || o.strides.length !== 2)) {
      throw valueError(fn, `\`strides\` must be a tuple of 2 integers; got ${showValue(o.strides)}`);
    }
    const pad = paddingOf(o.padding, false);
    const t = floatInput(fn, x);
    const dk = kernelInput(depthwise_kernel, t, 'depthwise_kernel');
    const pk = kernelInput(pointwise_kernel, t, 'pointwise_kernel');
    const st = pairOf(o.strides, 'strides');
    const dl = pairOf(o.dilation_rate, 'dilation_rate');
    needRank(t, 4, 'x');
    needRank(dk, 4, 'depthwise_kernel');
    needRank(pk, 4, 'pointwise_kernel');
    knownShape(pk, 'pointwise_kernel');
    const mid = dk.shape[2]! * dk.shape[3]!;
    if (pk.shape[0] !== 1 || pk.shape[1] !== 1 || pk.shape[2] !== mid) {
      throw valueError(
        fn,
        `pointwise_kernel of shape ${fmtShape(pk.shape)} must have shape (1, 1, ${mid}, out_channels) to follow ` +
          `depthwise_kernel of shape ${fmtShape(dk.shape)}`
      );
    }
    const d = depthwise(t, format, dk, st, dl, pad);
    const y = lax.conv(d, pk, {
      strides: [1, 1],
      dilation: [1, 1],
      pads: [
        [0, 0],
        [0, 0],
      ],
      groups: 1,
    });
    return format === 'channels_first' ? lax.transpose(y, [0, 3, 1, 2]) : y;
  });
}

// ---- the shared path --------------------------------------------------------

/** conv1d/2d/3d: tf.nn.convolution after Keras's preprocessing. */
function convolve(n: number, x: TensorLike, kernel: TensorLike, o: Conv1DOptions): Tensor {
  const format = dataFormat(o.data_format);
  let pad = paddingOf(o.padding, n === 1);
  const t = floatInput(runningName(), x);
  const k = kernelInput(kernel, t, 'kernel');
  needRank(t, n + 2, 'x');
  needRank(k, n + 2, 'kernel');
  knownShape(k, 'kernel');
  const st = intsOf(o.strides, n, 'strides');
  const dl = intsOf(o.dilation_rate, n, 'dilation_rate');
  refuseStridedDilation(st, dl);
  let v = t;
  let note = '';
  if (pad === 'causal') {
    const left = dl[0]! * (k.shape[0]! - 1);
    v = lax.pad(v, [
      [0, 0],
      [left, 0],
      [0, 0],
    ]);
    if (format === 'channels_first' && left > 0)
      note = ` (causal padding added ${left} to axis 1, the channels under channels_first, as Keras's source does)`;
    pad = 'valid';
  }
  v = toLast(v, format);
  const c = v.shape[n + 1]!,
    kc = k.shape[n]!;
  if (c !== UNKNOWN && c !== kc) {
    throw valueError(
      runningName(),
      `x of shape ${fmtShape(t.shape)} has ${c} input channels${note}, but kernel of shape ${fmtShape(k.shape)} expects ${kc}`
    );
  }
  const geom = windows(v.shape.slice(1, n + 1), k.shape.slice(0, n), st, dl, pad, true, t, k);
  const y = lax.conv(v, k, { strides: st, dilation: dl, pads: geom.pads, groups: 1, ...sameFlag(geom) });
  return format === 'channels_first' ? lax.transpose(y, [0, n + 1, ...Array.from({ length: n }, (_, i) => i + 1)]) : y;
}

/** tf.nn.depthwise_conv2d of `x`, channels_last out. */
function depthwise(x: Tensor, format: DataFormat, dk: Tensor, st: number[], dl: number[], pad: ConvPadding): Tensor {
  needRank(x, 4, 'x');
  needRank(dk, 4, 'depthwise_kernel');
  knownShape(dk, 'depthwise_kernel');
  refuseStridedDilation(st, dl);
  const v = toLast(x, format);
  const [kh, kw, kc, m] = dk.shape as [number, number, number, number];
  const c = v.shape[3]!;
  if (c !== UNKNOWN && c !== kc) {
    throw valueError(
      runningName(),
      `x of shape ${fmtShape(x.shape)} has ${c} channels, but depthwise_kernel of shape ${fmtShape(dk.shape)} expects ${kc}`
    );
  }
  if (kc === 0)
    throw valueError(runningName(), `depthwise_kernel of shape ${fmtShape(dk.shape)} has no input channels`);
  const geom = windows(v.shape.slice(1, 3), [kh, kw], st, dl, pad, true, x, dk);
  // (kh, kw, c, m) -> (kh, kw, 1, c * m): output channel c * m + j is group c's j-th.
  const w = lax.reshape(dk, [kh, kw, 1, kc * m]);
  return lax.conv(v, w, { strides: st, dilation: dl, pads: geom.pads, groups: kc, ...sameFlag(geom) });
}

/**
 * TF's window arithmetic per spatial axis: the padding and the number of
 * windows. With `strict`, a negative 'valid' size is TF's error; otherwise
 * the (possibly negative) size is returned for the caller to report.
 */
function windows(
  sizes: readonly number[],
  ks: readonly number[],
  st: readonly number[],
  dl: readonly number[],
  pad: ConvPadding,
  strict: boolean,
  x?: Tensor,
  k?: Tensor
): { pads: [number, number][]; outs: number[]; same: boolean } {
  const pads: [number, number][] = [];
  const outs: number[] = [];
  sizes.forEach((size, i) => {
    const s = st[i]!,
      span = (ks[i]! - 1) * dl[i]! + 1;
    if (size === UNKNOWN) {
      // Known when the graph runs: 'same' pads are computed then (the geometry's `same` flag).
      pads.push([0, 0]);
      outs.push(UNKNOWN);
      return;
    }
    if (pad === 'same') {
      const out = Math.ceil(size / s);
      const total = Math.max((out - 1) * s + span - size, 0);
      pads.push([Math.floor(total / 2), total - Math.floor(total / 2)]);
      outs.push(out);
      return;
    }
    const out = Math.trunc((size - span + s) / s);
    if (out < 0 && strict) {
      throw valueError(
        runningName(),
        `computed output size would be negative: ${out} [input_size: ${size}, effective_filter_size: ${span}, stride: ${s}] ` +
          `for x of shape ${fmtShape(x!.shape)} and kernel of shape ${fmtShape(k!.shape)} with padding 'valid'`
      );
    }
    pads.push([0, 0]);
    outs.push(out);
  });
  return { pads, outs, same: pad === 'same' && sizes.includes(UNKNOWN) };
}

// ---- argument parsing -------------------------------------------------------

function paddingOf(v: unknown, causal: true): ConvPadding | 'causal';
function paddingOf(v: unknown, causal: false): ConvPadding;
function paddingOf(v: unknown, causal: boolean): ConvPadding | 'causal';
function paddingOf(v: unknown, causal: boolean): ConvPadding | 'causal' {
  const p = v === undefined || v === null ? 'valid' : v;
  if (p === 'valid' || p === 'same' || (causal && p === 'causal')) return p;
  throw valueError(
    runningName(),
    `Invalid padding: ${showValue(p)} (expected ${causal ? '"valid", "same" or "causal"' : '"valid" or "same"'})`
  );
}

/** The kernel: a tensor of x's dtype (plain values take it). */
function kernelInput(k: unknown, x: Tensor, arg: string): Tensor {
  if (k === undefined || k === null || isPlainObject(k)) throw typeError(runningName(), `missing the argument ${arg}`);
  const t = toTensorLike(runningName(), k, x, arg);
  if (t.dtype !== x.dtype) {
    throw typeError(
      runningName(),
      `${arg} must have the dtype of x (${x.dtype}); got ${t.dtype} of shape ${fmtShape(t.shape)}`
    );
  }
  return t;
}

function knownShape(t: Tensor, arg: string): void {
  if (t.shape.some((d) => d === UNKNOWN) || t.shape.slice(0, -2).some((d) => d < 1)) {
    throw valueError(
      runningName(),
      `${arg} must have a known shape with positive spatial sizes; got ${fmtShape(t.shape)}`
    );
  }
}

/** The geometry's `same` flag, where 'same' pads wait for run-time spatial sizes. */
const sameFlag = (geom: { same: boolean }) => (geom.same ? { same: true } : {});

/** Move channels from axis 1 to the end (a no-op for channels_last). */
function toLast(t: Tensor, format: DataFormat): Tensor {
  if (format === 'channels_last') return t;
  const n = t.rank - 2;
  return lax.transpose(t, [0, ...Array.from({ length: n }, (_, i) => i + 2), 1]);
}

function checkInts(v: readonly unknown[], arg: string, given: unknown): number[] {
  if (!isIntList(v)) throw typeError(runningName(), `${arg} must hold integers; got ${showValue(given)}`);
  const ints = v as number[];
  if (ints.some((d) => d < 1))
    throw valueError(runningName(), `all values of \`${arg}\` must be positive; got ${showValue(given)}`);
  return ints;
}

/** tf.nn.convolution's strides / dilations: an int, or a sequence of 1, n or n + 2 (1 at batch and channels). */
function intsOf(v: unknown, n: number, arg: string): number[] {
  if (v === undefined || v === null) return Array<number>(n).fill(1);
  if (typeof v === 'number') return checkInts(Array<number>(n).fill(v), arg, v);
  if (!Array.isArray(v))
    throw typeError(runningName(), `${arg} must be an integer or a sequence of integers; got ${showValue(v)}`);
  if (v.length === 1) return checkInts(Array<unknown>(n).fill(v[0]), arg, v);
  if (v.length === n) return checkInts(v, arg, v);
  if (v.length === n + 2) {
    const all = checkInts(v, arg, v);
    if (all[0] !== 1 || all[n + 1] !== 1) {
      throw valueError(runningName(), `${arg} ${showValue(v)} must be 1 in the batch and channel dimensions`);
    }
    return all.slice(1, n + 1);
  }
  throw valueError(
    runningName(),
    `${arg} should be of length 1, ${n} or ${n + 2}; got ${showValue(v)} of length ${v.length}`
  );
}

/** The 2-D family's strides / dilation_rate: a pair (default (1, 1)). */
function pairOf(v: unknown, arg: string): number[] {
  if (v === undefined || v === null) return [1, 1];
  if (!Array.isArray(v) || v.length !== 2)
    throw valueError(runningName(), `${arg} must be a tuple of 2 integers; got ${showValue(v)}`);
  return checkInts(v, arg, v);
}

function refuseStridedDilation(st: readonly number[], dl: readonly number[]): void {
  if (st.some((s) => s > 1) && dl.some((d) => d > 1)) {
    throw valueError(
      runningName(),
      `\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`; got strides ${showValue(st)} and dilation_rate ${showValue(dl)}`
    );
  }
}

/** output_shape as 4 integers, in data_format's order; a null batch is x's batch (unknown with x's). */
/**
 * output_shape when the transposed convolution must run with the graph: its
 * spatial entries are known only then, or x's spatial sizes are. Its entries
 * and its tensors; null otherwise.
 */
function runTimeOutputShape(
  v: unknown,
  x: Tensor,
  format: DataFormat
): { entries: (number | Tensor | null)[]; parts: Tensor[] } | null {
  if (!Array.isArray(v) || v.length !== 4) return null;
  const entries = v as (number | Tensor | null)[];
  const spatial = format === 'channels_first' ? [2, 3] : [1, 2];
  const unknownAt = (i: number) => {
    const d = entries[i];
    return d instanceof Tensor && d.isSymbolic && staticValue(d) === null;
  };
  // On unknown spatial sizes x fits output_shape only when the graph runs (TF checks it then).
  if (!spatial.some(unknownAt) && !spatial.some((i) => x.shape[i]! < 0)) return null;
  const parts = entries.filter((d): d is Tensor => d instanceof Tensor);
  return { entries, parts };
}

function outputShapeOf(v: unknown, x: Tensor): number[] {
  let dims: unknown[];
  if (v instanceof Tensor) {
    if (v.isSymbolic)
      throw valueError(
        runningName(),
        `output_shape must have known values; got a symbolic tensor of shape ${fmtShape(v.shape)}`
      );
    if (!isInt(v.dtype)) throw typeError(runningName(), `output_shape must be an integer tensor; got ${v.dtype}`);
    if (v.rank !== 1)
      throw valueError(runningName(), `output_shape must have shape (4,); got a tensor of shape ${fmtShape(v.shape)}`);
    dims = v.toArray() as number[];
  } else if (Array.isArray(v)) {
    dims = v;
  } else {
    throw typeError(
      runningName(),
      `output_shape must be a 1-D int tensor or a sequence of 4 integers; got ${showValue(v)}`
    );
  }
  if (dims.length !== 4)
    throw valueError(runningName(), `output_shape must have shape (4,); got ${showValue(v)} of length ${dims.length}`);
  return dims.map((d, i) => {
    if ((d === null || d === undefined) && i === 0) return x.shape[0]!;
    if (d instanceof Tensor) {
      // Keras's Conv2DTranspose passes K.shape(inputs)[0]: a run-time batch is x's, as null is.
      const value = isInt(d.dtype) ? staticValue(d) : null;
      if (value === null && d.isSymbolic && i === 0 && isInt(d.dtype) && d.rank === 0) return x.shape[0]!;
      if (value === null)
        throw valueError(
          runningName(),
          `output_shape[${i}] must be an integer, or a scalar integer tensor with a value (a run-time one only for the batch); got ${showValue(d)}`
        );
      d = value;
    }
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw valueError(
        runningName(),
        `output_shape must hold non-negative integers (the batch may be null); got ${showValue(v)}`
      );
    }
    return d;
  });
}
