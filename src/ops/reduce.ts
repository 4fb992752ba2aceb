// Reductions: sum, mean, max, min, prod, var, std, any, all, argmax, argmin.
import { options } from '../core/args.js';
import { floatx } from '../core/config.js';
import { fmtShape, keras, typeError, valueError, runningName, showRaw } from '../core/context.js';
import { showValue, toTensor, type TensorLike } from '../core/convert.js';
import { isFloat, type DType } from '../core/dtype.js';
import { range, UNKNOWN } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';

export type AxisArg = number | number[] | null;
export interface ReduceOptions {
  axis?: AxisArg;
  keepdims?: boolean;
}
export interface ArgReduceOptions {
  axis?: number;
}

interface Parsed {
  readonly t: Tensor;
  readonly axes: number[];
  readonly keepdims: boolean;
}

/** The arguments common to every reduction, validated against x's shape. */
function parse(x: TensorLike, axis: AxisArg | ReduceOptions | undefined, keepdims: boolean | undefined): Parsed {
  const o = options<ReduceOptions>(['axis', 'keepdims'], [axis, keepdims]);
  const t = toTensor(runningName(), x);
  const kd = o.keepdims ?? false;
  if (typeof kd !== 'boolean') throw typeError(runningName(), `keepdims must be a boolean; got ${showRaw(kd)}`);
  return { t, axes: reductionAxes(o.axis, t.shape), keepdims: kd };
}

/** null = every axis; an int or a list of ints, negative from the end, each at most once (as tf.reduce_*). */
function reductionAxes(axis: unknown, shape: readonly number[]): number[] {
  const rank = shape.length;
  if (axis === null || axis === undefined) return range(rank);
  const list: unknown[] = Array.isArray(axis) ? axis : [axis];
  const seen = new Set<number>();
  for (const a of list) {
    if (typeof a !== 'number' || !Number.isSafeInteger(a)) {
      throw typeError(runningName(), `axis must be null, an integer or a list of integers; got ${showValue(axis)}`);
    }
    if (a < -rank || a >= rank) {
      throw valueError(
        runningName(),
        `axis ${showValue(axis)} is out of range for x of shape ${fmtShape(shape)} (rank ${rank})`
      );
    }
    const n = a < 0 ? a + rank : a;
    if (seen.has(n))
      throw valueError(
        runningName(),
        `axis ${showValue(axis)} names dimension ${n} of x of shape ${fmtShape(shape)} twice`
      );
    seen.add(n);
  }
  return [...seen].sort((p, q) => p - q);
}

function notBool(t: Tensor, hint: string): void {
  if (t.dtype === 'bool')
    throw typeError(runningName(), `x must be numeric; got bool of shape ${fmtShape(t.shape)} (${hint})`);
}

/** How many elements each output element averages, as a `dtype` tensor that broadcasts against the sum. */
function countOf(t: Tensor, axes: number[], keepdims: boolean, dtype: DType): Tensor {
  let n = 1;
  for (const a of axes) n *= t.shape[a]!;
  if (axes.every((a) => t.shape[a] !== UNKNOWN)) return lax.scalar(n, dtype);
  // An unknown (placeholder) dimension: count at run time. where(c, 1, 1) is a
  // tensor of ones shaped like x that carries no gradient, whatever x holds.
  const one = lax.scalar(1, dtype);
  return lax.sum(lax.where(lax.equal(t, t), one, one), axes, keepdims);
}

/**
 * tf.reduce_mean: floats divide the sum by the count (an empty reduction is
 * NaN); integers sum exactly (TensorFlow sums in 64 bits), divide truncating
 * toward zero and keep their dtype (an empty reduction is 0).
 */
