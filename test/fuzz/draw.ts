// The fuzzer's source of choices: fast-check's `gen`, sampled once per case
// from the case's own seed, so a case is rebuilt exactly from (seed, index).
import fc from 'fast-check';
import ndarray from 'ndarray';
import * as K from '../../src/index.js';

/** The kinds of argument a signature names; each kind has its own hostile values. */
export type Kind =
  | 'tensor' // any tensor-like value
  | 'tensors' // a list of tensor-likes
  | 'value' // a value that must be concrete (eval, set_value): placeholders are refused
  | 'variable' // a K.Variable
  | 'int' // an integer count or size
  | 'axis' // an axis of a known rank
  | 'ints' // a list of integers (a shape, pattern, padding)
  | 'axes' // a list of axes (negative ones count from the end)
  | 'shape' // a shape to allocate
  | 'bool'
  | 'dtype'
  | 'name' // a string name
  | 'enum' // one of a few strings (padding, data_format, pool_mode)
  | 'options' // a trailing options object
  | 'fn' // a callback
  | 'fixed'; // not mutated (its invalid values are covered elsewhere)

export interface Slot {
  kind: Kind;
  value: unknown;
  /** This slot also takes a SparseTensor (dot, concatenate, to_dense...). */
  sparse?: boolean;
  /** This slot also takes a function returning a tensor (switch's branches). */
  callable?: boolean;
  /** Strings, functions and plain objects pass through this slot to a callback (trace's inputs). */
  passThrough?: boolean;
  /** This slot's dtype must match a float tensor's in another slot (a binary op's operand). */
  sameDtype?: boolean;
}

export class Draw {
  readonly variables: K.Variable[] = [];
  constructor(private readonly g: fc.GeneratorValue) {}

  static of(seed: number): Draw {
    const [g] = fc.sample(fc.gen(), { seed, numRuns: 1 });
    return new Draw(g as fc.GeneratorValue);
  }

  int(min: number, max: number): number {
    return this.g(fc.integer, { min, max });
  }
  bool(): boolean {
    return this.g(fc.boolean);
  }
  pick<T>(...xs: T[]): T {
    return xs[this.int(0, xs.length - 1)] as T;
  }
  dims(minRank: number, maxRank: number, maxDim = 4, minDim = 1): number[] {
    const rank = this.int(minRank, maxRank);
    return Array.from({ length: rank }, () => this.int(minDim, maxDim));
  }
  /** Values away from 0 and from each other's ties, in [lo, hi]. */
  floats(n: number, lo = -3, hi = 3): number[] {
    return Array.from({ length: n }, () => {
      const u = this.int(0, 1_000_000) / 1_000_000;
      return lo + (hi - lo) * u;
    });
  }
  /**
   * A float tensor-like of this shape, in one of the forms users pass: a
   * constant, a variable, a nested array or an ndarray.
   */
  tensor(shape: number[], lo = -3, hi = 3): unknown {
    const n = shape.reduce((a, b) => a * b, 1);
    const flat = this.floats(n, lo, hi);
    const form = this.int(0, 3);
    if (form === 0 || shape.length === 0) return K.constant(flat, null, shape);
    if (form === 1) return this.variable(flat, shape);
    if (form === 2) return nest(flat, shape);
    return ndarray(Float32Array.from(flat), shape);
  }
  /** A float32 constant (for slots that must be a K tensor, e.g. gradients). */
  constant(shape: number[], lo = -3, hi = 3): K.Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    return K.constant(this.floats(n, lo, hi), null, shape);
  }
  variable(flat: number[] | number, shape: number[], dtype?: K.DType): K.Variable {
    const values = typeof flat === 'number' ? new Array(shape.reduce((a, b) => a * b, 1)).fill(flat) : flat;
    const v = K.variable(K.constant(values, dtype ?? null, shape));
    this.variables.push(v);
    return v;
  }
  /** Integer class labels in [0, n). */
  labels(shape: number[], n: number, dtype: K.DType = 'int32'): K.Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    return K.constant(
      Array.from({ length: size }, () => this.int(0, n - 1)),
      dtype,
      shape
    );
  }
}

/** A flat list as a nested array of this shape. */
export function nest(flat: number[], shape: number[]): unknown {
  if (shape.length === 0) return flat[0];
  const [d, ...rest] = shape as [number, ...number[]];
  const step = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: d }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), rest));
}

export const T = (value: unknown, sparse = false): Slot => ({ kind: 'tensor', value, sparse });
/** A branch of switch / in_train_phase: a tensor-like or a function returning one. */
export const BR = (value: unknown): Slot => ({ kind: 'tensor', value, callable: true });
export const TS = (value: unknown, sparse = false): Slot => ({ kind: 'tensors', value, sparse });
export const VAL = (value: unknown): Slot => ({ kind: 'value', value });
export const V = (value: unknown): Slot => ({ kind: 'variable', value });
export const I = (value: unknown): Slot => ({ kind: 'int', value });
export const A = (value: unknown): Slot => ({ kind: 'axis', value });
export const IS = (value: unknown): Slot => ({ kind: 'ints', value });
export const AS = (value: unknown): Slot => ({ kind: 'axes', value });
export const S = (value: unknown): Slot => ({ kind: 'shape', value });
export const B = (value: unknown): Slot => ({ kind: 'bool', value });
export const D = (value: unknown): Slot => ({ kind: 'dtype', value });
export const N = (value: unknown): Slot => ({ kind: 'name', value });
export const E = (value: unknown): Slot => ({ kind: 'enum', value });
export const O = (value: unknown): Slot => ({ kind: 'options', value });
export const F = (value: unknown): Slot => ({ kind: 'fn', value });
export const X = (value: unknown): Slot => ({ kind: 'fixed', value });
