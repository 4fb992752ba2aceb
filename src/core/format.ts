// How tf.print shows a tensor, and where it writes: the print primitive's
// kernels on both devices share it.
import type { DType } from './dtype.js';
import { platform } from './platform.js';
import { sizeOf } from './shape.js';

/** tf.print(message, x): the two joined by a space, then a newline, on stdout (a browser's console). */
export function writeOut(message: string, body: string): void {
  platform().print(`${message} ${body}`);
}

/**
 * A tensor as tf.print shows it (TensorFlow's Tensor::SummarizeValue with
 * print_v2): nested brackets, elements separated by spaces, rows by newlines
 * and indentation; along each axis only the first and last `summarize`
 * entries (capped at the element count) with "..." between; a negative
 * `summarize` shows everything. bool prints as 1/0.
 */
export function formatTensor(
  values: ArrayLike<number>,
  shape: readonly number[],
  dtype: DType,
  summarize: number
): string {
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
