// Matrix product. float32 products big enough run on the WebAssembly SIMD gemm
// (asm/gemm.ts via wasm/gemm.ts), on up to K.get_num_threads() threads;
// float64 ones on the elementwise module's f64x2 gemm (one thread), which
// gives the JS gemm's bits; the rest run `gemm` below, which is also the
// reference the tests compare the wasm paths with.
//
// `gemm`: a 4x4 register tile keeps 16 sums in locals while it walks k,
// reading a panel of 4 columns of y that was packed contiguously first: each
// loaded value feeds 4 multiply-adds, and sums accumulate in double precision.
// Operands are read through their strides, so transposed views (the VJPs'
// x^T and y^T) need no copy.
import type { Kernel } from '../core/backend.js';
import type { TypedArray } from '../core/dtype.js';
import { alloc, type Nd } from '../core/ndarray.js';
import { gemmWasm } from './wasm/gemm.js';
import { getThreads } from './wasm/threads.js';
import { wasmGemm64 } from './wasm/elementwise.js';
import type { LinalgAttrs } from '../core/primitives.js';

export interface Operand {
  data: TypedArray;
  offset: number;
  /** strides of the row and column axes */
  rs: number;
  cs: number;
  /** stride between the matrices of a batch (0 when absent) */
  bs?: number;
}

/**
 * Smaller float32 products (2 m n k flops) stay on the JS gemm: staging the
 * operands in wasm memory and copying C out cost about half a microsecond,
 * which the wasm kernel wins back from about 2^11 flops (measured: an 8-cube
 * takes 0.6 us on both paths, a 4-cube 0.25 us in JS and 0.5 us in wasm, a
 * 32 x 64 by 64 x 64 RNN step 70 us in JS and 8 us in wasm).
 */
export const WASM_MIN_FLOPS = 2048;

export const cpuLinalg: { [P in keyof LinalgAttrs]: Kernel<P, Nd> } = {
  matmul: ([a, b], _attrs, out) => {
    const x = a,
      y = b;
    const o = alloc(out.dtype, out.shape);
    const batched = out.shape.length === 3;
    const batch = batched ? out.shape[0]! : 1;
    const d = batched ? 1 : 0;
    const m = x.shape[d]!,
      k = x.shape[d + 1]!,
      n = y.shape[d + 1]!;
    const xs: Operand = {
      data: x.data,
      offset: x.offset,
      rs: x.stride[d]!,
      cs: x.stride[d + 1]!,
      bs: batched ? x.stride[0]! : 0,
    };
    const ys: Operand = {
      data: y.data,
      offset: y.offset,
      rs: y.stride[d]!,
      cs: y.stride[d + 1]!,
      bs: batched ? y.stride[0]! : 0,
    };
    matmulInto(xs, ys, o.data, 0, m, k, n, batch);
    return o;
  },
};

/**
 * c[co + t m n + i n + j] = sum_p x[t, i, p] y[t, p, j] for t < batch (C
 * row-major): the wasm gemm for
 * float32 when it is available and pays off, else `gemm`.
 */
