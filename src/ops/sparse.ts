// Sparse tensors (tf.SparseTensor in coordinate form): is_sparse, to_dense, and
// the helpers variable, placeholder, K.function, dot and concatenate use on them.
// Everything is composed of primitives (gather, scatter_add, concat), so it runs
// on both devices and gradients flow to `values` (and to dot's dense operand).
// Index values are checked on the host where they are known (eager tensors and
// fed values); a symbolic tensor's are checked when K.function feeds them.
import { fmtShape, keras, typeError, valueError, runningName } from '../core/context.js';
import { isNdArray, toTensor, describeValue as describe, type TensorLike } from '../core/convert.js';
import { copyOut } from '../core/ndarray.js';
import { isInt, type DType } from '../core/dtype.js';
import { isKnown, sizeOf, UNKNOWN, isIntList } from '../core/shape.js';
import { SparseTensor } from '../core/sparse.js';
import { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';

/** A sparse value in coordinate form: scipy's COO attributes, or tf.SparseTensor's fields. */
export type CooValue =
  | { row: ArrayLike<number>; col: ArrayLike<number>; data: ArrayLike<number>; shape: number[] }
  | { indices: unknown; values: unknown; dense_shape: number[] };

/**
 * Whether `tensor` is a sparse tensor (a {@link SparseTensor}, e.g. from a
 * sparse placeholder or a variable made from a COO value).
 *
 * @param tensor Any value.
 * @returns true for a SparseTensor, false for anything else.
 * @example
 * ```ts
 * const a = K.placeholder([2, 2], { sparse: false });
 * K.is_sparse(a); // false
 * const b = K.placeholder([2, 2], { sparse: true });
 * K.is_sparse(b); // true
 * ```
 */
export function is_sparse(tensor: unknown): boolean {
  return keras(is_sparse, () => tensor instanceof SparseTensor);
}

/**
 * Converts a sparse tensor into a dense one: zeros where no value is given
 * (tf.sparse.to_dense). Any other tensor-like is returned as a tensor, as is.
 * Gradients flow to the sparse tensor's values.
 *
 * @param tensor A SparseTensor, or any tensor-like.
 * @returns A dense tensor of the dense shape and the values' dtype.
 * @throws K.ValueError when the dense shape has unknown dimensions, or an index is out of bounds or
 *   repeated.
 * @example
 * ```ts
 * const sp = K.variable({ indices: [[0, 0], [1, 2]], values: [1, 2], dense_shape: [2, 3] });
 * K.eval(K.to_dense(sp)); // [[1, 0, 0], [0, 0, 2]]
 * const b = K.placeholder([2, 2], { sparse: true });
 * K.is_sparse(K.to_dense(b)); // false
 * ```
 */
export function to_dense(tensor: SparseTensor | TensorLike): Tensor {
  return keras(to_dense, () =>
    tensor instanceof SparseTensor ? sparseToDense(tensor) : toTensor('to_dense', tensor, 'tensor')
  );
}

/**
 * Whether `x` is a plain object with the fields of a CooValue (scipy's
 * row/col/data/shape or tf.SparseTensor's indices/values/dense_shape).
 *
 * @param x Any value.
 * @returns true for a COO value.
 * @internal
 */
export function isCoo(x: unknown): x is CooValue {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || x instanceof Tensor || isNdArray(x)) return false;
  return (
    ('row' in x && 'col' in x && 'data' in x && 'shape' in x) || ('indices' in x && 'values' in x && 'dense_shape' in x)
  );
}

/**
 * A checked SparseTensor of a COO value (used by K.variable and K.function's
 * feeds); the values take `dtype`.
 *
 * @param fn The Keras function to name in errors.
 * @param value The COO value.
 * @param arg The argument to name in errors.
 * @param dtype The values' dtype.
 * @returns A SparseTensor with int64 indices.
 * @throws K.ValueError when the dense shape, the lengths or the index values are invalid.
 * @throws K.TypeError when the indices are not integers.
 * @internal
 */
export function sparseFromCoo(value: CooValue, arg: string, dtype: DType): SparseTensor {
  let indices: Tensor, values: Tensor, shape: unknown;
  if ('row' in value) {
    const row = Array.from(value.row),
      col = Array.from(value.col);
    if (row.length !== col.length)
      throw valueError(runningName(), `${arg}: row has ${row.length} entries but col has ${col.length}`);
    indices = toTensor(
      runningName(),
      row.length === 0 ? [] : row.map((r, i) => [r, col[i]!]),
      `${arg}.row/col`,
      'int64'
    );
    values = toTensor(runningName(), Array.from(value.data), `${arg}.data`, dtype);
    shape = value.shape;
  } else {
    indices = toTensor(runningName(), value.indices, `${arg}.indices`, 'int64');
    values = toTensor(runningName(), value.values, `${arg}.values`, dtype);
    shape = value.dense_shape;
  }
  if (!isIntList(shape, (d) => d >= 0)) {
    throw valueError(
      runningName(),
      `${arg}: the dense shape must be a list of non-negative integers; got ${describe(shape)}`
    );
  }
  const dense = shape as number[];
  // An empty list of indices has no inner dimension to infer.
  if (indices.rank === 1 && indices.shape[0] === 0) indices = lax.reshape(indices, [0, dense.length]);
  if (values.rank === 1 && values.shape[0] === 0 && values.dtype !== dtype) values = lax.cast(values, dtype);
  return checkedSparse(indices, values, dense, arg);
}

