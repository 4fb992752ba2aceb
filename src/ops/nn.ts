// Activations and the nn helpers of keras.backend: softmax, in_top_k and
// bias_add, following the seed's TF source, composed from primitives (softmax is
// one of its own: a fused kernel with a VJP from its output).
import { axisOf, options } from '../core/args.js';
import { image_data_format } from '../core/config.js';
import { fmtShape, keras, typeError, valueError, showRaw } from '../core/context.js';
import { toTensor, toTensorLike, type TensorLike } from '../core/convert.js';
import { compatible, broadcastable, withAxis } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import { toFloatTensor as floatInput } from '../core/convert.js';

export interface SoftmaxOptions {
  axis?: number;
}

/**
 * Softmax of `x` along `axis`: `exp(x) / sum(exp(x))`, computed with the maximum
 * subtracted first so that large logits do not overflow (tf.nn.softmax). Each
 * slice along `axis` sums to 1.
 *
 * @param x  a float tensor-like (logits).
 * @param axis  the axis to normalise over (default -1, the last). Also `options.axis`.
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.ValueError when `axis` is out of range.
 * @throws K.TypeError when `x` is an integer or bool tensor, or `axis` is not an integer.
 * @example
 * ```ts
 * K.eval(K.softmax(K.constant([[1, 2, 3]]))); // [[0.09003057, 0.24472848, 0.66524094]]
 * K.eval(K.softmax(K.constant([[1, 1], [0, 0]]), 0)); // [[0.7310586, 0.7310586], [0.26894143, 0.26894143]]
 * ```
 */
export function softmax(x: TensorLike, axis?: number | SoftmaxOptions): Tensor {
  return keras(softmax, () => {
    const o = options<SoftmaxOptions>(['axis'], [axis]);
    const t = floatInput('softmax', x);
    const a = axisOf(o.axis ?? -1, t, 'x');
    // One primitive (src/prims/activation.ts): a fused kernel, its VJP written from the output.
    return lax.softmax(t, a);
  });
}

/**
 * Whether each target class is among the `k` largest predictions of its row:
 * `predictions[i, targets[i]]` is in the top k of row i (tf.math.in_top_k). Ties
 * at the k-th value count as in (fewer than k values are strictly greater); a
 * target out of range, or whose prediction is not finite, gives false.
 *
 * @param predictions  a float tensor-like of shape `(batch, classes)`.
 * @param targets  a 1-D int32 or int64 tensor-like of shape `(batch,)` (plain values become int32).
 * @param k  how many of the largest predictions count.
 * @returns a bool tensor of shape `(batch,)` (K.eval gives 0/1).
 * @throws K.ValueError when the shapes are not `(batch, classes)` and `(batch,)`.
 * @throws K.TypeError when `targets` is not integer, `predictions` is not float, or `k` is not an integer.
 * @example
 * ```ts
 * const p = K.constant([[0.1, 0.8, 0.1], [0.6, 0.3, 0.1]]);
 * K.eval(K.in_top_k(p, [1, 1], 1)); // [1, 0]
 * K.eval(K.in_top_k(p, [1, 1], 2)); // [1, 1]
 * ```
 */
export function in_top_k(predictions: TensorLike, targets: TensorLike, k: number): Tensor {
  const fn = 'in_top_k';
  return keras(in_top_k, () => {
    const p = floatInput(fn, predictions, 'predictions');
    const t = targets instanceof Tensor ? targets : toTensor(fn, targets, 'targets', 'int32');
    if (t.dtype !== 'int32' && t.dtype !== 'int64') {
      throw typeError(fn, `targets must be int32 or int64; got ${t.dtype} of shape ${fmtShape(t.shape)}`);
    }
    if (typeof k !== 'number' || !Number.isSafeInteger(k))
      throw typeError(fn, `k must be an integer; got ${showRaw(k)}`);
    if (p.rank !== 2) throw valueError(fn, `predictions must be 2-D (batch, classes); got shape ${fmtShape(p.shape)}`);
    if (t.rank !== 1) throw valueError(fn, `targets must be 1-D (batch,); got shape ${fmtShape(t.shape)}`);
    const batch = p.shape[0]!;
    if (!compatible([batch], t.shape)) {
      throw valueError(
        fn,
        `predictions of shape ${fmtShape(p.shape)} and targets of shape ${fmtShape(t.shape)} must have the same batch size`
      );
    }
    // An unknown number of classes is counted when the graph runs.
    const hit = lax.equal(lax.reshape(t, [t.shape[0]!, 1]), lax.indicesAlong(p, 1, t.dtype));
    const zero = lax.scalar(0, p.dtype);
    const own = lax.sum(lax.where(hit, p, zero), [1], true);
    const inRange = lax.greater(lax.sum(lax.cast(hit, 'int32'), [1]), lax.scalar(0, 'int32'));
    const finite = lax.reshape(lax.less(lax.abs(own), lax.scalar(Infinity, p.dtype)), [own.shape[0]!]);
    const above = lax.sum(lax.cast(lax.greater(p, own), 'int32'), [1]);
    const inTop = lax.less(above, lax.scalar(Math.max(-1, Math.min(k, 2 ** 31 - 1)), 'int32'));
    const no = lax.scalar(0, 'bool');
    return lax.where(inRange, lax.where(finite, inTop, no), no);
  });
}

