// Gradcheck cases for src/ops/scan.ts. cumprod's VJP has no division (an
// affine_scan of the cotangent weighted by the running products), so cases
// with exact zeros in x are checked at both orders like any other.
import * as K from '../../src/index.js';
import type { GradCase } from '../case.js';

const SIGNED_3x3 = [1.3, -0.7, 1.9, -1.6, 0.8, -1.1, 0.6, 1.4, -0.9];

export const scanCases: GradCase[] = [
  { op: 'cumsum', variant: 'default axis, rank 1', inputs: [{ shape: [5] }], fn: (x) => K.cumsum(x) },
  { op: 'cumsum', variant: 'axis=1', inputs: [{ shape: [2, 3, 4] }], fn: (x) => K.cumsum(x, 1) },
  { op: 'cumsum', variant: 'axis=-1, as options', inputs: [{ shape: [3, 4] }], fn: (x) => K.cumsum(x, { axis: -1 }) },
  // Squaring makes the second derivative non-zero (cumsum alone is linear).
  { op: 'cumsum', variant: 'axis=0, squared', inputs: [{ shape: [4, 2] }], fn: (x) => K.square(K.cumsum(x, 0)) },

  {
    op: 'cumprod',
    variant: 'default axis, rank 1',
    inputs: [{ shape: [5], low: 0.5, high: 1.5 }],
    fn: (x) => K.cumprod(x),
  },
  {
    op: 'cumprod',
    variant: 'axis=1, signed',
    inputs: [{ shape: [3, 3], values: SIGNED_3x3 }],
    fn: (x) => K.cumprod(x, 1),
  },
  {
    op: 'cumprod',
    variant: 'axis=-2, rank 3',
    inputs: [{ shape: [2, 4, 2], low: 0.5, high: 1.5 }],
    fn: (x) => K.cumprod(x, -2),
  },
  {
    op: 'cumprod',
    variant: 'one zero in the middle',
    inputs: [{ shape: [5], values: [1.3, -0.8, 0, 1.6, -1.2] }],
    fn: (x) => K.cumprod(x),
  },
  {
    op: 'cumprod',
    variant: 'zero first',
    inputs: [{ shape: [4], values: [0, 1.5, -0.7, 1.2] }],
    fn: (x) => K.cumprod(x),
  },
  {
    op: 'cumprod',
    variant: 'two zeros, axis=1',
    inputs: [{ shape: [2, 5], values: [1.4, 0, -0.9, 0, 1.1, 0.7, 1.3, -1.5, 0.8, 1.2] }],
    fn: (x) => K.cumprod(x, 1),
  },
  {
    op: 'cumprod',
    variant: 'two adjacent zeros, axis=0',
    inputs: [{ shape: [4, 2], values: [1.2, -0.6, 0, 1.3, 0, 0, -1.4, 0.9] }],
    fn: (x) => K.cumprod(x, 0),
  },
  {
    op: 'cumprod',
    variant: 'of cumsum (zero crossing), squared',
    inputs: [{ shape: [4], values: [0.5, -0.5, 1.2, 0.7] }],
    fn: (x) => K.square(K.cumprod(K.cumsum(x))),
  },
];