/**
 * A SparseTensor after checking ranks, dtypes, nnz and (when known) the index
 * values (in bounds, none repeated).
 *
 * @param fn The Keras function to name in errors.
 * @param indices Integer indices [nnz, rank].
 * @param values Values [nnz].
 * @param dense The dense shape (-1 for unknown dimensions).
 * @param arg The argument to name in errors.
 * @returns A SparseTensor with int64 indices.
 * @throws K.ValueError when a shape does not fit or an index is out of bounds or repeated.
 * @throws K.TypeError when the indices are not integers.
 * @internal
 */
export function checkedSparse(indices: Tensor, values: Tensor, dense: number[], arg: string): SparseTensor {
  if (!isInt(indices.dtype)) throw typeError(runningName(), `${arg}: indices must be integers; got ${indices.dtype}`);
  if (indices.rank !== 2 || (indices.shape[1] !== dense.length && indices.shape[1] !== UNKNOWN)) {
    throw valueError(
      runningName(),
      `${arg}: indices must have shape [nnz, ${dense.length}] for dense shape ${fmtShape(dense)}; got ${fmtShape(indices.shape)}`
    );
  }
  if (values.rank !== 1)
    throw valueError(runningName(), `${arg}: values must be 1-D ([nnz]); got shape ${fmtShape(values.shape)}`);
  const n = indices.shape[0]!,
    m = values.shape[0]!;
  if (n !== m && n !== UNKNOWN && m !== UNKNOWN) {
    throw valueError(
      runningName(),
      `${arg}: indices of shape ${fmtShape(indices.shape)} give ${n} positions but values of shape ${fmtShape(values.shape)} hold ${m}`
    );
  }
  checkIndexValues(indices, dense, arg);
  return new SparseTensor(indices.dtype === 'int64' ? indices : lax.cast(indices, 'int64'), values, dense);
}

/** Every index an integer inside the dense shape, none repeated (tf.sparse.to_dense's validation). */
function checkIndexValues(indices: Tensor, dense: number[], arg: string): void {
  if (indices.isSymbolic) return;
  const data = copyOut(indices.host(), indices.dtype).data;
  const rank = dense.length;
  const seen = new Set<string>();
  for (let i = 0; i * rank < data.length; i++) {
    const idx = Array.from(data.subarray(i * rank, (i + 1) * rank));
    if (idx.some((v, k) => !Number.isInteger(v) || v < 0 || (dense[k]! >= 0 && v >= dense[k]!))) {
      throw valueError(
        runningName(),
        `${arg}: index [${idx.join(', ')}] (entry ${i}) is out of bounds for dense shape ${fmtShape(dense)}`
      );
    }
    const key = idx.join(',');
    if (seen.has(key)) throw valueError(runningName(), `${arg}: index [${idx.join(', ')}] (entry ${i}) is repeated`);
    seen.add(key);
  }
}

function knownShape(sp: SparseTensor, arg: string): void {
  if (!isKnown(sp.dense_shape)) {
    throw valueError(
      runningName(),
      `${arg} has dense shape ${fmtShape(sp.dense_shape)} with unknown dimensions; give the placeholder a full shape`
    );
  }
}

/**
 * The dense tensor of a SparseTensor: its values scattered into zeros at their
 * row-major positions, then shaped.
 *
 * @param fn The Keras function to name in errors.
 * @param sp The sparse tensor (with a known dense shape).
 * @returns A dense tensor.
 * @throws K.ValueError when the dense shape is unknown or an index is out of bounds or repeated.
 * @internal
 */
export function sparseToDense(sp: SparseTensor): Tensor {
  knownShape(sp, 'tensor');
  checkIndexValues(sp.indices, sp.dense_shape, 'tensor');
  const dense = sp.dense_shape,
    rank = dense.length;
  const strides = dense.map((_, k) => sizeOf(dense.slice(k + 1)));
  const pos = lax.sum(lax.mul(sp.indices, toTensor(runningName(), strides, 'strides', 'int64')), [1]);
  const flat = lax.scatterAdd(sp.values, pos, 0, sizeOf(dense));
  return rank === 1 ? flat : lax.reshape(flat, dense);
}

/** Column `k` of the indices, as a vector of nnz entries. */
function indexColumn(sp: SparseTensor, k: number): Tensor {
  const col = lax.slice(sp.indices, [0, k], [sp.indices.shape[0]!, 1], sp.indices);
  return lax.reshape(col, [sp.indices.shape[0]!]);
}

