// Convolution primitives (issue 5): one N-d convolution over channels_last
// values (1, 2 or 3 spatial axes) and its two backprops, each a primitive of
// its own because each has a fast kernel of its own (im2col + gemm on the cpu,
// a direct loop per output element on the gpu).
//
// The three are bilinear and transpose one another, so every VJP is one of
// the three again and gradients of any order stay inside this family:
//   y  = conv(x, w)                    dx = conv_backprop_input(g, w)   dw = conv_backprop_filter(x, g)
//   dx = conv_backprop_input(g, w)     dg = conv(h, w)                  dw = conv_backprop_filter(h, g)
//   dw = conv_backprop_filter(x, g)    dx = conv_backprop_input(g, h)   dg = conv(x, h)
// (h: the cotangent of the primitive's output). Padding is explicit (before,
// after) per spatial axis; the Keras functions turn 'same'/'valid'/'causal'
// into numbers. groups = input channels gives a depthwise convolution.
import { fmtShape, typeError, valueError, showRaw } from '../core/context.js';
import { isFloat } from '../core/dtype.js';
import { isKnown, UNKNOWN } from '../core/shape.js';
import * as lax from './lax.js';
import { front, moveAxis } from './batching.js';
import { exampleShape } from '../core/batch.js';
import type { Tensor } from '../core/tensor.js';
import type { ConvGeometry, ConvAttrs, Meta } from '../core/primitives.js';
import { byPosition, vjp, type Batched, type OpSpec } from './spec.js';

/** The number of windows along one axis (0 when not even one fits). */
export function convOutSize(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
  pads: readonly [number, number]
): number {
  const span = (kernel - 1) * dilation + 1;
  const room = size + pads[0] + pads[1] - span;
  return room < 0 ? 0 : Math.floor(room / stride) + 1;
}

const agree = (a: number, b: number) => a === b || a === UNKNOWN || b === UNKNOWN;

function checkGeometry(prim: string, a: ConvGeometry): number {
  const n = a.strides.length;
  const ints = (v: readonly number[], min: number) => v.length === n && v.every((d) => Number.isInteger(d) && d >= min);
  if (
    n < 1 ||
    n > 3 ||
    !ints(a.strides, 1) ||
    !ints(a.dilation, 1) ||
    a.pads.length !== n ||
    !a.pads.every((p) => p.length === 2 && p.every((d) => Number.isInteger(d) && d >= 0)) ||
    !Number.isInteger(a.groups) ||
    a.groups < 1
  ) {
    throw valueError(
      prim,
      `bad geometry: strides ${showRaw(a.strides)}, dilation ${showRaw(a.dilation)}, ` +
        `pads ${showRaw(a.pads)}, groups ${a.groups} (1 to 3 spatial axes; strides, dilation, groups >= 1; pads >= 0)`
    );
  }
  return n;
}

function checkDTypes(prim: string, p: Meta, q: Meta, pn: string, qn: string): void {
  if (p.dtype !== q.dtype)
    throw typeError(prim, `${pn} and ${qn} must have the same dtype; got ${p.dtype} and ${q.dtype}`);
  if (!isFloat(p.dtype)) throw typeError(prim, `${pn} and ${qn} must be float tensors; got ${p.dtype}`);
}

function checkRank(prim: string, m: Meta, n: number, name: string): void {
  if (m.shape.length !== n + 2)
    throw valueError(prim, `${name} must have rank ${n + 2} for ${n} spatial axes; got shape ${fmtShape(m.shape)}`);
}

/** The output spatial sizes of conv on an input of spatial sizes `sizes` (unknown stays unknown). */
function outSizes(a: ConvGeometry, sizes: readonly number[], kernel: readonly number[]): number[] {
  return sizes.map((s, i) =>
    s === UNKNOWN ? UNKNOWN : convOutSize(s, kernel[i]!, a.strides[i]!, a.dilation[i]!, a.pads[i]!)
  );
}

