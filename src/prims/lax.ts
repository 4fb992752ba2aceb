// Thin, typed callers of the primitives on tensors (in the spirit of JAX's lax).
// VJPs and Keras functions are written with these; no argument parsing here.
import { fmtShape, valueError } from '../core/context.js';
import { allocate, type DType } from '../core/dtype.js';
import { broadcastAxes, isKnown, sameShape } from '../core/shape.js';
import { type Tensor, hostTensor } from '../core/tensor.js';
import { registerStacking } from '../core/convert.js';
import { apply } from './apply.js';
import type { CallAttrs, ConvGeometry, CustomAttrs, PoolWindow, RandomDraw } from '../core/primitives.js';

const E = {};
export const neg = (x: Tensor) => apply('neg', [x], E);
export const abs = (x: Tensor) => apply('abs', [x], E);
export const sign = (x: Tensor) => apply('sign', [x], E);
export const round = (x: Tensor) => apply('round', [x], E);
export const exp = (x: Tensor) => apply('exp', [x], E);
export const log = (x: Tensor) => apply('log', [x], E);
export const sqrt = (x: Tensor) => apply('sqrt', [x], E);
export const sin = (x: Tensor) => apply('sin', [x], E);
export const cos = (x: Tensor) => apply('cos', [x], E);
export const tanh = (x: Tensor) => apply('tanh', [x], E);
export const sigmoid = (x: Tensor) => apply('sigmoid', [x], E);
export const softplus = (x: Tensor) => apply('softplus', [x], E);

export const add = (x: Tensor, y: Tensor) => apply('add', [x, y], E);
export const sub = (x: Tensor, y: Tensor) => apply('sub', [x, y], E);
export const mul = (x: Tensor, y: Tensor) => apply('mul', [x, y], E);
export const div = (x: Tensor, y: Tensor) => apply('div', [x, y], E);
export const pow = (x: Tensor, y: Tensor) => apply('pow', [x, y], E);
export const maximum = (x: Tensor, y: Tensor) => apply('maximum', [x, y], E);
export const minimum = (x: Tensor, y: Tensor) => apply('minimum', [x, y], E);

export const equal = (x: Tensor, y: Tensor) => apply('equal', [x, y], E);
export const notEqual = (x: Tensor, y: Tensor) => apply('not_equal', [x, y], E);
export const greater = (x: Tensor, y: Tensor) => apply('greater', [x, y], E);
export const greaterEqual = (x: Tensor, y: Tensor) => apply('greater_equal', [x, y], E);
export const less = (x: Tensor, y: Tensor) => apply('less', [x, y], E);
export const lessEqual = (x: Tensor, y: Tensor) => apply('less_equal', [x, y], E);
export const where = (c: Tensor, x: Tensor, y: Tensor) => apply('where', [c, x, y], E);

export const cast = (x: Tensor, dtype: DType) => (x.dtype === dtype ? x : apply('cast', [x], { dtype }));

export const sum = (x: Tensor, axes: number[], keepdims = false) => apply('sum', [x], { axes, keepdims });
export const max = (x: Tensor, axes: number[], keepdims = false) => apply('max', [x], { axes, keepdims });
export const min = (x: Tensor, axes: number[], keepdims = false) => apply('min', [x], { axes, keepdims });
export const prod = (x: Tensor, axes: number[], keepdims = false) => apply('prod', [x], { axes, keepdims });
export const argmax = (x: Tensor, axis: number) => apply('argmax', [x], { axis });
export const argmin = (x: Tensor, axis: number) => apply('argmin', [x], { axis });

/** Softmax along `axis` (src/prims/activation.ts). */
export const softmax = (x: Tensor, axis: number) => apply('softmax', [x], { axis });
/** g y (1 - y) and g (1 - y^2): the gradients of sigmoid and tanh from their output y. */
export const sigmoidGrad = (y: Tensor, g: Tensor) => apply('sigmoid_grad', [y, g], E);
export const tanhGrad = (y: Tensor, g: Tensor) => apply('tanh_grad', [y, g], E);

/**
 * `like` (optional) supplies the run-time dims where `shape` has unknown (-1) ones, by position.
 * Without it, K.function infers one unknown dim from the size; more cannot be resolved.
 */
export function reshape(x: Tensor, shape: number[], like?: Tensor): Tensor {
  // Equal static shapes with unknown dims may differ when the graph runs: `like` decides then.
  if (sameShape(x.shape, shape) && (like === undefined || isKnown(shape))) return x;
  if (like === undefined && shape.filter((d) => d < 0).length > 1) {
    throw valueError(
      'reshape',
      `cannot reshape x of shape ${fmtShape(x.shape)} into ${fmtShape(shape)}: a graph can infer only one unknown dimension of a reshape`
    );
  }
  return apply('reshape', [x], like !== undefined && !isKnown(shape) ? { shape, like } : { shape });
}
/**
 * A reshape that merges runs of x's axes (and inserts axes of 1): output axis
 * k is the product of x's axes `groups[k]` (empty: 1). Any number of x's dims
 * may be unknown; K.function multiplies the run-time ones.
 */
