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
// Lines are laid out `wv` rows apart (wv >= OW; the extra rows would read
// padding only), so one gemm covers many lines: one product of all their rows
// when wv = OW, else a batch of OW-row products (one per line) that skips them.
// Columns are ordered (kw, t, c) and the kernel is permuted to match.
//
// With dilation along W (or a stride longer than the kernel) units are
// (ow, kw) pairs instead ("full": plain im2col in the same column order), so
// every geometry takes the same path. xk and the scratch live in an arena of
// conv_copy.ts: a region of the gemm's own memory, which the gemm reads in place.
import { allocate, type DType, type TypedArray } from '../core/dtype.js';
import { arena, type Arena } from './conv_copy.js';
import { matmulInto, type Operand } from './linalg.js';
import { getThreads } from './wasm/threads.js';

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

/**
 * A lane: `count` units from `unit`, `unitStep` apart, of which [v0, v1)
 * hold inputs w = iw, iw + iwStep, ... and the rest padding.
 */
interface Lane {
  unit: number;
  unitStep: number;
  count: number;
  v0: number;
  v1: number;
  iw: number;
  iwStep: number;
}

export interface Fold extends Geometry3 {
  /** D x H taps folded into each unit */
  t: number;
  /** gemm depth: KW t C */
  k: number;
  /**
   * units between lines, and that a line writes (its lanes; more than
   * `units` when a line's trailing padding is the next one's leading
   * padding), and between consecutive outputs along W
   */
  units: number;
  span: number;
  step: number;
  /** every unit of a line, in lanes along W */
  lanes: Lane[];
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
  const W = g.ins[2]!,
    OW = g.outs[2]!,
    sw = g.st[2]!,
    dw = g.dl[2]!,
    pw = g.pb[2]!;
  const full = dw !== 1 || sw > KW;
  const t = KD * KH;
  let step: number, wv: number, span: number;
  if (full) {
    step = KW;
    wv = OW;
    span = OW * KW;
  } else {
    // A line's outputs read its first `reads` units: padding, up to W
    // inputs, padding. The next line may start once this one's inputs end
    // (rows stay `step` apart, so at a multiple of it), as long as the units
    // this one still reads past that point are the next one's leading zeros;
    // with 'same' padding that shares one pad between lines (W3: 33 rows per
    // line instead of 34).
    step = sw;
    const reads = (OW - 1) * sw + KW,
      inputsEnd = Math.min(pw + W, reads);
    wv = Math.max(OW, Math.ceil(Math.max(inputsEnd, reads - pw) / sw));
    // Every unit up to the next line is written: the dropped rows read them.
    span = Math.max(reads, wv * sw);
  }
  const units = wv * step;
  const lanes: Lane[] = [];
  const lane = (unit: number, unitStep: number, count: number, off: number, iwStep: number) => {
    // Units i with 0 <= i * iwStep + off < W hold input.
    const v0 = Math.max(0, Math.ceil(-off / iwStep)),
      v1 = Math.min(count, Math.floor((W - 1 - off) / iwStep) + 1);
    lanes.push(
      v1 > v0
        ? { unit, unitStep, count, v0, v1, iw: v0 * iwStep + off, iwStep }
        : { unit, unitStep, count, v0: 0, v1: 0, iw: 0, iwStep }
    );
  };
  if (full) for (let kw = 0; kw < KW; kw++) lane(kw, KW, OW, kw * dw - pw, sw);
  else lane(0, 1, span, -pw, 1);
  return {
    ...g,
    t,
    k: KW * t * g.c,
    units,
    span,
    step,
    lanes,
    wv,
    lines: g.batch * g.outs[0]! * g.outs[1]!,
    tapD: taps(g.ins[0]!, g.outs[0]!, KD, g.st[0]!, g.dl[0]!, g.pb[0]!),
    tapH: taps(g.ins[1]!, g.outs[1]!, KH, g.st[1]!, g.dl[1]!, g.pb[1]!),
  };
}

/** Where xk is built: the wasm copier's memory when it runs, else JS ('js': always JS, for tests). */
let arenaMode: 'js' | undefined;

export function setFoldArena(mode: 'wasm' | 'js'): void {
  arenaMode = mode === 'js' ? 'js' : undefined;
}

/** Line l's input row for taps kd, kh: its offset in x, or -1 in the padding. */
function inputRow(fp: Fold, l: number, kd: number, kh: number): number {
  const [D, H, W] = fp.ins as [number, number, number];
  const [OD, OH] = fp.outs as [number, number];
  const oh = l % OH,
    rest = (l - oh) / OH,
    od = rest % OD,
    n = (rest - od) / OD;
  const id = fp.tapD[od * fp.ks[0]! + kd]!,
    ih = fp.tapH[oh * fp.ks[1]! + kh]!;
  return id < 0 || ih < 0 ? -1 : ((n * D + id) * H + ih) * W * fp.c;
}

/**
 * The chunks of `per` lines and the span of x that each reads, [lo, hi)
 * (rows grow with the line for every tap, so the first and last lines bound it).
 */
