// Scan cpu kernels, and the tf.print formatting that both devices' print kernels use.
//
// A scan views its (contiguous) input as [outer, n, inner] and fills the
// output along n, each element from the previous OUTPUT element as stored:
// the running value is rounded (float32) or wrapped (integers) at every step,
// as a running value of the dtype is in TensorFlow.
import type { Kernel } from '../core/backend.js';
import type { DType } from '../core/dtype.js';
import { sizeOf } from '../core/shape.js';
import { alloc, contiguous, type Nd } from '../core/ndarray.js';
import type { Scan, ScanAttrs } from '../core/primitives.js';

/** [outer, n, inner] around `axis`. */
export function lineShape(shape: readonly number[], axis: number): { outer: number; n: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), n: shape[axis]!, inner: sizeOf(shape.slice(axis + 1)) };
}

/**
 * Walk every line of `shape` along `axis` in scan order (backwards when
 * `reverse`), handing each step the offset of its row of `inner` elements and
 * the previous step's (-1 at a line's first step).
 */
function scanSteps(shape: readonly number[], axis: number, reverse: boolean,
  step: (row: number, prev: number, inner: number) => void): void {
  const { outer, n, inner } = lineShape(shape, axis);
  for (let p = 0; p < outer; p++) {
    for (let s = 0; s < n; s++) {
      const k = reverse ? n - 1 - s : s;
      step((p * n + k) * inner, s === 0 ? -1 : (p * n + (reverse ? k + 1 : k - 1)) * inner, inner);
    }
  }
}

function scan(identity: number, step: (dtype: DType) => (acc: number, v: number) => number): Kernel<Scan, Nd> {
  return ([a], { axis, exclusive, reverse }, out) => {
    const x = contiguous(a!, out.dtype);
    const o = alloc(out.dtype, out.shape);
    const op = step(out.dtype);
    const xd = x.data;
    const xo = x.offset;
    const od = o.data;
    scanSteps(out.shape, axis, reverse, (row, prev, inner) => {
      for (let r = 0; r < inner; r++) {
        if (prev < 0) od[row + r] = exclusive ? identity : op(identity, xd[xo + row + r]!);
        else od[row + r] = op(od[prev + r]!, xd[xo + (exclusive ? prev : row) + r]!);
      }
    });
    return o;
  };
}

const add = () => function (acc: number, v: number) { return acc + v; };
// Math.imul keeps int32 products exact (a double loses bits past 2^53).
const mul = (d: DType) => (d === 'int32' ? Math.imul : function (acc: number, v: number) { return acc * v; });

export const cpuScan: { [P in keyof ScanAttrs]: Kernel<ScanAttrs[P], Nd> } = {
  cumsum: scan(0, add),
  cumprod: scan(1, mul),
  affine_scan: ([a, b], { axis, reverse }, out) => {
    const ac = contiguous(a!, out.dtype);
    const bc = contiguous(b!, out.dtype);
    const o = alloc(out.dtype, out.shape);
    const ad = ac.data;
    const bd = bc.data;
    const od = o.data;
    scanSteps(out.shape, axis, reverse, (row, prev, inner) => {
      for (let r = 0; r < inner; r++) {
        const h = prev < 0 ? 0 : od[prev + r]!;
        od[row + r] = ad[ac.offset + row + r]! * h + bd[bc.offset + row + r]!;
      }
    });
    return o;
  },
  print: ([x], { message, summarize }, out) => {
    const c = contiguous(x!, out.dtype);
    writeOut(message, formatTensor(c.data.subarray(c.offset, c.offset + sizeOf(out.shape)), out.shape, out.dtype, summarize));
    return x!;
  },
};

/** tf.print(message, x): the two joined by a space, then a newline, on stdout. */
export function writeOut(message: string, body: string): void {
  process.stdout.write(`${message} ${body}\n`);
}

/**
 * A tensor as tf.print shows it (TensorFlow's Tensor::SummarizeValue with
 * print_v2): nested brackets, elements separated by spaces, rows by newlines
 * and indentation; along each axis only the first and last `summarize`
 * entries (capped at the element count) with "..." between; a negative
 * `summarize` shows everything. bool prints as 1/0.
 */
export function formatTensor(values: ArrayLike<number>, shape: readonly number[], dtype: DType, summarize: number): string {
  const total = sizeOf(shape);
  const limit = summarize < 0 ? total : Math.min(summarize, total);
  const elem = (i: number) => formatElement(values[i]!, dtype);
  if (shape.length === 0) {
    const parts: string[] = [];
    for (let i = 0; i < limit; i++) parts.push(elem(i));
    return parts.join(' ') + (total > limit ? '...' : '');
  }
  const rank = shape.length;
  const spacing = (dim: number) => (dim === rank - 1 ? ' ' : '\n'.repeat(rank - dim - 1) + ' '.repeat(dim + 1));
  const walk = (dim: number, start: number): string => {
    if (dim === rank) return elem(start);
    const count = shape[dim]!;
    const step = sizeOf(shape.slice(dim + 1));
    const endStart = Math.max(limit, count - limit);
    let s = '[';
    for (let i = 0; i < limit && i < count; i++) {
      if (i > 0) s += spacing(dim);
      s += walk(dim + 1, start + i * step);
    }
    if (count > 2 * limit) s += `${spacing(dim)}...`;
    for (let i = endStart; i < count; i++) s += spacing(dim) + walk(dim + 1, start + i * step);
    return `${s}]`;
  };
  return walk(0, 0);
}

/**
 * One element as TensorFlow's StrCat prints it: integers in full; floats in
 * %g with the fewest of 6 or 9 (float32) / 15 or 17 (float64) significant
 * digits that read back as the same value; nan, inf, -inf.
 */
export function formatElement(v: number, dtype: DType): string {
  if (dtype !== 'float32' && dtype !== 'float64') return String(v);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const [short, long] = dtype === 'float32' ? [6, 9] : [15, 17];
  const s = formatG(v, short);
  const back = Number(s);
  return (dtype === 'float32' ? Math.fround(back) === v : back === v) ? s : formatG(v, long);
}

/** C's printf("%.{p}g", v) for a finite v. */
export function formatG(v: number, p: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, exp] = v.toExponential(p - 1).split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= p) {
    const digits = String(Math.abs(e)).padStart(2, '0');
    return `${trimZeros(mant)}e${e < 0 ? '-' : '+'}${digits}`;
  }
  return trimZeros(v.toFixed(p - 1 - e));
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
