// cast and cast_to_floatx.
import { floatx } from '../core/config.js';
import { keras } from '../core/context.js';
import { toTensor, type TensorLike } from '../core/convert.js';
import { copyOut, type Nd } from '../core/ndarray.js';
import { toDType, type DType } from '../core/dtype.js';
import { Tensor, Variable } from '../core/tensor.js';
import { readVariable } from '../prims/apply.js';
import * as lax from '../prims/lax.js';

/**
 * `x` cast to `dtype` (tf.cast). Float to integer truncates toward zero; anything
 * to bool is "non-zero". A variable is read, so the result is always a tensor.
 *
 * @param x  a tensor-like.
 * @param dtype  the dtype to cast to.
 * @returns a Tensor of the shape of `x`.
 * @throws K.TypeError when `dtype` is unknown.
 * @example
 * ```ts
 * const input = K.ones([1, 3]);
 * K.dtype(K.cast(input, 'float64')); // 'float64'
 * K.eval(K.cast(K.constant([1.7, -1.7]), 'int32')); // [1, -1]
 * ```
 */
export function cast(x: TensorLike, dtype: DType): Tensor {
  return keras(cast, () => {
    const d = toDType('cast', dtype);
    const t = toTensor('cast', x);
    // A same-dtype cast of a variable still returns a tensor: its read.
    return lax.cast(t instanceof Variable ? readVariable(t) : t, d);
  });
}

/**
 * `x` in the dtype floatx(). A tensor is cast (the result is a tensor); any other
 * value is converted to a new floatx() ndarray, as numpy's asarray.
 *
 * @param x  a tensor, or a number, nested array, ndarray or typed array.
 * @returns a Tensor for a tensor, else an ndarray.
 * @example
 * ```ts
 * const arr = K.cast_to_floatx(new Float64Array([1, 2]));
 * arr.dtype; // 'float32'
 * K.dtype(K.cast_to_floatx(K.constant([1], 'int32'))); // 'float32'
 * ```
 */
export function cast_to_floatx(x: Tensor): Tensor;

export function cast_to_floatx(x: Exclude<TensorLike, Tensor>): Nd;

export function cast_to_floatx(x: TensorLike): Tensor | Nd;

export function cast_to_floatx(x: TensorLike): Tensor | Nd {
  return keras(cast_to_floatx, () => {
    if (x instanceof Tensor) return cast(x, floatx());
    return copyOut(toTensor('cast_to_floatx', x, 'x', floatx()).host(), floatx());
  });
}
