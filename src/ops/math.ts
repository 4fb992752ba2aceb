// Elementwise Keras functions: arithmetic, maths, activations, comparisons.
// Each follows the TensorFlow source of keras.backend, composed from primitives,
// so values, dtypes and gradients (ties and kinks included) match TensorFlow's.
import { options } from '../core/args.js';
import { fmtShape, keras, typeError, valueError, runningName } from '../core/context.js';
import { toFloatTensor as floatInput, toPair, toTensor, toTensorLike, type TensorLike } from '../core/convert.js';
import { isFloat, isInt, type DType } from '../core/dtype.js';
import { methods, Tensor, type NestedArray } from '../core/tensor.js';
import { currentDevice } from '../device/dispatcher.js';
import { isRecording } from '../prims/apply.js';
import * as lax from '../prims/lax.js';
import { broadcastsTo } from '../core/shape.js';

// ---- arithmetic ------------------------------------------------------------

/**
 * Element-wise `x + y`, broadcasting as numpy does.
 * keras.backend has no such function (Python writes `x + y`); ktape adds it under
 * TensorFlow's name (tf.add), and as the chainable method `x.add(y)`. A plain
 * number or array takes the other operand's dtype, as in TensorFlow.
 *
 * @param x  first operand: a tensor, number, nested array, ndarray or typed array.
 * @param y  second operand; broadcasts against `x` as in numpy.
 * @returns a tensor of the broadcast shape, in the operands' dtype.
 * @throws K.ValueError when the shapes do not broadcast.
 * @throws K.TypeError when two tensors of different dtypes are given.
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [3, 4]]);
 * K.eval(K.add(x, [10, 20])); // [[11, 22], [13, 24]]
 * K.eval(x.add(1)); // [[2, 3], [4, 5]]
 * ```
 */
export function add(x: TensorLike, y: TensorLike): Tensor {
  return keras(add, () => lax.add(...toPair('add', x, y)));
}

/**
 * Element-wise `x - y`, broadcasting as numpy does.
 * ktape's spelling of Python's `x - y` (tf.subtract); also the method `x.sub(y)`.
 *
 * @param x  first operand: a tensor, number, nested array, ndarray or typed array.
 * @param y  second operand; broadcasts against `x` as in numpy.
 * @returns a tensor of the broadcast shape, in the operands' dtype.
 * @throws K.ValueError when the shapes do not broadcast.
 * @throws K.TypeError when two tensors of different dtypes are given.
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [3, 4]]);
 * K.eval(K.subtract(x, [1, 1])); // [[0, 1], [2, 3]]
 * K.eval(x.sub(x)); // [[0, 0], [0, 0]]
 * ```
 */
export function subtract(x: TensorLike, y: TensorLike): Tensor {
  return keras(subtract, () => lax.sub(...toPair('subtract', x, y)));
}

/**
 * Element-wise `x * y`, broadcasting as numpy does.
 * ktape's spelling of Python's `x * y` (tf.multiply); also the method `x.mul(y)`.
 *
 * @param x  first operand: a tensor, number, nested array, ndarray or typed array.
 * @param y  second operand; broadcasts against `x` as in numpy.
 * @returns a tensor of the broadcast shape, in the operands' dtype.
 * @throws K.ValueError when the shapes do not broadcast.
 * @throws K.TypeError when two tensors of different dtypes are given.
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [3, 4]]);
 * K.eval(K.multiply(x, [10, 100])); // [[10, 200], [30, 400]]
 * K.eval(x.mul(2)); // [[2, 4], [6, 8]]
 * ```
 */
export function multiply(x: TensorLike, y: TensorLike): Tensor {
  return keras(multiply, () => lax.mul(...toPair('multiply', x, y)));
}

