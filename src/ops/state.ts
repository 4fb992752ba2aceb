// Variables and state: creation, reading, assignment and in-place updates, and
// the small queries on tensors (int_shape, ndim, dtype, shape, cast).
// An update validates everything first, then swaps the value in one step, so a
// failed update changes nothing and recorded nodes keep the values they read.
import ndarray from 'ndarray';
import { options, nameArg } from '../core/args.js';
import { floatx } from '../core/config.js';
import { fmtShape, keras, scopedName, typeError, valueError } from '../core/context.js';
import { isNdArray, toTensor, type TensorLike } from '../core/convert.js';
import { copyOut, type Nd } from '../core/ndarray.js';
import { allocate, isInt, toDType, type DType } from '../core/dtype.js';
import { isKnown, sameShape, sizeOf, toShape, broadcastsTo } from '../core/shape.js';
import { cpuStorage, type Storage } from '../core/storage.js';
import { Tensor, Variable, hostTensor } from '../core/tensor.js';
import { adopt } from '../device/dispatcher.js';
import { readVariable, withoutRecording } from '../prims/apply.js';
import * as lax from '../prims/lax.js';
import { SparseTensor } from '../core/sparse.js';
import { isCoo, sparseFromCoo, type CooValue } from './sparse.js';
import { describeValue as describe } from '../core/convert.js';

/** A projection applied by optimizers after their update (see `update`). */
export type Constraint = (x: Tensor) => Tensor;

export interface VariableOptions {
  dtype?: DType | null;
  name?: string | null;
  constraint?: Constraint | null;
}

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

// TensorFlow names every unnamed eager variable 'Variable' (it does not uniquify
// in eager mode, and tf.Variable does not touch Keras's get_uid counters).
const DEFAULT_NAME = 'Variable';

/**
 * A variable holding a copy of `value`: a mutable tensor whose value K.set_value and
 * the K.update* functions replace in place (tf.Variable). A COO value
 * (`{row, col, data, shape}` as scipy's, or `{indices, values, dense_shape}`)
 * gives a SparseTensor instead, as Keras does for scipy sparse matrices. The
 * constraint is kept on the variable for optimizers to apply; no update applies it.
 *
 * @param value  the initial value: a tensor-like (a tensor must already have `dtype`), or a COO object.
 * @param dtype  the dtype; null or omitted: floatx(). Also `options.dtype`.
 * @param name  a name for the variable (default `'Variable'`, as TensorFlow names eager ones). Also `options.name`.
 * @param constraint  a projection `(x) => Tensor` for optimizers to apply after an update, or null. Also `options.constraint`.
 * @returns a Variable (a SparseTensor for a COO value).
 * @throws K.ValueError when `constraint` is not a function, or `value` is symbolic.
 * @throws K.TypeError when `value` cannot be converted, a tensor `value` has another dtype, or `dtype` is unknown.
 * @example
 * ```ts
 * const kvar = K.variable([[1, 2], [3, 4]], 'float64', 'example_var');
 * K.dtype(kvar); // 'float64'
 * kvar.name; // 'example_var'
 * K.eval(kvar); // [[1, 2], [3, 4]]
 * ```
 */
