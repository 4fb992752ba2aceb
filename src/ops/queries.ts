// Questions asked of a tensor: its value (K.eval), int_shape, ndim, dtype,
// shape and count_params.
import { fmtShape, keras, valueError } from '../core/context.js';
import { toTensor, type TensorLike } from '../core/convert.js';
import type { Nd } from '../core/ndarray.js';
import { allocate, type DType } from '../core/dtype.js';
import { isKnown, sizeOf } from '../core/shape.js';
import { type Tensor, hostTensor } from '../core/tensor.js';
import { SparseTensor } from '../core/sparse.js';
import { readOut } from '../core/args.js';

/**
 * The value of a tensor or variable (K.eval): a new contiguous row-major scijs
 * ndarray whose `.data` is the dtype's typed array (a 0-d ndarray for a
 * scalar). Changing it never changes the tensor. A symbolic tensor has no
 * value: evaluate it with K.function.
 *
 * @param x  a tensor, variable or other tensor-like.
 * @returns a new ndarray.
 * @throws K.ValueError when `x` is symbolic (made from a placeholder).
 * @example
 * ```ts
 * const kvar = K.variable([[1, 2], [3, 4]], 'float32');
 * K.eval(kvar); // [[1, 2], [3, 4]]
 * K.eval(kvar).data instanceof Float32Array; // true
 * ```
 */
export function evaluate(x: TensorLike): Nd {
  return keras(evaluate, () => readOut(x, 'x'));
}

/**
 * The number of elements of `x` (the product of its shape).
 *
 * @param x  a tensor-like with a fully known shape.
 * @returns a number.
 * @throws K.ValueError when `x` has unknown dimensions.
 * @example
 * ```ts
 * const kvar = K.zeros([2, 3]);
 * K.count_params(kvar); // 6
 * ```
 */
export function count_params(x: TensorLike): number {
  return keras(count_params, () => {
    const t = toTensor('count_params', x);
    if (!isKnown(t.shape)) throw valueError('count_params', `x has unknown dimensions: shape ${fmtShape(t.shape)}`);
    return sizeOf(t.shape);
  });
}

/**
 * The static shape of `x` as an array, with null for the dimensions a placeholder
 * leaves unknown (Python returns a tuple).
 *
 * @param x  a tensor, variable, placeholder, SparseTensor or other tensor-like.
 * @returns an array of numbers and nulls.
 * @example
 * ```ts
 * K.int_shape(K.placeholder([2, 4, 5])); // [2, 4, 5]
 * K.int_shape(K.placeholder([null, 3])); // [null, 3]
 * K.int_shape(K.variable([[1, 2], [3, 4]])); // [2, 2]
 * ```
 */
export function int_shape(x: TensorLike | SparseTensor): (number | null)[] {
  return keras(int_shape, () =>
    (x instanceof SparseTensor ? x : toTensor('int_shape', x)).shape.map((d) => (d < 0 ? null : d))
  );
}

/**
 * The number of axes of `x` (its rank).
 *
 * @param x  a tensor, variable, placeholder, SparseTensor or other tensor-like.
 * @returns a number.
 * @example
 * ```ts
 * K.ndim(K.placeholder([2, 4, 5])); // 3
 * K.ndim(K.variable([[1, 2], [3, 4]])); // 2
 * ```
 */
export function ndim(x: TensorLike | SparseTensor): number {
  return keras(ndim, () => (x instanceof SparseTensor ? x : toTensor('ndim', x)).rank);
}

/**
 * The dtype of `x`, as a string such as `'float32'`.
 *
 * @param x  a tensor, variable, placeholder, SparseTensor or other tensor-like (plain values are floatx()).
 * @returns the dtype name.
 * @example
 * ```ts
 * K.dtype(K.placeholder([2, 4, 5])); // 'float32'
 * K.dtype(K.placeholder([2, 4, 5], null, 'float64')); // 'float64'
 * K.dtype(K.variable([[1, 2], [3, 4]])); // 'float32'
 * ```
 */
export function dtype(x: TensorLike | SparseTensor): DType {
  return keras(dtype, () => (x instanceof SparseTensor ? x : toTensor('dtype', x)).dtype);
}

/**
 * The shape of `x` as a 1-D int32 tensor (tf.shape). ktape has no dynamic shape
 * op, so `x` must have a fully known shape; use K.int_shape for placeholders.
 *
 * @param x  a tensor-like.
 * @returns a 1-D int32 Tensor with one entry per axis.
 * @throws K.ValueError when `x` has unknown dimensions.
 * @example
 * ```ts
 * const kvar = K.variable([[1, 2], [3, 4]]);
 * K.eval(K.shape(kvar)); // [2, 2]
 * K.dtype(K.shape(kvar)); // 'int32'
 * ```
 */
export function shape(x: TensorLike): Tensor {
  return keras(shape, () => {
    const t = toTensor('shape', x);
    // A dynamic dimension would need a shape primitive evaluated by K.function.
    if (!isKnown(t.shape)) {
      throw valueError(
        'shape',
        `x has unknown dimensions ${fmtShape(t.shape)}; dynamic shapes are not supported, use K.int_shape`
      );
    }
    const data = allocate('int32', t.rank);
    t.shape.forEach((d, i) => (data[i] = d));
    return hostTensor(data, [t.rank], 'int32');
  });
}