/**
 * Element-wise true division `x / y`, broadcasting as numpy does (tf.math.truediv,
 * Python's `x / y`; also the method `x.div(y)`). Integer tensors divide as floats:
 * int8, int16, uint8 and uint16 as float32, int32 and int64 as float64, so the
 * result of two int32 tensors is float64, as in TensorFlow.
 *
 * @param x  the dividend (tensor-like).
 * @param y  the divisor; broadcasts against `x`.
 * @returns a tensor of the broadcast shape: the operands' dtype, or the float dtype above for integers.
 * @throws K.ValueError when the shapes do not broadcast.
 * @throws K.TypeError when an operand is bool, or two tensors have different dtypes.
 * @example
 * ```ts
 * K.eval(K.divide(K.constant([1, 2, 3]), 2)); // [0.5, 1, 1.5]
 * K.dtype(K.divide(K.constant([7], 'int32'), K.constant([2], 'int32'))); // 'float64'
 * ```
 */
export function divide(x: TensorLike, y: TensorLike): Tensor {
  return keras(divide, () => {
    const [a, b] = toPair('divide', x, y);
    if (a.dtype === 'bool' || b.dtype === 'bool')
      throw typeError('divide', `x and y must be numeric; got ${a.dtype} and ${b.dtype}`);
    if (isInt(a.dtype) && a.dtype === b.dtype) {
      const to: DType = a.dtype === 'int32' || a.dtype === 'int64' ? 'float64' : 'float32';
      return lax.div(lax.cast(a, to), lax.cast(b, to));
    }
    return lax.div(a, b);
  });
}

/**
 * Element-wise `-x` (tf.negative; Python's unary minus). Also the method `x.neg()`.
 *
 * @param x  a tensor-like.
 * @returns a tensor of the shape and dtype of `x`.
 * @example
 * ```ts
 * K.eval(K.negative(K.constant([1, -2]))); // [-1, 2]
 * ```
 */
export function negative(x: TensorLike): Tensor {
  return keras(negative, () => lax.neg(toTensor('negative', x)));
}

/**
 * Element-wise absolute value `|x|` (tf.abs). Its gradient at 0 is 0, as TensorFlow's.
 *
 * @param x  a tensor-like.
 * @returns a tensor of the shape and dtype of `x`.
 * @example
 * ```ts
 * K.eval(K.abs(K.constant([-1.5, 0, 2]))); // [1.5, 0, 2]
 * ```
 */
export function abs(x: TensorLike): Tensor {
  return keras(abs, () => lax.abs(toTensor('abs', x)));
}

/**
 * Element-wise sign of `x`: -1, 0 or 1 (tf.sign). Its gradient is zero everywhere, as in TensorFlow.
 *
 * @param x  a tensor-like.
 * @returns a tensor of the shape and dtype of `x`.
 * @example
 * ```ts
 * K.eval(K.sign(K.constant([-3, 0, 0.5]))); // [-1, 0, 1]
 * ```
 */
export function sign(x: TensorLike): Tensor {
  return keras(sign, () => lax.sign(toTensor('sign', x)));
}

/**
 * Element-wise square `x * x` (tf.square).
 *
 * @param x  a tensor-like.
 * @returns a tensor of the shape and dtype of `x`.
 * @example
 * ```ts
 * K.eval(K.square(K.constant([[1, -2], [3, 4]]))); // [[1, 4], [9, 16]]
 * ```
 */
export function square(x: TensorLike): Tensor {
  return keras(square, () => {
    const t = toTensor('square', x);
    return lax.mul(t, t);
  });
}

/**
 * Element-wise power `x ** a` (tf.pow), `a` a number or a tensor that broadcasts
 * against `x`. Integer tensors stay integers: the power is computed exactly in
 * float64 and wraps on overflow, as in TensorFlow; a negative integer power of
 * an integer tensor is an error, as there.
 *
 * @param x  the base (tensor-like).
 * @param a  the exponent: a number or tensor-like; a plain value takes the base's dtype.
 * @returns a tensor of the broadcast shape, in the dtype of `x`.
 * @throws K.ValueError when an integer tensor is raised to a negative integer power, or the shapes do not broadcast.
 * @throws K.TypeError when `x` and `a` are tensors of different dtypes.
 * @example
 * ```ts
 * K.eval(K.pow(K.constant([1, 2, 3]), 2)); // [1, 4, 9]
 * K.eval(K.pow(K.constant([4, 9]), 0.5)); // [2, 3]
 * K.eval(K.pow(K.constant([2, 3], 'int32'), 3)); // [8, 27]
 * ```
 */