/**
 * x @ y for a 2-D sparse x (tf.sparse.sparse_dense_matmul): each value times
 * its row of y, summed into its output row (K.dot's sparse path).
 *
 * @param fn The Keras function to name in errors.
 * @param x A 2-D SparseTensor.
 * @param yIn A 2-D dense tensor-like (plain values take x's dtype).
 * @returns A dense tensor (x rows, y columns).
 * @throws K.ValueError when a rank or the inner dimensions do not match, or an index is invalid.
 * @throws K.TypeError when the dtypes differ or are bool.
 * @internal
 */
export function sparseDenseMatmul(x: SparseTensor, yIn: unknown): Tensor {
  const y = toTensor(runningName(), yIn, 'y', x.dtype);
  const shapes = `x of dense shape ${fmtShape(x.dense_shape)} and y of shape ${fmtShape(y.shape)}`;
  if (x.dtype !== y.dtype)
    throw typeError(runningName(), `x and y must have the same dtype; got ${x.dtype} and ${y.dtype}`);
  if (x.dtype === 'bool') throw typeError(runningName(), 'x and y must be numeric; got bool');
  if (x.rank !== 2 || y.rank !== 2)
    throw valueError(
      runningName(),
      `a sparse x needs a 2-D x and a 2-D y (tf.sparse.sparse_dense_matmul); got ${shapes}`
    );
  const k = x.dense_shape[1]!,
    l = y.shape[0]!;
  if (k !== l && k !== UNKNOWN && l !== UNKNOWN) {
    throw valueError(
      runningName(),
      `the last axis of x (${k}) does not match the first axis of y (${l}); got ${shapes}`
    );
  }
  if (x.dense_shape[0]! < 0)
    throw valueError(runningName(), `x has dense shape ${fmtShape(x.dense_shape)}: its number of rows must be known`);
  checkIndexValues(x.indices, x.dense_shape, 'x');
  const nnz = x.values.shape[0]!;
  const rows = lax.gather(y, indexColumn(x, 1), 0);
  const scaled = lax.mul(lax.reshape(x.values, [nnz, 1]), rows);
  return lax.scatterAdd(scaled, indexColumn(x, 0), 0, x.dense_shape[0]!);
}

/**
 * tf.sparse.concat (K.concatenate's sparse path): the indices shifted along
 * `axis` by the sizes before them, in row-major order when known.
 *
 * @param fn The Keras function to name in errors.
 * @param xs Sparse tensors of one dtype and rank.
 * @param axis A non-negative axis.
 * @returns A SparseTensor.
 * @throws K.ValueError when the dense shapes disagree off `axis` or are unknown along it.
 * @throws K.TypeError when the dtypes differ.
 * @internal
 */
export function sparseConcat(xs: SparseTensor[], axis: number): SparseTensor {
  const first = xs[0]!;
  const rank = first.rank;
  const dense = first.dense_shape.slice();
  let offset = 0;
  const parts = xs.map((x, i) => {
    if (x.dtype !== first.dtype)
      throw typeError(runningName(), `tensors[${i}] is ${x.dtype}, but tensors[0] is ${first.dtype}`);
    const bad =
      x.rank !== rank ||
      x.dense_shape.some((d, k) => k !== axis && d !== dense[k] && d !== UNKNOWN && dense[k] !== UNKNOWN);
    if (bad) {
      throw valueError(
        runningName(),
        `tensors[${i}] of dense shape ${fmtShape(x.dense_shape)} does not match tensors[0] of dense shape ` +
          `${fmtShape(first.dense_shape)}: all dimensions but axis ${axis} must be equal`
      );
    }
    if (x.dense_shape[axis]! < 0)
      throw valueError(
        runningName(),
        `tensors[${i}] has dense shape ${fmtShape(x.dense_shape)}: its size along axis ${axis} must be known`
      );
    x.dense_shape.forEach((d, k) => {
      if (dense[k] === UNKNOWN) dense[k] = d;
    });
    const shift = new Array<number>(rank).fill(0);
    shift[axis] = offset;
    offset += x.dense_shape[axis]!;
    return shift[axis] === 0 ? x.indices : lax.add(x.indices, toTensor(runningName(), shift, 'shift', 'int64'));
  });
  dense[axis] = offset;
  let indices = lax.concat(parts, 0);
  let values = lax.concat(
    xs.map((x) => x.values),
    0
  );
  if (!indices.isSymbolic) {
    // tf.sparse.concat reorders into row-major order; a gather keeps values differentiable.
    const data = copyOut(indices.host(), 'int64').data;
    const key = (i: number) => Array.from(data.subarray(i * rank, (i + 1) * rank));
    const order = [...Array(indices.shape[0]).keys()].sort((a, b) => {
      const ka = key(a),
        kb = key(b);
      const k = ka.findIndex((v, j) => v !== kb[j]);
      return k < 0 ? 0 : ka[k]! - kb[k]!;
    });
    if (order.some((v, i) => v !== i)) {
      const perm = toTensor(runningName(), order, 'order', 'int32');
      indices = lax.gather(indices, perm, 0);
      values = lax.gather(values, perm, 0);
    }
  }
  return new SparseTensor(indices, values, dense);
}
