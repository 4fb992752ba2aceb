// Random ops. Each one is a `random` node (src/prims/random.ts) whose values
// are drawn on the host (src/core/sample.ts), so a seed gives the same values
// on both devices. Eagerly the node runs once, when called; a graph that
// K.function runs draws anew at every call, as TF's graph mode does. As
// CONVENTIONS.md asks, the same seed gives the same values call after call
// (TF2 eager would advance a cached kernel's state instead); a seeded node run
// again by K.function continues its own sequence (TF's op seed), and without a
// seed each draw comes from a generator seeded once from cryptographic
// randomness. A shape may hold scalar integer tensors known only when the graph
// runs (Keras writes `K.random_normal([K.shape(z)[0], 2])`).
// Argument checks follow the TF source each Keras function calls; where TF
// silently accepts a meaningless value (a negative stddev, p outside [0, 1],
// NaN parameters) ktape raises a ValueError instead.
import { options, nameArg, scalarValue, shapeArg, staticValue } from '../core/args.js';
import { floatx } from '../core/config.js';
import { fmtShape, keras, typeError, valueError, runningName } from '../core/context.js';
import { isNdArray, toTensor, type TensorLike } from '../core/convert.js';
import { coerce, isFloat, isInt, toDType, type DType } from '../core/dtype.js';
import type { Distribution, RandomDraw } from '../core/primitives.js';
import { seededGenerator, sharedGenerator } from '../core/random.js';
import { isKnown } from '../core/shape.js';
import { Tensor, Variable, hostTensor } from '../core/tensor.js';
import { readVariable } from '../prims/apply.js';
import * as lax from '../prims/lax.js';
import { variable } from './variables.js';
import { describeValue as describe } from '../core/convert.js';
import { warnUser as warn } from '../core/context.js';

/** A shape: an int, a list of ints, or a 1-D integer tensor (K.shape(x)). */
/** A shape: integers (or scalar integer tensors with a value, as Keras's K.shape(z)[0]), one integer, or a 1-D integer tensor. */
export type RandomShape = number | (number | Tensor)[] | Tensor;

export interface NormalOptions {
  mean?: number | null;
  stddev?: number | null;
  dtype?: DType | null;
  seed?: number | null;
}

export interface UniformOptions {
  minval?: number | null;
  maxval?: number | null;
  dtype?: DType | null;
  seed?: number | null;
}

export interface BernoulliOptions {
  p?: number | null;
  dtype?: DType | null;
  seed?: number | null;
}

export interface RandomVariableOptions {
  dtype?: DType | null;
  name?: string | null;
  seed?: number | null;
}

export interface DropoutOptions {
  /** Shape of the keep/drop flags, broadcast to x's; null entries take x's dimension. */
  noise_shape?: (number | Tensor | null)[] | Tensor | null;
  seed?: number | null;
}

/**
 * A tensor of samples of a normal distribution with the given mean and
 * standard deviation (Keras's alias of tf.random.normal). dtype null means
 * floatx(). Unlike TensorFlow, a negative or non-finite stddev is refused.
 *
 * @param shape The shape: an integer, a list of non-negative integers, or a 1-D integer tensor (e.g. `K.shape(x)`).
 * @param mean Mean of the distribution, default 0. This and the following optional arguments may
 *   instead be given as one options object `{ mean, stddev, dtype, seed }`.
 * @param stddev Standard deviation, default 1.
 * @param dtype A float dtype, default floatx().
 * @param seed An integer seed: the same seed gives the same values, call after call. null (the default)
 *   draws anew each call.
 * @returns A tensor of the given shape and dtype.
 * @throws K.ValueError when the shape is not a list of non-negative integers, or stddev is negative.
 * @throws K.TypeError when dtype is not a float dtype, or seed is not an integer.
 * @example
 * ```ts
 * const a = K.random_normal([2, 3], 0, 1, null, 42);
 * K.int_shape(a); // [2, 3]
 * K.dtype(a); // 'float32'
 * const b = K.random_normal([2, 3], { seed: 42 });
 * K.eval(K.equal(a, b)); // [[1, 1, 1], [1, 1, 1]] (same seed, same values)
 * ```
 */