export function pow(x: TensorLike, a: TensorLike): Tensor {
  return keras(pow, () => {
    const [b, e] = operands(x, a, 'a');
    if (isInt(b.dtype) && b.dtype === e.dtype) {
      if (!e.isSymbolic && flat(e.toArray()).some((v) => v < 0)) {
        throw valueError('pow', `integers to negative integer powers are not allowed; a is ${e.toString()}`);
      }
      return lax.cast(lax.pow(lax.cast(b, 'float64'), lax.cast(e, 'float64')), b.dtype);
    }
    return lax.pow(b, e);
  });
}

/**
 * Element-wise rounding to the nearest integer, halves to the even neighbour
 * (tf.round, numpy's banker's rounding). Its gradient is zero.
 *
 * @param x  a tensor-like.
 * @returns a tensor of the shape and dtype of `x`.
 * @example
 * ```ts
 * K.eval(K.round(K.constant([0.5, 1.5, 2.5, -1.7]))); // [0, 2, 2, -2]
 * ```
 */
export function round(x: TensorLike): Tensor {
  return keras(round, () => lax.round(toTensor('round', x)));
}

// ---- float maths -------------------------------------------------------------

/**
 * Element-wise exponential `e^x` (tf.exp).
 *
 * @param x  a float tensor, or a plain value (converted to floatx()).
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.TypeError when `x` is an integer or bool tensor (as TensorFlow's tf.exp).
 * @example
 * ```ts
 * K.eval(K.exp(K.constant([0, 1]))); // [1, 2.7182817]
 * ```
 */
export function exp(x: TensorLike): Tensor {
  return keras(exp, () => lax.exp(floatInput('exp', x)));
}

/**
 * Element-wise natural logarithm (tf.math.log): -Infinity at 0, NaN below.
 *
 * @param x  a float tensor, or a plain value (converted to floatx()).
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.TypeError when `x` is an integer or bool tensor (as TensorFlow's tf.math.log).
 * @example
 * ```ts
 * K.eval(K.log(K.constant([1, Math.E, 0]))); // [0, 1, -Infinity]
 * ```
 */
export function log(x: TensorLike): Tensor {
  return keras(log, () => lax.log(floatInput('log', x)));
}

/**
 * Element-wise square root. As Keras's source, negative values are clipped to 0
 * first (`tf.sqrt(tf.maximum(x, 0))`), so `sqrt` never returns NaN.
 *
 * @param x  a float tensor, or a plain value (converted to floatx()).
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.TypeError when `x` is an integer or bool tensor (as TensorFlow's tf.sqrt).
 * @example
 * ```ts
 * K.eval(K.sqrt(K.constant([4, 2, -1]))); // [2, 1.4142135, 0]
 * ```
 */
export function sqrt(x: TensorLike): Tensor {
  return keras(sqrt, () => {
    const t = floatInput('sqrt', x);
    return lax.sqrt(lax.maximum(t, lax.scalar(0, t.dtype)));
  });
}

/**
 * Element-wise sine of `x` in radians (tf.sin).
 *
 * @param x  a float tensor, or a plain value (converted to floatx()).
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.TypeError when `x` is an integer or bool tensor (as TensorFlow's tf.sin).
 * @example
 * ```ts
 * K.eval(K.sin(K.constant([0, Math.PI / 2]))); // [0, 1]
 * ```
 */
export function sin(x: TensorLike): Tensor {
  return keras(sin, () => lax.sin(floatInput('sin', x)));
}

/**
 * Element-wise cosine of `x` in radians (tf.cos).
 *
 * @param x  a float tensor, or a plain value (converted to floatx()).
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.TypeError when `x` is an integer or bool tensor (as TensorFlow's tf.cos).
 * @example
 * ```ts
 * K.eval(K.cos(K.constant([0, Math.PI]))); // [1, -1]
 * ```
 */
export function cos(x: TensorLike): Tensor {
  return keras(cos, () => lax.cos(floatInput('cos', x)));
}

