// The dtypes of CONVENTIONS.md and their storage on the host.
import { runningName, typeError, valueError, showRaw } from './context.js';

export const DTYPES = ['float32', 'float64', 'int32', 'int16', 'int8', 'uint8', 'uint16', 'bool', 'int64'] as const;
export type DType = (typeof DTYPES)[number];

export type TypedArray = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array;

type TypedArrayCtor = new (n: number) => TypedArray;

// int64 holds indices: a Float64Array keeps every integer up to 2^53 exact
// without forcing BigInt on callers. bool is 0/1 in a Uint8Array.
const STORAGE: Record<DType, TypedArrayCtor> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  bool: Uint8Array,
  int64: Float64Array,
};

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

/** Validate a user-given dtype string (Keras also accepts a few aliases). */
export function toDType(fn: string, x: unknown, arg = 'dtype'): DType {
  if (isDType(x)) return x;
  throw typeError(fn, `${arg} must be one of ${DTYPES.join(', ')}; got ${showRaw(x)}`);
}

export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}

export function isInt(d: DType): boolean {
  return !isFloat(d) && d !== 'bool';
}

/** The most elements one tensor holds: what a typed array can (2^31 - 1 in every engine ktape runs on). */
export const MAX_ELEMENTS = 2 ** 31 - 1;

export function allocate(dtype: DType, n: number): TypedArray {
  // Checked before allocating: a size a typed array cannot hold is the caller's bad shape, not a RangeError.
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_ELEMENTS) {
    throw valueError(
      runningName(),
      n < 0 || !Number.isInteger(n)
        ? `a tensor cannot hold ${String(n)} elements (a shape of non-negative integers is needed)`
        : `a tensor of ${n} elements is beyond what ktape holds (at most ${MAX_ELEMENTS})`
    );
  }
  return new STORAGE[dtype](n);
}

export function storageOf(dtype: DType): TypedArrayCtor {
  return STORAGE[dtype];
}

/** The dtype a typed array holds when handed in by a user. */
export function dtypeOfTypedArray(a: ArrayBufferView): DType | null {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Uint16Array) return 'uint16';
  return null;
}

/** Round a number the way storing it into `dtype` would (for scalars). */
export function coerce(dtype: DType, v: number): number {
  const a = allocate(dtype, 1);
  a[0] = dtype === 'bool' ? (v ? 1 : 0) : v;
  return a[0];
}

/** The smallest value of a dtype: the identity of max (-Infinity for floats). */
export function lowest(d: DType): number {
  switch (d) {
    case 'int8':
      return -128;
    case 'int16':
      return -32768;
    case 'int32':
      return -2147483648;
    case 'int64':
      return -Number.MAX_SAFE_INTEGER;
    case 'uint8':
    case 'uint16':
    case 'bool':
      return 0;
    default:
      return -Infinity;
  }
}

/** The largest value of a dtype: the identity of min (Infinity for floats). */
export function highest(d: DType): number {
  switch (d) {
    case 'int8':
      return 127;
    case 'int16':
      return 32767;
    case 'int32':
      return 2147483647;
    case 'int64':
      return Number.MAX_SAFE_INTEGER;
    case 'uint8':
      return 255;
    case 'uint16':
      return 65535;
    case 'bool':
      return 1;
    default:
      return Infinity;
  }
}
