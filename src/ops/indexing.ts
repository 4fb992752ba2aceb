// Shapes and indexing: concatenate, stack, flatten, batch_flatten, tile,
// repeat, repeat_elements, reverse, gather, one_hot, arange.
// concat, reverse and gather are primitives (src/prims/indexing.ts); the
// rest are views: tile, repeat and repeat_elements insert a length-1 axis,
// broadcast it and merge it with its neighbour, so their gradients are sums
// over the copies (broadcast_to's VJP), and one_hot compares against an arange.
import { options, scalarValue } from '../core/args.js';
import { fmtShape, keras, typeError, valueError, runningName } from '../core/context.js';
import { toTensor, type TensorLike } from '../core/convert.js';
import { allocate, isInt, MAX_ELEMENTS, toDType, type DType } from '../core/dtype.js';
import { normAxis, UNKNOWN } from '../core/shape.js';
import { Tensor, hostTensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import { SparseTensor } from '../core/sparse.js';
import { sparseConcat, sparseToDense } from './sparse.js';
import { expand_dims } from './shape.js';
import { showValue as describe } from '../core/convert.js';

export interface ConcatenateOptions {
  axis?: number;
}

/**
 * Concatenates a list of tensors along `axis` (default -1, the last), as
 * tf.concat: all dimensions but `axis` must agree. As Keras's source, a
 * negative axis is taken modulo the rank of tensors[0] (Python's %), so any
 * negative axis is valid; plain values take the dtype of the first tensor
 * among them. A list of SparseTensors gives a SparseTensor; a mix of sparse
 * and dense tensors is made dense.
 *
 * @param tensors A non-empty list of tensors of one dtype and rank (at least 1).
 * @param axis The concatenation axis, default -1. May also be given as an options object `{ axis }`.
 * @returns A tensor whose size along `axis` is the sum of the inputs' (a SparseTensor when all inputs are).
 * @throws K.ValueError when the list is empty, the tensors are scalars, `axis` is out of range, or
 *   the other dimensions differ.
 * @throws K.TypeError when the dtypes differ or `axis` is not an integer.
 * @example
 * ```ts
 * const a = K.constant([[1, 2, 3], [4, 5, 6], [7, 8, 9]], 'int32');
 * const b = K.constant([[10, 20, 30], [40, 50, 60], [70, 80, 90]], 'int32');
 * K.eval(K.concatenate([a, b], -1)); // [[1, 2, 3, 10, 20, 30], [4, 5, 6, 40, 50, 60], [7, 8, 9, 70, 80, 90]]
 * K.int_shape(K.concatenate([a, b], { axis: 0 })); // [6, 3]
 * ```
 */
export function concatenate(tensors: readonly SparseTensor[], axis?: number | ConcatenateOptions): SparseTensor;
export function concatenate(
  tensors: readonly (TensorLike | SparseTensor)[],
  axis?: number | ConcatenateOptions
): Tensor;
export function concatenate(
  tensors: readonly (TensorLike | SparseTensor)[],
  axis?: number | ConcatenateOptions
): Tensor | SparseTensor {
  const fn = 'concatenate';
  return keras(concatenate, () => {
    const o = options<ConcatenateOptions>(['axis'], [axis]);
    const allSparse = Array.isArray(tensors) && tensors.length > 0 && tensors.every((t) => t instanceof SparseTensor);
    // Keras: all sparse stay sparse; a mix is densified.
    const ts = allSparse
      ? []
      : tensorList(
          Array.isArray(tensors) ? tensors.map((t) => (t instanceof SparseTensor ? sparseToDense(t) : t)) : tensors,
          'tensors'
        );
    let a = intArg(o.axis ?? -1, 'axis');
    const first = allSparse ? (tensors[0] as SparseTensor) : ts[0]!;
    const rank = first.rank;
    if (a < 0) a = rank > 0 ? ((a % rank) + rank) % rank : 0;
    if (rank === 0) throw valueError(fn, 'cannot concatenate scalars (tensors[0] has shape ()); use stack');
    if (a >= rank)
      throw valueError(
        fn,
        `axis ${a} is out of range for tensors of rank ${rank} (tensors[0] has shape ${fmtShape(first.shape)})`
      );
    if (allSparse) return sparseConcat(tensors, a);
    ts.forEach((t, i) => {
      const bad = t.rank !== rank || t.shape.some((d, k) => k !== a && !agree(d, ts[0]!.shape[k]!));
      if (bad) {
        throw valueError(
          fn,
          `tensors[${i}] of shape ${fmtShape(t.shape)} does not match tensors[0] of shape ` +
            `${fmtShape(ts[0]!.shape)}: all dimensions but axis ${a} must be equal`
        );
      }
    });
    return lax.concat(ts, a);
  });
}

export interface StackOptions {
  axis?: number;
}

/**
 * Stacks a list of rank-R tensors of one shape into a rank R+1 tensor, the
 * new axis at `axis` (default 0), as tf.stack.
 *
 * @param x A non-empty list of tensors of one shape and dtype.
 * @param axis Where the new axis goes, in [-(R+1), R]; default 0. May also be given as an options
 *   object `{ axis }`.
 * @returns A tensor of rank R+1 with x.length entries along `axis`.
 * @throws K.ValueError when the list is empty, the shapes differ, or `axis` is out of range.
 * @throws K.TypeError when the dtypes differ or `axis` is not an integer.
 * @example
 * ```ts
 * const a = K.constant([[1, 2], [3, 4]], 'int32');
 * const b = K.constant([[10, 20], [30, 40]], 'int32');
 * K.eval(K.stack([a, b])); // [[[1, 2], [3, 4]], [[10, 20], [30, 40]]]
 * K.eval(K.stack([a, b], -1)); // [[[1, 10], [2, 20]], [[3, 30], [4, 40]]]
 * ```
 */
export function stack(x: readonly TensorLike[], axis?: number | StackOptions): Tensor {
  const fn = 'stack';
  return keras(stack, () => {
    const o = options<StackOptions>(['axis'], [axis]);
    const ts = tensorList(x, 'x');
    const first = ts[0]!;
    const a = normAxis(fn, intArg(o.axis ?? 0, 'axis'), first.rank + 1);
    ts.forEach((t, i) => {
      if (t.rank !== first.rank || t.shape.some((d, k) => !agree(d, first.shape[k]!))) {
        throw valueError(
          fn,
          `x[${i}] of shape ${fmtShape(t.shape)} does not match x[0] of shape ${fmtShape(first.shape)}: all must have one shape`
        );
      }
    });
    return lax.concat(
      ts.map((t) => expand_dims(t, a)),
      a
    );
  });
}

/**
 * Flattens a tensor into 1-D, in row-major order (tf.reshape(x, [-1])).
 *
 * @param x A tensor or variable.
 * @returns A 1-D tensor of x's size and dtype.
 * @example
 * ```ts
 * const b = K.constant([[1, 2], [3, 4]], 'int32');
 * K.eval(K.flatten(b)); // [1, 2, 3, 4]
 * ```
 */
export function flatten(x: TensorLike): Tensor {
  return keras(flatten, () => {
    const t = toTensor('flatten', x);
    return lax.mergeAxes(t, [axesFrom(0, t.rank)]);
  });
}

/**
 * Turns an nD tensor into a 2D tensor with the same first (batch) dimension,
 * flattening each sample: shape (d0, d1 * d2 * ...). A scalar becomes (1, 1).
 *
 * @param x A tensor or variable.
 * @returns A 2-D tensor of x's dtype.
 * @example
 * ```ts
 * const xBatch = K.ones([2, 3, 4, 5]);
 * K.int_shape(K.batch_flatten(xBatch)); // [2, 60]
 * ```
 */
export function batch_flatten(x: TensorLike): Tensor {
  return keras(batch_flatten, () => {
    const t = toTensor('batch_flatten', x);
    return lax.mergeAxes(t, t.rank === 0 ? [[], []] : [[0], axesFrom(1, t.rank)]);
  });
}

/**
 * Tiles x: x repeated n[i] times along each axis i (tf.tile). An integer n
 * means [n] (for a 1-D x).
 *
 * @param x A tensor or variable.
 * @param n One non-negative repeat count per axis of x.
 * @returns A tensor of shape x.shape[i] * n[i] and x's dtype.
 * @throws K.ValueError when n does not have one entry per axis of x, or an entry is negative.
 * @throws K.TypeError when n does not hold integers.
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [3, 4]]);
 * K.eval(K.tile(x, [1, 2])); // [[1, 2, 1, 2], [3, 4, 3, 4]]
 * K.int_shape(K.tile(x, [3, 1])); // [6, 2]
 * ```
 */
export function tile(x: TensorLike, n: number | readonly number[]): Tensor {
  const fn = 'tile';
  return keras(tile, () => {
    const t = toTensor(fn, x);
    const reps = typeof n === 'number' ? [n] : n;
    if (!Array.isArray(reps) || !Array.from(reps, (r: unknown) => typeof r === 'number').every(Boolean)) {
      throw typeError(fn, `n must be an integer or a list of integers; got ${describe(n)}`);
    }
    if (reps.length !== t.rank) {
      throw valueError(
        fn,
        `n ${describe(reps)} must have one entry per axis of x of shape ${fmtShape(t.shape)} (${t.rank})`
      );
    }
    for (let i = 0; i < reps.length; i++) count(reps[i], `n[${i}]`);
    // [d0, d1] -> [1, d0, 1, d1] -> [n0, d0, n1, d1] -> [n0 d0, n1 d1]
    const spread = lax.mergeAxes(
      t,
      t.shape.flatMap((_d, i) => [[], [i]])
    );
    const wide = t.shape.flatMap((d, i) => [reps[i]!, d]);
    return lax.mergeAxes(
      lax.broadcastTo(spread, wide, spread),
      t.shape.map((_d, i) => [2 * i, 2 * i + 1])
    );
  });
}

/**
 * Repeats a 2D tensor: x of shape (samples, dim) becomes (samples, n, dim),
 * each row repeated n times along the new axis 1.
 *
 * @param x A 2-D tensor or variable.
 * @param n Number of repeats, a non-negative integer.
 * @returns A 3-D tensor of x's dtype.
 * @throws K.ValueError when x is not 2-D or n is negative.
 * @throws K.TypeError when n is not an integer.
 * @example
 * ```ts
 * const b = K.constant([[1, 2], [3, 4]], 'int32');
 * K.eval(K.repeat(b, 2)); // [[[1, 2], [1, 2]], [[3, 4], [3, 4]]]
 * ```
 */
export function repeat(x: TensorLike, n: number): Tensor {
  const fn = 'repeat';
  return keras(repeat, () => {
    const t = toTensor(fn, x);
    if (t.rank !== 2) throw valueError(fn, `x must be 2-D (samples, dim); got shape ${fmtShape(t.shape)}`);
    count(n, 'n');
    const [s, d] = t.shape as [number, number];
    const r = lax.mergeAxes(t, [[0], [], [1]]);
    return lax.broadcastTo(r, [s, n, d], r);
  });
}

/**
 * Repeats each element of x `rep` times along `axis`, like np.repeat: shape
 * (s1, s2, s3) with axis 1 becomes (s1, s2 * rep, s3). rep = 0 gives an
 * empty axis, as np.repeat and the source's dynamic-shape branch do (its
 * static branch cannot express it).
 *
 * @param x A tensor or variable.
 * @param rep Number of repeats, a non-negative integer.
 * @param axis The axis to repeat along; negative counts from the end.
 * @returns A tensor of x's dtype.
 * @throws K.ValueError when `axis` is out of range or rep is negative.
 * @throws K.TypeError when rep or axis is not an integer.
 * @example
 * ```ts
 * const b = K.constant([1, 2, 3], 'int32');
 * K.eval(K.repeat_elements(b, 2, 0)); // [1, 1, 2, 2, 3, 3]
 * K.eval(K.repeat_elements(K.constant([[1, 2], [3, 4]]), 2, 1)); // [[1, 1, 2, 2], [3, 3, 4, 4]]
 * ```
 */
export function repeat_elements(x: TensorLike, rep: number, axis: number): Tensor {
  const fn = 'repeat_elements';
  return keras(repeat_elements, () => {
    const t = toTensor(fn, x);
    count(rep, 'rep');
    const a = normAxis(fn, intArg(axis, 'axis'), t.rank);
    const s = t.shape;
    const before = s.slice(0, a + 1);
    const after = s.slice(a + 1);
    // [.., d_a, ..] -> [.., d_a, 1, ..] -> [.., d_a, rep, ..] -> [.., d_a rep, ..]
    const split = lax.mergeAxes(t, [...before.map((_d, i) => [i]), [], ...after.map((_d, i) => [a + 1 + i])]);
    const wide = lax.broadcastTo(split, [...before, rep, ...after], split);
    return lax.mergeAxes(
      wide,
      s.map((_d, i) => (i < a ? [i] : i === a ? [a, a + 1] : [i + 1]))
    );
  });
}

/**
 * Reverses a tensor along the given axes (tf.reverse).
 *
 * @param x A tensor or variable.
 * @param axes An axis or a list of distinct axes; negative counts from the end.
 * @returns A tensor of x's shape and dtype.
 * @throws K.ValueError when an axis is out of range or repeated.
 * @throws K.TypeError when `axes` does not hold integers.
 * @example
 * ```ts
 * const x = K.constant([[1, 2, 3], [4, 5, 6]]);
 * K.eval(K.reverse(x, 1)); // [[3, 2, 1], [6, 5, 4]]
 * K.eval(K.reverse(x, [0, 1])); // [[6, 5, 4], [3, 2, 1]]
 * ```
 */
export function reverse(x: TensorLike, axes: number | readonly number[]): Tensor {
  const fn = 'reverse';
  return keras(reverse, () => {
    const t = toTensor(fn, x);
    const list = typeof axes === 'number' ? [axes] : axes;
    if (!Array.isArray(list))
      throw typeError(fn, `axes must be an integer or a list of integers; got ${describe(axes)}`);
    const norm = list.map((ax) => normAxis(fn, intArg(ax, 'axes'), t.rank, 'axes'));
    if (new Set(norm).size !== norm.length) {
      throw valueError(fn, `axes ${describe(axes)} name one axis of x of shape ${fmtShape(t.shape)} twice`);
    }
    return lax.reverse(
      t,
      norm.sort((p, q) => p - q)
    );
  });
}

/**
 * Retrieves the entries of `reference` at `indices` along axis 0: the result
 * has shape indices.shape + reference.shape[1:]. Every index must lie in
 * [0, reference.shape[0]), checked when the values are there (eagerly, or when
 * a symbolic graph runs); TensorFlow on the GPU would give zeros instead.
 *
 * @param reference A tensor with at least one axis.
 * @param indices An integer tensor or plain integers.
 * @returns A tensor of reference's dtype.
 * @throws K.ValueError when an index is out of range or reference is a scalar.
 * @throws K.TypeError when indices are not integers.
 * @example
 * ```ts
 * const v = K.variable([[1, 2, 3], [4, 5, 6]]);
 * K.eval(K.gather(v, [0])); // [[1, 2, 3]]
 * K.eval(K.gather(v, [1])); // [[4, 5, 6]]
 * K.eval(K.gather(v, [0, 1, 0])); // [[1, 2, 3], [4, 5, 6], [1, 2, 3]]
 * ```
 */
export function gather(reference: TensorLike, indices: TensorLike): Tensor {
  const fn = 'gather';
  return keras(gather, () => {
    const ref = toTensor(fn, reference, 'reference');
    if (ref.rank === 0) throw valueError(fn, 'reference must have at least one axis; got a scalar of shape ()');
    return lax.gather(ref, indexTensor(indices), 0);
  });
}

/**
 * The one-hot representation of an integer tensor: indices of shape
 * (batch_size, d1, ..., dn) give float32 (batch_size, d1, ..., dn,
 * num_classes) (tf.one_hot). An index outside [0, num_classes) gives a row of
 * zeros, as in TensorFlow.
 *
 * @param indices An integer tensor or plain integers.
 * @param num_classes Number of classes, a non-negative integer.
 * @returns A float32 tensor with a new last axis of num_classes.
 * @throws K.ValueError when num_classes is negative.
 * @throws K.TypeError when indices or num_classes are not integers.
 * @example
 * ```ts
 * K.eval(K.one_hot(K.constant([0, 2, 1], 'int32'), 3)); // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
 * K.eval(K.one_hot([[1], [5]], 3)); // [[[0, 1, 0]], [[0, 0, 0]]]
 * ```
 */
export function one_hot(indices: TensorLike, num_classes: number): Tensor {
  return keras(one_hot, () => {
    const idx = indexTensor(indices);
    count(num_classes, 'num_classes');
    const dtype: DType = idx.dtype === 'int64' ? 'int64' : 'int32';
    const ids = lax.reshape(lax.cast(idx, dtype), [...idx.shape, 1], idx);
    return lax.cast(
      lax.equal(
        ids,
        constant(
          Array.from({ length: num_classes }, (_, i) => i),
          dtype
        )
      ),
      'float32'
    );
  });
}

export interface ArangeOptions {
  stop?: number | Tensor | null;
  step?: number | Tensor;
  dtype?: DType;
}

/**
 * A 1-D tensor of start, start + step, ... up to stop, exclusive (tf.range).
 * As Theano's arange, with one argument it is the stop and start is 0 (a
 * negative one gives an empty tensor). As tf.range, the values are int32 when
 * start, stop and step are integers (int64 beyond int32's range), else
 * float32 (accumulated in float32, as its kernel does); the result is then
 * cast to dtype unless dtype is 'int32'. So arange(0, 10, 1.5) is float32.
 *
 * @param start First value (or the stop, when stop is null).
 * @param stop End of the range, exclusive; null (the default) means 0 .. start. This and the
 *   following optional arguments may instead be given as one options object `{ stop, step, dtype }`.
 * @param step Difference between successive values, default 1.
 * @param dtype dtype to cast the result to, default 'int32' (no cast).
 * @returns A 1-D tensor.
 * @throws K.ValueError when step is 0, start is past stop in step's direction, or a value is not finite.
 * @throws K.TypeError when start, stop or step is not a number.
 * @example
 * ```ts
 * K.eval(K.arange(0, 10, 1.5)); // [0, 1.5, 3, 4.5, 6, 7.5, 9]
 * K.eval(K.arange(4)); // [0, 1, 2, 3]
 * K.dtype(K.arange(4)); // 'int32'
 * K.eval(K.arange(5, 1, { step: -2, dtype: 'float64' })); // [5, 3]
 * ```
 */
export function arange(
  start: number | Tensor,
  stop?: number | Tensor | null | ArangeOptions,
  step?: number | Tensor | ArangeOptions,
  dtype?: DType | ArangeOptions
): Tensor {
  const fn = 'arange';
  return keras(arange, () => {
    const o = options<ArangeOptions>(['stop', 'step', 'dtype'], [stop, step, dtype]);
    const want = toDType(fn, o.dtype ?? 'int32');
    let first = finite(start, 'start');
    const limitArg = o.stop === null || o.stop === undefined ? null : finite(o.stop, 'stop');
    const delta = finite(o.step ?? 1, 'step');
    if (limitArg === null && first < 0) first = 0;
    const [lo, hi] = limitArg === null ? [0, first] : [first, limitArg];
    const ints = [lo, hi, delta].every((v) => Number.isSafeInteger(v));
    const wide = ints && [lo, hi, delta].some((v) => v < -(2 ** 31) || v >= 2 ** 31);
    const kind: DType = !ints ? 'float32' : wide ? 'int64' : 'int32';
    const values = rangeValues(lo, hi, delta, kind === 'float32');
    const result = constant(values, kind);
    return want === 'int32' ? result : lax.cast(result, want);
  });
}

// ---- helpers ----------------------------------------------------------------

/** tf.range's values: exact for integers; for floats, float32 steps accumulated from start. */
function rangeValues(start: number, limit: number, delta: number, float: boolean): number[] {
  const f = float ? Math.fround : (v: number) => v;
  const [s, l, d] = [f(start), f(limit), f(delta)];
  if (d === 0) throw valueError(runningName(), 'step must not be 0');
  if (d > 0 && s > l) throw valueError(runningName(), `start ${start} must be <= stop ${limit} when step ${delta} > 0`);
  if (d < 0 && s < l) throw valueError(runningName(), `start ${start} must be >= stop ${limit} when step ${delta} < 0`);
  const size = float
    ? Math.ceil(Math.abs(f(f(l - s) / d)))
    : Math.floor((Math.abs(l - s) + Math.abs(d) - 1) / Math.abs(d));
  if (size > 2 ** 31 - 1)
    throw valueError(
      runningName(),
      `the range from ${start} to ${limit} by ${delta} has ${size} values, too many for one tensor`
    );
  const out = new Array<number>(size);
  let v = s;
  for (let i = 0; i < size; i++) {
    out[i] = v;
    v = f(v + d);
  }
  return out;
}

/** A constant 1-D tensor holding `values` (a leaf: nothing to differentiate). */
function constant(values: readonly number[], dtype: DType): Tensor {
  const data = allocate(dtype, values.length);
  values.forEach((v, i) => (data[i] = v));
  return hostTensor(data, [values.length], dtype);
}

/** A non-empty list of tensor-likes, converted: plain values take the dtype of the first tensor among them. */
function tensorList(xs: unknown, arg: string): Tensor[] {
  if (!Array.isArray(xs)) throw typeError(runningName(), `${arg} must be a list of tensors; got ${describe(xs)}`);
  if (xs.length === 0) throw valueError(runningName(), `${arg} must hold at least one tensor; got an empty list`);
  const like = xs.find((x): x is Tensor => x instanceof Tensor);
  const ts = xs.map((x, i) => toTensor(runningName(), x, `${arg}[${i}]`, like?.dtype));
  ts.forEach((t, i) => {
    if (t.dtype !== ts[0]!.dtype) {
      throw typeError(
        runningName(),
        `${arg}[${i}] is ${t.dtype} of shape ${fmtShape(t.shape)}, but ${arg}[0] is ${ts[0]!.dtype} ` +
          `of shape ${fmtShape(ts[0]!.shape)}: all must have one dtype`
      );
    }
  });
  return ts;
}

/** Integer indices: an integer tensor, or plain integers (held as int64, so any value reaches the range check). */
function indexTensor(indices: unknown): Tensor {
  if (indices instanceof Tensor) {
    if (!isInt(indices.dtype))
      throw typeError(
        runningName(),
        `indices must be an integer tensor; got ${indices.dtype} of shape ${fmtShape(indices.shape)}`
      );
    return indices;
  }
  if (toTensor(runningName(), indices, 'indices').dtype === 'bool')
    throw typeError(runningName(), 'indices must be integers; got booleans');
  return toTensor(runningName(), indices, 'indices', 'int64');
}

function intArg(v: unknown, arg: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    throw typeError(runningName(), `${arg} must be an integer; got ${describe(v)}`);
  return v;
}

/** A repeat count or a size: a non-negative integer. */
function count(v: unknown, arg: string): number {
  const n = intArg(v, arg);
  if (n < 0) throw valueError(runningName(), `${arg} must be >= 0; got ${n}`);
  if (n > MAX_ELEMENTS)
    throw valueError(runningName(), `${arg} is ${n}; a tensor holds at most ${MAX_ELEMENTS} elements`);
  return n;
}

/** A finite number, or a scalar numeric tensor with a value (Keras's own tests pass K.constant(5)). */
function finite(given: unknown, arg: string): number {
  let v = given;
  if (v instanceof Tensor) {
    const value = v.dtype === 'bool' ? null : scalarValue(v);
    if (value === null) {
      throw typeError(
        runningName(),
        `${arg} must be a number or a scalar numeric tensor with a value; got ${describe(v)}`
      );
    }
    v = value;
  }
  if (typeof v !== 'number') throw typeError(runningName(), `${arg} must be a number; got ${describe(v)}`);
  if (!Number.isFinite(v)) throw valueError(runningName(), `${arg} must be finite; got ${v}`);
  return v;
}

/** The axes lo..hi-1. */
const axesFrom = (lo: number, hi: number) => Array.from({ length: Math.max(0, hi - lo) }, (_, i) => lo + i);

/** An unknown dimension agrees with anything. */
const agree = (a: number, b: number) => a === b || a === UNKNOWN || b === UNKNOWN;
