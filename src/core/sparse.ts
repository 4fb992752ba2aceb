// A sparse tensor in coordinate form, as tf.SparseTensor: the positions of its
// non-zero values (`indices`, int64 [nnz, rank], row-major order), the values
// themselves ([nnz]) and the dense shape. Its two tensors are ordinary graph
// tensors, so gradients flow to `values` and placeholders work the same way.
import { fmtShape } from './context.js';
import type { DType } from './dtype.js';
import type { Tensor } from './tensor.js';

/**
 * A sparse tensor in coordinate form, as tf.SparseTensor: `indices` (int64
 * [nnz, rank], row-major order) are the positions of the non-zero `values`
 * ([nnz]) in a tensor of shape `dense_shape`. Made by K.variable from a COO
 * value (scipy's {row, col, data, shape} or {indices, values, dense_shape}),
 * which checks it, or by a sparse K.placeholder; K.to_dense, K.dot,
 * K.concatenate, K.int_shape and K.dtype accept it. Gradients flow to `values`.
 *
 * @example
 * ```ts
 * const sp = K.variable({ row: [0, 1], col: [1, 0], data: [3, 4], shape: [2, 2] });
 * sp instanceof K.SparseTensor; // true
 * sp.shape; // [2, 2]
 * K.eval(K.to_dense(sp)); // [[0, 3], [4, 0]]
 * K.eval(K.dot(sp, K.constant([[1], [1]]))); // [[3], [4]]
 * ```
 */
export class SparseTensor {
  /** The name of the variable or placeholder it was made as, or null. */
  name: string | null = null;

  /**
   * Wraps its parts as they are, without checks; prefer K.variable with a COO
   * value, which checks the indices.
   *
   * @param indices int64 positions [nnz, rank], in row-major order.
   * @param values The values [nnz].
   * @param dense_shape The dense shape; -1 for a dimension unknown until fed (a sparse placeholder).
   */
  constructor(
    readonly indices: Tensor,
    readonly values: Tensor,
    /** -1 for a dim unknown until fed (a sparse placeholder). */
    readonly dense_shape: number[]
  ) {}

  /** The dense shape (dense_shape). */
  get shape(): number[] {
    return this.dense_shape;
  }

  /** The values' dtype. */
  get dtype(): DType {
    return this.values.dtype;
  }

  /** The number of dense dimensions. */
  get rank(): number {
    return this.dense_shape.length;
  }

  /** Whether its indices or values are symbolic (a sparse placeholder's). */
  get isSymbolic(): boolean {
    return this.values.isSymbolic || this.indices.isSymbolic;
  }

  /**
   * A short description: 'SparseTensor(shape=(2, 3), dtype=float32, nnz=2)'.
   *
   * @returns The description.
   */
  toString(): string {
    return `SparseTensor(shape=${fmtShape(this.dense_shape)}, dtype=${this.dtype}, nnz=${this.values.shape[0] ?? '?'})`;
  }
}
