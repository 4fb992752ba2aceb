// The three crossentropies, as the seed's TF source computes them: from logits
// with stable formulas, from probabilities clipped to [epsilon, 1 - epsilon];
// in graph mode a softmax or sigmoid output's logits are used instead.
import { axisOf, flag, options } from '../core/args.js';
import { epsilon as fuzzFactor } from '../core/config.js';
import { fmtShape, keras, typeError, valueError, runningName } from '../core/context.js';
import { toTensor, toTensorLike, type TensorLike } from '../core/convert.js';
import type { DType } from '../core/dtype.js';
import { sizeOf, compatible, broadcastable, isKnown, withAxis } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import { toFloatTensor as floatInput } from '../core/convert.js';
import { logSoftmax, softmaxLogits } from './log_softmax.js';

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
  return keras(binary_crossentropy, () => {
    const o = options<BinaryCrossentropyOptions>(['from_logits'], [from_logits]);
    let logits = flag(o.from_logits, 'from_logits');
    let out = floatInput(fn, output, 'output');
    const z = sameDType(target, out);
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
  return keras(categorical_crossentropy, () => {
    const o = options<CrossentropyOptions>(['from_logits', 'axis'], [from_logits, axis]);
    const logits = flag(o.from_logits, 'from_logits');
    const out = floatInput(fn, output, 'output');
    const z = sameDType(target, out);
    if (!compatible(z.shape, out.shape)) {
      throw valueError(
        fn,
        `target of shape ${fmtShape(z.shape)} and output of shape ${fmtShape(out.shape)} must have the same shape`
      );
    }
    const a = axisOf(o.axis ?? -1, out, 'output');
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
  return keras(sparse_categorical_crossentropy, () => {
    const o = options<CrossentropyOptions>(['from_logits', 'axis'], [from_logits, axis]);
    const fromLogits = flag(o.from_logits, 'from_logits');
    const out = floatInput(fn, output, 'output');
    if (out.rank === 0) throw valueError(fn, 'output must have a class axis; got a scalar of shape ()');
    const a = axisOf(o.axis ?? -1, out, 'output');
    const labels = toTensor(fn, target, 'target');
    // An unknown number of classes is counted when the graph runs; eager labels are checked now.
    const classes = out.shape[a]!;
    const rest = out.shape.filter((_, i) => i !== a);
    const flatten = labels.rank !== out.rank - 1;
    if (!flatten && !compatible(labels.shape, rest)) {
      throw valueError(
        fn,
        `target of shape ${fmtShape(labels.shape)} must have the shape of output ${fmtShape(out.shape)} ` +
          `without its class axis ${a}: ${fmtShape(rest)}`
      );
    }
    if (flatten && isKnown(labels.shape) && isKnown(rest) && sizeOf(labels.shape) !== sizeOf(rest)) {
      throw valueError(
        fn,
        `target of shape ${fmtShape(labels.shape)} holds ${sizeOf(labels.shape)} labels, but output of shape ` +
          `${fmtShape(out.shape)} has ${sizeOf(rest)} rows along class axis ${a}`
      );
    }
    if (!labels.isSymbolic) checkLabels(labels, classes, out.shape);

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
    const oneHot = lax.equal(ids, lax.indicesAlong(out, a, 'int64'));
    const zero = lax.scalar(0, out.dtype);
    let loss = lax.neg(lax.sum(lax.where(oneHot, logSoftmax(logits, a), zero), [a]));
    if (labels.isSymbolic || classes < 0) {
      // A label out of range (known only when the graph runs) gives NaN, as TF's gpu kernel does.
      const hits = lax.sum(lax.cast(oneHot, out.dtype), [a]);
      loss = lax.where(lax.equal(hits, lax.scalar(1, out.dtype)), loss, lax.scalar(NaN, out.dtype));
    }
    // The source reshapes a flattened result back only for outputs of rank >= 3.
    return flatten && out.rank === 1 ? lax.reshape(loss, [1]) : loss;
  });
}

/** Eager labels: each, truncated toward zero as tf.cast does, in [0, classes). */
function checkLabels(labels: Tensor, classes: number, outShape: readonly number[]): void {
  const h = labels.host();
  const bad = (v: number) => Number.isNaN(v) || Math.trunc(v) < 0 || (classes >= 0 && Math.trunc(v) >= classes);
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
      runningName(),
      `target holds a label value of ${v}, which is outside the valid range of [0, ${classes}) ` +
        `for output of shape ${fmtShape(outShape)}`
    );
  }
}

/** 1 - epsilon computed in `dtype`, as the source's `1. - epsilon_` on a tensor. */
function oneMinus(eps: number, dtype: DType): number {
  return dtype === 'float32' ? Math.fround(1 - Math.fround(eps)) : 1 - eps;
}

/** The target of a loss: plain values take output's dtype; a tensor must have it. */
function sameDType(target: TensorLike, out: Tensor): Tensor {
  const z = toTensorLike(runningName(), target, out, 'target');
  if (z.dtype !== out.dtype) {
    throw typeError(
      runningName(),
      `target has dtype ${z.dtype} ${fmtShape(z.shape)}, but output has dtype ${out.dtype} ${fmtShape(out.shape)}`
    );
  }
  return z;
}
