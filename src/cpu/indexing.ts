// Indexing cpu kernels. concat assigns each input into its window of the
// output; reverse is a view with negative strides; gather and scatter_add view
// their operands as [outer, axis, inner] blocks and move whole inner rows.
import ops from 'ndarray-ops';
import type { Kernel } from '../core/backend.js';
import type { DType } from '../core/dtype.js';
import { sizeOf } from '../core/shape.js';
import { alloc, contiguous, type Nd, nd } from '../core/ndarray.js';
import type { IndexingAttrs } from '../core/primitives.js';
import { checkIndices } from '../prims/index_check.js';

/** The values of `a` in row-major order (a copy only when `a` is strided). */
function rowMajor(a: Nd): ArrayLike<number> {
  if (a.shape.length === 0) return [a.data[a.offset]!];
  const c = contiguous(a, storageDType(a));
  return c.data.subarray(c.offset, c.offset + sizeOf(a.shape));
}

/** A dtype with `a`'s storage (enough to copy it: int64 and float64 share Float64Array). */
function storageDType(a: Nd): DType {
  const d = a.dtype;
  return d === 'float32' || d === 'int32' || d === 'int16' || d === 'int8' || d === 'uint8' || d === 'uint16'
    ? d
    : 'float64';
}

/** Sizes of the axes before `axis` and after `axis + span`. */
function outerInner(shape: readonly number[], axis: number, span: number): [number, number] {
  return [sizeOf(shape.slice(0, axis)), sizeOf(shape.slice(axis + span))];
}

export const cpuIndexing: { [P in keyof IndexingAttrs]: Kernel<P, Nd> } = {
  concat: (xs, { axis }, out) => {
    const o = alloc(out.dtype, out.shape);
    let at = 0;
    for (const x of xs) {
      const n = x.shape[axis]!;
      if (sizeOf(x.shape) > 0) {
        const lo = out.shape.map((_, k) => (k === axis ? at : 0));
        ops.assign(o.lo(...lo).hi(...x.shape), x);
      }
      at += n;
    }
    return o;
  },
  reverse: ([x], { axes }) => {
    const a = x;
    const stride = a.stride.slice();
    let offset = a.offset;
    for (const ax of axes) {
      const d = a.shape[ax]!;
      if (d > 0) offset += (d - 1) * stride[ax]!;
      stride[ax] = -stride[ax]!;
    }
    return nd(a.data, a.shape, stride, offset);
  },
  gather: ([ref, idx], { axis }, out) => {
    const r = ref;
    const dim = r.shape[axis]!;
    const ids = rowMajor(idx);
    checkIndices('gather', ids, idx.shape, dim, axis, 'reference', r.shape);
    // One index (K.rnn's step slices): a view of that slice, no copy.
    if (idx.shape.length === 0) return r.pick(...r.shape.map((_, d) => (d === axis ? ids[0]! : null)));
    const o = alloc(out.dtype, out.shape);
    if (o.data.length === 0) return o;
    const src = contiguous(r, out.dtype);
    const [outer, inner] = outerInner(r.shape, axis, 1);
    const n = ids.length;
    const sd = src.data;
    const od = o.data;
    let dst = 0;
    // Short rows (scalars, small vectors) element by element: a subarray view per row costs far more than the copy.
    const short = inner < 32;
    for (let b = 0; b < outer; b++) {
      const base = src.offset + b * dim * inner;
      for (let j = 0; j < n; j++) {
        const from = base + ids[j]! * inner;
        if (short) for (let k = 0; k < inner; k++) od[dst + k] = sd[from + k]!;
        else od.set(sd.subarray(from, from + inner), dst);
        dst += inner;
      }
    }
    return o;
  },
  scatter_add: ([u, idx], { axis, size }, out) => {
    const ids = rowMajor(idx);
    checkIndices('scatter_add', ids, idx.shape, size, axis, 'the result', out.shape);
    const o = alloc(out.dtype, out.shape);
    if (o.data.length === 0) return o;
    const src = contiguous(u, out.dtype);
    const [outer, inner] = outerInner(out.shape, axis, 1);
    const n = ids.length;
    const d = o.data;
    const s = src.data;
    let from = src.offset;
    for (let b = 0; b < outer; b++) {
      for (let j = 0; j < n; j++) {
        const to = (b * size + ids[j]!) * inner;
        for (let k = 0; k < inner; k++) d[to + k] = d[to + k]! + s[from + k]!;
        from += inner;
      }
    }
    return o;
  },
};
