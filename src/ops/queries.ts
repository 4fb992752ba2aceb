// Questions asked of a tensor: its value (K.eval), int_shape, ndim, dtype,
// shape and count_params.
import * as lax from '../prims/lax.js';
import { fmtShape, keras, valueError } from '../core/context.js';
import { toTensor, type TensorLike } from '../core/convert.js';
import type { Nd } from '../core/ndarray.js';
import { allocate, type DType } from '../core/dtype.js';
import { isKnown, sizeOf } from '../core/shape.js';
import { type Tensor, hostTensor } from '../core/tensor.js';
import { SparseTensor } from '../core/sparse.js';
import { readNow, readSparse, type SparseTensorValue } from './read.js';

/**
 * The value of a tensor or variable (K.eval): a new contiguous row-major scijs
 * ndarray whose `.data` is the dtype's typed array (a 0-d ndarray for a
 * scalar). Changing it never changes the tensor. A symbolic tensor has no
 * value: evaluate it with K.function. A SparseTensor's value is TF's
 * SparseTensorValue: `{ indices, values, dense_shape }` as ndarrays. While a
 * graph is built (K.graph_mode), K.eval runs the graph anew, as TF1's
 * session does: variables as they are now, random ops drawn again.
 *
 * @param x  a tensor, variable, SparseTensor or other tensor-like.
 * @returns a new ndarray (for a SparseTensor, its three parts).
 * @throws K.ValueError when `x` is symbolic (made from a placeholder).
 * @example
 * ```ts
 * const kvar = K.variable([[1, 2], [3, 4]], 'float32');
 * K.eval(kvar); // [[1, 2], [3, 4]]
 * K.eval(kvar).data instanceof Float32Array; // true
 * const sp = K.eval(K.variable({ row: [0, 1], col: [1, 0], data: [3, 4], shape: [2, 2] }));
 * sp.values; // [3, 4]
 * sp.dense_shape; // [2, 2]
 * ```
 */
export function evaluate(x: TensorLike): Nd;
export function evaluate(x: SparseTensor): SparseTensorValue;
export function evaluate(x: TensorLike | SparseTensor): Nd | SparseTensorValue {
  return keras(evaluate, () => (x instanceof SparseTensor ? readSparse(x, 'x') : readNow(x, 'x')));
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
 * The shape of `x` as a 1-D int32 tensor (tf.shape). For a symbolic `x` with
 * unknown dims (a placeholder's null entries) it is a symbolic tensor whose
 * value K.function reads from the values flowing when the graph runs.
 *
 * @param x  a tensor-like.
 * @returns a 1-D int32 Tensor with one entry per axis.
 * @example
 * ```ts
 * const kvar = K.variable([[1, 2], [3, 4]]);
 * K.eval(K.shape(kvar)); // [2, 2]
 * K.dtype(K.shape(kvar)); // 'int32'
 * const x = K.placeholder([null, 3]);
 * K.function([x], [K.shape(x)])([K.ones([5, 3])]); // [[5, 3]]
 * ```
 */
export function shape(x: TensorLike): Tensor {
  return keras(shape, () => {
    const t = toTensor('shape', x);
    // Unknown dims are read when the graph runs.
    if (!isKnown(t.shape)) return lax.shapeOf(t);
    const data = allocate('int32', t.rank);
    t.shape.forEach((d, i) => (data[i] = d));
    return hostTensor(data, [t.rank], 'int32');
  });
}
