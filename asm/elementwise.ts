// float32 elementwise maps, row reductions and a fused softmax for ktape's cpu
// device, in WebAssembly SIMD (f32x4). Built by `npm run build:wasm` into
// src/cpu/wasm/elementwise.wasm.ts; src/cpu/wasm/elementwise.ts
// copies operands into this module's memory and results out.
//
// Maps run over whole vectors: the caller pads every buffer by one vector, so
// the lanes past `n` read and write padding (their values are never used).
// Each function has one vector routine; a tail is the same routine on a
// partial vector, so results never depend on an element's position.
//
// The transcendental routines are polynomial approximations fitted (weighted
// least squares iterated to minimax, numpy) on reduced ranges; each is within
// a few float32 ulps of the correctly rounded result (measured by
// test/core/wasm_elementwise.test.ts against float64), and gives IEEE results
// for zeros, infinities, NaN, overflow and denormals.
//
// Sums accumulate in float64 lanes; max/min are exact and NaN wins. The
// constant tables below are the module's only static data: the JS side hands
// out buffers from heapBase() up.

// Every constant a loop uses is a broadcast load from these tables (one
// instruction): V8 rebuilds an inline v128 constant with three in every
// iteration, and Binaryen folds constants kept in locals back into the loop.
const F = memory.data<f32>([
  89, -104, 1.44269504, // exp's clamp; log2(e)
  // ln 2 split so that k * LN2_HI is exact for |k| < 2^14.
  0.693359375, -2.12194440e-4,
  // e^r = 1 + r + r^2 (E0 + r E1 + ... + r^4 E4) on |r| <= ln2 / 2: relative error 3.1e-9.
  0.49999994, 0.16666521, 0.041668389, 0.0083687101, 0.0013814613,
  // 2 atanh(s) = 2s + s R(z), R(z) = z (L0 + z L1 + z^2 L2), z = s^2 <= 0.04: error of R 5.6e-9.
  0.66666949, 0.39957824, 0.30360562,
  // tanh x = x + x t P(t), t = x^2, on |x| <= 0.625: relative error 4.1e-9.
  -0.33333284, 0.13331491, -0.053743497, 0.020650588, -0.0057170452, 0.625, 10,
  0, 0.5, 1, 2, 1.17549435e-38, 8388608, -Infinity, Infinity, NaN,
  12582912, // 1.5 * 2^23: adding it rounds to an integer, held in the low bits
]);
const CLAMP_HI = 0, CLAMP_LO = 1, LOG2E = 2, LN2_HI = 3, LN2_LO = 4;
const E0 = 5, E1 = 6, E2 = 7, E3 = 8, E4 = 9;
const L0 = 10, L1 = 11, L2 = 12;
const T0 = 13, T1 = 14, T2 = 15, T3 = 16, T4 = 17, TANH_SMALL = 18, TANH_CLAMP = 19;
const ZERO = 20, HALF = 21, ONE = 22, TWO = 23, FLT_MIN = 24, TWO_23 = 25, NEG_INF = 26, INF = 27, NAN = 28, MAGIC = 29;

const I = memory.data<i32>([0x4b400000, 127, 0x3f800000 - 0x3f3504f3, 0x007fffff, 0x3f3504f3, -23, 0x80000000]);
const MAGIC_BITS = 0, BIAS = 1, SQRT_HALF_GAP = 2, MANTISSA = 3, SQRT_HALF = 4, MINUS_23 = 5, SIGN = 6;

