// Gradcheck cases for src/ops/conv.ts, w.r.t. x and every kernel. Each
// convolution is bilinear in (x, kernel), so the second-order check sees the
// cross terms (conv_backprop_input <-> conv_backprop_filter <-> conv); the
// squared variants add a curvature of their own. Shapes stay small.
import * as K from '../../src/index.js';
import type { GradCase } from '../case.js';

const CL = 'channels_last',
  CF = 'channels_first';
// Squared variants sample from [-1, 1]: on the gpu the checker differences
// float32 values, and the rounding of y^2 grows with y.
const SMALL = { low: -1, high: 1 };

export const convCases: GradCase[] = [
  {
    op: 'conv1d',
    variant: 'valid',
    inputs: [{ shape: [2, 5, 2] }, { shape: [3, 2, 3] }],
    fn: (x, k) => K.conv1d(x, k),
  },
  {
    op: 'conv1d',
    variant: 'same, stride 2, squared',
    inputs: [
      { shape: [1, 6, 2], ...SMALL },
      { shape: [3, 2, 2], ...SMALL },
    ],
    fn: (x, k) => K.square(K.conv1d(x, k, 2, 'same', CL)),
  },
  {
    op: 'conv1d',
    variant: 'causal, dilation 2',
    inputs: [{ shape: [1, 5, 2] }, { shape: [2, 2, 2] }],
    fn: (x, k) => K.conv1d(x, k, 1, 'causal', CL, 2),
  },
  {
    op: 'conv1d',
    variant: 'channels_first, same',
    inputs: [{ shape: [2, 2, 5] }, { shape: [2, 2, 3] }],
    fn: (x, k) => K.conv1d(x, k, 1, 'same', CF),
  },

  {
    op: 'conv2d',
    variant: 'valid',
    inputs: [{ shape: [2, 4, 4, 2] }, { shape: [3, 3, 2, 2] }],
    fn: (x, k) => K.conv2d(x, k),
  },
  {
    op: 'conv2d',
    variant: 'same, strides (2, 2), squared',
    inputs: [
      { shape: [1, 5, 4, 2], ...SMALL },
      { shape: [3, 2, 2, 2], ...SMALL },
    ],
    fn: (x, k) => K.square(K.conv2d(x, k, [2, 2], 'same', CL)),
  },
  {
    op: 'conv2d',
    variant: 'same, dilation (2, 1)',
    inputs: [{ shape: [1, 5, 4, 1] }, { shape: [2, 2, 1, 2] }],
    fn: (x, k) => K.conv2d(x, k, [1, 1], 'same', CL, [2, 1]),
  },
  {
    op: 'conv2d',
    variant: 'channels_first, valid, strides (1, 2)',
    inputs: [{ shape: [1, 2, 4, 5] }, { shape: [2, 2, 2, 2] }],
    fn: (x, k) => K.conv2d(x, k, [1, 2], 'valid', CF),
  },
  {
    op: 'conv2d',
    variant: '1x1 kernel',
    inputs: [{ shape: [2, 3, 2, 3] }, { shape: [1, 1, 3, 2] }],
    fn: (x, k) => K.conv2d(x, k),
  },
  {
    op: 'conv2d',
    variant: 'x against a kernel made from x',
    inputs: [{ shape: [1, 4, 4, 1] }],
    fn: (x) => K.conv2d(x, K.reshape(K.slice(x, [0, 1, 1, 0], [1, 2, 2, 1]), [2, 2, 1, 1]), [1, 1], 'same'),
  },

  {
    op: 'conv3d',
    variant: 'same, strides (1, 2, 1)',
    inputs: [{ shape: [1, 3, 4, 3, 2] }, { shape: [2, 2, 2, 2, 2] }],
    fn: (x, k) => K.conv3d(x, k, [1, 2, 1], 'same', CL),
  },
  {
    op: 'conv3d',
    variant: 'channels_first, valid, dilation (1, 1, 2), squared',
    inputs: [
      { shape: [1, 2, 2, 3, 4], ...SMALL },
      { shape: [1, 2, 2, 2, 2], ...SMALL },
    ],
    fn: (x, k) => K.square(K.conv3d(x, k, [1, 1, 1], 'valid', CF, [1, 1, 2])),
  },

  {
    op: 'conv2d_transpose',
    variant: 'valid',
    inputs: [{ shape: [1, 2, 3, 2] }, { shape: [2, 2, 3, 2] }],
    fn: (x, k) => K.conv2d_transpose(x, k, [1, 3, 4, 3]),
  },
  {
    op: 'conv2d_transpose',
    variant: 'same, strides (2, 2), squared',
    inputs: [
      { shape: [1, 2, 2, 2], ...SMALL },
      { shape: [3, 3, 2, 2], ...SMALL },
    ],
    fn: (x, k) => K.square(K.conv2d_transpose(x, k, [1, 3, 4, 2], [2, 2], 'same', CL)),
  },
  {
    op: 'conv2d_transpose',
    variant: 'same, dilation (2, 2)',
    inputs: [{ shape: [1, 3, 3, 2] }, { shape: [2, 2, 1, 2] }],
    fn: (x, k) => K.conv2d_transpose(x, k, [1, 3, 3, 1], [1, 1], 'same', CL, [2, 2]),
  },
  {
    op: 'conv2d_transpose',
    variant: 'channels_first, valid, strides (2, 1)',
    inputs: [{ shape: [1, 2, 2, 2] }, { shape: [2, 2, 2, 2] }],
    fn: (x, k) => K.conv2d_transpose(x, k, [1, 2, 4, 3], [2, 1], 'valid', CF),
  },

  {
    op: 'depthwise_conv2d',
    variant: 'valid',
    inputs: [{ shape: [2, 4, 4, 2] }, { shape: [3, 3, 2, 2] }],
    fn: (x, k) => K.depthwise_conv2d(x, k),
  },
  {
    op: 'depthwise_conv2d',
    variant: 'same, strides (2, 2), squared',
    inputs: [
      { shape: [1, 5, 4, 3], ...SMALL },
      { shape: [2, 3, 3, 1], ...SMALL },
    ],
    fn: (x, k) => K.square(K.depthwise_conv2d(x, k, [2, 2], 'same', CL)),
  },
  {
    op: 'depthwise_conv2d',
    variant: 'channels_first, same, dilation (2, 2)',
    inputs: [{ shape: [1, 2, 4, 4] }, { shape: [2, 2, 2, 2] }],
    fn: (x, k) => K.depthwise_conv2d(x, k, [1, 1], 'same', CF, [2, 2]),
  },

  {
    op: 'separable_conv2d',
    variant: 'same',
    inputs: [{ shape: [1, 4, 4, 2] }, { shape: [2, 2, 2, 2] }, { shape: [1, 1, 4, 3] }],
    fn: (x, d, p) => K.separable_conv2d(x, d, p, [1, 1], 'same', CL),
  },
  {
    op: 'separable_conv2d',
    variant: 'channels_first, valid, strides (2, 2), squared',
    inputs: [
      { shape: [1, 2, 5, 5], ...SMALL },
      { shape: [3, 3, 2, 1], ...SMALL },
      { shape: [1, 1, 2, 2], ...SMALL },
    ],
    fn: (x, d, p) => K.square(K.separable_conv2d(x, d, p, [2, 2], 'valid', CF)),
  },
];