export function variable(
  value: CooValue,
  dtype?: DType | null | VariableOptions,
  name?: string | null | VariableOptions,
  constraint?: Constraint | null | VariableOptions
): SparseTensor;
export function variable(
  value: TensorLike,
  dtype?: DType | null | VariableOptions,
  name?: string | null | VariableOptions,
  constraint?: Constraint | null | VariableOptions
): Variable;
export function variable(
  value: TensorLike | CooValue,
  dtype?: DType | null | VariableOptions,
  name?: string | null | VariableOptions,
  constraint?: Constraint | null | VariableOptions
): Variable | SparseTensor {
  return keras('variable', () => {
    const o = options<VariableOptions>('variable', ['dtype', 'name', 'constraint'], [dtype, name, constraint]);
    const d = o.dtype == null ? floatx() : toDType('variable', o.dtype);
    if (isCoo(value)) {
      const sp = sparseFromCoo('variable', value, 'value', d);
      sp.name = nameArg('variable', o.name);
      return sp;
    }
    const n = nameArg('variable', o.name);
    if (o.constraint != null && typeof o.constraint !== 'function') {
      throw valueError('variable', `constraint must be a function (a projection); got ${typeof o.constraint}`);
    }
    const t = valueTensor('variable', value, 'value', d);
    return new Variable(t.shape.slice(), d, own(t), n ?? DEFAULT_NAME, o.constraint ?? null);
  });
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
  return keras('constant', () => {
    const o = options<ConstantOptions>('constant', ['dtype', 'shape', 'name'], [dtype, shape, name]);
    const d = o.dtype == null ? floatx() : toDType('constant', o.dtype);
    const n = nameArg('constant', o.name);
    const want = o.shape == null ? null : toShape('constant', o.shape);
    let t: Tensor;
    if (value instanceof Variable) t = leaf(valueTensor('constant', value, 'value', d));
    else if (value instanceof Tensor) t = valueTensor('constant', value, 'value', d, true);
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
  return keras('eval', () => readOut('eval', x, 'x'));
}

/**
 * The value of a variable (or any tensor) as a new row-major ndarray, as K.eval.
 *
 * @param x  a variable, tensor or other tensor-like.
 * @returns a new ndarray.
 * @throws K.ValueError when `x` is symbolic.
 * @example
 * ```ts
 * const v = K.variable(1);
 * K.set_value(v, 2);
 * K.get_value(v); // 2
 * K.set_value(v, K.add(v, 1));
 * K.get_value(v); // 3
 * ```
 */
export function get_value(x: TensorLike): Nd {
  return keras('get_value', () => readOut('get_value', x, 'x'));
}

/**
 * The values of several tensors at once: a new row-major ndarray for each.
 *
 * @param tensors  a list of tensors or variables.
 * @returns a list of new ndarrays, in the order of `tensors`.
 * @throws K.ValueError when one of them is symbolic.
 * @throws K.TypeError when `tensors` is not a list.
 * @example
 * ```ts
 * K.batch_get_value([K.constant(1), K.variable([2, 3])]); // [1, [2, 3]]
 * ```
 */
export function batch_get_value(tensors: TensorLike[]): Nd[] {
  return keras('batch_get_value', () => {
    if (!Array.isArray(tensors)) throw typeError('batch_get_value', `tensors must be a list; got ${describe(tensors)}`);
    return tensors.map((t, i) => readOut('batch_get_value', t, `tensors[${i}]`));
  });
}

/**
 * Replaces the value of a variable. The value is converted to the variable's dtype
 * (as numpy's asarray) and must have its shape. Graphs already recorded keep the
 * values they read.
 *
 * @param x  the variable to change.
 * @param value  the new value: a tensor-like of the shape of `x`.
 * @throws K.ValueError when the shapes differ, or `value` is symbolic.
 * @throws K.TypeError when `x` is not a variable, or `value` cannot be converted.
 * @example
 * ```ts
 * const v = K.variable([1, 2]);
 * K.set_value(v, [3, 4]);
 * K.eval(v); // [3, 4]
 * ```
 */
export function set_value(x: Variable, value: TensorLike): void {
  keras('set_value', () => {
    const next = setValueFor('set_value', x, value, 'x', 'value');
    x.replace(next);
  });
}

/**
 * Sets the values of several variables at once. Every pair is checked before any
 * variable changes, so a bad pair leaves all of them as they were.
 *
 * @param tuples  a list of `[variable, value]` pairs, each as for K.set_value.
 * @throws K.ValueError when a value's shape differs from its variable's.
 * @throws K.TypeError when `tuples` is not a list of pairs, or an entry is not a variable.
 * @example
 * ```ts
 * const a = K.variable(0);
 * const b = K.variable([0, 0]);
 * K.batch_set_value([[a, 1], [b, [2, 3]]]);
 * K.batch_get_value([a, b]); // [1, [2, 3]]
 * ```
 */
export function batch_set_value(tuples: [Variable, TensorLike][]): void {
  keras('batch_set_value', () => {
    if (!Array.isArray(tuples))
      throw typeError('batch_set_value', `tuples must be a list of [variable, value] pairs; got ${describe(tuples)}`);
    const staged = tuples.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw typeError('batch_set_value', `tuples[${i}] must be a [variable, value] pair; got ${describe(pair)}`);
      }
      const [x, value] = pair;
      return [x, setValueFor('batch_set_value', x, value, `tuples[${i}][0]`, `tuples[${i}][1]`)] as const;
    });
    for (const [x, next] of staged) x.replace(next);
  });
}