export function random_normal(
  shape: RandomShape,
  mean?: number | null | NormalOptions,
  stddev?: number | null | NormalOptions,
  dtype?: DType | null | NormalOptions,
  seed?: number | null | NormalOptions
): Tensor {
  return keras(random_normal, () => {
    const o = options<NormalOptions>(['mean', 'stddev', 'dtype', 'seed'], [mean, stddev, dtype, seed]);
    return normal(
      shape,
      numberArg('mean', o.mean, 0),
      stddevArg('stddev', o.stddev, 1),
      floatDType(o.dtype, typeError),
      o.seed,
      false
    );
  });
}

/**
 * A tensor of samples of a normal distribution in which every value more than
 * two standard deviations from the mean is dropped and drawn again
 * (tf.random.truncated_normal), so all values lie in [mean - 2 stddev,
 * mean + 2 stddev]. dtype null means floatx(). Unlike TensorFlow, a negative
 * stddev is refused.
 *
 * @param shape The shape: an integer, a list of non-negative integers, or a 1-D integer tensor (e.g. `K.shape(x)`).
 * @param mean Mean of the distribution, default 0. This and the following optional arguments may
 *   instead be given as one options object `{ mean, stddev, dtype, seed }`.
 * @param stddev Standard deviation before truncation, default 1.
 * @param dtype A float dtype, default floatx().
 * @param seed An integer seed: the same seed gives the same values, call after call. null (the default)
 *   draws anew each call.
 * @returns A tensor of the given shape and dtype.
 * @throws K.ValueError when the shape is not a list of non-negative integers, or stddev is negative.
 * @throws K.TypeError when dtype is not a float dtype, or seed is not an integer.
 * @example
 * ```ts
 * const t = K.truncated_normal([1000], { mean: 5, stddev: 2, dtype: 'float64', seed: 1 });
 * K.dtype(t); // 'float64'
 * K.eval(K.less_equal(K.max(K.abs(K.subtract(t, 5))), 4)); // 1 (true: within 2 stddev)
 * ```
 */
export function truncated_normal(
  shape: RandomShape,
  mean?: number | null | NormalOptions,
  stddev?: number | null | NormalOptions,
  dtype?: DType | null | NormalOptions,
  seed?: number | null | NormalOptions
): Tensor {
  return keras(truncated_normal, () => {
    const o = options<NormalOptions>(['mean', 'stddev', 'dtype', 'seed'], [mean, stddev, dtype, seed]);
    return normal(
      shape,
      numberArg('mean', o.mean, 0),
      stddevArg('stddev', o.stddev, 1),
      floatDType(o.dtype, typeError),
      o.seed,
      true
    );
  });
}

/**
 * A tensor of samples of a uniform distribution on [minval, maxval)
 * (tf.random.uniform). dtype null means floatx(). For float32/float64 the
 * values are minval + u * (maxval - minval) as TensorFlow computes them, so
 * any order of the bounds is accepted and rounding may reach maxval; for
 * int32/int64 they are exact uniform integers and minval < maxval is required.
 *
 * @param shape The shape: an integer, a list of non-negative integers, or a 1-D integer tensor (e.g. `K.shape(x)`).
 * @param minval Lower bound, default 0. This and the following optional arguments may instead be
 *   given as one options object `{ minval, maxval, dtype, seed }`.
 * @param maxval Upper bound (exclusive), default 1.
 * @param dtype 'float32', 'float64', 'int32' or 'int64'; default floatx().
 * @param seed An integer seed: the same seed gives the same values, call after call. null (the default)
 *   draws anew each call.
 * @returns A tensor of the given shape and dtype.
 * @throws K.ValueError when the shape is invalid, dtype is another dtype, or (integer dtypes) minval >= maxval.
 * @throws K.TypeError when an integer dtype gets non-integer bounds, or seed is not an integer.
 * @example
 * ```ts
 * const u = K.random_uniform([2, 3], -1, 1, null, 7);
 * K.int_shape(u); // [2, 3]
 * K.dtype(u); // 'float32'
 * const dice = K.random_uniform([4], { minval: 1, maxval: 7, dtype: 'int32', seed: 7 });
 * K.dtype(dice); // 'int32' (integers in 1..6)
 * ```
 */
