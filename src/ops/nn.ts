// Activations, losses and normalisation: softmax, the three crossentropies,
// l2_normalize, in_top_k, bias_add, batch_normalization and
// normalize_batch_in_training. Each follows the seed's TF source (and the TF
// ops it calls), composed from primitives, so gradients of every order come
// from the primitives' VJPs.
import { options, flag } from '../core/args.js';
import { epsilon as fuzzFactor, image_data_format } from '../core/config.js';
import { fmtShape, keras, typeError, valueError } from '../core/context.js';
import { toTensor, toTensorLike, type TensorLike } from '../core/convert.js';
import { allocate, type DType } from '../core/dtype.js';
import { range, reducedShape, sameShape, sizeOf, UNKNOWN, compatible, broadcastable } from '../core/shape.js';
import { type Node, Tensor, hostTensor } from '../core/tensor.js';
import type { Inputs } from '../core/primitives.js';
import * as lax from '../prims/lax.js';
import { toFloatTensor as floatInput } from '../core/convert.js';
import { mean as reduceMean } from './reduce.js';

// ---- softmax ---------------------------------------------------------------

export interface SoftmaxOptions {
  axis?: number;
}

/**
 * The logits of a graph-mode softmax over the last axis, read from its node:
 * the crossentropies use them instead of the probabilities, as the source does
 * with a Softmax op's input.
 */
function softmaxLogits(y: Tensor): Tensor | undefined {
  const node = y.node;
  if (!y.isSymbolic || node === null || node.prim !== 'softmax') return undefined;
  const [x] = (node as Node<'softmax'>).inputs as Inputs<'softmax', Tensor>;
  return (node as Node<'softmax'>).attrs.axis === x.rank - 1 ? x : undefined;
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
  return keras('softmax', () => {
    const o = options<SoftmaxOptions>('softmax', ['axis'], [axis]);
    const t = floatInput('softmax', x);
    const a = axisOf('softmax', o.axis ?? -1, t, 'x');
    // One primitive (src/prims/activation.ts): a fused kernel, its VJP written from the output.
    return lax.softmax(t, a);
  });
}

/** x - max(x): softmax does not depend on the shift, so no gradient flows into it. */
function shifted(x: Tensor, axis: number): Tensor {
  return lax.sub(x, lax.stopGradient(lax.max(x, [axis], true)));
}

/** log(softmax(x)) = s - log(sum(exp(s))) for s = x - max(x): finite for any finite logits. */
function logSoftmax(x: Tensor, axis: number): Tensor {
  const s = shifted(x, axis);
  return lax.sub(s, lax.log(lax.sum(lax.exp(s), [axis], true)));
}

// ---- losses ----------------------------------------------------------------

export interface BinaryCrossentropyOptions {
  from_logits?: boolean;
}
export interface CrossentropyOptions {
  from_logits?: boolean;
  axis?: number;
}

/**
 * Element-wise binary crossentropy between a target and an output. With
 * probabilities (the default), the output is clipped to `[epsilon, 1 - epsilon]`
 * and `-(target log(p + epsilon) + (1 - target) log(1 - p + epsilon))` is
 * returned, as Keras does (`epsilon` is K.epsilon()). With `from_logits`, the
 * stable form of tf.nn.sigmoid_cross_entropy_with_logits is used. For a
 * symbolic output made by K.sigmoid the loss uses its logits, as Keras's graph
 * mode does.
 *
 * @param target  a tensor-like of the shape of `output` (plain values take its dtype).
 * @param output  a float tensor-like: probabilities, or logits with `from_logits`.
 * @param from_logits  whether `output` holds logits (default false). Also `options.from_logits`.
 * @returns a tensor of the broadcast shape of `target` and `output`.
 * @throws K.ValueError when the shapes do not broadcast (with logits: are not equal).
 * @throws K.TypeError when `target` has another dtype than `output`, or `output` is not float.
 * @example
 * ```ts
 * const target = K.constant([1, 0]);
 * K.eval(K.binary_crossentropy(target, K.constant([0.9, 0.2]))); // [0.10536041, 0.22314338]
 * K.eval(K.binary_crossentropy(target, K.constant([0, 0]), true)); // [0.6931472, 0.6931472]
 * ```
 */
