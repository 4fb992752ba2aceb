// K.cumsum and K.cumprod. The seed gives no doctest examples for them;
// reference values come from test/fixtures/gen_scan.py (numpy re-implementing
// the seed's TF source, and cumprod's gradient and Hessian by brute force from
// the definition) and from hand computations below.
import { readFileSync } from 'node:fs';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import type { DType } from '../../src/index.js';
import type { NestedArray } from '../../src/core/tensor.js';
import * as lax from '../../src/prims/lax.js';
import { expectClose, expectError, fixtureTensor, nest } from '../helpers.js';

interface Values {
  shape: number[];
  dtype: DType;
  data: number[];
}
interface Case extends Values {
  fn: 'cumsum' | 'cumprod';
  input: string;
  axis: number;
}
interface GradRef {
  label: string;
  x: number[];
  w: number[];
  v: number[];
  grad: number[];
  hv: number[];
}
interface Fixture {
  inputs: Record<string, Values>;
  cases: Case[];
  grads: GradRef[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/scan.json', import.meta.url), 'utf8')) as Fixture;

const tensor = (v: Values): K.Tensor => fixtureTensor(v.data, v.shape, v.dtype);

const f64 = (v: NestedArray) => K.variable(v, 'float64');

type Scan = typeof K.cumsum;
const FNS: Record<'cumsum' | 'cumprod', Scan> = { cumsum: K.cumsum, cumprod: K.cumprod };

function sharedTests(fn: 'cumsum' | 'cumprod'): void {
  const f = FNS[fn];
  const cases = fixture.cases.filter((c) => c.fn === fn);

  it(`matches the numpy reference (${cases.length} cases: float32/float64/int32/int8, axes 0, 1, 2, negative)`, () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const x = tensor(fixture.inputs[c.input]!);
      const y = f(x, c.axis);
      const what = `${fn}(${c.input}, axis=${c.axis})`;
      expect(y.shape, what).toEqual(c.shape);
      expect(y.dtype, what).toBe(x.dtype);
      expectClose(y, nest(c.data, c.shape), y.dtype === 'float32' ? 1e-5 : 1e-12);
    }
  });

  it('defaults to axis 0, and takes axis by position or in an options object', () => {
    const x = K.constant([
      [1, 2],
      [3, 4],
    ]);
    expect(f(x).toArray()).toEqual(f(x, 0).toArray());
    expect(f(x, { axis: 1 }).toArray()).toEqual(f(x, 1).toArray());
    expect(f(x, { axis: -1 }).toArray()).toEqual(f(x, 1).toArray());
  });

  it('accepts plain arrays (floatx) and keeps integer dtypes', () => {
    expect(f([1, 2, 3]).dtype).toBe(K.floatx());
    const i = K.constant([1, 2, 3], 'int16');
    expect(f(i).dtype).toBe('int16');
  });

  it('handles empty axes and length-1 axes', () => {
    const e = f(K.zeros([2, 0]), 1);
    expect(e.shape).toEqual([2, 0]);
    const one = f(K.constant([[3], [4]]), 1);
    expectClose(one, [[3], [4]]);
  });

