// Shape functions: reshape, transpose, permute_dimensions, expand_dims, squeeze
// and slice. Each lowers to one view primitive (reshape, transpose or slice), so
// gradients of any order are those primitives' VJPs.
import { options, scalarValue, staticValue } from '../core/args.js';
import { fmtShape, keras, typeError, valueError, runningName } from '../core/context.js';
import { toTensor, type TensorLike } from '../core/convert.js';
import { isKnown, normAxis, range, sizeOf, UNKNOWN, isIntList } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import { callNode } from '../grad/call.js';
import { showValue as describe } from '../core/convert.js';

/** A list of integers: an array, or a 1-D int32/int64 tensor with a value (such as K.shape(y)). */
export type IntList = readonly number[] | Tensor;

/**
 * `x` with its values in row-major order laid out in `shape` (tf.reshape). One
 * entry of `shape` may be -1: it is inferred from the size of `x`. In a graph,
 * entries may also be x's own run-time dims, as Keras writes them
 * (`K.reshape(x, [K.shape(x)[0], -1])`, `K.shape(x)[0]` spelled
 * `K.gather(K.shape(x), 0)`).
 *
 * @param x  a tensor-like.
 * @param shape  the new shape: an array of integers (or scalar integer tensors: with a value, or
 *   `K.shape(x)[i]` of x itself), or a 1-D int32/int64 tensor with a value (such as `K.shape(y)`).
 * @returns a tensor of the dtype of `x` with the given shape.
 * @throws K.ValueError when the sizes differ, more than one entry is -1, or an entry is below -1.
 * @throws K.TypeError when `shape` is not a list of integers.
 * @example
 * ```ts
 * const a = K.constant([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]], 'int32');
 * K.eval(K.reshape(a, [2, 6])); // [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]
 * K.int_shape(K.reshape(a, [-1, 2])); // [6, 2]
 * ```
 */
export function reshape(x: TensorLike, shape: IntList | readonly (number | Tensor)[]): Tensor {
  return keras(reshape, () => {
    const t = toTensor('reshape', x);
    const { want, from, other, runtime, computed } = shapeEntries(t, shape);
    if (computed) {
      // Entries computed from run-time values: the reshape runs when the graph does, on their values.
      const entries = shape as readonly (number | Tensor)[];
      const parts = entries.filter((d): d is Tensor => d instanceof Tensor);
      return callNode(
        'reshape',
        [t, ...parts],
        { shape: want.map((d) => (d < 0 ? UNKNOWN : d)), dtype: t.dtype },
        ([v, ...vals]) => {
          let k = 0;
          return reshape(
            v!,
            entries.map((d) => (d instanceof Tensor ? scalarValue(vals[k++]!)! : d))
          );
        }
      );
    }
    const done = inferShape(t.shape, want, runtime);
    if (from === null || isKnown(done)) return lax.reshape(t, done);
    return lax.reshapeFrom(t, done, from, other ?? undefined);
  });
}

/**
 * reshape's shape: integers, scalar integer tensors with a value, and (in a
 * graph) run-time dims: `K.shape(x)[i]` of x itself, or `K.shape(y)[k]` of one
 * other tensor y. Returns the entries (the static dim, -1 where unknown) and,
 * when there are run-time ones, each entry's source: x's axes in `from`, y's
 * axis in `other.fromLike` (null for plain entries).
 */
