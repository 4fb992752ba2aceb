// The folded lowering of an ungrouped convolution to matrix products
// (channels_last, 3 spatial axes D, H, W; 1-d and 2-d lead with axes of 1).
//
// Plain im2col writes every window out (k_d k_h k_w C values per output:
// 9.4M floats for the W3 bench, then copied again into the wasm gemm's
// memory). Here only the D and H taps are copied out: one "line" per output
// (n, od, oh) holds, for each position along W, the T = KD KH input rows it
// reads side by side, xk[line, unit, t, c]. Output (line, ow) then reads
// units ow * sw + kw for kw < KW, which sit at one stride from the previous
// output's, so the window of every output is the same K = KW T C values read
// at rows `step` units apart: an overlapping strided view that the gemm packs
// directly (operands are read through strides), and xk is only T times x.
// Lines are laid out `wv` rows apart (wv >= OW; the extra rows read padding
// and their products are dropped), so one gemm covers many lines.
// Columns are ordered (kw, t, c) and the kernel is permuted to match.
//
// With dilation along W (or a stride longer than the kernel) units are
// (ow, kw) pairs instead ("full": plain im2col in the same column order), so
// every geometry takes the same path.
import { allocate, type DType, type TypedArray } from '../dtype.js';
import { matmulInto, type Operand } from './linalg.js';

/** A convolution's geometry lifted to 3 spatial axes (x: batch, ins, c; y: batch, outs, f). */
export interface Geometry3 {
  batch: number;
  ins: readonly number[];
  outs: readonly number[];
  ks: readonly number[];
  st: readonly number[];
  dl: readonly number[];
  /** padding before, per axis (after is implied by ins and outs) */
  pb: readonly number[];
  c: number;
  f: number;
}

export interface Fold extends Geometry3 {
  /** D x H taps folded into each unit */
  t: number;
  /** gemm depth: KW t C */
  k: number;
  /** units per line, and between consecutive outputs along W */
  units: number;
  step: number;
  /** the input w each unit holds, -1 in the padding */
  unitW: Int32Array;
  /** rows per line (>= OW) and lines (N OD OH) */
  wv: number;
  lines: number;
  /** the input d (h) that output od (oh) reads with tap kd (kh), -1 in the padding */
  tapD: Int32Array;
  tapH: Int32Array;
}

/** Values per chunk of scratch (xk, or the gemm's output): lines are taken this many at a time. */
let chunkLimit = 1 << 21;

/** Set the chunk size in values (tests force many chunks); returns the previous one. */
export function setFoldChunk(values: number): number {
  const old = chunkLimit;
  chunkLimit = Math.max(1, values);
  return old;
}

function taps(size: number, out: number, k: number, st: number, dl: number, pb: number): Int32Array {
  const t = new Int32Array(out * k);
  for (let o = 0; o < out; o++) {
    for (let j = 0; j < k; j++) {
      const i = o * st - pb + j * dl;
      t[o * k + j] = i >= 0 && i < size ? i : -1;
    }
  }
  return t;
}

export function fold(g: Geometry3): Fold {
  const [KD, KH, KW] = g.ks as [number, number, number];
  const W = g.ins[2]!, OW = g.outs[2]!, sw = g.st[2]!, dw = g.dl[2]!, pw = g.pb[2]!;
  const full = dw !== 1 || sw > KW;
  const t = KD * KH;
  let units: number, step: number, wv: number;
  if (full) {
    units = OW * KW;
    step = KW;
    wv = OW;
  } else {
    wv = OW - 1 + Math.ceil(KW / sw);
    units = wv * sw;
    step = sw;
  }
  const unitW = new Int32Array(units);
  for (let u = 0; u < units; u++) {
    const iw = full ? Math.floor(u / KW) * sw + (u % KW) * dw - pw : u - pw;
    unitW[u] = iw >= 0 && iw < W ? iw : -1;
  }
  return {
    ...g, t, k: KW * t * g.c, units, step, unitW, wv, lines: g.batch * g.outs[0]! * g.outs[1]!,
    tapD: taps(g.ins[0]!, g.outs[0]!, KD, g.st[0]!, g.dl[0]!, g.pb[0]!),
    tapH: taps(g.ins[1]!, g.outs[1]!, KH, g.st[1]!, g.dl[1]!, g.pb[1]!),
  };
}

