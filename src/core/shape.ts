// Shapes: numpy broadcasting, axis normalisation, sizes and strides.
// An unknown dimension of a symbolic tensor is -1 here (None in Keras, null in K.int_shape).
import { fmtShape, showRaw, valueError } from './context.js';

export type Shape = number[];
export const UNKNOWN = -1;

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function isKnown(shape: readonly number[]): boolean {
  return shape.every((d) => d >= 0);
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** numpy broadcasting of two shapes; throws ValueError naming both. */
export function broadcastShapes(fn: string, a: readonly number[], b: readonly number[]): Shape {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else if (da === UNKNOWN || db === UNKNOWN) out[i] = da === UNKNOWN ? db : da;
    else throw valueError(fn, `shapes ${fmtShape(a)} and ${fmtShape(b)} are not broadcastable`);
  }
  return out;
}

/** Normalise one axis (negative counts from the end) for a tensor of rank `rank`. */
export function normAxis(fn: string, axis: unknown, rank: number, arg = 'axis'): number {
  if (typeof axis !== 'number' || !Number.isSafeInteger(axis)) {
    throw valueError(fn, `${arg} must be an integer; got ${showRaw(axis)}`);
  }
  if (axis < -rank || axis >= rank) {
    throw valueError(fn, `${arg} ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

export function range(n: number): number[] {
  const r = new Array<number>(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}

/** Shape after reducing `axes` (sorted), keeping them as 1 or dropping them. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepdims: boolean): Shape {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!axes.includes(i)) out.push(shape[i]!);
    else if (keepdims) out.push(1);
  }
  return out;
}

/** The axes along which `from` was broadcast to reach `to` (for summing gradients back). */
export function broadcastAxes(from: readonly number[], to: readonly number[]): number[] {
  const lead = to.length - from.length;
  const axes: number[] = [];
  for (let i = 0; i < to.length; i++) {
    if (i < lead || (from[i - lead] === 1 && to[i] !== 1)) axes.push(i);
  }
  return axes;
}

/** TF's largest rank: deeper nesting and longer shapes are refused before anything is computed. */
export const MAX_RANK = 254;

/** Validate a shape argument given by a user (non-negative integers). */
export function toShape(fn: string, shape: unknown, arg = 'shape'): Shape {
  const list = typeof shape === 'number' ? [shape] : shape;
  if (!isIntList(list, (d) => d >= 0)) {
    throw valueError(fn, `${arg} must be a list of non-negative integers; got ${showRaw(shape)}`);
  }
  if (list.length > MAX_RANK)
    throw valueError(fn, `${arg} has ${list.length} dims; at most ${MAX_RANK} (TF's largest rank)`);
  return list.slice() as number[];
}

/** [outer, n, inner] around `axis`. */
export function lineShape(shape: readonly number[], axis: number): { outer: number; n: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), n: shape[axis]!, inner: sizeOf(shape.slice(axis + 1)) };
}

/** Same rank and equal dims wherever both are known (TensorShape.is_compatible_with). */
export function compatible(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i] || d < 0 || b[i]! < 0);
}

/** Whether numpy broadcasting of the two shapes is possible, an unknown dim (-1) matching anything. */
export function broadcastable(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const p = a[a.length - i]!;
    const q = b[b.length - i]!;
    if (p !== q && p !== 1 && q !== 1 && p >= 0 && q >= 0) return false;
  }
  return true;
}

/** Whether `from` broadcasts to exactly `to` (never enlarging `to`), unknown dims matching anything. */
export function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  const lead = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[i + lead] || d < 0 || to[i + lead]! < 0);
}

/** `shape` with `size` inserted at `axis`. */
export function withAxis(shape: readonly number[], axis: number, size: number): number[] {
  return [...shape.slice(0, axis), size, ...shape.slice(axis)];
}

/**
 * Whether `v` is an array of safe integers each passing `ok`. Unlike
 * Array.prototype.every, a hole ([1, , 2]) fails; 2**60 fails (not exact).
 */
export function isIntList(v: unknown, ok: (d: number) => boolean = () => true): v is number[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    const d: unknown = v[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || !ok(d)) return false;
  }
  return true;
}