// @ts-ignore: decorator
@inline function f(i: i32): v128 {
  return v128.load32_splat(F + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function n(i: i32): v128 {
  return v128.load32_splat(I + (<usize>i << 2));
}

/** e^x per lane; x is clamped where the result has already over- or underflowed. */
// @ts-ignore: decorator
@inline function exp4(x: v128): v128 {
  // pmin(x, c) is c < x ? c : x: NaN stays NaN.
  const xc = f32x4.pmax(f32x4.pmin(x, f(CLAMP_HI)), f(CLAMP_LO));
  const z = f32x4.add(f32x4.mul(xc, f(LOG2E)), f(MAGIC));
  const k = f32x4.sub(z, f(MAGIC));
  // Both products are exact and the first difference is (Sterbenz), so r is
  // x - k ln2 to within one rounding.
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(k, f(LN2_HI))), f32x4.mul(k, f(LN2_LO)));
  let q = f32x4.add(f(E3), f32x4.mul(r, f(E4)));
  q = f32x4.add(f(E2), f32x4.mul(r, q));
  q = f32x4.add(f(E1), f32x4.mul(r, q));
  q = f32x4.add(f(E0), f32x4.mul(r, q));
  const p = f32x4.add(f(ONE), f32x4.add(r, f32x4.mul(f32x4.mul(r, r), q)));
  // 2^k as two normal factors (k is in [-150, 128]), so results near
  // overflow and in the denormal range round once, at the last product.
  const ki = i32x4.sub(z, n(MAGIC_BITS));
  const k1 = i32x4.shr_s(ki, 1);
  const k2 = i32x4.sub(ki, k1);
  const s1 = i32x4.shl(i32x4.add(k1, n(BIAS)), 23);
  const s2 = i32x4.shl(i32x4.add(k2, n(BIAS)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/** ln(1 + f) for f in [-0.3, 0.5]: f - (h - s (h + R)), the large term f exact. */
// @ts-ignore: decorator
@inline function log1pCore(x: v128): v128 {
  const s = f32x4.div(x, f32x4.add(f(TWO), x));
  const z = f32x4.mul(s, s);
  const r = f32x4.mul(z, f32x4.add(f(L0), f32x4.mul(z, f32x4.add(f(L1), f32x4.mul(z, f(L2))))));
  const h = f32x4.mul(f32x4.mul(f(HALF), x), x);
  return f32x4.sub(x, f32x4.sub(h, f32x4.mul(s, f32x4.add(h, r))));
}

/** k ln2 + l, the small part of k ln2 added to l first. */
// @ts-ignore: decorator
@inline function addLn2(k: v128, l: v128): v128 {
  return f32x4.add(f32x4.mul(k, f(LN2_HI)), f32x4.add(l, f32x4.mul(k, f(LN2_LO))));
}

/** ln x per lane: x = 2^k m with m in [sqrt(1/2), sqrt(2)), ln x = k ln2 + ln(1 + (m - 1)). */
// @ts-ignore: decorator
@inline function log4(x: v128): v128 {
  // Denormals are scaled into the normal range first.
  const tiny = f32x4.lt(x, f(FLT_MIN));
  const xs = v128.bitselect(f32x4.mul(x, f(TWO_23)), x, tiny);
  const kAdj = v128.and(tiny, n(MINUS_23));
  // Adding 1 - sqrt(1/2) (as bits) carries into the exponent exactly when m >= sqrt(2).
  const ix = i32x4.add(xs, n(SQRT_HALF_GAP));
  const k = f32x4.convert_i32x4_s(i32x4.add(i32x4.sub(i32x4.shr_s(ix, 23), n(BIAS)), kAdj));
  const m = i32x4.add(v128.and(ix, n(MANTISSA)), n(SQRT_HALF));
  let y = addLn2(k, log1pCore(f32x4.sub(m, f(ONE))));
  y = v128.bitselect(f(NEG_INF), y, f32x4.eq(x, f(ZERO)));
  y = v128.bitselect(f(INF), y, f32x4.eq(x, f(INF)));
  // Negative x and NaN: NaN.
  return v128.bitselect(y, f(NAN), f32x4.ge(x, f(ZERO)));
}

/** tanh per lane: a series near 0, 1 - 2 / (e^2|x| + 1) beyond; the sign of x put back. */
// @ts-ignore: decorator
@inline function tanh4(x: v128): v128 {
  const a = f32x4.abs(x);
  const t = f32x4.mul(a, a);
  let p = f32x4.add(f(T3), f32x4.mul(t, f(T4)));
  p = f32x4.add(f(T2), f32x4.mul(t, p));
  p = f32x4.add(f(T1), f32x4.mul(t, p));
  p = f32x4.add(f(T0), f32x4.mul(t, p));
  const small = f32x4.add(a, f32x4.mul(a, f32x4.mul(t, p)));
  // tanh(10) rounds to 1; the clamp keeps e^2a finite (and NaN stays NaN).
  const e = exp4(f32x4.mul(f(TWO), f32x4.pmin(a, f(TANH_CLAMP))));
  const large = f32x4.sub(f(ONE), f32x4.div(f(TWO), f32x4.add(e, f(ONE))));
  const y = v128.bitselect(small, large, f32x4.lt(a, f(TANH_SMALL)));
  return v128.or(y, v128.and(x, n(SIGN)));
}

/** 1 / (1 + e^-x) as 1 / (1 + u) for x >= 0 and u / (1 + u) below, u = e^-|x| (no overflow). */
// @ts-ignore: decorator
@inline function sigmoid4(x: v128): v128 {
  const u = exp4(f32x4.neg(f32x4.abs(x)));
  const num = v128.bitselect(f(ONE), u, f32x4.ge(x, f(ZERO)));
  return f32x4.div(num, f32x4.add(f(ONE), u));
}

/** ln(1 + e^x) = max(x, 0) + ln(1 + u), u = e^-|x| in [0, 1]. */
// @ts-ignore: decorator
@inline function softplus4(x: v128): v128 {
  const u = exp4(f32x4.neg(f32x4.abs(x)));
  // 1 + u = 2 (1 + (u - 1) / 2) for u >= 1/2, where (u - 1) / 2 is exact.
  const big = f32x4.ge(u, f(HALF));
  const g = v128.bitselect(f32x4.mul(f32x4.sub(u, f(ONE)), f(HALF)), u, big);
  const k = v128.and(big, f(ONE));
  // max(x, 0) as x > 0 ? x : 0 (NaN: NaN, through the sum).
  return f32x4.add(f32x4.pmax(f(ZERO), x), addLn2(k, log1pCore(g)));
}

// ---- maps --------------------------------------------------------------------

const EXP = 0;
const LOG = 1;
const TANH = 2;
const SIGMOID = 3;
const SOFTPLUS = 4;

// Exact in f32x4 (no map of their own: the JS loops give the same bits); fused chains use them.
const NEG = 5;
const ABS = 6;
const SQRT = 7;

// @ts-ignore: decorator
@inline function unary4(op: i32, x: v128): v128 {
  if (op == EXP) return exp4(x);
  if (op == LOG) return log4(x);
  if (op == TANH) return tanh4(x);
  if (op == SIGMOID) return sigmoid4(x);
  if (op == NEG) return f32x4.neg(x);
  if (op == ABS) return f32x4.abs(x);
  if (op == SQRT) return f32x4.sqrt(x);
  return softplus4(x);
}

/** o[i] = f(x[i]) for i < n rounded up to a whole vector (both buffers padded). */
// @ts-ignore: decorator
@inline function map1(op: i32, x: usize, o: usize, n: i32): void {
  const end = x + (<usize>(n + 3) & ~3) * 4;
  while (x < end) {
    v128.store(o, unary4(op, v128.load(x)));
    x += 16;
    o += 16;
  }
}

export function exp(x: usize, o: usize, n: i32): void { map1(EXP, x, o, n); }
export function log(x: usize, o: usize, n: i32): void { map1(LOG, x, o, n); }
export function tanh(x: usize, o: usize, n: i32): void { map1(TANH, x, o, n); }
export function sigmoid(x: usize, o: usize, n: i32): void { map1(SIGMOID, x, o, n); }
export function softplus(x: usize, o: usize, n: i32): void { map1(SOFTPLUS, x, o, n); }

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const MAX = 4;
const MIN = 5;
const SIGMOID_GRAD = 6;
const TANH_GRAD = 7;

// wasm's max/min are Math.max/min's: NaN wins and max(-0, 0) = 0.
// @ts-ignore: decorator
@inline function binary4(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return f32x4.add(x, y);
  if (op == SUB) return f32x4.sub(x, y);
  if (op == MUL) return f32x4.mul(x, y);
  if (op == DIV) return f32x4.div(x, y);
  if (op == MAX) return f32x4.max(x, y);
  if (op == MIN) return f32x4.min(x, y);
  // The gradients of sigmoid and tanh from their output x and cotangent y,
  // rounded step by step as the composed maps g * (y * (1 - y)) and g * (1 - y * y).
  if (op == SIGMOID_GRAD) return f32x4.mul(y, f32x4.mul(x, f32x4.sub(f(ONE), x)));
  return f32x4.mul(y, f32x4.sub(f(ONE), f32x4.mul(x, x)));
}

/**
 * o[i, j] = x op y over n0 rows of n1 (o row-major), x[i, j] at a + (i a0 + j a1)
 * elements, y likewise; a1 and b1 are 0 (a value per row) or 1. A row's last
 * vector spills into the next row's start, which that row then overwrites.
 */
// @ts-ignore: decorator
@inline function map2(op: i32, o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void {
  const rowBytes = (<usize>(n1 + 3) & ~3) * 4;
  for (let i = 0; i < n0; i++) {
    let pa = a + <usize>(i * a0) * 4;
    let pb = b + <usize>(i * b0) * 4;
    let po = o + <usize>(i * n1) * 4;
    const end = po + rowBytes;
    if (a1 == 1 && b1 == 1) {
      while (po < end) {
        v128.store(po, binary4(op, v128.load(pa), v128.load(pb)));
        pa += 16; pb += 16; po += 16;
      }
    } else if (a1 == 1) {
      const y = v128.load32_splat(pb);
      while (po < end) {
        v128.store(po, binary4(op, v128.load(pa), y));
        pa += 16; po += 16;
      }
    } else if (b1 == 1) {
      const x = v128.load32_splat(pa);
      while (po < end) {
        v128.store(po, binary4(op, x, v128.load(pb)));
        pb += 16; po += 16;
      }
    } else {
      const z = binary4(op, v128.load32_splat(pa), v128.load32_splat(pb));
      while (po < end) {
        v128.store(po, z);
        po += 16;
      }
    }
  }
}

export function add(o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void { map2(ADD, o, a, a0, a1, b, b0, b1, n0, n1); }
export function sub(o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void { map2(SUB, o, a, a0, a1, b, b0, b1, n0, n1); }
export function mul(o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void { map2(MUL, o, a, a0, a1, b, b0, b1, n0, n1); }
export function div(o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void { map2(DIV, o, a, a0, a1, b, b0, b1, n0, n1); }
export function maximum(o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void { map2(MAX, o, a, a0, a1, b, b0, b1, n0, n1); }
export function minimum(o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void { map2(MIN, o, a, a0, a1, b, b0, b1, n0, n1); }
export function sigmoidGrad(o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void { map2(SIGMOID_GRAD, o, a, a0, a1, b, b0, b1, n0, n1); }
export function tanhGrad(o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void { map2(TANH_GRAD, o, a, a0, a1, b, b0, b1, n0, n1); }

// ---- reductions ----------------------------------------------------------------

/** Lanes i < rem all ones: the valid part of a row's last, partial vector. */
// @ts-ignore: decorator
@inline function laneMask(rem: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(rem));
}

/** o[r] (float64) = the sum of row r's `inner` values, in float64 lanes. */
export function sumRows(x: usize, o: usize, rows: i32, inner: i32): void {
  const full = <usize>(inner & ~3) * 4;
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>(r * inner) * 4;
    const end = row + full;
    let lo = f64x2.splat(0), hi = f64x2.splat(0);
    let p = row;
    while (p < end) {
      const v = v128.load(p);
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3)));
      p += 16;
    }
    let s = (f64x2.extract_lane(lo, 0) + f64x2.extract_lane(hi, 0)) + (f64x2.extract_lane(lo, 1) + f64x2.extract_lane(hi, 1));
    const stop = row + <usize>inner * 4;
    while (p < stop) {
      s += <f64>load<f32>(p);
      p += 4;
    }
    store<f64>(o + <usize>r * 8, s);
  }
}

/** acc[j] (float64) += x[r, j] for each of `outer` rows in order: the same sums as a scalar loop. */
export function sumCols(x: usize, acc: usize, outer: i32, inner: i32): void {
  const full = inner & ~3;
  for (let r = 0; r < outer; r++) {
    const row = x + <usize>(r * inner) * 4;
    let j = 0;
    for (; j < full; j += 4) {
      const v = v128.load(row + <usize>j * 4);
      const pa = acc + <usize>j * 8;
      v128.store(pa, f64x2.add(v128.load(pa), f64x2.promote_low_f32x4(v)));
      v128.store(pa, f64x2.add(v128.load(pa, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3))), 16);
    }
    for (; j < inner; j++) {
      const pa = acc + <usize>j * 8;
      store<f64>(pa, load<f64>(pa) + <f64>load<f32>(row + <usize>j * 4));
    }
  }
}

// The step of a scalar max/min: v if it beats the accumulator or is NaN, as the JS kernel.
// @ts-ignore: decorator
@inline function better(isMax: bool, v: f32, a: f32): f32 {
  return (isMax ? v > a : v < a) || v != v ? v : a;
}

// @ts-ignore: decorator
@inline function better4(isMax: bool, v: v128, a: v128): v128 {
  // pmax(a, v) is a < v ? v : a, the scalar step without its NaN case.
  const m = isMax ? f32x4.pmax(a, v) : f32x4.pmin(a, v);
  return v128.bitselect(v, m, f32x4.ne(v, v));
}

// @ts-ignore: decorator
@inline function extremeRows(isMax: bool, x: usize, o: usize, rows: i32, inner: i32, start: f32): void {
  const full = <usize>(inner & ~3) * 4;
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>(r * inner) * 4;
    const end = row + full;
    let acc = f32x4.splat(start);
    let p = row;
    while (p < end) {
      acc = better4(isMax, v128.load(p), acc);
      p += 16;
    }
    let a = better(isMax, f32x4.extract_lane(acc, 0), start);
    a = better(isMax, f32x4.extract_lane(acc, 1), a);
    a = better(isMax, f32x4.extract_lane(acc, 2), a);
    a = better(isMax, f32x4.extract_lane(acc, 3), a);
    const stop = row + <usize>inner * 4;
    while (p < stop) {
      a = better(isMax, load<f32>(p), a);
      p += 4;
    }
    store<f32>(o + <usize>r * 4, a);
  }
}

// @ts-ignore: decorator
@inline function extremeCols(isMax: bool, x: usize, acc: usize, outer: i32, inner: i32): void {
  const full = inner & ~3;
  for (let r = 0; r < outer; r++) {
    const row = x + <usize>(r * inner) * 4;
    let j = 0;
    for (; j < full; j += 4) {
      const pa = acc + <usize>j * 4;
      v128.store(pa, better4(isMax, v128.load(row + <usize>j * 4), v128.load(pa)));
    }
    for (; j < inner; j++) {
      const pa = acc + <usize>j * 4;
      store<f32>(pa, better(isMax, load<f32>(row + <usize>j * 4), load<f32>(pa)));
    }
  }
}

/** o[r] = max of row r (-inf for an empty row); NaN wins. */
export function maxRows(x: usize, o: usize, rows: i32, inner: i32): void { extremeRows(true, x, o, rows, inner, -Infinity); }
export function minRows(x: usize, o: usize, rows: i32, inner: i32): void { extremeRows(false, x, o, rows, inner, Infinity); }
/** acc[j] (float32) = max(acc[j], x[r, j]) over `outer` rows in order. */
export function maxCols(x: usize, acc: usize, outer: i32, inner: i32): void { extremeCols(true, x, acc, outer, inner); }
export function minCols(x: usize, acc: usize, outer: i32, inner: i32): void { extremeCols(false, x, acc, outer, inner); }

// ---- softmax ---------------------------------------------------------------------

/**
 * Each row of `inner` values: e = e^(x - max) into o, summed in float64, then
 * o = e / sum, within a few ulps of the exact softmax of the float32 inputs.
 * A NaN, or a row of -inf (max - max is NaN), gives a row of NaN.
 * Rows' last vectors spill into the next row (overwritten by it) or the padding.
 */
export function softmaxRows(x: usize, o: usize, rows: i32, inner: i32): void {
  if (inner <= 0) return;
  const last = <usize>((inner - 1) >> 2) * 16;
  const tail = laneMask(inner - ((inner - 1) & ~3));
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>(r * inner) * 4;
    const out = o + <usize>(r * inner) * 4;
    const rowLast = row + last, outLast = out + last;
    let m = v128.bitselect(v128.load(rowLast), f(NEG_INF), tail);
    for (let p = row; p < rowLast; p += 16) m = f32x4.max(m, v128.load(p));
    m = f32x4.max(m, i32x4.shuffle(m, m, 2, 3, 0, 1));
    m = f32x4.max(m, i32x4.shuffle(m, m, 1, 0, 3, 2));
    for (let p = row, q = out; p <= rowLast; p += 16, q += 16) {
      const v = v128.load(p);
      // v - max rounds (by up to half an ulp of |v - max|, which e^ would
      // magnify): its rounding error, exact by 2Sum, corrects e^ to first
      // order. Where it is NaN (an infinite v or max), there is nothing to correct.
      const d = f32x4.sub(v, m);
      const back = f32x4.sub(d, v);
      let err = f32x4.sub(f32x4.sub(v, f32x4.sub(d, back)), f32x4.add(m, back));
      err = v128.and(err, f32x4.eq(err, err));
      const e = exp4(d);
      v128.store(q, f32x4.add(e, f32x4.mul(e, err)));
    }
    // Summed in a pass of its own: folded into the loop above, V8 runs out of registers.
    let e = v128.and(v128.load(outLast), tail);
    let lo = f64x2.promote_low_f32x4(e);
    let hi = f64x2.promote_low_f32x4(i32x4.shuffle(e, e, 2, 3, 2, 3));
    for (let q = out; q < outLast; q += 16) {
      e = v128.load(q);
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(e, e, 2, 3, 2, 3)));
    }
    const s = f64x2.add(lo, hi);
    const sum = f32x4.splat(<f32>(f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1)));
    for (let q = out; q <= outLast; q += 16) v128.store(q, f32x4.div(v128.load(q), sum));
  }
}

// ---- fused chains ----------------------------------------------------------------

// A chain of maps (K.function's fused kernels) run over the elements in blocks
// of FUSE_BLOCK, so that each intermediate lives in a block-sized register
// that stays in cache instead of an array of its own. The program is a list of
// instructions [op, dst, a, b, c, 0, 0, 0] (i32 each) over slots; slot s is `base + start *
// step * 4` bytes for the block starting at element `start` (slots table:
// [base, step] pairs): step 1 walks an array (an input or the output), step 0
// stays on a block (a register, or an input of one value repeated by the
// caller). Each instruction runs the same vector routine as the map of its
// name, so a chain rounds exactly as its maps do one by one. Comparisons
// write lane masks (all ones where true), which only a SELECT inside the
// chain reads: where(c, a, b) is a bit select.

const FUSE_BLOCK = 256;
const BINARY = 16;
const EQ = 24, NE = 25, LT = 26, LE = 27, GT = 28, GE = 29, SELECT = 30;
const SUM_ALL = 32;

// @ts-ignore: decorator
@inline function fuse2(op: i32, a: usize, b: usize, o: usize, m: i32): void {
  const end = o + (<usize>(m + 3) & ~3) * 4;
  while (o < end) {
    v128.store(o, binary4(op, v128.load(a), v128.load(b)));
    a += 16; b += 16; o += 16;
  }
}

// @ts-ignore: decorator
@inline function compare4(op: i32, x: v128, y: v128): v128 {
  if (op == EQ) return f32x4.eq(x, y);
  if (op == NE) return f32x4.ne(x, y);
  if (op == LT) return f32x4.lt(x, y);
  if (op == LE) return f32x4.le(x, y);
  if (op == GT) return f32x4.gt(x, y);
  return f32x4.ge(x, y);
}

// @ts-ignore: decorator
@inline function fuseCompare(op: i32, a: usize, b: usize, o: usize, m: i32): void {
  const end = o + (<usize>(m + 3) & ~3) * 4;
  while (o < end) {
    v128.store(o, compare4(op, v128.load(a), v128.load(b)));
    a += 16; b += 16; o += 16;
  }
}

/** o = c ? a : b per lane, c a comparison's lane mask. */
// @ts-ignore: decorator
@inline function fuseSelect(c: usize, a: usize, b: usize, o: usize, m: i32): void {
  const end = o + (<usize>(m + 3) & ~3) * 4;
  while (o < end) {
    v128.store(o, v128.bitselect(v128.load(a), v128.load(b), v128.load(c)));
    a += 16; b += 16; c += 16; o += 16;
  }
}

/** acc (two f64x2 lanes at acc) += the m values at x; the last vector's lanes past m are masked off. */
// @ts-ignore: decorator
@inline function sumInto(x: usize, acc: usize, m: i32): void {
  let lo = v128.load(acc);
  let hi = v128.load(acc + 16);
  const whole = m & ~3;
  const end = x + <usize>whole * 4;
  while (x < end) {
    const e = v128.load(x);
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(e, e, 2, 3, 2, 3)));
    x += 16;
  }
  if (m > whole) {
    const e = v128.and(v128.load(x), laneMask(m - whole));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(e, e, 2, 3, 2, 3)));
  }
  v128.store(acc, lo);
  v128.store(acc + 16, hi);
}