/**
 * Element-wise hyperbolic tangent (tf.tanh).
 *
 * @param x  a float tensor, or a plain value (converted to floatx()).
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.TypeError when `x` is an integer or bool tensor (as TensorFlow's tf.tanh).
 * @example
 * ```ts
 * K.eval(K.tanh(K.constant([-1, 0, 1]))); // [-0.7615942, 0, 0.7615942]
 * ```
 */
export function tanh(x: TensorLike): Tensor {
  return keras(tanh, () => lax.tanh(floatInput('tanh', x)));
}

/**
 * Element-wise logistic sigmoid `1 / (1 + e^-x)` (tf.sigmoid).
 *
 * @param x  a float tensor, or a plain value (converted to floatx()).
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.TypeError when `x` is an integer or bool tensor (as TensorFlow's tf.sigmoid).
 * @example
 * ```ts
 * K.eval(K.sigmoid(K.constant([-1, 0, 1]))); // [0.26894143, 0.5, 0.7310586]
 * ```
 */
export function sigmoid(x: TensorLike): Tensor {
  return keras(sigmoid, () => lax.sigmoid(floatInput('sigmoid', x)));
}

/**
 * Piecewise-linear approximation of the sigmoid: `clip(0.2 x + 0.5, 0, 1)`, as
 * Keras's source computes it (0 below -2.5, 1 above 2.5; the docstring's
 * formula is the same).
 *
 * @param x  a float tensor, or a plain value (converted to floatx()).
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.TypeError when `x` is an integer or bool tensor (as TensorFlow's tf.clip_by_value).
 * @example
 * ```ts
 * K.eval(K.hard_sigmoid(K.constant([-3, -1, 0, 1, 3]))); // [0, 0.3, 0.5, 0.7, 1]
 * ```
 */
export function hard_sigmoid(x: TensorLike): Tensor {
  return keras(hard_sigmoid, () => {
    const t = floatInput('hard_sigmoid', x);
    const c = (v: number) => lax.scalar(v, t.dtype);
    return lax.clipByValue(lax.add(lax.mul(t, c(0.2)), c(0.5)), c(0), c(1));
  });
}

/**
 * Element-wise softplus `log(1 + e^x)` (tf.math.softplus), computed without overflow for large `x`.
 *
 * @param x  a float tensor, or a plain value (converted to floatx()).
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.TypeError when `x` is an integer or bool tensor (as TensorFlow's tf.math.softplus).
 * @example
 * ```ts
 * K.eval(K.softplus(K.constant([0, 1, 100]))); // [0.6931472, 1.3132616, 100]
 * ```
 */
export function softplus(x: TensorLike): Tensor {
  return keras(softplus, () => lax.softplus(floatInput('softplus', x)));
}

/**
 * Element-wise softsign `x / (1 + |x|)` (tf.math.softsign).
 *
 * @param x  a float tensor, or a plain value (converted to floatx()).
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.TypeError when `x` is an integer or bool tensor (as TensorFlow's tf.math.softsign).
 * @example
 * ```ts
 * K.eval(K.softsign(K.constant([-3, 0, 1]))); // [-0.75, 0, 0.5]
 * ```
 */
export function softsign(x: TensorLike): Tensor {
  return keras(softsign, () => {
    const t = floatInput('softsign', x);
    return lax.div(t, lax.add(lax.scalar(1, t.dtype), lax.abs(t)));
  });
}

// ---- activations ----------------------------------------------------------

export interface ReluOptions {
  alpha?: number | null;
  max_value?: number | null;
  threshold?: number | null;
}

/**
 * Rectified linear unit, with Keras's variants: `max_value` for `x >= max_value`,
 * `x` for `threshold <= x < max_value`, and `alpha * (x - threshold)` otherwise.
 * The defaults (alpha 0, max_value null for no cap, threshold 0) give plain
 * `max(x, 0)`. It follows Keras's source step by step, so its gradient at each
 * kink is TensorFlow's; with only `alpha` set it is tf.nn.leaky_relu (integer
 * tensors become float32 there, as in TensorFlow).
 *
 * @param x  a numeric tensor-like.
 * @param alpha  slope below the threshold (number; default 0). Also `options.alpha`.
 * @param max_value  saturation value (number, or null for none). Also `options.max_value`.
 * @param threshold  where the unit turns on (number; default 0). Also `options.threshold`.
 * @returns a tensor of the shape of `x`.
 * @throws K.TypeError when `x` is bool, an option is not a number, or a fractional option is given for an integer `x`; also for an unknown option key.
 * @example
 * ```ts
 * const x = K.constant([-2, -0.5, 0.5, 3, 8]);
 * K.eval(K.relu(x)); // [0, 0, 0.5, 3, 8]
 * K.eval(K.relu(x, 0.1)); // [-0.2, -0.05, 0.5, 3, 8]
 * K.eval(K.relu(x, { max_value: 6, threshold: 1 })); // [0, 0, 0, 3, 6]
 * ```
 */
