// float32 matrix product C = A B for ktape's cpu device, in WebAssembly SIMD.
// Built by `npm run build:wasm` into src/cpu/wasm/gemm.wasm.ts.
//
// Goto/BLIS-style: one operand is packed whole into panels (B into NR-wide
// column panels, or A into MR-tall row panels), the other a block at a time
// by whichever thread takes that block of C, and an MR x NR micro-kernel
// keeps its tile in registers while it walks a KC-deep slice of k. Within a
// slice a KC x NR panel of B stays in L1 while the tiles of up to MC rows run
// against it, their packed A (MC x KC) in L2. Packing reads through element
// strides, so transposed, sliced or broadcast operands need no copy, and pads
// the last panels with zeros so every tile runs the same kernel.
//
// Each element of C is the sum over the KC slices in order, each slice summed
// in order of k by one lane of one micro-kernel: how C is split into blocks
// or between threads never changes a result.
//
// No data segments and no runtime: every thread instantiates this module on
// the same shared memory, so instantiation must not write to it.

// MR x NR = 4 x 8: 8 accumulators, 2 vectors of B, 4 broadcasts of A (V8
// loads them all at the top of the step) and a product use all 15 xmm
// registers V8 allocates on x64. Measured: 5 x 8, 6 x 8, 3 x 12 and 4 x 12
// spill and run at 20-28 GFLOP/s against 42 for 4 x 8; unrolling k by 2
// spills too.
const MR = 4;
const NR = 8;
// A KC x NR panel of B is 8 KiB (L1 is 32 KiB); an MC x KC block of A is
// 256 KiB (L2 is 1 MiB on the machine measured). KC and MC within a factor of
// 2 of these measured alike.
const KC = 256;
const MC = 256;
// C this narrow (in ROWS mode, A row-major) is computed from A's rows where
// they lie: each packed value of A would serve only n / NR tiles, too few to
// repay packing it (W3's folded products, one thread, operands staged:
// 16896 x 144 by 144 x 32 from 3.99 to 3.91 ms, 16896 x 288 by 288 x 16 from
// 4.34 to 4.03 ms).
const DIRECT_N = 32;

// A job (written by the main thread, read by every thread) is JOB_INTS i32
// fields at `job`. Mode ROWS packs B whole up front (prepare) and hands out
// blocks of rows of C, each packing its own rows of A; mode COLS packs A
// whole and hands out blocks of columns, each packing its own columns of B.
// Threads take blocks from an atomic counter until none are left, so a
// thread that starts late or runs slowly just takes fewer. Addresses are in
// bytes, strides in elements (any sign; 0 broadcasts).
const J_MODE = 0; // ROWS or COLS
const J_NEXT = 1; // the next block to take (atomic)
const J_BLOCKS = 2; // blocks in all: batch * per item
const J_SIZE = 3; // rows (ROWS) or columns (COLS) per block: a multiple of MR or NR
const J_PER_ITEM = 4; // blocks per matrix of the batch
const J_A = 5, J_ARS = 6, J_ACS = 7, J_ABS = 8;
const J_B = 9, J_BRS = 10, J_BCS = 11, J_BBS = 12;
const J_PACKED = 13; // the whole packed operand
const J_PBS = 14; // bytes between its batch items (0: one for all)
const J_C = 15, J_LDC = 16, J_CBS = 17;
const J_M = 18, J_N = 19, J_K = 20;
// B packed whole ahead of the job (a kept operand, src/cpu/wasm/gemm.ts), or 0:
// COLS blocks then read their columns' panels from it instead of packing them.
const J_BPACKED = 21;
const JOB_INTS = 22;
const ROWS = 0;
const COLS = 1;

/** Bytes a job takes. */
export function jobBytes(): i32 {
  return JOB_INTS * 4;
}

