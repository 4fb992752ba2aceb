// Convolution cpu kernels, on channels_last values viewed with 3 spatial axes
// (1-d and 2-d lead with axes of length 1).
//
// Ungrouped convolutions are matrix products (im2col): each output position
// is a row of the window's values, (kd, kh, kw, c) in the kernel's own order,
// so that y = col @ w, dx = col2im(g @ w^T) and dw = col^T @ g, all with
// matmulInto of linalg.ts (the wasm gemm for float32). Rows are built a chunk
// at a time (about 2^18 values) so memory stays flat whatever the batch. A 1x1 kernel at stride 1
// without padding needs no col at all: x is already that matrix.
// (Measured on the W3 bench, 16 x 32x32x16 by 3x3x16x32: im2col + gemm 45 ms,
// a direct loop with the output channels innermost 116 ms.)
// Grouped (depthwise) convolutions have tiny matrices, so they loop directly.
// float64 sums run in double precision and round once into the output;
// float32 products sum in float32 (the wasm gemm), their chunks in double.
import ndarray from 'ndarray';
import type { Kernel } from '../backend.js';
import type { ConvAttrs, ConvGeometry } from '../../ops/prims/conv.js';
import { allocate, type DType, type TypedArray } from '../dtype.js';
import { sizeOf } from '../shape.js';
import { matmulInto, type Operand } from './linalg.js';
import { contiguous, type Nd } from './ndutil.js';

/** The geometry with 3 spatial axes and, per axis, where each (output, tap) reads. */
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
  /** Rows (output positions) and the length of one row of col. */
  rows: number;
  width: number;
}

const lift = (v: readonly number[], fill: number) => [...Array<number>(3 - v.length).fill(fill), ...v];

function plan(a: ConvGeometry, batch: number, inSizes: readonly number[], kSizes: readonly number[], outSizes: readonly number[], c: number, f: number): Plan {
  const ins = lift(inSizes, 1), ks = lift(kSizes, 1), outs = lift(outSizes, 1);
  const st = lift(a.strides, 1), dl = lift(a.dilation, 1), pb = lift(a.pads.map((p) => p[0]), 0);
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
  return { batch, ins, outs, ks, c, f, groups: a.groups, taps, rows: batch * sizeOf(outs), width: sizeOf(ks) * c / a.groups };
}

/** A row-major copy's data and offset (no copy when already row-major). */
function flat(a: Nd, dtype: DType): { d: TypedArray; o: number } {
  const c = contiguous(a, dtype);
  return { d: c.data, o: c.offset };
}

/** Rows per chunk of col: about 2^18 values, a multiple of 4 (gemm's tile). */
function chunkRows(p: Plan): number {
  const r = Math.max(4, Math.floor(262144 / Math.max(1, p.width)));
  return Math.min(p.rows, r - (r % 4)) || 1;
}

/**
 * Visit every output position in row-major order: `visit(row, n, od, oh, ow)`.
 */
function eachRow(p: Plan, visit: (row: number, n: number, od: number, oh: number, ow: number) => void): void {
  const [OD, OH, OW] = p.outs as [number, number, number];
  let row = 0;
  for (let n = 0; n < p.batch; n++) {
    for (let od = 0; od < OD; od++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) visit(row++, n, od, oh, ow);
  }
}

/**
 * Call `tap(kpos, xoff)` for each kernel position of output (n, od, oh, ow)
 * that reads inside x: xoff is the offset of input channel 0 there.
 */
