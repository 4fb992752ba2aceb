// Fast loops for elementwise kernels. Most operands are row-major arrays, a
// scalar, or a row/column broadcast; after merging the dims that every operand
// walks the same way, they are at most two strided dims. For those, one loop
// compiled per operation (from its expression text) runs with V8 inlining the
// expression; anything else goes to cwise. Each loop is compiled once per
// combination of typed-array kinds it meets (Float32Array in, Uint8Array out,
// ...): one function fed several kinds makes V8's element accesses polymorphic,
// several times slower (a float32 comparison took 8.6 ns an element that way).
import { isContiguous, type Nd } from '../core/ndarray.js';
import { sizeOf } from '../core/shape.js';

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
  // The common case first: each operand row-major over the whole shape, or one value repeated.
  const steps = operands.map(flatStep);
  if (steps.every((step) => step >= 0)) {
    return { n0: 1, n1: sizeOf(shape), walk: operands.map((a, k) => [a.offset, 0, steps[k]!] as const) };
  }
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

/** 1 when `a` (viewed at the plan's shape) is row-major, 0 when it repeats one value, -1 otherwise. */
function flatStep(a: Nd): number {
  if (isContiguous(a)) return 1;
  for (let d = 0; d < a.shape.length; d++) if (a.stride[d] !== 0 && a.shape[d] !== 1) return -1;
  return 0;
}

export type Loop1 = (o: Data, a: Data, plan: Plan2) => void;
export type Loop2 = (o: Data, a: Data, b: Data, plan: Plan2) => void;
export type Loop3 = (o: Data, a: Data, b: Data, c: Data, plan: Plan2) => void;

/**
 * `make()` once per combination of the arrays' kinds (up to four arrays): each
 * copy stays monomorphic. Kinds are told apart by constructor, with the last
 * combination met checked first (no key is built per call: tiny ops pay this
 * on every kernel).
 */
export function perKind<F>(make: () => F): (a: Data, b?: Data, c?: Data, d?: Data) => F {
  const copies: KindCopy<F>[] = [];
  let last: KindCopy<F> | null = null;
  return (a, b, c, d) => {
    const ka = a.constructor,
      kb = b?.constructor,
      kc = c?.constructor,
      kd = d?.constructor;
    if (last === null || !sameKinds(last, ka, kb, kc, kd)) {
      last = copies.find((k) => sameKinds(k, ka, kb, kc, kd)) ?? null;
      if (last === null) {
        last = { kinds: [ka, kb, kc, kd], f: make() };
        copies.push(last);
      }
    }
    return last.f;
  };
}

/** One copy of perKind's: the constructors of the arrays it was made for (undefined where fewer were given). */
interface KindCopy<F> {
  readonly kinds: readonly [unknown, unknown, unknown, unknown];
  readonly f: F;
}

function sameKinds<F>({ kinds }: KindCopy<F>, ka: unknown, kb: unknown, kc: unknown, kd: unknown): boolean {
  return kinds[0] === ka && kinds[1] === kb && kinds[2] === kc && kinds[3] === kd;
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
  const flat = flatRuns(expr, ['x']);
  return (o, a, { n0, n1, walk }) => {
    if (flat(o, walk, n0, n1, a)) return;
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
  const flat = flatRuns(expr, ['x', 'y']);
  return (o, a, b, { n0, n1, walk }) => {
    if (flat(o, walk, n0, n1, a, b)) return;
    const [ao, a0, a1] = walk[0]!;
    const [bo, b0, b1] = walk[1]!;
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
  const flat = flatRuns(expr, ['x', 'y', 'z']);
  return (o, a, b, c, { n0, n1, walk }) => {
    if (flat(o, walk, n0, n1, a, b, c)) return;
    of(o, a, b, c)(o, a, b, c, walk, n0, n1);
  };
}

/**
 * Rows (any row strides) with each operand contiguous or repeated along the
 * row (element stride 1 or 0: an array, a scalar, a row or column broadcast,
 * the common cases): loops with the element strides written in, one per
 * pattern, which V8 runs several times faster than the general loop. The
 * returned function is false where the walk is not of that kind.
 */
function flatRuns(
  expr: string,
  names: readonly string[]
): (o: Data, walk: readonly Walk[], n0: number, n1: number, a: Data, b?: Data, c?: Data) => boolean {
  const arrays = names.map((_, k) => `d${k}`);
  const offsets = names.map((_, k) => `p${k}`);
  const rows = names.map((_, k) => `r${k}`);
  const variants = Array.from({ length: 1 << names.length }, (_, mask) => {
    const element = (at: string) => {
      const reads = names.map((v, k) => `${v} = ${arrays[k]}[q${k}${mask & (1 << k) ? ` + ${at}` : ''}]`);
      return `{ const ${reads.join(', ')}; o[b + ${at}] = ${expr}; }`;
    };
    // Four elements a turn: V8 runs a loop over typed arrays passed as arguments about
    // twice as fast unrolled (the per-iteration checks amortised); the same ops, the same bits.
    const body = `let e = 0, r = 0;
      for (let i = 0, b = 0; i < n0; i++, b += n) {
        ${names.map((_, k) => `const q${k} = p${k} + i * r${k};`).join(' ')}
        let j = 0;
        for (; j + 3 < n; j += 4) { ${element('j')} ${element('j + 1')} ${element('j + 2')} ${element('j + 3')} }
        for (; j < n; j++) ${element('j')}
      }`;
    return perKind(
      () => new Function('o', ...arrays, ...offsets, ...rows, 'n0', 'n', body) as (...args: unknown[]) => void
    );
  });
  // Called with the operands spelled out (no spread arrays: tiny ops pay this per kernel).
  return (o, walk, n0, n1, a, b, c) => {
    let mask = 0;
    for (let k = 0; k < walk.length; k++) {
      const step = walk[k]![2];
      if (step !== 0 && step !== 1) return false;
      mask |= step << k;
    }
    const f = variants[mask]!(o, a, b, c) as (...args: unknown[]) => void;
    const [p0, r0] = walk[0]!;
    if (walk.length === 1) f(o, a, p0, r0, n0, n1);
    else if (walk.length === 2) f(o, a, b, p0, walk[1]![0], r0, walk[1]![1], n0, n1);
    else f(o, a, b, c, p0, walk[1]![0], walk[2]![0], r0, walk[1]![1], walk[2]![1], n0, n1);
    return true;
  };
}
