// Gradcheck cases for src/ops/random.ts. dropout is differentiable w.r.t. x:
// with a fixed seed its mask is the same at every evaluation, so finite
// differences see a fixed linear map (x * mask / (1 - level)). The seeded draws
// of the other random ops are constants: as factors they must give exactly the
// multiply gradient, which only holds if a seed repeats its values call after call.
import * as K from '../../src/index.js';
import type { GradCase } from '../case.js';

// The dropout seeds give masks with both kept and dropped entries, for float64
// (the cpu check) and float32 (the gpu check) draws alike.
export const randomCases: GradCase[] = [
  {
    op: 'dropout',
    variant: 'level 0.4, full mask',
    inputs: [{ shape: [3, 4] }],
    fn: (x) => K.dropout(x, 0.4, null, 1),
  },
  {
    op: 'dropout',
    variant: 'noise_shape (3, 1): whole rows',
    inputs: [{ shape: [3, 4] }],
    fn: (x) => K.dropout(x, 0.5, [3, 1], 4),
  },
  {
    op: 'dropout',
    variant: 'noise_shape (4,) broadcast over rows',
    inputs: [{ shape: [3, 4] }],
    fn: (x) => K.dropout(x, 0.5, [4], 5),
  },
  {
    op: 'dropout',
    variant: 'noise_shape (None, 1, 2) on rank 3',
    inputs: [{ shape: [2, 3, 2] }],
    fn: (x) => K.dropout(x, 0.25, [null, 1, 2], 5),
  },
  { op: 'dropout', variant: 'level 0 (x itself)', inputs: [{ shape: [2, 3] }], fn: (x) => K.dropout(x, 0) },
  // Second order is non-trivial only when x also appears outside the dropout.
  {
    op: 'dropout',
    variant: 'x * dropout(x)',
    inputs: [{ shape: [2, 5] }],
    fn: (x) => K.multiply(x, K.dropout(x, 0.5, null, 7)),
  },
  {
    op: 'random_normal',
    variant: 'seeded draws as a constant factor',
    inputs: [{ shape: [2, 3] }],
    fn: (x) => K.multiply(K.square(x), K.random_normal([2, 3], 0, 1, x.dtype, 8)),
  },
  {
    op: 'random_uniform',
    variant: 'seeded draws as a constant factor',
    inputs: [{ shape: [2, 3] }],
    fn: (x) => K.multiply(K.square(x), K.random_uniform([3], -1, 1, x.dtype, 9)),
  },
  {
    op: 'truncated_normal',
    variant: 'seeded draws as a constant factor',
    inputs: [{ shape: [2, 3] }],
    fn: (x) => K.multiply(K.square(x), K.truncated_normal([2, 1], 0, 1, x.dtype, 10)),
  },
];