export function mergeAxes(x: Tensor, groups: readonly (readonly number[])[]): Tensor {
  const shape = groups.map((g) => {
    const dims = g.map((k) => x.shape[k]!);
    if (dims.includes(0)) return 0;
    return dims.some((d) => d < 0) ? -1 : dims.reduce((p, d) => p * d, 1);
  });
  if (sameShape(x.shape, shape)) return x;
  return apply('reshape', [x], isKnown(shape) ? { shape } : { shape, from: groups });
}

/**
 * reshape with unknown dims taken from x's own run-time axes `from[i]`, or from
 * another tensor's (`other.like`'s axis `other.fromLike[i]`); one left is inferred from the size.
 */
export const reshapeFrom = (
  x: Tensor,
  shape: number[],
  from: readonly (readonly number[] | null)[],
  other?: { like: Tensor; fromLike: readonly (number | null)[] }
) => apply('reshape', [x], other === undefined ? { shape, from } : { shape, from, ...other });

export const transpose = (x: Tensor, perm: number[]) => apply('transpose', [x], { perm });
export const broadcastTo = (x: Tensor, shape: number[], like?: Tensor) =>
  sameShape(x.shape, shape) && (like === undefined || isKnown(shape))
    ? x
    : apply('broadcast_to', [x], like !== undefined && !isKnown(shape) ? { shape, like } : { shape });
/** tf.slice: unknown (-1) sizes are the rest of x's run-time axis after `begin`. */
export function sliceToEnd(x: Tensor, begin: number[], size: number[]): Tensor {
  // Where x's dim is known, the rest of it is known now.
  const sizes = size.map((n, i) => (n < 0 && x.shape[i]! >= 0 ? x.shape[i]! - begin[i]! : n));
  return apply('slice', [x], isKnown(sizes) ? { begin, size: sizes } : { begin, size: sizes, rest: true });
}
/** `like` (optional) supplies the run-time sizes where `size` has unknown (-1) ones, by position. */
export const slice = (x: Tensor, begin: number[], size: number[], like?: Tensor) =>
  apply('slice', [x], like !== undefined && !isKnown(size) ? { begin, size, like } : { begin, size });
/** An after-padding of -1 pads up to the run-time dim of `like` (by position). */
export const pad = (x: Tensor, pads: [number, number][], like?: Tensor) =>
  apply('pad', [x], like !== undefined && pads.some(([, q]) => q < 0) ? { pads, like } : { pads });
export const matmul = (x: Tensor, y: Tensor) => apply('matmul', [x, y], E);
export const stopGradient = (x: Tensor) => apply('stop_gradient', [x], E);

/** Swap the last two axes (a matrix transpose, batched). */
export function swapLast(x: Tensor): Tensor {
  const perm = [...x.shape.keys()];
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1]!, perm[n - 2]!];
  return transpose(x, perm);
}

/** Sum a broadcast result back to the shape of `like` (the unbroadcast of a gradient). */
export function sumTo(g: Tensor, like: Tensor): Tensor {
  const shape = like.shape;
  if (isKnown(shape))
    return sameShape(g.shape, shape) ? g : reshape(sum(g, broadcastAxes(shape, g.shape), true), shape);
  // Unknown dims: a broadcast that happens only at run time (a dim of like that
  // turns out to be 1) is summed then too (the sum's axes are resolved from
  // like's run-time shape), and the result takes like's run-time shape.
  const summed = apply('sum', [g], { axes: broadcastAxes(shape, g.shape), keepdims: true, like });
  // Same rank and static shape: the sum (keepdims) already has like's run-time shape.
  return sameShape(summed.shape, shape) ? summed : apply('reshape', [summed], { shape, like });
}

/** A constant scalar leaf (no node: nothing to differentiate). */
export function scalar(v: number, dtype: DType): Tensor {
  const data = allocate(dtype, 1);
  data[0] = v;
  return hostTensor(data, [], dtype);
}

/** The constant e_i of length n: a seed that picks one output of a Jacobian. */
export function basisVector(n: number, i: number, dtype: DType): Tensor {
  const data = allocate(dtype, n);
  data[i] = 1;
  return hostTensor(data, [n], dtype);
}

