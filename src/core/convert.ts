// Tensor-likes to tensors: numbers, booleans, nested arrays, scijs ndarrays and
// typed arrays. Values are copied, so later changes to the source never reach
// the tensor.
import type { NdArray } from 'ndarray';
import { floatx } from './config.js';
import { disposedError, fmtShape, showRaw, typeError, valueError } from './context.js';
import { copyOut, type Nd } from './ndarray.js';
import { allocate, dtypeOfTypedArray, isFloat, type DType, type TypedArray } from './dtype.js';
import { MAX_RANK, sizeOf } from './shape.js';
import { cpuStorage } from './storage.js';
import { isForgedTensor, Tensor, type NestedArray, hostTensor } from './tensor.js';

export type TensorLike = Tensor | number | boolean | NestedArray | boolean[] | NestedBool | NdArray | TypedArray;
type NestedBool = boolean | NestedBool[];

export function isNdArray(x: unknown): x is NdArray {
  return (
    typeof x === 'object' &&
    x !== null &&
    !Array.isArray(x) &&
    'shape' in x &&
    'stride' in x &&
    'data' in x &&
    'offset' in x
  );
}

/** Convert `x`; `dtype` is the dtype wanted (default: inferred, numbers to floatx). */
export function toTensor(fn: string, x: unknown, arg = 'x', dtype?: DType): Tensor {
  if (isForgedTensor(x))
    throw typeError(fn, `${arg} is not a tensor ktape made (an object only made to look like one)`);
  if (x instanceof Tensor) {
    // A variable's storage is replaced, never disposed; any other tensor's may be.
    if (x.storage?.disposed === true) throw disposedError(fn, x.shape, x.dtype, arg);
    return x;
  }
  if (typeof x === 'number' || typeof x === 'boolean') {
    const d = dtype ?? (typeof x === 'boolean' ? 'bool' : floatx());
    return fromValues(fn, arg, [Number(x)], [], d);
  }
  if (Array.isArray(x)) {
    if (holdsTensor(fn, arg, x)) return packed(fn, arg, x, dtype);
    const shape = nestedShape(fn, arg, x);
    const flat: number[] = [];
    let allBool = true;
    flatten(x, flat, (b) => (allBool &&= b));
    const d = dtype ?? (allBool && flat.length > 0 ? 'bool' : floatx());
    return fromValues(fn, arg, flat, shape, d);
  }
  if (ArrayBuffer.isView(x)) {
    const own = dtypeOfTypedArray(x);
    if (own === null) throw typeError(fn, `${arg}: unsupported typed array ${x.constructor.name}`);
    const arr = x as TypedArray;
    return fromValues(fn, arg, Array.from(arr), [arr.length], dtype ?? own);
  }
  if (isNdArray(x)) {
    checkNdArray(fn, arg, x);
    const own = ArrayBuffer.isView(x.data) ? dtypeOfTypedArray(x.data) : null;
    const d = dtype ?? own ?? floatx();
    if (own === d) return new Tensor(x.shape.slice(), d, cpuStorage(copyOut(x as Nd, d)), null);
    const flat: number[] = [];
    const walk = (dim: number, off: number) => {
      if (dim === x.shape.length) flat.push(Number(Array.isArray(x.data) ? x.data[off] : (x.data as TypedArray)[off]));
      else for (let i = 0; i < x.shape[dim]!; i++) walk(dim + 1, off + i * x.stride[dim]!);
    };
    walk(0, x.offset);
    return fromValues(fn, arg, flat, x.shape.slice(), d);
  }
  throw typeError(
    fn,
    `${arg} must be a tensor, a number, a boolean, a nested array, an ndarray or a typed array; got ${describe(x)}`
  );
}

// Stacking lives above core (it records concat and reshape nodes); lax registers it when loaded.
let stack: ((parts: readonly Tensor[]) => Tensor) | null = null;

/** Register how a list of same-shape tensors is stacked along a new first axis. */
export function registerStacking(f: (parts: readonly Tensor[]) => Tensor): void {
  stack = f;
}