function shapeEntries(
  x: Tensor,
  shape: unknown
): {
  want: number[];
  from: (number[] | null)[] | null;
  other: { like: Tensor; fromLike: (number | null)[] } | null;
  runtime: (number[] | null)[] | null;
  /** An entry is computed from run-time values (K.shape(x)[1] * 2 of an unknown dim): the reshape runs then. */
  computed: boolean;
} {
  if (!Array.isArray(shape) || !shape.some((d) => d instanceof Tensor))
    return { want: intList(shape, 'shape'), from: null, other: null, runtime: null, computed: false };
  const list = shape as unknown[];
  let from: (number[] | null)[] | null = null;
  let other: { like: Tensor; fromLike: (number | null)[] } | null = null;
  let computed = false;
  const want = list.map((d, i) => {
    if (!(d instanceof Tensor)) return d;
    const fixed = d.isSymbolic && (d.dtype === 'int32' || d.dtype === 'int64') ? staticValue(d) : null;
    if (fixed !== null) return fixed;
    if (!d.isSymbolic) {
      const v = scalarValue(d);
      if (v === null || (d.dtype !== 'int32' && d.dtype !== 'int64'))
        throw typeError(
          runningName(),
          `shape[${i}] must be an integer or a scalar integer tensor; got a ${d.dtype} tensor of shape ${fmtShape(d.shape)}`
        );
      return v;
    }
    const dim = dimOf(d);
    if (dim === null || (dim.of !== x && other !== null && other.like !== dim.of)) {
      if (!(d.dtype === 'int32' || d.dtype === 'int64') || d.rank > 1 || d.shape.some((k) => k !== 1)) {
        throw typeError(
          runningName(),
          `shape[${i}] must be an integer or a scalar integer tensor; got a ${d.dtype} tensor of shape ${fmtShape(d.shape)}`
        );
      }
      computed = true;
      return -1;
    }
    from ??= list.map(() => null);
    if (dim.of === x) {
      from[i] = [dim.axis];
      return x.shape[dim.axis]!;
    }
    other ??= { like: dim.of, fromLike: list.map(() => null) };
    other.fromLike[i] = dim.axis;
    return dim.of.shape[dim.axis]!;
  });
  if (!isIntList(want)) {
    throw typeError(
      runningName(),
      `shape must be a list of integers or scalar integer tensors; got ${describe(shape)}`
    );
  }
  // For inferShape, every run-time entry (the other tensor's too) is not the one -1.
  const sources = from as (number[] | null)[] | null;
  const runtime = sources?.map((f, i) => f ?? (other?.fromLike[i] != null ? [] : null)) ?? null;
  return { want: want as number[], from: sources, other, runtime, computed };
}

/** Which tensor and axis `d` is the run-time dim of (K.gather(K.shape(t), i)), or null. */
function dimOf(d: Tensor): { of: Tensor; axis: number } | null {
  const n = d.node;
  if (n?.prim !== 'gather' || d.rank !== 0) return null;
  const [s, idx] = n.inputs as [Tensor, Tensor];
  if (s.node?.prim !== 'shape_of' && !(s.node?.prim === 'cast' && s.node.inputs[0]!.node?.prim === 'shape_of'))
    return null;
  const of = (s.node.prim === 'shape_of' ? s : s.node.inputs[0]!).node!.inputs[0]!;
  const i = scalarValue(idx);
  return i === null ? null : { of, axis: i < 0 ? i + of.rank : i };
}

/**
 * `x` with its axes reversed (tf.compat.v1.transpose without `perm`): the matrix
 * transpose for a 2-D tensor. Works on placeholders too, inferring the shape.
 *
 * @param x  a tensor-like.
 * @returns a tensor of the dtype of `x` whose shape is that of `x` reversed.
 * @example
 * ```ts
 * const v = K.variable([[1, 2, 3], [4, 5, 6]]);
 * K.eval(K.transpose(v)); // [[1, 4], [2, 5], [3, 6]]
 * K.int_shape(K.transpose(K.placeholder([2, 3]))); // [3, 2]
 * ```
 */
export function transpose(x: TensorLike): Tensor {
  return keras(transpose, () => {
    const t = toTensor('transpose', x);
    return lax.transpose(t, range(t.rank).reverse());
  });
}

/**
 * `x` with its axes permuted (tf.transpose with `perm`): axis i of the result is
 * axis `pattern[i]` of `x`.
 *
 * @param x  a tensor-like.
 * @param pattern  a permutation of `0 .. ndim(x) - 1` (no negative entries, as in TensorFlow), as an array or a 1-D integer tensor.
 * @returns a tensor of the dtype of `x`, of shape `pattern.map((p) => shape[p])`.
 * @throws K.ValueError when `pattern` is not a permutation of the axes of `x`.
 * @throws K.TypeError when `pattern` is not a list of integers.
 * @example
 * ```ts
 * const a = K.constant([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]], 'int32');
 * K.eval(K.permute_dimensions(a, [1, 0])); // [[1, 4, 7, 10], [2, 5, 8, 11], [3, 6, 9, 12]]
 * K.int_shape(K.permute_dimensions(K.zeros([2, 3, 4]), [2, 0, 1])); // [4, 2, 3]
 * ```
 */