export function random_uniform(
  shape: RandomShape,
  minval?: number | null | UniformOptions,
  maxval?: number | null | UniformOptions,
  dtype?: DType | null | UniformOptions,
  seed?: number | null | UniformOptions
): Tensor {
  return keras(random_uniform, () => {
    const o = options<UniformOptions>(['minval', 'maxval', 'dtype', 'seed'], [minval, maxval, dtype, seed]);
    return uniform(
      shape,
      numberArg('minval', o.minval, 0),
      numberArg('maxval', o.maxval, 1),
      ['minval', 'maxval'],
      o.dtype,
      o.seed
    );
  });
}

/**
 * A tensor of Bernoulli samples: ones with probability p, zeros elsewhere
 * (as Keras's source: a uniform draw <= p). Note Keras's default p is 0, which
 * gives all zeros. dtype null means floatx(). Unlike TensorFlow, p outside
 * [0, 1] is refused.
 *
 * @param shape The shape: an integer, a list of non-negative integers, or a 1-D integer tensor (e.g. `K.shape(x)`).
 * @param p Probability of a one, in [0, 1]; default 0. This and the following optional arguments may
 *   instead be given as one options object `{ p, dtype, seed }`.
 * @param dtype A float dtype, default floatx().
 * @param seed An integer seed: the same seed gives the same values, call after call. null (the default)
 *   draws anew each call.
 * @returns A tensor of zeros and ones of the given shape and dtype.
 * @throws K.ValueError when p is outside [0, 1], dtype is not a float dtype, or the shape is invalid.
 * @throws K.TypeError when p is not a number, or seed is not an integer.
 * @example
 * ```ts
 * const b = K.random_bernoulli([2, 3], 0.5, null, 3);
 * K.int_shape(b); // [2, 3]
 * K.eval(K.random_bernoulli([2, 2], { p: 1 })); // [[1, 1], [1, 1]]
 * K.eval(K.random_bernoulli([2, 2])); // [[0, 0], [0, 0]] (p defaults to 0)
 * ```
 */
export function random_bernoulli(
  shape: RandomShape,
  p?: number | null | BernoulliOptions,
  dtype?: DType | null | BernoulliOptions,
  seed?: number | null | BernoulliOptions
): Tensor {
  return keras(random_bernoulli, () => {
    const fn = 'random_bernoulli';
    const o = options<BernoulliOptions>(['p', 'dtype', 'seed'], [p, dtype, seed]);
    const dims = runtimeShape(shape);
    const prob = numberArg('p', o.p, 0);
    if (prob < 0 || prob > 1) throw valueError(fn, `p must be in [0, 1]; got ${prob}`);
    // tf.random.uniform refuses other dtypes (an integer one needs a maxval) with a ValueError.
    const d = floatDType(o.dtype, valueError);
    return drawn('bernoulli', prob, 0, d, dims, streamFor(o.seed));
  });
}

let binomialWarned = false;

/**
 * Deprecated alias of {@link random_bernoulli} (a binomial distribution with
 * n = 1): same arguments and results. Warns once per process that it is
 * deprecated, as Python's default warning filter does.
 *
 * @param shape The shape: an integer, a list of non-negative integers, or a 1-D integer tensor (e.g. `K.shape(x)`).
 * @param p Probability of a one, in [0, 1]; default 0. This and the following optional arguments may
 *   instead be given as one options object `{ p, dtype, seed }`.
 * @param dtype A float dtype, default floatx().
 * @param seed An integer seed: the same seed gives the same values, call after call. null (the default)
 *   draws anew each call.
 * @returns A tensor of zeros and ones of the given shape and dtype.
 * @throws K.ValueError when p is outside [0, 1], dtype is not a float dtype, or the shape is invalid.
 * @throws K.TypeError when p is not a number, or seed is not an integer.
 * @example
 * ```ts
 * const b = K.random_binomial([2, 3], { p: 0.5, seed: 3 }); // warns: deprecated
 * K.eval(K.equal(b, K.random_bernoulli([2, 3], 0.5, null, 3))); // [[1, 1, 1], [1, 1, 1]]
 * ```
 */