export function relu(
  x: TensorLike,
  alpha?: number | null | ReluOptions,
  max_value?: number | null | ReluOptions,
  threshold?: number | null | ReluOptions
): Tensor {
  return keras(relu, () => {
    const o = options<ReluOptions>(['alpha', 'max_value', 'threshold'], [alpha, max_value, threshold]);
    const a = numberArg(o.alpha, 'alpha') ?? 0;
    const maxValue = numberArg(o.max_value, 'max_value');
    const th = numberArg(o.threshold, 'threshold') ?? 0;
    let t = numericInput(x);

    if (a !== 0 && maxValue === null && th === 0) {
      // tf.nn.leaky_relu: integer features become float32; x > 0 ? x : alpha x.
      if (!isFloat(t.dtype)) t = lax.cast(t, 'float32');
      return lax.where(lax.greater(t, lax.scalar(0, t.dtype)), t, lax.mul(t, lax.scalar(a, t.dtype)));
    }
    // Every constant converted before computing: a fraction for an integer x is a TypeError.
    const c = (v: number, arg: string) => toTensor('relu', v, arg, t.dtype);
    const alphaT = a !== 0 ? c(a, 'alpha') : null;
    const thT = th !== 0 ? c(th, 'threshold') : null;
    const maxT = maxValue !== null ? c(maxValue, 'max_value') : null;
    const zero = lax.scalar(0, t.dtype);

    const negativePart = alphaT === null ? null : reluOp(thT === null ? lax.neg(t) : lax.add(lax.neg(t), thT));
    let y: Tensor;
    let clipMax = maxT !== null;
    if (thT !== null) {
      y = lax.mul(t, lax.cast(lax.greater(t, thT), t.dtype));
    } else if (maxValue === 6) {
      y = relu6(t);
      clipMax = false;
    } else {
      y = reluOp(t);
    }
    if (clipMax) y = lax.clipByValue(y, zero, maxT);
    if (negativePart !== null) y = lax.sub(y, lax.mul(alphaT!, negativePart));
    return y;
  });
}

export interface EluOptions {
  alpha?: number | null;
}

/**
 * Exponential linear unit: `x` for `x > 0`, `alpha * (e^x - 1)` otherwise.
 * The exponential only ever sees `x <= 0`, so a large `x` gives neither overflow
 * nor a NaN gradient.
 *
 * @param x  a float tensor-like.
 * @param alpha  scale of the negative part (number; default 1). Also `options.alpha`.
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.TypeError when `x` is an integer or bool tensor, or `alpha` is not a number.
 * @example
 * ```ts
 * K.eval(K.elu(K.constant([-1, 0, 2]))); // [-0.6321206, 0, 2]
 * K.eval(K.elu(K.constant([-1, 2]), 0.5)); // [-0.3160603, 2]
 * ```
 */
export function elu(x: TensorLike, alpha?: number | null | EluOptions): Tensor {
  return keras(elu, () => {
    const o = options<EluOptions>(['alpha'], [alpha]);
    const a = numberArg(o.alpha, 'alpha') ?? 1;
    const t = floatInput('elu', x);
    const zero = lax.scalar(0, t.dtype);
    const pos = lax.greater(t, zero);
    // exp only ever sees x <= 0: a large x would overflow it, and where's zero
    // cotangent times an infinite derivative is a NaN gradient.
    const em1 = expm1(lax.where(pos, zero, t));
    return lax.where(pos, t, a === 1 ? em1 : lax.mul(em1, lax.scalar(a, t.dtype)));
  });
}