export function permute_dimensions(x: TensorLike, pattern: IntList): Tensor {
  return keras(permute_dimensions, () => {
    const t = toTensor('permute_dimensions', x);
    const p = intList(pattern, 'pattern');
    // tf.transpose takes no negative entries in perm, so neither do we.
    const seen = new Set(p);
    if (p.length !== t.rank || seen.size !== p.length || p.some((d) => d < 0 || d >= t.rank)) {
      throw valueError(
        'permute_dimensions',
        `pattern ${fmtList(p)} is not a permutation of the axes 0..${t.rank - 1} of x of shape ${fmtShape(t.shape)}`
      );
    }
    return lax.transpose(t, p);
  });
}

export interface AxisOption {
  axis?: number;
}

/**
 * `x` with a new axis of length 1 inserted at `axis` (tf.expand_dims).
 *
 * @param x  a tensor-like.
 * @param axis  where the new axis goes, in `[-ndim(x) - 1, ndim(x)]`; default -1 (last). Also `options.axis`.
 * @returns a tensor of the dtype of `x`, with one more axis.
 * @throws K.ValueError when `axis` is out of range.
 * @example
 * ```ts
 * const x = K.constant([1, 2, 3]);
 * K.int_shape(K.expand_dims(x)); // [3, 1]
 * K.eval(K.expand_dims(x, 0)); // [[1, 2, 3]]
 * ```
 */
export function expand_dims(x: TensorLike, axis?: number | AxisOption): Tensor {
  return keras(expand_dims, () => {
    const o = options<AxisOption>(['axis'], [axis]);
    const t = toTensor('expand_dims', x);
    const a = normAxis('expand_dims', o.axis ?? -1, t.rank + 1);
    const target = [...t.shape.slice(0, a), 1, ...t.shape.slice(a)];
    // `t` gives the run-time dims by position, which hold up to the new axis; one unknown dim follows from the size.
    if (!t.shape.slice(a).includes(UNKNOWN)) return lax.reshape(t, target, t);
    if (unknowns(target) <= 1) return lax.reshape(t, target);
    // Unknown dims after the new axis too: add it last, where every dim keeps its position, then move it.
    return lax.transpose(lax.reshape(t, [...t.shape, 1], t), [...range(a), t.rank, ...range(t.rank).slice(a)]);
  });
}

/**
 * `x` without the axis `axis`, which must have length 1 (tf.squeeze(x, [axis])).
 *
 * @param x  a tensor-like.
 * @param axis  the axis to remove (negative counts from the end); required.
 * @returns a tensor of the dtype of `x`, with one axis fewer.
 * @throws K.ValueError when `axis` is out of range or its length is not 1.
 * @throws K.TypeError when `axis` is missing.
 * @example
 * ```ts
 * const x = K.constant([[1], [2], [3]]);
 * K.eval(K.squeeze(x, 1)); // [1, 2, 3]
 * K.eval(K.squeeze(x, 0)); // throws K.ValueError
 * ```
 */
export function squeeze(x: TensorLike, axis: number): Tensor {
  return keras(squeeze, () => {
    const t = toTensor('squeeze', x);
    if (axis === undefined || axis === null) throw typeError('squeeze', 'axis is required');
    const a = normAxis('squeeze', axis, t.rank);
    const d = t.shape[a]!;
    // An unknown dimension is taken on trust, as TensorFlow checks it only at run time.
    if (d !== 1 && d !== UNKNOWN) {
      throw valueError(
        'squeeze',
        `cannot squeeze axis ${axis} of x of shape ${fmtShape(t.shape)}: its size is ${d}, not 1`
      );
    }
    const target = t.shape.filter((_, i) => i !== a);
    if (!t.shape.slice(a + 1).includes(UNKNOWN)) return lax.reshape(t, target, t);
    if (unknowns(target) <= 1) return lax.reshape(t, target);
    // Unknown dims after the axis too: move it last, where every other dim keeps its position, then drop it.
    const moved = lax.transpose(t, [...range(t.rank).filter((i) => i !== a), a]);
    return lax.reshape(moved, target, moved);
  });
}

/** How many dims are unknown (a graph infers one of a reshape from the size; more need aligned positions). */
function unknowns(shape: readonly number[]): number {
  return shape.filter((d) => d === UNKNOWN).length;
}