export function random_binomial(
  shape: RandomShape,
  p?: number | null | BernoulliOptions,
  dtype?: DType | null | BernoulliOptions,
  seed?: number | null | BernoulliOptions
): Tensor {
  return keras(random_binomial, () => {
    if (!binomialWarned) {
      binomialWarned = true;
      warn(
        '`tf.keras.backend.random_binomial` is deprecated, and will be removed in a future version. ' +
          'Please use `tf.keras.backend.random_bernoulli` instead.'
      );
    }
    return random_bernoulli(shape, p, dtype, seed);
  });
}

/**
 * A variable filled with samples of a normal distribution with mean `mean` and
 * standard deviation `scale` (tf.compat.v1.random_normal_initializer). The same
 * seed gives the values of {@link random_normal}. dtype null means floatx().
 *
 * @param shape The shape: an integer, a list of non-negative integers, or a 1-D integer tensor (e.g. `K.shape(x)`).
 * @param mean Mean of the distribution.
 * @param scale Standard deviation of the distribution (>= 0).
 * @param dtype A float dtype, default floatx(). This and the following optional arguments may
 *   instead be given as one options object `{ dtype, name, seed }`.
 * @param name The variable's name, or null.
 * @param seed An integer seed: the same seed gives the same values, call after call. null (the default)
 *   draws anew each call.
 * @returns A new Variable of the given shape and dtype.
 * @throws K.ValueError when scale is negative, dtype is not a float dtype, or the shape is invalid.
 * @throws K.TypeError when mean or scale is not a number, name is not a string, or seed is not an integer.
 * @example
 * ```ts
 * const v = K.random_normal_variable([2, 3], 0, 1, { name: 'w', seed: 5 });
 * K.int_shape(v); // [2, 3]
 * K.dtype(v); // 'float32'
 * K.eval(K.equal(v, K.random_normal([2, 3], 0, 1, null, 5))); // [[1, 1, 1], [1, 1, 1]]
 * ```
 */
export function random_normal_variable(
  shape: RandomShape,
  mean: number,
  scale: number,
  dtype?: DType | null | RandomVariableOptions,
  name?: string | null | RandomVariableOptions,
  seed?: number | null | RandomVariableOptions
): Variable {
  return keras(random_normal_variable, () => {
    const o = options<RandomVariableOptions>(['dtype', 'name', 'seed'], [dtype, name, seed]);
    // The v1 initializer asserts a float dtype with a ValueError.
    const d = floatDType(o.dtype, valueError);
    const n = nameArg(o.name);
    const t = normal(shape, numberArg('mean', mean), stddevArg('scale', scale), d, o.seed, false);
    return variable(t, d, n);
  });
}

/**
 * A variable filled with samples of a uniform distribution on [low, high)
 * (tf.compat.v1.random_uniform_initializer). The same seed gives the values of
 * {@link random_uniform}; dtype null means floatx(), and integer dtypes draw
 * exact integers as random_uniform does.
 *
 * @param shape The shape: an integer, a list of non-negative integers, or a 1-D integer tensor (e.g. `K.shape(x)`).
 * @param low Lower bound of the interval.
 * @param high Upper bound of the interval (exclusive).
 * @param dtype 'float32', 'float64', 'int32' or 'int64'; default floatx(). This and the following
 *   optional arguments may instead be given as one options object `{ dtype, name, seed }`.
 * @param name The variable's name, or null.
 * @param seed An integer seed: the same seed gives the same values, call after call. null (the default)
 *   draws anew each call.
 * @returns A new Variable of the given shape and dtype.
 * @throws K.ValueError when the shape is invalid, dtype is another dtype, or (integer dtypes) low >= high.
 * @throws K.TypeError when low or high is not a number, name is not a string, or seed is not an integer.
 * @example
 * ```ts
 * const v = K.random_uniform_variable([2, 3], 0, 1, { seed: 9 });
 * K.int_shape(v); // [2, 3]
 * K.eval(K.equal(v, K.random_uniform([2, 3], 0, 1, null, 9))); // [[1, 1, 1], [1, 1, 1]]
 * ```
 */
export function random_uniform_variable(
  shape: RandomShape,
  low: number,
  high: number,
  dtype?: DType | null | RandomVariableOptions,
  name?: string | null | RandomVariableOptions,
  seed?: number | null | RandomVariableOptions
): Variable {
  return keras(random_uniform_variable, () => {
    const o = options<RandomVariableOptions>(['dtype', 'name', 'seed'], [dtype, name, seed]);
    const n = nameArg(o.name);
    const t = uniform(shape, numberArg('low', low), numberArg('high', high), ['low', 'high'], o.dtype, o.seed);
    return variable(t, t.dtype, n);
  });
}