export function binary_crossentropy(
  target: TensorLike,
  output: TensorLike,
  from_logits?: boolean | BinaryCrossentropyOptions
): Tensor {
  const fn = 'binary_crossentropy';
  return keras(fn, () => {
    const o = options<BinaryCrossentropyOptions>(fn, ['from_logits'], [from_logits]);
    let logits = flag(fn, o.from_logits, 'from_logits');
    let out = floatInput(fn, output, 'output');
    const z = sameDType(fn, target, out);
    // Graph mode: the loss uses the logits of a sigmoid output instead of clipping.
    if (!logits && out.isSymbolic && out.node?.prim === 'sigmoid') {
      out = out.node.inputs[0]!;
      logits = true;
    }
    if (logits) {
      if (!compatible(z.shape, out.shape)) {
        throw valueError(
          fn,
          `logits and labels must have the same shape: target ${fmtShape(z.shape)} vs output ${fmtShape(out.shape)}`
        );
      }
      return sigmoidCrossentropy(z, out);
    }
    if (!broadcastable(z.shape, out.shape)) {
      throw valueError(
        fn,
        `target of shape ${fmtShape(z.shape)} does not broadcast with output of shape ${fmtShape(out.shape)}`
      );
    }
    const c = (v: number) => lax.scalar(v, out.dtype);
    const eps = fuzzFactor();
    const p = lax.clipByValue(out, c(eps), c(oneMinus(eps, out.dtype)));
    const one = c(1);
    const pos = lax.mul(z, lax.log(lax.add(p, c(eps))));
    const neg = lax.mul(lax.sub(one, z), lax.log(lax.add(lax.sub(one, p), c(eps))));
    return lax.neg(lax.add(pos, neg));
  });
}

/**
 * tf.nn.sigmoid_cross_entropy_with_logits: relu(x) - x z + log1p(exp(-|x|)),
 * with relu and -|x| as TF's selects on x >= 0 (so the slope at x = 0 is
 * sigmoid(0) - z). log1p(exp(u)) for u <= 0 is what the softplus primitive computes.
 */
function sigmoidCrossentropy(z: Tensor, x: Tensor): Tensor {
  const zero = lax.scalar(0, x.dtype);
  const cond = lax.greaterEqual(x, zero);
  const relu = lax.where(cond, x, zero);
  const negAbs = lax.where(cond, lax.neg(x), x);
  return lax.add(lax.sub(relu, lax.mul(x, z)), lax.softplus(negAbs));
}

/**
 * Categorical crossentropy between a one-hot (or soft) target and an output, summed
 * along `axis`. With probabilities (the default) the output is rescaled to sum
 * to 1 along `axis` and clipped to `[epsilon, 1 - epsilon]` before the log, as
 * Keras does; with `from_logits` a log-softmax with the maximum subtracted is
 * used (tf.nn.softmax_cross_entropy_with_logits). For a symbolic output made by
 * K.softmax the loss uses its logits, as Keras's graph mode does.
 *
 * @param target  a tensor-like of the shape of `output` (plain values take its dtype).
 * @param output  a float tensor-like: probabilities, or logits with `from_logits`.
 * @param from_logits  whether `output` holds logits (default false). Also `options.from_logits`.
 * @param axis  the class axis (default -1, the last). Also `options.axis`.
 * @returns a tensor of the shape of `output` without `axis`.
 * @throws K.ValueError when `target` and `output` differ in shape, or `axis` is out of range.
 * @throws K.TypeError when `target` has another dtype than `output`, or `output` is not float.
 * @example
 * ```ts
 * const a = K.constant([1, 0, 0, 0, 1, 0, 0, 0, 1], null, [3, 3]);
 * const b = K.constant([0.9, 0.05, 0.05, 0.05, 0.89, 0.06, 0.05, 0.01, 0.94], null, [3, 3]);
 * K.eval(K.categorical_crossentropy(a, b)); // [0.10536, 0.11653, 0.06188]
 * K.eval(K.categorical_crossentropy(a, K.zeros([3, 3]), true)); // [1.0986123, 1.0986123, 1.0986123]
 * ```
 */