function eachTap(p: Plan, n: number, od: number, oh: number, ow: number, tap: (kpos: number, xoff: number) => void): void {
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

/** Write row `r` of col (groups = 1): the window's values, zeros in the padding. */
function fillRow(p: Plan, x: TypedArray, xo: number, col: TypedArray, r: number, n: number, od: number, oh: number, ow: number): void {
  const C = p.c, base = r * p.width;
  col.fill(0, base, base + p.width);
  eachTap(p, n, od, oh, ow, (kpos, xoff) => {
    const to = base + kpos * C, from = xo + xoff;
    for (let c = 0; c < C; c++) col[to + c] = x[from + c]!;
  });
}

/** A 1x1 kernel at stride 1 without padding: the convolution is one matrix product. */
function pointwise(a: ConvGeometry, ks: readonly number[]): boolean {
  return a.groups === 1 && ks.every((k) => k === 1) && a.strides.every((s) => s === 1) && a.pads.every(([b, e]) => b === 0 && e === 0);
}

const operand = (data: TypedArray, offset: number, rs: number, cs: number): Operand => ({ data, offset, rs, cs });

function conv(x: Nd, w: Nd, a: ConvGeometry, out: { shape: number[]; dtype: DType }): Nd {
  const n = a.strides.length;
  const X = flat(x, out.dtype), Wt = flat(w, out.dtype);
  const p = plan(a, x.shape[0]!, x.shape.slice(1, -1), w.shape.slice(0, n), out.shape.slice(1, -1), x.shape[n + 1]!, w.shape[n + 1]!);
  const y = allocate(out.dtype, sizeOf(out.shape));
  if (y.length === 0) return nd(y, out.shape);
  const wOp = operand(Wt.d, Wt.o, p.f, 1);
  if (pointwise(a, w.shape.slice(0, n))) {
    matmulInto(operand(X.d, X.o, p.c, 1), wOp, y, 0, p.rows, p.c, p.f);
    return nd(y, out.shape);
  }
  if (p.groups > 1) {
    groupedForward(p, X.d, X.o, Wt.d, Wt.o, y);
    return nd(y, out.shape);
  }
  const chunk = chunkRows(p);
  const col = allocate(out.dtype, chunk * p.width);
  let r0 = 0, filled = 0;
  eachRow(p, (_row, b, od, oh, ow) => {
    fillRow(p, X.d, X.o, col, filled++, b, od, oh, ow);
    if (filled === chunk) {
      matmulInto(operand(col, 0, p.width, 1), wOp, y, r0 * p.f, filled, p.width, p.f);
      r0 += filled;
      filled = 0;
    }
  });
  if (filled > 0) matmulInto(operand(col, 0, p.width, 1), wOp, y, r0 * p.f, filled, p.width, p.f);
  return nd(y, out.shape);
}

function backpropInput(g: Nd, w: Nd, a: ConvAttrs['conv_backprop_input'], out: { shape: number[]; dtype: DType }): Nd {
  const n = a.strides.length;
  const G = flat(g, out.dtype), Wt = flat(w, out.dtype);
  const p = plan(a, g.shape[0]!, a.inputSize, w.shape.slice(0, n), g.shape.slice(1, -1), out.shape[n + 1]!, w.shape[n + 1]!);
  const size = sizeOf(out.shape);
  if (size === 0) return nd(allocate(out.dtype, 0), out.shape);
  // w^T as a (f, window) matrix, read through strides.
  const wT = operand(Wt.d, Wt.o, 1, p.f);
  if (pointwise(a, w.shape.slice(0, n))) {
    const dx = allocate(out.dtype, size);
    matmulInto(operand(G.d, G.o, p.f, 1), wT, dx, 0, p.rows, p.f, p.c);
    return nd(dx, out.shape);
  }
  const acc = new Float64Array(size);
  if (p.groups > 1) groupedBackpropInput(p, G.d, G.o, Wt.d, Wt.o, acc);
  else if (p.rows > 0) {
    const chunk = chunkRows(p);
    const dcol = allocate(out.dtype, chunk * p.width);
    let r0 = 0, at = 0, len = 0;
    eachRow(p, (row, b, od, oh, ow) => {
      if (at === len) {
        r0 = row;
        at = 0;
        len = Math.min(chunk, p.rows - row);
        matmulInto(operand(G.d, G.o + r0 * p.f, p.f, 1), wT, dcol, 0, len, p.f, p.width);
      }
      const base = at++ * p.width;
      eachTap(p, b, od, oh, ow, (kpos, xoff) => {
        const from = base + kpos * p.c;
        for (let c = 0; c < p.c; c++) acc[xoff + c] = acc[xoff + c]! + dcol[from + c]!;
      });
    });
  }
  const dx = allocate(out.dtype, size);
  dx.set(acc);
  return nd(dx, out.shape);
}

function backpropFilter(x: Nd, g: Nd, a: ConvAttrs['conv_backprop_filter'], out: { shape: number[]; dtype: DType }): Nd {
  const n = a.strides.length;
  const X = flat(x, out.dtype), G = flat(g, out.dtype);
  const p = plan(a, x.shape[0]!, x.shape.slice(1, -1), a.kernelSize, g.shape.slice(1, -1), x.shape[n + 1]!, g.shape[n + 1]!);
  const size = sizeOf(out.shape);
  const dw = allocate(out.dtype, size);
  if (size === 0 || p.rows === 0) return nd(dw, out.shape);
  if (pointwise(a, a.kernelSize)) {
    // dw = x^T g: x read as a (c, rows) matrix through strides.
    matmulInto(operand(X.d, X.o, 1, p.c), operand(G.d, G.o, p.f, 1), dw, 0, p.c, p.rows, p.f);
    return nd(dw, out.shape);
  }
  const acc = new Float64Array(size);
  if (p.groups > 1) groupedBackpropFilter(p, X.d, X.o, G.d, G.o, acc);
  else {
    const chunk = chunkRows(p);
    const col = allocate(out.dtype, chunk * p.width);
    const part = allocate(out.dtype, size);
    let r0 = 0, filled = 0;
    const flush = () => {
      matmulInto(operand(col, 0, 1, p.width), operand(G.d, G.o + r0 * p.f, p.f, 1), part, 0, p.width, filled, p.f);
      for (let i = 0; i < size; i++) acc[i] = acc[i]! + part[i]!;
      r0 += filled;
      filled = 0;
    };
    eachRow(p, (_row, b, od, oh, ow) => {
      fillRow(p, X.d, X.o, col, filled++, b, od, oh, ow);
      if (filled === chunk) flush();
    });
    if (filled > 0) flush();
  }
  dw.set(acc);
  return nd(dw, out.shape);
}

// Grouped convolutions: output channel f belongs to group floor(f / fg) and
// reads that group's cg input channels.

function groupedForward(p: Plan, x: TypedArray, xo: number, w: TypedArray, wo: number, y: TypedArray): void {
  const F = p.f, cg = p.c / p.groups, fg = F / p.groups;
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
  const F = p.f, cg = p.c / p.groups, fg = F / p.groups;
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
  const F = p.f, cg = p.c / p.groups, fg = F / p.groups;
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

const nd = (data: TypedArray, shape: readonly number[]): Nd => ndarray(data, shape.slice());

export const cpuConv: { [P in keyof ConvAttrs]: Kernel<ConvAttrs[P], Nd> } = {
  conv: ([x, w], attrs, out) => conv(x!, w!, attrs, out),
  conv_backprop_input: ([g, w], attrs, out) => backpropInput(g!, w!, attrs, out),
  conv_backprop_filter: ([x, g], attrs, out) => backpropFilter(x!, g!, attrs, out),
};
