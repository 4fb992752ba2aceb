// Scan primitives: running sums and products along one axis, the affine scan
// their gradients need.
//
// Every VJP here is written with primitives and uses no division, so it is
// exact when x holds zeros and can itself be differentiated (second order
// included). The key is affine_scan, h_i = a_i * h_{i-1} + b_i: the gradient
// of a cumulative product is the exclusive product before k times a running
// sum that is itself a product-weighted recurrence,
//   d/dx_k sum_i g_i prod_{j<=i} x_j = prod_{j<k} x_j * s_k,   s_k = g_k + x_{k+1} s_{k+1},
// and affine_scan's own VJP is another affine_scan (the adjoint recurrence).
import { fmtShape, typeError, valueError } from '../core/context.js';
import { sameShape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import * as lax from './lax.js';
import { allFront, alongAxis } from './batching.js';
import type { Scan, ScanAttrs, Meta } from '../core/primitives.js';
import { vjp, type OpSpec } from './spec.js';

function checkAxis(op: string, x: Meta, axis: number): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= x.shape.length) {
    throw valueError(op, `axis ${axis} is out of range for x of shape ${fmtShape(x.shape)}`);
  }
}

function scanRule(op: string) {
  return ([x]: readonly [Meta], a: Scan): Meta => {
    if (x.dtype === 'bool') throw typeError(op, `x must be numeric; got bool of shape ${fmtShape(x.shape)}`);
    checkAxis(op, x, a.axis);
    return { shape: x.shape.slice(), dtype: x.dtype };
  };
}

/**
 * `t` moved one step along `axis`, zero where nothing moves in: 'next' puts
 * t[i+1] at i (zero at the end), 'prev' puts t[i-1] at i (zero at the start).
 */
function shift(t: Tensor, axis: number, dir: 'next' | 'prev'): Tensor {
  if (t.shape[axis] === 0) return t;
  // Padded with a zero, then t's own extent taken: no size depends on the
  // length of the axis, so it may be unknown (a placeholder's).
  const begin = t.shape.map(() => 0);
  const pads = t.shape.map((): [number, number] => [0, 0]);
  if (dir === 'next') {
    begin[axis] = 1;
    pads[axis] = [0, 1];
  } else {
    pads[axis] = [1, 0];
  }
  return lax.slice(lax.pad(t, pads), begin, t.shape, t);
}

/** The neighbour the recurrence of a scan's adjoint reads: the one after (forward scans) or before (reversed). */
const upstream = (reverse: boolean) => (reverse ? 'prev' : 'next');
const downstream = (reverse: boolean) => (reverse ? 'next' : 'prev');

export const scanPrims = {
  cumsum: {
    doc: 'running sum along axis',
    infer: scanRule('cumsum'),
    batch: alongAxis('cumsum'),
    vjp: [
      vjp('cumsum(g) in the opposite direction (same exclusive)', (g, c) =>
        lax.cumsum(g, c.attrs.axis, c.attrs.exclusive, !c.attrs.reverse)
      ),
    ],
  },
  cumprod: {
    doc: 'running product along axis',
    infer: scanRule('cumprod'),
    batch: alongAxis('cumprod'),
    // Forward, inclusive: dx_k = prod_{j<k} x_j * s_k with s_k = g_k + x_{k+1} s_{k+1}
    // (exclusive: s_k = g_{k+1} + x_{k+1} s_{k+1}); reversed scans mirror it.
    vjp: [
      vjp(
        'cumprod(x, exclusive) * s,  s_k = g_k + x_{k+1} s_{k+1}  (an affine_scan the other way; no division)',
        (g, c) => {
          const x = c.inputs[0];
          const { axis, exclusive, reverse } = c.attrs;
          const dir = upstream(reverse);
          const s = lax.affineScan(shift(x, axis, dir), exclusive ? shift(g, axis, dir) : g, axis, !reverse);
          return lax.mul(lax.cumprod(x, axis, true, reverse), s);
        }
      ),
    ],
  },
  affine_scan: {
    doc: 'h_i = a_i * h_{i-1} + b_i along axis, from h = 0 (reverse: h_i = a_i * h_{i+1} + b_i)',
    infer: ([a, b], { axis }) => {
      if (a.dtype !== b.dtype || !sameShape(a.shape, b.shape)) {
        throw typeError(
          'affine_scan',
          `a and b must have the same shape and dtype; got ${a.dtype} ${fmtShape(a.shape)} and ${b.dtype} ${fmtShape(b.shape)}`
        );
      }
      if (a.dtype === 'bool')
        throw typeError('affine_scan', `a and b must be numeric; got bool of shape ${fmtShape(a.shape)}`);
      checkAxis('affine_scan', a, axis);
      return { shape: a.shape.slice(), dtype: a.dtype };
    },
    // a and b must agree in shape: both get the batch axis first.
    batch: (ins, axes, a, c) => {
      const [x, y] = allFront(ins, axes, c.size);
      return [lax.affineScan(x!, y!, a.axis + 1, a.reverse), 0];
    },
    // The adjoint l_i = g_i + a_{i+1} l_{i+1} runs the other way; h_i depends on a_i through h_{i-1}.
    vjp: [
      vjp('l * h_{i-1},  l = affine_scan(a_{i+1}, g) reversed', (g, c) => {
        const { axis, reverse } = c.attrs;
        const l = lax.affineScan(shift(c.inputs[0], axis, upstream(reverse)), g, axis, !reverse);
        return lax.mul(l, shift(c.out, axis, downstream(reverse)));
      }),
      vjp('l = affine_scan(a_{i+1}, g) reversed', (g, c) => {
        const { axis, reverse } = c.attrs;
        return lax.affineScan(shift(c.inputs[0], axis, upstream(reverse)), g, axis, !reverse);
      }),
    ],
  },
} satisfies { [P in keyof ScanAttrs]: OpSpec<P> };
