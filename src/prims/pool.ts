// Pool primitives (issue 5). Each: shape/dtype rule and VJP side by side.
//
// x is channels_last [batch, ...spatial, channels], 1 to 3 spatial axes; the
// padding is TF's mode ('SAME' or 'VALID'), resolved against the actual
// input size by the kernels (src/cpu/pool.ts poolGeometry), so a
// symbolic input with unknown sizes needs no padding amounts. Padding is never
// a value: max takes the largest input element of the window, avg divides by
// the number of input elements in it.
//
// Gradients, written with primitives so that they differentiate again:
// - max_pool routes g to the first maximum of each window (row-major order:
//   TF's MaxPoolGrad for 2D; its 3D cpu kernel instead gives g to every element
//   within 1e-5 of the max, which is no derivative and is not copied). The
//   positions come from max_pool_argmax, and g is scatter-added there; the
//   scatter's own VJP is a gather, so the second order is exact.
// - avg_pool is linear; its VJP avg_pool_grad (each window's g / count spread
//   over the window) is its transpose, and the VJP of that is avg_pool again.
import { fmtShape, typeError, valueError, showRaw } from '../core/context.js';
import { isFloat } from '../core/dtype.js';
import { isKnown, sizeOf, UNKNOWN } from '../core/shape.js';
import * as lax from './lax.js';
import { moveAxis } from './batching.js';
import type { Tensor } from '../core/tensor.js';
import type { PoolWindow, PoolAttrs, Meta } from '../core/primitives.js';
import { byPosition, vjp, withoutLike, type OpSpec } from './spec.js';
import { poolGeometry } from './pool_geometry.js';

/** The pooled shape of an input of shape `s`, after checking the window against it. */
function pooledShape(op: string, s: readonly number[], a: PoolWindow, arg: string): number[] {
  const r = s.length - 2;
  if (r < 1 || r > 3)
    throw valueError(op, `${arg} must be [batch, ...1 to 3 spatial axes, channels]; got shape ${fmtShape(s)}`);
  const positive = (v: readonly number[]) => v.length === r && v.every((d) => Number.isInteger(d) && d > 0);
  if (!positive(a.window) || !positive(a.strides)) {
    throw valueError(
      op,
      `window ${showRaw(a.window)} and strides ${showRaw(a.strides)} must be ${r} positive integers for ${arg} of shape ${fmtShape(s)}`
    );
  }
  if (a.padding !== 'SAME' && a.padding !== 'VALID') throw valueError(op, `Invalid padding: ${showRaw(a.padding)}`);
  const { out } = poolGeometry(s.slice(1, -1), a);
  const bad = out.findIndex((d, i) => d < 0 && s[i + 1] !== UNKNOWN);
  if (bad >= 0) {
    throw valueError(
      op,
      `Computed output size would be negative: ${out[bad]} [input_size: ${s[bad + 1]}, ` +
        `window: ${a.window[bad]}, stride: ${a.strides[bad]}] for ${arg} of shape ${fmtShape(s)}`
    );
  }
  return [s[0]!, ...out, s.at(-1)!];
}

function poolRule(op: string, floatOnly: boolean, dtype?: 'int32') {
  return ([x]: readonly [Meta], a: PoolWindow): Meta => {
    if (x.dtype === 'bool' || (floatOnly && !isFloat(x.dtype))) {
      throw typeError(
        op,
        `x must be ${floatOnly ? 'a float tensor' : 'numeric'}; got ${x.dtype} of shape ${fmtShape(x.shape)}`
      );
    }
    return { shape: pooledShape(op, x.shape, a, 'x'), dtype: dtype ?? x.dtype };
  };
}

const windowOf = (a: PoolWindow): PoolWindow => ({ window: a.window, strides: a.strides, padding: a.padding });

// K.vmap: pooling treats every image alike, so the examples fold into its own batch axis.

/** The pool on x's examples folded into its batch axis, [B N, ...], and the result split back. */
function folded(x: Tensor, b: number, size: number, pool: (f: Tensor) => Tensor): Tensor {
  const f = moveAxis(x, b, 0);
  const y = pool(lax.reshape(f, [size * f.shape[1]!, ...f.shape.slice(2)]));
  return lax.reshape(y, [size, y.shape[0]! / size, ...y.shape.slice(1)]);
}