function chunks(fp: Fold, per: number): { l0: number; count: number; lo: number; hi: number }[] {
  const out = [];
  const row = fp.ins[2]! * fp.c;
  for (let l0 = 0; l0 < fp.lines; l0 += per) {
    const count = Math.min(per, fp.lines - l0);
    let lo = Infinity,
      hi = -Infinity;
    for (let kd = 0; kd < fp.ks[0]!; kd++) {
      for (let kh = 0; kh < fp.ks[1]!; kh++) {
        for (let l = l0; l < l0 + count; l++) {
          const r = inputRow(fp, l, kd, kh);
          if (r >= 0) {
            lo = Math.min(lo, r);
            break;
          }
        }
        for (let l = l0 + count - 1; l >= l0; l--) {
          const r = inputRow(fp, l, kd, kh);
          if (r >= 0) {
            hi = Math.max(hi, r + row);
            break;
          }
        }
      }
    }
    out.push(lo < hi ? { l0, count, lo, hi } : { l0, count, lo: 0, hi: 0 });
  }
  return out;
}

/** An arena for these chunks: their spans of x, and `dst` values to write. */
function arenaFor(dtype: DType, cs: readonly { lo: number; hi: number }[], dst: number, scratch: number): Arena {
  return arena(
    dtype,
    cs.reduce((m, c) => Math.max(m, c.hi - c.lo), 0),
    dst,
    scratch,
    arenaMode
  );
}

/** Lines per chunk when a line takes `perLine` values of scratch. */
const linesPer = (fp: Fold, perLine: number) =>
  Math.max(1, Math.min(fp.lines, Math.floor(chunkLimit / Math.max(1, perLine))));

/**
 * Write lines l0 .. l0 + count of xk into a.d, every value (input or the
 * padding's zeros), x (from offset xo) loaded in the arena.
 */