export function matmulInto(
  x: Operand,
  y: Operand,
  c: TypedArray,
  co: number,
  m: number,
  k: number,
  n: number,
  batch = 1
): void {
  const xd = x.data,
    yd = y.data,
    xbs = x.bs ?? 0,
    ybs = y.bs ?? 0;
  if (
    c instanceof Float64Array &&
    xd instanceof Float64Array &&
    yd instanceof Float64Array &&
    2 * m * n * k >= WASM_MIN_FLOPS
  ) {
    let done = true;
    for (let t = 0; t < batch && done; t++) {
      const r = wasmGemm64(
        { data: xd, offset: x.offset + t * xbs, rs: x.rs, cs: x.cs },
        { data: yd, offset: y.offset + t * ybs, rs: y.rs, cs: y.cs },
        m,
        k,
        n
      );
      if (r === null) done = false;
      else c.set(r, co + t * m * n);
    }
    if (done) return;
  }
  if (
    c instanceof Float32Array &&
    xd instanceof Float32Array &&
    yd instanceof Float32Array &&
    2 * batch * m * n * k >= WASM_MIN_FLOPS &&
    gemmWasm(
      { data: xd, offset: x.offset, rs: x.rs, cs: x.cs, bs: xbs },
      { data: yd, offset: y.offset, rs: y.rs, cs: y.cs, bs: ybs },
      c,
      co,
      batch,
      m,
      k,
      n,
      getThreads()
    )
  )
    return;
  const panel = new Float64Array(k * 4);
  for (let t = 0; t < batch; t++) {
    gemm(
      { data: xd, offset: x.offset + t * xbs, rs: x.rs, cs: x.cs },
      { data: yd, offset: y.offset + t * ybs, rs: y.rs, cs: y.cs },
      c,
      co + t * m * n,
      m,
      k,
      n,
      panel
    );
  }
}

/** The pure-JS product (float32 and float64 alike): C[co + i n + j] = sum_p x[i, p] y[p, j]. */
export function gemm(
  x: Operand,
  y: Operand,
  c: TypedArray,
  co: number,
  m: number,
  k: number,
  n: number,
  panel: Float64Array
): void {
  const xd = x.data,
    xr = x.rs,
    xc = x.cs;
  const nb = n - (n % 4);
  for (let j = 0; j < nb; j += 4) {
    for (let p = 0; p < k; p++) {
      const s = y.offset + p * y.rs + j * y.cs;
      const q = p * 4;
      panel[q] = y.data[s]!;
      panel[q + 1] = y.data[s + y.cs]!;
      panel[q + 2] = y.data[s + 2 * y.cs]!;
      panel[q + 3] = y.data[s + 3 * y.cs]!;
    }
    let i = 0;
    for (; i + 3 < m; i += 4) {
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      let r0 = x.offset + i * xr;
      const r1 = xr,
        r2 = 2 * xr,
        r3 = 3 * xr;
      for (let p = 0; p < k; p++, r0 += xc) {
        const q = p * 4;
        const b0 = panel[q]!,
          b1 = panel[q + 1]!,
          b2 = panel[q + 2]!,
          b3 = panel[q + 3]!;
        const a0 = xd[r0]!,
          a1 = xd[r0 + r1]!,
          a2 = xd[r0 + r2]!,
          a3 = xd[r0 + r3]!;
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
      }
      let o = co + i * n + j;
      c[o] = c00;
      c[o + 1] = c01;
      c[o + 2] = c02;
      c[o + 3] = c03;
      o += n;
      c[o] = c10;
      c[o + 1] = c11;
      c[o + 2] = c12;
      c[o + 3] = c13;
      o += n;
      c[o] = c20;
      c[o + 1] = c21;
      c[o + 2] = c22;
      c[o + 3] = c23;
      o += n;
      c[o] = c30;
      c[o + 1] = c31;
      c[o + 2] = c32;
      c[o + 3] = c33;
    }
    for (; i < m; i++) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      let r = x.offset + i * xr;
      for (let p = 0; p < k; p++, r += xc) {
        const a0 = xd[r]!,
          q = p * 4;
        s0 += a0 * panel[q]!;
        s1 += a0 * panel[q + 1]!;
        s2 += a0 * panel[q + 2]!;
        s3 += a0 * panel[q + 3]!;
      }
      const o = co + i * n + j;
      c[o] = s0;
      c[o + 1] = s1;
      c[o + 2] = s2;
      c[o + 3] = s3;
    }
  }
  // The last n % 4 columns, one dot product each.
  for (let j = nb; j < n; j++) {
    for (let i = 0; i < m; i++) {
      let s = 0;
      let r = x.offset + i * xr,
        q = y.offset + j * y.cs;
      for (let p = 0; p < k; p++, r += xc, q += y.rs) s += xd[r]! * y.data[q]!;
      c[co + i * n + j] = s;
    }
  }
}