// A variable's `constraint` is NOT applied by update, update_add, update_sub or
// set_value: tf.Variable.assign ignores it and Keras optimizers apply it
// themselves after their update (`var.assign(var.constraint(var))`).

/**
 * An assignment waiting for K.function: what K.update, K.update_add, K.update_sub
 * and K.moving_average_update return when their operand is symbolic. `value`
 * is the symbolic new value of `variable`; it reads the variable, so it is
 * computed from the value the variable has when the function runs. Pass it in
 * K.function's `updates`.
 *
 * @example
 * ```ts
 * const v = K.variable([0, 0]);
 * const x = K.placeholder([2]);
 * const op = K.update_add(v, x) as K.UpdateOp; // nothing changes yet
 * const f = K.function([x], [K.sum(x)], [op]);
 * f([[1, 2]]); // [3]
 * K.eval(v); // [1, 2]
 * ```
 */
export class UpdateOp {
  /**
   * Made by the K.update* functions for a symbolic operand.
   *
   * @param variable  the variable to assign.
   * @param value  its symbolic new value.
   * @param fn  the Keras function that made it.
   * @param operand  an operand that must have exactly the variable's shape when it runs, or null.
   * @internal
   */
  constructor(
    /** The variable to assign. */
    readonly variable: Variable,
    /** Its symbolic new value, computed when K.function runs. */
    readonly value: Tensor,
    /** The Keras function that made it. */
    readonly fn: string,
    /** An operand that must have exactly the variable's shape when it runs (tf.assign's rule; no broadcasting). */
    readonly operand: Tensor | null = null
  ) {}

  /** The function, variable, shape and dtype, as `UpdateOp(update_add, variable=w, shape=(2,), dtype=float32)`. */
  toString(): string {
    return `UpdateOp(${this.fn}, variable=${this.variable.name}, shape=${fmtShape(this.variable.shape)}, dtype=${this.variable.dtype})`;
  }
}

/**
 * Assigns `new_x` to the variable `x` (tf.assign): `x = new_x`. `new_x` must have the
 * dtype and exactly the shape of `x` (no broadcasting). A plain value or eager
 * tensor assigns at once and returns `x`; a symbolic `new_x` returns an
 * UpdateOp for K.function's `updates`. The variable's constraint is not
 * applied, as in TensorFlow.
 *
 * @param x  the variable to change.
 * @param new_x  the new value, of the shape and dtype of `x`.
 * @returns `x`, or an UpdateOp when `new_x` is symbolic.
 * @throws K.ValueError when the shapes differ.
 * @throws K.TypeError when `x` is not a variable, or a tensor `new_x` has another dtype.
 * @example
 * ```ts
 * const v = K.variable([1, 2]);
 * K.update(v, [3, 4]);
 * K.eval(v); // [3, 4]
 * ```
 */
export function update(x: Variable, new_x: Exclude<TensorLike, Tensor>): Variable;
export function update(x: Variable, new_x: TensorLike): Variable | UpdateOp;
export function update(x: Variable, new_x: TensorLike): Variable | UpdateOp {
  return keras('update', () => {
    const n = exactValue('update', x, new_x, 'new_x');
    return assign('update', x, [n], () => n, n);
  });
}

/**
 * Adds `increment` to the variable `x` in place (tf.assign_add): `x += increment`.
 * `increment` must have the dtype and exactly the shape of `x`. Eager operands
 * update at once and return `x`; a symbolic one returns an UpdateOp for
 * K.function's `updates`.
 *
 * @param x  the variable to change.
 * @param increment  the value to add, of the shape and dtype of `x`.
 * @returns `x`, or an UpdateOp when `increment` is symbolic.
 * @throws K.ValueError when the shapes differ.
 * @throws K.TypeError when `x` is not a variable, or a tensor `increment` has another dtype.
 * @example
 * ```ts
 * const v = K.variable([1, 2]);
 * K.update_add(v, [10, 10]);
 * K.eval(v); // [11, 12]
 * ```
 */
