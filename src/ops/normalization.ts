// Normalisation: l2_normalize, batch_normalization (the source's
// sqrt(var + eps), fused where TF fuses) and normalize_batch_in_training.
import { axesOf, axisOf, options } from '../core/args.js';
import { fmtShape, keras, typeError, valueError, runningName, showRaw } from '../core/context.js';
import { showValue, toTensorLike, type TensorLike } from '../core/convert.js';
import { range, reducedShape, sameShape, sizeOf, UNKNOWN, compatible, broadcastable, isKnown } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import { toFloatTensor as floatInput } from '../core/convert.js';
import { mean as reduceMean } from './reduce.js';

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
  return keras(l2_normalize, () => {
    const o = options<L2NormalizeOptions>(['axis'], [axis]);
    const t = floatInput(fn, x);
    const axes = axesOf(o.axis, t);
    const squares = lax.sum(lax.mul(t, t), axes, true);
    return lax.mul(t, rsqrt(lax.maximum(squares, lax.scalar(1e-12, t.dtype))));
  });
}

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
  return keras(batch_normalization, () => {
    const o = options<BatchNormalizationOptions>(['axis', 'epsilon'], [axis, epsilon]);
    const t = floatInput(fn, x);
    const rawAxis = o.axis ?? -1;
    axisOf(rawAxis, t, 'x');
    const eps = epsilonArg(o.epsilon ?? 1e-3);
    const m = param(mean, t, 'mean')!;
    const v = param(variance, t, 'var')!;
    const b = param(beta, t, 'beta');
    const g = param(gamma, t, 'gamma');
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
        if (channels !== UNKNOWN && isKnown(p.shape) && sizeOf(p.shape) !== channels) {
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
  return keras(normalize_batch_in_training, () => {
    const t = floatInput(fn, x);
    const axes = reductionAxes(reduction_axes, t);
    const eps = epsilonArg(epsilon ?? 1e-3);
    const g = param(gamma, t, 'gamma');
    const b = param(beta, t, 'beta');
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
      if (isKnown(p.shape) && isKnown(kept) && sizeOf(p.shape) !== sizeOf(kept)) {
        throw valueError(
          fn,
          `${arg} of shape ${fmtShape(p.shape)} cannot be reshaped to ${fmtShape(kept)} ` +
            `(x of shape ${fmtShape(t.shape)} with axes ${showValue(axes)} set to 1)`
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

function rsqrt(x: Tensor): Tensor {
  return lax.div(lax.scalar(1, x.dtype), lax.sqrt(x));
}

/** reduction_axes: a list of ints (negative from the end), each at most once, in the given order. */
function reductionAxes(axes: unknown, t: Tensor): number[] {
  if (!Array.isArray(axes))
    throw typeError(runningName(), `reduction_axes must be a list of integers; got ${showValue(axes)}`);
  const out = axes.map((a: unknown) => {
    if (typeof a !== 'number' || !Number.isSafeInteger(a))
      throw typeError(runningName(), `reduction_axes must be a list of integers; got ${showValue(axes)}`);
    if (a < -t.rank || a >= t.rank) {
      throw valueError(
        runningName(),
        `reduction_axes ${showValue(axes)} has ${a}, out of range for x of shape ${fmtShape(t.shape)} (rank ${t.rank})`
      );
    }
    return a < 0 ? a + t.rank : a;
  });
  if (new Set(out).size !== out.length) {
    throw valueError(
      runningName(),
      `reduction_axes ${showValue(axes)} names an axis of x of shape ${fmtShape(t.shape)} twice`
    );
  }
  return out;
}

function epsilonArg(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw typeError(runningName(), `epsilon must be a finite number; got ${showRaw(v)}`);
  return v;
}

/** A parameter of a normalisation: null stays null; plain values take x's dtype; a tensor must have it. */
function param(p: TensorLike | null | undefined, x: Tensor, arg: string): Tensor | null {
  if (p === null || p === undefined) {
    if (arg === 'mean' || arg === 'var') throw typeError(runningName(), `${arg} is required; got ${String(p)}`);
    return null;
  }
  const t = toTensorLike(runningName(), p, x, arg);
  if (t.dtype !== x.dtype)
    throw typeError(
      runningName(),
      `${arg} has dtype ${t.dtype} ${fmtShape(t.shape)}, but x has dtype ${x.dtype} ${fmtShape(x.shape)}`
    );
  return t;
}