/** The n x n identity, a constant (the one-hot basis, a row each). */
export function identity(n: number, dtype: DType): Tensor {
  const data = allocate(dtype, n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return hostTensor(data, [n, n], dtype);
}

export const zerosLike = (x: Tensor) => broadcastTo(scalar(0, x.dtype), x.shape, x);
export const onesLike = (x: Tensor) => broadcastTo(scalar(1, x.dtype), x.shape, x);

// Indexing (src/prims/indexing.ts).
export const concat = (xs: readonly Tensor[], axis: number) => apply('concat', xs, { axis });
export const reverse = (x: Tensor, axes: number[]) => (axes.length === 0 ? x : apply('reverse', [x], { axes }));
export const gather = (ref: Tensor, indices: Tensor, axis: number) => apply('gather', [ref, indices], { axis });
/** A `size` of -1 is the run-time dim of `like` along `axis`. */
export const scatterAdd = (updates: Tensor, indices: Tensor, axis: number, size: number, like?: Tensor) =>
  apply('scatter_add', [updates, indices], like !== undefined && size < 0 ? { axis, size, like } : { axis, size });

// Scans (src/prims/scan.ts).
export const cumsum = (x: Tensor, axis: number, exclusive = false, reverse = false) =>
  apply('cumsum', [x], { axis, exclusive, reverse });
export const cumprod = (x: Tensor, axis: number, exclusive = false, reverse = false) =>
  apply('cumprod', [x], { axis, exclusive, reverse });
/** h_i = a_i * h_{i-1} + b_i along axis from h = 0 (reverse: from the end). */
export const affineScan = (a: Tensor, b: Tensor, axis: number, reverse = false) =>
  apply('affine_scan', [a, b], { axis, reverse });
export const print = (x: Tensor, message: string, summarize: number) => apply('print', [x], { message, summarize });

// Convolutions (src/prims/conv.ts), channels_last.
export const conv = (x: Tensor, w: Tensor, geom: ConvGeometry) => apply('conv', [x, w], geom);
/** `like` (the conv's x) gives the run-time spatial sizes where inputSize has unknown ones. */
export const convBackpropInput = (
  g: Tensor,
  w: Tensor,
  inputSize: readonly number[],
  geom: ConvGeometry,
  like?: Tensor
) =>
  apply(
    'conv_backprop_input',
    [g, w],
    like !== undefined && !isKnown(inputSize) ? { ...geom, inputSize, like } : { ...geom, inputSize }
  );
export const convBackpropFilter = (x: Tensor, g: Tensor, kernelSize: readonly number[], geom: ConvGeometry) =>
  apply('conv_backprop_filter', [x, g], { ...geom, kernelSize });

// Pooling (src/prims/pool.ts), channels_last.
export const maxPool = (x: Tensor, a: PoolWindow) => apply('max_pool', [x], a);
export const maxPoolArgmax = (x: Tensor, a: PoolWindow) => apply('max_pool_argmax', [x], a);
export const avgPool = (x: Tensor, a: PoolWindow) => apply('avg_pool', [x], a);
/** The transpose of avg_pool: g of the pooled shape back to avg_pool's input shape `shape`. */
export const avgPoolGrad = (g: Tensor, a: PoolWindow, shape: number[], like?: Tensor) =>
  apply('avg_pool_grad', [g], like !== undefined && !isKnown(shape) ? { ...a, shape, like } : { ...a, shape });

// Random draws and the run-time shape (src/prims/random.ts).
/** A random draw; `shape` (a 1-D integer tensor) gives its dims when some are known only at run time. */
export const random = (draw: RandomDraw, shape: Tensor | null) => apply('random', shape === null ? [] : [shape], draw);
/** x's dims as a 1-D int32 tensor, read when the graph runs (unknown dims included). */
export const shapeOf = (x: Tensor) => apply('shape_of', [x], { dims: x.shape.slice() });

/** A node computed by `attrs.run` when the graph runs (src/grad/call.ts makes them). */
export const call = (inputs: readonly Tensor[], attrs: CallAttrs) => apply('call', inputs, attrs);
/** A node passing through its last input's value, whose gradient is the user's (K.custom_gradient, K.checkpoint). */
export const custom = (inputs: readonly Tensor[], attrs: CustomAttrs) => apply('custom', inputs, attrs);

/** tf.clip_by_value: minimum, then maximum, so a tie passes the gradient to x (null: no bound). */
export function clipByValue(x: Tensor, lo: Tensor | null, hi: Tensor | null): Tensor {
  const capped = hi === null ? x : minimum(x, hi);
  return lo === null ? capped : maximum(capped, lo);
}

/**
 * 0..n-1 laid along `axis` of a shape of ones, n being x's dim there: a
 * constant when it is known, else counted when the graph runs (a cumulative
 * sum of ones), so class indices work with an unknown number of classes.
 */
export function indicesAlong(x: Tensor, axis: number, dtype: DType): Tensor {
  const n = x.shape[axis]!;
  if (n >= 0) return aranged(n, axis, x.rank, dtype);
  const shape = x.shape.map((_d, i) => (i === axis ? -1 : 1));
  const ones = broadcastTo(scalar(1, dtype), shape, x);
  return sub(cumsum(ones, axis), scalar(1, dtype));
}

/** A constant 0..n-1 laid along `axis` of a rank-`rank` shape of ones. */
export function aranged(n: number, axis: number, rank: number, dtype: DType): Tensor {
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = i;
  const shape = new Array<number>(rank).fill(1);
  shape[axis] = n;
  return hostTensor(data, shape, dtype);
}

// Nested lists holding tensors convert by stacking (src/core/convert.ts), as TF's conversion packs them.
registerStacking((parts) =>
  concat(
    parts.map((t) => reshape(t, [1, ...t.shape])),
    0
  )
);
