// float32 matrix products on the wasm gemm (asm/gemm.ts): stage the operands
// in the module's memory, pack the shared one, let the threads take blocks of
// C, copy C out.
import { gemmBase, heap, keep, keptGeneration, wasmGemm, type WasmGemm } from './module.js';
import { available, runJob } from './threads.js';

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
 * Products this big (2 m n k per call, flops) or bigger use the threads.
 * Measured on 2 idle cores (time with 1 thread / with 2): a 128-cube (4.2
 * MFLOP) 0.88, as waking a worker (30-50 us) and the last block it takes
 * cost more than it saves; a 144-cube (6 MFLOP) 1.32, a 192-cube 1.46,
 * 128 x 784 x 256 (the W2 MLP's) 1.82, a 512-cube 1.87, a 1024-cube 1.93.
 */
export const THREAD_MIN_FLOPS = 5e6;

const align = (x: number) => Math.ceil(x / 64) * 64;

interface Staged {
  /** elements to copy, from `lo` of the source: a span through strides, or a compact gather */
  lo: number;
  len: number;
  gather: boolean;
  /** already in the module's memory (a view on it): read where it is, nothing copied */
  inPlace: boolean;
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
function plan(o: Matrix32, batch: number, rows: number, cols: number, memory: WebAssembly.Memory): Staged {
  if (o.data.buffer === memory.buffer) {
    return {
      lo: 0,
      len: 0,
      gather: false,
      inPlace: true,
      at: o.data.byteOffset + o.offset * 4,
      rs: o.rs,
      cs: o.cs,
      bs: o.bs,
    };
  }
  let lo = o.offset,
    hi = o.offset;
  for (const [d, s] of [
    [batch, o.bs],
    [rows, o.rs],
    [cols, o.cs],
  ] as const) {
    const e = (d - 1) * s;
    if (e < 0) lo += e;
    else hi += e;
  }
  const size = batch * rows * cols;
  if (hi - lo + 1 <= 2 * size + 4096)
    return { lo, len: hi - lo + 1, gather: false, inPlace: false, at: 0, rs: o.rs, cs: o.cs, bs: o.bs };
  return { lo: 0, len: size, gather: true, inPlace: false, at: 0, rs: cols, cs: 1, bs: rows * cols };
}

function stage(o: Matrix32, s: Staged, base: number, F: Float32Array, batch: number, rows: number, cols: number): void {
  const at = base / 4;
  if (s.inPlace) return;
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

/** Rows or columns of C per block: at most this (an MC block of A in L2, a KC x 256 block of B). */
const MAX_BLOCK = 256;

/**
 * c[co + t m n + i n + j] = sum_p x[t, i, p] y[t, p, j] for t < batch, using
 * up to `threads` threads. Returns false, having done nothing, when the wasm
 * gemm cannot run (not loaded, or the operands do not fit its memory).
 */
export function gemmWasm(
  x: Matrix32,
  y: Matrix32,
  c: Float32Array,
  co: number,
  batch: number,
  m: number,
  k: number,
  n: number,
  threads: number
): boolean {
  const w = wasmGemm();
  if (w === null) return false;
  if (batch * m * n === 0) return true;
  if (k === 0) {
    c.fill(0, co, co + batch * m * n);
    return true;
  }
  const A = plan(x, batch, m, k, w.memory),
    B = plan(y, batch, k, n, w.memory);
  // Tall C: pack B whole, blocks of rows; wide C: pack A whole, blocks of columns.
  const mode = m >= n ? 0 : 1;
  // A B seen before (a variable's value: inference, each step's forward) is read from its kept panels.
  const reuse = batch === 1 && !B.inPlace ? keptPanels(w, y, k, n) : null;
  const dim = mode === 0 ? m : n,
    unit = mode === 0 ? 4 : 8;
  let t = 2 * batch * m * n * k >= THREAD_MIN_FLOPS ? Math.max(1, threads) : 1;
  const size = blockSize(dim, unit, batch, t);
  const perItem = Math.ceil(dim / size);
  if (t > 1) t = available(w, Math.min(t, batch * perItem));
  const one = w.exports.packedBytes(mode, m, n, k);
  const pbs = (mode === 0 ? B.bs : A.bs) === 0 ? 0 : one;
  const stageB = reuse === null || reuse.fill;
  const base = gemmBase();
  const aAt = base,
    bAt = align(aAt + A.len * 4),
    cAt = align(bAt + (stageB ? B.len * 4 : 0));
  const packAt = align(cAt + batch * m * n * 4),
    jobAt = align(packAt + (pbs === 0 ? one : batch * one));
  const workAt = align(jobAt + w.exports.jobBytes()),
    work = align(w.exports.workBytes(size, k));
  const F = heap(w, workAt + t * work - base);
  if (F === null) return false;
  stage(x, A, aAt, F, batch, m, k);
  if (stageB) stage(y, B, bAt, F, batch, k, n);
  if (reuse?.fill) {
    // Pack B whole into its kept panels: a one-matrix ROWS job's prepare, the layout both modes read.
    w.exports.setJob(jobAt, 0, 1, 4, 1, 0, 0, 0, 0, B.at, B.rs, B.cs, 0, reuse.at, 0, 0, n, 0, m, n, k, 0);
    w.exports.prepare(jobAt);
  }
  const wholeB = reuse === null ? 0 : reuse.at;
  w.exports.setJob(
    jobAt,
    mode,
    batch * perItem,
    size,
    perItem,
    A.at,
    A.rs,
    A.cs,
    A.bs,
    B.at,
    B.rs,
    B.cs,
    B.bs,
    mode === 0 && wholeB !== 0 ? wholeB : packAt,
    pbs,
    cAt,
    n,
    m * n,
    m,
    n,
    k,
    mode === 1 ? wholeB : 0
  );
  // ROWS packs B whole here, unless its kept panels are B; COLS packs A whole.
  if (!(mode === 0 && wholeB !== 0)) w.exports.prepare(jobAt);
  runJob(
    w,
    jobAt,
    Array.from({ length: t }, (_, i) => workAt + i * work)
  );
  c.set(F.subarray(cAt / 4, cAt / 4 + batch * m * n), co);
  return true;
}

/**
 * Packed panels of B operands kept across calls, by array. Values never
 * change once a tensor holds them (a variable's update swaps in a new array),
 * so an array and its view (offset, strides, shape) name the same panels for
 * as long as the array lives; the map is weak, so a dropped tensor's panels
 * go with it (their room is reused when the region is next given up).
 */
const keptB = new WeakMap<Float32Array, { key: string; at: number; generation: number }[]>();
/** Arrays seen once as B: a second product with one keeps its panels (a one-off operand is never kept). */
const seenB = new WeakSet<Float32Array>();

/** Products that read B from its kept panels, and that packed them (tests check both paths run). */
export const keptStats = { hits: 0, fills: 0 };

/** Products with fewer values of B than this pack B afresh (too small to be worth the room). */
const KEEP_MIN = 4096;

/**
 * Where `y`'s panels are kept: { at, fill: false } when they are there,
 * { at, fill: true } when room was just made for them (the caller packs
 * them), or null (not kept: seen for the first time, too small, no room).
 */
function keptPanels(w: WasmGemm, y: Matrix32, k: number, n: number): { at: number; fill: boolean } | null {
  if (k * n < KEEP_MIN) return null;
  const key = `${y.offset},${y.rs},${y.cs},${k},${n}`;
  const gen = keptGeneration();
  const list = (keptB.get(y.data) ?? []).filter((e) => e.generation === gen);
  const hit = list.find((e) => e.key === key);
  if (hit !== undefined) {
    keptStats.hits++;
    return { at: hit.at, fill: false };
  }
  if (!seenB.has(y.data)) {
    seenB.add(y.data);
    return null;
  }
  const at = keep(w, w.exports.packedBytes(0, 0, n, k));
  if (at === null) return null;
  // keep() may have given up older panels: this entry is of the generation now.
  list.push({ key, at, generation: keptGeneration() });
  keptB.set(
    y.data,
    list.filter((e) => e.generation === keptGeneration())
  );
  keptStats.fills++;
  return { at, fill: true };
}

/**
 * Rows or columns per block, a multiple of the tile's `unit`: one block of
 * MAX_BLOCK on one thread; about 4 blocks per thread on several, so a thread
 * slowed down by another process hands its share to the others. Any size
 * gives the same results (asm/gemm.ts), so this only decides the speed.
 */
function blockSize(dim: number, unit: number, batch: number, threads: number): number {
  const per = threads === 1 ? MAX_BLOCK : Math.ceil(dim / Math.max(1, Math.ceil((4 * threads) / batch)));
  const size = Math.min(MAX_BLOCK, Math.max(32, per));
  return Math.ceil(Math.min(size, dim) / unit) * unit;
}