export function categorical_crossentropy(
  target: TensorLike,
  output: TensorLike,
  from_logits?: boolean | CrossentropyOptions,
  axis?: number | CrossentropyOptions
): Tensor {
  const fn = 'categorical_crossentropy';
  return keras(fn, () => {
    const o = options<CrossentropyOptions>(fn, ['from_logits', 'axis'], [from_logits, axis]);
    const logits = flag(fn, o.from_logits, 'from_logits');
    const out = floatInput(fn, output, 'output');
    const z = sameDType(fn, target, out);
    if (!compatible(z.shape, out.shape)) {
      throw valueError(
        fn,
        `target of shape ${fmtShape(z.shape)} and output of shape ${fmtShape(out.shape)} must have the same shape`
      );
    }
    const a = axisOf(fn, o.axis ?? -1, out, 'output');
    const cached = logits ? undefined : softmaxLogits(out);
    if (logits || cached !== undefined) {
      // -sum(z log_softmax(x)): its gradient is exactly softmax(x) sum(z) - z,
      // which is TF's kernel gradient softmax(x) - z whenever z sums to 1.
      return lax.neg(lax.sum(lax.mul(z, logSoftmax(cached ?? out, a)), [a]));
    }
    const c = (v: number) => lax.scalar(v, out.dtype);
    const eps = fuzzFactor();
    const scaled = lax.div(out, lax.sum(out, [a], true));
    const p = lax.clipByValue(scaled, c(eps), c(oneMinus(eps, out.dtype)));
    return lax.neg(lax.sum(lax.mul(z, lax.log(p)), [a]));
  });
}

/**
 * Categorical crossentropy with integer class labels: the loss of `output` at the
 * class each label names. The labels have the shape of `output` without its
 * class axis; a target of another rank is flattened and must hold one label
 * per row, as Keras's reshape does. Probabilities are clipped as in
 * K.categorical_crossentropy; with `from_logits` a log-softmax is used. Labels
 * outside `[0, classes)` are a K.ValueError (TensorFlow's cpu kernel); for
 * symbolic labels, known only when K.function runs, their loss is NaN
 * (TensorFlow's gpu kernel).
 *
 * @param target  integer labels (any numeric dtype; truncated toward zero).
 * @param output  a float tensor-like with a class axis: probabilities, or logits with `from_logits`.
 * @param from_logits  whether `output` holds logits (default false). Also `options.from_logits`.
 * @param axis  the class axis of `output` (default -1, the last). Also `options.axis`.
 * @returns a tensor of the shape of `output` without `axis`.
 * @throws K.ValueError when the shapes do not fit, `axis` is out of range, or a label is out of range.
 * @throws K.TypeError when `output` is not float, or an option has the wrong type.
 * @example
 * ```ts
 * const output = K.constant([[0.9, 0.05, 0.05], [0.05, 0.01, 0.94]]);
 * K.eval(K.sparse_categorical_crossentropy([0, 2], output)); // [0.10536, 0.06188]
 * K.eval(K.sparse_categorical_crossentropy([1], K.zeros([1, 4]), true)); // [1.3862944]
 * ```
 */