/** Lines per chunk when a line takes `perLine` values of scratch. */
const linesPer = (fp: Fold, perLine: number) => Math.max(1, Math.min(fp.lines, Math.floor(chunkLimit / Math.max(1, perLine))));

/** Write lines l0 .. l0 + count of xk (zeroed beforehand: the padding stays 0). */
export function fillLines(fp: Fold, x: TypedArray, xo: number, l0: number, count: number, xk: TypedArray): void {
  const C = fp.c, tc = fp.t * C, U = fp.units, unitW = fp.unitW;
  const [D, H, W] = fp.ins as [number, number, number];
  const [OD, OH] = fp.outs as [number, number];
  const [KD, KH] = fp.ks as [number, number];
  for (let li = 0; li < count; li++) {
    const l = l0 + li;
    const oh = l % OH, rest = (l - oh) / OH, od = rest % OD, n = (rest - od) / OD;
    const line = li * U * tc;
    for (let kd = 0; kd < KD; kd++) {
      const id = fp.tapD[od * KD + kd]!;
      if (id < 0) continue;
      for (let kh = 0; kh < KH; kh++) {
        const ih = fp.tapH[oh * KH + kh]!;
        if (ih < 0) continue;
        const src = xo + ((n * D + id) * H + ih) * W * C;
        let dst = line + (kd * KH + kh) * C;
        for (let u = 0; u < U; u++, dst += tc) {
          const iw = unitW[u]!;
          if (iw < 0) continue;
          const s = src + iw * C;
          for (let c = 0; c < C; c++) xk[dst + c] = x[s + c]!;
        }
      }
    }
  }
}

/** The kernel (KD, KH, KW, C, F) as the (K, F) matrix in the fold's column order (kw, t, c). */
export function foldKernel(fp: Fold, w: TypedArray, wo: number, dtype: DType): TypedArray {
  const [KD, KH, KW] = fp.ks as [number, number, number];
  const cf = fp.c * fp.f;
  const out = allocate(dtype, fp.k * fp.f);
  for (let kd = 0; kd < KD; kd++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const from = wo + ((kd * KH + kh) * KW + kw) * cf;
        out.set(w.subarray(from, from + cf), (kw * fp.t + kd * KH + kh) * cf);
      }
    }
  }
  return out;
}

/** The inverse of foldKernel: (K, F) in (kw, t, c) order into dw (KD, KH, KW, C, F). */
export function unfoldKernel(fp: Fold, m: TypedArray | Float64Array, dw: TypedArray): void {
  const [KD, KH, KW] = fp.ks as [number, number, number];
  const cf = fp.c * fp.f;
  for (let kd = 0; kd < KD; kd++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const from = (kw * fp.t + kd * KH + kh) * cf, to = ((kd * KH + kh) * KW + kw) * cf;
        for (let i = 0; i < cf; i++) dw[to + i] = m[from + i]!;
      }
    }
  }
}

const operand = (data: TypedArray, offset: number, rs: number, cs: number): Operand => ({ data, offset, rs, cs });

/** y (lines, OW, F) = conv(x, w), wk from foldKernel. */
export function foldForward(fp: Fold, x: TypedArray, xo: number, wk: TypedArray, y: TypedArray, dtype: DType): void {
  const OW = fp.outs[2]!, F = fp.f, K = fp.k, wv = fp.wv;
  const lineIn = fp.units * fp.t * fp.c;
  const per = linesPer(fp, Math.max(lineIn, wv * F));
  const direct = wv === OW;
  const xk = allocate(dtype, per * lineIn);
  const tmp = direct ? null : allocate(dtype, ((per - 1) * wv + OW) * F);
  const wOp = operand(wk, 0, F, 1);
  for (let l0 = 0; l0 < fp.lines; l0 += per) {
    const count = Math.min(per, fp.lines - l0);
    if (l0 > 0) xk.fill(0, 0, count * lineIn);
    fillLines(fp, x, xo, l0, count, xk);
    const rows = (count - 1) * wv + OW;
    const a = operand(xk, 0, fp.step * fp.t * fp.c, 1);
    if (tmp === null) {
      matmulInto(a, wOp, y, l0 * OW * F, rows, K, F);
      continue;
    }
    matmulInto(a, wOp, tmp, 0, rows, K, F);
    for (let li = 0; li < count; li++) {
      const from = li * wv * F;
      y.set(tmp.subarray(from, from + OW * F), (l0 + li) * OW * F);
    }
  }
}

