// Convolution cpu kernels, on channels_last values viewed with 3 spatial axes
// (1-d and 2-d lead with axes of length 1).
//
// Ungrouped convolutions are matrix products (matmulInto of linalg.ts: the
// wasm gemm for float32) over the folded layout of conv_fold.ts, which copies
// out only the D and H taps and lets the gemm read the W taps through an
// overlapping strided view: y = xk w, dw = (g^T xk)^T, and dx the
// convolution of g by the flipped kernel at stride 1, else col2im(g w^T). A
// 1x1 kernel at stride 1 without padding needs no copy: x is the matrix.
// (Measured on the W3 bench step, 16 x 32x32x16 by 3x3x16x32, float32, one
// thread, forward + both backprops: 44 ms with plain im2col and col2im in JS
// a chunk at a time, 17 ms folded, 11 of them in the three gemms; a direct
// loop with the output channels innermost took 116 ms.)
// Grouped (depthwise) convolutions have tiny matrices, so they loop directly.
// float64 sums run in double precision; float32 products sum in float32 (the
// wasm gemm), chunks of the filter gradient and col2im's sums in double.
import type { Kernel } from '../core/backend.js';
import { allocate, type DType, type TypedArray } from '../core/dtype.js';
import { sizeOf } from '../core/shape.js';
import {
  fold,
  foldBackpropInput,
  foldFilter,
  foldForward,
  foldKernel,
  unfoldKernelT,
  type Fold,
  type Geometry3,
} from './conv_fold.js';
import { matmulInto, type Operand } from './linalg.js';
import { contiguous, type Nd, nd } from '../core/ndarray.js';
import type { ConvAttrs, ConvGeometry } from '../core/primitives.js';

/** The grouped loops' geometry with 3 spatial axes and, per axis, where each (output, tap) reads. */
interface Plan {
  batch: number;
  ins: number[];
  outs: number[];
  ks: number[];
  c: number;
  f: number;
  groups: number;
  /** taps[a][o * ks[a] + k]: the input index that output o reads with tap k, or -1 in the padding. */
  taps: Int32Array[];
}

const lift = (v: readonly number[], fill: number) => [...Array<number>(3 - v.length).fill(fill), ...v];

function plan(
  a: ConvGeometry,
  batch: number,
  inSizes: readonly number[],
  kSizes: readonly number[],
  outSizes: readonly number[],
  c: number,
  f: number
): Plan {
  const ins = lift(inSizes, 1),
    ks = lift(kSizes, 1),
    outs = lift(outSizes, 1);
  const st = lift(a.strides, 1),
    dl = lift(a.dilation, 1),
    pb = lift(
      a.pads.map((p) => p[0]),
      0
    );
  const taps = ins.map((size, ax) => {
    const t = new Int32Array(outs[ax]! * ks[ax]!);
    for (let o = 0; o < outs[ax]!; o++) {
      for (let k = 0; k < ks[ax]!; k++) {
        const i = o * st[ax]! - pb[ax]! + k * dl[ax]!;
        t[o * ks[ax]! + k] = i >= 0 && i < size ? i : -1;
      }
    }
    return t;
  });
  return { batch, ins, outs, ks, c, f, groups: a.groups, taps };
}

/** A row-major copy's data and offset (no copy when already row-major). */
function flat(a: Nd, dtype: DType): { d: TypedArray; o: number } {
  const c = contiguous(a, dtype);
  return { d: c.data, o: c.offset };
}

/**
 * Visit every output position in row-major order: `visit(row, n, od, oh, ow)`.
 */
function eachRow(p: Plan, visit: (row: number, n: number, od: number, oh: number, ow: number) => void): void {
  const [OD, OH, OW] = p.outs as [number, number, number];
  let row = 0;
  for (let n = 0; n < p.batch; n++) {
    for (let od = 0; od < OD; od++)
      for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) visit(row++, n, od, oh, ow);
  }
}

/**
 * Call `tap(kpos, xoff)` for each kernel position of output (n, od, oh, ow)
 * that reads inside x: xoff is the offset of input channel 0 there.
 */
function eachTap(
  p: Plan,
  n: number,
  od: number,
  oh: number,
  ow: number,
  tap: (kpos: number, xoff: number) => void
): void {
  const [D, H, W] = p.ins as [number, number, number];
  const [KD, KH, KW] = p.ks as [number, number, number];
  const [tD, tH, tW] = p.taps as [Int32Array, Int32Array, Int32Array];
  let kpos = 0;
  for (let kd = 0; kd < KD; kd++) {
    const id = tD[od * KD + kd]!;
    for (let kh = 0; kh < KH; kh++) {
      const ih = tH[oh * KH + kh]!;
      for (let kw = 0; kw < KW; kw++, kpos++) {
        const iw = tW[ow * KW + kw]!;
        if (id >= 0 && ih >= 0 && iw >= 0) tap(kpos, (((n * D + id) * H + ih) * W + iw) * p.c);
      }
    }
  }
}