function meanOf(t: Tensor, axes: number[], keepdims: boolean): Tensor {
  if (isFloat(t.dtype)) return lax.div(lax.sum(t, axes, keepdims), countOf(t, axes, keepdims, t.dtype));
  const wide = lax.cast(t, 'float64');
  const q = lax.div(lax.sum(wide, axes, keepdims), countOf(wide, axes, keepdims, 'float64'));
  // Casting float64 to an integer dtype truncates toward zero (and NaN, from 0/0, becomes 0).
  return lax.cast(q, t.dtype);
}

/** Keras's var/std: bool becomes floatx; integers are refused, as tf.math.reduce_variance does. */
function varianceOf(p: Parsed): Tensor {
  const t = p.t.dtype === 'bool' ? lax.cast(p.t, floatx()) : p.t;
  if (!isFloat(t.dtype)) {
    throw typeError(
      runningName(),
      `x must be a float or bool tensor; got ${t.dtype} of shape ${fmtShape(t.shape)} (cast it to a float dtype first)`
    );
  }
  const d = lax.sub(t, meanOf(t, p.axes, true));
  return meanOf(lax.mul(d, d), p.axes, p.keepdims);
}

/**
 * Sum of the values of `x` along `axis` (tf.reduce_sum); an empty reduction is 0.
 *
 * @param x  a tensor-like.
 * @param axis  an axis or a list of axes to reduce (negative counts from the end); null
 *   or omitted reduces every axis. Also `options.axis`.
 * @param keepdims  keep each reduced axis with length 1 (default false, which drops
 *   them). Also `options.keepdims`.
 * @returns a tensor of the dtype of `x` with the reduced axes removed (or kept with length 1).
 * @throws K.ValueError when an axis is out of range for `x`, or named twice.
 * @throws K.TypeError when `axis` is not an integer or list of integers, or `keepdims` is not a boolean.
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [3, 4]]);
 * K.eval(K.sum(x)); // 10
 * K.eval(K.sum(x, 1)); // [3, 7]
 * K.eval(K.sum(x, { axis: 0, keepdims: true })); // [[4, 6]]
 * ```
 */
export function sum(x: TensorLike, axis?: AxisArg | ReduceOptions, keepdims?: boolean): Tensor {
  return keras(sum, () => {
    const p = parse(x, axis, keepdims);
    return lax.sum(p.t, p.axes, p.keepdims);
  });
}

/**
 * Mean of the values of `x` along `axis` (tf.reduce_mean). A bool tensor is cast to
 * floatx() first. Integer tensors keep their dtype, as TensorFlow's integer mean:
 * the sum is exact and the division truncates toward zero. A float mean over no
 * elements is NaN.
 *
 * @param x  a tensor-like.
 * @param axis  an axis or a list of axes to reduce (negative counts from the end); null
 *   or omitted reduces every axis. Also `options.axis`.
 * @param keepdims  keep each reduced axis with length 1 (default false, which drops
 *   them). Also `options.keepdims`.
 * @returns a tensor with the reduced axes removed (or kept with length 1): the dtype of
 *   `x`, or floatx() for bool.
 * @throws K.ValueError when an axis is out of range for `x`, or named twice.
 * @throws K.TypeError when `axis` is not an integer or list of integers, or `keepdims` is not a boolean.
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [3, 4]]);
 * K.eval(K.mean(x)); // 2.5
 * K.eval(K.mean(x, 0)); // [2, 3]
 * K.eval(K.mean(K.constant([1, 2], 'int32'))); // 1
 * ```
 */
export function mean(x: TensorLike, axis?: AxisArg | ReduceOptions, keepdims?: boolean): Tensor {
  return keras(mean, () => {
    const p = parse(x, axis, keepdims);
    const t = p.t.dtype === 'bool' ? lax.cast(p.t, floatx()) : p.t;
    return meanOf(t, p.axes, p.keepdims);
  });
}

