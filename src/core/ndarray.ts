// ndarray helpers shared by the cpu kernels: allocation, zero-copy broadcast
// views, and contiguity.
import ndarray, { type NdArray } from 'ndarray';
import ops from 'ndarray-ops';
import { allocate, type DType, type TypedArray } from './dtype.js';
import { sizeOf, stridesOf } from './shape.js';

export type Nd = NdArray<TypedArray>;

export function alloc(dtype: DType, shape: readonly number[]): Nd {
  return ndarray(allocate(dtype, sizeOf(shape)), shape.slice());
}

/** A view of `a` with the shape `shape` it broadcasts to (stride 0 on repeated axes). */
export function broadcastView(a: Nd, shape: readonly number[]): Nd {
  const lead = shape.length - a.shape.length;
  if (lead === 0 && a.shape.every((d, i) => d === shape[i])) return a;
  const stride = shape.map((d, i) => (i < lead || a.shape[i - lead] !== d ? 0 : a.stride[i - lead]!));
  return ndarray(a.data, shape.slice(), stride, a.offset);
}

/** True when `a` is laid out row-major without gaps (from its offset). */
export function isContiguous(a: Nd): boolean {
  let expect = 1;
  for (let i = a.shape.length - 1; i >= 0; i--) {
    if (a.shape[i] !== 1 && a.stride[i] !== expect) return false;
    expect *= a.shape[i]!;
  }
  return true;
}

/** `a` as a row-major array (a copy only when it is a strided view). */
export function contiguous(a: Nd, dtype: DType): Nd {
  if (isContiguous(a)) return a;
  const out = alloc(dtype, a.shape);
  if (a.shape.length === 0) out.data[0] = a.data[a.offset]!;
  else ops.assign(out, a);
  return out;
}

/** A fresh row-major copy with offset 0 (what K.eval hands out). */
export function copyOut(a: Nd, dtype: DType): Nd {
  const out = alloc(dtype, a.shape);
  if (a.shape.length === 0) out.data[0] = a.data[a.offset]!;
  else if (isContiguous(a)) out.data.set(a.data.subarray(a.offset, a.offset + out.data.length));
  else ops.assign(out, a);
  return out;
}

/** The same values under a new shape (a view when `a` is contiguous). */
export function reshapeView(a: Nd, dtype: DType, shape: readonly number[]): Nd {
  const c = contiguous(a, dtype);
  return ndarray(c.data, shape.slice(), stridesOf(shape), c.offset);
}

/** cwise and ndarray-ops iterate rank >= 1; a scalar is viewed as one element. */
export function atLeast1d(a: Nd): Nd {
  return a.shape.length === 0 ? ndarray(a.data, [1], [1], a.offset) : a;
}