/**
 * Sets entries of `x` to zero at random, scaling the rest so the expected sum
 * is kept (tf.nn.dropout): each entry is zeroed with probability `level`, the
 * others multiplied by 1 / (1 - level). The keep/drop flags have `noise_shape`
 * (default x's shape) and are broadcast to x, so a 1 in noise_shape drops
 * whole slices. The flags are a random node with no gradient, so the result is
 * differentiable w.r.t. x. On a symbolic x (a graph), K.function draws new
 * flags at every call; noise_shape may then hold scalar integer tensors known
 * only at run time (Keras's `K.shape(x)[0]`).
 *
 * @param x A float tensor.
 * @param level Fraction of the entries to drop, in [0, 1).
 * @param noise_shape Shape of the keep/drop flags, broadcastable to x's shape; null entries (with the
 *   rank of x) take x's dimension. null (the default) means x's shape. This and `seed` may instead be
 *   given as one options object `{ noise_shape, seed }`.
 * @param seed An integer seed: the same seed gives the same values, call after call. null (the default)
 *   draws anew each call.
 * @returns A tensor of x's shape and dtype.
 * @throws K.ValueError when level is outside [0, 1), x is not float, or noise_shape does not
 *   broadcast to x.
 * @throws K.TypeError when level is not a number, or seed is not an integer.
 * @example
 * ```ts
 * const x = K.ones([2, 4]);
 * const y = K.dropout(x, 0.5, null, 1); // entries 0 (dropped) or 2 (kept, scaled)
 * K.int_shape(y); // [2, 4]
 * K.eval(K.equal(y, K.dropout(x, 0.5, { seed: 1 }))); // [[1, 1, 1, 1], [1, 1, 1, 1]]
 * const cols = K.dropout(x, 0.5, { noise_shape: [1, 4], seed: 1 }); // drops whole columns
 * K.eval(K.equal(K.gather(cols, [0]), K.gather(cols, [1]))); // [[1, 1, 1, 1]]
 * ```
 */
export function dropout(
  x: TensorLike,
  level: number,
  noise_shape?: (number | Tensor | null)[] | Tensor | null | DropoutOptions,
  seed?: number | null | DropoutOptions
): Tensor {
  return keras(dropout, () => {
    const fn = 'dropout';
    const o = options<DropoutOptions>(['noise_shape', 'seed'], [noise_shape, seed]);
    if (typeof level !== 'number') throw typeError(fn, `level must be a number in [0, 1); got ${describe(level)}`);
    if (!(level >= 0 && level < 1)) throw valueError(fn, `level must be in [0, 1); got ${level}`);
    const t = toTensor(fn, x);
    if (!isFloat(t.dtype)) {
      throw valueError(fn, `x must be a float tensor, as it is scaled; got ${t.dtype} of shape ${fmtShape(t.shape)}`);
    }
    const ns = noiseShape(o.noise_shape, t);
    const stream = streamFor(o.seed);
    if (level === 0) return t instanceof Variable ? readVariable(t) : t;
    // As TF: keep where a uniform draw (in x's dtype) >= level converted to that dtype (src/core/sample.ts).
    const keep = drawn('keep', level, 0, t.dtype, ns, stream, t);
    const scaled = lax.mul(t, lax.scalar(1 / (1 - level), t.dtype));
    return lax.where(keep, scaled, lax.scalar(0, t.dtype));
  });
}

// ---------------------------------------------------------------------------

function normal(shape: unknown, mean: number, stddev: number, dtype: DType, seed: unknown, truncated: boolean): Tensor {
  const dims = runtimeShape(shape);
  return drawn(truncated ? 'truncated_normal' : 'normal', mean, stddev, dtype, dims, streamFor(seed));
}