export function fillLines(fp: Fold, a: Arena, xo: number, l0: number, count: number): void {
  const C = fp.c,
    tc = fp.t * C,
    lineIn = fp.units * tc;
  const [KD, KH] = fp.ks as [number, number];
  for (let li = 0; li < count; li++) {
    const line = li * lineIn;
    for (const s of fp.lanes) {
      // The padding along W, every tap at once.
      const ds = s.unitStep * tc,
        at = line + s.unit * tc;
      if (s.v0 > 0) a.clear(at, s.v0, tc, ds);
      if (s.v1 < s.count) a.clear(at + s.v1 * ds, s.count - s.v1, tc, ds);
    }
    for (let kd = 0; kd < KD; kd++) {
      for (let kh = 0; kh < KH; kh++) {
        const r = inputRow(fp, l0 + li, kd, kh);
        const tap = line + (kd * KH + kh) * C;
        for (const s of fp.lanes) {
          if (s.v1 === s.v0) continue;
          const ds = s.unitStep * tc,
            at = tap + s.unit * tc + s.v0 * ds,
            n = s.v1 - s.v0;
          // A tap in the padding along D or H.
          if (r < 0) {
            a.clear(at, n, C, ds);
            continue;
          }
          const src = a.srcAt + xo + r + s.iw * C,
            ss = s.iwStep * C;
          // Contiguous on both sides (one tap, stride 1): a single run.
          if (ss === C && ds === C) a.runs(src, at, 1, n * C, 0, 0);
          else a.runs(src, at, n, C, ss, ds);
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

/** dw (KD, KH, KW, C, F) from its transpose, the (F, K) matrix in (kw, t, c) order. */
export function unfoldKernelT(fp: Fold, m: TypedArray | Float64Array, dw: TypedArray): void {
  const [KD, KH, KW] = fp.ks as [number, number, number];
  const C = fp.c,
    F = fp.f,
    K = fp.k;
  for (let kd = 0; kd < KD; kd++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const from = (kw * fp.t + kd * KH + kh) * C,
          to = ((kd * KH + kh) * KW + kw) * C * F;
        for (let c = 0; c < C; c++) for (let f = 0; f < F; f++) dw[to + c * F + f] = m[f * K + from + c]!;
      }
    }
  }
}

const operand = (data: TypedArray, offset: number, rs: number, cs: number): Operand => ({ data, offset, rs, cs });

/** y (lines, OW, F) = conv(x, w), wk from foldKernel. */
export function foldForward(fp: Fold, x: TypedArray, xo: number, wk: TypedArray, y: TypedArray, dtype: DType): void {
  const OW = fp.outs[2]!,
    F = fp.f,
    K = fp.k,
    wv = fp.wv;
  const tc = fp.t * fp.c,
    lineIn = fp.units * tc;
  const per = linesPer(fp, Math.max(lineIn, wv * F));
  const cs = chunks(fp, per);
  const a = arenaFor(dtype, cs, ((per - 1) * fp.units + fp.span) * tc, 0);
  const wOp = operand(wk, 0, F, 1);
  for (const { l0, count, lo, hi } of cs) {
    a.load(x, xo + lo, xo + hi);
    fillLines(fp, a, xo, l0, count);
    if (wv === OW) matmulInto(operand(a.d, 0, fp.step * tc, 1), wOp, y, l0 * OW * F, count * OW, K, F);
    else {
      // Each line's rows past OW would read padding only: the lines are a
      // batch of OW-row products sharing the kernel, so none is computed.
      const lines = { data: a.d, offset: 0, rs: fp.step * tc, cs: 1, bs: wv * fp.step * tc };
      matmulInto(lines, { ...wOp, bs: 0 }, y, l0 * OW * F, OW, K, F, count);
    }
  }
}

/**
 * dw^T as the (F, K) matrix in (kw, t, c) order: g^T xk over every line, g
 * spread to `wv` rows per line (zeros in the dropped rows). Chunks are summed
 * in double precision. (g^T xk rather than xk^T g: the gemm packs the big
 * operand xk fastest with its columns contiguous; measured 4.3 against 4.9 ms
 * on the W3 bench.)
 */
export function foldFilter(
  fp: Fold,
  x: TypedArray,
  xo: number,
  g: TypedArray,
  go: number,
  dtype: DType
): TypedArray | Float64Array {
  const OW = fp.outs[2]!,
    F = fp.f,
    K = fp.k,
    wv = fp.wv;
  const tc = fp.t * fp.c,
    lineIn = fp.units * tc;
  const per = linesPer(fp, Math.max(lineIn, wv * F));
  const direct = wv === OW;
  const cs = chunks(fp, per);
  const a = arenaFor(dtype, cs, ((per - 1) * fp.units + fp.span) * tc, direct ? 0 : ((per - 1) * wv + OW) * F);
  const gv = direct ? null : a.scratch;
  // With threads, a chunk's lines are split in `ways` equal parts, a batch of
  // products summed after: the gemm's threads share out the blocks of all of
  // them (one product has too few blocks of dw's few columns to keep two
  // threads busy; measured on W3 with 2 threads: dw 3.5 -> 2.8 ms).
  const threads = dtype === 'float32' ? getThreads() : 1;
  const waysOf = (count: number) => (threads > 1 && count >= 2 * threads && count % threads === 0 ? threads : 1);
  const part = allocate(dtype, waysOf(per) * K * F);
  const acc = per < fp.lines || waysOf(per) > 1 ? new Float64Array(K * F) : null;
  for (const { l0, count, lo, hi } of cs) {
    a.load(x, xo + lo, xo + hi);
    fillLines(fp, a, xo, l0, count);
    const ways = waysOf(count),
      sub = count / ways;
    const rows = (sub - 1) * wv + OW;
    let gOp: Operand = { data: g, offset: go + l0 * OW * F, rs: 1, cs: F, bs: sub * OW * F };
    if (gv !== null) {
      for (let li = 0; li < count; li++) {
        const from = go + (l0 + li) * OW * F;
        gv.set(g.subarray(from, from + OW * F), li * wv * F);
        // The dropped rows between lines multiply into dw: zeros.
        if (li < count - 1) gv.fill(0, (li * wv + OW) * F, (li + 1) * wv * F);
      }
      gOp = { data: gv, offset: 0, rs: 1, cs: F, bs: sub * wv * F };
    }
    const xk: Operand = { data: a.d, offset: 0, rs: fp.step * tc, cs: 1, bs: sub * lineIn };
    matmulInto(gOp, xk, part, 0, F, rows, K, ways);
    if (acc === null) continue;
    for (let p = 0; p < ways * K * F; p += K * F) for (let i = 0; i < K * F; i++) acc[i] = acc[i]! + part[p + i]!;
  }
  return acc ?? part;
}

/**
 * dx += col2im(g w^T) into `acc` (N, D, H, W, C), wk from foldKernel: any
 * strides, dilation and padding.
 */
export function foldBackpropInput(
  fp: Fold,
  g: TypedArray,
  go: number,
  wk: TypedArray,
  acc: Float64Array | TypedArray,
  dtype: DType
): void {
  const OW = fp.outs[2]!,
    F = fp.f,
    K = fp.k,
    C = fp.c,
    T = fp.t;
  const [D, H, W] = fp.ins as [number, number, number];
  const [OD, OH] = fp.outs as [number, number];
  const [KD, KH, KW] = fp.ks as [number, number, number];
  const sw = fp.st[2]!,
    dw = fp.dl[2]!,
    pw = fp.pb[2]!;
  const iwOf = new Int32Array(KW * OW);
  for (let kw = 0; kw < KW; kw++) {
    for (let ow = 0; ow < OW; ow++) {
      const iw = ow * sw + kw * dw - pw;
      iwOf[kw * OW + ow] = iw >= 0 && iw < W ? iw : -1;
    }
  }
  const per = linesPer(fp, OW * K);
  const dcol = arena(dtype, 0, 0, per * OW * K, arenaMode).scratch;
  const wT = operand(wk, 0, 1, F);
  for (let l0 = 0; l0 < fp.lines; l0 += per) {
    const count = Math.min(per, fp.lines - l0);
    matmulInto(operand(g, go + l0 * OW * F, F, 1), wT, dcol, 0, count * OW, F, K);
    for (let li = 0; li < count; li++) {
      const l = l0 + li;
      const oh = l % OH,
        rest = (l - oh) / OH,
        od = rest % OD,
        n = (rest - od) / OD;
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
