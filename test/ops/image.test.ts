// K.temporal_padding, spatial_2d_padding, spatial_3d_padding, resize_images,
// resize_volumes. Reference values come from
// test/fixtures/gen_image.py (numpy re-implementing the seed's TF source,
// including TF2's half-pixel bilinear resize kernel) and from hand computations.
import { readFileSync } from 'node:fs';
import ndarray from 'ndarray';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as K from '../../src/index.js';
import type { DType } from '../../src/index.js';
import { expectClose, expectError, fixtureTensor, nest } from '../helpers.js';

interface Values {
  shape: number[];
  dtype: DType;
  data: number[];
}
type Format = 'channels_first' | 'channels_last';
interface ResizeCase extends Values {
  input: string;
  height_factor: number;
  width_factor: number;
  data_format: Format;
  interpolation: 'nearest' | 'bilinear';
}
interface VolumeCase extends Values {
  factors: [number, number, number];
  data_format: Format;
}
interface PadCase extends Values {
  fn: 'temporal_padding' | 'spatial_2d_padding' | 'spatial_3d_padding';
  padding: number[] | number[][];
  data_format?: Format;
}
interface NonFinite {
  x: (number | string)[];
  height_factor: number;
  width_factor: number;
  shape: number[];
  data: (number | string)[];
}
interface Fixture {
  inputs: Record<string, Values>;
  resize: ResizeCase[];
  volumes: VolumeCase[];
  padding: PadCase[];
  nonfinite: NonFinite[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/image.json', import.meta.url), 'utf8')) as Fixture;

const tensor = (v: Values, dtype: DType = v.dtype): K.Tensor => fixtureTensor(v.data, v.shape, dtype);

const input = (name: string) => tensor(fixture.inputs[name]!);
const range = (shape: number[], dtype: DType = 'float32') =>
  K.constant(
    ndarray(
      Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i),
      shape
    ),
    dtype
  );

afterEach(() => {
  K.set_image_data_format('channels_last');
  vi.restoreAllMocks();
});

function padFixture(fn: PadCase['fn'], x: string, call: (t: K.Tensor, c: PadCase) => K.Tensor): void {
  const cases = fixture.padding.filter((c) => c.fn === fn);
  it(`matches the numpy reference (${cases.length} cases)`, () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const y = call(input(x), c);
      expect(y.shape).toEqual(c.shape);
      expect(y.dtype).toBe('float32');
      expectClose(y, nest(c.data, c.shape));
    }
  });
}

describe('temporal_padding', () => {
  padFixture('temporal_padding', 'seq', (t, c) => K.temporal_padding(t, c.padding as number[]));

  it('pads the middle axis with one zero each side by default (hand-worked)', () => {
    const y = K.temporal_padding(
      K.constant([
        [
          [1, 2],
          [3, 4],
        ],
      ])
    );
    expectClose(y, [
      [
        [0, 0],
        [1, 2],
        [3, 4],
        [0, 0],
      ],
    ]);
    expectClose(K.temporal_padding(K.constant([[[1], [2]]]), { padding: [0, 2] }), [[[1], [2], [0], [0]]]);
  });

  it('keeps the dtype (int32, bool)', () => {
    expect(K.temporal_padding(K.constant([[[1], [2]]], 'int32'), [1, 0]).toArray()).toEqual([[[0], [1], [2]]]);
    const b = K.temporal_padding(K.constant([[[true]]], 'bool'), [1, 1]);
    expect(b.dtype).toBe('bool');
    expect(b.toArray()).toEqual([[[0], [1], [0]]]);
  });

  it('passes gradients back to the unpadded part', () => {
    const x = K.variable(
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
      'float64'
    );
    const y = K.temporal_padding(x, [2, 1]);
    const w = range([1, 5, 2], 'float64');
    const [g] = K.gradients(K.sum(K.multiply(y, w)), [x]);
    expectClose(g!, [
      [
        [4, 5],
        [6, 7],
      ],
    ]);
  });

  it('rejects a bad padding or rank with a ValueError, a non-integer with a TypeError', () => {
    const x = K.zeros([2, 3, 4]);
    expectError(() => K.temporal_padding(x, [1, 2, 3]), K.ValueError, 'temporal_padding:', 'padding', '[1,2,3]');
    expectError(() => K.temporal_padding(x, [1, -1]), K.ValueError, 'temporal_padding:', 'padding', 'negative');
    expectError(() => K.temporal_padding(x, [1, 0.5]), K.TypeError, 'temporal_padding:', 'padding', '0.5');
    expectError(() => K.temporal_padding(K.zeros([2, 3]), [1, 1]), K.ValueError, 'temporal_padding:', '3D', '(2, 3)');
    expectError(
      () => K.temporal_padding(x, { pad: [1, 1] } as never),
      K.TypeError,
      'temporal_padding:',
      'unknown option "pad"'
    );
  });
});

