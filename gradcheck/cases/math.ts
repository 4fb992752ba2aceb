// Gradcheck cases for src/ops/math.ts. Piecewise functions get fixed inputs at
// least 0.1 from every kink (relu at 0 / threshold / max_value, abs and sign at
// 0, clip at its bounds, maximum/minimum ties, elu and softsign at 0 where the
// second derivative jumps).
import * as K from '../../src/index.js';
import type { GradCase, InputSpec } from '../case.js';

type Fn2 = (x: K.Tensor, y: K.Tensor) => K.Tensor;

// Broadcasting partners for a (2, 3) x: same shape, trailing (3,), column (2, 1), scalar.
const PARTNERS: [string, number[]][] = [
  ['(2, 3) with (2, 3)', [2, 3]],
  ['(2, 3) with (3,)', [3]],
  ['(2, 3) with (2, 1)', [2, 1]],
  ['(2, 3) with ()', []],
];

function binaryCases(op: string, fn: Fn2, y: Omit<InputSpec, 'shape'> = {}): GradCase[] {
  return [
    ...PARTNERS.map(
      ([variant, shape]): GradCase => ({ op, variant, inputs: [{ shape: [2, 3] }, { shape, ...y }], fn })
    ),
    // (3,) with (2, 1): both sides broadcast.
    { op, variant: '(3,) with (2, 1)', inputs: [{ shape: [3] }, { shape: [2, 1], ...y }], fn },
  ];
}

// Six values away from 0, both signs.
const SIGNED = [-1.7, -0.6, -0.2, 0.3, 0.9, 1.8];
// Around relu's kinks 0, 0.5 (threshold), 1.5 (max_value) and 6 (relu6), at least 0.1 away.
const RELU_X = [-2.3, -0.8, -0.15, 0.2, 0.35, 0.7, 1.2, 1.7, 3.1, 5.6, 6.4, 8.2];
// Pairs with no ties: x vs y differ by at least 0.3 everywhere (y broadcast over rows).
const MAXMIN_X = [0.7, -1.3, 2.1, -0.4, 1.6, -2.2];
const MAXMIN_Y_ROW = [0.2, 0.1, -0.5];
const MAXMIN_Y_COL = [-0.9, 0.4];
// For clip to [-0.5, 1]: below, inside and above, away from both bounds.
const CLIP_X = [-1.9, -0.8, -0.3, 0.1, 0.6, 0.85, 1.3, 2.2, -1.1];