/** Whether a nested list holds a tensor anywhere (iterative: no recursion on hostile depth). */
function holdsTensor(fn: string, arg: string, x: unknown[]): boolean {
  const stack: [unknown[], number][] = [[x, 1]];
  while (stack.length > 0) {
    const [list, depth] = stack.pop()!;
    if (depth > MAX_RANK)
      throw valueError(fn, `${arg}: nested array is more than ${MAX_RANK} deep (TF's largest rank)`);
    for (const e of list) {
      if (e instanceof Tensor) return true;
      if (Array.isArray(e)) stack.push([e, depth + 1]);
    }
  }
  return false;
}

/** The first tensor of a nested list, depth first (TF takes the packed dtype from it). */
function firstTensor(x: unknown[]): Tensor | null {
  for (const e of x) {
    const t = e instanceof Tensor ? e : Array.isArray(e) ? firstTensor(e) : null;
    if (t !== null) return t;
  }
  return null;
}

/**
 * A nested list holding tensors, stacked as TF's conversion packs it (tf.stack
 * at each level): every tensor must have the dtype of the first one (plain
 * numbers take it), and the entries of each list one shape. Gradients flow to
 * the tensors; symbolic ones give a symbolic result.
 */
function packed(fn: string, arg: string, x: unknown[], dtype?: DType): Tensor {
  const d = firstTensor(x)!.dtype;
  if (dtype !== undefined && dtype !== d) {
    throw typeError(fn, `${arg}: a list holding ${d} tensors cannot be converted to ${dtype}; cast them first`);
  }
  if (stack === null) throw new Error('ktape: stacking is not loaded (import ktape from its index)');
  const pack = (list: unknown[], at: string): Tensor => {
    if (list.length === 0) throw valueError(fn, `${arg}${at}: an empty list cannot be stacked with tensors`);
    const parts = list.map((e, i) => {
      if (e instanceof Tensor) {
        if (e.dtype !== d) {
          throw typeError(
            fn,
            `${arg}${at}[${i}] is a ${e.dtype} tensor; the list's tensors are ${d} (cast them first)`
          );
        }
        return e;
      }
      return Array.isArray(e) ? pack(e, `${at}[${i}]`) : toTensor(fn, e, `${arg}${at}[${i}]`, d);
    });
    const shape = parts[0]!.shape;
    parts.forEach((t, i) => {
      if (t.shape.length !== shape.length || t.shape.some((k, j) => k !== shape[j])) {
        throw valueError(
          fn,
          `${arg}${at}: cannot stack entries of shapes ${fmtShape(shape)} and ${fmtShape(t.shape)} (entry ${i})`
        );
      }
    });
    return stack!(parts);
  };
  return pack(x, '');
}

/**
 * An ndarray handed in is read only where it says it is: a shape of
 * non-negative safe integers, at most TF's rank, and strides and an offset
 * that stay inside its buffer (else it would read NaN or garbage).
 */
function checkNdArray(fn: string, arg: string, x: NdArray): void {
  const { shape, stride, offset } = x;
  const bad = (why: string) => valueError(fn, `${arg}: an ndarray ${why}`);
  if (!Array.isArray(shape) || shape.length > MAX_RANK) throw bad(`must have at most ${MAX_RANK} axes`);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw bad(`must have a shape of non-negative integers; got [${shape.map((d) => String(d)).join(', ')}]`);
  if (shape.includes(0)) return;
  if (
    !Number.isSafeInteger(offset) ||
    stride.length !== shape.length ||
    !stride.every((st) => Number.isSafeInteger(st))
  )
    throw bad(`of shape ${fmtShape(shape)} must have integer strides (one per axis) and offset`);
  let lo = offset;
  let hi = offset;
  shape.forEach((d, i) => {
    const reach = (d - 1) * stride[i]!;
    if (reach < 0) lo += reach;
    else hi += reach;
  });
  const length = (x.data as { length: number }).length;
  if (lo < 0 || hi >= length)
    throw bad(
      `of shape ${fmtShape(shape)}, strides [${stride.join(', ')}] and offset ${offset} reads outside its data of ${length} values`
    );
}