/** Uniform samples; lo and hi are already checked numbers, named args[0] and args[1] in errors. */
function uniform(
  shape: unknown,
  lo: number,
  hi: number,
  args: [string, string],
  dtype: unknown,
  seed: unknown
): Tensor {
  const dims = runtimeShape(shape);
  const d = dtype == null ? floatx() : toDType(runningName(), dtype);
  if (d !== 'float32' && d !== 'float64' && d !== 'int32' && d !== 'int64') {
    throw valueError(runningName(), `dtype must be float32, float64, int32 or int64 (tf.random.uniform's); got ${d}`);
  }
  if (isFloat(d)) return drawn('uniform', lo, hi, d, dims, streamFor(seed));
  for (const [v, arg] of [
    [lo, args[0]],
    [hi, args[1]],
  ] as const) {
    if (!Number.isInteger(v)) throw typeError(runningName(), `${arg} must be an integer for dtype ${d}; got ${v}`);
    if (coerce(d, v) !== v) throw typeError(runningName(), `${arg} ${v} is out of range for dtype ${d}`);
  }
  if (!(lo < hi))
    throw valueError(runningName(), `${args[0]} must be less than ${args[1]} for dtype ${d}; got ${lo} >= ${hi}`);
  if (hi - lo > 9007199254740992)
    throw valueError(runningName(), `${args[1]} - ${args[0]} must be at most 2^53; got ${hi - lo}`);
  return drawn('uniform_int', lo, hi, d, dims, streamFor(seed));
}

/** Where a random op's values come from: its own generator for an integer seed, the shared one for none. */
function streamFor(seed: unknown): RandomDraw['stream'] {
  if (seed == null) return { generator: sharedGenerator, seeded: false };
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw typeError(runningName(), `seed must be an integer; got ${typeof seed === 'number' ? seed : describe(seed)}`);
  }
  const gen = seededGenerator(seed);
  return { generator: () => gen, seeded: true };
}

/** A shape with its run-time part: dims (-1 where known only when a graph runs) and, then, a 1-D int32 tensor of all of it. */
interface RuntimeShape {
  readonly dims: number[];
  readonly tensor: Tensor | null;
}

/** The random node: its dims, from the shape tensor at run time where unknown, else from `like`'s dims by position. */
function drawn(
  dist: Distribution,
  a: number,
  b: number,
  dtype: DType,
  shape: RuntimeShape,
  stream: RandomDraw['stream'],
  like?: Tensor
): Tensor {
  const draw: RandomDraw = { dist, a, b, dtype, shape: shape.dims, stream };
  const known = isKnown(shape.dims) || shape.tensor !== null;
  return lax.random(known || like === undefined ? draw : { ...draw, like }, shape.tensor);
}

/**
 * A shape argument that may hold symbolic parts: a 1-D integer tensor known
 * only at run time (K.shape of a placeholder), or a list with symbolic scalar
 * integer entries (`K.shape(z)[0]`). Anything else is checked by shapeArg.
 */
function runtimeShape(shape: unknown, arg = 'shape'): RuntimeShape {
  const fn = runningName();
  const bad = (what: string) =>
    valueError(fn, `${arg} must be a list of non-negative integers or scalar integer tensors; ${what}`);
  if (shape instanceof Tensor && shape.isSymbolic) {
    const n = shape.shape[0] ?? -1;
    if (shape.rank !== 1 || !isInt(shape.dtype) || n < 0) {
      throw bad(`got a symbolic ${shape.dtype} tensor of shape ${fmtShape(shape.shape)}`);
    }
    // K.shape(x) knows x's static dims; other shape tensors none.
    const node = shape.node;
    const dims =
      node?.prim === 'shape_of' ? (node.attrs as { dims: number[] }).dims.slice() : new Array<number>(n).fill(-1);
    return { dims, tensor: lax.cast(shape, 'int32') };
  }
  if (!Array.isArray(shape) || !shape.some((d) => d instanceof Tensor && d.isSymbolic)) {
    return { dims: shapeArg(shape, arg), tensor: null };
  }
  const dims: number[] = [];
  const parts: Tensor[] = [];
  (shape as unknown[]).forEach((d, i) => {
    // A dim the graph is sure of (K.shape(x)[i] of a known dim) is a number now.
    const fixed = d instanceof Tensor && d.isSymbolic && isInt(d.dtype) && d.rank === 0 ? staticValue(d) : null;
    if (fixed !== null) {
      dims.push(fixed);
      parts.push(hostTensor(Int32Array.of(fixed), [1], 'int32'));
      return;
    }
    if (d instanceof Tensor && d.isSymbolic) {
      if (!isInt(d.dtype) || d.rank > 1 || d.shape.some((k) => k !== 1)) {
        throw bad(`${arg}[${i}] is a symbolic ${d.dtype} tensor of shape ${fmtShape(d.shape)}, not a scalar integer`);
      }
      dims.push(-1);
      parts.push(lax.reshape(lax.cast(d, 'int32'), [1]));
      return;
    }
    const v = d instanceof Tensor ? scalarValue(d) : d;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || (d instanceof Tensor && !isInt(d.dtype))) {
      throw bad(
        `${arg}[${i}] is ${d instanceof Tensor ? `a ${d.dtype} tensor of shape ${fmtShape(d.shape)}` : describe(d)}`
      );
    }
    dims.push(v);
    parts.push(hostTensor(Int32Array.of(v), [1], 'int32'));
  });
  return { dims, tensor: lax.concat(parts, 0) };
}