describe('spatial_2d_padding', () => {
  padFixture('spatial_2d_padding', 'img', (t, c) => K.spatial_2d_padding(t, c.padding as number[][], c.data_format));

  it('pads rows and columns (hand-worked), both data formats', () => {
    const x = K.constant([[[[1], [2]]]]); // (1, 1, 2, 1) channels_last
    expectClose(
      K.spatial_2d_padding(
        x,
        [
          [1, 0],
          [0, 1],
        ],
        'channels_last'
      ),
      [
        [
          [[0], [0], [0]],
          [[1], [2], [0]],
        ],
      ]
    );
    const cf = K.constant([[[[1, 2]]]]); // (1, 1, 1, 2) channels_first
    expectClose(
      K.spatial_2d_padding(
        cf,
        [
          [0, 1],
          [1, 0],
        ],
        'channels_first'
      ),
      [
        [
          [
            [0, 1, 2],
            [0, 0, 0],
          ],
        ],
      ]
    );
  });

  it('defaults to ((1, 1), (1, 1)) and to K.image_data_format()', () => {
    const x = K.ones([1, 2, 3, 4]);
    expect(K.spatial_2d_padding(x).shape).toEqual([1, 4, 5, 4]);
    K.set_image_data_format('channels_first');
    expect(K.spatial_2d_padding(x).shape).toEqual([1, 2, 5, 6]);
    expect(K.spatial_2d_padding(x, { data_format: null }).shape).toEqual([1, 2, 5, 6]);
    expect(K.spatial_2d_padding(x, { data_format: 'channels_last' }).shape).toEqual([1, 4, 5, 4]);
  });

  it('passes gradients back (sum of the padded tensor times weights)', () => {
    const x = K.variable(ndarray(new Float64Array(4).fill(1), [1, 2, 2, 1]), 'float64');
    const w = range([1, 3, 4, 1], 'float64');
    const [g] = K.gradients(
      K.sum(
        K.multiply(
          K.spatial_2d_padding(x, [
            [1, 0],
            [1, 1],
          ]),
          w
        )
      ),
      [x]
    );
    expectClose(g!, [
      [
        [[5], [6]],
        [[9], [10]],
      ],
    ]);
  });

  it('rejects bad paddings, data formats and ranks', () => {
    const x = K.zeros([1, 2, 3, 4]);
    expectError(() => K.spatial_2d_padding(x, [[1, 1]]), K.ValueError, 'spatial_2d_padding:', 'padding', '2 pairs');
    expectError(() => K.spatial_2d_padding(x, [[1, 1], [1]]), K.ValueError, 'spatial_2d_padding:', 'padding[1]');
    expectError(
      () =>
        K.spatial_2d_padding(x, [
          [1, 1],
          [1, 1.5],
        ]),
      K.TypeError,
      'spatial_2d_padding:',
      'padding[1]'
    );
    expectError(
      () =>
        K.spatial_2d_padding(
          x,
          [
            [1, 1],
            [1, 1],
          ],
          'channels_middle' as never
        ),
      K.ValueError,
      'spatial_2d_padding:',
      'data_format',
      'channels_middle'
    );
    expectError(() => K.spatial_2d_padding(K.zeros([2, 3, 4])), K.ValueError, 'spatial_2d_padding:', '4D', '(2, 3, 4)');
  });
});

describe('spatial_3d_padding', () => {
  padFixture('spatial_3d_padding', 'vol', (t, c) => K.spatial_3d_padding(t, c.padding as number[][], c.data_format));

  it('defaults to one zero on every side of the three spatial axes, both formats', () => {
    const x = K.ones([1, 2, 3, 4, 5]);
    expect(K.spatial_3d_padding(x).shape).toEqual([1, 4, 5, 6, 5]);
    expect(K.spatial_3d_padding(x, undefined, 'channels_first').shape).toEqual([1, 2, 5, 6, 7]);
    const y = K.spatial_3d_padding(K.ones([1, 1, 1, 1, 1]));
    expect(K.eval(K.sum(y)).data[0]).toBe(1);
    expectClose(K.slice(y, [0, 1, 1, 1, 0], [1, 1, 1, 1, 1]), [[[[[1]]]]]);
  });

  it('passes gradients back', () => {
    const x = K.variable(ndarray(new Float64Array(2).fill(3), [1, 1, 1, 2, 1]), 'float64');
    const y = K.spatial_3d_padding(x, [
      [0, 1],
      [1, 0],
      [0, 0],
    ]);
    const [g] = K.gradients(K.sum(K.multiply(y, y)), [x]);
    expectClose(g!, [[[[[6], [6]]]]]);
  });

  it('rejects bad paddings, data formats and ranks', () => {
    const x = K.zeros([1, 2, 2, 2, 1]);
    expectError(
      () =>
        K.spatial_3d_padding(x, [
          [1, 1],
          [1, 1],
        ]),
      K.ValueError,
      'spatial_3d_padding:',
      'padding',
      '3 pairs'
    );
    expectError(
      () =>
        K.spatial_3d_padding(x, [
          [1, 1],
          [1, 1],
          [0, -2],
        ]),
      K.ValueError,
      'spatial_3d_padding:',
      'padding[2]',
      'negative'
    );
    expectError(
      () => K.spatial_3d_padding(x, undefined, 'NCDHW' as never),
      K.ValueError,
      'spatial_3d_padding:',
      'data_format',
      'NCDHW'
    );
    expectError(
      () => K.spatial_3d_padding(K.zeros([1, 2, 2, 2])),
      K.ValueError,
      'spatial_3d_padding:',
      '5D',
      '(1, 2, 2, 2)'
    );
  });
});