/** Write a job at `job`, its counter at 0. mode: 0 = ROWS, 1 = COLS. */
export function setJob(
  job: usize, mode: i32, blocks: i32, size: i32, perItem: i32,
  a: i32, ars: i32, acs: i32, abs: i32, b: i32, brs: i32, bcs: i32, bbs: i32,
  packed: i32, pbs: i32, c: i32, ldc: i32, cbs: i32, m: i32, n: i32, k: i32, bpacked: i32,
): void {
  store<i32>(job, mode, J_MODE * 4); store<i32>(job, 0, J_NEXT * 4); store<i32>(job, blocks, J_BLOCKS * 4);
  store<i32>(job, size, J_SIZE * 4); store<i32>(job, perItem, J_PER_ITEM * 4); store<i32>(job, a, J_A * 4);
  store<i32>(job, ars, J_ARS * 4); store<i32>(job, acs, J_ACS * 4); store<i32>(job, abs, J_ABS * 4);
  store<i32>(job, b, J_B * 4); store<i32>(job, brs, J_BRS * 4); store<i32>(job, bcs, J_BCS * 4);
  store<i32>(job, bbs, J_BBS * 4); store<i32>(job, packed, J_PACKED * 4); store<i32>(job, pbs, J_PBS * 4);
  store<i32>(job, c, J_C * 4); store<i32>(job, ldc, J_LDC * 4); store<i32>(job, cbs, J_CBS * 4);
  store<i32>(job, m, J_M * 4); store<i32>(job, n, J_N * 4); store<i32>(job, k, J_K * 4);
  store<i32>(job, bpacked, J_BPACKED * 4);
}

// @ts-ignore: decorator
@inline
function field(job: usize, f: i32): i32 {
  return load<i32>(job + <usize>(f * 4));
}

/** Bytes of the whole packed operand for one matrix: B (ROWS) or A (COLS), zero-padded. */
export function packedBytes(mode: i32, m: i32, n: i32, k: i32): i32 {
  return (mode == ROWS ? roundUp(n, NR) : roundUp(m, MR)) * k * 4;
}

/** Bytes of scratch a thread needs for blocks of `size` rows (ROWS) or columns (COLS). */
export function workBytes(size: i32, k: i32): i32 {
  return (min(KC, k) * roundUp(size, NR) + MR * NR) * 4 + 64;
}

/** Pack the shared operand of every matrix of the batch (once when it is broadcast). Main thread. */
export function prepare(job: usize): void {
  const m = field(job, J_M), n = field(job, J_N), k = field(job, J_K);
  const rows = field(job, J_MODE) == ROWS;
  const items = field(job, J_PBS) == 0 ? 1 : field(job, J_BLOCKS) / field(job, J_PER_ITEM);
  const size = packedBytes(field(job, J_MODE), m, n, k);
  for (let t = 0; t < items; t++) {
    const out = <usize>field(job, J_PACKED) + <usize>(t * size);
    if (rows) {
      const b = <usize>field(job, J_B) + <usize>(t * field(job, J_BBS) * 4), rs = field(job, J_BRS), cs = field(job, J_BCS);
      const w = roundUp(n, NR);
      for (let pc = 0; pc < k; pc += KC) packB(b + <usize>(pc * rs * 4), rs, cs, min(KC, k - pc), n, out + <usize>(pc * w * 4));
    } else {
      const a = <usize>field(job, J_A) + <usize>(t * field(job, J_ABS) * 4), rs = field(job, J_ARS), cs = field(job, J_ACS);
      const h = roundUp(m, MR);
      for (let pc = 0; pc < k; pc += KC) packA(a + <usize>(pc * cs * 4), rs, cs, m, min(KC, k - pc), out + <usize>(pc * h * 4));
    }
  }
}