export const poolPrims = {
  max_pool: {
    doc: 'the largest element of each window (channels_last, TF padding)',
    infer: poolRule('max_pool', false),
    batch: ([x], [b], a, c) => [folded(x, b!, c.size, (f) => lax.maxPool(f, windowOf(a))), 0],
    vjp: [
      vjp('scatter_add(g, max_pool_argmax(x)) into zeros of shape(x): g to the first max of each window', (g, c) => {
        const x = c.inputs[0];
        const at = lax.maxPoolArgmax(x, windowOf(c.attrs));
        // Flat, with an unknown batch: -1 sizes that K.function resolves from the values.
        const m = isKnown(g.shape) ? sizeOf(g.shape) : UNKNOWN;
        const n = isKnown(x.shape) ? sizeOf(x.shape) : UNKNOWN;
        const flat = n === UNKNOWN ? lax.reshape(x, [UNKNOWN]) : undefined;
        return lax.reshape(lax.scatterAdd(lax.reshape(g, [m]), lax.reshape(at, [m]), 0, n, flat), x.shape, x);
      }),
    ],
  },
  max_pool_argmax: {
    doc: 'flat index into x of the first largest element of each window',
    infer: poolRule('max_pool_argmax', false, 'int32'),
    // Flat indices into all the examples: example b's start b * (its size) later.
    batch: ([x], [b], a, c) => {
      const at = folded(x, b!, c.size, (f) => lax.maxPoolArgmax(f, windowOf(a)));
      const each = x.shape.reduce((p, d) => p * d, 1) / c.size;
      const start = lax.mul(lax.aranged(c.size, 0, at.rank, 'int32'), lax.scalar(each, 'int32'));
      return [lax.sub(at, start), 0];
    },
    vjp: { nonDifferentiable: 'an index is piecewise constant' },
  },
  avg_pool: {
    doc: 'the mean of the input elements of each window (channels_last, TF padding)',
    infer: poolRule('avg_pool', true),
    batch: ([x], [b], a, c) => [folded(x, b!, c.size, (f) => lax.avgPool(f, windowOf(a))), 0],
    vjp: [
      vjp("avg_pool_grad(g): each window's g / count spread over its input elements", (g, c) =>
        lax.avgPoolGrad(g, windowOf(c.attrs), c.inputs[0].shape, c.inputs[0])
      ),
    ],
  },
  avg_pool_grad: {
    doc: "the transpose of avg_pool: each window's g / count added to its input elements",
    infer: ([g], a) => {
      if (!isFloat(g.dtype))
        throw typeError('avg_pool_grad', `g must be a float tensor; got ${g.dtype} of shape ${fmtShape(g.shape)}`);
      const want = pooledShape('avg_pool_grad', a.shape, a, 'the input shape');
      const agree =
        g.shape.length === want.length &&
        want.every((d, i) => d === g.shape[i] || d === UNKNOWN || g.shape[i] === UNKNOWN);
      if (!agree)
        throw valueError(
          'avg_pool_grad',
          `g of shape ${fmtShape(g.shape)} is not the pooled shape ${fmtShape(want)} of ${fmtShape(a.shape)}`
        );
      return { shape: a.shape.slice(), dtype: g.dtype };
    },
    batch: ([g], [b], a, c) => {
      const [n, ...rest] = c.out.shape;
      return [folded(g, b!, c.size, (f) => lax.avgPoolGrad(f, windowOf(a), [c.size * n!, ...rest])), 0];
    },
    vjp: [
      vjp('avg_pool(g): avg_pool_grad is linear, its transpose is avg_pool', (g, c) =>
        lax.avgPool(g, windowOf(c.attrs))
      ),
    ],
    resolve: (a, _ins, like) => {
      if (isKnown(a.shape)) return null;
      const shape = byPosition(a.shape, like);
      return { attrs: { ...withoutLike(a), shape }, name: 'shape', given: a.shape, done: shape };
    },
  },
} satisfies { [P in keyof PoolAttrs]: OpSpec<P> };
