// The elementwise WebAssembly module (asm/elementwise.ts): float32 maps, row
// reductions and softmax in SIMD, instantiated once, synchronously, on first
// use, over its own growable memory. Kernels copy their operands in (one
// TypedArray.set each), run, and copy the result out into a fresh array.
// Measured on a million elements: a SIMD exp or tanh takes 1-3 ms where
// Math.exp / Math.tanh take 12-30 ms; a binary map 0.15 ms; a copy in
// 0.1-0.2 ms; the copy out, most of it allocating and first touching the
// fresh array, 0.4-1.5 ms (the JS loops pay that allocation too).
//
// Results and inputs stay in the module's memory after a call, in a ring of
// buffers, while the ring does not need their room: a later kernel reading
// one of those arrays (the usual chain of maps, or one operand used twice)
// finds it there and copies nothing. This relies on what every kernel
// already relies on: a tensor's values are never written once it exists
// (arrays handed in by users are copied into fresh ones first).
//
// Where SIMD is missing, or KTAPE_WASM=0, `wasmElementwise()` is null and the
// kernels stay on their JS loops (the reference the tests compare with).
import { platform } from '../../core/platform.js';
import { ELEMENTWISE_MAX_PAGES, ELEMENTWISE_WASM_BASE64 } from './elementwise.wasm.js';
import { EXP64, EXP64_CONSTANTS } from './exp64.js';
import { instantiate } from './load.js';

export type UnaryOp = 'exp' | 'log' | 'tanh' | 'sigmoid' | 'softplus';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'sigmoidGrad' | 'tanhGrad';
export type CompareOp = 'cmpEq' | 'cmpNe' | 'cmpLt' | 'cmpLe' | 'cmpGt' | 'cmpGe';
export type RowOp = 'sumRows' | 'maxRows' | 'minRows';
export type ColOp = 'sumCols' | 'maxCols' | 'minCols';

/** The module's exports: addresses in bytes, counts and strides in elements. */
export interface ElementwiseExports
  extends Record<UnaryOp | 'exp64', (x: number, o: number, n: number) => void>,
    Record<
      BinaryOp | CompareOp,
      (o: number, a: number, a0: number, a1: number, b: number, b0: number, b1: number, n0: number, n1: number) => void
    >,
    Record<RowOp | ColOp, (x: number, o: number, rows: number, inner: number) => void> {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  softmaxRows(x: number, o: number, rows: number, inner: number): void;
  where(
    o: number,
    c: number,
    c0: number,
    c1: number,
    a: number,
    a0: number,
    a1: number,
    b: number,
    b0: number,
    b1: number,
    n0: number,
    n1: number
  ): void;
  fused(prog: number, count: number, slots: number, nslots: number, ptrs: number, n: number): void;
  gemm64(a: number, b: number, c: number, m: number, n: number, k: number, work: number): void;
  exp64Constants(): number;
}

/**
 * Sizes (elements) from which a float32 kernel runs in wasm: below them the
 * fixed cost of a call and its copies is not won back (measured from 16 to
 * 65536 elements: at these sizes wasm and JS take about the same time, at
 * twice them wasm wins by 1.3-3x).
 */
export const WASM_MIN = { unary: 128, binary: 4096, reduce: 4096, softmax: 128, fused: 4096 } as const;
/** Larger operands stay in JS: the ring (see ringFor) never shrinks. */
export const WASM_MAX_ELEMENTS = 1 << 22;

const PAGE = 65536;
const MiB = 1 << 20;

/**
 * The ring's length for buffers of `size` bytes: room for eight (a chain of
 * maps and its gradient find their operands still there), at most 64 MiB
 * unless four need more; at least 4 MiB. It only grows, with the largest
 * operands seen.
 */
function ringFor(size: number): number {
  return Math.max(4 * MiB, Math.min(8 * size, Math.max(64 * MiB, 4 * size)));
}

/** Arrays remembered at most (the ring evicts most of them sooner). */
const MAX_RESIDENT = 32;

/** Arrays the ring holds: float32 and float64 values, and bool bytes (comparisons' results, where's conditions). */
type Held = Float32Array | Float64Array | Uint8Array;