function runOp(op: i32, d: usize, a: usize, b: usize, c: usize, m: i32): void {
  if (op == SELECT) fuseSelect(a, b, c, d, m);
  else if (op == EQ) fuseCompare(EQ, a, b, d, m);
  else if (op == NE) fuseCompare(NE, a, b, d, m);
  else if (op == LT) fuseCompare(LT, a, b, d, m);
  else if (op == LE) fuseCompare(LE, a, b, d, m);
  else if (op == GT) fuseCompare(GT, a, b, d, m);
  else if (op == GE) fuseCompare(GE, a, b, d, m);
  else if (op == EXP) map1(EXP, a, d, m);
  else if (op == LOG) map1(LOG, a, d, m);
  else if (op == TANH) map1(TANH, a, d, m);
  else if (op == SIGMOID) map1(SIGMOID, a, d, m);
  else if (op == SOFTPLUS) map1(SOFTPLUS, a, d, m);
  else if (op == NEG) map1(NEG, a, d, m);
  else if (op == ABS) map1(ABS, a, d, m);
  else if (op == SQRT) map1(SQRT, a, d, m);
  else if (op == BINARY + ADD) fuse2(ADD, a, b, d, m);
  else if (op == BINARY + SUB) fuse2(SUB, a, b, d, m);
  else if (op == BINARY + MUL) fuse2(MUL, a, b, d, m);
  else if (op == BINARY + DIV) fuse2(DIV, a, b, d, m);
  else if (op == BINARY + MAX) fuse2(MAX, a, b, d, m);
  else if (op == BINARY + MIN) fuse2(MIN, a, b, d, m);
  else if (op == BINARY + SIGMOID_GRAD) fuse2(SIGMOID_GRAD, a, b, d, m);
  else if (op == BINARY + TANH_GRAD) fuse2(TANH_GRAD, a, b, d, m);
}