describe('resize_images', () => {
  it(`matches the numpy re-implementation of tf.image.resize (${fixture.resize.length} cases: nearest/bilinear, factors, both formats, int input)`, () => {
    expect(fixture.resize.length).toBeGreaterThan(0);
    for (const c of fixture.resize) {
      const x = input(c.input);
      const y = K.resize_images(x, c.height_factor, c.width_factor, c.data_format, c.interpolation);
      const what = `${c.interpolation} ${c.height_factor}x${c.width_factor} ${c.data_format} ${x.dtype}`;
      expect(y.shape, what).toEqual(c.shape);
      expect(y.dtype, what).toBe(c.interpolation === 'bilinear' ? 'float32' : x.dtype);
      expectClose(y, nest(c.data, c.shape), 2e-6);
    }
  });

  it('bilinear turns non-finite pixels into NaN exactly where TF does (its lerp formula)', () => {
    const num = (v: number | string) =>
      typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity;
    expect(fixture.nonfinite.length).toBeGreaterThan(0);
    for (const c of fixture.nonfinite) {
      const x = K.constant([[c.x.map((v) => [num(v)])]]);
      const y = K.resize_images(x, c.height_factor, c.width_factor, 'channels_last', 'bilinear');
      expectClose(y, nest(c.data.map(num), c.shape));
    }
  });

  it('bilinear, hand-worked: 2x2 to 4x4 with half-pixel centres and clamped edges', () => {
    // Rows sample the input at -0.25, 0.25, 0.75, 1.25 (clamped): weights (1), (.75, .25), (.25, .75), (1).
    const x = K.constant([
      [
        [[1], [2]],
        [[3], [4]],
      ],
    ]);
    const y = K.resize_images(x, 2, 2, 'channels_last', 'bilinear');
    expectClose(y, [
      [
        [[1], [1.25], [1.75], [2]],
        [[1.5], [1.75], [2.25], [2.5]],
        [[2.5], [2.75], [3.25], [3.5]],
        [[3], [3.25], [3.75], [4]],
      ],
    ]);
  });

  it('nearest, hand-worked: repeats each pixel, keeps integer dtypes', () => {
    const x = K.constant([[[1, 2]]], 'int32'); // channels_first (1, 1, 1, 2)
    const y = K.resize_images(K.reshape(x, [1, 1, 1, 2]), 2, 3, 'channels_first');
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([
      [
        [
          [1, 1, 1, 2, 2, 2],
          [1, 1, 1, 2, 2, 2],
        ],
      ],
    ]);
  });

  it('takes options by name, and keeps float64 in bilinear', () => {
    const x = K.constant(ndarray(Float64Array.from([1, 2, 3, 4]), [1, 2, 2, 1]), 'float64');
    const y = K.resize_images(x, 2, 1, { data_format: 'channels_last', interpolation: 'bilinear' });
    expect(y.dtype).toBe('float64');
    expectClose(
      y,
      [
        [
          [[1], [2]],
          [[1.5], [2.5]],
          [[2.5], [3.5]],
          [[3], [4]],
        ],
      ],
      1e-15
    );
    expect(K.resize_images(x, 1, 1, 'channels_last', 'bilinear').toArray()).toEqual(x.toArray());
  });

  it('bilinear with an odd factor samples the pixel centres exactly', () => {
    const x = range([1, 3, 1, 1]);
    const y = K.resize_images(x, 3, 1, 'channels_last', 'bilinear');
    // Offsets -1/3, 0, 1/3 around each pixel; clamped at the ends.
    expectClose(K.reshape(y, [9]), [0, 0, 1 / 3, 2 / 3, 1, 4 / 3, 5 / 3, 2, 2]);
  });

  it('has gradients: each input pixel receives height_factor * width_factor in total', () => {
    for (const interpolation of ['nearest', 'bilinear'] as const) {
      const x = K.variable(
        ndarray(
          Float64Array.from({ length: 24 }, (_, i) => Math.sin(i)),
          [2, 3, 2, 2]
        ),
        'float64'
      );
      const [g] = K.gradients(K.sum(K.resize_images(x, 2, 3, 'channels_first', interpolation)), [x]);
      expectClose(g!, nest(new Array(24).fill(6), [2, 3, 2, 2]), 1e-12);
    }
  });

  it('rejects a bad data_format, interpolation, factor, rank or dtype', () => {
    const x = K.zeros([1, 2, 2, 3]);
    expectError(() => K.resize_images(x, 2, 2, null), K.ValueError, 'resize_images:', 'data_format', 'null');
    expectError(() => K.resize_images(x, 2, 2, 'NHWC' as never), K.ValueError, 'resize_images:', 'data_format', 'NHWC');
    expectError(
      () => K.resize_images(x, 2, 2, 'channels_last', 'bicubic' as never),
      K.ValueError,
      'resize_images:',
      'interpolation',
      'bicubic'
    );
    expectError(
      () => K.resize_images(x, 0, 2, 'channels_last'),
      K.ValueError,
      'resize_images:',
      'height_factor',
      'positive'
    );
    expectError(
      () => K.resize_images(x, 2, 1.5, 'channels_last'),
      K.TypeError,
      'resize_images:',
      'width_factor',
      '1.5'
    );
    expectError(
      () => K.resize_images(K.zeros([2, 2, 3]), 2, 2, 'channels_last'),
      K.ValueError,
      'resize_images:',
      '4D',
      '(2, 2, 3)'
    );
    expectError(
      () => K.resize_images(K.zeros([1, 2, 2, 1], 'bool'), 2, 2, 'channels_last'),
      K.TypeError,
      'resize_images:',
      'bool'
    );
    expectError(
      () => K.resize_images(x, 2, 2, { data_format: 'channels_last', method: 'nearest' } as never),
      K.TypeError,
      'resize_images:',
      'unknown option "method"'
    );
  });
});