export function update_add(x: Variable, increment: Exclude<TensorLike, Tensor>): Variable;
export function update_add(x: Variable, increment: TensorLike): Variable | UpdateOp;
export function update_add(x: Variable, increment: TensorLike): Variable | UpdateOp {
  return keras('update_add', () => {
    const d = exactValue('update_add', x, increment, 'increment');
    return assign('update_add', x, [d], (cur) => lax.add(cur, d), d);
  });
}

/**
 * Subtracts `decrement` from the variable `x` in place (tf.assign_sub):
 * `x -= decrement`, the step of a hand-written optimizer. `decrement` must have
 * the dtype and exactly the shape of `x`. Eager operands update at once and
 * return `x`; a symbolic one returns an UpdateOp for K.function's `updates`.
 *
 * @param x  the variable to change.
 * @param decrement  the value to subtract, of the shape and dtype of `x`.
 * @returns `x`, or an UpdateOp when `decrement` is symbolic.
 * @throws K.ValueError when the shapes differ.
 * @throws K.TypeError when `x` is not a variable, or a tensor `decrement` has another dtype.
 * @example
 * ```ts
 * const w = K.variable([1, 2]);
 * const [dw] = K.gradients(K.sum(K.square(w)), [w]);
 * K.update_sub(w, K.multiply(dw!, 0.1));
 * K.eval(w); // [0.8, 1.6]
 * ```
 */
export function update_sub(x: Variable, decrement: Exclude<TensorLike, Tensor>): Variable;
export function update_sub(x: Variable, decrement: TensorLike): Variable | UpdateOp;
export function update_sub(x: Variable, decrement: TensorLike): Variable | UpdateOp {
  return keras('update_sub', () => {
    const d = exactValue('update_sub', x, decrement, 'decrement');
    return assign('update_sub', x, [d], (cur) => lax.sub(cur, d), d);
  });
}

/**
 * Updates the variable `x` to a moving average:
 * `x = x * momentum + value * (1 - momentum)`, computed in the dtype of `x`. This
 * is the TF2 path of Keras: no zero-debiasing. `value` and `momentum` may
 * broadcast to the shape of `x`.
 *
 * @param x  the variable to change.
 * @param value  the new observation (tensor-like), broadcasting to the shape of `x`.
 * @param momentum  the weight of the old value, a number or tensor-like (cast to the dtype of `x`).
 * @returns `x`, or an UpdateOp when `value` or `momentum` is symbolic.
 * @throws K.ValueError when `value` or `momentum` does not broadcast to the shape of `x`.
 * @throws K.TypeError when `x` is not a variable.
 * @example
 * ```ts
 * const x = K.variable(0);
 * K.moving_average_update(x, 2, 0.9);
 * K.eval(x); // 0.2
 * ```
 */
