// The compiled elementwise loops (src/cpu/strided.ts): the flat runs (rows of
// them at any row strides, each unrolled by four, with a tail) and the general two-dim walk give each element the
// expression's value, for every length around the unroll and every pattern
// of contiguous and repeated operands; the reductions' column folds
// (src/cpu/reduce.ts, unrolled the same way) keep each column's order.
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { loop1, loop2, loop3, perKind, plan2 } from '../../src/cpu/strided.js';

const values = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(seed + i * 1.7) * 3);

describe('strided loops', () => {
  it('map every element of a run, contiguous or repeated, at lengths around the unroll', () => {
    const exp = loop1('Math.exp(x)');
    const sub = loop2('x - y');
    const pick = loop3('x ? y : z');
    for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1001]) {
      const a = values(n + 3, 1),
        b = values(n + 2, 2);
      const off = 3;
      // a read from offset 3 (a view), b from offset 2 (or its one value repeated).
      const av = ndarray(a, [n], [1], off);
      for (const repeatB of [false, true]) {
        const bv = ndarray(b, [n], [repeatB ? 0 : 1], 2);
        const o1 = new Float64Array(n);
        exp(o1, a, plan2([n], [av])!);
        const o2 = new Float64Array(n);
        sub(o2, a, b, plan2([n], [av, bv])!);
        const c = Uint8Array.from({ length: n }, (_, i) => i % 3);
        const o3 = new Float64Array(n);
        pick(o3, c, a, b, plan2([n], [ndarray(c, [n]), av, bv])!);
        for (let i = 0; i < n; i++) {
          const y = b[2 + (repeatB ? 0 : i)]!;
          expect(o1[i]).toBe(Math.exp(a[off + i]!));
          expect(o2[i]).toBe(a[off + i]! - y);
          expect(o3[i]).toBe(c[i] ? a[off + i]! : y);
        }
      }
    }
  });

  it('rows of runs: row and column broadcasts and rows at a gap, every length around the unroll', () => {
    const mul = loop2('x * y');
    const pick = loop3('x ? y : z');
    for (const rows of [1, 2, 3])
      for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 33]) {
        // a: rows of n at a gap of 2 from offset 1; a row (b's one row, repeated down);
        // a column (one value per row, repeated along it); c a bool per element.
        const a = values(1 + rows * (n + 2), 6);
        const row = values(n, 7),
          col = values(rows, 8);
        const av = ndarray(a, [rows, n], [n + 2, 1], 1);
        const rowv = ndarray(row, [rows, n], [0, 1]),
          colv = ndarray(col, [rows, n], [1, 0]);
        const c = Uint8Array.from({ length: rows * n }, (_, i) => (i * 7) % 3);
        const ax = (i: number, j: number) => a[1 + i * (n + 2) + j]!;
        const o1 = new Float64Array(rows * n),
          o2 = new Float64Array(rows * n),
          o3 = new Float64Array(rows * n);
        mul(o1, a, row, plan2([rows, n], [av, rowv])!);
        mul(o2, col, a, plan2([rows, n], [colv, av])!);
        pick(o3, c, row, col, plan2([rows, n], [ndarray(c, [rows, n]), rowv, colv])!);
        for (let i = 0; i < rows; i++)
          for (let j = 0; j < n; j++) {
            const k = i * n + j;
            expect(o1[k], `${rows}x${n} row broadcast`).toBe(ax(i, j) * row[j]!);
            expect(o2[k], `${rows}x${n} column broadcast`).toBe(col[i]! * ax(i, j));
            expect(o3[k], `${rows}x${n} select`).toBe(c[k] ? row[j]! : col[i]!);
          }
      }
  });

  it('walk two strided dims (a transposed operand) outside the flat runs', () => {
    const add = loop2('x + y');
    const a = values(12, 3),
      b = values(12, 4);
    // a as [3, 4] row-major, b as the transpose of a [4, 3].
    const av = ndarray(a, [3, 4]),
      bv = ndarray(b, [3, 4], [1, 3]);
    const o = new Float64Array(12);
    add(o, a, b, plan2([3, 4], [av, bv])!);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expect(o[i * 4 + j]).toBe(a[i * 4 + j]! + b[j * 3 + i]!);
  });

  it('round into the output kind: float32 and int32 outputs hold the stored values', () => {
    const half = loop1('x / 2');
    const a = values(9, 5);
    const o32 = new Float32Array(9),
      oi = new Int32Array(9);
    half(o32, a, plan2([9], [ndarray(a, [9])])!);
    half(oi, a, plan2([9], [ndarray(a, [9])])!);
    for (let i = 0; i < 9; i++) {
      expect(o32[i]).toBe(Math.fround(a[i]! / 2));
      expect(oi[i]).toBe((a[i]! / 2) | 0);
    }
  });
});

