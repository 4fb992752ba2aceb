// Elementwise cpu kernels, each map written once as an expression of x (and y):
// compiled into a loop for simple layouts (strided.ts) and into a cwise kernel
// for any other. Broadcasting reads stride-0 views, so no broadcast copy is
// ever materialised. (cwise re-parses each body's source: plain functions only,
// no arrows, no `**`.) Large float32
// maps run in WebAssembly SIMD (wasm/elementwise.ts) where it applies; the JS
// loops are the reference and the fallback.
import cwise from 'cwise';
import ops from 'ndarray-ops';
import type { Kernel, KernelOf } from '../core/backend.js';
import { sizeOf } from '../core/shape.js';
import { alloc, atLeast1d, broadcastView, contiguous, isContiguous, type Nd, nd } from '../core/ndarray.js';
import { exp64Run } from './wasm/exp64.js';
import { loop1, loop2, loop3, plan2, type Plan2 } from './strided.js';
import {
  wasmBinary,
  wasmCompare,
  wasmExp64,
  wasmSoftmaxRows,
  wasmUnary,
  wasmWhere,
  type BinaryOp,
  type CompareOp,
  type UnaryOp,
} from './wasm/elementwise.js';
import type { ActivationAttrs, ElementwiseAttrs, Meta } from '../core/primitives.js';

type Body = (o: number, a: number, b: number, c: number) => void;
const map1 = (body: Body) => cwise({ args: ['array', 'array'], body });

/**
 * The strided (cwise) kernel for `expr` of x (and y): built from the same text
 * as the compiled loop (strided.ts), so each map is written once. cwise parses
 * its body's source, so the body is a plain function made from that text; `e`
 * and `r` are the expressions' temporaries, as in the loops.
 */
function cwiseMap(expr: string, arity: 1 | 2): (o: Nd, a: Nd, b?: Nd) => void {
  const params = arity === 1 ? ['o', 'a'] : ['o', 'a', 'b'];
  const code = `var e, r; o = ${expr.replace(/\bx\b/g, 'a').replace(/\by\b/g, 'b')};`;
  return cwise({ args: params.map(() => 'array'), body: new Function(...params, code) as Body });
}

/**
 * `expr` of x in a compiled loop when the operand is simple (strided.ts), else
 * the cwise body; `op` in wasm for a large contiguous float32 operand.
 */
function unary(expr: string, op?: UnaryOp): KernelOf<1, unknown, Nd> {
  const fast = loop1(expr);
  const run = cwiseMap(expr, 1);
  return ([a], _attrs, out: Meta) => {
    if (op !== undefined && out.dtype === 'float32' && a.data instanceof Float32Array && isContiguous(a)) {
      const y = wasmUnary(op, a.data, a.offset, sizeOf(out.shape));
      if (y !== null) return nd(y, out.shape);
    }
    const o = alloc(out.dtype, out.shape);
    const plan = plan2(out.shape, [a]);
    if (plan !== null) fast(o.data, a.data, plan);
    else run(atLeast1d(o), atLeast1d(a));
    return o;
  };
}

/**
 * e^x: float32 as the other maps; float64 by exp64 (exp64.ts), in wasm for a
 * large operand and in its JS twin otherwise, the same bits either way.
 */
function exp(): KernelOf<1, unknown, Nd> {
  const other = unary('Math.exp(x)', 'exp');
  return (ins, attrs, out: Meta) => {
    const a = ins[0];
    if (out.dtype !== 'float64' || !(a.data instanceof Float64Array)) return other(ins, attrs, out);
    const x = contiguous(a, 'float64');
    const n = sizeOf(out.shape);
    const y = wasmExp64(x.data as Float64Array, x.offset, n);
    if (y !== null) return nd(y, out.shape);
    const o = alloc('float64', out.shape);
    exp64Run(o.data as Float64Array, x.data as Float64Array, x.offset, n);
    return o;
  };
}

/** The one value a view repeats everywhere (every stride 0), or null. */
function repeated(v: Nd): number | null {
  return v.size > 0 && v.stride.every((s, i) => s === 0 || v.shape[i] === 1) ? v.data[v.offset]! : null;
}

const sameShape = (a: Nd, shape: readonly number[]) =>
  a.shape.length === shape.length && a.shape.every((d, i) => d === shape[i]);

/** Both operands float32 (only float32 tensors hold Float32Arrays). */
const bothFloat32 = (a: Nd, b: Nd): [Float32Array, Float32Array] | null =>
  a.data instanceof Float32Array && b.data instanceof Float32Array ? [a.data, b.data] : null;