/** A 1x1 kernel at stride 1 without padding: the convolution is one matrix product. */
function pointwise(a: ConvGeometry, ks: readonly number[]): boolean {
  return (
    a.groups === 1 &&
    ks.every((k) => k === 1) &&
    a.strides.every((s) => s === 1) &&
    a.pads.every(([b, e]) => b === 0 && e === 0)
  );
}

const operand = (data: TypedArray, offset: number, rs: number, cs: number): Operand => ({ data, offset, rs, cs });

/** The folded lowering's geometry (groups = 1). */
function geometry3(
  a: ConvGeometry,
  batch: number,
  inSizes: readonly number[],
  kSizes: readonly number[],
  outSizes: readonly number[],
  c: number,
  f: number
): Geometry3 {
  return {
    batch,
    ins: lift(inSizes, 1),
    outs: lift(outSizes, 1),
    ks: lift(kSizes, 1),
    st: lift(a.strides, 1),
    dl: lift(a.dilation, 1),
    pb: lift(
      a.pads.map((p) => p[0]),
      0
    ),
    c,
    f,
  };
}

function conv(x: Nd, w: Nd, a: ConvGeometry, out: { shape: number[]; dtype: DType }): Nd {
  const n = a.strides.length;
  const X = flat(x, out.dtype),
    Wt = flat(w, out.dtype);
  const y = allocate(out.dtype, sizeOf(out.shape));
  if (y.length === 0) return nd(y, out.shape);
  const batch = x.shape[0]!,
    ins = x.shape.slice(1, -1),
    ks = w.shape.slice(0, n),
    outs = out.shape.slice(1, -1);
  const c = x.shape[n + 1]!,
    f = w.shape[n + 1]!;
  if (pointwise(a, ks)) {
    matmulInto(operand(X.d, X.o, c, 1), operand(Wt.d, Wt.o, f, 1), y, 0, batch * sizeOf(outs), c, f);
  } else if (a.groups > 1) {
    groupedForward(plan(a, batch, ins, ks, outs, c, f), X.d, X.o, Wt.d, Wt.o, y);
  } else {
    const fp = fold(geometry3(a, batch, ins, ks, outs, c, f));
    foldForward(fp, X.d, X.o, foldKernel(fp, Wt.d, Wt.o, out.dtype), y, out.dtype);
  }
  return nd(y, out.shape);
}

/**
 * At stride 1 the input backprop is itself a convolution: of g, padded by
 * (k - 1) d - pad on each side, with the kernel flipped and its channels
 * swapped. Returns null where that padding would be negative (a pad wider
 * than the window: those rows are dropped, not read).
 */
function flippedGeometry(
  a: ConvAttrs['conv_backprop_input'],
  batch: number,
  ks: readonly number[],
  outs: readonly number[],
  c: number,
  f: number
): Geometry3 | null {
  if (a.strides.some((s) => s !== 1)) return null;
  const pads = ks.map(
    (k, i) => [(k - 1) * a.dilation[i]! - a.pads[i]![0], (k - 1) * a.dilation[i]! - a.pads[i]![1]] as const
  );
  if (pads.some(([b, e]) => b < 0 || e < 0)) return null;
  return geometry3({ strides: a.strides, dilation: a.dilation, pads, groups: 1 }, batch, outs, ks, a.inputSize, f, c);
}

/** The flipped kernel with swapped channels, in the fold's column order (kw, t, f) by c. */
function flippedKernel(fp: Fold, w: TypedArray, wo: number, dtype: DType): TypedArray {
  const [KD, KH, KW] = fp.ks as [number, number, number];
  const F = fp.c,
    C = fp.f;
  const out = allocate(dtype, fp.k * C);
  for (let kd = 0; kd < KD; kd++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const from = wo + (((KD - 1 - kd) * KH + KH - 1 - kh) * KW + KW - 1 - kw) * C * F;
        const to = (kw * fp.t + kd * KH + kh) * F * C;
        for (let c = 0; c < C; c++) for (let j = 0; j < F; j++) out[to + j * C + c] = w[from + c * F + j]!;
      }
    }
  }
  return out;
}

function backpropInput(g: Nd, w: Nd, a: ConvAttrs['conv_backprop_input'], out: { shape: number[]; dtype: DType }): Nd {
  const n = a.strides.length;
  const G = flat(g, out.dtype),
    Wt = flat(w, out.dtype);
  const size = sizeOf(out.shape);
  const dx = allocate(out.dtype, size);
  if (size === 0) return nd(dx, out.shape);
  const batch = g.shape[0]!,
    ks = w.shape.slice(0, n),
    outs = g.shape.slice(1, -1);
  const c = out.shape[n + 1]!,
    f = w.shape[n + 1]!;
  if (pointwise(a, ks)) {
    // w^T as a (f, c) matrix, read through strides.
    matmulInto(operand(G.d, G.o, f, 1), operand(Wt.d, Wt.o, 1, f), dx, 0, batch * sizeOf(outs), f, c);
    return nd(dx, out.shape);
  }
  const flipped = a.groups === 1 ? flippedGeometry(a, batch, ks, outs, c, f) : null;
  if (flipped !== null) {
    const fp = fold(flipped);
    foldForward(fp, G.d, G.o, flippedKernel(fp, Wt.d, Wt.o, out.dtype), dx, out.dtype);
    return nd(dx, out.shape);
  }
  const acc = out.dtype === 'float64' ? dx : new Float64Array(size);
  if (a.groups > 1)
    groupedBackpropInput(plan(a, batch, a.inputSize, ks, outs, c, f), G.d, G.o, Wt.d, Wt.o, acc as Float64Array);
  else {
    const fp = fold(geometry3(a, batch, a.inputSize, ks, outs, c, f));
    foldBackpropInput(fp, G.d, G.o, foldKernel(fp, Wt.d, Wt.o, out.dtype), acc, out.dtype);
  }
  if (acc !== dx) dx.set(acc);
  return nd(dx, out.shape);
}

