// Gradcheck cases for src/ops/reduce.ts.
import * as K from '../../src/index.js';
import type { GradCase } from '../case.js';

// Distinct values at least 0.3 apart, so no finite-difference step can swap
// the extreme of a slice (max/min are kinked where two values tie).
const DISTINCT_2x3 = [0.7, -1.3, 2.1, -0.4, 1.6, -2.2];
const DISTINCT_2x3x2 = [1.9, -0.6, 0.3, 2.4, -1.5, 1.1, -2.3, 0.8, 1.4, -0.9, 0.0, -1.8];

// prod: values away from 0 with both signs (the sign flips must come through).
const SIGNED_2x3 = [1.3, -0.7, 1.9, -1.6, 0.8, -1.1];

export const reduceCases: GradCase[] = [
  { op: 'sum', variant: 'all axes', inputs: [{ shape: [2, 3] }], fn: (x) => K.sum(x) },
  { op: 'sum', variant: 'axis=1, keepdims', inputs: [{ shape: [2, 3, 4] }], fn: (x) => K.sum(x, 1, true) },
  { op: 'sum', variant: 'axis=[0, -1]', inputs: [{ shape: [2, 3, 4] }], fn: (x) => K.sum(x, [0, -1]) },
  { op: 'sum', variant: 'axis=[] (identity)', inputs: [{ shape: [2, 3] }], fn: (x) => K.sum(x, []) },
  {
    op: 'sum',
    variant: 'axis=-1 of a broadcast product, as options',
    inputs: [{ shape: [2, 3] }, { shape: [3] }],
    fn: (x, y) => K.sum(K.multiply(x, y), { axis: -1 }),
  },

  { op: 'mean', variant: 'all axes', inputs: [{ shape: [2, 3] }], fn: (x) => K.mean(x) },
  { op: 'mean', variant: 'axis=0', inputs: [{ shape: [3, 4] }], fn: (x) => K.mean(x, 0) },
  { op: 'mean', variant: 'axis=[1, 2], keepdims', inputs: [{ shape: [2, 3, 2] }], fn: (x) => K.mean(x, [1, 2], true) },
  { op: 'mean', variant: '0-d', inputs: [{ shape: [] }], fn: (x) => K.mean(x) },
  // Products make the second order non-trivial (mean alone is linear).
  { op: 'mean', variant: 'axis=-1 of x*x', inputs: [{ shape: [2, 3] }], fn: (x) => K.mean(K.multiply(x, x), -1) },

  { op: 'max', variant: 'all axes', inputs: [{ shape: [2, 3], values: DISTINCT_2x3 }], fn: (x) => K.max(x) },
  { op: 'max', variant: 'axis=1', inputs: [{ shape: [2, 3], values: DISTINCT_2x3 }], fn: (x) => K.max(x, 1) },
  {
    op: 'max',
    variant: 'axis=[0, 2], keepdims',
    inputs: [{ shape: [2, 3, 2], values: DISTINCT_2x3x2 }],
    fn: (x) => K.max(x, [0, 2], true),
  },
  {
    op: 'max',
    variant: 'axis=0 of x*x',
    inputs: [{ shape: [2, 3], values: DISTINCT_2x3 }],
    fn: (x) => K.max(K.multiply(x, x), 0),
  },

  { op: 'min', variant: 'all axes', inputs: [{ shape: [2, 3], values: DISTINCT_2x3 }], fn: (x) => K.min(x) },
  {
    op: 'min',
    variant: 'axis=-1, keepdims',
    inputs: [{ shape: [2, 3], values: DISTINCT_2x3 }],
    fn: (x) => K.min(x, -1, true),
  },
  {
    op: 'min',
    variant: 'axis=[0, 1]',
    inputs: [{ shape: [2, 3, 2], values: DISTINCT_2x3x2 }],
    fn: (x) => K.min(x, [0, 1]),
  },

  { op: 'prod', variant: 'all axes', inputs: [{ shape: [2, 3], low: 0.5, high: 1.5 }], fn: (x) => K.prod(x) },
  {
    op: 'prod',
    variant: 'axis=1, keepdims, signed',
    inputs: [{ shape: [2, 3], values: SIGNED_2x3 }],
    fn: (x) => K.prod(x, 1, true),
  },
  {
    op: 'prod',
    variant: 'axis=[0, 2]',
    inputs: [{ shape: [2, 3, 2], low: 0.5, high: 1.5 }],
    fn: (x) => K.prod(x, [0, 2]),
  },
  { op: 'prod', variant: 'axis=0, signed', inputs: [{ shape: [2, 3], values: SIGNED_2x3 }], fn: (x) => K.prod(x, 0) },
  // prod with exact zeros: its VJP (the product of the others, by running
  // products from both ends) has no division, so both orders are exact there.
  {
    op: 'prod',
    variant: 'axis=1, one zero in row 0',
    inputs: [{ shape: [2, 3], values: [1.3, 0, -1.7, 0.9, 1.2, -0.8] }],
    fn: (x) => K.prod(x, 1),
  },
  {
    op: 'prod',
    variant: 'all axes, exactly one zero',
    inputs: [{ shape: [2, 2], values: [1.5, -0.6, 0, 1.4] }],
    fn: (x) => K.prod(x),
  },
  {
    op: 'prod',
    variant: 'axis=1, two zeros in row 0',
    inputs: [{ shape: [2, 3], values: [0, 1.7, 0, 0.9, -1.2, 1.1] }],
    fn: (x) => K.prod(x, 1),
  },

  { op: 'var', variant: 'all axes', inputs: [{ shape: [2, 3] }], fn: (x) => K.var(x) },
  { op: 'var', variant: 'axis=1', inputs: [{ shape: [2, 4] }], fn: (x) => K.var(x, 1) },
  { op: 'var', variant: 'axis=[0, 2], keepdims', inputs: [{ shape: [2, 3, 2] }], fn: (x) => K.var(x, [0, 2], true) },
  {
    op: 'var',
    variant: 'axis=-1, as options',
    inputs: [{ shape: [3, 3] }],
    fn: (x) => K.var(x, { axis: -1, keepdims: false }),
  },

  // Fixed values keep every variance well away from 0 (where sqrt has a pole).
  { op: 'std', variant: 'all axes', inputs: [{ shape: [2, 3], values: DISTINCT_2x3 }], fn: (x) => K.std(x) },
  { op: 'std', variant: 'axis=0', inputs: [{ shape: [2, 3], values: DISTINCT_2x3 }], fn: (x) => K.std(x, 0) },
  {
    op: 'std',
    variant: 'axis=-1, keepdims',
    inputs: [{ shape: [2, 3, 2], values: DISTINCT_2x3x2 }],
    fn: (x) => K.std(x, -1, true),
  },
  {
    op: 'std',
    variant: 'axis=[0, 1]',
    inputs: [{ shape: [2, 3, 2], values: DISTINCT_2x3x2 }],
    fn: (x) => K.std(x, [0, 1]),
  },
];
