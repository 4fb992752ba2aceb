// Variables and their updates: making them, reading and assigning their values,
// and the in-place updates. An update validates everything first, then swaps
// the value in one step, so a failed update changes nothing and recorded nodes
// keep the values they read.
import { valueTensor } from '../core/args.js';
import { readNow, readSparse, type SparseTensorValue } from './read.js';
import { options, nameArg } from '../core/args.js';
import { floatx } from '../core/config.js';
import { eagerly } from '../core/mode.js';
import { fmtShape, keras, typeError, valueError, runningName } from '../core/context.js';
import { isNdArray, toTensor, type TensorLike } from '../core/convert.js';
import { copyOut, type Nd } from '../core/ndarray.js';
import { toDType, type DType } from '../core/dtype.js';
import { sameShape, broadcastsTo } from '../core/shape.js';
import { cpuStorage, type Storage } from '../core/storage.js';
import { Tensor, Variable } from '../core/tensor.js';
import { adopt } from '../device/dispatcher.js';
import { withoutRecording } from '../prims/apply.js';
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

// TensorFlow names every unnamed eager variable 'Variable' (it does not uniquify
// in eager mode, and tf.Variable does not touch Keras's get_uid counters).
export const DEFAULT_NAME = 'Variable';

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
  value: TensorLike,
  dtype?: DType | null | VariableOptions,
  name?: string | null | VariableOptions,
  constraint?: Constraint | null | VariableOptions
): Variable;
export function variable(
  value: CooValue,
  dtype?: DType | null | VariableOptions,
  name?: string | null | VariableOptions,
  constraint?: Constraint | null | VariableOptions
): SparseTensor;
export function variable(
  value: TensorLike | CooValue,
  dtype?: DType | null | VariableOptions,
  name?: string | null | VariableOptions,
  constraint?: Constraint | null | VariableOptions
): Variable | SparseTensor {
  return keras(variable, () => {
    const o = options<VariableOptions>(['dtype', 'name', 'constraint'], [dtype, name, constraint]);
    const d = o.dtype == null ? floatx() : toDType('variable', o.dtype);
    if (isCoo(value)) {
      const sp = sparseFromCoo(value, 'value', d);
      sp.name = nameArg(o.name);
      return sp;
    }
    const n = nameArg(o.name);
    if (o.constraint != null && typeof o.constraint !== 'function') {
      throw valueError('variable', `constraint must be a function (a projection); got ${typeof o.constraint}`);
    }
    const t = valueTensor(value, 'value', d);
    return new Variable(t.shape.slice(), d, own(t), n ?? DEFAULT_NAME, o.constraint ?? null);
  });
}

/**
 * The value of a variable (or any tensor) as a new row-major ndarray, as K.eval
 * (a SparseTensor's as `{ indices, values, dense_shape }`).
 *
 * @param x  a variable, tensor, SparseTensor or other tensor-like.
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
export function get_value(x: TensorLike): Nd;
export function get_value(x: SparseTensor): SparseTensorValue;
export function get_value(x: TensorLike | SparseTensor): Nd | SparseTensorValue {
  return keras(get_value, () => (x instanceof SparseTensor ? readSparse(x, 'x') : readNow(x, 'x')));
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
  return keras(batch_get_value, () => {
    if (!Array.isArray(tensors)) throw typeError('batch_get_value', `tensors must be a list; got ${describe(tensors)}`);
    return tensors.map((t, i) => readNow(t, `tensors[${i}]`));
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
  keras(set_value, () => {
    const next = setValueFor(x, value, 'x', 'value');
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
  keras(batch_set_value, () => {
    if (!Array.isArray(tuples))
      throw typeError('batch_set_value', `tuples must be a list of [variable, value] pairs; got ${describe(tuples)}`);
    const staged = tuples.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw typeError('batch_set_value', `tuples[${i}] must be a [variable, value] pair; got ${describe(pair)}`);
      }
      const [x, value] = pair;
      return [x, setValueFor(x, value, `tuples[${i}][0]`, `tuples[${i}][1]`)] as const;
    });
    for (const [x, next] of staged) x.replace(next);
  });
}

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
  return keras(update, () => {
    const n = exactValue(x, new_x, 'new_x');
    return assign(x, [n], () => n, n);
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
  return keras(update_add, () => {
    const d = exactValue(x, increment, 'increment');
    return assign(x, [d], (cur) => lax.add(cur, d), d);
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
  return keras(update_sub, () => {
    const d = exactValue(x, decrement, 'decrement');
    return assign(x, [d], (cur) => lax.sub(cur, d), d);
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
  return keras(moving_average_update, () => {
    const fn = 'moving_average_update';
    checkVariable(x);
    const v = castTo(value, 'value', x.dtype);
    const m = castTo(momentum, 'momentum', x.dtype);
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
    return assign(x, [v, m], (cur) => lax.add(lax.mul(cur, m), lax.mul(v, lax.sub(lax.scalar(1, x.dtype), m))));
  });
}

/** Same rank, and equal dims where both are known. */
function fits(shape: readonly number[], target: readonly number[]): boolean {
  return shape.length === target.length && shape.every((d, i) => d < 0 || d === target[i]);
}