/** Where an array's values [lo, lo + n) are in memory (n elements at `at`, a buffer up to `end`), while `live`. */
interface Resident {
  readonly at: number;
  readonly end: number;
  readonly lo: number;
  readonly n: number;
  live: boolean;
}

/** The bytes of a buffer of `bytes`: whole vectors, and one more of padding. */
const extent = (bytes: number) => Math.ceil(bytes / 16) * 16 + 16;

/**
 * The instance and the ring of buffers in its memory. A kernel calls `begin`,
 * takes its buffers (`input`, `take`), runs, and copies its result out
 * (`result`) before returning; the buffers of one call never overlap. cpu
 * kernels run to completion one at a time, on the main thread.
 */
export class WasmElementwise {
  /** The ring is [base, end): base is past the module's constant tables. */
  private readonly base: number;
  private end: number;
  private head: number;
  /** Byte ranges in use by the current call. */
  private readonly pinned: [number, number][] = [];
  private resident: Resident[] = [];
  /** Arrays in memory, by array: weak, so remembering one never keeps it alive. */
  private tags = new WeakMap<Held, Resident>();
  private buffer: ArrayBuffer;
  f32: Float32Array;
  f64: Float64Array;
  u8: Uint8Array;

  constructor(readonly exports: ElementwiseExports) {
    this.base = Math.ceil(exports.heapBase() / 16) * 16;
    this.end = this.base;
    this.head = this.base;
    this.buffer = exports.memory.buffer;
    this.f32 = new Float32Array(this.buffer);
    this.f64 = new Float64Array(this.buffer);
    this.u8 = new Uint8Array(this.buffer);
  }

  /** Start a kernel call: nothing of the previous one is in use any more. */
  begin(): void {
    this.pinned.length = 0;
  }

  /** Make the ring at least `bytes` long (growing memory); false when it cannot. */
  private reserve(bytes: number): boolean {
    if (this.end - this.base >= bytes) return true;
    const end = this.base + bytes;
    const have = this.exports.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > ELEMENTWISE_MAX_PAGES) return false;
      try {
        this.exports.memory.grow(pages);
      } catch {
        return false;
      }
      this.buffer = this.exports.memory.buffer;
      this.f32 = new Float32Array(this.buffer);
      this.f64 = new Float64Array(this.buffer);
      this.u8 = new Uint8Array(this.buffer);
    }
    this.end = end;
    return true;
  }

  /**
   * A 16-byte aligned buffer of `n` elements of `bytes` each, padded by one
   * vector (the module's maps run whole vectors), clear of this call's other
   * buffers: its byte address, or null when memory cannot grow that far.
   * Remembered results in its way are forgotten.
   */
  take(n: number, bytes = 4): number | null {
    const size = extent(n * bytes);
    // A call pins at most three buffers, or where's three and its condition's bytes: a ring of four of the largest always has room.
    if (!this.reserve(ringFor(size))) return null;
    let p = this.head;
    let wrapped = false;
    for (;;) {
      if (p + size > this.end) {
        if (wrapped) return null;
        p = this.base;
        wrapped = true;
        continue;
      }
      const q = p;
      const hit = this.pinned.find(([a, b]) => a < q + size && q < b);
      if (hit === undefined) break;
      p = hit[1];
    }
    const stop = p + size;
    this.resident = this.resident.filter((r) => {
      const clear = r.end <= p || stop <= r.at;
      if (!clear) r.live = false;
      return clear;
    });
    this.pinned.push([p, stop]);
    this.head = stop;
    return p;
  }

  /**
   * The address of data[lo, hi): where memory still holds it, else a new
   * buffer it is copied into (and remembered); null when memory is exhausted.
   */
  input(data: Held, lo: number, hi: number): number | null {
    const bytes = data.BYTES_PER_ELEMENT;
    const r = this.tags.get(data);
    if (r?.live && lo >= r.lo && hi <= r.lo + r.n) {
      this.pinned.push([r.at, r.end]);
      return r.at + (lo - r.lo) * bytes;
    }
    const at = this.take(hi - lo, bytes);
    if (at === null) return null;
    const part = lo === 0 && hi === data.length ? data : data.subarray(lo, hi);
    if (part instanceof Float32Array) this.f32.set(part, at >> 2);
    else if (part instanceof Float64Array) this.f64.set(part, at >> 3);
    else this.u8.set(part, at);
    this.remember(data, at, lo, hi - lo);
    return at;
  }

  /** A fresh array of the `n` float32 values at `at` (a buffer from `take`), remembered there. */
  result(at: number, n: number): Float32Array {
    return this.fresh(this.f32, at, n);
  }

  /** A fresh array of the `n` float64 values at `at` (a buffer from `take(n, 8)`), remembered there. */
  result64(at: number, n: number): Float64Array {
    return this.fresh(this.f64, at, n);
  }

  /** A fresh array of the `n` bool bytes at `at` (a buffer from `take(n, 1)`), remembered there. */
  resultBytes(at: number, n: number): Uint8Array {
    return this.fresh(this.u8, at, n);
  }

  /** The n elements at byte address `at` copied out of `view` (one of this memory's views), remembered there. */
  private fresh<T extends Held>(view: T, at: number, n: number): T {
    const e = at / view.BYTES_PER_ELEMENT;
    const out = view.slice(e, e + n) as T;
    this.remember(out, at, 0, n);
    return out;
  }

  private remember(data: Held, at: number, lo: number, n: number): void {
    const r: Resident = { at, end: at + extent(n * data.BYTES_PER_ELEMENT), lo, n, live: true };
    this.tags.set(data, r);
    this.resident.push(r);
    if (this.resident.length > MAX_RESIDENT) this.resident.shift()!.live = false;
  }

  /** Forget every remembered result (tests use it to force the copying path). */
  forget(): void {
    for (const r of this.resident) r.live = false;
    this.resident = [];
  }
}