/**
 * Element-wise clipping of `x` to `[min_value, max_value]` (tf.clip_by_value). The
 * bounds are numbers or tensors that broadcast to the shape of `x`; null leaves
 * that side unbounded. As in Keras, number bounds with `max_value < min_value`
 * clip everything to `min_value`. At a bound the gradient goes to `x`, as TensorFlow's.
 *
 * @param x  a numeric tensor-like.
 * @param min_value  lower bound: a number, a tensor-like, or null for none.
 * @param max_value  upper bound: a number, a tensor-like, or null for none.
 * @returns a tensor of the shape and dtype of `x`.
 * @throws K.ValueError when a bound does not broadcast to the shape of `x`.
 * @throws K.TypeError when `x` is bool, or a bound tensor has another dtype.
 * @example
 * ```ts
 * const x = K.constant([-2, 0.5, 3]);
 * K.eval(K.clip(x, 0, 1)); // [0, 0.5, 1]
 * K.eval(K.clip(x, null, 1)); // [-2, 0.5, 1]
 * ```
 */
export function clip(
  x: TensorLike,
  min_value: TensorLike | null | undefined,
  max_value: TensorLike | null | undefined
): Tensor {
  return keras(clip, () => {
    const t = numericInput(x);
    let hiArg = max_value;
    if (typeof min_value === 'number' && typeof hiArg === 'number' && hiArg < min_value) hiArg = min_value;
    // Keras passes -inf/inf for null, which tf.clip_by_value cannot convert to
    // an integer dtype; an integer tensor is just left unbounded on that side.
    const bound = (v: TensorLike | null | undefined, inf: number, arg: string): Tensor | null => {
      if (v === null || v === undefined) return isFloat(t.dtype) ? lax.scalar(inf, t.dtype) : null;
      const b = toTensorLike('clip', v, t, arg);
      if (b.dtype !== t.dtype) throw typeError('clip', `${arg} has dtype ${b.dtype}, but x is ${t.dtype}`);
      if (!broadcastsTo(b.shape, t.shape)) {
        throw valueError(
          'clip',
          `${arg} of shape ${fmtShape(b.shape)} does not broadcast to the shape of x ${fmtShape(t.shape)}`
        );
      }
      return b;
    };
    const lo = bound(min_value, -Infinity, 'min_value');
    const hi = bound(hiArg, Infinity, 'max_value');
    return lax.clipByValue(t, lo, hi);
  });
}

// ---- two tensors -----------------------------------------------------------

/**
 * Element-wise maximum of `x` and `y` (tf.maximum), broadcasting as numpy does.
 * Where they tie, the gradient goes to `x`, as in TensorFlow.
 *
 * @param x  first operand: a tensor, number, nested array, ndarray or typed array.
 * @param y  second operand; broadcasts against `x` as in numpy.
 * @returns a tensor of the broadcast shape, in the operands' dtype.
 * @throws K.ValueError when the shapes do not broadcast.
 * @throws K.TypeError when two tensors of different dtypes are given.
 * @example
 * ```ts
 * const x = K.variable([[1, 2], [3, 4]], 'int32');
 * const y = K.variable([[2, 1], [0, -1]], 'int32');
 * K.eval(K.maximum(x, y)); // [[2, 2], [3, 4]]
 * ```
 */
export function maximum(x: TensorLike, y: TensorLike): Tensor {
  return keras(maximum, () => lax.maximum(...toPair('maximum', x, y)));
}

/**
 * Element-wise minimum of `x` and `y` (tf.minimum), broadcasting as numpy does.
 * Where they tie, the gradient goes to `x`, as in TensorFlow.
 *
 * @param x  first operand: a tensor, number, nested array, ndarray or typed array.
 * @param y  second operand; broadcasts against `x` as in numpy.
 * @returns a tensor of the broadcast shape, in the operands' dtype.
 * @throws K.ValueError when the shapes do not broadcast.
 * @throws K.TypeError when two tensors of different dtypes are given.
 * @example
 * ```ts
 * K.eval(K.minimum(K.constant([1, 5, 3]), 2)); // [1, 2, 2]
 * ```
 */