export function sparse_categorical_crossentropy(
  target: TensorLike,
  output: TensorLike,
  from_logits?: boolean | CrossentropyOptions,
  axis?: number | CrossentropyOptions
): Tensor {
  const fn = 'sparse_categorical_crossentropy';
  return keras(fn, () => {
    const o = options<CrossentropyOptions>(fn, ['from_logits', 'axis'], [from_logits, axis]);
    const fromLogits = flag(fn, o.from_logits, 'from_logits');
    const out = floatInput(fn, output, 'output');
    if (out.rank === 0) throw valueError(fn, 'output must have a class axis; got a scalar of shape ()');
    const a = axisOf(fn, o.axis ?? -1, out, 'output');
    const labels = toTensor(fn, target, 'target');
    const classes = out.shape[a]!;
    if (classes === UNKNOWN)
      throw valueError(fn, `the class axis ${a} of output of shape ${fmtShape(out.shape)} must have a known size`);
    const rest = out.shape.filter((_, i) => i !== a);
    const flatten = labels.rank !== out.rank - 1;
    if (!flatten && !compatible(labels.shape, rest)) {
      throw valueError(
        fn,
        `target of shape ${fmtShape(labels.shape)} must have the shape of output ${fmtShape(out.shape)} ` +
          `without its class axis ${a}: ${fmtShape(rest)}`
      );
    }
    if (flatten && isKnownShape(labels.shape) && isKnownShape(rest) && sizeOf(labels.shape) !== sizeOf(rest)) {
      throw valueError(
        fn,
        `target of shape ${fmtShape(labels.shape)} holds ${sizeOf(labels.shape)} labels, but output of shape ` +
          `${fmtShape(out.shape)} has ${sizeOf(rest)} rows along class axis ${a}`
      );
    }
    if (!labels.isSymbolic) checkLabels(fn, labels, classes, out.shape);

    let logits: Tensor;
    const cached = fromLogits ? undefined : softmaxLogits(out);
    if (fromLogits) logits = out;
    else if (cached !== undefined) logits = cached;
    else {
      // Clipped log-probabilities, then treated as logits (so renormalised), as the source does.
      const eps = fuzzFactor();
      logits = lax.log(
        lax.clipByValue(out, lax.scalar(eps, out.dtype), lax.scalar(oneMinus(eps, out.dtype), out.dtype))
      );
    }

    const ids = lax.reshape(lax.cast(labels, 'int64'), withAxis(rest, a, 1));
    const oneHot = lax.equal(ids, aranged(classes, a, out.rank, 'int64'));
    const zero = lax.scalar(0, out.dtype);
    let loss = lax.neg(lax.sum(lax.where(oneHot, logSoftmax(logits, a), zero), [a]));
    if (labels.isSymbolic) {
      const hits = lax.sum(lax.cast(oneHot, out.dtype), [a]);
      loss = lax.where(lax.equal(hits, lax.scalar(1, out.dtype)), loss, lax.scalar(NaN, out.dtype));
    }
    // The source reshapes a flattened result back only for outputs of rank >= 3.
    return flatten && out.rank === 1 ? lax.reshape(loss, [1]) : loss;
  });
}

/** Eager labels: each, truncated toward zero as tf.cast does, in [0, classes). */
function checkLabels(fn: string, labels: Tensor, classes: number, outShape: readonly number[]): void {
  const h = labels.host();
  const bad = (v: number) => Number.isNaN(v) || Math.trunc(v) < 0 || Math.trunc(v) >= classes;
  const walk = (dim: number, off: number): number | null => {
    if (dim === h.shape.length) {
      const v = Number(h.data[off]);
      return bad(v) ? v : null;
    }
    for (let i = 0; i < h.shape[dim]!; i++) {
      const found = walk(dim + 1, off + i * h.stride[dim]!);
      if (found !== null) return found;
    }
    return null;
  };
  const v = walk(0, h.offset);
  if (v !== null) {
    throw valueError(
      fn,
      `target holds a label value of ${v}, which is outside the valid range of [0, ${classes}) ` +
        `for output of shape ${fmtShape(outShape)}`
    );
  }
}

// ---- l2_normalize, in_top_k ------------------------------------------------

export interface L2NormalizeOptions {
  axis?: number | number[] | null;
}

/**
 * `x` divided by its L2 norm along `axis`: `x / sqrt(max(sum(x^2, axis), 1e-12))`
 * (tf.linalg.l2_normalize), so an all-zero slice stays zero.
 *
 * @param x  a float tensor-like.
 * @param axis  an axis or list of axes to normalise over; null or omitted: every axis. Also `options.axis`.
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.ValueError when an axis is out of range or named twice.
 * @throws K.TypeError when `x` is not float, or an axis is not an integer.
 * @example
 * ```ts
 * K.eval(K.l2_normalize(K.constant([3, 4]))); // [0.6, 0.8]
 * K.eval(K.l2_normalize(K.constant([[3, 4], [0, 0]]), 1)); // [[0.6, 0.8], [0, 0]]
 * ```
 */