export const mathCases: GradCase[] = [
  ...binaryCases('add', (x, y) => K.add(x, y)),
  { op: 'add', variant: 'x + number', inputs: [{ shape: [2, 3] }], fn: (x) => K.add(x, 1.5) },
  ...binaryCases('subtract', (x, y) => K.subtract(x, y)),
  { op: 'subtract', variant: 'number - x', inputs: [{ shape: [2, 3] }], fn: (x) => K.subtract(2, x) },
  ...binaryCases('multiply', (x, y) => K.multiply(x, y)),
  { op: 'multiply', variant: 'x * x', inputs: [{ shape: [2, 3] }], fn: (x) => K.multiply(x, x) },
  ...binaryCases('divide', (x, y) => K.divide(x, y), { low: 0.5, high: 2 }),
  {
    op: 'divide',
    variant: 'negative denominators',
    inputs: [{ shape: [2, 3] }, { shape: [3], low: -2, high: -0.5 }],
    fn: (x, y) => K.divide(x, y),
  },
  { op: 'divide', variant: 'number / x', inputs: [{ shape: [2, 3], low: 0.5, high: 2 }], fn: (x) => K.divide(3, x) },
  { op: 'negative', inputs: [{ shape: [2, 3] }], fn: (x) => K.negative(x) },
  {
    op: 'tensor methods',
    variant: 'x.mul(y).sub(x.div(y)).add(y.neg())',
    inputs: [{ shape: [2, 3] }, { shape: [3], low: 0.5, high: 2 }],
    fn: (x, y) => x.mul(y).sub(x.div(y)).add(y.neg()),
  },

  { op: 'abs', inputs: [{ shape: [2, 3], values: SIGNED }], fn: (x) => K.abs(x) },
  { op: 'sign', variant: 'zero gradient', inputs: [{ shape: [2, 3], values: SIGNED }], fn: (x) => K.sign(x) },
  { op: 'square', inputs: [{ shape: [2, 3] }], fn: (x) => K.square(x) },
  { op: 'pow', variant: 'a = 3', inputs: [{ shape: [2, 3] }], fn: (x) => K.pow(x, 3) },
  {
    op: 'pow',
    variant: 'a = 0.5, positive base',
    inputs: [{ shape: [2, 3], low: 0.5, high: 2 }],
    fn: (x) => K.pow(x, 0.5),
  },
  {
    op: 'pow',
    variant: 'a = -1.5, positive base',
    inputs: [{ shape: [2, 3], low: 0.5, high: 2 }],
    fn: (x) => K.pow(x, -1.5),
  },
  {
    op: 'pow',
    variant: 'tensor exponent (2, 3) with (3,), positive base',
    inputs: [
      { shape: [2, 3], low: 0.5, high: 2 },
      { shape: [3], low: -1.5, high: 2 },
    ],
    fn: (x, a) => K.pow(x, a),
  },
  {
    op: 'pow',
    variant: 'tensor exponent (2, 1) with (3,), positive base',
    inputs: [
      { shape: [2, 1], low: 0.5, high: 2 },
      { shape: [3], low: -1.5, high: 2 },
    ],
    fn: (x, a) => K.pow(x, a),
  },

  { op: 'exp', inputs: [{ shape: [2, 3] }], fn: (x) => K.exp(x) },
  { op: 'log', inputs: [{ shape: [2, 3], low: 0.3, high: 3 }], fn: (x) => K.log(x) },
  { op: 'sqrt', inputs: [{ shape: [2, 3], low: 0.3, high: 3 }], fn: (x) => K.sqrt(x) },
  {
    op: 'sqrt',
    variant: 'negatives clip to 0',
    inputs: [{ shape: [2, 3], values: [-1.2, 0.4, -0.3, 2.5, -2, 1.1] }],
    fn: (x) => K.sqrt(x),
  },
  { op: 'sin', inputs: [{ shape: [2, 3], low: -3, high: 3 }], fn: (x) => K.sin(x) },
  { op: 'cos', inputs: [{ shape: [2, 3], low: -3, high: 3 }], fn: (x) => K.cos(x) },
  { op: 'tanh', inputs: [{ shape: [2, 3], low: -3, high: 3 }], fn: (x) => K.tanh(x) },
  { op: 'sigmoid', inputs: [{ shape: [2, 3], low: -4, high: 4 }], fn: (x) => K.sigmoid(x) },
  // Their gradients are primitives of their own (sigmoid_grad, tanh_grad): differentiated w.r.t. y and the cotangent here.
  {
    op: 'sigmoid',
    variant: 'gradient, weighted (sigmoid_grad)',
    inputs: [{ shape: [2, 3], low: -4, high: 4 }, { shape: [2, 3] }],
    fn: (x, w) => K.gradients(K.sum(K.multiply(K.sigmoid(x), w)), [x])[0]!,
  },
  {
    op: 'tanh',
    variant: 'gradient, weighted (tanh_grad)',
    inputs: [{ shape: [2, 3], low: -3, high: 3 }, { shape: [2, 3] }],
    fn: (x, w) => K.gradients(K.sum(K.multiply(K.tanh(x), w)), [x])[0]!,
  },
  { op: 'softplus', inputs: [{ shape: [2, 3], low: -4, high: 4 }], fn: (x) => K.softplus(x) },
  { op: 'softsign', inputs: [{ shape: [2, 3], values: SIGNED }], fn: (x) => K.softsign(x) },

  {
    op: 'hard_sigmoid',
    variant: 'below, inside and above [-2.5, 2.5]',
    inputs: [{ shape: [2, 3], values: [-3.4, -2.2, -0.5, 0.8, 2.3, 2.9] }],
    fn: (x) => K.hard_sigmoid(x),
  },
  { op: 'relu', variant: 'default', inputs: [{ shape: [3, 4], values: RELU_X }], fn: (x) => K.relu(x) },
  { op: 'relu', variant: 'alpha=0.2 (leaky)', inputs: [{ shape: [3, 4], values: RELU_X }], fn: (x) => K.relu(x, 0.2) },
  {
    op: 'relu',
    variant: 'alpha=1.5 (leaky, steeper)',
    inputs: [{ shape: [3, 4], values: RELU_X }],
    fn: (x) => K.relu(x, 1.5),
  },
  {
    op: 'relu',
    variant: 'max_value=6 (relu6)',
    inputs: [{ shape: [3, 4], values: RELU_X }],
    fn: (x) => K.relu(x, 0, 6),
  },
  {
    op: 'relu',
    variant: 'max_value=1.5 (clip)',
    inputs: [{ shape: [3, 4], values: RELU_X }],
    fn: (x) => K.relu(x, { max_value: 1.5 }),
  },
  {
    op: 'relu',
    variant: 'threshold=0.5',
    inputs: [{ shape: [3, 4], values: RELU_X }],
    fn: (x) => K.relu(x, { threshold: 0.5 }),
  },
  {
    op: 'relu',
    variant: 'threshold=0.5, max_value=1.5',
    inputs: [{ shape: [3, 4], values: RELU_X }],
    fn: (x) => K.relu(x, 0, 1.5, 0.5),
  },
  {
    op: 'relu',
    variant: 'alpha=0.2, max_value=6',
    inputs: [{ shape: [3, 4], values: RELU_X }],
    fn: (x) => K.relu(x, 0.2, 6),
  },
  {
    op: 'relu',
    variant: 'alpha=0.3, threshold=0.5',
    inputs: [{ shape: [3, 4], values: RELU_X }],
    fn: (x) => K.relu(x, 0.3, null, 0.5),
  },
  {
    op: 'relu',
    variant: 'alpha=0.3, max_value=1.5, threshold=0.5',
    inputs: [{ shape: [3, 4], values: RELU_X }],
    fn: (x) => K.relu(x, { alpha: 0.3, max_value: 1.5, threshold: 0.5 }),
  },
  // Composed with a smooth map so the second order sees a non-zero Hessian through relu's mask.
  {
    op: 'relu',
    variant: 'relu(x) * x, alpha=0.2',
    inputs: [{ shape: [3, 4], values: RELU_X }],
    fn: (x) => K.multiply(K.relu(x, 0.2), x),
  },

  { op: 'elu', variant: 'alpha=1', inputs: [{ shape: [2, 3], values: SIGNED }], fn: (x) => K.elu(x) },
  { op: 'elu', variant: 'alpha=0.5', inputs: [{ shape: [2, 3], values: SIGNED }], fn: (x) => K.elu(x, 0.5) },
  {
    op: 'elu',
    variant: 'alpha=2, options',
    inputs: [{ shape: [2, 3], values: [-3.5, -1.2, -0.4, 0.25, 1.1, 4] }],
    fn: (x) => K.elu(x, { alpha: 2 }),
  },

  { op: 'clip', variant: '[-0.5, 1]', inputs: [{ shape: [3, 3], values: CLIP_X }], fn: (x) => K.clip(x, -0.5, 1) },
  { op: 'clip', variant: 'min only', inputs: [{ shape: [3, 3], values: CLIP_X }], fn: (x) => K.clip(x, -0.5, null) },
  { op: 'clip', variant: 'max only', inputs: [{ shape: [3, 3], values: CLIP_X }], fn: (x) => K.clip(x, null, 1) },
  {
    op: 'clip',
    variant: 'max < min (all to min)',
    inputs: [{ shape: [3, 3], values: CLIP_X }],
    fn: (x) => K.clip(x, 1, -0.5),
  },
  {
    op: 'clip',
    variant: 'tensor bounds (3,) for x (3, 3)',
    inputs: [
      { shape: [3, 3], values: CLIP_X },
      { shape: [3], values: [-1.4, 0.35, -0.1] },
      { shape: [3], values: [-0.4, 1.1, 2.0] },
    ],
    fn: (x, lo, hi) => K.clip(x, lo, hi),
  },
  {
    op: 'clip',
    variant: 'clip(x, -0.5, 1) * x',
    inputs: [{ shape: [3, 3], values: CLIP_X }],
    fn: (x) => K.multiply(K.clip(x, -0.5, 1), x),
  },

  {
    op: 'maximum',
    variant: '(2, 3) with (2, 3)',
    inputs: [
      { shape: [2, 3], values: MAXMIN_X },
      { shape: [2, 3], values: [0.2, 0.1, -0.5, 1.1, 1.2, -1.5] },
    ],
    fn: (x, y) => K.maximum(x, y),
  },
  {
    op: 'maximum',
    variant: '(2, 3) with (3,)',
    inputs: [
      { shape: [2, 3], values: MAXMIN_X },
      { shape: [3], values: MAXMIN_Y_ROW },
    ],
    fn: (x, y) => K.maximum(x, y),
  },
  {
    op: 'maximum',
    variant: '(2, 3) with (2, 1)',
    inputs: [
      { shape: [2, 3], values: MAXMIN_X },
      { shape: [2, 1], values: MAXMIN_Y_COL },
    ],
    fn: (x, y) => K.maximum(x, y),
  },
  {
    op: 'maximum',
    variant: 'x * maximum(x, y), (2, 3) with (3,)',
    inputs: [
      { shape: [2, 3], values: MAXMIN_X },
      { shape: [3], values: MAXMIN_Y_ROW },
    ],
    fn: (x, y) => K.multiply(x, K.maximum(x, y)),
  },
  {
    op: 'minimum',
    variant: '(2, 3) with (2, 3)',
    inputs: [
      { shape: [2, 3], values: MAXMIN_X },
      { shape: [2, 3], values: [0.2, 0.1, -0.5, 1.1, 1.2, -1.5] },
    ],
    fn: (x, y) => K.minimum(x, y),
  },
  {
    op: 'minimum',
    variant: '(2, 3) with (3,)',
    inputs: [
      { shape: [2, 3], values: MAXMIN_X },
      { shape: [3], values: MAXMIN_Y_ROW },
    ],
    fn: (x, y) => K.minimum(x, y),
  },
  {
    op: 'minimum',
    variant: '(2, 3) with (2, 1)',
    inputs: [
      { shape: [2, 3], values: MAXMIN_X },
      { shape: [2, 1], values: MAXMIN_Y_COL },
    ],
    fn: (x, y) => K.minimum(x, y),
  },
  {
    op: 'minimum',
    variant: 'y * minimum(x, y), (2, 3) with (2, 1)',
    inputs: [
      { shape: [2, 3], values: MAXMIN_X },
      { shape: [2, 1], values: MAXMIN_Y_COL },
    ],
    fn: (x, y) => K.multiply(y, K.minimum(x, y)),
  },
];
