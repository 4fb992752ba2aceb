// Gradcheck cases for src/ops/linalg.ts: dot in each of Keras's rank patterns, and
// batch_dot in each axes form (int, pair, negative, null) over ranks 2 to 4.
// Both are bilinear, so the second-order check covers the cross terms x-y.
import type { GradCase } from '../case.js';
import * as K from '../../src/index.js';

const dot = (x: K.Tensor, y: K.Tensor) => K.dot(x, y);
const batchDot = (axes: K.BatchDotAxes) => (x: K.Tensor, y: K.Tensor) => K.batch_dot(x, y, axes);

export const linalgCases: GradCase[] = [
  { op: 'dot', variant: '2-D x 2-D', inputs: [{ shape: [2, 3] }, { shape: [3, 4] }], fn: dot },
  { op: 'dot', variant: '3-D x 2-D', inputs: [{ shape: [2, 4, 3] }, { shape: [3, 2] }], fn: dot },
  { op: 'dot', variant: '2-D x 3-D', inputs: [{ shape: [2, 3] }, { shape: [4, 3, 2] }], fn: dot },
  { op: 'dot', variant: '3-D x 3-D', inputs: [{ shape: [2, 2, 3] }, { shape: [2, 3, 2] }], fn: dot },
  { op: 'dot', variant: '1-D x 3-D', inputs: [{ shape: [3] }, { shape: [2, 3, 2] }], fn: dot },
  { op: 'dot', variant: '4-D x 4-D', inputs: [{ shape: [2, 1, 2, 3] }, { shape: [1, 2, 3, 2] }], fn: dot },
  {
    op: 'dot',
    variant: 'x . x^T (same input twice)',
    inputs: [{ shape: [3, 2] }],
    fn: (x) => K.dot(x, K.transpose(x)),
  },
  {
    op: 'dot',
    variant: 'slice then transpose then dot',
    inputs: [{ shape: [4, 5] }, { shape: [2, 3] }],
    fn: (x, y) => K.dot(K.transpose(K.slice(x, [1, 1], [2, 3])), y),
  },

  {
    op: 'batch_dot',
    variant: '2-D x 2-D, axes null',
    inputs: [{ shape: [3, 4] }, { shape: [3, 4] }],
    fn: batchDot(null),
  },
  {
    op: 'batch_dot',
    variant: "2-D x 3-D, axes (1, 2) (the docstring's walk-through)",
    inputs: [{ shape: [2, 3] }, { shape: [2, 4, 3] }],
    fn: batchDot([1, 2]),
  },
  {
    op: 'batch_dot',
    variant: '3-D x 2-D, axes null',
    inputs: [{ shape: [2, 3, 4] }, { shape: [2, 4] }],
    fn: batchDot(null),
  },
  {
    op: 'batch_dot',
    variant: '3-D x 3-D, axes null',
    inputs: [{ shape: [2, 3, 4] }, { shape: [2, 4, 2] }],
    fn: batchDot(null),
  },
  {
    op: 'batch_dot',
    variant: '3-D x 3-D, int axes 1',
    inputs: [{ shape: [2, 3, 2] }, { shape: [2, 3, 4] }],
    fn: batchDot(1),
  },
  {
    op: 'batch_dot',
    variant: '3-D x 4-D, axes (1, 3)',
    inputs: [{ shape: [2, 3, 2] }, { shape: [2, 2, 1, 3] }],
    fn: batchDot([1, 3]),
  },
  {
    op: 'batch_dot',
    variant: '4-D x 2-D, axes (2, 1)',
    inputs: [{ shape: [2, 2, 3, 2] }, { shape: [2, 3] }],
    fn: batchDot([2, 1]),
  },
  {
    op: 'batch_dot',
    variant: '4-D x 4-D, negative axes (-3, -1)',
    inputs: [{ shape: [2, 3, 2, 1] }, { shape: [2, 1, 2, 3] }],
    fn: batchDot([-3, -1]),
  },
  {
    op: 'batch_dot',
    variant: 'x . x^T per batch (same input twice, int axes 2)',
    inputs: [{ shape: [2, 3, 2] }],
    fn: (x) => K.batch_dot(x, x, 2),
  },
];