/** A binary map's wasm routine on float32 operands over a plan: its result, or null where it does not apply. */
type Wasm2 = (a: Float32Array, b: Float32Array, plan: Plan2) => Float32Array | Uint8Array | null;
/** Arithmetic: float32 results. */
const arith =
  (op: BinaryOp): Wasm2 =>
  (a, b, p) =>
    wasmBinary(op, a, b, p.n0, p.n1, p.walk[0]!, p.walk[1]!);
/** Comparisons: bool bytes, the same IEEE tests as JS's (NaN unequal to everything, -0 equal to 0). */
const compare =
  (op: CompareOp): Wasm2 =>
  (a, b, p) =>
    wasmCompare(op, a, b, p.n0, p.n1, p.walk[0]!, p.walk[1]!);

/**
 * `expr` of x and y, in wasm (`wasm`) for large float32 operands. `unit` (for * and /)
 * is the operand value that leaves the other unchanged, exactly: x * 1 is x,
 * so a product with a broadcast 1 (a gradient's seed) is x itself, not a copy.
 */
function binary(expr: string, wasm?: Wasm2, unit?: { left: boolean }): KernelOf<2, unknown, Nd> {
  const fast = loop2(expr);
  const run = cwiseMap(expr, 2);
  return ([a, b], _attrs, out: Meta) => {
    const av = broadcastView(a, out.shape);
    const bv = broadcastView(b, out.shape);
    if (unit !== undefined) {
      if (repeated(bv) === 1 && sameShape(a, out.shape)) return a;
      if (unit.left && repeated(av) === 1 && sameShape(b, out.shape)) return b;
    }
    const plan = plan2(out.shape, [av, bv]);
    const f32 = wasm === undefined ? null : bothFloat32(av, bv);
    // float32 operands give float32 (arithmetic) or bool (comparisons): what the wasm routines write.
    if (plan !== null && f32 !== null && (out.dtype === 'float32' || out.dtype === 'bool')) {
      const y = wasm!(f32[0], f32[1], plan);
      if (y !== null) return nd(y, out.shape);
    }
    const o = alloc(out.dtype, out.shape);
    if (plan !== null) fast(o.data, av.data, bv.data, plan);
    else run(atLeast1d(o), atLeast1d(av), atLeast1d(bv));
    return o;
  };
}

const choose = loop3('x ? y : z');
const select = cwise({
  args: ['array', 'array', 'array', 'array'],
  body: function (o: number, c: number, a: number, b: number) {
    o = c ? a : b;
  },
});
const castBool = map1(function (o: number, a: number) {
  o = a !== 0 ? 1 : 0;
});
// int64 lives in a Float64Array, which would keep fractions.
const castTrunc = map1(function (o: number, a: number) {
  o = Math.trunc(a);
});

export const cpuElementwise: { [P in keyof ElementwiseAttrs]: Kernel<P, Nd> } = {
  neg: unary('-x'),
  abs: unary('Math.abs(x)'),
  sign: unary('(x > 0 ? 1 : x < 0 ? -1 : x)'),
  // Half to even, as tf.round.
  round: unary('((r = Math.round(x)), Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r)'),
  exp: exp(),
  log: unary('Math.log(x)', 'log'),
  sqrt: unary('Math.sqrt(x)'),
  sin: unary('Math.sin(x)'),
  cos: unary('Math.cos(x)'),
  tanh: unary('Math.tanh(x)', 'tanh'),
  sigmoid: unary('(x >= 0 ? 1 / (1 + Math.exp(-x)) : ((e = Math.exp(x)), e / (1 + e)))', 'sigmoid'),
  softplus: unary('(x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)))', 'softplus'),

  // On float32 values, + - * / in float64 then stored as float32 round as once in
  // float32 (53 >= 2 * 24 + 2 bits): wasm's f32x4 results are the same bits.
  add: binary('x + y', arith('add')),
  sub: binary('x - y', arith('sub')),
  mul: binary('x * y', arith('mul'), { left: true }),
  div: binary('x / y', arith('div'), { left: false }),
  pow: binary('Math.pow(x, y)'),
  maximum: binary('Math.max(x, y)', arith('maximum')),
  minimum: binary('Math.min(x, y)', arith('minimum')),

  equal: binary('(x === y ? 1 : 0)', compare('cmpEq')),
  not_equal: binary('(x !== y ? 1 : 0)', compare('cmpNe')),
  greater: binary('(x > y ? 1 : 0)', compare('cmpGt')),
  greater_equal: binary('(x >= y ? 1 : 0)', compare('cmpGe')),
  less: binary('(x < y ? 1 : 0)', compare('cmpLt')),
  less_equal: binary('(x <= y ? 1 : 0)', compare('cmpLe')),

  // A float32 select in wasm moves each value's bits, as the JS loop does.
  where: ([c, a, b], _attrs, out) => {
    const views = [c, a, b].map((x) => broadcastView(x, out.shape));
    const plan = plan2(out.shape, views);
    const [cv, av, bv] = views as [Nd, Nd, Nd];
    const f32 = bothFloat32(av, bv);
    if (plan !== null && f32 !== null && cv.data instanceof Uint8Array && out.dtype === 'float32') {
      const [wc, wa, wb] = plan.walk;
      const y = wasmWhere(cv.data, f32[0], f32[1], plan.n0, plan.n1, wc!, wa!, wb!);
      if (y !== null) return nd(y, out.shape);
    }
    const o = alloc(out.dtype, out.shape);
    if (plan !== null) choose(o.data, cv.data, av.data, bv.data, plan);
    else select(atLeast1d(o), ...(views.map(atLeast1d) as [Nd, Nd, Nd]));
    return o;
  },
  // The typed array does the conversion (truncation toward zero for integers); bool is x != 0.
  cast: ([a], attrs, out) => {
    const o = alloc(out.dtype, out.shape);
    if (attrs.dtype === 'bool') castBool(atLeast1d(o), atLeast1d(a));
    else if (attrs.dtype === 'int64') castTrunc(atLeast1d(o), atLeast1d(a));
    else ops.assign(atLeast1d(o), atLeast1d(a));
    return o;
  },
};