/**
 * The block of `x` starting at `start` with `size` entries along each axis, as
 * tf.slice (`x[start[0] : start[0] + size[0], ...]` in Python). A size of -1
 * takes everything from the start to the end of that axis.
 *
 * @param x  a tensor-like.
 * @param start  the first index along each axis (one entry per axis of `x`), an array or a 1-D integer tensor.
 * @param size  how many entries to take along each axis (-1: all the rest), one per axis.
 * @returns a tensor of the dtype of `x`, of shape `size` (with -1 resolved).
 * @throws K.ValueError when `start` or `size` does not have one entry per axis, or the block does not fit in `x`.
 * @throws K.TypeError when `start` or `size` is not a list of integers.
 * @example
 * ```ts
 * const x = K.constant([[1, 2, 3], [4, 5, 6]]);
 * K.eval(K.slice(x, [0, 1], [2, 2])); // [[2, 3], [5, 6]]
 * K.eval(K.slice(x, [1, 0], [1, -1])); // [[4, 5, 6]]
 * ```
 */
export function slice(x: TensorLike, start: IntList, size: IntList): Tensor {
  return keras(slice, () => {
    const t = toTensor('slice', x);
    const b = intList(start, 'start');
    const s = intList(size, 'size');
    const where = `start ${fmtList(b)} and size ${fmtList(s)} for x of shape ${fmtShape(t.shape)}`;
    if (b.length !== t.rank || s.length !== t.rank) {
      throw valueError('slice', `${where}: start and size need one entry per axis (${t.rank})`);
    }
    const sizes = s.map((n, i) => {
      const dim = t.shape[i]!;
      // The rest of an axis of unknown length is known when the graph runs.
      if (n === -1 && dim === UNKNOWN) {
        if (b[i]! < 0) throw valueError('slice', `${where}: axis ${i} needs 0 <= start`);
        return UNKNOWN;
      }
      const len = n === -1 ? dim - b[i]! : n;
      if (b[i]! < 0 || len < 0 || (dim !== UNKNOWN && b[i]! + len > dim)) {
        throw valueError(
          'slice',
          `${where}: axis ${i} has length ${dim}, so it needs 0 <= start <= start + size <= ${dim}`
        );
      }
      return len;
    });
    return lax.sliceToEnd(t, b, sizes);
  });
}

/** Read a list-of-integers argument; TypeError when it is not one. */
function intList(v: unknown, arg: string): number[] {
  if (v instanceof Tensor) {
    if ((v.dtype !== 'int32' && v.dtype !== 'int64') || v.rank !== 1) {
      throw typeError(
        runningName(),
        `${arg} must be a list of integers or a 1-D int32 tensor; got a ${v.dtype} tensor of shape ${fmtShape(v.shape)}`
      );
    }
    if (v.isSymbolic) throw valueError(runningName(), `${arg} must have a value; got a symbolic tensor`);
    return v.toArray() as number[];
  }
  if (!isIntList(v)) {
    throw typeError(runningName(), `${arg} must be a list of integers; got ${describe(v)}`);
  }
  return (v as number[]).slice();
}

/** The target shape with its -1 filled in; ValueError naming both shapes when it cannot fit. */
function inferShape(
  from: readonly number[],
  given: number[],
  dims: readonly (number[] | null)[] | null = null
): number[] {
  // Entries that are x's own run-time dims (dims[i] not null) hold its static dim, -1 where unknown.
  const own = (i: number) => dims?.[i] != null;
  const want = given;
  const fail = (why: string) =>
    valueError('reshape', `cannot reshape x of shape ${fmtShape(from)} into shape ${fmtList(given)}: ${why}`);
  if (want.some((d, i) => d < -1 && !own(i)))
    throw fail('entries must be non-negative, or -1 for one inferred dimension');
  if (want.some((d, i) => d < 0 && own(i))) {
    if (want.filter((d, i) => d === -1 && !own(i)).length > 1) throw fail('only one dimension can be -1');
    return want;
  }
  const free = want.filter((d) => d === -1).length;
  if (free > 1) throw fail('only one dimension can be -1');
  // With unknown dimensions (a placeholder) the check waits until values exist.
  if (!isKnown(from)) return want;
  const n = sizeOf(from);
  const rest = sizeOf(want.filter((d) => d !== -1));
  if (free === 0) {
    if (rest !== n) throw fail(`x has ${n} values, the shape holds ${rest}`);
    return want;
  }
  if (rest === 0 || n % rest !== 0) throw fail(`x has ${n} values, which is not a multiple of ${rest}`);
  return want.map((d) => (d === -1 ? n / rest : d));
}

/** A list as written by the user: -1 stays -1 (fmtShape would print None). */
function fmtList(l: readonly number[]): string {
  return `(${l.join(', ')}${l.length === 1 ? ',' : ''})`;
}