/**
 * Run `count` instructions (32 bytes each) at `prog` over n elements; `slots` holds `nslots`
 * [base, step] pairs, `ptrs` room for nslots addresses. SUM_ALL adds its
 * operand a's values into the float64 accumulator at dst (32 bytes, zeroed
 * by the caller).
 */
export function fused(prog: usize, count: i32, slots: usize, nslots: i32, ptrs: usize, n: i32): void {
  for (let start = 0; start < n; start += FUSE_BLOCK) {
    const m = min(FUSE_BLOCK, n - start);
    for (let s = 0; s < nslots; s++) {
      const e = slots + (<usize>s << 3);
      store<usize>(ptrs + (<usize>s << 2), load<u32>(e) + <usize>(start * load<i32>(e, 4)) * 4);
    }
    for (let k = 0; k < count; k++) {
      const p = prog + (<usize>k << 5);
      const op = load<i32>(p);
      const a = load<usize>(ptrs + (<usize>load<i32>(p, 8) << 2));
      if (op == SUM_ALL) {
        sumInto(a, <usize>load<u32>(p, 4), m);
        continue;
      }
      const d = load<usize>(ptrs + (<usize>load<i32>(p, 4) << 2));
      const b = load<usize>(ptrs + (<usize>load<i32>(p, 12) << 2));
      const c = load<usize>(ptrs + (<usize>load<i32>(p, 16) << 2));
      runOp(op, d, a, b, c, m);
    }
  }
}

