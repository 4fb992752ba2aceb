// Gradcheck cases for src/ops/sparse.ts: to_dense and dot of a sparse x by a
// dense y, w.r.t. the sparse values and the dense operand. The indices are fixed
// (not differentiable); the SparseTensor is built inside fn from the sampled values.
// to_dense is linear and sparse dot bilinear, so the second-order check covers
// the cross terms values-y.
import type { GradCase } from '../case.js';
import * as K from '../../src/index.js';

const sparse = (indices: number[][], values: K.Tensor, shape: number[]) =>
  new K.SparseTensor(K.constant(indices, 'int64'), values, shape);

const IDX2 = [
  [0, 1],
  [1, 3],
  [2, 0],
  [2, 2],
];
const IDX3 = [
  [0, 0, 2],
  [1, 1, 0],
  [1, 0, 1],
];

export const sparseCases: GradCase[] = [
  {
    op: 'to_dense',
    variant: '2-D, 4 values',
    inputs: [{ shape: [4] }],
    fn: (v) => K.to_dense(sparse(IDX2, v, [3, 4])),
  },
  {
    op: 'to_dense',
    variant: '3-D, 3 values, times a dense tensor',
    inputs: [{ shape: [3] }, { shape: [2, 2, 3] }],
    fn: (v, w) => K.multiply(K.to_dense(sparse(IDX3, v, [2, 2, 3])), w),
  },
  {
    op: 'dot',
    variant: 'sparse [3, 4] x dense [4, 2]',
    inputs: [{ shape: [4] }, { shape: [4, 2] }],
    fn: (v, y) => K.dot(sparse(IDX2, v, [3, 4]), y),
  },
  {
    op: 'dot',
    variant: 'sparse [3, 4] with two values in one row x dense [4, 3], squared',
    inputs: [{ shape: [4] }, { shape: [4, 3] }],
    fn: (v, y) => K.square(K.dot(sparse(IDX2, v, [3, 4]), y)),
  },
];
