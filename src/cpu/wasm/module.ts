// The gemm WebAssembly module (asm/gemm.ts), compiled and instantiated once,
// synchronously, on first use, over one shared memory that the worker pool's
// threads instantiate it on too. Where WebAssembly SIMD or shared memory is
// missing (or KTAPE_WASM=0), `wasmGemm()` is null and the cpu kernels stay on
// their pure-JS path. Where the engine has relaxed SIMD, the build with fused
// multiply-adds (gemm_fma) is used.
import { platform } from '../../core/platform.js';
import { GEMM_MAX_PAGES, GEMM_WASM_BASE64 } from './gemm.wasm.js';
import { GEMM_FMA_WASM_BASE64 } from './gemm_fma.wasm.js';
import { instantiate } from './load.js';

/** The module's exports (asm/gemm.ts): addresses in bytes, strides in elements. */
export interface GemmExports {
  /** Write a job at `job` (jobBytes() long): mode 0 packs B whole and splits rows of C, 1 packs A and splits columns. */
  setJob(
    job: number,
    mode: number,
    blocks: number,
    size: number,
    perItem: number,
    a: number,
    ars: number,
    acs: number,
    abs: number,
    b: number,
    brs: number,
    bcs: number,
    bbs: number,
    packed: number,
    pbs: number,
    c: number,
    ldc: number,
    cbs: number,
    m: number,
    n: number,
    k: number,
    /** B packed whole ahead of the job (a kept operand), or 0. */
    bpacked: number
  ): void;
  jobBytes(): number;
  /** Bytes of the whole packed operand of one matrix. */
  packedBytes(mode: number, m: number, n: number, k: number): number;
  /** Bytes of one thread's scratch for blocks of `size` rows or columns. */
  workBytes(size: number, k: number): number;
  /** Pack the job's shared operand (main thread, before any thread runs it). */
  prepare(job: number): void;
  /** Compute blocks of the job until none are left (every thread). */
  run(job: number, work: number): void;
  /** `n` times copy `len` bytes from src to dst, then step src by `ss` and dst by `ds` bytes (conv_copy.ts). */
  runs(src: number, dst: number, n: number, len: number, ss: number, ds: number): void;
  /** The same, writing zeros. */
  clear(dst: number, n: number, len: number, ds: number): void;
}

export interface WasmGemm {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly exports: GemmExports;
  /** Whether this is the relaxed-SIMD build (fused multiply-adds). */
  readonly fma: boolean;
}

const PAGE = 65536;
/** Addresses below this stay unused, so 0 is never a valid operand. */
export const HEAP_START = 64;

let loaded: WasmGemm | null | undefined;
let enabled = platform().env('KTAPE_WASM') !== '0';
let view: Float32Array | null = null;

function load(): WasmGemm | null {
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: 1, maximum: GEMM_MAX_PAGES, shared: true });
  } catch {
    // No shared memory (a browser page without cross-origin isolation).
    return null;
  }
  // The fused build where the engine takes relaxed SIMD (KTAPE_WASM_FMA=0 keeps the plain one, for comparisons).
  if (platform().env('KTAPE_WASM_FMA') !== '0' && platform().relaxedSimd()) {
    const f = instantiate(GEMM_FMA_WASM_BASE64, { env: { memory } });
    if (f !== null) return { module: f.module, memory, exports: f.exports as unknown as GemmExports, fma: true };
  }
  const m = instantiate(GEMM_WASM_BASE64, { env: { memory } });
  return m === null ? null : { module: m.module, memory, exports: m.exports as unknown as GemmExports, fma: false };
}

/** The instantiated module, or null where it cannot run or is switched off. */
export function wasmGemm(): WasmGemm | null {
  if (!enabled) return null;
  if (loaded === undefined) loaded = load();
  return loaded;
}

/** Switch the wasm path off or on (tests compare it with the JS path); returns the previous setting. */
export function setWasmEnabled(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/**
 * Bytes from HEAP_START held by a kernel across its gemm calls (conv_copy.ts
 * builds the folded convolution input there, so the gemm reads it in place
 * instead of staging a copy); then the packed operands kept across calls
 * (keep); the gemm's own region starts after both.
 */
let held = 0;
let kept = 0;
/** Bumped whenever the kept region is given up: an address from an older generation is stale. */
let generation = 0;
/** The most bytes of packed operands kept at once. */
export const KEEP_MAX = 32 << 20;

/** Where the gemm's region starts. */
export function gemmBase(): number {
  return HEAP_START + held + kept;
}

/** The kept region's generation (an address keep() returned is valid while it is unchanged). */
export function keptGeneration(): number {
  return generation;
}

/** Give up every kept operand. */
export function dropKept(): void {
  kept = 0;
  generation++;
}

/**
 * Hold `bytes` from HEAP_START (growing the memory; views already made stay
 * valid, as the memory is shared and never detaches) until the next hold:
 * their address, or null past the module's maximum. A hold of another size
 * gives up the kept operands, which lie just after it.
 */
export function hold(w: WasmGemm, bytes: number): number | null {
  const want = Math.ceil(bytes / 64) * 64;
  if (want !== held) dropKept();
  held = 0;
  if (heap(w, want + kept) === null) return null;
  held = want;
  return HEAP_START;
}

/**
 * Room for `bytes` of a packed operand kept across calls (after the held
 * region): its address, or null past the module's maximum. Past KEEP_MAX the
 * older operands are given up first.
 */
export function keep(w: WasmGemm, bytes: number): number | null {
  const size = Math.ceil(bytes / 64) * 64;
  if (size > KEEP_MAX) return null;
  if (kept + size > KEEP_MAX) dropKept();
  if (heap(w, size) === null) return null;
  const at = gemmBase();
  kept += size;
  return at;
}

/**
 * A float32 view of memory holding at least `bytes` from gemmBase() (growing
 * it), or null when that is past the module's maximum. Callers own the region
 * until they return: every cpu kernel runs to completion on the main thread.
 */
export function heap(w: WasmGemm, bytes: number): Float32Array | null {
  const need = gemmBase() + bytes;
  const have = w.memory.buffer.byteLength;
  if (need > have) {
    const pages = Math.ceil((need - have) / PAGE);
    if (have / PAGE + pages > GEMM_MAX_PAGES) return null;
    try {
      w.memory.grow(pages);
    } catch {
      return null;
    }
    view = null;
  }
  if (view === null || view.buffer.byteLength !== w.memory.buffer.byteLength) view = new Float32Array(w.memory.buffer);
  return view;
}