/**
 * Maximum of the values of `x` along `axis` (tf.reduce_max); a NaN wins. Where
 * several values tie for the maximum, the gradient is shared equally among them,
 * as TensorFlow's. For bool tensors use K.any.
 *
 * @param x  a tensor-like.
 * @param axis  an axis or a list of axes to reduce (negative counts from the end); null
 *   or omitted reduces every axis. Also `options.axis`.
 * @param keepdims  keep each reduced axis with length 1 (default false, which drops
 *   them). Also `options.keepdims`.
 * @returns a tensor of the dtype of `x` with the reduced axes removed (or kept with length 1).
 * @throws K.ValueError when an axis is out of range for `x`, or named twice.
 * @throws K.TypeError when `axis` is not an integer or list of integers, or `keepdims` is not a boolean, or `x` is bool.
 * @example
 * ```ts
 * const x = K.constant([[1, 5], [3, 4]]);
 * K.eval(K.max(x)); // 5
 * K.eval(K.max(x, 1)); // [5, 4]
 * K.eval(K.max(x, 0, true)); // [[3, 5]]
 * ```
 */
export function max(x: TensorLike, axis?: AxisArg | ReduceOptions, keepdims?: boolean): Tensor {
  return keras(max, () => {
    const p = parse(x, axis, keepdims);
    // tf.reduce_max has no bool kernel; K.any is the bool reduction.
    notBool(p.t, 'use K.any for bool tensors');
    return lax.max(p.t, p.axes, p.keepdims);
  });
}

/**
 * Minimum of the values of `x` along `axis` (tf.reduce_min); a NaN wins. Where
 * several values tie for the minimum, the gradient is shared equally among them,
 * as TensorFlow's. For bool tensors use K.all.
 *
 * @param x  a tensor-like.
 * @param axis  an axis or a list of axes to reduce (negative counts from the end); null
 *   or omitted reduces every axis. Also `options.axis`.
 * @param keepdims  keep each reduced axis with length 1 (default false, which drops
 *   them). Also `options.keepdims`.
 * @returns a tensor of the dtype of `x` with the reduced axes removed (or kept with length 1).
 * @throws K.ValueError when an axis is out of range for `x`, or named twice.
 * @throws K.TypeError when `axis` is not an integer or list of integers, or `keepdims` is not a boolean, or `x` is bool.
 * @example
 * ```ts
 * const x = K.constant([[1, 5], [3, 4]]);
 * K.eval(K.min(x)); // 1
 * K.eval(K.min(x, 1)); // [1, 3]
 * ```
 */
export function min(x: TensorLike, axis?: AxisArg | ReduceOptions, keepdims?: boolean): Tensor {
  return keras(min, () => {
    const p = parse(x, axis, keepdims);
    notBool(p.t, 'use K.all for bool tensors');
    return lax.min(p.t, p.axes, p.keepdims);
  });
}

/**
 * Product of the values of `x` along `axis` (tf.reduce_prod); an empty reduction is 1.
 * Its gradient is exact where `x` holds zeros (no division by `x`).
 *
 * @param x  a tensor-like.
 * @param axis  an axis or a list of axes to reduce (negative counts from the end); null
 *   or omitted reduces every axis. Also `options.axis`.
 * @param keepdims  keep each reduced axis with length 1 (default false, which drops
 *   them). Also `options.keepdims`.
 * @returns a tensor of the dtype of `x` with the reduced axes removed (or kept with length 1).
 * @throws K.ValueError when an axis is out of range for `x`, or named twice.
 * @throws K.TypeError when `axis` is not an integer or list of integers, or `keepdims` is not a boolean.
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [3, 4]]);
 * K.eval(K.prod(x)); // 24
 * K.eval(K.prod(x, 0)); // [3, 8]
 * ```
 */
export function prod(x: TensorLike, axis?: AxisArg | ReduceOptions, keepdims?: boolean): Tensor {
  return keras(prod, () => {
    const p = parse(x, axis, keepdims);
    return lax.prod(p.t, p.axes, p.keepdims);
  });
}