/**
 * dw as the (K, F) matrix in (kw, t, c) order: xk^T g over every line, g
 * spread to `wv` rows per line (zeros in the dropped rows). Chunks are summed
 * in double precision.
 */
export function foldFilter(fp: Fold, x: TypedArray, xo: number, g: TypedArray, go: number, dtype: DType): TypedArray | Float64Array {
  const OW = fp.outs[2]!, F = fp.f, K = fp.k, wv = fp.wv;
  const lineIn = fp.units * fp.t * fp.c;
  const per = linesPer(fp, Math.max(lineIn, wv * F));
  const direct = wv === OW;
  const xk = allocate(dtype, per * lineIn);
  const gv = direct ? null : allocate(dtype, ((per - 1) * wv + OW) * F);
  const part = allocate(dtype, K * F);
  const acc = per < fp.lines ? new Float64Array(K * F) : null;
  for (let l0 = 0; l0 < fp.lines; l0 += per) {
    const count = Math.min(per, fp.lines - l0);
    if (l0 > 0) xk.fill(0, 0, count * lineIn);
    fillLines(fp, x, xo, l0, count, xk);
    const rows = (count - 1) * wv + OW;
    let gOp = operand(g, go + l0 * OW * F, F, 1);
    if (gv !== null) {
      // The dropped rows stay zero: only the kept ones are ever written.
      for (let li = 0; li < count; li++) {
        const from = go + (l0 + li) * OW * F;
        gv.set(g.subarray(from, from + OW * F), li * wv * F);
      }
      gOp = operand(gv, 0, F, 1);
    }
    matmulInto(operand(xk, 0, 1, fp.step * fp.t * fp.c), gOp, part, 0, K, rows, F);
    if (acc !== null) for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + part[i]!;
  }
  return acc ?? part;
}

/**
 * dx += col2im(g w^T) into `acc` (N, D, H, W, C), wk from foldKernel: any
 * strides, dilation and padding.
 */
export function foldBackpropInput(fp: Fold, g: TypedArray, go: number, wk: TypedArray, acc: Float64Array | TypedArray, dtype: DType): void {
  const OW = fp.outs[2]!, F = fp.f, K = fp.k, C = fp.c, T = fp.t;
  const [D, H, W] = fp.ins as [number, number, number];
  const [OD, OH, OWv] = fp.outs as [number, number, number];
  const [KD, KH, KW] = fp.ks as [number, number, number];
  const sw = fp.st[2]!, dw = fp.dl[2]!, pw = fp.pb[2]!;
  const iwOf = new Int32Array(KW * OW);
  for (let kw = 0; kw < KW; kw++) {
    for (let ow = 0; ow < OW; ow++) {
      const iw = ow * sw + kw * dw - pw;
      iwOf[kw * OW + ow] = iw >= 0 && iw < W ? iw : -1;
    }
  }
  const per = linesPer(fp, OWv * K);
  const dcol = allocate(dtype, per * OW * K);
  const wT = operand(wk, 0, 1, F);
  for (let l0 = 0; l0 < fp.lines; l0 += per) {
    const count = Math.min(per, fp.lines - l0);
    matmulInto(operand(g, go + l0 * OW * F, F, 1), wT, dcol, 0, count * OW, F, K);
    for (let li = 0; li < count; li++) {
      const l = l0 + li;
      const oh = l % OH, rest = (l - oh) / OH, od = rest % OD, n = (rest - od) / OD;
      for (let kd = 0; kd < KD; kd++) {
        const id = fp.tapD[od * KD + kd]!;
        if (id < 0) continue;
        for (let kh = 0; kh < KH; kh++) {
          const ih = fp.tapH[oh * KH + kh]!;
          if (ih < 0) continue;
          const dst = ((n * D + id) * H + ih) * W * C;
          for (let kw = 0; kw < KW; kw++) {
            let src = li * OW * K + (kw * T + kd * KH + kh) * C;
            for (let ow = 0; ow < OW; ow++, src += K) {
              const iw = iwOf[kw * OW + ow]!;
              if (iw < 0) continue;
              const d = dst + iw * C;
              for (let c = 0; c < C; c++) acc[d + c] = acc[d + c]! + dcol[src + c]!;
            }
          }
        }
      }
    }
  }
}