function checkVariable(x: unknown): asserts x is Variable {
  if (!(x instanceof Variable))
    throw typeError(runningName(), `x must be a variable; got ${x instanceof Tensor ? 'a tensor' : describe(x)}`);
}

/** The operand of update/update_add/update_sub: x's dtype and exactly x's shape, as tf.assign requires. */
function exactValue(x: Variable, value: unknown, arg: string): Tensor {
  checkVariable(x);
  const t = valueTensor(value, arg, x.dtype, true);
  // A symbolic operand's unknown dims are checked when K.function runs the update.
  if (!fits(t.shape, x.shape)) {
    throw valueError(
      runningName(),
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
function castTo(value: unknown, arg: string, dtype: DType): Tensor {
  const t =
    value instanceof Tensor || isNdArray(value) || ArrayBuffer.isView(value)
      ? toTensor(runningName(), value, arg)
      : toTensor(runningName(), value, arg, 'float64');
  // A symbolic operand's cast is part of the update's graph, so it is recorded.
  return t.isSymbolic ? lax.cast(t, dtype) : withoutRecording(() => lax.cast(t, dtype));
}

/**
 * The new value computed from the variable's current one. Eagerly: computed
 * without recording (an update is not differentiable) and swapped in. With a
 * symbolic operand, or while a graph is built: recorded, and returned as an
 * UpdateOp for K.function.
 */
function assign(
  x: Variable,
  operands: readonly Tensor[],
  compute: (current: Tensor) => Tensor,
  exact: Tensor | null = null
): Variable | UpdateOp {
  // While a graph is built, a concrete operand waits for K.function too (TF1's assign op).
  const symbolic = !eagerly() || operands.some((t) => t.isSymbolic);
  const next = symbolic ? compute(x) : withoutRecording(() => compute(x));
  if (!fits(next.shape, x.shape) || next.dtype !== x.dtype) {
    throw valueError(
      runningName(),
      `new value of shape ${fmtShape(next.shape)} and dtype ${next.dtype} does not fit variable ${x.name} of shape ${fmtShape(x.shape)} and dtype ${x.dtype}`
    );
  }
  if (symbolic) return new UpdateOp(x, next, runningName(), exact);
  x.replace(own(next));
  return x;
}

/** The new storage for set_value: any value converted to x's dtype (numpy's asarray), same shape. */
function setValueFor(x: unknown, value: unknown, xArg: string, arg: string): Storage {
  if (!(x instanceof Variable))
    throw typeError(runningName(), `${xArg} must be a variable; got ${x instanceof Tensor ? 'a tensor' : describe(x)}`);
  const t =
    value instanceof Tensor
      ? withoutRecording(() => lax.cast(value, x.dtype))
      : toTensor(runningName(), value, arg, x.dtype);
  if (t.isSymbolic)
    throw valueError(runningName(), `${arg} is a symbolic tensor of shape ${fmtShape(t.shape)} and has no value`);
  if (!sameShape(t.shape, x.shape)) {
    throw valueError(
      runningName(),
      `${arg} of shape ${fmtShape(t.shape)} does not match variable ${x.name} of shape ${fmtShape(x.shape)}`
    );
  }
  return own(t);
}

/** A value owned by the variable: a contiguous copy, so nothing else can alias it. */
export function own(t: Tensor): Storage {
  const s = t.storage;
  // A device value is already flat and immutable: the variable shares it (one more reference).
  if (s !== null && s.device !== 'cpu' && !s.disposed) return adopt(s.device, s.data);
  return cpuStorage(copyOut(t.host(), t.dtype));
}
