// Gradcheck cases for src/ops/nn.ts. Probabilities stay inside [0.1, 0.9]
// (or rescale to at least 0.05), well away from the epsilon clipping bounds,
// where the clip has kinks; variances stay at least 0.5 from the sqrt pole.
import * as K from '../../src/index.js';
import type { GradCase } from '../case.js';

const PROB = { low: 0.1, high: 0.9 };
const POSITIVE = { low: 0.5, high: 2 };
// Integer labels for the sparse loss (not differentiated: closed over).
const labels = (values: number[], shape: number[]) => K.constant(values, 'int32', shape);

export const nnCases: GradCase[] = [
  { op: 'softmax', variant: 'axis=-1', inputs: [{ shape: [2, 3] }], fn: (x) => K.softmax(x) },
  { op: 'softmax', variant: 'axis=0', inputs: [{ shape: [3, 2] }], fn: (x) => K.softmax(x, 0) },
  {
    op: 'softmax',
    variant: 'axis=1 of (2, 3, 2), as options',
    inputs: [{ shape: [2, 3, 2] }],
    fn: (x) => K.softmax(x, { axis: 1 }),
  },
  { op: 'softmax', variant: '1-D, large logits', inputs: [{ shape: [4], low: 20, high: 30 }], fn: (x) => K.softmax(x) },
  { op: 'softmax', variant: 'axis=2 of (2, 2, 3, 2)', inputs: [{ shape: [2, 2, 3, 2] }], fn: (x) => K.softmax(x, 2) },
  // The gradient of a product of softmaxes: both factors' VJPs, and their own (second order), read the outputs.
  {
    op: 'softmax',
    variant: 'weighted by a softmax of another input (2, 5)',
    inputs: [{ shape: [2, 5], low: -4, high: 4 }, { shape: [2, 5] }],
    fn: (x, w) => K.multiply(K.softmax(x), K.softmax(K.multiply(w, x), 0)),
  },

  {
    op: 'binary_crossentropy',
    variant: 'probabilities, w.r.t. target and output',
    inputs: [
      { shape: [2, 3], low: 0, high: 1 },
      { shape: [2, 3], ...PROB },
    ],
    fn: (z, p) => K.binary_crossentropy(z, p),
  },
  {
    op: 'binary_crossentropy',
    variant: 'probabilities, target (3,) broadcast',
    inputs: [
      { shape: [3], low: 0, high: 1 },
      { shape: [2, 3], ...PROB },
    ],
    fn: (z, p) => K.binary_crossentropy(z, p),
  },
  {
    op: 'binary_crossentropy',
    variant: 'from_logits, w.r.t. target and logits',
    inputs: [
      { shape: [2, 3], low: 0, high: 1 },
      { shape: [2, 3], low: -4, high: 4 },
    ],
    fn: (z, x) => K.binary_crossentropy(z, x, true),
  },

  {
    op: 'categorical_crossentropy',
    variant: 'probabilities, axis=-1',
    inputs: [
      { shape: [2, 3], low: 0, high: 1 },
      { shape: [2, 3], low: 0.2, high: 1 },
    ],
    fn: (z, p) => K.categorical_crossentropy(z, p),
  },
  {
    op: 'categorical_crossentropy',
    variant: 'probabilities, axis=1 of (2, 3, 2)',
    inputs: [
      { shape: [2, 3, 2], low: 0, high: 1 },
      { shape: [2, 3, 2], low: 0.2, high: 1 },
    ],
    fn: (z, p) => K.categorical_crossentropy(z, p, false, 1),
  },
  {
    op: 'categorical_crossentropy',
    variant: 'from_logits, axis=-1',
    inputs: [
      { shape: [2, 4], low: 0, high: 1 },
      { shape: [2, 4], low: -3, high: 3 },
    ],
    fn: (z, x) => K.categorical_crossentropy(z, x, true),
  },
  {
    op: 'categorical_crossentropy',
    variant: 'from_logits, axis=0, as options',
    inputs: [
      { shape: [3, 2], low: 0, high: 1 },
      { shape: [3, 2], low: -3, high: 3 },
    ],
    fn: (z, x) => K.categorical_crossentropy(z, x, { from_logits: true, axis: 0 }),
  },

  {
    op: 'sparse_categorical_crossentropy',
    variant: 'probabilities, labels (3,)',
    inputs: [{ shape: [3, 4], ...PROB }],
    fn: (p) => K.sparse_categorical_crossentropy(labels([0, 3, 1], [3]), p),
  },
  {
    op: 'sparse_categorical_crossentropy',
    variant: 'from_logits, labels (3, 1) flattened',
    inputs: [{ shape: [3, 4], low: -3, high: 3 }],
    fn: (x) => K.sparse_categorical_crossentropy(labels([2, 0, 3], [3, 1]), x, true),
  },
  {
    op: 'sparse_categorical_crossentropy',
    variant: 'from_logits, axis=1 of (2, 3, 2)',
    inputs: [{ shape: [2, 3, 2], low: -3, high: 3 }],
    fn: (x) => K.sparse_categorical_crossentropy(labels([0, 2, 1, 1], [2, 2]), x, { from_logits: true, axis: 1 }),
  },

  { op: 'l2_normalize', variant: 'axis=null', inputs: [{ shape: [2, 3] }], fn: (x) => K.l2_normalize(x) },
  {
    op: 'l2_normalize',
    variant: 'axis=1',
    inputs: [{ shape: [3, 2], low: 0.3, high: 2 }],
    fn: (x) => K.l2_normalize(x, 1),
  },
  { op: 'l2_normalize', variant: 'axis=[0, 2]', inputs: [{ shape: [2, 2, 3] }], fn: (x) => K.l2_normalize(x, [0, 2]) },

  {
    op: 'bias_add',
    variant: '1-D bias, channels_last',
    inputs: [{ shape: [2, 3, 2] }, { shape: [2] }],
    fn: (x, b) => K.multiply(K.bias_add(x, b), x),
  },
  {
    op: 'bias_add',
    variant: '1-D bias, channels_first',
    inputs: [{ shape: [2, 3, 2, 2] }, { shape: [3] }],
    fn: (x, b) => K.multiply(K.bias_add(x, b, 'channels_first'), x),
  },
  {
    op: 'bias_add',
    variant: 'rank-(ndim - 1) bias, channels_last',
    inputs: [{ shape: [2, 3, 2] }, { shape: [3, 2] }],
    fn: (x, b) => K.square(K.bias_add(x, b, 'channels_last')),
  },
  {
    op: 'bias_add',
    variant: 'rank-(ndim - 1) bias, channels_first',
    inputs: [{ shape: [2, 3, 2, 2] }, { shape: [2, 2, 3] }],
    fn: (x, b) => K.square(K.bias_add(x, b, { data_format: 'channels_first' })),
  },

  {
    op: 'batch_normalization',
    variant: '2-D, w.r.t. x, mean, var, beta, gamma',
    inputs: [{ shape: [4, 3] }, { shape: [3] }, { shape: [3], ...POSITIVE }, { shape: [3] }, { shape: [3] }],
    fn: (x, m, v, b, g) => K.batch_normalization(x, m, v, b, g),
  },
  {
    op: 'batch_normalization',
    variant: '3-D, broadcast parameters, no beta',
    inputs: [{ shape: [2, 3, 2] }, { shape: [1, 3, 1] }, { shape: [3, 1], ...POSITIVE }, { shape: [1, 3, 1] }],
    fn: (x, m, v, g) => K.batch_normalization(x, m, v, null, g, 1, 0.01),
  },
  {
    op: 'batch_normalization',
    variant: '4-D fused, axis=1, (1, C, 1, 1) parameters',
    inputs: [
      { shape: [2, 3, 2, 1] },
      { shape: [1, 3, 1, 1] },
      { shape: [1, 3, 1, 1], ...POSITIVE },
      { shape: [1, 3, 1, 1] },
      { shape: [1, 3, 1, 1] },
    ],
    fn: (x, m, v, b, g) => K.batch_normalization(x, m, v, b, g, 1),
  },
  {
    op: 'batch_normalization',
    variant: '4-D fused, axis=-1, no beta or gamma',
    inputs: [{ shape: [2, 1, 2, 3] }, { shape: [3] }, { shape: [3], ...POSITIVE }],
    fn: (x, m, v) => K.batch_normalization(x, m, v, null, null, { axis: -1, epsilon: 1e-4 }),
  },

  // Batches of 4 to 8 sampled values per channel keep every variance well above 0.
  {
    op: 'normalize_batch_in_training',
    variant: 'regular [0]: normed',
    inputs: [{ shape: [5, 2] }, { shape: [2] }, { shape: [2] }],
    fn: (x, g, b) => K.normalize_batch_in_training(x, g, b, [0])[0],
  },
  {
    op: 'normalize_batch_in_training',
    variant: 'regular [0, 1]: variance',
    inputs: [{ shape: [2, 3, 2] }, { shape: [2] }, { shape: [2] }],
    fn: (x, g, b) => K.normalize_batch_in_training(x, g, b, [0, 1])[2],
  },
  {
    op: 'normalize_batch_in_training',
    variant: 'broadcast [0, 2]: normed',
    inputs: [{ shape: [2, 2, 3] }, { shape: [1, 2, 1] }, { shape: [2] }],
    fn: (x, g, b) => K.normalize_batch_in_training(x, g, b, [0, 2])[0],
  },
  {
    op: 'normalize_batch_in_training',
    variant: 'broadcast [0, 2]: mean',
    inputs: [{ shape: [2, 2, 3] }],
    fn: (x) => K.normalize_batch_in_training(x, null, null, [0, 2])[1],
  },
  {
    op: 'normalize_batch_in_training',
    variant: 'fused [0, 1, 2]: normed',
    inputs: [{ shape: [2, 2, 1, 2] }, { shape: [2] }, { shape: [2] }],
    fn: (x, g, b) => K.normalize_batch_in_training(x, g, b, [0, 1, 2])[0],
  },
  {
    op: 'normalize_batch_in_training',
    variant: 'fused [0, 1, 2]: corrected variance',
    inputs: [{ shape: [2, 2, 1, 2] }],
    fn: (x) => K.normalize_batch_in_training(x, null, null, [0, 1, 2], 1e-3)[2],
  },
];