export function l2_normalize(x: TensorLike, axis?: number | number[] | null | L2NormalizeOptions): Tensor {
  const fn = 'l2_normalize';
  return keras(fn, () => {
    const o = options<L2NormalizeOptions>(fn, ['axis'], [axis]);
    const t = floatInput(fn, x);
    const axes = axesOf(fn, o.axis, t);
    const squares = lax.sum(lax.mul(t, t), axes, true);
    return lax.mul(t, rsqrt(lax.maximum(squares, lax.scalar(1e-12, t.dtype))));
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
  return keras(fn, () => {
    const p = floatInput(fn, predictions, 'predictions');
    const t = targets instanceof Tensor ? targets : toTensor(fn, targets, 'targets', 'int32');
    if (t.dtype !== 'int32' && t.dtype !== 'int64') {
      throw typeError(fn, `targets must be int32 or int64; got ${t.dtype} of shape ${fmtShape(t.shape)}`);
    }
    if (typeof k !== 'number' || !Number.isInteger(k))
      throw typeError(fn, `k must be an integer; got ${JSON.stringify(k)}`);
    if (p.rank !== 2) throw valueError(fn, `predictions must be 2-D (batch, classes); got shape ${fmtShape(p.shape)}`);
    if (t.rank !== 1) throw valueError(fn, `targets must be 1-D (batch,); got shape ${fmtShape(t.shape)}`);
    const [batch, classes] = p.shape as [number, number];
    if (classes === UNKNOWN)
      throw valueError(fn, `predictions of shape ${fmtShape(p.shape)} must have a known number of classes`);
    if (!compatible([batch], t.shape)) {
      throw valueError(
        fn,
        `predictions of shape ${fmtShape(p.shape)} and targets of shape ${fmtShape(t.shape)} must have the same batch size`
      );
    }
    const hit = lax.equal(lax.reshape(t, [t.shape[0]!, 1]), aranged(classes, 1, 2, t.dtype));
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

// ---- bias_add ----------------------------------------------------------------

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
  return keras(fn, () => {
    const o = options<BiasAddOptions>(fn, ['data_format'], [data_format]);
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

// ---- batch normalisation ---------------------------------------------------------

export interface BatchNormalizationOptions {
  axis?: number;
  epsilon?: number;
}

// tf.compat.v1.nn.fused_batch_norm raises any smaller epsilon to this (cuDNN's minimum).
const FUSED_MIN_EPSILON = 1.001e-5;

/**
 * Normalises `x` with a given mean and variance:
 * `(x - mean) / sqrt(var + epsilon) * gamma + beta`. This follows Keras's
 * source, not its docstring (which has `sqrt(var) + epsilon`). `beta` and `gamma`
 * may be null. For 4-D `x` the source takes the fused op: the parameters hold
 * one value per channel (axis 1 or 3; any other axis means the last, the fused
 * op's default format) and epsilon is raised to at least 1.001e-5. For other
 * ranks the parameters broadcast against `x`, and `axis` is not used.
 *
 * @param x  a float tensor-like.
 * @param mean  the mean (broadcasts against `x`, or one value per channel for 4-D `x`).
 * @param variance  the variance, shaped as `mean`.
 * @param beta  the offset, or null for none.
 * @param gamma  the scale, or null for none.
 * @param axis  the channel axis (default -1); used for 4-D `x` only. Also `options.axis`.
 * @param epsilon  added to the variance (default 1e-3). Also `options.epsilon`.
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.ValueError when a parameter does not broadcast against `x` (or does not hold one value per channel), or `axis` is out of range.
 * @throws K.TypeError when a parameter has another dtype than `x`, `mean` or `variance` is missing, or `epsilon` is not a finite number.
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [3, 4]]);
 * const y = K.batch_normalization(x, K.constant([2, 3]), K.constant([1, 1]), null, null, { epsilon: 0 });
 * K.eval(y); // [[-1, -1], [1, 1]]
 * K.eval(K.batch_normalization(x, 2, 4, 10, 2, -1, 0)); // [[9, 10], [11, 12]]
 * ```
 */
export function batch_normalization(
  x: TensorLike,
  mean: TensorLike,
  variance: TensorLike,
  beta: TensorLike | null,
  gamma: TensorLike | null,
  axis?: number | BatchNormalizationOptions,
  epsilon?: number | BatchNormalizationOptions
): Tensor {
  const fn = 'batch_normalization';
  return keras(fn, () => {
    const o = options<BatchNormalizationOptions>(fn, ['axis', 'epsilon'], [axis, epsilon]);
    const t = floatInput(fn, x);
    const rawAxis = o.axis ?? -1;
    axisOf(fn, rawAxis, t, 'x');
    const eps = epsilonArg(fn, o.epsilon ?? 1e-3);
    const m = param(fn, mean, t, 'mean')!;
    const v = param(fn, variance, t, 'var')!;
    const b = param(fn, beta, t, 'beta');
    const g = param(fn, gamma, t, 'gamma');
    if (t.rank === 4) {
      const first = rawAxis === 1 || rawAxis === -3;
      const last = rawAxis === 3 || rawAxis === -1;
      const c = first ? 1 : 3;
      const channels = t.shape[c]!;
      const perChannel = (p: Tensor | null, arg: string): Tensor | null => {
        if (p === null) return null;
        if (!first && !last && p.rank !== 1) {
          throw valueError(
            fn,
            `${arg} must be 1-D for 4-D x with axis ${rawAxis} (the fused op's channels_last format); ` +
              `got ${arg} of shape ${fmtShape(p.shape)}`
          );
        }
        if (channels !== UNKNOWN && isKnownShape(p.shape) && sizeOf(p.shape) !== channels) {
          throw valueError(
            fn,
            `${arg} of shape ${fmtShape(p.shape)} must hold one value per channel: ${channels} ` +
              `along axis ${c} of x of shape ${fmtShape(t.shape)}`
          );
        }
        return lax.reshape(p, first ? [1, channels, 1, 1] : [channels]);
      };
      return fusedNormalize(
        t,
        perChannel(m, 'mean')!,
        perChannel(v, 'var')!,
        perChannel(b, 'beta'),
        perChannel(g, 'gamma'),
        Math.max(eps, FUSED_MIN_EPSILON)
      );
    }
    for (const [p, arg] of [
      [m, 'mean'],
      [v, 'var'],
      [b, 'beta'],
      [g, 'gamma'],
    ] as const) {
      if (p !== null && !broadcastable(p.shape, t.shape)) {
        throw valueError(
          fn,
          `${arg} of shape ${fmtShape(p.shape)} does not broadcast with x of shape ${fmtShape(t.shape)}`
        );
      }
    }
    return normalize(t, m, v, b, g, eps);
  });
}

/**
 * Normalises `x` with the mean and variance of the batch over `reduction_axes`,
 * then scales by `gamma` and shifts by `beta`; returns `[normed, mean, variance]`
 * (mean and variance without the reduced axes). As Keras's source on a machine
 * without NCHW support: 4-D `x` reduced over exactly `[0, 1, 2]` takes the fused
 * op (epsilon at least 1.001e-5, and the variance it returns is unbiased,
 * times `n / (n - 1)`); axes that are all but the last normalise with
 * broadcasting parameters; any other axes reshape `gamma` and `beta` to the
 * shape of `x` with the reduced axes set to 1.
 *
 * @param x  a float tensor-like.
 * @param gamma  the scale, or null for none.
 * @param beta  the offset, or null for none.
 * @param reduction_axes  the axes to reduce (negative counts from the end), each at most once.
 * @param epsilon  added to the variance (default 1e-3).
 * @returns `[normed, mean, variance]`: the normalised `x` and the batch statistics.
 * @throws K.ValueError when an axis is out of range or repeated, or `gamma`/`beta` does not fit.
 * @throws K.TypeError when `x` is not float, `reduction_axes` is not a list of integers, a parameter has another dtype, or `epsilon` is not finite.
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [3, 6]]);
 * const [normed, mean, variance] = K.normalize_batch_in_training(x, null, null, [0], 0);
 * K.eval(mean); // [2, 4]
 * K.eval(variance); // [1, 4]
 * K.eval(normed); // [[-1, -1], [1, 1]]
 * ```
 */
export function normalize_batch_in_training(
  x: TensorLike,
  gamma: TensorLike | null,
  beta: TensorLike | null,
  reduction_axes: readonly number[],
  epsilon?: number
): [Tensor, Tensor, Tensor] {
  const fn = 'normalize_batch_in_training';
  return keras(fn, () => {
    const t = floatInput(fn, x);
    const axes = reductionAxes(fn, reduction_axes, t);
    const eps = epsilonArg(fn, epsilon ?? 1e-3);
    const g = param(fn, gamma, t, 'gamma');
    const b = param(fn, beta, t, 'beta');
    const sorted = [...axes].sort((p, q) => p - q);
    const kept = reducedShape(t.shape, sorted, true);
    const squeezed = reducedShape(t.shape, sorted, false);
    const meanKeep = reduceMean(t, sorted, true);
    const d = lax.sub(t, meanKeep);
    // tf.nn.moments stops the gradient at the mean inside the variance; that
    // changes no first derivative but loses a second-order term, so it is left out.
    const varKeep = reduceMean(lax.mul(d, d), sorted, true);
    const mean = lax.reshape(meanKeep, squeezed);
    const variance = lax.reshape(varKeep, squeezed);

    if (t.rank === 4 && sameShape(axes, [0, 1, 2])) {
      const channels = t.shape[3]!;
      for (const [p, arg] of [
        [g, 'gamma'],
        [b, 'beta'],
      ] as const) {
        if (p !== null && !compatible(p.shape, [channels])) {
          throw valueError(
            fn,
            `${arg} must be 1-D with one value per channel for the fused op: shape ${fmtShape([channels])} ` +
              `for x of shape ${fmtShape(t.shape)}; got ${fmtShape(p.shape)}`
          );
        }
      }
      const normed = fusedNormalize(t, mean, variance, b, g, Math.max(eps, FUSED_MIN_EPSILON));
      // The fused kernel returns the unbiased variance (n / max(n - 1, 1)).
      return [normed, mean, lax.mul(variance, besselFactor(t, sorted))];
    }
    if (sameShape(sorted, range(t.rank - 1))) {
      for (const [p, arg] of [
        [g, 'gamma'],
        [b, 'beta'],
      ] as const) {
        if (p !== null && !broadcastable(p.shape, t.shape)) {
          throw valueError(
            fn,
            `${arg} of shape ${fmtShape(p.shape)} does not broadcast with x of shape ${fmtShape(t.shape)}`
          );
        }
      }
      return [normalize(t, mean, variance, b, g, eps), mean, variance];
    }
    const toKept = (p: Tensor | null, arg: string): Tensor | null => {
      if (p === null) return null;
      if (isKnownShape(p.shape) && isKnownShape(kept) && sizeOf(p.shape) !== sizeOf(kept)) {
        throw valueError(
          fn,
          `${arg} of shape ${fmtShape(p.shape)} cannot be reshaped to ${fmtShape(kept)} ` +
            `(x of shape ${fmtShape(t.shape)} with axes ${JSON.stringify(axes)} set to 1)`
        );
      }
      return lax.reshape(p, kept);
    };
    return [normalize(t, meanKeep, varKeep, toKept(b, 'beta'), toKept(g, 'gamma'), eps), mean, variance];
  });
}

/** n / max(n - 1, 1) for the n values reduced over `axes`; counted at run time when a dim is unknown. */
function besselFactor(x: Tensor, axes: readonly number[]): Tensor {
  if (axes.every((i) => x.shape[i] !== UNKNOWN)) {
    const n = axes.reduce((acc, i) => acc * x.shape[i]!, 1);
    return lax.scalar(n > 1 ? n / (n - 1) : 1, x.dtype);
  }
  // where(c, 1, 1): ones shaped like x, with no gradient whatever x holds.
  const one = lax.scalar(1, x.dtype);
  const n = lax.sum(lax.where(lax.equal(x, x), one, one), [...axes], false);
  return lax.div(n, lax.maximum(lax.sub(n, one), one));
}

/** tf.nn.batch_normalization: x inv + (beta - mean inv) for inv = gamma / sqrt(var + epsilon). */
function normalize(
  x: Tensor,
  mean: Tensor,
  variance: Tensor,
  beta: Tensor | null,
  gamma: Tensor | null,
  eps: number
): Tensor {
  let inv = rsqrt(lax.add(variance, lax.scalar(eps, x.dtype)));
  if (gamma !== null) inv = lax.mul(inv, gamma);
  const shift = lax.mul(mean, inv);
  return lax.add(lax.mul(x, inv), beta === null ? lax.neg(shift) : lax.sub(beta, shift));
}

/** The fused kernel's order: (x - mean) (gamma / sqrt(var + epsilon)) + beta. */
function fusedNormalize(
  x: Tensor,
  mean: Tensor,
  variance: Tensor,
  beta: Tensor | null,
  gamma: Tensor | null,
  eps: number
): Tensor {
  let scale = rsqrt(lax.add(variance, lax.scalar(eps, x.dtype)));
  if (gamma !== null) scale = lax.mul(scale, gamma);
  const y = lax.mul(lax.sub(x, mean), scale);
  return beta === null ? y : lax.add(y, beta);
}

// ---- helpers ---------------------------------------------------------------

function rsqrt(x: Tensor): Tensor {
  return lax.div(lax.scalar(1, x.dtype), lax.sqrt(x));
}

/** 1 - epsilon computed in `dtype`, as the source's `1. - epsilon_` on a tensor. */
function oneMinus(eps: number, dtype: DType): number {
  return dtype === 'float32' ? Math.fround(1 - Math.fround(eps)) : 1 - eps;
}

/** A constant 0..n-1 laid along `axis` of a rank-`rank` shape of ones. */
function aranged(n: number, axis: number, rank: number, dtype: DType): Tensor {
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = i;
  const shape = new Array<number>(rank).fill(1);
  shape[axis] = n;
  return hostTensor(data, shape, dtype);
}

/** `shape` with `size` inserted at `axis`. */
function withAxis(shape: readonly number[], axis: number, size: number): number[] {
  return [...shape.slice(0, axis), size, ...shape.slice(axis)];
}

function axisOf(fn: string, axis: unknown, t: Tensor, arg: string): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis))
    throw typeError(fn, `axis must be an integer; got ${JSON.stringify(axis)}`);
  if (axis < -t.rank || axis >= t.rank) {
    throw valueError(fn, `axis ${axis} is out of range for ${arg} of shape ${fmtShape(t.shape)} (rank ${t.rank})`);
  }
  return axis < 0 ? axis + t.rank : axis;
}

/** null = every axis; an int or a list of ints, each at most once; sorted. */
function axesOf(fn: string, axis: unknown, t: Tensor): number[] {
  if (axis === null || axis === undefined) return range(t.rank);
  const list: unknown[] = Array.isArray(axis) ? axis : [axis];
  const out = list.map((a) => axisOf(fn, a, t, 'x'));
  if (new Set(out).size !== out.length)
    throw valueError(fn, `axis ${JSON.stringify(axis)} names an axis of x of shape ${fmtShape(t.shape)} twice`);
  return out.sort((p, q) => p - q);
}

/** reduction_axes: a list of ints (negative from the end), each at most once, in the given order. */
function reductionAxes(fn: string, axes: unknown, t: Tensor): number[] {
  if (!Array.isArray(axes))
    throw typeError(fn, `reduction_axes must be a list of integers; got ${JSON.stringify(axes)}`);
  const out = axes.map((a: unknown) => {
    if (typeof a !== 'number' || !Number.isInteger(a))
      throw typeError(fn, `reduction_axes must be a list of integers; got ${JSON.stringify(axes)}`);
    if (a < -t.rank || a >= t.rank) {
      throw valueError(
        fn,
        `reduction_axes ${JSON.stringify(axes)} has ${a}, out of range for x of shape ${fmtShape(t.shape)} (rank ${t.rank})`
      );
    }
    return a < 0 ? a + t.rank : a;
  });
  if (new Set(out).size !== out.length) {
    throw valueError(
      fn,
      `reduction_axes ${JSON.stringify(axes)} names an axis of x of shape ${fmtShape(t.shape)} twice`
    );
  }
  return out;
}

function epsilonArg(fn: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw typeError(fn, `epsilon must be a finite number; got ${JSON.stringify(v)}`);
  return v;
}

/** The target of a loss: plain values take output's dtype; a tensor must have it. */
function sameDType(fn: string, target: TensorLike, out: Tensor): Tensor {
  const z = toTensorLike(fn, target, out, 'target');
  if (z.dtype !== out.dtype) {
    throw typeError(
      fn,
      `target has dtype ${z.dtype} ${fmtShape(z.shape)}, but output has dtype ${out.dtype} ${fmtShape(out.shape)}`
    );
  }
  return z;
}

/** A parameter of a normalisation: null stays null; plain values take x's dtype; a tensor must have it. */
function param(fn: string, p: TensorLike | null | undefined, x: Tensor, arg: string): Tensor | null {
  if (p === null || p === undefined) {
    if (arg === 'mean' || arg === 'var') throw typeError(fn, `${arg} is required; got ${String(p)}`);
    return null;
  }
  const t = toTensorLike(fn, p, x, arg);
  if (t.dtype !== x.dtype)
    throw typeError(
      fn,
      `${arg} has dtype ${t.dtype} ${fmtShape(t.shape)}, but x has dtype ${x.dtype} ${fmtShape(x.shape)}`
    );
  return t;
}

function isKnownShape(s: readonly number[]): boolean {
  return s.every((d) => d !== UNKNOWN);
}