/**
 * Softmax along an axis in one pass per row (max, e^(x - max) summed in
 * float64, scaled): rows along the last axis of float32 in wasm, the rest
 * here, a block of rows at a time when the axis is not the last. A NaN in a
 * row, or a row of -inf, gives a row of NaN, as the composed form does.
 */
function softmax([a]: readonly [Nd], { axis }: ActivationAttrs['softmax'], out: Meta): Nd {
  const shape = out.shape;
  const n = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  const x = contiguous(a, out.dtype);
  if (inner === 1 && out.dtype === 'float32' && x.data instanceof Float32Array) {
    const y = wasmSoftmaxRows(x.data, x.offset, outer, n);
    if (y !== null) return nd(y, shape);
  }
  const o = alloc(out.dtype, shape);
  if (inner === 1) softmaxRows(o.data, x.data, x.offset, outer, n);
  else softmaxBlocks(o.data, x.data, x.offset, outer, n, inner);
  return o;
}

type Data = Nd['data'];

function softmaxRows(o: Data, d: Data, off: number, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let m = -Infinity;
    for (let j = 0; j < n; j++) {
      const v = d[off + base + j]!;
      if (v > m || v !== v) m = v;
    }
    // The sum is of the stored (for float32, rounded) values, which are what gets scaled.
    let s = 0;
    for (let j = 0; j < n; j++) {
      o[base + j] = Math.exp(d[off + base + j]! - m);
      s += o[base + j]!;
    }
    for (let j = 0; j < n; j++) o[base + j] = o[base + j]! / s;
  }
}

/** [outer, n, inner] with inner > 1: each block's n rows walked in order, a max and a sum per column. */
function softmaxBlocks(o: Data, d: Data, off: number, outer: number, n: number, inner: number): void {
  const m = new Float64Array(inner);
  const s = new Float64Array(inner);
  for (let b = 0; b < outer; b++) {
    const block = b * n * inner;
    m.fill(-Infinity);
    s.fill(0);
    for (let k = 0; k < n; k++) {
      const row = block + k * inner;
      for (let j = 0; j < inner; j++) {
        const v = d[off + row + j]!;
        if (v > m[j]! || v !== v) m[j] = v;
      }
    }
    for (let k = 0; k < n; k++) {
      const row = block + k * inner;
      for (let j = 0; j < inner; j++) {
        o[row + j] = Math.exp(d[off + row + j]! - m[j]!);
        s[j] = s[j]! + o[row + j]!;
      }
    }
    for (let k = 0; k < n; k++) {
      const row = block + k * inner;
      for (let j = 0; j < inner; j++) o[row + j] = o[row + j]! / s[j]!;
    }
  }
}

export const cpuActivation: { [P in keyof ActivationAttrs]: Kernel<P, Nd> } = {
  softmax,
  // x is the output y of sigmoid/tanh, y the cotangent g.
  sigmoid_grad: binary('y * (x * (1 - x))', arith('sigmoidGrad')),
  tanh_grad: binary('y * (1 - x * x)', arith('tanhGrad')),
};
