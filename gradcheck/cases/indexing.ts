// Gradcheck cases for src/ops/indexing.ts. These functions are linear, so
// most cases also square the result: the second-order check then sees the
// layout (a VJP that puts values in the wrong place fails it).
import * as K from '../../src/index.js';
import type { GradCase } from '../case.js';

const sq = (t: K.Tensor) => K.multiply(t, t);

export const indexingCases: GradCase[] = [
  {
    op: 'concatenate',
    variant: 'axis=-1, two inputs',
    inputs: [{ shape: [2, 3] }, { shape: [2, 2] }],
    fn: (a, b) => K.concatenate([a, b]),
  },
  {
    op: 'concatenate',
    variant: 'axis=1 of rank 3, three inputs, squared',
    inputs: [{ shape: [2, 1, 2] }, { shape: [2, 3, 2] }, { shape: [2, 2, 2] }],
    fn: (a, b, c) => sq(K.concatenate([a, b, c], 1)),
  },
  {
    op: 'concatenate',
    variant: 'axis=-3 (modulo rank 2: axis 1), squared',
    inputs: [{ shape: [2, 1] }, { shape: [2, 3] }],
    fn: (a, b) => sq(K.concatenate([a, b], -3)),
  },
  {
    op: 'concatenate',
    variant: 'one input used twice, squared',
    inputs: [{ shape: [3] }],
    fn: (a) => sq(K.concatenate([a, K.multiply(a, 2), a], 0)),
  },

  { op: 'stack', variant: 'axis=0', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], fn: (a, b) => K.stack([a, b]) },
  {
    op: 'stack',
    variant: 'axis=-1, squared',
    inputs: [{ shape: [2, 2] }, { shape: [2, 2] }, { shape: [2, 2] }],
    fn: (a, b, c) => sq(K.stack([a, b, c], -1)),
  },
  {
    op: 'stack',
    variant: 'scalars, squared',
    inputs: [{ shape: [] }, { shape: [] }],
    fn: (a, b) => sq(K.stack([a, b])),
  },

  { op: 'flatten', variant: 'rank 3', inputs: [{ shape: [2, 3, 2] }], fn: (x) => K.flatten(x) },
  {
    op: 'flatten',
    variant: 'of a transpose, squared',
    inputs: [{ shape: [2, 3] }],
    fn: (x) => sq(K.flatten(K.transpose(x))),
  },

  { op: 'batch_flatten', variant: '(2, 3, 2)', inputs: [{ shape: [2, 3, 2] }], fn: (x) => K.batch_flatten(x) },
  {
    op: 'batch_flatten',
    variant: '(2, 2, 1, 2), squared',
    inputs: [{ shape: [2, 2, 1, 2] }],
    fn: (x) => sq(K.batch_flatten(x)),
  },

  { op: 'tile', variant: 'n=[2, 3]', inputs: [{ shape: [2, 2] }], fn: (x) => K.tile(x, [2, 3]) },
  {
    op: 'tile',
    variant: 'n=[1, 2, 2] of rank 3, squared',
    inputs: [{ shape: [2, 1, 3] }],
    fn: (x) => sq(K.tile(x, [1, 2, 2])),
  },
  {
    op: 'tile',
    variant: 'n=3 of a vector, times a weight',
    inputs: [{ shape: [2] }, { shape: [6] }],
    fn: (x, w) => K.multiply(K.tile(x, 3), w),
  },

  { op: 'repeat', variant: 'n=3', inputs: [{ shape: [2, 3] }], fn: (x) => K.repeat(x, 3) },
  { op: 'repeat', variant: 'n=2, squared', inputs: [{ shape: [3, 2] }], fn: (x) => sq(K.repeat(x, 2)) },

  { op: 'repeat_elements', variant: 'rep=2, axis=0', inputs: [{ shape: [3] }], fn: (x) => K.repeat_elements(x, 2, 0) },
  {
    op: 'repeat_elements',
    variant: 'rep=3, axis=1, squared',
    inputs: [{ shape: [2, 2, 2] }],
    fn: (x) => sq(K.repeat_elements(x, 3, 1)),
  },
  {
    op: 'repeat_elements',
    variant: 'rep=2, axis=-1, times a weight',
    inputs: [{ shape: [2, 2] }, { shape: [2, 4] }],
    fn: (x, w) => K.multiply(K.repeat_elements(x, 2, -1), w),
  },

  { op: 'reverse', variant: 'axes=0', inputs: [{ shape: [4] }], fn: (x) => K.reverse(x, 0) },
  {
    op: 'reverse',
    variant: 'axes=[0, 2] of rank 3, times a weight',
    inputs: [{ shape: [2, 3, 2] }, { shape: [2, 3, 2] }],
    fn: (x, w) => K.multiply(K.reverse(x, [0, 2]), w),
  },
  { op: 'reverse', variant: 'axes=-1, squared', inputs: [{ shape: [2, 3] }], fn: (x) => sq(K.reverse(x, -1)) },

  // Repeated indices: the scatter-add of the gradient must accumulate.
  {
    op: 'gather',
    variant: 'rows [2, 0, 2, 2] of (3, 2)',
    inputs: [{ shape: [3, 2] }],
    fn: (r) => K.gather(r, [2, 0, 2, 2]),
  },
  {
    op: 'gather',
    variant: 'indices (2, 2) with repeats, squared',
    inputs: [{ shape: [4, 2] }],
    fn: (r) =>
      sq(
        K.gather(r, [
          [1, 3],
          [1, 1],
        ])
      ),
  },
  {
    op: 'gather',
    variant: 'scalar index of a vector, times itself',
    inputs: [{ shape: [3] }],
    fn: (r) => K.multiply(K.gather(r, 1), r),
  },
  {
    op: 'gather',
    variant: 'rank-3 reference, repeated rows, times a weight',
    inputs: [{ shape: [3, 2, 2] }, { shape: [5, 2, 2] }],
    fn: (r, w) => K.multiply(K.gather(r, [0, 2, 0, 0, 1]), w),
  },
];
