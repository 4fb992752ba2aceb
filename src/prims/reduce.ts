// Reductions over any set of axes (sorted, normalised by the caller) and arg-reductions.
import { fmtShape, typeError, valueError } from '../core/context.js';
import { broadcastAxes, reducedShape } from '../core/shape.js';
import * as lax from './lax.js';
import { indexAlong, reducing } from './batching.js';
import type { ReduceAttrs, Reduction, Meta } from '../core/primitives.js';
import { inversePerm } from './shape.js';
import { vjp, type OpSpec } from './spec.js';
import type { Tensor } from '../core/tensor.js';

function reduce(op: string, boolOk: boolean) {
  return ([x]: readonly [Meta], a: Reduction): Meta => {
    if (!boolOk && x.dtype === 'bool') throw typeError(op, `x must be numeric; got bool of shape ${fmtShape(x.shape)}`);
    for (const ax of a.axes) {
      if (ax < 0 || ax >= x.shape.length)
        throw valueError(op, `axis ${ax} is out of range for x of shape ${fmtShape(x.shape)}`);
    }
    return { shape: reducedShape(x.shape, a.axes, a.keepdims), dtype: x.dtype };
  };
}

function argReduce(op: string) {
  return ([x]: readonly [Meta], a: { axis: number }): Meta => {
    if (a.axis < 0 || a.axis >= x.shape.length)
      throw valueError(op, `axis ${a.axis} is out of range for x of shape ${fmtShape(x.shape)}`);
    return { shape: reducedShape(x.shape, [a.axis], false), dtype: 'int64' };
  };
}

/** The cotangent of a reduction, reshaped with kept axes and broadcast back to x's shape. */
function spread(g: Tensor, x: Tensor, a: Reduction): Tensor {
  return lax.broadcastTo(lax.reshape(g, reducedShape(x.shape, a.axes, true), x), x.shape, x);
}

/** Each element's product of the other elements of its slice over `axes` (sorted). */
function othersProduct(x: Tensor, axes: readonly number[]): Tensor {
  if (axes.length === 0) return lax.onesLike(x);
  const around = (t: Tensor, axis: number) =>
    lax.mul(lax.cumprod(t, axis, true, false), lax.cumprod(t, axis, true, true));
  if (axes.length === 1) return around(x, axes[0]!);
  // Several axes: moved last and flattened into one.
  const kept = [...x.shape.keys()].filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const moved = lax.transpose(x, perm);
  const k = kept.length;
  const flat = lax.mergeAxes(moved, [...kept.map((_i, j) => [j]), axes.map((_a, j) => k + j)]);
  return lax.transpose(lax.reshape(around(flat, kept.length), moved.shape, moved), inversePerm(perm));
}

/** max/min: the gradient is shared equally among the tied extremes, as in TensorFlow. */
function extremumGrad(g: Tensor, c: { inputs: readonly [Tensor]; out: Tensor; attrs: Reduction }): Tensor {
  const x = c.inputs[0];
  const hit = lax.cast(lax.equal(x, spread(c.out, x, c.attrs)), x.dtype);
  const count = lax.sum(hit, c.attrs.axes, true);
  return lax.div(lax.mul(spread(g, x, c.attrs), hit), count);
}

export const reducePrims = {
  sum: {
    doc: 'sum over axes',
    infer: reduce('sum', false),
    batch: reducing('sum'),
    vjp: [
      vjp('broadcast(g)', (g, c) =>
        // Axes chosen at run time (keepdims): g already has x's rank.
        c.attrs.like === undefined
          ? spread(g, c.inputs[0], c.attrs)
          : lax.broadcastTo(g, c.inputs[0].shape, c.inputs[0])
      ),
    ],
    resolve: (a, [x], like) => {
      if (a.like === undefined || like === null) return null;
      const axes = broadcastAxes(like, x.shape);
      return { attrs: { axes, keepdims: true }, name: 'axes', given: a.axes, done: axes };
    },
  },
  max: {
    doc: 'max over axes',
    infer: reduce('max', true),
    batch: reducing('max'),
    vjp: [vjp('broadcast(g) * [x == max] / #ties', extremumGrad)],
  },
  min: {
    doc: 'min over axes',
    infer: reduce('min', true),
    batch: reducing('min'),
    vjp: [vjp('broadcast(g) * [x == min] / #ties', extremumGrad)],
  },
  prod: {
    doc: 'product over axes',
    infer: reduce('prod', false),
    batch: reducing('prod'),
    // The product of the other elements, as exclusive running products from
    // either end multiplied: no division, so exact with any zeros in x, and
    // cumprod's own VJP is division-free, so the second order is exact too.
    vjp: [
      vjp('broadcast(g) * prod(x_j, j != i)', (g, c) =>
        lax.mul(spread(g, c.inputs[0], c.attrs), othersProduct(c.inputs[0], c.attrs.axes))
      ),
    ],
  },
  argmax: {
    doc: 'index of the max along axis',
    infer: argReduce('argmax'),
    batch: indexAlong('argmax'),
    vjp: { nonDifferentiable: 'an index is piecewise constant' },
  },
  argmin: {
    doc: 'index of the min along axis',
    infer: argReduce('argmin'),
    batch: indexAlong('argmin'),
    vjp: { nonDifferentiable: 'an index is piecewise constant' },
  },
} satisfies { [P in keyof ReduceAttrs]: OpSpec<P> };