/**
 * Population variance of `x` along `axis`, `mean((x - mean(x))^2)` (K.var,
 * tf.math.reduce_variance). A bool tensor is cast to floatx() first; integer
 * tensors are refused, as TensorFlow refuses them.
 *
 * @param x  a tensor-like.
 * @param axis  an axis or a list of axes to reduce (negative counts from the end); null
 *   or omitted reduces every axis. Also `options.axis`.
 * @param keepdims  keep each reduced axis with length 1 (default false, which drops
 *   them). Also `options.keepdims`.
 * @returns a float tensor with the reduced axes removed (or kept with length 1).
 * @throws K.ValueError when an axis is out of range for `x`, or named twice.
 * @throws K.TypeError when `axis` is not an integer or list of integers, or `keepdims` is not a boolean, or `x` is an integer tensor.
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [3, 4]]);
 * K.eval(K.var(x)); // 1.25
 * K.eval(K.var(x, 1)); // [0.25, 0.25]
 * ```
 */
function variance(x: TensorLike, axis?: AxisArg | ReduceOptions, keepdims?: boolean): Tensor {
  return keras(variance, () => varianceOf(parse(x, axis, keepdims)));
}
export { variance as var };

/**
 * Population standard deviation of `x` along `axis`: `sqrt(K.var(x))`
 * (tf.math.reduce_std). Bool is cast to floatx(); integers are refused. As in
 * TensorFlow, the gradient of a slice whose values are all equal (variance 0) is NaN.
 *
 * @param x  a tensor-like.
 * @param axis  an axis or a list of axes to reduce (negative counts from the end); null
 *   or omitted reduces every axis. Also `options.axis`.
 * @param keepdims  keep each reduced axis with length 1 (default false, which drops
 *   them). Also `options.keepdims`.
 * @returns a float tensor with the reduced axes removed (or kept with length 1).
 * @throws K.ValueError when an axis is out of range for `x`, or named twice.
 * @throws K.TypeError when `axis` is not an integer or list of integers, or `keepdims` is not a boolean, or `x` is an integer tensor.
 * @example
 * ```ts
 * const x = K.constant([[1, 3], [5, 5]]);
 * K.eval(K.std(x, 1)); // [1, 0]
 * K.eval(K.std(x)); // 1.6583124
 * ```
 */
export function std(x: TensorLike, axis?: AxisArg | ReduceOptions, keepdims?: boolean): Tensor {
  return keras(std, () => lax.sqrt(varianceOf(parse(x, axis, keepdims))));
}

/**
 * Logical OR of `x` along `axis` (tf.reduce_any of `x` cast to bool: non-zero is true).
 * An empty reduction is false.
 *
 * @param x  a tensor-like.
 * @param axis  an axis or a list of axes to reduce (negative counts from the end); null
 *   or omitted reduces every axis. Also `options.axis`.
 * @param keepdims  keep each reduced axis with length 1 (default false, which drops
 *   them). Also `options.keepdims`.
 * @returns a bool tensor with the reduced axes removed (or kept with length 1); K.eval gives 0/1.
 * @throws K.ValueError when an axis is out of range for `x`, or named twice.
 * @throws K.TypeError when `axis` is not an integer or list of integers, or `keepdims` is not a boolean.
 * @example
 * ```ts
 * const x = K.constant([[0, 0], [0, 2]]);
 * K.eval(K.any(x)); // 1
 * K.eval(K.any(x, 1)); // [0, 1]
 * ```
 */
export function any(x: TensorLike, axis?: AxisArg | ReduceOptions, keepdims?: boolean): Tensor {
  return keras(any, () => {
    const p = parse(x, axis, keepdims);
    return lax.max(lax.cast(p.t, 'bool'), p.axes, p.keepdims);
  });
}

