// Elementwise gpu kernels. Binary ops and where read broadcast inputs through
// stride-0 reads (no broadcast copy). The bodies reproduce the cpu kernels'
// numerics where GLSL differs: GLSL's tanh overflows to NaN, its sign(NaN) is
// 0, max/min drop NaN, pow is undefined for a negative or zero base, log is
// only absolutely accurate near 1, log(1 + x) loses small x, and Math.round
// is floor(x + 0.5), and GLSL ES 3's own roundEven may not be redeclared.
// sin and cos are ours (GLSL's vary by driver: SwiftShader's are off by 5e-5
// at x = 4): within a few float32 ulps of the cpu for |x| up to about 1e4,
// meaningless beyond about 1e5, where float32 range reduction fails.
import type { Kernel, KernelOf } from '../../core/backend.js';
import type { GpuData } from '../memory.js';
import { broadcastRead, runMap } from './common.js';
import type { ElementwiseAttrs, FusedAttrs } from '../../core/primitives.js';

/** Round half to even (tf.round); infinities and NaN pass through. */
const ROUND_EVEN = `function roundHalfEven(x) {
  const r = Math.floor(x);
  const d = x - r;
  if (d > 0.5) { return r + 1; }
  if (d === 0.5) {
    if (r - 2 * Math.floor(r * 0.5) === 0) { return r; }
    return r + 1;
  }
  return r;
}`;

/**
 * tanh without overflow: from e^(-2|x|) <= 1, and a Taylor series near 0
 * where 1 - e^(-2|x|) would cancel.
 */
const TANH = `function tanhf(x) {
  const a = Math.abs(x);
  if (a < 0.125) {
    const s = x * x;
    return x * (1 + s * (-0.3333333333333333 + s * (0.13333333333333333 + s * (-0.05396825396825397 + s * 0.021869488536155203))));
  }
  const e = Math.exp(-2 * a);
  const t = (1 - e) / (1 + e);
  if (x < 0) { return -t; }
  return t;
}`;

/**
 * log(1 + x) for x > -0.3: near 0 from the series of 2 atanh(x / (2 + x)),
 * which has no cancellation (GLSL's log(1 + x) loses small x, and the
 * classic (1 + x) - 1 correction is undone by the shader compiler's
 * algebraic rewrites).
 */
const LOG1P = `function log1pf(x) {
  if (x > -0.3 && x < 0.5) {
    const s = x / (2 + x);
    const z = s * s;
    return 2 * s * (1 + z * (0.3333333333333333 + z * (0.2 + z * (0.14285714285714285 + z * (0.1111111111111111 + z * (0.09090909090909091 + z * 0.07692307692307693))))));
  }
  return Math.log(1 + x);
}`;

/**
 * ln x; near 1, where GLSL's log has only an absolute accuracy, as log1p(x - 1)
 * (x - 1 is exact there). GLSL leaves log of 0 and of negatives undefined
 * (SwiftShader answers -88 and log |x|): -Infinity and NaN, as Math.log.
 */
const LOG = `function logf(x, nan) {
  if (x !== x || x < 0) { return nan; }
  if (x === 0) { return -1 / Math.abs(x); }
  if (x > 0.7 && x < 1.5) { return log1pf(x - 1); }
  return Math.log(x);
}`;

/**
 * sin(x) (quadrant 0) or cos(x) (quadrant 1): x - k pi/2 in three float32
 * parts (Cody and Waite; exact while k < 2^12), then Cephes' float32
 * polynomials on [-pi/4, pi/4]. NaN and infinities give NaN.
 */
const SIN_COS = `function sinCosF(x, shift) {
  const k = Math.floor(x * 0.6366197723675814 + 0.5);
  let r = x - k * 1.5703125;
  r = r - k * 0.0004837512969970703;
  r = r - k * 0.00000007549789954891882;
  const q0 = k + shift;
  const q = q0 - 4 * Math.floor(q0 * 0.25);
  const z = r * r;
  const sinr = ((-0.00019515295891 * z + 0.0083321608736) * z - 0.16666654611) * z * r + r;
  const cosr = ((0.00002443315711809948 * z - 0.001388731625493765) * z + 0.04166664568298827) * z * z - 0.5 * z + 1;
  if (q === 0) { return sinr; }
  if (q === 1) { return cosr; }
  if (q === 2) { return -sinr; }
  return -cosr;
}`;

