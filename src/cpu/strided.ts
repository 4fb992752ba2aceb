// Fast loops for elementwise kernels. Most operands are row-major arrays, a
// scalar, or a row/column broadcast; after merging the dims that every operand
// walks the same way, they are at most two strided dims. For those, one loop
// compiled per operation (from its expression text) runs with V8 inlining the
// expression; anything else goes to cwise. Each loop is compiled once per
// combination of typed-array kinds it meets (Float32Array in, Uint8Array out,
// ...): one function fed several kinds makes V8's element accesses polymorphic,
// several times slower (a float32 comparison took 8.6 ns an element that way).
import type { Nd } from '../core/ndarray.js';

type Data = Nd['data'];

type Walk = readonly [number, number, number];

/** Dims and per-operand strides after merging; null when more than two dims remain. */
export interface Plan2 {
  readonly n0: number;
  readonly n1: number;
  /** [offset, stride0, stride1] per operand. */
  readonly walk: readonly Walk[];
}

/** A plan for operands already viewed at the output's shape (the output itself is row-major). */
export function plan2(shape: readonly number[], operands: readonly Nd[]): Plan2 | null {
  const dims: number[] = [];
  const strides: number[][] = operands.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = dims.length - 1;
    // Merge into the previous dim when every operand steps through both as one.
    if (last >= 0 && operands.every((a, k) => strides[k]![last] === a.stride[d]! * n)) {
      dims[last] = dims[last]! * n;
      operands.forEach((a, k) => {
        strides[k]![last] = a.stride[d]!;
      });
      continue;
    }
    dims.push(n);
    operands.forEach((a, k) => strides[k]!.push(a.stride[d]!));
  }
  if (dims.length > 2) return null;
  while (dims.length < 2) {
    dims.unshift(1);
    strides.forEach((s) => s.unshift(0));
  }
  return {
    n0: dims[0]!,
    n1: dims[1]!,
    walk: operands.map((a, k) => [a.offset, strides[k]![0]!, strides[k]![1]!] as const),
  };
}

export type Loop1 = (o: Data, a: Data, plan: Plan2) => void;
export type Loop2 = (o: Data, a: Data, b: Data, plan: Plan2) => void;
export type Loop3 = (o: Data, a: Data, b: Data, c: Data, plan: Plan2) => void;

/** `make()` once per combination of the arrays' kinds: each copy stays monomorphic. */
function perKind<F>(make: () => F): (...arrays: Data[]) => F {
  const copies = new Map<string, F>();
  return (...arrays) => {
    let key = '';
    for (const a of arrays) key += `${a.constructor.name},`;
    let f = copies.get(key);
    if (f === undefined) copies.set(key, (f = make()));
    return f;
  };
}

/** A unary loop computing `expr` of `x` (temporaries `e`, `r` may be assigned in it). */
export function loop1(expr: string): Loop1 {
  const compile = () =>
    new Function(
      'o',
      'a',
      'ao',
      'a0',
      'a1',
      'n0',
      'n1',
      `
    let k = 0, e = 0, r = 0;
    for (let i = 0; i < n0; i++) {
      let p = ao + i * a0;
      for (let j = 0; j < n1; j++, p += a1) { const x = a[p]; o[k++] = ${expr}; }
    }`
    ) as (o: Data, a: Data, ao: number, a0: number, a1: number, n0: number, n1: number) => void;
  const of = perKind(compile);
  return (o, a, { n0, n1, walk }) => {
    const [ao, a0, a1] = walk[0]!;
    of(o, a)(o, a, ao, a0, a1, n0, n1);
  };
}