describe('plans and loop copies (plan2, perKind)', () => {
  it('plan whole-shape row-major operands and repeated values as one run; merge the dims of other layouts', () => {
    const x = ndarray(values(30, 1), [2, 3, 4], [12, 4, 1], 6);
    const one = ndarray(values(1, 2), [2, 3, 4], [0, 0, 0], 0);
    expect(plan2([2, 3, 4], [x, one])).toEqual({
      n0: 1,
      n1: 24,
      walk: [
        [6, 0, 1],
        [0, 0, 0],
      ],
    });
    // Axes of length 1 take any stride.
    const lone = ndarray(values(8, 3), [1, 4, 1, 2], [99, 2, 7, 1], 0);
    expect(plan2([1, 4, 1, 2], [lone])).toEqual({ n0: 1, n1: 8, walk: [[0, 0, 1]] });
    expect(plan2([], [ndarray(values(1, 4), [], [], 0)])).toEqual({ n0: 1, n1: 1, walk: [[0, 0, 1]] });
    // A row broadcast and a column broadcast: two dims, as before the shortcut.
    const m = ndarray(values(6, 5), [2, 3]);
    const row = ndarray(values(3, 6), [2, 3], [0, 1]);
    const col = ndarray(values(2, 7), [2, 3], [1, 0]);
    expect(plan2([2, 3], [m, row, col])).toEqual({
      n0: 2,
      n1: 3,
      walk: [
        [0, 3, 1],
        [0, 0, 1],
        [0, 1, 0],
      ],
    });
    // Rows at a gap: not one run.
    const gap = ndarray(values(9, 8), [2, 3], [4, 1], 1);
    expect(plan2([2, 3], [gap])).toEqual({ n0: 2, n1: 3, walk: [[1, 4, 1]] });
  });

  it('make one copy per combination of array kinds, whatever order the kinds come in', () => {
    let made = 0;
    const of = perKind(() => ++made);
    const f64 = new Float64Array(1),
      f32 = new Float32Array(1),
      i32 = new Int32Array(1);
    const a = of(f64, f32);
    expect(of(f64, f32)).toBe(a);
    const b = of(f32, f64);
    expect(b).not.toBe(a);
    expect(of(f64, f32)).toBe(a);
    expect(of(f32, f64)).toBe(b);
    // One array fewer is another combination.
    const c = of(f64);
    expect(new Set([a, b, c, of(f64, f32, i32)]).size).toBe(4);
    expect(made).toBe(4);
  });

  it('give the right values when calls alternate between output kinds', () => {
    const add = loop2('x + y');
    const a = values(7, 9),
      b = values(7, 10);
    const plan = plan2([7], [ndarray(a, [7]), ndarray(b, [7])])!;
    for (let round = 0; round < 3; round++) {
      const o64 = new Float64Array(7),
        o32 = new Float32Array(7),
        oi = new Int32Array(7);
      add(o64, a, b, plan);
      add(o32, a, b, plan);
      add(oi, a, b, plan);
      for (let i = 0; i < 7; i++) {
        expect(o64[i]).toBe(a[i]! + b[i]!);
        expect(o32[i]).toBe(Math.fround(a[i]! + b[i]!));
        expect(oi[i]).toBe((a[i]! + b[i]!) | 0);
      }
    }
  });
});

describe('reduction loops over leading axes (cpu/reduce.ts)', () => {
  it('fold each column in row order, at widths around the unroll, float64 bit for bit; NaN wins max and min', async () => {
    const K = await import('../../src/index.js');
    for (const inner of [1, 2, 3, 4, 5, 7, 8, 9, 13]) {
      const outer = 5;
      const v = values(outer * inner, inner);
      v[inner + (inner >> 1)] = Number.NaN;
      const x = K.constant(v, 'float64', [outer, inner]);
      const [sum, max, min] = [K.sum(x, 0), K.max(x, 0), K.min(x, 0)].map((t) => K.eval(t).data as Float64Array);
      for (let j = 0; j < inner; j++) {
        let [s, hi, lo] = [0, -Infinity, Infinity];
        for (let r = 0; r < outer; r++) {
          const e = v[r * inner + j]!;
          s += e;
          hi = e > hi || Number.isNaN(e) ? e : hi;
          lo = e < lo || Number.isNaN(e) ? e : lo;
        }
        expect(sum![j]).toBe(s);
        expect(max![j]).toBe(hi);
        expect(min![j]).toBe(lo);
      }
    }
  });
});
