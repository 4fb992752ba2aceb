// Every elementwise Keras function on NaN, ±Infinity, ±0, ±1 and huge values,
// against the same formula in JavaScript's Math (float64, rounded to float32),
// on the device of the test project. NaN must stay NaN where the formula keeps
// it (TF's max(x, 0) in relu keeps it), and infinities follow the formula.
// Signs of zero results are not compared: WebGL does not keep them.
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { testDevice } from '../helpers.js';

const SPECIALS = [Number.NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 2.5, -2.5, 1e30, -1e30, 1e-30];
const f32 = Math.fround;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
// numpy's round: half to even.
const roundHalfEven = (x: number) => {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
};

const UNARY: Record<string, (x: number) => number> = {
  abs: Math.abs,
  negative: (x) => -x,
  square: (x) => f32(x) * f32(x),
  // Keras's sqrt clips at 0 first: maximum(x, 0).
  sqrt: (x) => Math.sqrt(Number.isNaN(x) ? x : Math.max(x, 0)),
  exp: Math.exp,
  log: Math.log,
  round: roundHalfEven,
  sign: (x) => (Number.isNaN(x) ? x : Math.sign(x)),
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid,
  // Keras 2's hard_sigmoid: clip(0.2 x + 0.5, 0, 1).
  hard_sigmoid: (x) => (Number.isNaN(x) ? x : Math.min(1, Math.max(0, 0.2 * x + 0.5))),
  softplus: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))),
  softsign: (x) => x / (1 + Math.abs(x)),
  elu: (x) => (x > 0 || Number.isNaN(x) ? x : Math.expm1(x)),
  relu: (x) => Math.max(x, 0),
};

const BINARY: Record<string, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  subtract: (x, y) => x - y,
  multiply: (x, y) => x * y,
  divide: (x, y) => x / y,
  maximum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.max(x, y)),
  minimum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.min(x, y)),
  // Math.pow's special cases (pow(1, NaN) is NaN here; C's pow says 1).
  pow: Math.pow,
};

const gpu = testDevice() === 'gpu';
// The gpu's sin and cos reduce arguments in float32: beyond |x| ~ 1e5 they are not sin and cos.
const inputsFor = (fn: string) =>
  gpu && (fn === 'sin' || fn === 'cos') ? SPECIALS.filter((x) => !(Math.abs(x) > 1e5)) : SPECIALS;

function expectSpecial(got: ArrayLike<number>, want: number[], where: (i: number) => string): void {
  for (let i = 0; i < want.length; i++) {
    const g = got[i] as number;
    const w = f32(want[i] as number);
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      expect(Object.is(g, w) || g === w, `${where(i)}: got ${g}, want ${w}`).toBe(true);
      continue;
    }
    // float32 arithmetic on both devices (the gpu's transcendental functions are looser).
    const tol = (gpu ? 2e-6 : 1e-6) * Math.max(1, Math.abs(w)) + 1e-37;
    expect(Math.abs(g - w) <= tol, `${where(i)}: got ${g}, want ${w}`).toBe(true);
  }
}

for (const [fn, ref] of Object.entries(UNARY)) {
  describe(fn, () => {
    it('NaN, ±Infinity, ±0 and huge values as the formula gives them', () => {
      const xs = inputsFor(fn);
      const f = (K as unknown as Record<string, (x: K.Tensor) => K.Tensor>)[fn] as (x: K.Tensor) => K.Tensor;
      const got = K.eval(f(K.constant(xs))).data as Float32Array;
      expectSpecial(
        got,
        xs.map((x) => ref(f32(x))),
        (i) => `${fn}(${xs[i]})`
      );
    });
    if (fn === 'relu') {
      it('keeps NaN with alpha, max_value and threshold too (TF keeps it)', () => {
        const y = K.eval(K.relu(K.constant([Number.NaN, 1]), 0.1, 6, 0.5)).data;
        expect(Number.isNaN(y[0] as number)).toBe(true);
        expect(Number.isNaN(K.eval(K.relu(K.constant([Number.NaN]), 0, 6)).data[0] as number)).toBe(true);
      });
    }
  });
}

for (const [fn, ref] of Object.entries(BINARY)) {
  describe(fn, () => {
    it('every pair of special values as the formula gives it', () => {
      const xs = SPECIALS.flatMap((x) => SPECIALS.map(() => x));
      const ys = SPECIALS.flatMap(() => SPECIALS);
      const f = (K as unknown as Record<string, (x: K.Tensor, y: K.Tensor) => K.Tensor>)[fn] as (
        x: K.Tensor,
        y: K.Tensor
      ) => K.Tensor;
      const got = K.eval(f(K.constant(xs), K.constant(ys))).data as Float32Array;
      expectSpecial(
        got,
        xs.map((x, i) => ref(f32(x), f32(ys[i] as number))),
        (i) => `${fn}(${xs[i]}, ${ys[i]})`
      );
    });
  });
}
