// Strided block copies for conv_fold.ts, which copies a convolution's input
// into its folded layout a channel vector (C values) at a time: in JS that
// is one converting load and store per value (about 2 ns each measured, 1.6
// ms per W3 fill), in WebAssembly one 16-byte load and store per 4 floats
// (0.17 ms): the gemm module's `runs` and `clear` (asm/gemm.ts), on its own
// shared memory (wasm/module.ts), in a region held for the convolution, so
// the gemm reads the folded input where it was built instead of staging a
// copy (the W3 step, one thread: 16.2 -> 15.1 ms). Copies move bits (no float
// conversion), so every value, NaN payloads included, arrives unchanged.
// Where the gemm's module cannot run the same copies run in JS.
import { allocate, type DType, type TypedArray } from '../core/dtype.js';
import { hold, wasmGemm, type WasmGemm } from './wasm/module.js';

interface Copier {
  gemm: WasmGemm;
  runs: (src: number, dst: number, n: number, len: number, ss: number, ds: number) => void;
  clear: (dst: number, n: number, len: number, ds: number) => void;
}

/** The copier: the gemm module's own `runs` and `clear` (asm/gemm.ts), on its memory; null where it cannot run. */
function load(): Copier | null {
  const gemm = wasmGemm();
  return gemm === null ? null : { gemm, runs: gemm.exports.runs, clear: gemm.exports.clear };
}

/**
 * A source region (`load` copies a range of the source array there), a
 * destination `d` of dstLen values (not zeroed) and `runs` between them, and
 * `scratch` of scratchLen values (not zeroed). Indices are in values: src =
 * srcAt + an index into the source array, dst into d.
 */
export interface Arena {
  srcAt: number;
  d: TypedArray;
  scratch: TypedArray;
  /** Make src[from .. to) readable (at most the capacity asked for). */
  load(src: TypedArray, from: number, to: number): void;
  /** n times: copy len values from src to dst, then step src by ss and dst by ds. */
  runs(src: number, dst: number, n: number, len: number, ss: number, ds: number): void;
  /** n times: zero len values at dst, then step dst by ds. */
  clear(dst: number, n: number, len: number, ds: number): void;
}

/**
 * An arena in the module's memory, valid until the next call (the memory is
 * reused: results must be copied out before then), or in JS where the module
 * cannot run or `force` says so (tests). Scratch kept here is not allocated
 * afresh (megabytes per call on W3) for the garbage collector to count.
 */
export function arena(dtype: DType, srcCapacity: number, dstLen: number, scratchLen = 0, force?: 'js'): Arena {
  const c = force === 'js' || (dtype !== 'float32' && dtype !== 'float64') ? null : load();
  const bpe = dtype === 'float64' ? 8 : 4;
  const up = (b: number) => Math.ceil(b / 64) * 64;
  const dAt = up(srcCapacity * bpe),
    sAt = up(dAt + dstLen * bpe),
    bytes = sAt + scratchLen * bpe;
  const base = c === null ? null : hold(c.gemm, bytes);
  if (c === null || base === null) return jsArena(dtype, dstLen, scratchLen);
  const View = dtype === 'float32' ? Float32Array : Float64Array;
  const buffer = c.gemm.memory.buffer;
  const s = new View(buffer, base, srcCapacity),
    d = new View(buffer, base + dAt, dstLen);
  const scratch = new View(buffer, base + sAt, scratchLen);
  const { runs, clear } = c;
  return {
    srcAt: 0,
    d,
    scratch,
    load(src, from, to) {
      s.set(src.subarray(from, to));
      this.srcAt = -from;
    },
    runs: (from, to, n, len, ss, ds) =>
      runs(base + from * bpe, base + dAt + to * bpe, n, len * bpe, ss * bpe, ds * bpe),
    clear: (to, n, len, ds) => clear(base + dAt + to * bpe, n, len * bpe, ds * bpe),
  };
}

/**
 * The same in JS: the source is read where it is, through 32-bit integer
 * views (a float load would quiet a signalling NaN; an integer moves bits).
 */
function jsArena(dtype: DType, dstLen: number, scratchLen: number): Arena {
  const d = allocate(dtype, dstLen);
  const per = d.BYTES_PER_ELEMENT / 4;
  const words = (a: TypedArray) => new Int32Array(a.buffer, a.byteOffset, a.length * per);
  const dw = words(d);
  let sw = dw;
  return {
    srcAt: 0,
    d,
    scratch: allocate(dtype, scratchLen),
    load(src) {
      sw = words(src);
    },
    runs(from, to, n, len, ss, ds) {
      const l = len * per;
      for (let i = 0; i < n; i++, from += ss, to += ds) {
        const f = from * per,
          t = to * per;
        for (let j = 0; j < l; j++) dw[t + j] = sw[f + j]!;
      }
    },
    clear(to, n, len, ds) {
      for (let i = 0; i < n; i++, to += ds) d.fill(0, to, to + len);
    },
  };
}