/**
 * Logical AND of `x` along `axis` (tf.reduce_all of `x` cast to bool: non-zero is true).
 * An empty reduction is true.
 *
 * @param x  a tensor-like.
 * @param axis  an axis or a list of axes to reduce (negative counts from the end); null
 *   or omitted reduces every axis. Also `options.axis`.
 * @param keepdims  keep each reduced axis with length 1 (default false, which drops
 *   them). Also `options.keepdims`.
 * @returns a bool tensor with the reduced axes removed (or kept with length 1); K.eval gives 0/1.
 * @throws K.ValueError when an axis is out of range for `x`, or named twice.
 * @throws K.TypeError when `axis` is not an integer or list of integers, or `keepdims` is not a boolean.
 * @example
 * ```ts
 * const x = K.constant([[1, 1], [0, 2]]);
 * K.eval(K.all(x)); // 0
 * K.eval(K.all(x, 1)); // [1, 0]
 * ```
 */
export function all(x: TensorLike, axis?: AxisArg | ReduceOptions, keepdims?: boolean): Tensor {
  return keras(all, () => {
    const p = parse(x, axis, keepdims);
    // all = not any(not x): the max of an empty bool reduction is false, so an
    // empty `all` comes out true, as tf.reduce_all.
    const no = lax.scalar(0, 'bool');
    const anyFalse = lax.max(lax.equal(lax.cast(p.t, 'bool'), no), p.axes, p.keepdims);
    return lax.equal(anyFalse, no);
  });
}

function argReduce(fn: 'argmax' | 'argmin', x: TensorLike, axis: number | ArgReduceOptions | undefined): Tensor {
  const o = options<ArgReduceOptions>(['axis'], [axis]);
  const t = toTensor(fn, x);
  const a = o.axis ?? -1;
  const rank = t.rank;
  if (typeof a !== 'number' || !Number.isSafeInteger(a))
    throw typeError(fn, `axis must be an integer; got ${showValue(a)}`);
  if (a < -rank || a >= rank)
    throw valueError(fn, `axis ${a} is out of range for x of shape ${fmtShape(t.shape)} (rank ${rank})`);
  const n = a < 0 ? a + rank : a;
  if (t.shape[n] === 0)
    throw valueError(fn, `axis ${a} of x of shape ${fmtShape(t.shape)} is empty: there is no index to return`);
  return fn === 'argmax' ? lax.argmax(t, n) : lax.argmin(t, n);
}

/**
 * Index of the maximum of `x` along one axis (tf.argmax); a tie gives the first index.
 *
 * @param x  a tensor-like.
 * @param axis  the axis to search (default -1, the last). Also `options.axis`.
 * @returns an int64 tensor: the shape of `x` without `axis`.
 * @throws K.ValueError when `axis` is out of range, or the axis is empty (no index to return).
 * @throws K.TypeError when `axis` is not an integer.
 * @example
 * ```ts
 * const x = K.constant([[1, 9, 3], [7, 2, 7]]);
 * K.eval(K.argmax(x)); // [1, 0]
 * K.eval(K.argmax(x, 0)); // [1, 0, 1]
 * ```
 */
export function argmax(x: TensorLike, axis?: number | ArgReduceOptions): Tensor {
  return keras(argmax, () => argReduce('argmax', x, axis));
}

/**
 * Index of the minimum of `x` along one axis (tf.argmin); a tie gives the first index.
 *
 * @param x  a tensor-like.
 * @param axis  the axis to search (default -1, the last). Also `options.axis`.
 * @returns an int64 tensor: the shape of `x` without `axis`.
 * @throws K.ValueError when `axis` is out of range, or the axis is empty (no index to return).
 * @throws K.TypeError when `axis` is not an integer.
 * @example
 * ```ts
 * const x = K.constant([[1, 9, 1], [7, 2, 3]]);
 * K.eval(K.argmin(x)); // [0, 1]
 * K.eval(K.argmin(x, 0)); // [0, 1, 0]
 * ```
 */
export function argmin(x: TensorLike, axis?: number | ArgReduceOptions): Tensor {
  return keras(argmin, () => argReduce('argmin', x, axis));
}