/**
 * dropout's flag shape: null entries take x's dimension (same rank only, as
 * TF), and it must broadcast to x. Dims of a symbolic x unknown until it runs
 * stay -1 (the node takes them from x then).
 */
function noiseShape(noise: unknown, x: Tensor): RuntimeShape {
  const xShape = x.shape;
  if (noise == null) return { dims: xShape.slice(), tensor: null };
  let given: unknown[];
  if (noise instanceof Tensor && noise.isSymbolic) return runtimeShape(noise, 'noise_shape');
  if (noise instanceof Tensor || isNdArray(noise)) given = shapeArg(noise, 'noise_shape');
  else if (Array.isArray(noise)) given = noise as unknown[];
  else
    throw valueError(
      runningName(),
      `noise_shape must be a list of non-negative integers (or null entries); got ${describe(noise)}`
    );
  const sameRank = given.length === xShape.length;
  if (!sameRank && given.some((d) => d == null)) {
    throw valueError(
      runningName(),
      `noise_shape may hold null entries only at x's rank ${xShape.length}; got ${given.length} entries`
    );
  }
  // A null entry is x's dim: a number, or K.shape(x)[i] when a symbolic entry makes the shape a run-time one.
  const runtime = given.some((d) => d instanceof Tensor && d.isSymbolic);
  const entries = given.map((d, i) =>
    d != null ? d : xShape[i]! >= 0 ? xShape[i]! : runtime ? lax.gather(lax.shapeOf(x), lax.scalar(i, 'int32'), 0) : -1
  );
  const shape = runtime
    ? runtimeShape(entries, 'noise_shape')
    : { dims: entries.map((d) => (d === -1 ? -1 : runtimeShape([d], 'noise_shape').dims[0]!)), tensor: null };
  const lead = xShape.length - shape.dims.length;
  const fits = shape.dims.every((d, i) => d < 0 || d === 1 || xShape[lead + i]! < 0 || d === xShape[lead + i]);
  if (lead < 0 || !fits) {
    throw valueError(
      runningName(),
      `noise_shape ${fmtShape(shape.dims)} does not broadcast to x's shape ${fmtShape(xShape)}`
    );
  }
  return shape;
}

function numberArg(arg: string, v: unknown, dflt?: number): number {
  if (v == null && dflt !== undefined) return dflt;
  if (typeof v !== 'number') throw typeError(runningName(), `${arg} must be a number; got ${describe(v)}`);
  if (!Number.isFinite(v)) throw valueError(runningName(), `${arg} must be finite; got ${v}`);
  return v;
}

function stddevArg(arg: string, v: unknown, dflt?: number): number {
  const s = numberArg(arg, v, dflt);
  if (s < 0) throw valueError(runningName(), `${arg} must be >= 0 (a standard deviation); got ${s}`);
  return s;
}

/** A float dtype (floatx() by default); others raise `err` (TF raises a TypeError or a ValueError, by op). */
function floatDType(dtype: unknown, err: (fn: string, msg: string) => Error): DType {
  const d = dtype == null ? floatx() : toDType(runningName(), dtype);
  if (!isFloat(d)) throw err(runningName(), `dtype must be a float dtype (float32 or float64); got ${d}`);
  return d;
}