function backpropFilter(
  x: Nd,
  g: Nd,
  a: ConvAttrs['conv_backprop_filter'],
  out: { shape: number[]; dtype: DType }
): Nd {
  const n = a.strides.length;
  const X = flat(x, out.dtype),
    G = flat(g, out.dtype);
  const batch = x.shape[0]!,
    ins = x.shape.slice(1, -1),
    outs = g.shape.slice(1, -1);
  const c = x.shape[n + 1]!,
    f = g.shape[n + 1]!;
  const size = sizeOf(out.shape),
    rows = batch * sizeOf(outs);
  const dw = allocate(out.dtype, size);
  if (size === 0 || rows === 0) return nd(dw, out.shape);
  if (pointwise(a, a.kernelSize)) {
    // dw = x^T g: x read as a (c, rows) matrix through strides.
    matmulInto(operand(X.d, X.o, 1, c), operand(G.d, G.o, f, 1), dw, 0, c, rows, f);
    return nd(dw, out.shape);
  }
  if (a.groups > 1) {
    const acc = new Float64Array(size);
    groupedBackpropFilter(plan(a, batch, ins, a.kernelSize, outs, c, f), X.d, X.o, G.d, G.o, acc);
    dw.set(acc);
    return nd(dw, out.shape);
  }
  const fp = fold(geometry3(a, batch, ins, a.kernelSize, outs, c, f));
  unfoldKernelT(fp, foldFilter(fp, X.d, X.o, G.d, G.o, out.dtype), dw);
  return nd(dw, out.shape);
}

// Grouped convolutions: output channel f belongs to group floor(f / fg) and
// reads that group's cg input channels.

function groupedForward(p: Plan, x: TypedArray, xo: number, w: TypedArray, wo: number, y: TypedArray): void {
  const F = p.f,
    cg = p.c / p.groups,
    fg = F / p.groups;
  const acc = new Float64Array(F);
  eachRow(p, (row, b, od, oh, ow) => {
    acc.fill(0);
    eachTap(p, b, od, oh, ow, (kpos, xoff) => {
      const wb = wo + kpos * cg * F;
      for (let f = 0; f < F; f++) {
        const xs = xo + xoff + Math.floor(f / fg) * cg;
        let s = 0;
        for (let c = 0; c < cg; c++) s += x[xs + c]! * w[wb + c * F + f]!;
        acc[f] = acc[f]! + s;
      }
    });
    y.set(acc, row * F);
  });
}

function groupedBackpropInput(p: Plan, g: TypedArray, go: number, w: TypedArray, wo: number, dx: Float64Array): void {
  const F = p.f,
    cg = p.c / p.groups,
    fg = F / p.groups;
  eachRow(p, (row, b, od, oh, ow) => {
    const gb = go + row * F;
    eachTap(p, b, od, oh, ow, (kpos, xoff) => {
      const wb = wo + kpos * cg * F;
      for (let f = 0; f < F; f++) {
        const gv = g[gb + f]!;
        const xs = xoff + Math.floor(f / fg) * cg;
        for (let c = 0; c < cg; c++) dx[xs + c] = dx[xs + c]! + gv * w[wb + c * F + f]!;
      }
    });
  });
}

function groupedBackpropFilter(p: Plan, x: TypedArray, xo: number, g: TypedArray, go: number, dw: Float64Array): void {
  const F = p.f,
    cg = p.c / p.groups,
    fg = F / p.groups;
  eachRow(p, (row, b, od, oh, ow) => {
    const gb = go + row * F;
    eachTap(p, b, od, oh, ow, (kpos, xoff) => {
      const wb = kpos * cg * F;
      for (let f = 0; f < F; f++) {
        const gv = g[gb + f]!;
        const xs = xo + xoff + Math.floor(f / fg) * cg;
        for (let c = 0; c < cg; c++) dw[wb + c * F + f] = dw[wb + c * F + f]! + x[xs + c]! * gv;
      }
    });
  });
}

export const cpuConv: { [P in keyof ConvAttrs]: Kernel<P, Nd> } = {
  conv: ([x, w], attrs, out) => conv(x, w, attrs, out),
  conv_backprop_input: ([g, w], attrs, out) => backpropInput(g, w, attrs, out),
  conv_backprop_filter: ([x, g], attrs, out) => backpropFilter(x, g, attrs, out),
};