/** Convert `y` to go with tensor `x`: plain values take x's dtype, as in TensorFlow. */
export function toTensorLike(fn: string, y: unknown, like: Tensor, arg = 'y'): Tensor {
  if (y instanceof Tensor) return toTensor(fn, y, arg);
  return toTensor(fn, y, arg, like.dtype);
}

/** Two operands of a binary op: at least one decides the dtype; two tensors must agree. */
export function toPair(fn: string, x: unknown, y: unknown): [Tensor, Tensor] {
  if (x instanceof Tensor) return [toTensor(fn, x, 'x'), toTensorLike(fn, y, x)];
  if (y instanceof Tensor) return [toTensorLike(fn, x, y, 'x'), toTensor(fn, y, 'y')];
  const a = toTensor(fn, x, 'x');
  return [a, toTensorLike(fn, y, a)];
}

// What each integer dtype holds exactly (int64: the integers a Float64Array keeps exact).
const INT_RANGE: Record<Exclude<DType, 'float32' | 'float64' | 'bool'>, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function fromValues(fn: string, arg: string, values: number[], shape: number[], dtype: DType): Tensor {
  const data = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!isFloat(dtype) && dtype !== 'bool') {
      if (!Number.isInteger(v)) throw typeError(fn, `${arg}: cannot convert ${v} to ${dtype} (not an integer)`);
      const [lo, hi] = INT_RANGE[dtype as keyof typeof INT_RANGE];
      if (v < lo || v > hi) throw typeError(fn, `${arg}: cannot convert ${v} to ${dtype} (out of range)`);
    }
    data[i] = dtype === 'bool' ? (v ? 1 : 0) : v;
  }
  return hostTensor(data, shape, dtype);
}

function nestedShape(fn: string, arg: string, x: unknown[]): number[] {
  const shape: number[] = [];
  let level: unknown = x;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const check = (v: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(v)) throw valueError(fn, `${arg}: nested array is ragged (expected shape ${fmtShape(shape)})`);
      if (typeof v !== 'number' && typeof v !== 'boolean')
        throw typeError(fn, `${arg}: nested array holds ${describe(v)}, not a number`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw valueError(fn, `${arg}: nested array is ragged (expected shape ${fmtShape(shape)})`);
    }
    for (const e of v) check(e, dim + 1);
  };
  check(x, 0);
  if (sizeOf(shape) === 0 && shape.length === 0) return [0];
  return shape;
}

function flatten(x: unknown, out: number[], seeBool: (isBool: boolean) => void): void {
  if (Array.isArray(x)) for (const e of x) flatten(e, out, seeBool);
  else {
    seeBool(typeof x === 'boolean');
    out.push(Number(x));
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return v.constructor?.name ?? 'object';
  return typeof v;
}

/**
 * The tensor for a float-only function: a tensor keeps its dtype and must be
 * float (TensorFlow refuses integers too); other tensor-likes keep a float
 * dtype of their own (a Float64Array) and otherwise become floatx().
 */
export function toFloatTensor(fn: string, x: TensorLike, arg = 'x'): Tensor {
  if (x instanceof Tensor) {
    toTensor(fn, x, arg); // the brand check
    if (!isFloat(x.dtype))
      throw typeError(fn, `${arg} must be a float tensor; got ${x.dtype} of shape ${fmtShape(x.shape)}`);
    return x;
  }
  const t = toTensor(fn, x, arg);
  return isFloat(t.dtype) ? t : toTensor(fn, x, arg, floatx());
}

/** What a value is, for error messages: its kind, and its value when short. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Tensor) return `a ${v.dtype} tensor of shape ${fmtShape(v.shape)}`;
  if (typeof v === 'object') return v.constructor?.name ?? 'object';
  // JSON cannot write a BigInt, a function or a symbol.
  if (typeof v === 'bigint') return `bigint ${v}n`;
  if (typeof v === 'function' || typeof v === 'symbol') return typeof v;
  return `${typeof v} ${showRaw(v)}`;
}

/** A value for error messages: a tensor by dtype and shape, else as showRaw writes it. */
export function showValue(v: unknown): string {
  if (v instanceof Tensor) return `a ${v.dtype} tensor of shape ${fmtShape(v.shape)}`;
  return showRaw(v);
}
