// Gradcheck cases for src/ops/pool.ts. Pooling is (piecewise) linear, so most
// cases square the result or weigh it by a second input: the second-order
// check then sees where the gradient goes. Max pooling gets fixed inputs
// without ties, their values at least 0.04 apart, so that no finite-difference
// step moves a window's maximum.
import * as K from '../../src/index.js';
import type { GradCase, InputSpec } from '../case.js';

const sq = (t: K.Tensor) => K.multiply(t, t);

/** Distinct values in [-1.5, 1.5) for `shape`, spread in a scrambled order (i * p mod n, p prime to n). */
function distinct(shape: number[]): InputSpec {
  const n = shape.reduce((a, b) => a * b, 1);
  const p = [7919, 104729, 1299709].find((q) => n % q !== 0 && gcd(q, n) === 1)!;
  return { shape, values: Array.from({ length: n }, (_, i) => ((i * p) % n) * (3 / n) - 1.5) };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export const poolCases: GradCase[] = [
  {
    op: 'pool2d',
    variant: 'max 2x2 stride 2 valid, squared',
    inputs: [distinct([2, 4, 4, 2])],
    fn: (x) => sq(K.pool2d(x, [2, 2], [2, 2])),
  },
  {
    op: 'pool2d',
    variant: 'max 3x3 stride 1 same (overlapping windows), channels_first, times a weight',
    inputs: [distinct([1, 2, 3, 4]), { shape: [1, 2, 3, 4] }],
    fn: (x, w) => K.multiply(K.pool2d(x, [3, 3], [1, 1], 'same', 'channels_first', 'max'), w),
  },
  {
    op: 'pool2d',
    variant: 'max 2x3 stride (1, 2) same, odd padding after',
    inputs: [distinct([1, 5, 5, 1])],
    fn: (x) => K.pool2d(x, [2, 3], [1, 2], 'same'),
  },
  {
    op: 'pool2d',
    variant: 'avg 3x3 stride 2 same (uneven divisors), squared',
    inputs: [{ shape: [1, 5, 4, 2] }],
    fn: (x) => sq(K.pool2d(x, [3, 3], [2, 2], 'same', 'channels_last', 'avg')),
  },
  {
    op: 'pool2d',
    variant: 'avg 2x3 stride 1 valid, channels_first, times a weight',
    inputs: [{ shape: [2, 2, 3, 4] }, { shape: [2, 2, 2, 2] }],
    fn: (x, w) => K.multiply(K.pool2d(x, [2, 3], [1, 1], 'valid', 'channels_first', 'avg'), w),
  },

  {
    op: 'pool3d',
    variant: 'max 2x2x2 stride (1, 2, 1) same, squared',
    inputs: [distinct([1, 3, 4, 3, 2])],
    fn: (x) => sq(K.pool3d(x, [2, 2, 2], [1, 2, 1], 'same')),
  },
  {
    op: 'pool3d',
    variant: 'max 2x1x2 valid, channels_first',
    inputs: [distinct([1, 2, 3, 2, 4])],
    fn: (x) => K.pool3d(x, [2, 1, 2], [1, 1, 2], 'valid', 'channels_first'),
  },
  {
    op: 'pool3d',
    variant: 'avg 3x2x2 stride 2 same, channels_first, squared',
    inputs: [{ shape: [1, 2, 3, 4, 3] }],
    fn: (x) => sq(K.pool3d(x, [3, 2, 2], [2, 2, 2], 'same', 'channels_first', 'avg')),
  },
  {
    op: 'pool3d',
    variant: 'avg 2x2x2 valid',
    inputs: [{ shape: [2, 3, 3, 2, 1] }],
    fn: (x) => K.pool3d(x, [2, 2, 2], [1, 1, 1], 'valid', 'channels_last', 'avg'),
  },

  // Bilinear in inputs and kernel: the second order checks both cross terms.
  {
    op: 'local_conv1d',
    variant: 'kernel 2 stride 1, channels_last',
    inputs: [{ shape: [2, 4, 2] }, { shape: [3, 4, 2] }],
    fn: (x, k) => K.local_conv1d(x, k, [2], [1]),
  },
  {
    op: 'local_conv1d',
    variant: 'kernel 3 stride 2, channels_first, squared',
    inputs: [{ shape: [1, 2, 7] }, { shape: [3, 6, 2] }],
    fn: (x, k) => sq(K.local_conv1d(x, k, [3], [2], 'channels_first')),
  },
  {
    op: 'local_conv2d',
    variant: '2x2 kernel, strides (1, 2), channels_last',
    inputs: [{ shape: [2, 3, 5, 1] }, { shape: [4, 4, 2] }],
    fn: (x, k) => K.local_conv2d(x, k, [2, 2], [1, 2], [2, 2]),
  },
  {
    op: 'local_conv2d',
    variant: '2x1 kernel, channels_first, squared',
    inputs: [{ shape: [1, 2, 3, 2] }, { shape: [4, 4, 2] }],
    fn: (x, k) => sq(K.local_conv2d(x, k, [2, 1], [1, 1], [2, 2], 'channels_first')),
  },
];