export function minimum(x: TensorLike, y: TensorLike): Tensor {
  return keras(minimum, () => lax.minimum(...toPair('minimum', x, y)));
}

/**
 * Element-wise truth value of `x == y` (tf.equal), broadcasting as numpy does.
 *
 * @param x  first operand (tensor-like; bool allowed).
 * @param y  second operand; a plain value takes the dtype of the tensor operand.
 * @returns a bool tensor of the broadcast shape (K.eval gives 0/1 in a Uint8Array).
 * @throws K.ValueError when the shapes do not broadcast.
 * @throws K.TypeError when two tensors of different dtypes are given.
 * @example
 * ```ts
 * K.eval(K.equal(K.constant([1, 2, 3]), 2)); // [0, 1, 0]
 * ```
 */
export function equal(x: TensorLike, y: TensorLike): Tensor {
  return keras(equal, () => lax.equal(...toPair('equal', x, y)));
}

/**
 * Element-wise truth value of `x != y` (tf.not_equal), broadcasting as numpy does.
 *
 * @param x  first operand (tensor-like; bool allowed).
 * @param y  second operand; a plain value takes the dtype of the tensor operand.
 * @returns a bool tensor of the broadcast shape (K.eval gives 0/1 in a Uint8Array).
 * @throws K.ValueError when the shapes do not broadcast.
 * @throws K.TypeError when two tensors of different dtypes are given.
 * @example
 * ```ts
 * K.eval(K.not_equal(K.constant([1, 2, 3]), 2)); // [1, 0, 1]
 * ```
 */
export function not_equal(x: TensorLike, y: TensorLike): Tensor {
  return keras(not_equal, () => lax.notEqual(...toPair('not_equal', x, y)));
}

/**
 * Element-wise truth value of `x > y`, broadcasting as numpy does (tf.math.greater).
 * Ordering comparisons take numeric operands only (TensorFlow has no bool kernel for them).
 *
 * @param x  first operand (tensor-like).
 * @param y  second operand; a plain value takes the dtype of the tensor operand.
 * @returns a bool tensor of the broadcast shape (K.eval gives 0/1 in a Uint8Array).
 * @throws K.ValueError when the shapes do not broadcast.
 * @throws K.TypeError when an operand is bool, or two tensors have different dtypes.
 * @example
 * ```ts
 * const x = K.constant([1, 2, 3]);
 * K.eval(K.greater(x, 2)); // [0, 0, 1]
 * ```
 */
export function greater(x: TensorLike, y: TensorLike): Tensor {
  return keras(greater, () => lax.greater(...ordered(x, y)));
}

/**
 * Element-wise truth value of `x >= y`, broadcasting as numpy does (tf.math.greater_equal).
 * Ordering comparisons take numeric operands only (TensorFlow has no bool kernel for them).
 *
 * @param x  first operand (tensor-like).
 * @param y  second operand; a plain value takes the dtype of the tensor operand.
 * @returns a bool tensor of the broadcast shape (K.eval gives 0/1 in a Uint8Array).
 * @throws K.ValueError when the shapes do not broadcast.
 * @throws K.TypeError when an operand is bool, or two tensors have different dtypes.
 * @example
 * ```ts
 * const x = K.constant([1, 2, 3]);
 * K.eval(K.greater_equal(x, 2)); // [0, 1, 1]
 * ```
 */
export function greater_equal(x: TensorLike, y: TensorLike): Tensor {
  return keras(greater_equal, () => lax.greaterEqual(...ordered(x, y)));
}

/**
 * Element-wise truth value of `x < y`, broadcasting as numpy does (tf.math.less).
 * Ordering comparisons take numeric operands only (TensorFlow has no bool kernel for them).
 *
 * @param x  first operand (tensor-like).
 * @param y  second operand; a plain value takes the dtype of the tensor operand.
 * @returns a bool tensor of the broadcast shape (K.eval gives 0/1 in a Uint8Array).
 * @throws K.ValueError when the shapes do not broadcast.
 * @throws K.TypeError when an operand is bool, or two tensors have different dtypes.
 * @example
 * ```ts
 * const x = K.constant([1, 2, 3]);
 * K.eval(K.less(x, 2)); // [1, 0, 0]
 * ```
 */