  it('rejects a bad axis with a ValueError naming the function, the axis and the shape', () => {
    const x = K.constant([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectError(() => f(x, 2), K.ValueError, `${fn}:`, 'axis 2', '(2, 3)');
    expectError(() => f(x, -3), K.ValueError, `${fn}:`, 'axis -3', '(2, 3)');
    expectError(() => f(K.constant(5), 0), K.ValueError, `${fn}:`, 'axis 0', '()');
  });

  it('rejects a non-integer axis, a bool x and unknown options with a TypeError', () => {
    const x = K.constant([1, 2, 3]);
    expectError(() => f(x, 0.5), K.TypeError, `${fn}:`, 'axis', '0.5');
    expectError(() => f(x, [0] as unknown as number), K.TypeError, `${fn}:`, 'axis');
    expectError(() => f(K.constant([true, false], 'bool'), 0), K.TypeError, `${fn}:`, 'bool', '(2,)');
    expectError(() => f(x, { axes: 0 } as never), K.TypeError, `${fn}:`, 'unknown option "axes"');
  });
}

describe('cumsum', () => {
  sharedTests('cumsum');

  it('sums along each axis (hand-worked)', () => {
    const x = K.constant([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectClose(K.cumsum(x, 0), [
      [1, 2, 3],
      [5, 7, 9],
    ]);
    expectClose(K.cumsum(x, 1), [
      [1, 3, 6],
      [4, 9, 15],
    ]);
  });

  it('wraps integer overflow as TF does (int8: 100 + 100 = -56)', () => {
    const y = K.cumsum(K.constant([100, 100, 100], 'int8'));
    expect(y.dtype).toBe('int8');
    expect(y.toArray()).toEqual([100, -56, 44]);
  });

  it('sums a long axis exactly (more than the gpu loop cap of 65,535)', () => {
    const n = 70_000;
    const y = K.eval(K.cumsum(K.ones([n]), 0));
    expect(y.data[0]).toBe(1);
    expect(y.data[4095]).toBe(4096);
    expect(y.data[65_536]).toBe(65_537);
    expect(y.data[n - 1]).toBe(n);
  });

  it('has the gradient of a reversed running sum: d/dx_k sum_i w_i y_i = sum_{i>=k} w_i', () => {
    const x = f64([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const w = K.constant(
      [
        [1, 10, 100],
        [2, 20, 200],
      ],
      'float64'
    );
    const [g] = K.gradients(K.sum(K.multiply(K.cumsum(x, 1), w)), [x]);
    expectClose(g!, [
      [111, 110, 100],
      [222, 220, 200],
    ]);
    const [g0] = K.gradients(K.sum(K.multiply(K.cumsum(x, 0), w)), [x]);
    expectClose(g0!, [
      [3, 30, 300],
      [2, 20, 200],
    ]);
  });

  it('has second derivatives (of cumsum(x)^2)', () => {
    // f = sum_i (x_0 + ... + x_i)^2, df/dx_k = 2 sum_{i>=k} y_i, d2f/dx_k dx_l = 2 (n - max(k, l)).
    const x = f64([1, -2, 3]);
    const y = K.cumsum(x);
    const [g] = K.gradients(K.sum(K.multiply(y, y)), [x]);
    expectClose(g!, [2 * (1 - 1 + 2), 2 * (-1 + 2), 2 * 2]);
    const [h0] = K.gradients(K.sum(K.slice(g!, [0], [1])), [x]);
    expectClose(h0!, [6, 4, 2]);
  });
});

describe('cumprod', () => {
  sharedTests('cumprod');

  it('multiplies along each axis (hand-worked)', () => {
    const x = K.constant([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectClose(K.cumprod(x, 0), [
      [1, 2, 3],
      [4, 10, 18],
    ]);
    expectClose(K.cumprod(x, 1), [
      [1, 2, 6],
      [4, 20, 120],
    ]);
  });

  it('gradient without zeros (hand-worked): x = (1, 2, 3), weights (1, 2, 3)', () => {
    // f = 1*x0 + 2*x0x1 + 3*x0x1x2: df/dx0 = 1 + 2x1 + 3x1x2 = 23, df/dx1 = 2x0 + 3x0x2 = 11, df/dx2 = 3x0x1 = 6.
    const x = f64([1, 2, 3]);
    const [g] = K.gradients(K.sum(K.multiply(K.cumprod(x), K.constant([1, 2, 3], 'float64'))), [x]);
    expectClose(g!, [23, 11, 6]);
  });

  it('gradient with one zero is exact (hand-worked): x = (4, 0, 6), weights 1', () => {
    // f = x0 + x0x1 + x0x1x2: df/dx0 = 1 + x1 + x1x2 = 1, df/dx1 = x0 + x0x2 = 28, df/dx2 = x0x1 = 0.
    const x = f64([4, 0, 6]);
    const [g] = K.gradients(K.sum(K.cumprod(x)), [x]);
    expectClose(g!, [1, 28, 0]);
  });

  it('gradient with two zeros is exact (hand-worked): x = (0, 3, 0, 2), weights 1', () => {
    // f = x0 + x0x1 + x0x1x2 + x0x1x2x3: df/dx0 = 1 + x1 + x1x2 + x1x2x3 = 4,
    // df/dx1 = x0(1 + x2 + x2x3) = 0, df/dx2 = x0x1(1 + x3) = 0, df/dx3 = x0x1x2 = 0.
    const x = f64([0, 3, 0, 2]);
    const [g] = K.gradients(K.sum(K.cumprod(x)), [x]);
    expectClose(g!, [4, 0, 0, 0]);
    // Reversed weights put the mass on the last outputs: f = x0x1x2x3 only.
    const [g3] = K.gradients(K.sum(K.multiply(K.cumprod(x), K.constant([0, 0, 0, 1], 'float64'))), [x]);
    expectClose(g3!, [0, 0, 0, 0]);
  });

  it('second derivatives at zeros are exact (hand-worked): f = x0x1x2 at x = (0, 2, 5)', () => {
    // Only the last output: d2f/dx0dx1 = x2 = 5, d2f/dx0dx2 = x1 = 2, d2f/dx1dx2 = x0 = 0.
    const x = f64([0, 2, 5]);
    const f = K.sum(K.multiply(K.cumprod(x), K.constant([0, 0, 1], 'float64')));
    const [g] = K.gradients(f, [x]);
    expectClose(g!, [10, 0, 0]);
    const row = (k: number) => K.gradients(K.sum(K.slice(g!, [k], [1])), [x])[0]!;
    expectClose(row(0), [0, 5, 2]);
    expectClose(row(1), [5, 0, 0]);
    expectClose(row(2), [2, 0, 0]);
  });

  it('matches the brute-force gradient and Hessian-vector product, with zeros (fixture)', () => {
    expect(fixture.grads.length).toBeGreaterThan(0);
    for (const r of fixture.grads) {
      const x = f64(r.x);
      const f = K.sum(K.multiply(K.cumprod(x), K.constant(r.w, 'float64')));
      const [g] = K.gradients(f, [x]);
      expectClose(g!, r.grad, 1e-12);
      const [hv] = K.gradients(K.sum(K.multiply(g!, K.constant(r.v, 'float64'))), [x]);
      expectClose(hv!, r.hv, 1e-12);
    }
  });

  it('its primitive has exact first and second derivatives for every exclusive/reverse form, at zeros (brute force)', () => {
    // out_i = prod of x_j over j in S(i): j <= i, j < i, j >= i or j > i.
    const inS = (j: number, i: number, exclusive: boolean, reverse: boolean) =>
      reverse ? (exclusive ? j > i : j >= i) : exclusive ? j < i : j <= i;
    const xs = [1.5, 0, -2, 0.5, 0, 3];
    const w = [0.5, -1, 2, 1.5, -0.25, 1];
    const v = [1, -2, 0.5, 1, 3, -1];
    const prodOver = (i: number, skip: number[], e: boolean, r: boolean) =>
      xs.reduce((p, xj, j) => (inS(j, i, e, r) && !skip.includes(j) ? p * xj : p), 1);
    for (const exclusive of [false, true]) {
      for (const reverse of [false, true]) {
        const x = f64(xs);
        const f = K.sum(K.multiply(lax.cumprod(x, 0, exclusive, reverse), K.constant(w, 'float64')));
        const [g] = K.gradients(f, [x]);
        const wantG = xs.map((_, k) =>
          w.reduce((s, wi, i) => s + (inS(k, i, exclusive, reverse) ? wi * prodOver(i, [k], exclusive, reverse) : 0), 0)
        );
        expectClose(g!, wantG, 1e-12);
        const [hv] = K.gradients(K.sum(K.multiply(g!, K.constant(v, 'float64'))), [x]);
        const wantHv = xs.map((_, k) =>
          v.reduce(
            (s, vl, l) =>
              s +
              (l === k
                ? 0
                : vl *
                  w.reduce(
                    (t, wi, i) =>
                      t +
                      (inS(k, i, exclusive, reverse) && inS(l, i, exclusive, reverse)
                        ? wi * prodOver(i, [k, l], exclusive, reverse)
                        : 0),
                    0
                  )),
            0
          )
        );
        expectClose(hv!, wantHv, 1e-12);
      }
    }
  });

  it('the affine scan behind its gradient has the gradient of central differences, both directions', () => {
    const a0 = [0.5, -1.2, 0, 0.8, 1.1];
    const b0 = [1, 0.3, -0.7, 2, -1.5];
    const w = [1, -0.5, 2, 0.25, -1];
    for (const reverse of [false, true]) {
      const value = (a: number[], b: number[]) => {
        const y = lax.affineScan(K.constant(a, 'float64'), K.constant(b, 'float64'), 0, reverse);
        return K.eval(K.sum(K.multiply(y, K.constant(w, 'float64')))).data[0]!;
      };
      const a = f64(a0);
      const b = f64(b0);
      const f = K.sum(K.multiply(lax.affineScan(a, b, 0, reverse), K.constant(w, 'float64')));
      const [ga, gb] = K.gradients(f, [a, b]);
      const eps = 1e-6;
      const fd = (which: 'a' | 'b') =>
        a0.map((_, k) => {
          const bump = (arr: number[], d: number) => arr.map((vv, j) => (j === k ? vv + d : vv));
          return which === 'a'
            ? (value(bump(a0, eps), b0) - value(bump(a0, -eps), b0)) / (2 * eps)
            : (value(a0, bump(b0, eps)) - value(a0, bump(b0, -eps))) / (2 * eps);
        });
      expectClose(ga!, fd('a'), 1e-7);
      expectClose(gb!, fd('b'), 1e-7);
    }
  });

  it('gradient along axis 1 of a matrix with zeros, and through a float32 tensor', () => {
    const x = K.variable([
      [2, 0, 3],
      [1, 4, 0],
    ]);
    const [g] = K.gradients(K.sum(K.cumprod(x, 1)), [x]);
    // Row 0: 1 + x1 + x1x2 = 1, x0 + x0x2 = 8, x0x1 = 0. Row 1: 1 + 4 + 0 = 5, 1 + 0 = 1, 4.
    expect(g!.dtype).toBe('float32');
    expectClose(g!, [
      [1, 8, 0],
      [5, 1, 4],
    ]);
  });

  it('multiplies a long axis (more than the gpu loop cap of 65,535) with a zero in the middle', () => {
    const n = 70_000;
    const v = new Float32Array(n).fill(1);
    v[10] = 2;
    v[5000] = -1;
    v[66_000] = 0;
    const y = K.eval(K.cumprod(K.constant(ndarray(v, [n])), 0));
    expect(y.data[9]).toBe(1);
    expect(y.data[10]).toBe(2);
    expect(y.data[4999]).toBe(2);
    expect(y.data[5000]).toBe(-2);
    expect(y.data[65_999]).toBe(-2);
    expect(Math.abs(y.data[66_000]!)).toBe(0);
    expect(Math.abs(y.data[n - 1]!)).toBe(0);
  });
});