/**
 * Math.pow's special cases on float32: x^0 = 1 (even NaN), NaN otherwise
 * propagates, a finite negative base needs an integer exponent (whose
 * parity gives the sign of a negative base, -0 and -Infinity included); small integer exponents multiply exactly (x^2 is x * x, as the cpu),
 * 0^y is 0 or Infinity (GLSL pow(0, y) is undefined), 1^±Infinity is NaN
 * (Math.pow's rule; SwiftShader says Infinity), the rest go through GLSL pow on |x|.
 */
const POW = `function powf(x, y, nan) {
  if (y === 0) { return 1; }
  if (x !== x || y !== y) { return nan; }
  const ay = Math.abs(y);
  const ax = Math.abs(x);
  let whole = 0;
  if (Math.floor(ay) === ay) { whole = 1; }
  if (x < 0 && whole === 0 && x >= -3.4028234663852886e38) { return nan; }
  let r = 1;
  if (whole === 1 && ay <= 64) {
    let b = ax;
    let n = ay;
    for (let i = 0; i < 7; i++) {
      const h = Math.floor(n * 0.5);
      if (n - 2 * h === 1) { r = r * b; }
      b = b * b;
      n = h;
    }
    if (y < 0) { r = 1 / r; }
  } else if (ax === 0) {
    r = 0;
    if (y < 0) { r = 1 / ax; }
  } else if (ax === 1) {
    if (ay > 3.4028234663852886e38) { return nan; }
    r = 1;
  } else {
    r = Math.pow(ax, y);
  }
  if (x < 0 || (x === 0 && 1 / x < 0)) {
    if (whole === 1 && ay - 2 * Math.floor(ay * 0.5) === 1) { return -r; }
  }
  return r;
}`;

/** A map's body (it reads a0, a1, a2 and sets v) and the helper functions it calls. */
interface Body {
  readonly body: string;
  readonly functions?: readonly string[];
}

const compare = (op: string): Body => ({ body: `if (a0 ${op} a1) { v = 1; }` });

/** Every map's body, once: its own kernel runs it, and fused chains splice it in. */
const BODIES = {
  neg: { body: 'v = -a0;' },
  abs: { body: 'v = Math.abs(a0);' },
  // sign(NaN) is NaN, sign(-0) is -0: return the input where it is neither > 0 nor < 0.
  sign: { body: 'v = a0; if (a0 > 0) { v = 1; } if (a0 < 0) { v = -1; }' },
  round: { body: 'v = roundHalfEven(a0);', functions: [ROUND_EVEN] },
  // GLSL leaves NaN to the driver (SwiftShader's exp(NaN) is Infinity): NaN passes through explicitly.
  exp: { body: 'v = Math.exp(a0); if (a0 !== a0) { v = a0; }' },
  log: { body: 'v = logf(a0, nan);', functions: [LOG, LOG1P] },
  sqrt: { body: 'v = Math.sqrt(a0);' },
  sin: { body: 'v = sinCosF(a0, 0);', functions: [SIN_COS] },
  cos: { body: 'v = sinCosF(a0, 1);', functions: [SIN_COS] },
  tanh: { body: 'v = tanhf(a0);', functions: [TANH] },
  sigmoid: {
    body: 'if (a0 >= 0) { v = 1 / (1 + Math.exp(-a0)); } else { const e = Math.exp(a0); v = e / (1 + e); }',
  },
  softplus: {
    body: 'if (a0 > 0) { v = a0 + log1pf(Math.exp(-a0)); } else { v = log1pf(Math.exp(a0)); } if (a0 !== a0) { v = a0; }',
    functions: [LOG1P],
  },
  add: { body: 'v = a0 + a1;' },
  sub: { body: 'v = a0 - a1;' },
  mul: { body: 'v = a0 * a1;' },
  div: { body: 'v = a0 / a1;' },
  pow: { body: 'v = powf(a0, a1, nan);', functions: [POW] },
  // NaN wins, as Math.max.
  maximum: { body: 'v = a0 > a1 ? a0 : a1; if (a1 !== a1) { v = a1; } if (a0 !== a0) { v = a0; }' },
  minimum: { body: 'v = a0 < a1 ? a0 : a1; if (a1 !== a1) { v = a1; } if (a0 !== a0) { v = a0; }' },
  equal: compare('==='),
  not_equal: compare('!=='),
  greater: compare('>'),
  greater_equal: compare('>='),
  less: compare('<'),
  less_equal: compare('<='),
  where: { body: 'v = a2; if (a0 !== 0) { v = a1; }' },
  // x is the output y of sigmoid/tanh, a1 the cotangent g.
  sigmoid_grad: { body: 'v = a1 * (a0 * (1 - a0));' },
  tanh_grad: { body: 'v = a1 * (1 - a0 * a0);' },
} satisfies Record<string, Body>;

