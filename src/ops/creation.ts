// Tensors made from values: constant, zeros, ones, eye and the *_like forms
// (as variables where Keras makes variables).
import { options, nameArg, shapeArg } from '../core/args.js';
import { floatx } from '../core/config.js';
import { fmtShape, keras, scopedName, typeError, valueError, runningName, showRaw } from '../core/context.js';
import { toTensor, type TensorLike } from '../core/convert.js';
import { allocate, toDType, type DType } from '../core/dtype.js';
import { sameShape, sizeOf, toShape } from '../core/shape.js';
import { cpuStorage } from '../core/storage.js';
import { Tensor, Variable, hostTensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import { DEFAULT_NAME, own } from './variables.js';
import { valueTensor } from '../core/args.js';
import { nd } from '../core/ndarray.js';

export interface ConstantOptions {
  dtype?: DType | null;
  shape?: number | number[] | null;
  name?: string | null;
}

/** dtype and name: the options of zeros, ones, eye, zeros_like, ones_like. */
export interface DTypeNameOptions {
  dtype?: DType | null;
  name?: string | null;
}

/**
 * A constant tensor holding `value` (tf.constant). With `shape`, a one-element
 * value is filled to that shape and a value of as many elements is reshaped,
 * as tf.constant does. A tensor of the wanted dtype is returned as it is; a
 * variable gives a constant copy of its current value.
 *
 * @param value  a tensor-like.
 * @param dtype  the dtype; null or omitted: floatx(). Also `options.dtype`.
 * @param shape  the shape to fill or reshape to (an integer or a list); null: the shape of `value`. Also `options.shape`.
 * @param name  a name for the tensor. Also `options.name`.
 * @returns a Tensor.
 * @throws K.TypeError when `value` cannot be converted to `dtype` (a tensor must already have it), or cannot be reshaped or filled to `shape`.
 * @example
 * ```ts
 * K.eval(K.constant([[1, 2], [3, 4]])); // [[1, 2], [3, 4]]
 * K.eval(K.constant(5, 'int32', [2, 2])); // [[5, 5], [5, 5]]
 * K.eval(K.constant([1, 2, 3, 4], null, [2, 2])); // [[1, 2], [3, 4]]
 * ```
 */
export function constant(
  value: TensorLike,
  dtype?: DType | null | ConstantOptions,
  shape?: number | number[] | null | ConstantOptions,
  name?: string | null | ConstantOptions
): Tensor {
  return keras(constant, () => {
    const o = options<ConstantOptions>(['dtype', 'shape', 'name'], [dtype, shape, name]);
    const d = o.dtype == null ? floatx() : toDType('constant', o.dtype);
    const n = nameArg(o.name);
    const want = o.shape == null ? null : toShape('constant', o.shape);
    let t: Tensor;
    if (value instanceof Variable) t = leaf(valueTensor(value, 'value', d));
    else if (value instanceof Tensor)
      t = valueTensor(value, 'value', d); // tf.constant refuses a graph tensor
    else t = toTensor('constant', value, 'value', d);
    if (want !== null && !sameShape(t.shape, want)) {
      const have = sizeOf(t.shape);
      if (have === sizeOf(want)) t = lax.reshape(t, want);
      else if (have === 1 && !t.isSymbolic) t = filled(want, d, t.host().data[t.host().offset]!);
      else {
        throw typeError(
          'constant',
          `value of shape ${fmtShape(t.shape)} (${have} elements) cannot be reshaped or filled to shape ${fmtShape(want)}`
        );
      }
    }
    if (n !== null && t !== value) t.name = scopedName(n);
    return t;
  });
}

/**
 * A variable of the given shape filled with zeros.
 *
 * @param shape  an integer, a list of integers, or a 1-D integer tensor such as `K.shape(y)`.
 * @param dtype  the dtype; null or omitted: floatx(). Also `options.dtype`.
 * @param name  a name for the variable (default `'Variable'`, as TensorFlow names eager ones). Also `options.name`.
 * @returns a Variable.
 * @throws K.ValueError when `shape` is not a valid shape.
 * @throws K.TypeError when `dtype` is unknown or `name` is not a string.
 * @example
 * ```ts
 * K.eval(K.zeros([2, 3])); // [[0, 0, 0], [0, 0, 0]]
 * K.eval(K.zeros(K.shape(K.constant([1, 2, 3])), 'int32')); // [0, 0, 0]
 * ```
 */
export function zeros(
  shape: number | (number | Tensor)[] | Tensor,
  dtype?: DType | null | DTypeNameOptions,
  name?: string | null | DTypeNameOptions
): Variable {
  return keras(zeros, () => filledVariable(shape, dtype, name, 0));
}

/**
 * A variable of the given shape filled with ones.
 *
 * @param shape  an integer, a list of integers, or a 1-D integer tensor such as `K.shape(y)`.
 * @param dtype  the dtype; null or omitted: floatx(). Also `options.dtype`.
 * @param name  a name for the variable (default `'Variable'`, as TensorFlow names eager ones). Also `options.name`.
 * @returns a Variable.
 * @throws K.ValueError when `shape` is not a valid shape.
 * @throws K.TypeError when `dtype` is unknown or `name` is not a string.
 * @example
 * ```ts
 * K.eval(K.ones([3, 4])); // [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]
 * K.dtype(K.ones(2, 'int32')); // 'int32'
 * ```
 */
export function ones(
  shape: number | (number | Tensor)[] | Tensor,
  dtype?: DType | null | DTypeNameOptions,
  name?: string | null | DTypeNameOptions
): Variable {
  return keras(ones, () => filledVariable(shape, dtype, name, 1));
}

/**
 * An identity-matrix variable: ones on the main diagonal, zeros elsewhere.
 *
 * @param size  the number of rows and columns, or a `[rows, columns]` pair.
 * @param dtype  the dtype; null or omitted: floatx(). Also `options.dtype`.
 * @param name  a name for the variable (default `'Variable'`, as TensorFlow names eager ones). Also `options.name`.
 * @returns a 2-D Variable.
 * @throws K.ValueError when `size` is not an integer or a pair of integers.
 * @throws K.TypeError when `dtype` is unknown.
 * @example
 * ```ts
 * K.eval(K.eye(3)); // [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
 * K.eval(K.eye([2, 3])); // [[1, 0, 0], [0, 1, 0]]
 * ```
 */
export function eye(
  size: number | [number, number],
  dtype?: DType | null | DTypeNameOptions,
  name?: string | null | DTypeNameOptions
): Variable {
  return keras(eye, () => {
    const o = options<DTypeNameOptions>(['dtype', 'name'], [dtype, name]);
    const d = o.dtype == null ? floatx() : toDType('eye', o.dtype);
    const n = nameArg(o.name);
    const dims = typeof size === 'number' ? [size, size] : size;
    if (!Array.isArray(dims) || dims.length !== 2) {
      throw valueError('eye', `size must be an integer or [rows, columns]; got ${showRaw(size)}`);
    }
    const [rows, cols] = toShape('eye', dims, 'size') as [number, number];
    const data = allocate(d, rows * cols);
    for (let i = 0; i < Math.min(rows, cols); i++) data[i * cols + i] = 1;
    return new Variable([rows, cols], d, cpuStorage(nd(data, [rows, cols])), n ?? DEFAULT_NAME);
  });
}

/**
 * A tensor of zeros with the shape of `x` (tf.zeros_like): a tensor, not a
 * variable. On a symbolic `x` it is symbolic too, taking the shape `x` has when
 * K.function runs.
 *
 * @param x  a tensor-like.
 * @param dtype  the dtype; null or omitted: the dtype of `x`. Also `options.dtype`.
 * @param name  a name for the tensor. Also `options.name`.
 * @returns a Tensor.
 * @throws K.TypeError when `dtype` is unknown.
 * @example
 * ```ts
 * const x = K.constant([[1, 2, 3], [4, 5, 6]]);
 * K.eval(K.zeros_like(x)); // [[0, 0, 0], [0, 0, 0]]
 * K.dtype(K.zeros_like(x, 'int32')); // 'int32'
 * ```
 */
export function zeros_like(
  x: TensorLike,
  dtype?: DType | null | DTypeNameOptions,
  name?: string | null | DTypeNameOptions
): Tensor {
  return keras(zeros_like, () => filledLike(x, dtype, name, 0));
}

/**
 * A tensor of ones with the shape of `x` (tf.ones_like): a tensor, not a variable.
 * On a symbolic `x` it is symbolic too, taking the shape `x` has when
 * K.function runs.
 *
 * @param x  a tensor-like.
 * @param dtype  the dtype; null or omitted: the dtype of `x`. Also `options.dtype`.
 * @param name  a name for the tensor. Also `options.name`.
 * @returns a Tensor.
 * @throws K.TypeError when `dtype` is unknown.
 * @example
 * ```ts
 * const kvar = K.variable([[0.2, 0.5, 0.9], [0.1, 0.4, 0.7]]);
 * K.eval(K.ones_like(kvar)); // [[1, 1, 1], [1, 1, 1]]
 * ```
 */
export function ones_like(
  x: TensorLike,
  dtype?: DType | null | DTypeNameOptions,
  name?: string | null | DTypeNameOptions
): Tensor {
  return keras(ones_like, () => filledLike(x, dtype, name, 1));
}

/** A leaf copy of a tensor's current value (no node: a constant). */
function leaf(t: Tensor): Tensor {
  return new Tensor(t.shape.slice(), t.dtype, own(t), null);
}

function filled(shape: number[], dtype: DType, value: number): Tensor {
  const data = allocate(dtype, sizeOf(shape));
  data.fill(dtype === 'bool' ? (value ? 1 : 0) : value);
  return hostTensor(data, shape, dtype);
}

function filledVariable(shape: unknown, dtype: unknown, name: unknown, value: number): Variable {
  const o = options<DTypeNameOptions>(['dtype', 'name'], [dtype, name]);
  const d = o.dtype == null ? floatx() : toDType(runningName(), o.dtype);
  const n = nameArg(o.name);
  const t = filled(shapeArg(shape), d, value);
  return new Variable(t.shape, d, t.storage!, n ?? DEFAULT_NAME);
}

function filledLike(x: unknown, dtype: unknown, name: unknown, value: number): Tensor {
  const o = options<DTypeNameOptions>(['dtype', 'name'], [dtype, name]);
  const t = toTensor(runningName(), x);
  const d = o.dtype == null ? t.dtype : toDType(runningName(), o.dtype);
  const n = nameArg(o.name);
  let out: Tensor;
  if (!t.isSymbolic) out = filled(t.shape, d, value);
  else {
    // Symbolic x: select the constant everywhere, so that it is part of the
    // graph and K.function gives it x's runtime shape; the condition takes no gradient.
    const c = lax.cast(lax.stopGradient(t), 'bool');
    out = lax.where(c, lax.scalar(value, d), lax.scalar(value, d));
  }
  if (n !== null) out.name = scopedName(n);
  return out;
}