/** Take blocks of the job and compute them until none are left. Every thread; `work` is its own scratch. */
export function run(job: usize, work: usize): void {
  const m = field(job, J_M), n = field(job, J_N), k = field(job, J_K);
  const blocks = field(job, J_BLOCKS), size = field(job, J_SIZE), perItem = field(job, J_PER_ITEM);
  const ldc = field(job, J_LDC);
  const own = (work + 63) & ~63;
  const tile = own + <usize>(min(KC, k) * roundUp(size, NR) * 4);
  for (;;) {
    const idx = atomic.add<i32>(job + J_NEXT * 4, 1);
    if (idx >= blocks) return;
    const t = idx / perItem, first = (idx % perItem) * size;
    const packed = <usize>field(job, J_PACKED) + <usize>(t * field(job, J_PBS));
    const c = <usize>field(job, J_C) + <usize>(t * field(job, J_CBS) * 4);
    if (field(job, J_MODE) == ROWS) {
      // Rows [first, first + h) of C, all columns; B's slices are packed n rounded to NR wide.
      const h = min(size, m - first), w = roundUp(n, NR);
      const rs = field(job, J_ARS), cs = field(job, J_ACS);
      const a = <usize>field(job, J_A) + <usize>((t * field(job, J_ABS) + first * rs) * 4);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = min(KC, k - pc);
        const bp = packed + <usize>(pc * w * 4), cb = c + <usize>(first * ldc * 4);
        if (cs == 1 && n <= DIRECT_N) blockRows(a + <usize>(pc * 4), rs, bp, cb, ldc, h, n, kc, pc > 0, tile);
        else {
          packA(a + <usize>(pc * cs * 4), rs, cs, h, kc, own);
          block(own, bp, cb, ldc, h, n, kc, pc > 0, tile);
        }
      }
    } else {
      // Columns [first, first + w) of C, all rows, MC at a time; A's slices are packed m rounded to MR tall.
      const w = min(size, n - first), hh = roundUp(m, MR);
      const rs = field(job, J_BRS), cs = field(job, J_BCS);
      const b = <usize>field(job, J_B) + <usize>((t * field(job, J_BBS) + first * cs) * 4);
      const whole = <usize>field(job, J_BPACKED), ww = roundUp(n, NR);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = min(KC, k - pc);
        // B's panels for these columns: in the whole packed B (laid out as prepare lays it) or packed now.
        let bp = own;
        if (whole != 0) bp = whole + <usize>((pc * ww + first * kc) * 4);
        else packB(b + <usize>(pc * rs * 4), rs, cs, kc, w, own);
        const slice = packed + <usize>(pc * hh * 4);
        for (let ic = 0; ic < m; ic += MC) {
          block(slice + <usize>(ic * kc * 4), bp, c + <usize>((ic * ldc + first) * 4), ldc, min(MC, m - ic), w, kc, pc > 0, tile);
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function roundUp(x: i32, to: i32): i32 {
  return (x + to - 1) / to * to;
}

/** B[0:kc, 0:nc] into NR-wide panels, row p of a panel at p * NR, zero-padded. */
function packB(b: usize, rs: i32, cs: i32, kc: i32, nc: i32, out: usize): void {
  const rsb = <usize>(rs * 4), csb = <usize>(cs * 4);
  for (let j = 0; j < nc; j += NR) {
    const w = min(NR, nc - j);
    let src = b + <usize>(j * cs * 4);
    if (w == NR && cs == 1) {
      for (let p = 0; p < kc; p++) {
        v128.store(out, v128.load(src));
        v128.store(out, v128.load(src, 16), 16);
        src += rsb;
        out += NR * 4;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        let s = src;
        for (let q = 0; q < NR; q++) {
          store<f32>(out + <usize>(q * 4), q < w ? load<f32>(s) : 0);
          s += csb;
        }
        src += rsb;
        out += NR * 4;
      }
    }
  }
}

/** A[0:mc, 0:kc] into MR-tall panels, column p of a panel at p * MR, zero-padded. */
function packA(a: usize, rs: i32, cs: i32, mc: i32, kc: i32, out: usize): void {
  const csb = <usize>(cs * 4);
  for (let i = 0; i < mc; i += MR) {
    const h = min(MR, mc - i);
    if (h == MR && cs == 1) {
      // Row-major A: transpose 4 x 4 blocks with shuffles.
      let r0 = a + <usize>(i * rs * 4);
      const r1 = r0 + <usize>(rs * 4), r2 = r1 + <usize>(rs * 4), r3 = r2 + <usize>(rs * 4);
      let p = 0, o: usize = 0, dst = out;
      for (; p + 3 < kc; p += 4) {
        const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o), x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
        const lo01 = i32x4.shuffle(x0, x1, 0, 4, 1, 5), hi01 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
        const lo23 = i32x4.shuffle(x2, x3, 0, 4, 1, 5), hi23 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
        v128.store(dst, i64x2.shuffle(lo01, lo23, 0, 2));
        v128.store(dst, i64x2.shuffle(lo01, lo23, 1, 3), 16);
        v128.store(dst, i64x2.shuffle(hi01, hi23, 0, 2), 32);
        v128.store(dst, i64x2.shuffle(hi01, hi23, 1, 3), 48);
        o += 16;
        dst += 64;
      }
      for (; p < kc; p++) {
        store<f32>(dst, load<f32>(r0 + o));
        store<f32>(dst, load<f32>(r1 + o), 4);
        store<f32>(dst, load<f32>(r2 + o), 8);
        store<f32>(dst, load<f32>(r3 + o), 12);
        o += 4;
        dst += 16;
      }
    } else if (h == MR && rs == 1) {
      // Column-major A (a transposed view, as the filter gradient's g^T):
      // a panel's column is 4 adjacent values, one vector. (W3's g^T, 540K
      // values packed on one thread before the others start: the product
      // 32 x 16896 x 144 from 5.15 to 4.84 ms.)
      let src = a + <usize>(i * 4), dst = out;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        src += csb;
        dst += 16;
      }
    } else {
      for (let r = 0; r < MR; r++) {
        let dst = out + <usize>(r * 4);
        if (r < h) {
          let src = a + <usize>((i + r) * rs * 4);
          for (let p = 0; p < kc; p++) {
            store<f32>(dst, load<f32>(src));
            src += csb;
            dst += MR * 4;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<f32>(dst, 0);
            dst += MR * 4;
          }
        }
      }
    }
    out += <usize>(MR * kc * 4);
  }
}

/** C[0:mc, 0:nc] (+)= packed A times packed B, tile by tile. */
function block(ap: usize, bp: usize, c: usize, ldc: i32, mc: i32, nc: i32, kc: i32, acc: bool, tile: usize): void {
  for (let j = 0; j < nc; j += NR) {
    const w = min(NR, nc - j);
    const bpan = bp + <usize>(j * kc * 4);
    for (let i = 0; i < mc; i += MR) {
      const h = min(MR, mc - i);
      const apan = ap + <usize>(i * kc * 4);
      const ct = c + <usize>((i * ldc + j) * 4);
      if (h == MR && w == NR) micro(apan, bpan, kc, ct, ldc * 4, acc);
      else {
        // An edge tile: the full tile into scratch, then its valid part.
        micro(apan, bpan, kc, tile, NR * 4, false);
        edge(tile, ct, ldc, h, w, acc);
      }
    }
  }
}

/**
 * C[0:mc, 0:nc] (+)= A times packed B, A read through its rows (rs apart,
 * contiguous along k). block's loop again on purpose: one function taking a
 * flag, with both kernels inlined in it, ran the 16896 x 144 by 144 x 32
 * product in 5.4 ms against 4.0 (V8 allocates its registers worse).
 */
function blockRows(a: usize, rs: i32, bp: usize, c: usize, ldc: i32, mc: i32, nc: i32, kc: i32, acc: bool, tile: usize): void {
  const rsb = <usize>(rs * 4);
  for (let j = 0; j < nc; j += NR) {
    const w = min(NR, nc - j);
    const bpan = bp + <usize>(j * kc * 4);
    for (let i = 0; i < mc; i += MR) {
      const h = min(MR, mc - i);
      const arow = a + <usize>(i * rs * 4);
      const ct = c + <usize>((i * ldc + j) * 4);
      if (h == MR && w == NR) microRows(arow, rsb, MR, bpan, kc, ct, ldc * 4, acc);
      else {
        microRows(arow, rsb, h, bpan, kc, tile, NR * 4, false);
        edge(tile, ct, ldc, h, w, acc);
      }
    }
  }
}

/** The valid h x w part of an edge tile computed into scratch, (added) into C. */
// @ts-ignore: decorator
@inline
function edge(tile: usize, ct: usize, ldc: i32, h: i32, w: i32, acc: bool): void {
  for (let r = 0; r < h; r++) {
    for (let q = 0; q < w; q++) {
      const dst = ct + <usize>((r * ldc + q) * 4);
      const v = load<f32>(tile + <usize>((r * NR + q) * 4));
      store<f32>(dst, acc ? v + load<f32>(dst) : v);
    }
  }
}

/**
 * micro with A's h <= MR rows read where they are (rsb bytes apart); rows
 * past h repeat the first (their sums land in scratch and are dropped), so
 * nothing outside A is read.
 */
// @ts-ignore: decorator
@inline
function microRows(a: usize, rsb: usize, h: i32, b: usize, kc: i32, c: usize, ldcb: i32, acc: bool): void {
  const a1 = h > 1 ? a + rsb : a, a2 = h > 2 ? a + 2 * rsb : a, a3 = h > 3 ? a + 3 * rsb : a;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = b + <usize>(kc * NR * 4);
  let o: usize = 0;
  while (b < end) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(a + o);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(a1 + o);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(a2 + o);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(a3 + o);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    o += 4;
    b += NR * 4;
  }
  storeTile(c, ldcb, acc, c00, c01, c10, c11, c20, c21, c30, c31);
}