/** A binary loop computing `expr` of `x` and `y`. */
export function loop2(expr: string): Loop2 {
  const compile = () =>
    new Function(
      'o',
      'a',
      'b',
      'ao',
      'a0',
      'a1',
      'bo',
      'b0',
      'b1',
      'n0',
      'n1',
      `
    let k = 0;
    for (let i = 0; i < n0; i++) {
      let p = ao + i * a0, q = bo + i * b0;
      for (let j = 0; j < n1; j++, p += a1, q += b1) { const x = a[p], y = b[q]; o[k++] = ${expr}; }
    }`
    ) as (
      o: Data,
      a: Data,
      b: Data,
      ao: number,
      a0: number,
      a1: number,
      bo: number,
      b0: number,
      b1: number,
      n0: number,
      n1: number
    ) => void;
  const of = perKind(compile);
  // One run with each operand contiguous or repeated (the common case: an
  // array and a scalar): a loop with the strides written in, which V8 makes
  // several times faster than the general one.
  const flat = (sa: 0 | 1, sb: 0 | 1) =>
    perKind(
      () =>
        new Function(
          'o',
          'a',
          'b',
          'ao',
          'bo',
          'n',
          `for (let j = 0; j < n; j++) { const x = a[ao${sa ? ' + j' : ''}], y = b[bo${sb ? ' + j' : ''}]; o[j] = ${expr}; }`
        ) as (o: Data, a: Data, b: Data, ao: number, bo: number, n: number) => void
    );
  const flats = [flat(0, 0), flat(0, 1), flat(1, 0), flat(1, 1)];
  return (o, a, b, { n0, n1, walk }) => {
    const [ao, a0, a1] = walk[0]!;
    const [bo, b0, b1] = walk[1]!;
    if (n0 === 1 && (a1 === 0 || a1 === 1) && (b1 === 0 || b1 === 1)) {
      flats[2 * a1 + b1]!(o, a, b)(o, a, b, ao, bo, n1);
      return;
    }
    of(o, a, b)(o, a, b, ao, a0, a1, bo, b0, b1, n0, n1);
  };
}

/** A ternary loop computing `expr` of `x`, `y` and `z` (where's select). */
export function loop3(expr: string): Loop3 {
  const compile = () =>
    new Function(
      'o',
      'a',
      'b',
      'c',
      'w',
      'n0',
      'n1',
      `
    const [ao, a0, a1] = w[0], [bo, b0, b1] = w[1], [co, c0, c1] = w[2];
    let k = 0;
    for (let i = 0; i < n0; i++) {
      let p = ao + i * a0, q = bo + i * b0, r = co + i * c0;
      for (let j = 0; j < n1; j++, p += a1, q += b1, r += c1) { const x = a[p], y = b[q], z = c[r]; o[k++] = ${expr}; }
    }`
    ) as (o: Data, a: Data, b: Data, c: Data, w: readonly Walk[], n0: number, n1: number) => void;
  const of = perKind(compile);
  // As loop2's: one run, each operand contiguous or repeated.
  const flat = (k: number) =>
    perKind(
      () =>
        new Function(
          'o',
          'a',
          'b',
          'c',
          'ao',
          'bo',
          'co',
          'n',
          `for (let j = 0; j < n; j++) { const x = a[ao${k & 4 ? ' + j' : ''}], y = b[bo${k & 2 ? ' + j' : ''}], z = c[co${k & 1 ? ' + j' : ''}]; o[j] = ${expr}; }`
        ) as (o: Data, a: Data, b: Data, c: Data, ao: number, bo: number, co: number, n: number) => void
    );
  const flats = Array.from({ length: 8 }, (_, k) => flat(k));
  return (o, a, b, c, { n0, n1, walk }) => {
    const [wa, wb, wc] = walk as [Walk, Walk, Walk];
    if (n0 === 1 && wa[2] <= 1 && wb[2] <= 1 && wc[2] <= 1 && wa[2] >= 0 && wb[2] >= 0 && wc[2] >= 0) {
      flats[4 * wa[2] + 2 * wb[2] + wc[2]]!(o, a, b, c)(o, a, b, c, wa[0], wb[0], wc[0], n1);
      return;
    }
    of(o, a, b, c)(o, a, b, c, walk, n0, n1);
  };
}
