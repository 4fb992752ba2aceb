// The elementwise WebAssembly module (asm/elementwise.ts) and the kernels that
// route to it (src/cpu/elementwise.ts, reduce.ts): its maps against
// float64 references (float32 ulps reported), against the JS loops they
// replace, at sizes around the thresholds and with partial SIMD vectors; views
// that must fall back to JS; the reductions; results kept in wasm memory; and
// the softmax, sigmoid_grad and tanh_grad primitives on both devices.
import { readFileSync } from 'node:fs';
import ndarray from 'ndarray';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as K from '../../src/index.js';
import {
  gemm64Runs,
  setWasmElementwiseEnabled,
  WASM_MIN,
  wasmElementwise,
  WasmElementwise,
  type BinaryOp,
  type UnaryOp,
} from '../../src/cpu/wasm/elementwise.js';
import type { NestedArray } from '../../src/core/tensor.js';
import * as lax from '../../src/prims/lax.js';
import { exp64 } from '../../src/cpu/wasm/exp64.js';
import { expectClose, expectError, tolFor } from '../helpers.js';

const REF: Record<UnaryOp, (x: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  softplus: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
};
const KERAS: Record<UnaryOp, (x: K.Tensor) => K.Tensor> = {
  exp: K.exp,
  log: K.log,
  tanh: K.tanh,
  sigmoid: K.sigmoid,
  softplus: K.softplus,
};
/** KTAPE_WASM=0 runs the suite on the JS loops alone: the module's own tests are skipped then. */
const WASM = process.env.KTAPE_WASM !== '0';

/** The worst error allowed, in float32 ulps of the exact result (measured worst in the test names' runs is below). */
const ULPS: Record<UnaryOp, number> = { exp: 1.5, log: 1.5, tanh: 2, sigmoid: 3, softplus: 2.5 };

/** One float32 ulp at |y| (the denormal spacing below the normal range). */
function ulp(y: number): number {
  const a = Math.abs(Math.fround(y));
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** Deterministic uniform float32 values in [lo, hi). */
function uniform(n: number, lo: number, hi: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 2 ** 32;
  });
}

/** Every 7919th float32 bit pattern: all signs, exponents (denormals included), infinities and NaNs. */
function sweep(): Float32Array {
  const n = Math.floor(2 ** 32 / 7919);
  const u = Uint32Array.from({ length: n }, (_, i) => (i * 7919) >>> 0);
  return new Float32Array(u.buffer);
}

function module(): WasmElementwise {
  const w = wasmElementwise();
  if (w === null) throw new Error('the wasm module did not load (Node has WebAssembly SIMD)');
  return w;
}

/** The module's map on any number of values, past the kernels' size threshold. */
function direct(op: UnaryOp, xs: Float32Array): Float32Array {
  const w = module();
  w.begin();
  const x = w.input(xs, 0, xs.length)!;
  const o = w.take(xs.length)!;
  w.exports[op](x, o, xs.length);
  return w.result(o, xs.length);
}

/** Worst ulps of `got` against the float64 reference, checking NaN and infinities exactly. */
function worstUlps(op: UnaryOp, xs: Float32Array, got: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const e = REF[op](xs[i]!);
    const a = got[i]!;
    if (Number.isNaN(e) || !Number.isFinite(Math.fround(e))) {
      expect(
        Object.is(a, Math.fround(e)) || (Number.isNaN(e) && Number.isNaN(a)),
        `${op}(${xs[i]}) = ${a}, expected ${e}`
      ).toBe(true);
      continue;
    }
    const d = Math.abs(a - e) / ulp(e);
    if (!(d <= ULPS[op]) || !(Math.abs(a - e) <= 1e-6 * (1 + Math.abs(e)))) {
      throw new Error(`${op}(${xs[i]}) = ${a}, expected ${e}: ${d.toFixed(2)} ulps`);
    }
    worst = Math.max(worst, d);
  }
  return worst;
}

/** A float32 cpu variable of `shape` holding `data`. */
function f32(data: Float32Array, shape: number[]): K.Variable {
  return K.variable(ndarray(Float32Array.from(data), shape), 'float32');
}

function values(t: K.Tensor): number[] {
  return Array.from(K.eval(t).data as ArrayLike<number>);
}

/** `f` computed with the wasm path on and off (on the cpu device): [wasm, js], and how many wasm buffers it took. */
function both(f: () => K.Tensor): { wasm: number[]; js: number[]; calls: number } {
  const spy = vi.spyOn(WasmElementwise.prototype, 'take');
  const wasm = values(f());
  const calls = spy.mock.calls.length;
  spy.mockRestore();
  const was = setWasmElementwiseEnabled(false);
  try {
    return { wasm, js: values(f()), calls };
  } finally {
    setWasmElementwiseEnabled(was);
  }
}

