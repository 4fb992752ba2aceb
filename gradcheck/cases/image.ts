// Gradcheck cases for src/ops/image.ts. Padding and resizing are linear, so
// the squared variants give the second-order check something to see.
import * as K from '../../src/index.js';
import type { GradCase } from '../case.js';

/** Run `f` with stdout muted: the checker evaluates print_tensor many times. */
function quiet<T>(f: () => T): T {
  const write = process.stdout.write;
  process.stdout.write = () => true;
  try {
    return f();
  } finally {
    process.stdout.write = write;
  }
}

export const imageCases: GradCase[] = [
  {
    op: 'temporal_padding',
    variant: 'default (1, 1)',
    inputs: [{ shape: [2, 3, 2] }],
    fn: (x) => K.temporal_padding(x),
  },
  {
    op: 'temporal_padding',
    variant: '(0, 2), squared',
    inputs: [{ shape: [1, 3, 2] }],
    fn: (x) => K.square(K.temporal_padding(x, [0, 2])),
  },

  {
    op: 'spatial_2d_padding',
    variant: 'channels_last',
    inputs: [{ shape: [1, 2, 3, 2] }],
    fn: (x) =>
      K.spatial_2d_padding(
        x,
        [
          [1, 0],
          [2, 1],
        ],
        'channels_last'
      ),
  },
  {
    op: 'spatial_2d_padding',
    variant: 'channels_first, squared',
    inputs: [{ shape: [1, 2, 2, 3] }],
    fn: (x) =>
      K.square(
        K.spatial_2d_padding(
          x,
          [
            [0, 1],
            [1, 1],
          ],
          'channels_first'
        )
      ),
  },

  {
    op: 'spatial_3d_padding',
    variant: 'channels_last, default',
    inputs: [{ shape: [1, 2, 1, 2, 2] }],
    fn: (x) => K.spatial_3d_padding(x, undefined, 'channels_last'),
  },
  {
    op: 'spatial_3d_padding',
    variant: 'channels_first, squared',
    inputs: [{ shape: [1, 2, 2, 1, 2] }],
    fn: (x) =>
      K.square(
        K.spatial_3d_padding(
          x,
          [
            [1, 0],
            [0, 1],
            [1, 1],
          ],
          'channels_first'
        )
      ),
  },

  {
    op: 'resize_images',
    variant: 'nearest 2x2, channels_last',
    inputs: [{ shape: [1, 2, 3, 2] }],
    fn: (x) => K.resize_images(x, 2, 2, 'channels_last'),
  },
  {
    op: 'resize_images',
    variant: 'nearest 1x3, channels_first, squared',
    inputs: [{ shape: [2, 1, 2, 2] }],
    fn: (x) => K.square(K.resize_images(x, 1, 3, 'channels_first', 'nearest')),
  },
  {
    op: 'resize_images',
    variant: 'bilinear 2x2, channels_last',
    inputs: [{ shape: [1, 3, 3, 1] }],
    fn: (x) => K.resize_images(x, 2, 2, 'channels_last', 'bilinear'),
  },
  {
    op: 'resize_images',
    variant: 'bilinear 3x2, channels_first, squared',
    inputs: [{ shape: [1, 2, 2, 3] }],
    fn: (x) => K.square(K.resize_images(x, 3, 2, { data_format: 'channels_first', interpolation: 'bilinear' })),
  },

  {
    op: 'resize_volumes',
    variant: '(2, 1, 3), channels_last',
    inputs: [{ shape: [1, 2, 2, 1, 2] }],
    fn: (x) => K.resize_volumes(x, 2, 1, 3, 'channels_last'),
  },
  {
    op: 'resize_volumes',
    variant: '(1, 2, 2), channels_first, squared',
    inputs: [{ shape: [1, 2, 1, 2, 2] }],
    fn: (x) => K.square(K.resize_volumes(x, 1, 2, 2, 'channels_first')),
  },

  {
    op: 'print_tensor',
    variant: 'identity',
    inputs: [{ shape: [2, 3] }],
    fn: (x) => quiet(() => K.print_tensor(x, 'x')),
  },
  {
    op: 'print_tensor',
    variant: 'cubed',
    inputs: [{ shape: [4] }],
    fn: (x) => {
      const y = quiet(() => K.print_tensor(x));
      return K.multiply(y, K.square(y));
    },
  },
];