type Mapped = keyof typeof BODIES;

/** The kernel of a map of any arity: each input read at the output's shape (broadcast by stride 0). */
export function mapKernel(prim: Mapped): KernelOf<'n', unknown, GpuData> {
  const { body, functions } = BODIES[prim] as Body;
  return (ins, _attrs, out) =>
    runMap(
      prim,
      out.shape,
      out.dtype,
      ins.map((d) => broadcastRead(d, out.shape)),
      body,
      functions
    );
}

/**
 * A fused chain (src/grad/fuse.ts) as one kernel: each op's body spliced in
 * turn, its inputs renamed to the chain's inputs (a0, a1, ...) or earlier
 * results (r0, r1, ...), its result to its own r. Comparisons leave 1 or 0,
 * which a where reads as its own kernel does.
 */
export function fusedMap(ins: readonly GpuData[], a: FusedAttrs['fused']): GpuData {
  const k = ins.length;
  const name = (i: number) => (i < k ? `a${i}` : `r${i - k}`);
  const functions = new Set<string>();
  let body = '';
  a.ops.forEach((op, j) => {
    const b = BODIES[op.prim] as Body;
    const spliced = b.body
      .replace(/\ba([0-2])\b/g, (_m, d: string) => name(op.args[Number(d)]!))
      .replace(/\bv\b/g, `r${j}`);
    body += `let r${j} = 0;\n${spliced}\n`;
    for (const f of b.functions ?? []) functions.add(f);
  });
  body += `v = r${a.ops.length - 1};`;
  return runMap(
    'fused',
    a.shape,
    'float32',
    ins.map((d) => broadcastRead(d, a.shape)),
    body,
    [...functions]
  );
}

export const gpuElementwise: { [P in keyof ElementwiseAttrs]: Kernel<P, GpuData> } = {
  neg: mapKernel('neg'),
  abs: mapKernel('abs'),
  sign: mapKernel('sign'),
  round: mapKernel('round'),
  exp: mapKernel('exp'),
  log: mapKernel('log'),
  sqrt: mapKernel('sqrt'),
  sin: mapKernel('sin'),
  cos: mapKernel('cos'),
  tanh: mapKernel('tanh'),
  sigmoid: mapKernel('sigmoid'),
  softplus: mapKernel('softplus'),
  add: mapKernel('add'),
  sub: mapKernel('sub'),
  mul: mapKernel('mul'),
  div: mapKernel('div'),
  pow: mapKernel('pow'),
  maximum: mapKernel('maximum'),
  minimum: mapKernel('minimum'),
  equal: mapKernel('equal'),
  not_equal: mapKernel('not_equal'),
  greater: mapKernel('greater'),
  greater_equal: mapKernel('greater_equal'),
  less: mapKernel('less'),
  less_equal: mapKernel('less_equal'),
  where: mapKernel('where'),
  // Values are float32 already; the target dtype's store does the rest
  // (integers truncate toward zero and wrap, like the cpu's typed arrays).
  cast: ([a], attrs, out) => {
    const body =
      attrs.dtype === 'bool' ? 'if (a0 !== 0) { v = 1; }' : attrs.dtype === 'int64' ? 'v = Math.trunc(a0);' : 'v = a0;';
    return runMap(`cast to ${attrs.dtype}`, out.shape, out.dtype, [broadcastRead(a, out.shape)], body);
  },
};