// ---- comparisons and where --------------------------------------------------------

// Comparisons write bool bytes (1 where true); where reads them. Both walk
// their float32 operands as map2 does (element stride 0 or 1); a row's last
// group of four spills up to three bytes (or lanes) into the next row's
// start, which that row then overwrites, and the last row into the padding.

const CMP_EQ = 0, CMP_NE = 1, CMP_LT = 2, CMP_LE = 3, CMP_GT = 4, CMP_GE = 5;

/** A float32 operand's next four values: a vector, or one value repeated (step 0). */
// @ts-ignore: decorator
@inline function load4(p: usize, step: i32): v128 {
  return step == 1 ? v128.load(p) : v128.load32_splat(p);
}

// @ts-ignore: decorator
@inline function cmp2(op: i32, o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void {
  const da = <usize>a1 * 16, db = <usize>b1 * 16;
  const one = i8x16.splat(1);
  for (let i = 0; i < n0; i++) {
    let pa = a + <usize>(i * a0) * 4;
    let pb = b + <usize>(i * b0) * 4;
    let po = o + <usize>(i * n1);
    const end = po + <usize>n1;
    while (po < end) {
      const m = compare4(EQ + op, load4(pa, a1), load4(pb, b1));
      // Lanes of all ones (-1) narrow to bytes of -1; masked to 1.
      const h = i16x8.narrow_i32x4_s(m, m);
      v128.store32_lane(po, v128.and(i8x16.narrow_i16x8_s(h, h), one), 0);
      pa += da; pb += db; po += 4;
    }
  }
}

export function cmpEq(o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void { cmp2(CMP_EQ, o, a, a0, a1, b, b0, b1, n0, n1); }
export function cmpNe(o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void { cmp2(CMP_NE, o, a, a0, a1, b, b0, b1, n0, n1); }
export function cmpLt(o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void { cmp2(CMP_LT, o, a, a0, a1, b, b0, b1, n0, n1); }
export function cmpLe(o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void { cmp2(CMP_LE, o, a, a0, a1, b, b0, b1, n0, n1); }
export function cmpGt(o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void { cmp2(CMP_GT, o, a, a0, a1, b, b0, b1, n0, n1); }
export function cmpGe(o: usize, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32): void { cmp2(CMP_GE, o, a, a0, a1, b, b0, b1, n0, n1); }

/**
 * o[i, j] = c[i, j] ? x[i, j] : y[i, j] (32-bit lanes, the bits moved as they
 * are), c bytes walked from `c` by (c0, c1), x and y as in map2.
 */
export function where(
  o: usize, c: usize, c0: i32, c1: i32, a: usize, a0: i32, a1: i32, b: usize, b0: i32, b1: i32, n0: i32, n1: i32
): void {
  const da = <usize>a1 * 16, db = <usize>b1 * 16, dc = <usize>c1 * 4;
  const zero = i32x4.splat(0);
  for (let i = 0; i < n0; i++) {
    let pa = a + <usize>(i * a0) * 4;
    let pb = b + <usize>(i * b0) * 4;
    let pc = c + <usize>(i * c0);
    let po = o + <usize>(i * n1) * 4;
    const end = po + <usize>n1 * 4;
    while (po < end) {
      // Four bytes widened to four lanes (or one byte repeated), then a lane mask.
      const bytes = c1 == 1 ? v128.load32_zero(pc) : i8x16.splat(load<u8>(pc));
      const lanes = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(bytes));
      const mask = v128.not(i32x4.eq(lanes, zero));
      v128.store(po, v128.bitselect(load4(pa, a1), load4(pb, b1), mask));
      pa += da; pb += db; pc += dc; po += 16;
    }
  }
}

// ---- float64 e^x --------------------------------------------------------------

// e^x in float64 (f64x2), for research code's float64 maps: the method and
// its constants are src/cpu/wasm/exp64.ts's, whose JS twin runs the same
// IEEE operations in the same order (no fused multiply-adds on either side),
// so the two give the same bits. The constants are copied into X64 when the
// module loads (EXP64_CONSTANTS; these indices are its EXP64 layout).

const X64 = memory.data(144 * 8, 16);
const X_INV_LN2_64 = 0, X_MAGIC = 1, X_LN2_64_HI = 2, X_LN2_64_LO = 3, X_HI = 4, X_LO = 5;
const X_C2 = 6, X_C3 = 7, X_C4 = 8, X_C5 = 9, X_C6 = 10, X_TABLE = 16;

/** Where the loader copies the constants. */
export function exp64Constants(): usize {
  return X64;
}

// @ts-ignore: decorator
@inline function d(i: i32): v128 {
  return v128.load64_splat(X64 + (<usize>i << 3));
}

/** 2^m per f64 lane, m in i32 lanes 0 and 1, in the normal range. */
// @ts-ignore: decorator
@inline function pow2d(m: v128): v128 {
  return i64x2.shl(i64x2.extend_low_i32x4_s(i32x4.add(m, i32x4.splat(1023))), 52);
}

// @ts-ignore: decorator
@inline function exp2d(x: v128): v128 {
  // pmin(x, c) is c < x ? c : x, pmax(x, c) x < c ? c : x.
  const xc = f64x2.pmax(f64x2.pmin(x, d(X_HI)), d(X_LO));
  const k = f64x2.sub(f64x2.add(f64x2.mul(xc, d(X_INV_LN2_64)), d(X_MAGIC)), d(X_MAGIC));
  const r = f64x2.sub(f64x2.sub(xc, f64x2.mul(k, d(X_LN2_64_HI))), f64x2.mul(k, d(X_LN2_64_LO)));
  let q = f64x2.add(d(X_C5), f64x2.mul(r, d(X_C6)));
  q = f64x2.add(d(X_C4), f64x2.mul(r, q));
  q = f64x2.add(d(X_C3), f64x2.mul(r, q));
  q = f64x2.add(d(X_C2), f64x2.mul(r, q));
  const p = f64x2.add(r, f64x2.mul(f64x2.mul(r, r), q));
  // k has at most 17 bits: exact in i32 lanes 0 and 1.
  const ki = i32x4.trunc_sat_f64x2_s_zero(k);
  const t0 = X64 + <usize>(X_TABLE + 2 * (i32x4.extract_lane(ki, 0) & 63)) * 8;
  const t1 = X64 + <usize>(X_TABLE + 2 * (i32x4.extract_lane(ki, 1) & 63)) * 8;
  const hi = f64x2.replace_lane(v128.load64_splat(t0), 1, load<f64>(t1));
  const lo = f64x2.replace_lane(v128.load64_splat(t0 + 8), 1, load<f64>(t1 + 8));
  const y = f64x2.add(hi, f64x2.add(f64x2.mul(hi, p), lo));
  const m = i32x4.shr_s(ki, 6);
  const m1 = i32x4.shr_s(m, 1);
  const e = f64x2.mul(f64x2.mul(y, pow2d(m1)), pow2d(i32x4.sub(m, m1)));
  return v128.bitselect(x, e, f64x2.ne(x, x));
}

/** o = e^x for n float64 values (whole vectors of two: the caller pads). */
export function exp64(x: usize, o: usize, n: i32): void {
  const end = x + (<usize>(n + 1) & ~1) * 8;
  // Two vectors a turn: two independent chains of the polynomial's latency.
  while (x + 16 < end) {
    const a = v128.load(x);
    const b = v128.load(x, 16);
    v128.store(o, exp2d(a));
    v128.store(o, exp2d(b), 16);
    x += 32;
    o += 32;
  }
  if (x < end) v128.store(o, exp2d(v128.load(x)));
}

// ---- float64 matrix product -------------------------------------------------------

// C = A B in float64 (f64x2), for float64 research code: B packed a KC64-deep
// slice at a time into NR64-wide panels, A into MR64-tall ones, a 4 x 4 tile
// (8 accumulators) per step. Each element of C is summed over k in order, a
// slice at a time, by separate multiplies and adds: exactly the JS gemm's
// sequence of roundings (src/cpu/linalg.ts), so the two give the same bits.

const MR64 = 4;
const NR64 = 4;
const KC64 = 256;

/** B[0:kc, 0:n] (row-major, row stride ldb) into NR64-wide panels, zero-padded. */
function packB64(b: usize, ldb: i32, kc: i32, n: i32, out: usize): void {
  for (let j = 0; j < n; j += NR64) {
    const w = min(NR64, n - j);
    let src = b + (<usize>j << 3);
    for (let p = 0; p < kc; p++) {
      for (let q = 0; q < NR64; q++) store<f64>(out + (<usize>q << 3), q < w ? load<f64>(src + (<usize>q << 3)) : 0);
      src += <usize>ldb << 3;
      out += NR64 * 8;
    }
  }
}

/** A[0:4 (h valid), 0:kc] (row-major, row stride lda) into a panel, column p at p * 4, zero-padded. */
function packA64(a: usize, lda: i32, h: i32, kc: i32, out: usize): void {
  for (let r = 0; r < MR64; r++) {
    let dst = out + (<usize>r << 3);
    let src = a + (<usize>(r * lda) << 3);
    for (let p = 0; p < kc; p++) {
      store<f64>(dst, r < h ? load<f64>(src) : 0);
      src += 8;
      dst += MR64 * 8;
    }
  }
}

/**
 * C (m x n, row-major) = A (m x k, row-major) B (k x n, row-major); `work`
 * holds KC64 * (n rounded up to 4 + 4) + 16 doubles of scratch.
 */
export function gemm64(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, work: usize): void {
  const bp = work;
  const ap = bp + (<usize>(KC64 * ((n + 3) & ~3)) << 3);
  const tile = ap + (<usize>(KC64 * MR64) << 3);
  for (let pc = 0; pc < k; pc += KC64) {
    const kc = min(KC64, k - pc);
    packB64(b + (<usize>(pc * n) << 3), n, kc, n, bp);
    for (let i = 0; i < m; i += MR64) {
      const h = min(MR64, m - i);
      packA64(a + (<usize>(i * k + pc) << 3), k, h, kc, ap);
      for (let j = 0; j < n; j += NR64) {
        const w = min(NR64, n - j);
        const full = h == MR64 && w == NR64;
        // The tile's home: C itself, or scratch for an edge tile.
        const home = full ? c + (<usize>(i * n + j) << 3) : tile;
        const ld = full ? n : NR64;
        if (!full) {
          for (let r = 0; r < MR64; r++)
            for (let q = 0; q < NR64; q++)
              store<f64>(tile + (<usize>(r * NR64 + q) << 3), pc > 0 && r < h && q < w ? load<f64>(c + (<usize>((i + r) * n + j + q) << 3)) : 0);
        }
        const r0 = home, r1 = r0 + (<usize>ld << 3), r2 = r1 + (<usize>ld << 3), r3 = r2 + (<usize>ld << 3);
        let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
        let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
        if (pc > 0 || !full) {
          c00 = v128.load(r0); c01 = v128.load(r0, 16);
          c10 = v128.load(r1); c11 = v128.load(r1, 16);
          c20 = v128.load(r2); c21 = v128.load(r2, 16);
          c30 = v128.load(r3); c31 = v128.load(r3, 16);
        }
        let pa = ap, pb = bp + (<usize>(j * kc) << 3);
        for (let p = 0; p < kc; p++) {
          const b0 = v128.load(pb), b1 = v128.load(pb, 16);
          const a0 = v128.load64_splat(pa), a1 = v128.load64_splat(pa, 8);
          const a2 = v128.load64_splat(pa, 16), a3 = v128.load64_splat(pa, 24);
          c00 = f64x2.add(c00, f64x2.mul(a0, b0)); c01 = f64x2.add(c01, f64x2.mul(a0, b1));
          c10 = f64x2.add(c10, f64x2.mul(a1, b0)); c11 = f64x2.add(c11, f64x2.mul(a1, b1));
          c20 = f64x2.add(c20, f64x2.mul(a2, b0)); c21 = f64x2.add(c21, f64x2.mul(a2, b1));
          c30 = f64x2.add(c30, f64x2.mul(a3, b0)); c31 = f64x2.add(c31, f64x2.mul(a3, b1));
          pa += MR64 * 8;
          pb += NR64 * 8;
        }
        v128.store(r0, c00); v128.store(r0, c01, 16);
        v128.store(r1, c10); v128.store(r1, c11, 16);
        v128.store(r2, c20); v128.store(r2, c21, 16);
        v128.store(r3, c30); v128.store(r3, c31, 16);
        if (!full) {
          for (let r = 0; r < h; r++)
            for (let q = 0; q < w; q++)
              store<f64>(c + (<usize>((i + r) * n + j + q) << 3), load<f64>(tile + (<usize>(r * NR64 + q) << 3)));
        }
      }
    }
  }
}

/** The first byte past the module's static data: buffers start at or after it. */
export function heapBase(): usize {
  return __heap_base;
}
