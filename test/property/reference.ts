// A small naive reference for the property tests: plain nested arrays walked
// index by index, sharing no code with ktape. Every function returns the
// answer, or INVALID where Keras (TensorFlow) rejects the arguments.
import fc from 'fast-check';
import { expect } from 'vitest';
import * as K from '../../src/index.js';
import { expectClose } from '../helpers.js';

export type Nested = number | Nested[];
export interface Ref {
  shape: number[];
  value: Nested;
}
export const INVALID = Symbol('invalid');
export type Answer = Ref | typeof INVALID;

/** The nested array of `shape` whose entry at index i is f(i). */
export function build(shape: readonly number[], f: (idx: number[]) => number, prefix: number[] = []): Nested {
  if (prefix.length === shape.length) return f(prefix);
  const out: Nested[] = [];
  for (let i = 0; i < shape[prefix.length]!; i++) out.push(build(shape, f, [...prefix, i]));
  return out;
}

export function at(x: Nested, idx: readonly number[]): number {
  let v = x;
  for (const i of idx) v = (v as Nested[])[i]!;
  return v as number;
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * d, 1);
}

/** Every index of `shape`, in row-major order. */
export function indices(shape: readonly number[]): number[][] {
  const out: number[][] = [];
  build(shape, (idx) => {
    out.push(idx.slice());
    return 0;
  });
  return out;
}

/** Row-major values. */
export function flat(r: Ref): number[] {
  return indices(r.shape).map((i) => at(r.value, i));
}

/** The values of `values` (row-major) laid out in `shape`. */
export function unflat(values: readonly number[], shape: readonly number[]): Ref {
  const strides = shape.map((_, k) => size(shape.slice(k + 1)));
  return {
    shape: shape.slice(),
    value: build(shape, (idx) => values[idx.reduce((a, i, k) => a + i * strides[k]!, 0)]!),
  };
}

/** A tensor holding the reference's values (through a typed array, so 0-sized axes survive). */
export function tensorOf(r: Ref, dtype: K.DType): K.Tensor {
  const data = dtype === 'int32' ? Int32Array.from(flat(r)) : Float32Array.from(flat(r));
  return K.reshape(K.variable(data, dtype), r.shape);
}

export interface AgreeOptions {
  /** Strings the error message must contain besides `fn:` (shapes, the argument). */
  mentions?: string[];
  /** The result's dtype, when valid. */
  dtype?: K.DType;
  tol?: number;
}

/**
 * The property's check: `run` gives the reference's values, or throws
 * K.ValueError exactly when the reference says INVALID, with a message that
 * names the Keras function `fn` and every one of `mentions`.
 */
export function agrees(run: () => K.Tensor, want: Answer, fn: string, o: AgreeOptions = {}): void {
  if (want === INVALID) {
    let caught: unknown = null;
    try {
      run();
    } catch (e) {
      caught = e;
    }
    expect(caught, `${fn} should have thrown K.ValueError`).toBeInstanceOf(K.ValueError);
    expect((caught as Error).message).toContain(`${fn}:`);
    for (const m of o.mentions ?? []) expect((caught as Error).message).toContain(m);
    return;
  }
  const t = run();
  expect(t.shape).toEqual(want.shape);
  if (o.dtype !== undefined) expect(t.dtype).toBe(o.dtype);
  expectClose(t, want.value, o.tol);
}

// Arbitraries: small shapes (rank 0..4), an occasional empty axis, small integer values.
export const dim = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 20 },
  { arbitrary: fc.constant(0), weight: 1 }
);
export const shapeArb = fc.array(dim, { minLength: 0, maxLength: 4 });
export const dtypeArb = fc.constantFrom<K.DType>('float32', 'int32');

/** A reference tensor of `shape` with integer values in [-3, 3]. */
export function refArb(shape: readonly number[]): fc.Arbitrary<Ref> {
  return fc
    .array(fc.integer({ min: -3, max: 3 }), { minLength: size(shape), maxLength: size(shape) })
    .map((vs) => unflat(vs, shape));
}

/** numRuns for every property: enough to meet every rank and error path, fast on both devices. */
export const RUNS = { numRuns: 100 };

/** A shape as numpy prints it: (2, 3), (3,), (). */
export function pyShape(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}