export interface BiasAddOptions {
  data_format?: string | null;
}

/**
 * `x + bias`, with the bias laid along the channel axis (tf.nn.bias_add). A 1-D bias
 * is added along the last axis (channels_last) or axis 1 (channels_first); a
 * bias of rank `ndim(x) - 1` (for `x` of rank 3 to 5) is reshaped, not
 * transposed, to `(1, ...bias)` or, for channels_first, `(1, C, ...)`, and
 * added, as Keras's source does.
 *
 * @param x  a numeric tensor-like of rank >= 2.
 * @param bias  a tensor-like of rank 1 or `ndim(x) - 1`, in the dtype of `x` (plain values take it).
 * @param data_format  `'channels_last'` or `'channels_first'`; null or omitted: K.image_data_format(). Also `options.data_format`.
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.ValueError when `data_format` is unknown, or the bias's rank or length does not fit `x`.
 * @throws K.TypeError when `x` is bool, or `bias` has another dtype.
 * @example
 * ```ts
 * const x = K.zeros([2, 3]);
 * K.eval(K.bias_add(x, K.constant([1, 2, 3]))); // [[1, 2, 3], [1, 2, 3]]
 * K.eval(K.bias_add(K.zeros([1, 2, 1]), K.constant([5, 6]), 'channels_first')); // [[[5], [6]]]
 * ```
 */
export function bias_add(x: TensorLike, bias: TensorLike, data_format?: string | null | BiasAddOptions): Tensor {
  const fn = 'bias_add';
  return keras(bias_add, () => {
    const o = options<BiasAddOptions>(['data_format'], [data_format]);
    const t = toTensor(fn, x);
    const format = o.data_format ?? image_data_format();
    if (format !== 'channels_first' && format !== 'channels_last') {
      throw valueError(
        fn,
        `Unknown data_format: ${String(format)} (data_format must be 'channels_first' or 'channels_last')`
      );
    }
    if (t.dtype === 'bool') throw typeError(fn, `x must be numeric; got bool of shape ${fmtShape(t.shape)}`);
    const b = toTensorLike(fn, bias, t, 'bias');
    if (b.dtype !== t.dtype) {
      throw typeError(
        fn,
        `bias has dtype ${b.dtype} ${fmtShape(b.shape)}, but x has dtype ${t.dtype} ${fmtShape(t.shape)}`
      );
    }
    if (b.rank !== 1 && b.rank !== t.rank - 1) {
      throw valueError(
        fn,
        `Unexpected bias dimensions ${b.rank}, expect to be 1 or ${t.rank - 1} dimensions ` +
          `(bias of shape ${fmtShape(b.shape)}, x of shape ${fmtShape(t.shape)})`
      );
    }
    if (b.rank === 1) {
      if (t.rank < 2)
        throw valueError(fn, `x must be at least 2-D for a 1-D bias; got x of shape ${fmtShape(t.shape)}`);
      const c = format === 'channels_first' ? 1 : t.rank - 1;
      if (!compatible([t.shape[c]!], b.shape)) {
        throw valueError(
          fn,
          `bias of shape ${fmtShape(b.shape)} must have as many values as the channel axis ${c} ` +
            `of x of shape ${fmtShape(t.shape)} (${format})`
        );
      }
      return lax.add(t, lax.reshape(b, withAxis(new Array<number>(t.rank - 1).fill(1), c, b.shape[0]!)));
    }
    if (t.rank < 3 || t.rank > 5) {
      throw valueError(
        fn,
        `bias must be 1-D for x of rank ${t.rank}; got bias of shape ${fmtShape(b.shape)} and x of shape ${fmtShape(t.shape)}`
      );
    }
    const s = b.shape;
    const r = lax.reshape(b, format === 'channels_first' ? [1, s.at(-1)!, ...s.slice(0, -1)] : [1, ...s]);
    if (!broadcastable(r.shape, t.shape)) {
      throw valueError(
        fn,
        `bias of shape ${fmtShape(b.shape)}, reshaped to ${fmtShape(r.shape)} (${format}), ` +
          `does not broadcast with x of shape ${fmtShape(t.shape)}`
      );
    }
    return lax.add(t, r);
  });
}