export function moving_average_update(
  x: Variable,
  value: Exclude<TensorLike, Tensor>,
  momentum: number | Exclude<TensorLike, Tensor>
): Variable;
export function moving_average_update(
  x: Variable,
  value: TensorLike,
  momentum: number | TensorLike
): Variable | UpdateOp;
export function moving_average_update(
  x: Variable,
  value: TensorLike,
  momentum: number | TensorLike
): Variable | UpdateOp {
  return keras('moving_average_update', () => {
    const fn = 'moving_average_update';
    checkVariable(fn, x);
    const v = castTo(fn, value, 'value', x.dtype);
    const m = castTo(fn, momentum, 'momentum', x.dtype);
    for (const [t, arg] of [
      [v, 'value'],
      [m, 'momentum'],
    ] as const) {
      if (!broadcastsTo(t.shape, x.shape)) {
        throw valueError(
          fn,
          `${arg} of shape ${fmtShape(t.shape)} does not broadcast to variable ${x.name} of shape ${fmtShape(x.shape)}`
        );
      }
    }
    return assign(fn, x, [v, m], (cur) => lax.add(lax.mul(cur, m), lax.mul(v, lax.sub(lax.scalar(1, x.dtype), m))));
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
  shape: number | number[] | Tensor,
  dtype?: DType | null | DTypeNameOptions,
  name?: string | null | DTypeNameOptions
): Variable {
  return keras('zeros', () => filledVariable('zeros', shape, dtype, name, 0));
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
  shape: number | number[] | Tensor,
  dtype?: DType | null | DTypeNameOptions,
  name?: string | null | DTypeNameOptions
): Variable {
  return keras('ones', () => filledVariable('ones', shape, dtype, name, 1));
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
  return keras('eye', () => {
    const o = options<DTypeNameOptions>('eye', ['dtype', 'name'], [dtype, name]);
    const d = o.dtype == null ? floatx() : toDType('eye', o.dtype);
    const n = nameArg('eye', o.name);
    const dims = typeof size === 'number' ? [size, size] : size;
    if (!Array.isArray(dims) || dims.length !== 2) {
      throw valueError('eye', `size must be an integer or [rows, columns]; got ${JSON.stringify(size)}`);
    }
    const [rows, cols] = toShape('eye', dims, 'size') as [number, number];
    const data = allocate(d, rows * cols);
    for (let i = 0; i < Math.min(rows, cols); i++) data[i * cols + i] = 1;
    return new Variable([rows, cols], d, cpuStorage(ndarray(data, [rows, cols])), n ?? DEFAULT_NAME);
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
  return keras('zeros_like', () => filledLike('zeros_like', x, dtype, name, 0));
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
  return keras('ones_like', () => filledLike('ones_like', x, dtype, name, 1));
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
  return keras('count_params', () => {
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
  return keras('int_shape', () =>
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
  return keras('ndim', () => (x instanceof SparseTensor ? x : toTensor('ndim', x)).rank);
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
  return keras('dtype', () => (x instanceof SparseTensor ? x : toTensor('dtype', x)).dtype);
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
  return keras('shape', () => {
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
  return keras('cast', () => {
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
  return keras('cast_to_floatx', () => {
    if (x instanceof Tensor) return cast(x, floatx());
    return copyOut(toTensor('cast_to_floatx', x, 'x', floatx()).host(), floatx());
  });
}

// ---------------------------------------------------------------------------

function readOut(fn: string, x: unknown, arg: string): Nd {
  const t = x instanceof Tensor ? x : toTensor(fn, x, arg);
  if (t.isSymbolic) {
    throw valueError(
      fn,
      `${arg} is a symbolic tensor of shape ${fmtShape(t.shape)} and has no value; evaluate it with K.function`
    );
  }
  return copyOut(t.host(), t.dtype);
}

/**
 * The eager tensor for an initial value: plain values are converted to `dtype`;
 * a tensor must already have it (tf.convert_to_tensor refuses to cast).
 */
function valueTensor(fn: string, value: unknown, arg: string, dtype: DType, allowSymbolic = false): Tensor {
  if (!(value instanceof Tensor)) return toTensor(fn, value, arg, dtype);
  if (value.dtype !== dtype) {
    throw typeError(
      fn,
      `${arg} is a ${value.dtype} tensor of shape ${fmtShape(value.shape)}, but dtype ${dtype} was asked for; cast it first`
    );
  }
  if (value.isSymbolic && !allowSymbolic) {
    throw valueError(fn, `${arg} is a symbolic tensor of shape ${fmtShape(value.shape)} and has no value`);
  }
  return value;
}

/** Same rank, and equal dims where both are known. */
function fits(shape: readonly number[], target: readonly number[]): boolean {
  return shape.length === target.length && shape.every((d, i) => d < 0 || d === target[i]);
}

function checkVariable(fn: string, x: unknown): asserts x is Variable {
  if (!(x instanceof Variable))
    throw typeError(fn, `x must be a variable; got ${x instanceof Tensor ? 'a tensor' : describe(x)}`);
}

/** The operand of update/update_add/update_sub: x's dtype and exactly x's shape, as tf.assign requires. */
function exactValue(fn: string, x: Variable, value: unknown, arg: string): Tensor {
  checkVariable(fn, x);
  const t = valueTensor(fn, value, arg, x.dtype, true);
  // A symbolic operand's unknown dims are checked when K.function runs the update.
  if (!fits(t.shape, x.shape)) {
    throw valueError(
      fn,
      `${arg} of shape ${fmtShape(t.shape)} does not match variable ${x.name} of shape ${fmtShape(x.shape)}`
    );
  }
  return t;
}

/**
 * Converted as tf.cast does: a value becomes a tensor, then is cast (float to
 * int truncates). TF converts a Python float to float32 first, so a float64
 * variable would average with 0.8999999761581421 for 0.9; ktape converts plain
 * values at float64, which gives the same float32 results and exact float64 ones.
 */
function castTo(fn: string, value: unknown, arg: string, dtype: DType): Tensor {
  const t =
    value instanceof Tensor || isNdArray(value) || ArrayBuffer.isView(value)
      ? toTensor(fn, value, arg)
      : toTensor(fn, value, arg, 'float64');
  // A symbolic operand's cast is part of the update's graph, so it is recorded.
  return t.isSymbolic ? lax.cast(t, dtype) : withoutRecording(() => lax.cast(t, dtype));
}

/**
 * The new value computed from the variable's current one. Eagerly: computed
 * without recording (an update is not differentiable) and swapped in. With a
 * symbolic operand: recorded, and returned as an UpdateOp for K.function.
 */
function assign(
  fn: string,
  x: Variable,
  operands: readonly Tensor[],
  compute: (current: Tensor) => Tensor,
  exact: Tensor | null = null
): Variable | UpdateOp {
  const symbolic = operands.some((t) => t.isSymbolic);
  const next = symbolic ? compute(x) : withoutRecording(() => compute(x));
  if (!fits(next.shape, x.shape) || next.dtype !== x.dtype) {
    throw valueError(
      fn,
      `new value of shape ${fmtShape(next.shape)} and dtype ${next.dtype} does not fit variable ${x.name} of shape ${fmtShape(x.shape)} and dtype ${x.dtype}`
    );
  }
  if (symbolic) return new UpdateOp(x, next, fn, exact);
  x.replace(own(next));
  return x;
}

/** The new storage for set_value: any value converted to x's dtype (numpy's asarray), same shape. */
function setValueFor(fn: string, x: unknown, value: unknown, xArg: string, arg: string): Storage {
  if (!(x instanceof Variable))
    throw typeError(fn, `${xArg} must be a variable; got ${x instanceof Tensor ? 'a tensor' : describe(x)}`);
  const t =
    value instanceof Tensor ? withoutRecording(() => lax.cast(value, x.dtype)) : toTensor(fn, value, arg, x.dtype);
  if (t.isSymbolic) throw valueError(fn, `${arg} is a symbolic tensor of shape ${fmtShape(t.shape)} and has no value`);
  if (!sameShape(t.shape, x.shape)) {
    throw valueError(
      fn,
      `${arg} of shape ${fmtShape(t.shape)} does not match variable ${x.name} of shape ${fmtShape(x.shape)}`
    );
  }
  return own(t);
}

/** A value owned by the variable: a contiguous copy, so nothing else can alias it. */
function own(t: Tensor): Storage {
  const s = t.storage;
  // A device value is already flat and immutable: the variable shares it (one more reference).
  if (s !== null && s.device !== 'cpu' && !s.disposed) return adopt(s.device, s.data);
  return cpuStorage(copyOut(t.host(), t.dtype));
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

function filledVariable(fn: string, shape: unknown, dtype: unknown, name: unknown, value: number): Variable {
  const o = options<DTypeNameOptions>(fn, ['dtype', 'name'], [dtype, name]);
  const d = o.dtype == null ? floatx() : toDType(fn, o.dtype);
  const n = nameArg(fn, o.name);
  const t = filled(shapeArg(fn, shape), d, value);
  return new Variable(t.shape, d, t.storage!, n ?? DEFAULT_NAME);
}

function filledLike(fn: string, x: unknown, dtype: unknown, name: unknown, value: number): Tensor {
  const o = options<DTypeNameOptions>(fn, ['dtype', 'name'], [dtype, name]);
  const t = toTensor(fn, x);
  const d = o.dtype == null ? t.dtype : toDType(fn, o.dtype);
  const n = nameArg(fn, o.name);
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

/** A shape given as an int, a list of ints, or a 1-D integer tensor (K.shape(x)). */
function shapeArg(fn: string, shape: unknown): number[] {
  if (shape instanceof Tensor || isNdArray(shape)) {
    const t = toTensor(fn, shape, 'shape');
    if (t.rank !== 1 || !isInt(t.dtype) || t.isSymbolic) {
      throw valueError(
        fn,
        `shape must be a 1-D integer tensor with a value; got ${t.dtype} of shape ${fmtShape(t.shape)}`
      );
    }
    return toShape(fn, Array.from(copyOut(t.host(), t.dtype).data));
  }
  return toShape(fn, shape);
}