function expectUlps(got: number[], want: number[], bound: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((a, i) => {
    const e = want[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) expect(Object.is(a, e), `element ${i}: ${a} vs ${e}`).toBe(true);
    else expect(Math.abs(a - e) / ulp(e), `element ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(bound);
  });
}

describe('wasm elementwise module', () => {
  it('the committed module is a fresh build of asm/elementwise.ts', async () => {
    const script = '../../scripts/build-wasm.mjs';
    const { generate } = (await import(script)) as { generate(name: string): Promise<string> };
    const committed = readFileSync(new URL('../../src/cpu/wasm/elementwise.wasm.ts', import.meta.url), 'utf8');
    expect(await generate('elementwise')).toBe(committed);
  });

  it('loads where WebAssembly SIMD is available, and KTAPE_WASM=0 or setWasmElementwiseEnabled(false) switches it off', () => {
    expect(wasmElementwise() !== null).toBe(WASM);
    const on = setWasmElementwiseEnabled(true);
    expect(wasmElementwise()).not.toBeNull();
    setWasmElementwiseEnabled(on);
    const was = setWasmElementwiseEnabled(false);
    expect(wasmElementwise()).toBeNull();
    setWasmElementwiseEnabled(was);
  });
});

describe.skipIf(!WASM)('wasm maps: exp, log, tanh, sigmoid, softplus', () => {
  beforeEach(() => K.set_device('cpu'));

  const ranges: Record<UnaryOp, [number, number][]> = {
    exp: [
      [-1, 1],
      [-20, 20],
      [-104, 89],
    ],
    log: [
      [0, 2],
      [1e-30, 1e30],
      [0.5, 1.5],
    ],
    tanh: [
      [-1, 1],
      [-0.7, 0.7],
      [-12, 12],
    ],
    sigmoid: [
      [-1, 1],
      [-20, 20],
      [-110, 110],
    ],
    softplus: [
      [-1, 1],
      [-20, 20],
      [-110, 110],
    ],
  };
  for (const op of Object.keys(REF) as UnaryOp[]) {
    it(`${op}: within ${ULPS[op]} float32 ulps of float64 on random values and a sweep of all float32 classes`, () => {
      let worst = 0;
      for (const [lo, hi] of ranges[op]) {
        const xs =
          op === 'log' && hi / lo > 1e6
            ? uniform(20000, Math.log(lo), Math.log(hi)).map(Math.exp)
            : uniform(20000, lo, hi);
        worst = Math.max(worst, worstUlps(op, xs, direct(op, xs)));
      }
      const xs = sweep();
      worst = Math.max(worst, worstUlps(op, xs, direct(op, xs)));
      console.info(`wasm ${op}: worst ${worst.toFixed(2)} float32 ulps`);
    });
  }

  it('special values: zeros, infinities, NaN, overflow, underflow, denormals, large |x|', () => {
    const cases: [UnaryOp, number, number][] = [
      ['exp', 0, 1],
      ['exp', -0, 1],
      ['exp', Infinity, Infinity],
      ['exp', -Infinity, 0],
      ['exp', NaN, NaN],
      ['exp', 89, Infinity],
      ['exp', 88.8, Infinity],
      ['exp', -104, 0],
      ['exp', -200, 0],
      ['exp', 1e-45, 1],
      ['exp', 88.72, Math.fround(Math.exp(88.72))],
      ['exp', -87.5, Math.fround(Math.exp(-87.5))],
      ['exp', -100, Math.fround(Math.exp(-100))],
      ['exp', -103, Math.fround(Math.exp(-103))],
      ['log', 0, -Infinity],
      ['log', -0, -Infinity],
      ['log', -1, NaN],
      ['log', -Infinity, NaN],
      ['log', Infinity, Infinity],
      ['log', NaN, NaN],
      ['log', 1, 0],
      ['log', 1e-45, Math.fround(Math.log(1e-45))],
      ['log', 1e-40, Math.fround(Math.log(Math.fround(1e-40)))],
      ['log', 3.4e38, Math.fround(Math.log(Math.fround(3.4e38)))],
      ['tanh', 20, 1],
      ['tanh', -20, -1],
      ['tanh', 9.5, 1],
      ['tanh', Infinity, 1],
      ['tanh', -Infinity, -1],
      ['tanh', NaN, NaN],
      ['tanh', 0, 0],
      ['tanh', -0, -0],
      ['tanh', 1e-40, Math.fround(1e-40)],
      ['tanh', -1e-30, Math.fround(-1e-30)],
      ['sigmoid', 0, 0.5],
      ['sigmoid', 100, 1],
      ['sigmoid', Infinity, 1],
      ['sigmoid', -Infinity, 0],
      ['sigmoid', NaN, NaN],
      ['sigmoid', -100, Math.fround(Math.exp(-100))],
      ['sigmoid', -200, 0],
      ['sigmoid', 1e-30, 0.5],
      ['softplus', 0, Math.fround(Math.LN2)],
      ['softplus', 100, 100],
      ['softplus', 1e30, Math.fround(1e30)],
      ['softplus', Infinity, Infinity],
      ['softplus', -Infinity, 0],
      ['softplus', NaN, NaN],
      ['softplus', -100, Math.fround(Math.exp(-100))],
      ['softplus', -200, 0],
    ];
    for (const [op, x, exact] of cases) {
      // The float64 value of the float32 input (88.72 is 88.72000122...).
      const want =
        exact === 0 || !Number.isFinite(exact) || [0.5, 1, 100].includes(exact)
          ? exact
          : Math.fround(REF[op](Math.fround(x)));
      const [got] = direct(op, Float32Array.of(x));
      if (Number.isNaN(want)) expect(got, `${op}(${x})`).toBeNaN();
      else if (want === 0 || !Number.isFinite(want))
        expect(Object.is(got, want), `${op}(${x}) = ${got}, expected ${want}`).toBe(true);
      else
        expect(Math.abs(got! - want) / ulp(want), `${op}(${x}) = ${got}, expected ${want}`).toBeLessThanOrEqual(
          ULPS[op]
        );
    }
  });

  it('partial vectors (n = 1..9): each element as computed inside a long array', () => {
    const xs = uniform(64, -6, 6, 7);
    for (const op of Object.keys(REF) as UnaryOp[]) {
      const whole = direct(op, xs);
      for (let n = 1; n <= 9; n++) {
        for (const start of [0, 1, 3, 5]) {
          const part = direct(op, xs.subarray(start, start + n));
          expect(Array.from(part), `${op} n=${n} from ${start}`).toEqual(Array.from(whole.subarray(start, start + n)));
        }
      }
    }
  });

  it('K functions route float32 at and above the threshold to wasm (within ulps of the JS loop), below it to JS', () => {
    for (const n of [WASM_MIN.unary - 1, WASM_MIN.unary, WASM_MIN.unary + 1, 10003]) {
      const data = uniform(n, -9, 9, n);
      const x = f32(data, [n]);
      const pos = f32(data.map(Math.abs), [n]);
      for (const op of Object.keys(REF) as UnaryOp[]) {
        const r = both(() => KERAS[op](op === 'log' ? pos : x));
        expect(r.calls > 0, `${op} n=${n} in wasm`).toBe(n >= WASM_MIN.unary);
        expectUlps(r.wasm, r.js, ULPS[op] + 0.5);
      }
    }
  });

  it('views: an offset slice runs in wasm, transposed and strided views fall back to JS, all alike', () => {
    const x = f32(uniform(64 * 300, -3, 3, 11), [64, 300]);
    const views: [string, () => K.Tensor, boolean][] = [
      ['rows 1.. (offset)', () => K.slice(x, [1, 0], [63, 300]), true],
      ['transposed', () => K.transpose(x), false],
      ['columns 5..9 (strided)', () => K.slice(x, [0, 5], [64, 4]), false],
      ['reshaped', () => K.reshape(x, [300, 64]), true],
    ];
    for (const [what, view, inWasm] of views) {
      const r = both(() => K.tanh(view()));
      expect(r.calls > 0, what).toBe(inWasm);
      expectUlps(r.wasm, r.js, ULPS.tanh + 0.5);
      expectUlps(r.wasm, values(view()).map(REF.tanh), ULPS.tanh);
    }
  });

  it('float64 maps stay float64: only exp goes to wasm (its f64 routine, the same bits as off), the f32 routines never', () => {
    const x = K.variable(ndarray(Float64Array.from(uniform(5000, -2, 2)), [5000]), 'float64');
    for (const op of ['log', 'tanh', 'sigmoid', 'softplus'] as const) {
      const r = both(() => KERAS[op](K.abs(x)));
      expect(r.calls, op).toBe(0);
      expect(r.wasm).toEqual(r.js);
    }
    const e = both(() => K.exp(x));
    expect(e.calls).toBeGreaterThan(0);
    expect(e.wasm).toEqual(e.js);
    expect(K.exp(x).dtype).toBe('float64');
  });
});

/** Operand shapes of the binary maps' tests, and whether they run in wasm. Rows of 131, not a multiple of four: a row's last vector spills into the next. */
const R = 67,
  C = 131;
const BROADCASTS: [string, number[], number[], boolean][] = [
  ['same shape', [R, C], [R, C], true],
  ['scalar right', [R, C], [], true],
  ['scalar left', [], [R, C], true],
  ['row broadcast', [R, C], [C], true],
  ['column broadcast', [R, C], [R, 1], true],
  ['outer', [R, 1], [1, C], true],
  ['below the threshold', [3, 5], [3, 5], false],
];
const size = (s: number[]) => s.reduce((p, d) => p * d, 1);

describe.skipIf(!WASM)('wasm binary maps', () => {
  beforeEach(() => K.set_device('cpu'));
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 3e38];
  /** Random values with special ones sprinkled in. */
  const data = (n: number, seed: number) => {
    const v = uniform(n, -4, 4, seed);
    for (let i = 0; i < n; i += 97) v[i] = specials[(i / 97 + seed) % specials.length]!;
    return v;
  };
  const OPS: [BinaryOp, (a: K.Tensor, b: K.Tensor) => K.Tensor][] = [
    ['add', K.add],
    ['sub', K.subtract],
    ['mul', K.multiply],
    ['div', K.divide],
    ['maximum', K.maximum],
    ['minimum', K.minimum],
  ];

  it('add, sub, mul, div, maximum, minimum: the same bits as the JS loops, broadcasting or not, specials included', () => {
    for (const [what, sa, sb, inWasm] of BROADCASTS) {
      const a = f32(data(size(sa), 1), sa);
      const b = f32(data(size(sb), 2), sb);
      for (const [name, op] of OPS) {
        const r = both(() => op(a, b));
        expect(r.calls > 0, `${name} ${what} in wasm`).toBe(inWasm);
        expect(r.wasm, `${name} ${what}`).toEqual(r.js);
      }
    }
  });

  it('operands read through views: an offset slice in wasm, a transposed operand in JS', () => {
    const a = f32(data(R * C, 3), [R, C]);
    const b = f32(data(C * R, 4), [C, R]);
    const sliced = both(() => K.add(K.slice(a, [2, 0], [R - 2, C]), K.slice(a, [0, 0], [R - 2, C])));
    expect(sliced.calls).toBeGreaterThan(0);
    expect(sliced.wasm).toEqual(sliced.js);
    const transposed = both(() => K.multiply(a, K.transpose(b)));
    expect(transposed.calls).toBe(0);
  });

  it('x * 1, 1 * x and x / 1 (a broadcast 1, as a gradient seed) are x exactly, any dtype; a broadcasting x still broadcasts', () => {
    const x = f32(data(R * C, 6), [R, C]);
    const ones = K.ones([R, C]);
    for (const y of [
      K.multiply(x, 1),
      K.multiply(1, x),
      K.divide(x, 1),
      K.multiply(x, ones),
      K.multiply(K.ones([1, C]), x),
    ]) {
      expect(y.shape).toEqual([R, C]);
      expect(values(y)).toEqual(values(x));
    }
    const xi = K.constant(
      [
        [3, -4],
        [5, 0],
      ],
      'int32'
    );
    expect(values(K.multiply(xi, 1))).toEqual([3, -4, 5, 0]);
    const row = f32(data(C, 7), [C]);
    const y = K.multiply(row, K.ones([3, C]));
    expect(y.shape).toEqual([3, C]);
    expect(values(y)).toEqual([...values(row), ...values(row), ...values(row)]);
  });

  it('the gradients of sigmoid and tanh in wasm: as the JS loops, within float32 rounding', () => {
    const x = f32(uniform(20000, -8, 8, 5), [20000]);
    for (const f of [K.sigmoid, K.tanh]) {
      const r = both(() => K.gradients(K.sum(K.multiply(f(x), x)), [x])[0]!);
      expect(r.calls).toBeGreaterThan(0);
      // The JS loop rounds g y (1 - y) once, wasm at each step (as the composed maps did).
      r.wasm.forEach((v, i) => expect(Math.abs(v - r.js[i]!)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(r.js[i]!))));
    }
  });
});

describe.skipIf(!WASM)('wasm comparisons and where', () => {
  beforeEach(() => K.set_device('cpu'));
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 3e38];
  /** Small integers (so that many pairs tie) with special values sprinkled in. */
  const data = (n: number, seed: number) => {
    const v = uniform(n, -4, 4, seed).map(Math.round);
    for (let i = 5; i < n; i += 31) v[i] = specials[((i - 5) / 31 + seed) % specials.length]!;
    return v;
  };
  const COMPARE: [string, (a: K.Tensor, b: K.Tensor) => K.Tensor][] = [
    ['equal', K.equal],
    ['not_equal', K.not_equal],
    ['greater', K.greater],
    ['greater_equal', K.greater_equal],
    ['less', K.less],
    ['less_equal', K.less_equal],
  ];

  it("equal, not_equal, greater, greater_equal, less, less_equal: the JS loops' bools, ties, NaN and -0 included", () => {
    for (const [what, sa, sb, inWasm] of BROADCASTS) {
      const a = f32(data(size(sa), 1), sa);
      const b = f32(data(size(sb), 2), sb);
      for (const [name, op] of COMPARE) {
        const r = both(() => op(a, b));
        expect(r.calls > 0, `${name} ${what} in wasm`).toBe(inWasm);
        expect(op(a, b).dtype).toBe('bool');
        expect(r.wasm, `${name} ${what}`).toEqual(r.js);
        // Not all one answer: the data has ties, and both orders.
        if (inWasm) expect(new Set(r.wasm).size, `${name} ${what}`).toBe(2);
      }
    }
  });

  it('where: the same bits as the JS loop for every broadcast of its three operands (NaN payloads and -0 kept)', () => {
    const cases: [string, number[], number[], number[]][] = [
      ['all full', [R, C], [R, C], [R, C]],
      ['scalar branches', [R, C], [], []],
      ['scalar condition', [], [R, C], [R, C]],
      ['row condition', [C], [R, C], [R, 1]],
      ['column condition', [R, 1], [C], [R, C]],
    ];
    /** The result's raw float32 bits. */
    const bits = (t: K.Tensor) => {
      const d = K.eval(t).data as Float32Array;
      return Array.from(new Uint32Array(d.buffer, d.byteOffset, d.length));
    };
    const x = data(size([R, C]), 3);
    // NaNs with a payload: a select must move bits, not values.
    new Uint32Array(x.buffer).fill(0x7fc01234, 0, 7);
    for (const [what, sc, sa, sb] of cases) {
      const c = K.greater(f32(data(size(sc), 4), sc), 0);
      const a = f32(x.subarray(0, size(sa)), sa);
      const b = f32(data(size(sb), 5), sb);
      const spy = vi.spyOn(WasmElementwise.prototype, 'take');
      const wasm = bits(lax.where(c, a, b));
      expect(spy.mock.calls.length > 0, `${what} in wasm`).toBe(true);
      spy.mockRestore();
      const was = setWasmElementwiseEnabled(false);
      try {
        expect(wasm, what).toEqual(bits(lax.where(c, a, b)));
      } finally {
        setWasmElementwiseEnabled(was);
      }
      if (what === 'all full') {
        const taken = values(c).slice(0, 7);
        expect(taken).toContain(1);
        expect(wasm.slice(0, 7).filter((_, i) => taken[i])).toEqual(taken.filter((v) => v).map(() => 0x7fc01234));
      }
    }
  });

  it('relu in wasm (a comparison and a where): the JS result, its gradient 0 at 0', () => {
    const x = f32(data(R * C, 6), [R, C]);
    const r = both(() => K.relu(x));
    expect(r.calls).toBeGreaterThan(0);
    expect(r.wasm).toEqual(r.js);
    const g = both(() => K.gradients(K.sum(K.relu(x)), [x])[0]!);
    expect(g.wasm).toEqual(g.js);
    const xs = values(x);
    // (At NaN the JS and wasm paths agree, above; the slope is checked on numbers.)
    g.wasm.forEach((v, i) => Number.isNaN(xs[i]) || expect(v, `x = ${xs[i]}`).toBe(xs[i]! > 0 ? 1 : 0));
  });

  it('bool and float operands of other kinds stay on the JS loops: int32, float64, bool conditions on int32 branches', () => {
    const n = 8192;
    const i32 = K.cast(f32(data(n, 7), [n]), 'int32');
    const f64 = K.cast(f32(data(n, 8), [n]), 'float64');
    for (const t of [i32, f64]) {
      const r = both(() => K.less(t, K.cast(K.constant(0), t.dtype)));
      expect(r.calls, t.dtype).toBe(0);
      expect(r.wasm).toEqual(r.js);
      const w = both(() => lax.where(K.greater(t, K.cast(K.constant(1), t.dtype)), t, K.zeros_like(t)));
      expect(w.calls, t.dtype).toBe(0);
      expect(w.wasm).toEqual(w.js);
    }
  });
});

describe('float64 exp (exp64: wasm and its JS twin)', () => {
  beforeEach(() => K.set_device('cpu'));
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/exp64.json', import.meta.url), 'utf8')) as {
    x: number[];
    y: (number | 'inf')[];
  };
  const exact = fixture.y.map((y) => (y === 'inf' ? Infinity : y));
  /** One float64 ulp at |y| (the subnormal spacing below the normal range). */
  const ulp64 = (y: number) => {
    const a = Math.abs(y);
    return a < 2 ** -1022 ? 2 ** -1074 : 2 ** (Math.floor(Math.log2(a)) - 52);
  };
  /** The wasm routine on xs directly (any length, no threshold). */
  const wasmExp = (xs: Float64Array) => {
    const w = module();
    w.begin();
    const x = w.input(xs, 0, xs.length)!;
    const o = w.take(xs.length, 8)!;
    w.exports.exp64(x, o, xs.length);
    return w.result64(o, xs.length);
  };
  const specials = [
    NaN,
    Infinity,
    -Infinity,
    0,
    -0,
    1e-300,
    -1e-300,
    5e-324,
    710,
    709.79,
    -746,
    -745.14,
    1e300,
    -1e300,
  ];
  const wide = (n: number, seed: number) => {
    const u = uniform(n, -1, 1, seed);
    return Float64Array.from(u, (v, i) => v * [750, 20, 1, 1e-3][i % 4]! + (i % 5) * 1e-9);
  };

  it('is within 1 ulp of e^x correctly rounded (Python Decimal): overflow, gradual underflow and tiny x included', () => {
    let same = 0;
    fixture.x.forEach((x, i) => {
      const got = exp64(x);
      const want = exact[i]!;
      if (!Number.isFinite(want)) expect(got, `exp(${x})`).toBe(want);
      else expect(Math.abs(got - want), `exp(${x}) = ${got}, exactly ${want}`).toBeLessThanOrEqual(ulp64(want));
      if (got === want) same++;
    });
    // Nearly always the correctly rounded double (the worst seen is 0.511 ulps from e^x).
    expect(same / fixture.x.length).toBeGreaterThan(0.98);
  });

  it('special values: NaN, infinities, zeros, overflow, underflow to 0', () => {
    expect(exp64(NaN)).toBeNaN();
    expect(exp64(Infinity)).toBe(Infinity);
    expect(exp64(-Infinity)).toBe(0);
    expect(exp64(0)).toBe(1);
    expect(exp64(-0)).toBe(1);
    expect(exp64(709.79)).toBe(Infinity);
    expect(exp64(1e300)).toBe(Infinity);
    expect(exp64(-746)).toBe(0);
    expect(exp64(-1e300)).toBe(0);
    expect(exp64(-740)).toBeGreaterThan(0);
    expect(exp64(-740)).toBeLessThan(2 ** -1022);
    expect(exp64(1)).toBe(Math.E);
  });

  it.skipIf(!WASM)("wasm gives the JS twin's bits on every value, at every vector position", () => {
    const xs = wide(20011, 3);
    xs.set(specials, 100);
    xs.set(fixture.x, 1000);
    const w = wasmExp(xs);
    xs.forEach((x, i) => {
      const j = exp64(x);
      if (!Object.is(w[i], j) && !(Number.isNaN(j) && Number.isNaN(w[i])))
        throw new Error(`exp(${x}): wasm ${w[i]}, JS ${j}`);
    });
    // Odd lengths: the last, partial vector.
    for (let n = 1; n <= 5; n++)
      expect(Array.from(wasmExp(xs.subarray(0, n)))).toEqual(Array.from(xs.subarray(0, n), exp64));
  });

  it('K.exp on float64: wasm above the threshold, the JS twin below it and for strided views, the same bits', () => {
    const xs = wide(5000, 4);
    const big = K.constant(Array.from(xs), 'float64');
    const spy = vi.spyOn(WasmElementwise.prototype, 'take');
    const y = values(K.exp(big));
    expect(spy.mock.calls.length).toBeGreaterThan(0);
    spy.mockRestore();
    expect(y).toEqual(Array.from(xs, exp64));
    // Below the threshold, and a transposed view (made contiguous first): the twin.
    const small = K.constant(Array.from(xs.subarray(0, 50)), 'float64');
    expect(values(K.exp(small))).toEqual(Array.from(xs.subarray(0, 50), exp64));
    const m = K.reshape(big, [50, 100]);
    expect(values(K.exp(K.transpose(m)))).toEqual(values(K.transpose(K.exp(m))));
    // With the module off: the twin throughout, the same bits.
    const was = setWasmElementwiseEnabled(false);
    try {
      expect(values(K.exp(big))).toEqual(y);
    } finally {
      setWasmElementwiseEnabled(was);
    }
  });

  it('a vmapped float64 exp equals the loop of its rows bit for bit (rows below the wasm threshold, the batch above)', () => {
    const xs = wide(64 * 100, 5);
    const x = K.constant(Array.from(xs), 'float64');
    const m = K.reshape(x, [64, 100]);
    const batched = values(K.vmap((r: K.Tensor) => K.exp(r))(m));
    const rows = Array.from({ length: 64 }, (_, i) => values(K.exp(K.gather(m, i)))).flat();
    expect(batched).toEqual(rows);
  });

  it('float32 exp is unchanged: Math.exp rounded below the threshold', () => {
    const x = K.constant([0.5, -3, 20], 'float32');
    expect(values(K.exp(x))).toEqual([0.5, -3, 20].map((v) => Math.fround(Math.exp(v))));
  });
});

describe.skipIf(!WASM)('wasm reductions', () => {
  beforeEach(() => K.set_device('cpu'));
  const shapes = [[64, 1003], [1003, 64], [4100], [9, 5, 131]];
  const specialRows = (shape: number[]) => {
    const n = shape.reduce((p, d) => p * d, 1);
    const v = uniform(n, -50, 50, n);
    const last = shape.at(-1)!;
    if (shape.length > 1) {
      v.fill(-Infinity, 0, last);
      v[last + 3] = NaN;
      v.fill(-0, 2 * last, 3 * last);
    }
    return v;
  };

  it('sum: float64 accumulation, within float32 rounding of the JS loop (leading axes: the same bits)', () => {
    for (const shape of shapes) {
      const x = f32(
        uniform(
          shape.reduce((p, d) => p * d, 1),
          -1,
          1,
          3
        ),
        shape
      );
      for (const axis of [...shape.keys(), null]) {
        const r = both(() => K.sum(x, axis));
        expect(r.calls, `sum ${shape} axis ${axis}`).toBeGreaterThan(0);
        if (axis === 0 && shape.length > 1) expect(r.wasm).toEqual(r.js);
        else
          r.wasm.forEach((v, i) =>
            expect(Math.abs(v - r.js[i]!), `sum ${shape} axis ${axis}`).toBeLessThanOrEqual(ulp(r.js[i]!))
          );
      }
    }
  });

  it('max and min: exact, NaN wins, rows of -inf and -0', () => {
    for (const shape of shapes) {
      const x = f32(specialRows(shape), shape);
      for (const axis of [...shape.keys(), null]) {
        for (const f of [K.max, K.min]) {
          const r = both(() => f(x, axis));
          expect(r.calls, `${f.name} ${shape} axis ${axis}`).toBeGreaterThan(0);
          expect(
            r.wasm.map((v) => (v === 0 ? 0 : v)),
            `${f.name} ${shape} axis ${axis}`
          ).toEqual(r.js.map((v) => (v === 0 ? 0 : v)));
        }
      }
    }
  });

  it('mean of a softmax (W6 chain): as the JS path', () => {
    const x = f32(uniform(200 * 300, -4, 4, 9), [200, 300]);
    const r = both(() => K.mean(K.softmax(x), 0));
    expect(r.calls).toBeGreaterThan(0);
    r.wasm.forEach((v, i) => expect(Math.abs(v - r.js[i]!)).toBeLessThanOrEqual(4 * ulp(r.js[i]!)));
  });
});

describe.skipIf(!WASM)('wasm results kept in memory', () => {
  beforeEach(() => K.set_device('cpu'));
  afterEach(() => module().forget());

  it('a long chain of maps reads earlier results in place: the same values as copying them in', () => {
    const x = f32(uniform(30000, -2, 2, 13), [30000]);
    const chain = () => {
      let y: K.Tensor = x;
      const kept: K.Tensor[] = [];
      for (let i = 0; i < 40; i++) {
        y = K.add(K.multiply(K.tanh(y), 1.5), kept.length > 3 ? kept[kept.length - 4]! : x);
        kept.push(y);
      }
      return K.concatenate(
        kept.filter((_, i) => i % 7 === 0),
        0
      );
    };
    // Count the inputs found in memory: a copy in takes a buffer, a hit does not.
    const takes = vi.spyOn(WasmElementwise.prototype, 'take');
    const inputs = vi.spyOn(WasmElementwise.prototype, 'input');
    const inPlace = values(chain());
    expect(takes.mock.calls.length).toBeLessThan(inputs.mock.calls.length + 125);
    takes.mockRestore();
    inputs.mockRestore();
    // Forgetting every result before each call: everything copied in again.
    const proto = WasmElementwise.prototype;
    const begin = proto.begin;
    proto.begin = function (this: WasmElementwise) {
      this.forget();
      begin.call(this);
    };
    try {
      expect(values(chain())).toEqual(inPlace);
    } finally {
      proto.begin = begin;
    }
    const was = setWasmElementwiseEnabled(false);
    const js = values(chain());
    setWasmElementwiseEnabled(was);
    expectUlps(inPlace, js, 64);
  });

  it('an operand read twice is copied in once; parts of one array at other offsets are still right', () => {
    const x = f32(uniform(3 * 20000, -2, 2, 17), [3, 20000]);
    const takes = vi.spyOn(WasmElementwise.prototype, 'take');
    K.tanh(x);
    const first = takes.mock.calls.length;
    K.exp(x);
    expect(takes.mock.calls.length - first).toBe(1); // the output only
    takes.mockRestore();
    const r = both(() =>
      K.concatenate(
        [
          K.add(K.slice(x, [1, 0], [2, 20000]), K.slice(x, [0, 0], [2, 20000])),
          K.sigmoid(K.slice(x, [2, 0], [1, 20000])),
          K.sigmoid(K.slice(x, [0, 0], [1, 20000])),
        ],
        0
      )
    );
    expectUlps(r.wasm, r.js, ULPS.sigmoid + 0.5);
  });

  it('a random program of maps, slices and reductions: the same bits with and without results kept in memory', () => {
    const program = () => {
      let s = 12345;
      const rand = (k: number) => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return (s >>> 16) % k;
      };
      const pool: K.Tensor[] = [1000000, 200000, 1000000, 5000].map((n, i) =>
        f32(uniform(n, -2, 2, i + 1), [n / 100, 100])
      );
      // The inputs stay in use throughout: read again after the ring has moved past them.
      const inputs = pool.slice();
      const outs: number[] = [];
      for (let step = 0; step < 120; step++) {
        const a = rand(3) === 0 ? inputs[rand(inputs.length)]! : pool[rand(pool.length)]!;
        const b = pool.find((t) => t !== a && t.shape[0] === a.shape[0]) ?? a;
        const rows = a.shape[0]!;
        let y: K.Tensor;
        switch (rand(8)) {
          case 0:
            y = K.tanh(a);
            break;
          case 1:
            y = K.multiply(K.exp(K.multiply(a, 0.5)), 0.5);
            break;
          case 2:
            y = K.subtract(a, b);
            break;
          case 3:
            y = K.softmax(a);
            break;
          case 4:
            y = K.concatenate([K.slice(a, [1, 0], [rows - 1, 100]), K.slice(a, [0, 0], [1, 100])], 0);
            break;
          case 5:
            y = K.sigmoid(K.add(a, K.slice(b, [0, 0], [1, 100])));
            break;
          case 6:
            y = K.maximum(a, K.reshape(K.max(a, -1), [rows, 1]));
            break;
          default:
            y = K.divide(a, K.add(K.reshape(K.sum(K.abs(a), 0), [1, 100]), 1));
            break;
        }
        pool[rand(pool.length)] = y;
        outs.push(...values(K.sum(y, 0)));
      }
      return outs;
    };
    const kept = program();
    const proto = WasmElementwise.prototype;
    const begin = proto.begin;
    proto.begin = function (this: WasmElementwise) {
      this.forget();
      begin.call(this);
    };
    try {
      expect(program()).toEqual(kept);
    } finally {
      proto.begin = begin;
    }
  });

  it('sizes past the ring and back do not mix values up', () => {
    for (const n of [5000, 2_000_000, 7000, 2_000_000, 5000]) {
      const a = f32(uniform(n, -1, 1, n), [n]);
      const y = K.exp(K.add(a, a));
      const got = values(K.subtract(y, K.exp(a)));
      const data = values(a);
      for (let i = 0; i < n; i += Math.ceil(n / 500)) {
        const e = Math.fround(Math.exp(2 * data[i]!)) - Math.fround(Math.exp(data[i]!));
        expect(Math.abs(got[i]! - e)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(e)));
      }
    }
  });
});

// ---- the primitives (both devices) -------------------------------------------

/** softmax along `axis` in float64 (the reference). */
function softmaxRef(data: ArrayLike<number>, shape: number[], axis: number): number[] {
  const n = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const out = new Array<number>(data.length);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const at = (k: number) => o * n * inner + k * inner + j;
      let m = -Infinity;
      for (let k = 0; k < n; k++) m = Math.max(m, data[at(k)]!);
      let s = 0;
      for (let k = 0; k < n; k++) s += Math.exp(data[at(k)]! - m);
      for (let k = 0; k < n; k++) out[at(k)] = Math.exp(data[at(k)]! - m) / s;
    }
  }
  return out;
}

function nestOf(flat: number[], shape: number[]): NestedArray {
  if (shape.length === 0) return flat[0]!;
  const step = flat.length / shape[0]!;
  return Array.from({ length: shape[0]! }, (_, i) => nestOf(flat.slice(i * step, (i + 1) * step), shape.slice(1)));
}

describe('softmax', () => {
  it('one primitive along any axis, float32 and float64, against float64', () => {
    for (const [shape, axis] of [
      [[5, 7], -1],
      [[5, 7], 0],
      [[3, 4, 5], 1],
      [[2, 3, 300], 2],
      [[300], 0],
      [[40, 1100], 1],
    ] as [number[], number][]) {
      const data = uniform(
        shape.reduce((p, d) => p * d, 1),
        -6,
        6,
        shape.length + axis
      );
      const ax = axis < 0 ? axis + shape.length : axis;
      for (const dtype of ['float32', 'float64'] as const) {
        const x = K.variable(
          ndarray(dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data), shape),
          dtype
        );
        const y = K.softmax(x, axis);
        expect(y.node?.prim).toBe('softmax');
        expect(y.dtype).toBe(dtype);
        expectClose(
          y,
          nestOf(softmaxRef(data, shape, ax), shape),
          dtype === 'float64' ? 1e-15 : tolFor('float32', 2e-7)
        );
      }
    }
  });

  it.skipIf(!WASM)('float32 rows in wasm agree with the JS kernel (cpu)', () => {
    K.set_device('cpu');
    for (const [rows, cols] of [
      [37, 1003],
      [1, 5000],
      [1000, 3],
      [64, 1000],
    ] as [number, number][]) {
      const x = f32(uniform(rows * cols, -30, 30, cols), [rows, cols]);
      const r = both(() => K.softmax(x));
      expect(r.calls > 0).toBe(rows * cols >= WASM_MIN.softmax);
      expectUlps(r.wasm, r.js, 4);
    }
  });

  it('logits of +-1e4 are stable; a row of -inf, or with NaN or +inf, gives NaN (as the composed form, TF)', () => {
    K.set_device('cpu');
    const rows = [
      [1e4, -1e4, 0, 3],
      [-Infinity, -Infinity, -Infinity, -Infinity],
      [1, NaN, 2, 3],
      [Infinity, 1, 2, 3],
      [-Infinity, 0, 0, -Infinity],
    ];
    for (const reps of [1, 100]) {
      const data = Float32Array.from(Array.from({ length: reps }, () => rows.flat()).flat());
      const y = values(K.softmax(f32(data, [rows.length * reps, 4])));
      for (let r = 0; r < rows.length * reps; r += rows.length) {
        expectUlps(y.slice(4 * r, 4 * r + 4), [1, 0, 0, 0], 0);
        expect(y.slice(4 * r + 4, 4 * r + 16).every(Number.isNaN)).toBe(true);
        expectUlps(y.slice(4 * r + 16, 4 * r + 20), [0, 0.5, 0.5, 0], 0);
      }
    }
  });

  it('gradient y (g - sum(g y)): first and second order as the composed exp / sum form', () => {
    const data = Float64Array.from(uniform(12, -3, 3, 4));
    const x = K.variable(ndarray(data, [3, 4]), 'float64');
    const w = K.constant(nestOf(Array.from(uniform(12, -1, 1, 8)), [3, 4]), 'float64');
    const composed = (t: K.Tensor) => {
      const e = K.exp(K.subtract(t, K.stop_gradient(K.max(t, -1, true))));
      return K.divide(e, K.sum(e, -1, true));
    };
    for (const axis of [-1]) {
      const [g1] = K.gradients(K.sum(K.multiply(K.softmax(x, axis), w)), [x]);
      const [g2] = K.gradients(K.sum(K.multiply(composed(x), w)), [x]);
      expectClose(g1!, g2!.toArray(), 1e-12);
      const [h1] = K.gradients(K.sum(K.multiply(g1!, w)), [x]);
      const [h2] = K.gradients(K.sum(K.multiply(g2!, w)), [x]);
      expectClose(h1!, h2!.toArray(), 1e-12);
    }
  });

  it('symbolic: infers shapes, evaluates in K.function, and the crossentropy still reads its logits', () => {
    const p = K.placeholder([null, 5]);
    const y = K.softmax(p);
    expect(y.shape).toEqual([-1, 5]);
    const data = uniform(15, -40, 40, 3);
    const f = K.function(
      [p],
      [
        y,
        K.categorical_crossentropy(
          K.constant([
            [0, 0, 1, 0, 0],
            [1, 0, 0, 0, 0],
            [0, 0, 0, 0, 1],
          ]),
          y
        ),
      ]
    );
    const [ys, loss] = f([ndarray(Float32Array.from(data), [3, 5])]).map((a) => K.variable(a));
    expectClose(ys!, nestOf(softmaxRef(data, [3, 5], 1), [3, 5]), tolFor('float32', 2e-7));
    // From the logits: finite even where the probability rounds to 0 (clipping would cap it at -log(1e-7)).
    const logits = K.variable(ndarray(Float32Array.from(data), [3, 5]));
    const direct = K.categorical_crossentropy(
      K.constant([
        [0, 0, 1, 0, 0],
        [1, 0, 0, 0, 0],
        [0, 0, 0, 0, 1],
      ]),
      logits,
      true
    );
    expectClose(loss!, direct.toArray(), tolFor('float32', 1e-6));
  });

  it('the primitive validates its input: integer x -> TypeError, bad axis -> ValueError (before computing)', () => {
    expectError(() => K.softmax(K.constant([[1, 2]], 'int32')), K.TypeError, 'softmax', 'int32');
    expectError(() => K.softmax(K.constant([[1, 2]]), 2), K.ValueError, 'softmax', 'axis 2');
  });
});

describe('sigmoid and tanh gradients (sigmoid_grad, tanh_grad primitives)', () => {
  it('first and second derivatives against the analytic forms, float64 and float32', () => {
    const data = uniform(9, -5, 5, 21);
    for (const dtype of ['float64', 'float32'] as const) {
      const x = K.variable(
        ndarray(dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data), [9]),
        dtype
      );
      const xs = values(x);
      const tol = dtype === 'float64' ? 1e-12 : tolFor('float32', 1e-6);
      const s = xs.map(REF.sigmoid);
      const t = xs.map(REF.tanh);
      const [gs] = K.gradients(K.sum(K.sigmoid(x)), [x]);
      expect(gs!.node?.prim).toBe('sigmoid_grad');
      expectClose(
        gs!,
        s.map((v) => v * (1 - v)),
        tol
      );
      expectClose(
        K.gradients(K.sum(gs!), [x])[0]!,
        s.map((v) => v * (1 - v) * (1 - 2 * v)),
        tol
      );
      const [gt] = K.gradients(K.sum(K.tanh(x)), [x]);
      expect(gt!.node?.prim).toBe('tanh_grad');
      expectClose(
        gt!,
        t.map((v) => 1 - v * v),
        tol
      );
      expectClose(
        K.gradients(K.sum(gt!), [x])[0]!,
        t.map((v) => -2 * v * (1 - v * v)),
        tol
      );
      // Third order goes through the grad primitives' own VJPs.
      const [g3] = K.gradients(K.sum(K.gradients(K.sum(gt!), [x])[0]!), [x]);
      expectClose(
        g3!,
        t.map((v) => -2 * (1 - v * v) * (1 - 3 * v * v)),
        dtype === 'float64' ? 1e-12 : tolFor('float32', 1e-5)
      );
    }
  });

  it('the gradient with respect to the cotangent (a weighted sum): g * y * (1 - y), g * (1 - y^2)', () => {
    const x = K.variable(ndarray(Float64Array.of(-2, 0.5, 3), [3]), 'float64');
    const w = K.variable(ndarray(Float64Array.of(0.3, -1, 2), [3]), 'float64');
    const [gs] = K.gradients(K.sum(K.multiply(K.sigmoid(x), w)), [x]);
    const [gw] = K.gradients(K.sum(gs!), [w]);
    expectClose(
      gw!,
      [-2, 0.5, 3].map(REF.sigmoid).map((v) => v * (1 - v)),
      1e-12
    );
    const [gt] = K.gradients(K.sum(K.multiply(K.tanh(x), w)), [x]);
    expectClose(
      K.gradients(K.sum(gt!), [w])[0]!,
      [-2, 0.5, 3].map((v) => 1 - Math.tanh(v) ** 2),
      1e-12
    );
  });
});

describe.skipIf(!WASM)('float64 matrix products (gemm64)', () => {
  // Values from a fixed sequence, so every element of C differs and every rounding shows.
  // Every product here is 2048 flops or more, where the wasm path takes over (src/cpu/linalg.ts).
  const seq = (n: number, s: number) =>
    Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.731 + s) * (1 + (i % 7)));
  /** K.dot's bits with the wasm gemm and with the JS gemm. */
  const both = (f: () => K.Tensor): [Float64Array, Float64Array, boolean] => {
    const runs = gemm64Runs;
    const viaWasm = K.eval(f()).data as Float64Array;
    expect(gemm64Runs, 'the wasm float64 gemm ran').toBeGreaterThan(runs);
    const was = setWasmElementwiseEnabled(false);
    try {
      const viaJs = K.eval(f()).data as Float64Array;
      return [viaWasm, viaJs, viaWasm.every((v, i) => Object.is(v, viaJs[i]))];
    } finally {
      setWasmElementwiseEnabled(was);
    }
  };

  it("gives the JS gemm's bits: edge tiles, several k slices, transposed operands, a batch", () => {
    for (const [m, k, n] of [
      [4, 16, 16],
      [5, 30, 7],
      [33, 257, 18],
      [64, 600, 9],
      [1, 1100, 1],
    ] as const) {
      const a = K.constant(seq(m * k, 1), 'float64', [m, k]);
      const b = K.constant(seq(k * n, 2), 'float64', [k, n]);
      const bt = K.constant(seq(n * k, 3), 'float64', [n, k]);
      expect(both(() => K.dot(a, b))[2], `${m}x${k}x${n}`).toBe(true);
      expect(both(() => K.dot(a, K.transpose(bt)))[2], `${m}x${k}x${n}, y^T`).toBe(true);
      expect(both(() => K.dot(K.transpose(K.transpose(a)), b))[2]).toBe(true);
    }
    const x = K.constant(seq(3 * 20 * 30, 4), 'float64', [3, 20, 30]);
    const y = K.constant(seq(3 * 30 * 11, 5), 'float64', [3, 30, 11]);
    expect(both(() => K.batch_dot(x, y, [2, 1]))[2]).toBe(true);
  });

  it('is the product: against sums written out in float64', () => {
    const [m, k, n] = [9, 300, 6];
    const av = seq(m * k, 6),
      bv = seq(k * n, 7);
    const [c] = both(() => K.dot(K.constant(av, 'float64', [m, k]), K.constant(bv, 'float64', [k, n])));
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += av[i * k + p]! * bv[p * n + j]!;
        expect(c[i * n + j]).toBe(s);
      }
  });

  it('keeps NaN and infinities where the sums have them', () => {
    const a = K.constant([1, Number.NaN, 2, 3, Number.POSITIVE_INFINITY, 0, 1, 1], 'float64', [4, 2]);
    const b = K.constant(seq(2 * 300, 8), 'float64', [2, 300]);
    const [c, j, same] = both(() => K.dot(a, b));
    expect(same).toBe(true);
    expect(Number.isNaN(c[0])).toBe(true);
    expect(j.length).toBe(1200);
  });
});
