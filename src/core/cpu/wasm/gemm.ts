// float32 matrix products on the wasm gemm (asm/gemm.ts): stage the operands
// in the module's memory, split C into one block per thread, run, copy C out.
import { HEAP_START, heap, wasmGemm, type WasmGemm } from './module.js';
import { available, runJobs } from './pool.js';

/** A float32 matrix (or a batch of them) read through strides, in elements. */
export interface Matrix32 {
  data: Float32Array;
  offset: number;
  /** strides of the row and column axes, and between batch items */
  rs: number;
  cs: number;
  bs: number;
}

/**
 * Products this big (2 m n k per call, flops) or bigger use the threads:
 * measured on 2 cores, one job's wake-up and wait cost about 30-60 us, which a
 * second thread wins back from about 1.5 MFLOP (a 90-cube product).
 */
export const THREAD_MIN_FLOPS = 3e6;

const align = (x: number) => Math.ceil(x / 64) * 64;

interface Staged {
  /** elements to copy, from `lo` of the source: a span through strides, or a compact gather */
  lo: number;
  len: number;
  gather: boolean;
  /** address of element (0, 0, 0) in the module's memory, and the strides there */
  at: number;
  rs: number;
  cs: number;
  bs: number;
}

/**
 * Where an operand goes: its whole span (one memcpy, strides kept) unless
 * that is much bigger than its elements (a narrow slice of a big array),
 * then a row-major gather.
 */
function plan(o: Matrix32, batch: number, rows: number, cols: number): Staged {
  let lo = o.offset, hi = o.offset;
  for (const [d, s] of [[batch, o.bs], [rows, o.rs], [cols, o.cs]] as const) {
    const e = (d - 1) * s;
    if (e < 0) lo += e;
    else hi += e;
  }
  const size = batch * rows * cols;
  if (hi - lo + 1 <= 2 * size + 4096) return { lo, len: hi - lo + 1, gather: false, at: 0, rs: o.rs, cs: o.cs, bs: o.bs };
  return { lo: 0, len: size, gather: true, at: 0, rs: cols, cs: 1, bs: rows * cols };
}

function stage(o: Matrix32, s: Staged, base: number, F: Float32Array, batch: number, rows: number, cols: number): void {
  const at = base >> 2;
  if (!s.gather) {
    F.set(o.data.subarray(s.lo, s.lo + s.len), at);
    s.at = base + (o.offset - s.lo) * 4;
    return;
  }
  const d = o.data;
  let q = at;
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < rows; i++) {
      let r = o.offset + t * o.bs + i * o.rs;
      for (let j = 0; j < cols; j++, r += o.cs) F[q++] = d[r]!;
    }
  }
  s.at = base;
}

/**
 * c[co + t m n + i n + j] = sum_p x[t, i, p] y[t, p, j] for t < batch, using
 * up to `threads` threads. Returns false, having done nothing, when the wasm
 * gemm cannot run (not loaded, or the operands do not fit its memory).
 */
export function gemmWasm(x: Matrix32, y: Matrix32, c: Float32Array, co: number, batch: number, m: number, k: number, n: number, threads: number): boolean {
  const w = wasmGemm();
  if (w === null) return false;
  if (batch * m * n === 0) return true;
  if (k === 0) {
    c.fill(0, co, co + batch * m * n);
    return true;
  }
  const A = plan(x, batch, m, k), B = plan(y, batch, k, n);
  const split = splitC(w, batch, m, k, n, threads);
  const aAt = HEAP_START, bAt = align(aAt + A.len * 4), cAt = align(bAt + B.len * 4);
  const workAt = align(cAt + batch * m * n * 4);
  const work = align(w.exports.workBytes(split.rows, split.cols, k));
  const F = heap(w, workAt + work * split.parts.length - HEAP_START);
  if (F === null) return false;
  stage(x, A, aAt, F, batch, m, k);
  stage(y, B, bAt, F, batch, k, n);
  runJobs(w, split.parts.map(([i0, i1, j0, j1], t) => [
    A.at + i0 * A.rs * 4, A.rs, A.cs, A.bs,
    B.at + j0 * B.cs * 4, B.rs, B.cs, B.bs,
    cAt + (i0 * n + j0) * 4, n, m * n,
    i1 - i0, j1 - j0, k, batch, workAt + t * work,
  ]));
  c.set(F.subarray(cAt >> 2, (cAt >> 2) + batch * m * n), co);
  return true;
}

/**
 * One block of C per thread: columns in multiples of the tile's 8 when C is
 * at least as wide as tall, else rows in multiples of 4. Any split gives the
 * same results (asm/gemm.ts), so this only decides the speed.
 */
function splitC(w: WasmGemm, batch: number, m: number, k: number, n: number, want: number): { parts: [number, number, number, number][]; rows: number; cols: number } {
  const byCols = n >= m;
  const dim = byCols ? n : m, unit = byCols ? 8 : 4;
  const blocks = Math.ceil(dim / unit);
  let t = 2 * batch * m * n * k >= THREAD_MIN_FLOPS ? Math.min(want, blocks) : 1;
  if (t > 1) t = available(w, t);
  const per = Math.ceil(blocks / t) * unit;
  const parts: [number, number, number, number][] = [];
  for (let s = 0; s < dim; s += per) {
    const e = Math.min(dim, s + per);
    parts.push(byCols ? [0, m, s, e] : [s, e, 0, n]);
  }
  return { parts, rows: byCols ? m : Math.min(m, per), cols: byCols ? Math.min(n, per) : n };
}
