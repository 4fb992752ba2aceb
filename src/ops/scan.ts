// Cumulative sums and products along an axis (tf.cumsum, tf.math.cumprod).
// Each is one scan primitive; cumprod's gradient is exact with zeros in x
// (see src/prims/scan.ts: no division anywhere).
import { options } from '../core/args.js';
import { fmtShape, keras, typeError, valueError, runningName } from '../core/context.js';
import { showValue, toTensor, type TensorLike } from '../core/convert.js';
import type { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';

export interface ScanOptions {
  axis?: number;
}

/**
 * Cumulative sum of the values of `x` along `axis` (tf.cumsum): entry i is the
 * sum of entries 0..i. The result has x's shape and dtype (bool is refused).
 *
 * @param x A tensor, variable or tensor-like value (plain numbers become floatx()).
 * @param axis The axis to accumulate along, default 0; negative counts from the end.
 *   May also be given as an options object `{ axis }`.
 * @returns A tensor of x's shape and dtype.
 * @throws K.ValueError when `axis` is out of range for x's rank.
 * @throws K.TypeError when `axis` is not an integer or x is bool.
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [3, 4]]);
 * K.eval(K.cumsum(x)); // [[1, 2], [4, 6]]
 * K.eval(K.cumsum(x, 1)); // [[1, 3], [3, 7]]
 * K.eval(K.cumsum(x, { axis: -1 })); // [[1, 3], [3, 7]]
 * ```
 */
export function cumsum(x: TensorLike, axis?: number | ScanOptions): Tensor {
  return keras(cumsum, () => {
    const [t, a] = parse(x, axis);
    return lax.cumsum(t, a);
  });
}

/**
 * Cumulative product of the values of `x` along `axis` (tf.math.cumprod):
 * entry i is the product of entries 0..i. The result has x's shape and dtype
 * (bool is refused). Its gradient is exact even where x holds zeros.
 *
 * @param x A tensor, variable or tensor-like value (plain numbers become floatx()).
 * @param axis The axis to accumulate along, default 0; negative counts from the end.
 *   May also be given as an options object `{ axis }`.
 * @returns A tensor of x's shape and dtype.
 * @throws K.ValueError when `axis` is out of range for x's rank.
 * @throws K.TypeError when `axis` is not an integer or x is bool.
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [3, 4]]);
 * K.eval(K.cumprod(x)); // [[1, 2], [3, 8]]
 * K.eval(K.cumprod(x, 1)); // [[1, 2], [3, 12]]
 * K.eval(K.cumprod(x, 2)); // throws K.ValueError
 * ```
 */
export function cumprod(x: TensorLike, axis?: number | ScanOptions): Tensor {
  return keras(cumprod, () => {
    const [t, a] = parse(x, axis);
    return lax.cumprod(t, a);
  });
}

function parse(x: TensorLike, axis: number | ScanOptions | undefined): [Tensor, number] {
  const o = options<ScanOptions>(['axis'], [axis]);
  const t = toTensor(runningName(), x);
  const a: unknown = o.axis === undefined ? 0 : o.axis;
  if (typeof a !== 'number' || !Number.isSafeInteger(a)) {
    throw typeError(runningName(), `axis must be an integer; got ${showValue(a)}`);
  }
  if (a < -t.rank || a >= t.rank) {
    throw valueError(runningName(), `axis ${a} is out of range for x of shape ${fmtShape(t.shape)} (rank ${t.rank})`);
  }
  if (t.dtype === 'bool') throw typeError(runningName(), `x must be numeric; got bool of shape ${fmtShape(t.shape)}`);
  return [t, a < 0 ? a + t.rank : a];
}
