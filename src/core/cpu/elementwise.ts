// Elementwise cpu kernels compiled by cwise. Broadcasting reads stride-0 views,
// so no broadcast copy is ever materialised. (cwise re-parses each body's
// source: plain function expressions only, no arrows, no `**`.)
import cwise from 'cwise';
import ops from 'ndarray-ops';
import type { Kernel } from '../backend.js';
import type { ElementwiseAttrs } from '../../ops/prims/elementwise.js';
import type { Meta } from '../../ops/prims/spec.js';
import { alloc, atLeast1d, broadcastView, type Nd } from './ndutil.js';
import { loop1, loop2, plan2 } from './strided.js';

type Body = (o: number, a: number, b: number, c: number) => void;
const map1 = (body: Body) => cwise({ args: ['array', 'array'], body });
const map2 = (body: Body) => cwise({ args: ['array', 'array', 'array'], body });

/** `expr` of x in a compiled loop when the operand is simple (strided.ts), else the cwise body. */
function unary(expr: string, run: (o: Nd, a: Nd) => void): Kernel<unknown, Nd> {
  const fast = loop1(expr);
  return ([a], _attrs, out: Meta) => {
    const o = alloc(out.dtype, out.shape);
    const plan = plan2(out.shape, [a!]);
    if (plan !== null) fast(o.data, a!.data, plan);
    else run(atLeast1d(o), atLeast1d(a!));
    return o;
  };
}

function binary(expr: string, run: (o: Nd, a: Nd, b: Nd) => void): Kernel<unknown, Nd> {
  const fast = loop2(expr);
  return ([a, b], _attrs, out: Meta) => {
    const o = alloc(out.dtype, out.shape);
    const av = broadcastView(a!, out.shape);
    const bv = broadcastView(b!, out.shape);
    const plan = plan2(out.shape, [av, bv]);
    if (plan !== null) fast(o.data, av.data, bv.data, plan);
    else run(atLeast1d(o), atLeast1d(av), atLeast1d(bv));
    return o;
  };
}

const select = cwise({
  args: ['array', 'array', 'array', 'array'],
  body: function (o: number, c: number, a: number, b: number) { o = c ? a : b; },
});
const castBool = map1(function (o: number, a: number) { o = a !== 0 ? 1 : 0; });
// int64 lives in a Float64Array, which would keep fractions.
const castTrunc = map1(function (o: number, a: number) { o = Math.trunc(a); });

export const cpuElementwise: { [P in keyof ElementwiseAttrs]: Kernel<ElementwiseAttrs[P], Nd> } = {
  neg: unary('-x', map1(function (o, a) { o = -a; })),
  abs: unary('Math.abs(x)', map1(function (o, a) { o = Math.abs(a); })),
  sign: unary('(x > 0 ? 1 : x < 0 ? -1 : x)', map1(function (o, a) { o = a > 0 ? 1 : a < 0 ? -1 : a; })),
  // Half to even, as tf.round.
  round: unary('((r = Math.round(x)), Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r)', map1(function (o, a) {
    var r = Math.round(a);
    if (Math.abs(a % 1) === 0.5) r = 2 * Math.round(a / 2);
    o = r;
  })),
  exp: unary('Math.exp(x)', map1(function (o, a) { o = Math.exp(a); })),
  log: unary('Math.log(x)', map1(function (o, a) { o = Math.log(a); })),
  sqrt: unary('Math.sqrt(x)', map1(function (o, a) { o = Math.sqrt(a); })),
  sin: unary('Math.sin(x)', map1(function (o, a) { o = Math.sin(a); })),
  cos: unary('Math.cos(x)', map1(function (o, a) { o = Math.cos(a); })),
  tanh: unary('Math.tanh(x)', map1(function (o, a) { o = Math.tanh(a); })),
  sigmoid: unary('(x >= 0 ? 1 / (1 + Math.exp(-x)) : ((e = Math.exp(x)), e / (1 + e)))', map1(function (o, a) {
    if (a >= 0) { o = 1 / (1 + Math.exp(-a)); } else { var e = Math.exp(a); o = e / (1 + e); }
  })),
  softplus: unary('(x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)))', map1(function (o, a) { o = a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a)); })),

  add: binary('x + y', map2(function (o, a, b) { o = a + b; })),
  sub: binary('x - y', map2(function (o, a, b) { o = a - b; })),
  mul: binary('x * y', map2(function (o, a, b) { o = a * b; })),
  div: binary('x / y', map2(function (o, a, b) { o = a / b; })),
  pow: binary('Math.pow(x, y)', map2(function (o, a, b) { o = Math.pow(a, b); })),
  maximum: binary('Math.max(x, y)', map2(function (o, a, b) { o = Math.max(a, b); })),
  minimum: binary('Math.min(x, y)', map2(function (o, a, b) { o = Math.min(a, b); })),

  equal: binary('(x === y ? 1 : 0)', map2(function (o, a, b) { o = a === b ? 1 : 0; })),
  not_equal: binary('(x !== y ? 1 : 0)', map2(function (o, a, b) { o = a !== b ? 1 : 0; })),
  greater: binary('(x > y ? 1 : 0)', map2(function (o, a, b) { o = a > b ? 1 : 0; })),
  greater_equal: binary('(x >= y ? 1 : 0)', map2(function (o, a, b) { o = a >= b ? 1 : 0; })),
  less: binary('(x < y ? 1 : 0)', map2(function (o, a, b) { o = a < b ? 1 : 0; })),
  less_equal: binary('(x <= y ? 1 : 0)', map2(function (o, a, b) { o = a <= b ? 1 : 0; })),

  where: ([c, a, b], _attrs, out) => {
    const o = alloc(out.dtype, out.shape);
    const v = (x: Nd) => atLeast1d(broadcastView(x, out.shape));
    select(atLeast1d(o), v(c!), v(a!), v(b!));
    return o;
  },
  // The typed array does the conversion (truncation toward zero for integers); bool is x != 0.
  cast: ([a], attrs, out) => {
    const o = alloc(out.dtype, out.shape);
    if (attrs.dtype === 'bool') castBool(atLeast1d(o), atLeast1d(a!));
    else if (attrs.dtype === 'int64') castTrunc(atLeast1d(o), atLeast1d(a!));
    else ops.assign(atLeast1d(o), atLeast1d(a!));
    return o;
  },
};
