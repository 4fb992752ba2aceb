// ndarray helpers shared by the cpu kernels: allocation, zero-copy broadcast
// views, and contiguity.
import ndarray, { type NdArray } from 'ndarray';
import ops from 'ndarray-ops';
import { allocate, type DType, type TypedArray } from './dtype.js';
import { sizeOf, stridesOf } from './shape.js';

export type Nd = NdArray<TypedArray>;

/** The library's view class of one kind of typed array and one rank (what ndarray() constructs). */
type ViewClass = new (data: TypedArray, ...dims: number[]) => Nd;
const viewClasses = new Map<unknown, (ViewClass | undefined)[]>();

/**
 * ndarray(data, shape, stride, offset) without the library's per-call sniffing
 * of the data's kind (its Buffer test slices the array on every call: a tenth
 * of a small-op loop's time). The view class for the array's kind and rank is
 * taken from the library's first view of them (ranks up to 4; higher ones go
 * through ndarray()); `stride` defaults to row-major. The view keeps its own
 * copies of `shape` and `stride`.
 */
export function nd(data: TypedArray, shape: readonly number[], stride?: readonly number[], offset = 0): Nd {
  const s = stride ?? stridesOf(shape);
  const rank = shape.length;
  const View = rank <= 4 ? viewClasses.get(data.constructor)?.[rank] : undefined;
  if (View === undefined) {
    const made = ndarray(data, shape.slice(), s.slice(), offset);
    if (rank <= 4) {
      const byRank = viewClasses.get(data.constructor) ?? [];
      byRank[rank] = (Object.getPrototypeOf(made) as { constructor: ViewClass }).constructor;
      viewClasses.set(data.constructor, byRank);
    }
    return made;
  }
  // The classes' parameters: the data, each dim, each stride, the offset.
  switch (rank) {
    case 0:
      return new View(data, offset);
    case 1:
      return new View(data, shape[0]!, s[0]!, offset);
    case 2:
      return new View(data, shape[0]!, shape[1]!, s[0]!, s[1]!, offset);
    case 3:
      return new View(data, shape[0]!, shape[1]!, shape[2]!, s[0]!, s[1]!, s[2]!, offset);
    default:
      return new View(data, shape[0]!, shape[1]!, shape[2]!, shape[3]!, s[0]!, s[1]!, s[2]!, s[3]!, offset);
  }
}

export function alloc(dtype: DType, shape: readonly number[]): Nd {
  return nd(allocate(dtype, sizeOf(shape)), shape);
}

/** A view of `a` with the shape `shape` it broadcasts to (stride 0 on repeated axes). */
export function broadcastView(a: Nd, shape: readonly number[]): Nd {
  const lead = shape.length - a.shape.length;
  if (lead === 0 && a.shape.every((d, i) => d === shape[i])) return a;
  const stride = shape.map((d, i) => (i < lead || a.shape[i - lead] !== d ? 0 : a.stride[i - lead]!));
  return nd(a.data, shape, stride, a.offset);
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
  return nd(c.data, shape, undefined, c.offset);
}

/** cwise and ndarray-ops iterate rank >= 1; a scalar is viewed as one element. */
export function atLeast1d(a: Nd): Nd {
  return a.shape.length === 0 ? nd(a.data, [1], [1], a.offset) : a;
}
