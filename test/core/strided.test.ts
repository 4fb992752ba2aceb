// The compiled elementwise loops (src/cpu/strided.ts): the flat runs (rows of
// them at any row strides, each unrolled by four, with a tail) and the general two-dim walk give each element the
// expression's value, for every length around the unroll and every pattern
// of contiguous and repeated operands; the reductions' column folds
// (src/cpu/reduce.ts, unrolled the same way) keep each column's order.
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { loop1, loop2, loop3, plan2 } from '../../src/cpu/strided.js';

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