/** The kernel's channels: C / groups in, F out (F a multiple of groups). */
function checkKernel(prim: string, w: Meta, n: number, groups: number, name: string): void {
  const out = w.shape[n + 1]!;
  if (w.shape.slice(0, n).some((d) => d < 1) || (out !== UNKNOWN && out % groups !== 0)) {
    throw valueError(
      prim,
      `${name} of shape ${fmtShape(w.shape)} must have known positive spatial sizes and output channels divisible by groups = ${groups}`
    );
  }
}

/** The geometry alone (the VJPs pass it on without the size attribute). */
function geometry(a: ConvGeometry): ConvGeometry {
  const g = { strides: a.strides, dilation: a.dilation, pads: a.pads, groups: a.groups };
  return a.same === true ? { ...g, same: true } : g;
}

/** TF's 'SAME' pads for input spatial sizes `sizes`: out = ceil(size / stride), the excess split low-first. */
export function samePads(a: ConvGeometry, sizes: readonly number[], kernel: readonly number[]): [number, number][] {
  return sizes.map((size, i) => {
    const s = a.strides[i]!;
    const span = (kernel[i]! - 1) * a.dilation[i]! + 1;
    const total = Math.max((Math.ceil(size / s) - 1) * s + span - size, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
}

/** Run-time 'same' pads for spatial sizes now known: the geometry without the flag. */
function resolvedSame<A extends ConvGeometry>(a: A, sizes: readonly number[], kernel: readonly number[]) {
  const pads = samePads(a, sizes, kernel);
  const attrs = { ...a, pads };
  delete (attrs as { same?: boolean }).same;
  return { attrs: attrs as A, name: 'pads', given: a.pads.flat(), done: pads.flat() };
}

const spatialOf = (shape: readonly number[]) => shape.slice(1, -1);
const kernelSizeOf = (shape: readonly number[]) => shape.slice(0, -2);

// K.vmap: examples of x fold into the convolution's own batch axis; examples
// of the kernel become groups (each example's channels a block of its own,
// with its own kernel: the layout of groups, so one convolution runs them all).

/** The geometry with 'same' pads fixed from one example's known sizes, and `groups` times more groups. */
function batchedGeometry(a: ConvGeometry, sizes: readonly number[], kernel: readonly number[], times: number) {
  const g = geometry(a);
  const fixed = g.same === true ? { ...g, pads: samePads(g, sizes, kernel), same: undefined } : g;
  const { same: _s, ...rest } = fixed;
  return { ...rest, groups: a.groups * times };
}

/** [B, N, ...] from t's batch axis b: the examples' N merged into one batch of B N. */
function foldExamples(t: Tensor, b: number): Tensor {
  const f = moveAxis(t, b, 0);
  return lax.reshape(f, [f.shape[0]! * f.shape[1]!, ...f.shape.slice(2)]);
}

/** t (batch axis b, or unbatched) with the examples merged into its last axis: [..., B * last]. */
function foldLast(t: Tensor, b: number | null, size: number): Tensor {
  const f = moveAxis(front(t, b, size), 0, t.rank - (b === null ? 1 : 2));
  const s = f.shape;
  return lax.reshape(f, [...s.slice(0, -2), s[s.length - 2]! * s[s.length - 1]!]);
}

/** y [..., B * last] split into [..., B, last]: the batch axis is one before the last. */
function splitLast(y: Tensor, size: number): Batched {
  const s = y.shape;
  return [lax.reshape(y, [...s.slice(0, -1), size, s[s.length - 1]! / size]), s.length - 1];
}

/** y [B N, ...] split into [B, N, ...]. */
function splitFirst(y: Tensor, size: number): Batched {
  return [lax.reshape(y, [size, y.shape[0]! / size, ...y.shape.slice(1)]), 0];
}

export const convPrims = {
  conv: {
    doc: 'y[n, o, f] = sum over window k and group channel c of x[n, o * stride + k * dilation - pad_before, group(f) * C/groups + c] * w[k, c, f]',
    infer: ([x, w], a) => {
      const n = checkGeometry('conv', a);
      checkRank('conv', x, n, 'x');
      checkRank('conv', w, n, 'kernel');
      checkDTypes('conv', x, w, 'x', 'kernel');
      checkKernel('conv', w, n, a.groups, 'kernel');
      const c = x.shape[n + 1]!,
        cg = w.shape[n]!;
      if (!agree(c, cg === UNKNOWN ? UNKNOWN : cg * a.groups)) {
        throw valueError(
          'conv',
          `x of shape ${fmtShape(x.shape)} has ${c} channels, but the kernel of shape ${fmtShape(w.shape)} ` +
            `takes ${cg} per group x ${a.groups} groups`
        );
      }
      return {
        shape: [x.shape[0]!, ...outSizes(a, spatialOf(x.shape), kernelSizeOf(w.shape)), w.shape[n + 1]!],
        dtype: x.dtype,
      };
    },
    vjp: [
      vjp('conv_backprop_input(g, w)', (g, c) =>
        lax.convBackpropInput(g, c.inputs[1], spatialOf(c.inputs[0].shape), geometry(c.attrs), c.inputs[0])
      ),
      vjp('conv_backprop_filter(x, g)', (g, c) =>
        lax.convBackpropFilter(c.inputs[0], g, kernelSizeOf(c.inputs[1].shape), geometry(c.attrs))
      ),
    ],
    resolve: (a, [x, w]) => (a.same === true ? resolvedSame(a, spatialOf(x.shape), kernelSizeOf(w.shape)) : null),
    batch: ([x, w], [bx, bw], a, c) => {
      const sizes = spatialOf(exampleShape(x.shape, bx));
      const kernel = kernelSizeOf(exampleShape(w.shape, bw));
      if (bw === null)
        return splitFirst(lax.conv(foldExamples(x, bx!), w, batchedGeometry(a, sizes, kernel, 1)), c.size);
      const geom = batchedGeometry(a, sizes, kernel, c.size);
      return splitLast(lax.conv(foldLast(x, bx, c.size), foldLast(w, bw, c.size), geom), c.size);
    },
  },
  conv_backprop_input: {
    doc: 'the transpose of conv in x: dx[n, s, c] = sum of g[n, o, f] * w[k, c, f] over the windows o, k that read s',
    infer: ([g, w], a) => {
      const prim = 'conv_backprop_input';
      const n = checkGeometry(prim, a);
      checkRank(prim, g, n, 'out_backprop');
      checkRank(prim, w, n, 'kernel');
      checkDTypes(prim, g, w, 'out_backprop', 'kernel');
      checkKernel(prim, w, n, a.groups, 'kernel');
      const sizes = a.inputSize;
      if (sizes.length !== n || !sizes.every((d) => Number.isInteger(d) && d >= UNKNOWN)) {
        throw valueError(prim, `input sizes ${showRaw(sizes)} must be ${n} non-negative integers`);
      }
      const want = outSizes(a, sizes, kernelSizeOf(w.shape));
      const gs = spatialOf(g.shape);
      if (!want.every((d, i) => agree(d, gs[i]!)) || !agree(g.shape[n + 1]!, w.shape[n + 1]!)) {
        throw valueError(
          prim,
          `out_backprop of shape ${fmtShape(g.shape)} does not match the convolution of an input of spatial ` +
            `shape ${fmtShape(sizes)} by a kernel of shape ${fmtShape(w.shape)}, which gives spatial shape ${fmtShape(want)} ` +
            `and ${w.shape[n + 1]} channels`
        );
      }
      const cin = w.shape[n]! === UNKNOWN ? UNKNOWN : w.shape[n]! * a.groups;
      return { shape: [g.shape[0]!, ...sizes, cin], dtype: g.dtype };
    },
    vjp: [
      vjp('conv(h, w)', (h, c) => lax.conv(h, c.inputs[1], geometry(c.attrs))),
      vjp('conv_backprop_filter(h, g)', (h, c) =>
        lax.convBackpropFilter(h, c.inputs[0], kernelSizeOf(c.inputs[1].shape), geometry(c.attrs))
      ),
    ],
    resolve: (a, [_g, w], like) => {
      if (isKnown(a.inputSize) && a.same !== true) return null;
      const inputSize = like === null ? a.inputSize : byPosition([-1, ...a.inputSize], like).slice(1);
      const { like: _x, ...rest } = a;
      const sized = { ...rest, inputSize };
      if (a.same === true) {
        const r = resolvedSame(sized, inputSize, kernelSizeOf(w.shape));
        return {
          ...r,
          name: 'inputSize and pads',
          given: [...a.inputSize, ...r.given],
          done: [...inputSize, ...r.done],
        };
      }
      return { attrs: sized, name: 'inputSize', given: a.inputSize, done: inputSize };
    },
    batch: ([g, w], [bg, bw], a, c) => {
      const sizes = spatialOf(c.out.shape);
      const kernel = kernelSizeOf(exampleShape(w.shape, bw));
      if (bw === null) {
        const geom = batchedGeometry(a, sizes, kernel, 1);
        return splitFirst(lax.convBackpropInput(foldExamples(g, bg!), w, sizes, geom), c.size);
      }
      const geom = batchedGeometry(a, sizes, kernel, c.size);
      return splitLast(lax.convBackpropInput(foldLast(g, bg, c.size), foldLast(w, bw, c.size), sizes, geom), c.size);
    },
  },
  conv_backprop_filter: {
    doc: 'the transpose of conv in w: dw[k, c, f] = sum over n, o of x[n, o * stride + k * dilation - pad_before, group(f) * C/groups + c] * g[n, o, f]',
    infer: ([x, g], a) => {
      const prim = 'conv_backprop_filter';
      const n = checkGeometry(prim, a);
      checkRank(prim, x, n, 'x');
      checkRank(prim, g, n, 'out_backprop');
      checkDTypes(prim, x, g, 'x', 'out_backprop');
      const ks = a.kernelSize;
      if (ks.length !== n || !ks.every((d) => Number.isInteger(d) && d >= 1)) {
        throw valueError(prim, `kernel sizes ${showRaw(ks)} must be ${n} positive integers`);
      }
      const c = x.shape[n + 1]!,
        f = g.shape[n + 1]!;
      if ((c !== UNKNOWN && c % a.groups !== 0) || (f !== UNKNOWN && f % a.groups !== 0)) {
        throw valueError(
          prim,
          `x of shape ${fmtShape(x.shape)} and out_backprop of shape ${fmtShape(g.shape)} must have channels divisible by groups = ${a.groups}`
        );
      }
      const want = outSizes(a, spatialOf(x.shape), ks);
      const gs = spatialOf(g.shape);
      if (!want.every((d, i) => agree(d, gs[i]!)) || !agree(x.shape[0]!, g.shape[0]!)) {
        throw valueError(
          prim,
          `out_backprop of shape ${fmtShape(g.shape)} does not match the convolution of x of shape ` +
            `${fmtShape(x.shape)} by a kernel of spatial shape ${fmtShape(ks)}, which gives spatial shape ${fmtShape(want)}`
        );
      }
      return { shape: [...ks, c === UNKNOWN ? UNKNOWN : c / a.groups, f], dtype: x.dtype };
    },
    vjp: [
      vjp('conv_backprop_input(g, h)', (h, c) =>
        lax.convBackpropInput(c.inputs[1], h, spatialOf(c.inputs[0].shape), geometry(c.attrs), c.inputs[0])
      ),
      vjp('conv(x, h)', (h, c) => lax.conv(c.inputs[0], h, geometry(c.attrs))),
    ],
    resolve: (a, [x]) => (a.same === true ? resolvedSame(a, spatialOf(x.shape), a.kernelSize) : null),
    batch: ([x, g], [bx, bg], a, c) => {
      const sizes = spatialOf(exampleShape(x.shape, bx));
      const geom = batchedGeometry(a, sizes, a.kernelSize, c.size);
      return splitLast(
        lax.convBackpropFilter(foldLast(x, bx, c.size), foldLast(g, bg, c.size), a.kernelSize, geom),
        c.size
      );
    },
  },
} satisfies { [P in keyof ConvAttrs]: OpSpec<P> };