let loaded: WasmElementwise | null | undefined;
let enabled = platform().env('KTAPE_WASM') !== '0';

function load(): WasmElementwise | null {
  const m = instantiate(ELEMENTWISE_WASM_BASE64, {});
  if (m === null) return null;
  const exports = m.exports as unknown as ElementwiseExports;
  // exp64's constants: one copy, the JS twin's.
  new Float64Array(exports.memory.buffer, exports.exp64Constants(), EXP64.LENGTH).set(EXP64_CONSTANTS);
  return new WasmElementwise(exports);
}

/** The instantiated module, or null where it cannot run or is switched off. */
export function wasmElementwise(): WasmElementwise | null {
  if (!enabled) return null;
  if (loaded === undefined) loaded = load();
  return loaded;
}

/** Switch the wasm path off or on (tests compare it with the JS loops); returns the previous setting. */
export function setWasmElementwiseEnabled(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

// ---- the kernels' entry points: each returns null (or false) where wasm does not apply ----

/** The module when an operation of `n` elements is in its range, with a call begun. */
function start(n: number, min: number): WasmElementwise | null {
  const w = n >= min && n <= WASM_MAX_ELEMENTS ? wasmElementwise() : null;
  w?.begin();
  return w;
}

/**
 * `op` over n contiguous elements of `data` from `offset`, into an output of
 * the same kind: the module and the output's address, or null.
 */
function run1(op: UnaryOp | 'exp64', data: Float32Array | Float64Array, offset: number, n: number) {
  const w = start(n, WASM_MIN.unary);
  const x = w?.input(data, offset, offset + n) ?? null;
  const o = x === null ? null : w!.take(n, data.BYTES_PER_ELEMENT);
  if (o === null) return null;
  w!.exports[op](x!, o, n);
  return [w!, o] as const;
}

/** f(x) of a contiguous float32 operand of n elements, or null. */
export function wasmUnary(op: UnaryOp, data: Float32Array, offset: number, n: number): Float32Array | null {
  const r = run1(op, data, offset, n);
  return r === null ? null : r[0].result(r[1], n);
}

/** e^x of a contiguous float64 operand of n elements (exp64.ts's bits), or null. */
export function wasmExp64(data: Float64Array, offset: number, n: number): Float64Array | null {
  const r = run1('exp64', data, offset, n);
  return r === null ? null : r[0].result64(r[1], n);
}

/** An operand's walk over n0 rows of n1: [offset, row stride, element stride] (strided.ts Plan2). */
type Walk = readonly [number, number, number];

/** The slice of an operand's data its walk reads: [lo, hi), or null when wasm cannot walk it. */
function span(data: Held, [off, s0, s1]: Walk, n0: number, n1: number): [number, number] | null {
  if (s0 < 0 || (s1 !== 0 && s1 !== 1)) return null;
  const hi = off + (n0 - 1) * s0 + (n1 - 1) * s1 + 1;
  // A walk with gaps (a column of a wide matrix) would copy more than it reads.
  if (hi > data.length || hi - off > 2 * n0 * n1 + 64) return null;
  return [off, hi];
}

/**
 * Stage a and b (each walked with element stride 0 or 1 over n0 rows of n1),
 * take an output of n0 n1 elements of `bytes` each and run `op`: the module
 * and the output's address, or null where wasm does not apply.
 */
function run2(
  op: BinaryOp | CompareOp,
  a: Float32Array,
  b: Float32Array,
  n0: number,
  n1: number,
  wa: Walk,
  wb: Walk,
  bytes: number
): [WasmElementwise, number] | null {
  const n = n0 * n1;
  if (n < WASM_MIN.binary) return null;
  const sa = span(a, wa, n0, n1);
  const sb = span(b, wb, n0, n1);
  const w = sa === null || sb === null ? null : start(n, WASM_MIN.binary);
  const pa = w?.input(a, sa![0], sa![1]) ?? null;
  const pb = pa === null ? null : w!.input(b, sb![0], sb![1]);
  const o = pb === null ? null : w!.take(n, bytes);
  if (o === null) return null;
  w!.exports[op](o, pa!, wa[1], wa[2], pb!, wb[1], wb[2], n0, n1);
  return [w!, o];
}

/** A binary map's operands: a and b over n0 rows of n1, walked by wa and wb. */
type Map2Args = [a: Float32Array, b: Float32Array, n0: number, n1: number, wa: Walk, wb: Walk];

/** x op y over a 2-D plan of float32 operands (each walked with element stride 0 or 1), or null. */
export function wasmBinary(op: BinaryOp, ...args: Map2Args): Float32Array | null {
  const r = run2(op, ...args, 4);
  return r === null ? null : r[0].result(r[1], args[2] * args[3]);
}

/** x op y (bool bytes) over a 2-D plan of float32 operands, as wasmBinary; or null. */
export function wasmCompare(op: CompareOp, ...args: Map2Args): Uint8Array | null {
  const r = run2(op, ...args, 1);
  return r === null ? null : r[0].resultBytes(r[1], args[2] * args[3]);
}

/** c ? x : y over a 2-D plan: c bool bytes, x and y float32 (each walked with element stride 0 or 1); or null. */
export function wasmWhere(
  c: Uint8Array,
  a: Float32Array,
  b: Float32Array,
  n0: number,
  n1: number,
  wc: Walk,
  wa: Walk,
  wb: Walk
): Float32Array | null {
  const n = n0 * n1;
  if (n < WASM_MIN.binary) return null;
  const sc = span(c, wc, n0, n1);
  const sa = span(a, wa, n0, n1);
  const sb = span(b, wb, n0, n1);
  const w = sc === null || sa === null || sb === null ? null : start(n, WASM_MIN.binary);
  const pc = w?.input(c, sc![0], sc![1]) ?? null;
  const pa = pc === null ? null : w!.input(a, sa![0], sa![1]);
  const pb = pa === null ? null : w!.input(b, sb![0], sb![1]);
  const o = pb === null ? null : w!.take(n);
  if (o === null) return null;
  w!.exports.where(o, pc!, wc[1], wc[2], pa!, wa[1], wa[2], pb!, wb[1], wb[2], n0, n1);
  return w!.result(o, n);
}

/**
 * Fold `rows` contiguous rows of `inner` float32 values into `out` (one per
 * row): sums in float64, max/min exact. False when wasm does not apply.
 */
export function wasmRows(
  op: RowOp,
  out: Float32Array,
  data: Float32Array,
  offset: number,
  rows: number,
  inner: number
): boolean {
  const n = rows * inner;
  const w = start(n, WASM_MIN.reduce);
  const x = w?.input(data, offset, offset + n) ?? null;
  const o = x === null ? null : w!.take(rows, op === 'sumRows' ? 8 : 4);
  if (o === null) return false;
  w!.exports[op](x!, o, rows, inner);
  // float64 sums round to float32 here, as the JS loop's store does.
  if (op === 'sumRows') out.set(w!.f64.subarray(o >> 3, (o >> 3) + rows));
  else out.set(w!.f32.subarray(o >> 2, (o >> 2) + rows));
  return true;
}

/**
 * Fold the `outer` leading rows of a contiguous float32 [outer, inner] block
 * element-wise into `out` (inner values), starting from `start`, in row order
 * (the same results as the JS loop). False when wasm does not apply.
 */
export function wasmCols(
  op: ColOp,
  out: Float32Array,
  data: Float32Array,
  offset: number,
  outer: number,
  inner: number,
  init: number
): boolean {
  const n = outer * inner;
  const w = start(n, WASM_MIN.reduce);
  const x = w?.input(data, offset, offset + n) ?? null;
  const wide = op === 'sumCols';
  const acc = x === null ? null : w!.take(inner, wide ? 8 : 4);
  if (acc === null) return false;
  const view = wide ? w!.f64.subarray(acc >> 3, (acc >> 3) + inner) : w!.f32.subarray(acc >> 2, (acc >> 2) + inner);
  view.fill(init);
  w!.exports[op](x!, acc, outer, inner);
  out.set(view);
  return true;
}

/** Softmax of each of `rows` contiguous float32 rows of `inner` values, or null. */
export function wasmSoftmaxRows(data: Float32Array, offset: number, rows: number, inner: number): Float32Array | null {
  const n = rows * inner;
  const w = start(n, WASM_MIN.softmax);
  const x = w?.input(data, offset, offset + n) ?? null;
  const o = x === null ? null : w!.take(n);
  if (o === null) return null;
  w!.exports.softmaxRows(x!, o, rows, inner);
  return w!.result(o, n);
}

/** asm/elementwise.ts's fused-chain opcodes (instructions [op, dst, a, b, c, 0, 0, 0]). */
export const FUSED_OP = {
  exp: 0,
  log: 1,
  tanh: 2,
  sigmoid: 3,
  softplus: 4,
  neg: 5,
  abs: 6,
  sqrt: 7,
  add: 16,
  sub: 17,
  mul: 18,
  div: 19,
  maximum: 20,
  minimum: 21,
  sigmoid_grad: 22,
  tanh_grad: 23,
  equal: 24,
  not_equal: 25,
  less: 26,
  less_equal: 27,
  greater: 28,
  greater_equal: 29,
  where: 30,
} as const;
const SUM_ALL = 32;
/** Elements per block of a fused chain (asm/elementwise.ts FUSE_BLOCK). */
const FUSE_BLOCK = 256;

/** An operand of a fused chain: n float32 values of `data` from `offset`, or one value repeated. */
export type FusedInput = { readonly data: Float32Array; readonly offset: number } | number;

/**
 * A chain of ops over n elements in one pass of the module: `ops` are
 * [opcode, a, b, c] with operands numbered inputs first, then each op's result;
 * the last op's result is returned as a fresh array, or summed (float64, then
 * rounded) when `sum`. Null where wasm does not apply or memory is short.
 */
export function wasmFused(
  ops: readonly (readonly [number, number, number, number])[],
  inputs: readonly FusedInput[],
  n: number,
  sum: boolean
): Float32Array | number | null {
  const w = start(n, WASM_MIN.fused);
  if (w === null) return null;
  const k = inputs.length;
  // Slots: the inputs, one register per op, then the output (or the sum's accumulator).
  const nslots = k + ops.length + 1;
  const slots = new Int32Array(2 * nslots);
  const repeated: [number, number][] = [];
  for (let i = 0; i < k; i++) {
    const x = inputs[i]!;
    const at = typeof x === 'number' ? w.take(FUSE_BLOCK) : w.input(x.data, x.offset, x.offset + n);
    if (at === null) return null;
    if (typeof x === 'number') repeated.push([at, x]);
    slots[2 * i] = at;
    slots[2 * i + 1] = typeof x === 'number' ? 0 : 1;
  }
  const regs = w.take(FUSE_BLOCK * ops.length);
  const out = sum ? w.take(4, 8) : w.take(n);
  const prog = w.take(8 * ops.length + 8);
  const table = w.take(2 * nslots);
  const ptrs = w.take(nslots);
  if (regs === null || out === null || prog === null || table === null || ptrs === null) return null;
  for (let j = 0; j < ops.length; j++) {
    slots[2 * (k + j)] = regs + 4 * FUSE_BLOCK * j;
    slots[2 * (k + j) + 1] = 0;
  }
  slots[2 * (nslots - 1)] = out;
  slots[2 * (nslots - 1) + 1] = sum ? 0 : 1;
  // The last op writes the output slot itself, unless its values are summed from its register.
  const code = new Int32Array(8 * ops.length + 8);
  ops.forEach(([op, a, b, c], j) => {
    const last = j === ops.length - 1 && !sum;
    code.set([op, last ? nslots - 1 : k + j, a, b, c], 8 * j);
  });
  let count = ops.length;
  if (sum) code.set([SUM_ALL, out, k + ops.length - 1, 0, 0], 8 * count++);
  for (const [at, v] of repeated) w.f32.fill(v, at >> 2, (at >> 2) + FUSE_BLOCK);
  if (sum) w.f64.fill(0, out >> 3, (out >> 3) + 4);
  const i32 = new Int32Array(w.exports.memory.buffer);
  i32.set(code.subarray(0, 8 * count), prog >> 2);
  i32.set(slots, table >> 2);
  w.exports.fused(prog, count, table, nslots, ptrs, n);
  if (!sum) return w.result(out, n);
  const acc = w.f64.subarray(out >> 3, (out >> 3) + 4);
  // The lanes folded as sumRows folds them, so a whole-array sum matches the unfused one.
  return Math.fround(acc[0]! + acc[2]! + (acc[1]! + acc[3]!));
}

/** A float64 matrix read through strides (elements). */
export interface Matrix64 {
  readonly data: Float64Array;
  readonly offset: number;
  readonly rs: number;
  readonly cs: number;
}

/** Copy `x` (rows x cols) row-major into memory at `at`. */
function stage64(w: WasmElementwise, x: Matrix64, rows: number, cols: number, at: number): void {
  const base = at >> 3;
  if (x.cs === 1 && x.rs === cols) {
    w.f64.set(x.data.subarray(x.offset, x.offset + rows * cols), base);
    return;
  }
  const f = w.f64;
  const d = x.data;
  let q = base;
  for (let i = 0; i < rows; i++) {
    let r = x.offset + i * x.rs;
    for (let j = 0; j < cols; j++, r += x.cs) f[q++] = d[r]!;
  }
}

/** Products the wasm float64 gemm has run (tests check the path was taken). */
export let gemm64Runs = 0;

/** Depth of a float64 slice (asm/elementwise.ts KC64). */
const KC64 = 256;

/**
 * C = x y in float64 (m x k by k x n), in wasm: the same bits as the JS gemm
 * (each element summed over k in order, by separate multiplies and adds), or
 * null where wasm does not apply.
 */
export function wasmGemm64(x: Matrix64, y: Matrix64, m: number, k: number, n: number): Float64Array | null {
  const biggest = Math.max(m * k, k * n, m * n);
  if (biggest > WASM_MAX_ELEMENTS) return null;
  const w = start(biggest, 0);
  if (w === null) return null;
  const a = w.take(m * k, 8);
  const b = a === null ? null : w.take(k * n, 8);
  const c = b === null ? null : w.take(m * n, 8);
  const work = c === null ? null : w.take(KC64 * (Math.ceil(n / 4) * 4 + 4) + 32, 8);
  if (work === null) return null;
  stage64(w, x, m, k, a!);
  stage64(w, y, k, n, b!);
  w.exports.gemm64(a!, b!, c!, m, n, k, work);
  gemm64Runs++;
  return w.f64.slice(c! >> 3, (c! >> 3) + m * n);
}
