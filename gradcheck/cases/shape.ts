// Gradcheck cases for src/ops/shape.ts. These functions are linear, so the
// second-order check confirms that their VJPs are themselves differentiable.
import type { GradCase } from '../case.js';
import * as K from '../../src/index.js';

export const shapeCases: GradCase[] = [
  { op: 'reshape', variant: '(2, 6) -> (3, -1)', inputs: [{ shape: [2, 6] }], fn: (x) => K.reshape(x, [3, -1]) },
  { op: 'reshape', variant: 'to a scalar', inputs: [{ shape: [1, 1] }], fn: (x) => K.reshape(x, []) },
  // Squaring after the op makes the second derivative non-zero, so the second pass sees the layout.
  {
    op: 'reshape',
    variant: 'of a transpose (non-contiguous), squared',
    inputs: [{ shape: [2, 3, 4] }],
    fn: (x) => K.multiply(K.reshape(K.transpose(x), [-1, 2]), K.reshape(K.transpose(x), [-1, 2])),
  },
  { op: 'transpose', variant: 'rank 3', inputs: [{ shape: [2, 3, 4] }], fn: (x) => K.transpose(x) },
  {
    op: 'transpose',
    variant: 'rank 2, squared',
    inputs: [{ shape: [2, 3] }],
    fn: (x) => K.multiply(K.transpose(x), K.transpose(x)),
  },
  {
    op: 'permute_dimensions',
    variant: '(2, 0, 1)',
    inputs: [{ shape: [2, 3, 4] }],
    fn: (x) => K.permute_dimensions(x, [2, 0, 1]),
  },
  {
    op: 'permute_dimensions',
    variant: '(0, 3, 1, 2), times itself',
    inputs: [{ shape: [2, 1, 3, 2] }],
    fn: (x) => K.multiply(K.permute_dimensions(x, [0, 3, 1, 2]), K.permute_dimensions(x, [0, 3, 1, 2])),
  },
  { op: 'expand_dims', variant: 'axis=-1', inputs: [{ shape: [2, 3] }], fn: (x) => K.expand_dims(x) },
  { op: 'expand_dims', variant: 'axis=0', inputs: [{ shape: [3] }], fn: (x) => K.expand_dims(x, 0) },
  { op: 'squeeze', variant: 'axis=1', inputs: [{ shape: [2, 1, 3] }], fn: (x) => K.squeeze(x, 1) },
  { op: 'squeeze', variant: 'axis=-1', inputs: [{ shape: [3, 1] }], fn: (x) => K.squeeze(x, -1) },
  { op: 'slice', variant: 'middle of (4, 5)', inputs: [{ shape: [4, 5] }], fn: (x) => K.slice(x, [1, 2], [2, 2]) },
  {
    op: 'slice',
    variant: 'rank 3, size -1',
    inputs: [{ shape: [3, 4, 2] }],
    fn: (x) => K.slice(x, [1, 1, 0], [-1, 2, 1]),
  },
  {
    op: 'slice',
    variant: 'of a transpose, squared',
    inputs: [{ shape: [4, 5] }],
    fn: (x) => K.multiply(K.slice(K.transpose(x), [1, 1], [3, 2]), K.slice(K.transpose(x), [1, 1], [3, 2])),
  },
];