describe('resize_volumes', () => {
  it(`matches np.repeat on the three spatial axes (${fixture.volumes.length} cases, both formats)`, () => {
    expect(fixture.volumes.length).toBeGreaterThan(0);
    for (const c of fixture.volumes) {
      const y = K.resize_volumes(input('vol'), ...c.factors, c.data_format);
      expect(y.shape).toEqual(c.shape);
      expectClose(y, nest(c.data, c.shape));
    }
  });

  it('repeats each voxel (hand-worked), any dtype, data_format by name', () => {
    const x = K.constant([[[[[true], [false]]]]], 'bool'); // (1, 1, 1, 2, 1)
    const y = K.resize_volumes(x, 2, 1, 2, { data_format: 'channels_last' });
    expect(y.dtype).toBe('bool');
    expect(y.toArray()).toEqual([[[[[1], [1], [0], [0]]], [[[1], [1], [0], [0]]]]]);
    const i = K.resize_volumes(K.constant([[[[[1, 2]]]]], 'int16'), 1, 1, 2, 'channels_first');
    expect(i.toArray()).toEqual([[[[[1, 1, 2, 2]]]]]);
  });

  it('has gradients: each voxel receives the product of the factors', () => {
    const x = K.variable(ndarray(new Float64Array(8).fill(0.5), [1, 2, 2, 2, 1]), 'float64');
    const [g] = K.gradients(K.sum(K.resize_volumes(x, 2, 3, 1, 'channels_last')), [x]);
    expectClose(g!, nest(new Array(8).fill(6), [1, 2, 2, 2, 1]));
  });

  it('rejects a bad data_format, factor or rank', () => {
    const x = K.zeros([1, 2, 2, 2, 1]);
    expectError(
      () => K.resize_volumes(x, 2, 2, 2, 'channels' as never),
      K.ValueError,
      'resize_volumes:',
      'data_format',
      'channels'
    );
    expectError(() => K.resize_volumes(x, 2, 2, 2), K.ValueError, 'resize_volumes:', 'data_format');
    expectError(() => K.resize_volumes(x, 2, -1, 2, 'channels_last'), K.ValueError, 'resize_volumes:', 'height_factor');
    expectError(
      () => K.resize_volumes(x, '2' as never, 2, 2, 'channels_last'),
      K.TypeError,
      'resize_volumes:',
      'depth_factor'
    );
    expectError(
      () => K.resize_volumes(K.zeros([1, 2, 2, 2]), 2, 2, 2, 'channels_last'),
      K.ValueError,
      'resize_volumes:',
      '5D',
      '(1, 2, 2, 2)'
    );
  });
});
