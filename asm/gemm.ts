// float32 matrix product C = A B for ktape's cpu device, in WebAssembly SIMD.
// Built by `npm run build:wasm` into src/core/cpu/wasm/gemm.wasm.ts.
//
// Goto/BLIS blocking: for each NC-wide block of columns and KC-deep slice of
// k, B is packed into NR-wide panels (a panel stays in L1 while the tiles
// below it run); for each MC-tall block of rows A is packed into MR-tall
// panels (the block stays in L2); an MR x NR micro-kernel keeps its tile in
// registers while it walks the slice. Packing reads A and B through element
// strides, so transposed, sliced or broadcast operands need no copy, and pads
// the last panels with zeros so every tile runs the same kernel.
//
// Each element of C is the sum over the KC slices in order, each slice summed
// in order of k: how rows and columns are split (into blocks, between
// threads) never changes a result.
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
// 256 KiB (L2 is 1 MiB on the machine measured). The sizes within a factor of
// 2 of these measured alike.
const KC = 256;
const MC = 256;
const NC = 2048;

/** Bytes of scratch `gemm` needs for an m x k by k x n product. */
export function workBytes(m: i32, n: i32, k: i32): i32 {
  return (min(KC, k) * roundUp(min(NC, n), NR) + roundUp(min(MC, m), MR) * min(KC, k) + MR * NR) * 4 + 64;
}

/**
 * C[t] = A[t] B[t] for t < batch: A[t] (m x k) starts at a + t * abs, B[t]
 * (k x n) at b + t * bbs, C[t] at c + t * cbs with rows ldc apart. Addresses
 * are in bytes, strides in elements (any sign, 0 to broadcast); `work` is
 * this thread's scratch, workBytes(m, n, k) long.
 */
export function gemmBatch(a: usize, ars: i32, acs: i32, abs: i32, b: usize, brs: i32, bcs: i32, bbs: i32, c: usize, ldc: i32, cbs: i32, m: i32, n: i32, k: i32, batch: i32, work: usize): void {
  for (let t = 0; t < batch; t++) {
    gemm(a + <usize>(t * abs * 4), ars, acs, b + <usize>(t * bbs * 4), brs, bcs, c + <usize>(t * cbs * 4), ldc, m, n, k, work);
  }
}

/** C[0:m, 0:n] = A[0:m, 0:k] B[0:k, 0:n]. */
export function gemm(a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, c: usize, ldc: i32, m: i32, n: i32, k: i32, work: usize): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    for (let i = 0; i < m; i++) memory.fill(c + <usize>(i * ldc * 4), 0, <usize>(n * 4));
    return;
  }
  const bp = (work + 63) & ~63;
  const ap = bp + <usize>(min(KC, k) * roundUp(min(NC, n), NR) * 4);
  const tile = ap + <usize>(roundUp(min(MC, m), MR) * min(KC, k) * 4);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(b + <usize>((pc * brs + jc * bcs) * 4), brs, bcs, kc, nc, bp);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(a + <usize>((ic * ars + pc * acs) * 4), ars, acs, mc, kc, ap);
        block(ap, bp, c + <usize>((ic * ldc + jc) * 4), ldc, mc, nc, kc, pc > 0, tile);
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
        for (let r = 0; r < h; r++) {
          for (let q = 0; q < w; q++) {
            const dst = ct + <usize>((r * ldc + q) * 4);
            const v = load<f32>(tile + <usize>((r * NR + q) * 4));
            store<f32>(dst, acc ? v + load<f32>(dst) : v);
          }
        }
      }
    }
  }
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
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
    a += MR * 4;
    b += NR * 4;
  }
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