export function less(x: TensorLike, y: TensorLike): Tensor {
  return keras(less, () => lax.less(...ordered(x, y)));
}

/**
 * Element-wise truth value of `x <= y`, broadcasting as numpy does (tf.math.less_equal).
 * Ordering comparisons take numeric operands only (TensorFlow has no bool kernel for them).
 *
 * @param x  first operand (tensor-like).
 * @param y  second operand; a plain value takes the dtype of the tensor operand.
 * @returns a bool tensor of the broadcast shape (K.eval gives 0/1 in a Uint8Array).
 * @throws K.ValueError when the shapes do not broadcast.
 * @throws K.TypeError when an operand is bool, or two tensors have different dtypes.
 * @example
 * ```ts
 * const x = K.constant([1, 2, 3]);
 * K.eval(K.less_equal(x, 2)); // [1, 1, 0]
 * ```
 */
export function less_equal(x: TensorLike, y: TensorLike): Tensor {
  return keras(less_equal, () => lax.lessEqual(...ordered(x, y)));
}

// ---- helpers ---------------------------------------------------------------

function numericInput(x: TensorLike): Tensor {
  const t = toTensor(runningName(), x);
  if (t.dtype === 'bool')
    throw typeError(runningName(), `x must be numeric; got a bool tensor of shape ${fmtShape(t.shape)}`);
  return t;
}

/** A scalar option given as a JS number (null when absent). */
function numberArg(v: unknown, arg: string): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number') throw typeError(runningName(), `${arg} must be a number; got ${typeof v}`);
  return v;
}

/** Two operands named x and `arg`; a plain value takes the other's dtype. */
function operands(x: TensorLike, y: TensorLike, arg: string): [Tensor, Tensor] {
  if (x instanceof Tensor) return [x, toTensorLike(runningName(), y, x, arg)];
  if (y instanceof Tensor) return [toTensorLike(runningName(), x, y, 'x'), y];
  const a = toTensor(runningName(), x);
  return [a, toTensorLike(runningName(), y, a, arg)];
}

/** Operands of an ordering comparison: TensorFlow's Greater/Less have no bool kernel. */
function ordered(x: TensorLike, y: TensorLike): [Tensor, Tensor] {
  const [a, b] = toPair(runningName(), x, y);
  if (a.dtype === 'bool' || b.dtype === 'bool')
    throw typeError(runningName(), `x and y must be numeric; got ${a.dtype} and ${b.dtype}`);
  return [a, b];
}

/**
 * tf.nn.relu: its gradient is 0 at x = 0; NaN stays NaN (TF's max(x, 0) keeps it), so the test is x <= 0.
 * Where nothing is recorded (K.no_grad: inference) on the cpu it is max(x, 0), the same values
 * (-0 gives 0, NaN stays NaN) in one kernel instead of a comparison and a select. (GLSL's
 * comparisons may keep -0 from max(-0, 0), so the gpu keeps the select.)
 */
function reluOp(x: Tensor): Tensor {
  const zero = lax.scalar(0, x.dtype);
  if (!isRecording() && x.storage !== null && currentDevice() === 'cpu') return lax.maximum(x, zero);
  return lax.where(lax.lessEqual(x, zero), zero, x);
}

/** tf.nn.relu6: gradient 1 only on 0 < x < 6; NaN stays NaN. */
function relu6(x: Tensor): Tensor {
  const six = lax.scalar(6, x.dtype);
  return reluOp(lax.where(lax.greaterEqual(x, six), six, x));
}

/** e^x - 1 as tanh(x/2) (e^x + 1): no cancellation near 0, made of primitives. */
function expm1(x: Tensor): Tensor {
  const c = (v: number) => lax.scalar(v, x.dtype);
  return lax.mul(lax.tanh(lax.mul(x, c(0.5))), lax.add(lax.exp(x), c(1)));
}

function flat(v: NestedArray): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v];
}

methods.add = add;
methods.sub = subtract;
methods.mul = multiply;
methods.div = divide;
methods.neg = negative;