/** The MR x NR tile at c (rows ldcb bytes apart) = (its value if acc, plus) kc steps of a b. */
// @ts-ignore: decorator
@inline
function micro(a: usize, b: usize, kc: i32, c: usize, ldcb: i32, acc: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  // A pointer bound instead of a counter: one add fewer per step (8% at n = 128).
  const end = a + <usize>(kc * MR * 4);
  while (a < end) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(a, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(a, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(a, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    a += MR * 4;
    b += NR * 4;
  }
  storeTile(c, ldcb, acc, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * c + x * b. Built with relaxed SIMD (the gemm_fma module, where the engine
 * has it) a fused multiply-add: one rounding instead of two, and twice the
 * multiply-adds per cycle on cores with FMA; otherwise a multiply then an add.
 */
// @ts-ignore: decorator
@inline
function madd(x: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, b, c);
  return f32x4.add(c, f32x4.mul(x, b));
}

/** The tile's 8 vectors into C (rows ldcb bytes apart), added to what is there when acc. */
// @ts-ignore: decorator
@inline
function storeTile(c: usize, ldcb: i32, acc: bool, c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128): void {
  const l = <usize>ldcb;
  if (acc) {
    // Same operand order as the edge tiles: v + C.
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + l)); c11 = f32x4.add(c11, v128.load(c + l, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * l)); c21 = f32x4.add(c21, v128.load(c + 2 * l, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * l)); c31 = f32x4.add(c31, v128.load(c + 3 * l, 16));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + l, c10); v128.store(c + l, c11, 16);
  v128.store(c + 2 * l, c20); v128.store(c + 2 * l, c21, 16);
  v128.store(c + 3 * l, c30); v128.store(c + 3 * l, c31, 16);
}

// Strided block copies in the same shared memory (src/cpu/conv_copy.ts builds a
// convolution's folded input where the gemm then reads it): `n` times, copy
// `len` bytes (a multiple of 4) from src to dst, then step src by `ss` and dst
// by `ds` bytes (any sign). 16 bytes at a time, then 4: bits move unchanged,
// NaN payloads included.
export function runs(src: usize, dst: usize, n: i32, len: i32, ss: i32, ds: i32): void {
  for (let r = 0; r < n; r++) {
    let b = 0;
    for (; b + 16 <= len; b += 16) v128.store(dst + <usize>b, v128.load(src + <usize>b));
    for (; b < len; b += 4) store<i32>(dst + <usize>b, load<i32>(src + <usize>b));
    src += <usize>ss;
    dst += <usize>ds;
  }
}

// The same with no source: zeros.
export function clear(dst: usize, n: i32, len: i32, ds: i32): void {
  const zero = i32x4.splat(0);
  for (let r = 0; r < n; r++) {
    let b = 0;
    for (; b + 16 <= len; b += 16) v128.store(dst + <usize>b, zero);
    for (; b < len; b += 4) store<i32>(dst + <usize>b, 0);
    dst += <usize>ds;
  }
}
