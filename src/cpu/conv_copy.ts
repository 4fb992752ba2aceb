// Strided block copies for conv_fold.ts, which copies a convolution's input
// into its folded layout a channel vector (C values) at a time: in JS that
// is one converting load and store per value (about 2 ns each measured, 1.6
// ms per W3 fill), in this hand-assembled WebAssembly module one 16-byte
// load and store per 4 floats (0.17 ms). The module works on the gemm's own
// shared memory (wasm/module.ts), in a region held for the convolution, so
// the gemm reads the folded input where it was built instead of staging a
// copy (the W3 step, one thread: 16.2 -> 15.1 ms). Copies move bits (no float
// conversion), so every value, NaN payloads included, arrives unchanged.
// Where the gemm's module cannot run the same copies run in JS.
import { allocate, type DType, type TypedArray } from '../core/dtype.js';
import { hold, wasmGemm, type WasmGemm } from './wasm/module.js';

/*
 * (func (export "runs") (param $src i32) (param $dst i32) (param $n i32)
 *       (param $len i32) (param $ss i32) (param $ds i32) (local $b i32)
 *   ;; n times: copy len bytes (a multiple of 4) from src to dst, then step
 *   ;; src by ss and dst by ds. 16 bytes at a time, then 4 at a time.
 *   (block $done
 *     (br_if $done (i32.eqz (local.get $n)))
 *     (loop $row
 *       (local.set $b (i32.const 0))
 *       (block $vend (loop $vec
 *         (br_if $vend (i32.gt_s (i32.add (local.get $b) (i32.const 16)) (local.get $len)))
 *         (v128.store (i32.add (local.get $dst) (local.get $b)) (v128.load (i32.add (local.get $src) (local.get $b))))
 *         (local.set $b (i32.add (local.get $b) (i32.const 16)))
 *         (br $vec)))
 *       (block $send (loop $sca
 *         (br_if $send (i32.ge_s (local.get $b) (local.get $len)))
 *         (i32.store (i32.add (local.get $dst) (local.get $b)) (i32.load (i32.add (local.get $src) (local.get $b))))
 *         (local.set $b (i32.add (local.get $b) (i32.const 4)))
 *         (br $sca)))
 *       (local.set $src (i32.add (local.get $src) (local.get $ss)))
 *       (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
 *       (br_if $row (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
 * (func (export "clear") (param $dst i32) (param $n i32) (param $len i32) (param $ds i32) (local $b i32)
 *   ;; the same with no source: stores (v128.const 0) and (i32.const 0).
 * over (import "env" "memory" (memory 1 65536 shared)), the gemm's memory.
 */
const GET = 0x20,
  SET = 0x21,
  TEE = 0x22,
  CONST = 0x41,
  ADD = 0x6a,
  SUB = 0x6b;
const BLOCK = [0x02, 0x40],
  LOOP = [0x03, 0x40],
  END = 0x0b,
  BR = 0x0c,
  BR_IF = 0x0d;
const V128_LOAD = [0xfd, 0x00, 0x00, 0x00],
  V128_STORE = [0xfd, 0x0b, 0x00, 0x00],
  V128_ZERO = [0xfd, 0x0c, ...Array<number>(16).fill(0)];
const I32_LOAD = [0x28, 0x02, 0x00],
  I32_STORE = [0x36, 0x02, 0x00];

/** The body of "runs" (copy) or "clear" (not copy): their params and local in the order above. */
function body(copy: boolean): number[] {
  const [SRC, DST, N, LEN, SS, DS, B] = copy ? [0, 1, 2, 3, 4, 5, 6] : [-1, 0, 1, 2, -1, 3, 4];
  const at = (base: number) => [GET, base, GET, B, ADD];
  return [
    0x01,
    0x01,
    0x7f, // one local: $b i32
    ...BLOCK,
    GET,
    N,
    0x45 /* i32.eqz */,
    BR_IF,
    0,
    ...LOOP,
    CONST,
    0,
    SET,
    B,
    ...BLOCK,
    ...LOOP,
    GET,
    B,
    CONST,
    16,
    ADD,
    GET,
    LEN,
    0x4a /* i32.gt_s */,
    BR_IF,
    1,
    ...at(DST),
    ...(copy ? [...at(SRC), ...V128_LOAD] : V128_ZERO),
    ...V128_STORE,
    GET,
    B,
    CONST,
    16,
    ADD,
    SET,
    B,
    BR,
    0,
    END,
    END,
    ...BLOCK,
    ...LOOP,
    GET,
    B,
    GET,
    LEN,
    0x4e /* i32.ge_s */,
    BR_IF,
    1,
    ...at(DST),
    ...(copy ? [...at(SRC), ...I32_LOAD] : [CONST, 0]),
    ...I32_STORE,
    GET,
    B,
    CONST,
    4,
    ADD,
    SET,
    B,
    BR,
    0,
    END,
    END,
    ...(copy ? [GET, SRC, GET, SS, ADD, SET, SRC] : []),
    GET,
    DST,
    GET,
    DS,
    ADD,
    SET,
    DST,
    GET,
    N,
    CONST,
    1,
    SUB,
    TEE,
    N,
    BR_IF,
    0,
    END,
    END,
    END,
  ];
}
const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
function leb(v: number): number[] {
  const out: number[] = [];
  do {
    const b = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? b : b | 0x80);
  } while (v !== 0);
  return out;
}
const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
const code = (b: number[]) => [...leb(b.length), ...b];
const MODULE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  // types: (i32 x 6) -> () and (i32 x 4) -> ()
  ...section(1, [0x02, 0x60, 0x06, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x00]),
  // env.memory: shared (flags 3), 1 to 65536 pages
  ...section(2, [0x01, ...name('env'), ...name('memory'), 0x02, 0x03, 0x01, ...leb(65536)]),
  ...section(3, [0x02, 0x00, 0x01]),
  ...section(7, [0x02, ...name('runs'), 0x00, 0x00, ...name('clear'), 0x00, 0x01]),
  ...section(10, [0x02, ...code(body(true)), ...code(body(false))]),
]);

interface Copier {
  gemm: WasmGemm;
  runs: (src: number, dst: number, n: number, len: number, ss: number, ds: number) => void;
  clear: (dst: number, n: number, len: number, ds: number) => void;
}

/** The module instantiated on `gemm`'s memory, once; copier null where it cannot run there. */
let loaded: { gemm: WasmGemm; copier: Copier | null } | undefined;

/** The copier on the gemm's memory; null where the gemm's module is unavailable or switched off. */
function load(): Copier | null {
  const gemm = wasmGemm();
  if (gemm === null) return null;
  if (loaded?.gemm === gemm) return loaded.copier;
  let copier: Copier | null = null;
  try {
    if (WebAssembly.validate(MODULE)) {
      const e = new WebAssembly.Instance(new WebAssembly.Module(MODULE), { env: { memory: gemm.memory } }).exports;
      copier = { gemm, runs: e.runs as Copier['runs'], clear: e.clear as Copier['clear'] };
    }
  } catch {
    copier = null;
  }
  loaded = { gemm, copier };
  return copier;
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
