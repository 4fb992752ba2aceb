// Strided block copies for conv_fold.ts, which copies a convolution's input
// into its folded layout a channel vector (C values) at a time: in JS that
// is one converting load and store per value (about 2 ns each measured, 1.6
// ms per W3 fill), in this hand-assembled WebAssembly module one 16-byte
// load and store per 4 floats (0.17 ms), and the gemm stages its operand
// straight from the module's memory. Copies move bits (no float
// conversion), so every value, NaN payloads included, arrives unchanged.
// Where WebAssembly SIMD is missing the same copies run in JS.
import { allocate, type DType, type TypedArray } from '../dtype.js';

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
 * and (memory (export "memory") 1).
 */
const GET = 0x20, SET = 0x21, TEE = 0x22, CONST = 0x41, ADD = 0x6a, SUB = 0x6b;
const BLOCK = [0x02, 0x40], LOOP = [0x03, 0x40], END = 0x0b, BR = 0x0c, BR_IF = 0x0d;
const V128_LOAD = [0xfd, 0x00, 0x00, 0x00], V128_STORE = [0xfd, 0x0b, 0x00, 0x00], V128_ZERO = [0xfd, 0x0c, ...Array<number>(16).fill(0)];
const I32_LOAD = [0x28, 0x02, 0x00], I32_STORE = [0x36, 0x02, 0x00];

/** The body of "runs" (copy) or "clear" (not copy): their params and local in the order above. */
function body(copy: boolean): number[] {
  const [SRC, DST, N, LEN, SS, DS, B] = copy ? [0, 1, 2, 3, 4, 5, 6] : [-1, 0, 1, 2, -1, 3, 4];
  const at = (base: number) => [GET, base!, GET, B!, ADD];
  return [
    0x01, 0x01, 0x7f, // one local: $b i32
    ...BLOCK,
    GET, N!, 0x45 /* i32.eqz */, BR_IF, 0,
    ...LOOP,
    CONST, 0, SET, B!,
    ...BLOCK, ...LOOP,
    GET, B!, CONST, 16, ADD, GET, LEN!, 0x4a /* i32.gt_s */, BR_IF, 1,
    ...at(DST!), ...(copy ? [...at(SRC!), ...V128_LOAD] : V128_ZERO), ...V128_STORE,
    GET, B!, CONST, 16, ADD, SET, B!,
    BR, 0, END, END,
    ...BLOCK, ...LOOP,
    GET, B!, GET, LEN!, 0x4e /* i32.ge_s */, BR_IF, 1,
    ...at(DST!), ...(copy ? [...at(SRC!), ...I32_LOAD] : [CONST, 0]), ...I32_STORE,
    GET, B!, CONST, 4, ADD, SET, B!,
    BR, 0, END, END,
    ...(copy ? [GET, SRC!, GET, SS!, ADD, SET, SRC!] : []),
    GET, DST!, GET, DS!, ADD, SET, DST!,
    GET, N!, CONST, 1, SUB, TEE, N!, BR_IF, 0,
    END, END, END,
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
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  // types: (i32 x 6) -> () and (i32 x 4) -> ()
  ...section(1, [0x02, 0x60, 0x06, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x00]),
  ...section(3, [0x02, 0x00, 0x01]),
  ...section(5, [0x01, 0x00, 0x01]), // one memory, at least 1 page
  ...section(7, [0x03, ...name('runs'), 0x00, 0x00, ...name('clear'), 0x00, 0x01, ...name('memory'), 0x02, 0x00]),
  ...section(10, [0x02, ...code(body(true)), ...code(body(false))]),
]);

interface Copier {
  memory: WebAssembly.Memory;
  runs: (src: number, dst: number, n: number, len: number, ss: number, ds: number) => void;
  clear: (dst: number, n: number, len: number, ds: number) => void;
}

/** The module, once; null where WebAssembly (or its SIMD) is unavailable. */
let copier: Copier | null | undefined;

function load(): Copier | null {
  if (copier !== undefined) return copier;
  copier = null;
  try {
    if (typeof WebAssembly === 'object' && WebAssembly.validate(MODULE)) {
      const inst = new WebAssembly.Instance(new WebAssembly.Module(MODULE), {});
      const e = inst.exports;
      copier = { memory: e['memory'] as WebAssembly.Memory, runs: e['runs'] as Copier['runs'], clear: e['clear'] as Copier['clear'] };
    }
  } catch {
    copier = null;
  }
  return copier;
}

/** Bytes the module's memory may grow to (beyond, the JS copies run). */
const MAX_BYTES = 1 << 30;

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
  const dAt = up(srcCapacity * bpe), sAt = up(dAt + dstLen * bpe), bytes = sAt + scratchLen * bpe;
  if (c === null || bytes > MAX_BYTES) return jsArena(dtype, dstLen, scratchLen);
  const have = c.memory.buffer.byteLength;
  if (bytes > have) c.memory.grow(Math.ceil((bytes - have) / 65536));
  const View = dtype === 'float32' ? Float32Array : Float64Array;
  const s = new View(c.memory.buffer, 0, srcCapacity), d = new View(c.memory.buffer, dAt, dstLen);
  const scratch = new View(c.memory.buffer, sAt, scratchLen);
  const { runs, clear } = c;
  return {
    srcAt: 0, d, scratch,
    load(src, from, to) {
      s.set(src.subarray(from, to));
      this.srcAt = -from;
    },
    runs: (from, to, n, len, ss, ds) => runs(from * bpe, dAt + to * bpe, n, len * bpe, ss * bpe, ds * bpe),
    clear: (to, n, len, ds) => clear(dAt + to * bpe, n, len * bpe, ds * bpe),
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
    srcAt: 0, d, scratch: allocate(dtype, scratchLen),
    load(src) {
      sw = words(src);
    },
    runs(from, to, n, len, ss, ds) {
      const l = len * per;
      for (let i = 0; i < n; i++, from += ss, to += ds) {
        const f = from * per, t = to * per;
        for (let j = 0; j < l; j++) dw[t + j] = sw[f + j]!;
      }
    },
    clear(to, n, len, ds) {
      for (let i = 0; i < n; i++, to += ds) d.fill(0, to, to + len);
    },
  };
}
