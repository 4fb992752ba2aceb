// What the pool and local_conv tests share. The seed gives no doctest examples
// for them; reference values come from test/fixtures/gen_pool.py (numpy
// re-implementing TF's pooling: output sizes, 'same' padding, the avg divisor,
// the first-max gradient; and Keras's local_conv construction) and from hand
// computations in the tests.
import { afterEach } from 'vitest';
import * as K from '../../src/index.js';
import type { DType } from '../../src/index.js';
import { fixtureTensor, loadFixture, tolFor } from '../helpers.js';

export interface Values {
  shape: number[];
  dtype: DType;
  data: number[];
}
export interface PoolCase {
  fn: 'pool2d' | 'pool3d';
  input: string;
  pool_size: number[];
  strides: number[];
  padding: 'same' | 'valid';
  data_format: 'channels_first' | 'channels_last';
  pool_mode: 'max' | 'avg';
  y: Values;
  w: number[];
  dx: number[];
}
export interface LocalCase {
  fn: 'local_conv1d' | 'local_conv2d';
  inputs: Values;
  kernel: Values;
  kernel_size: number[];
  strides: number[];
  output_shape: number[];
  data_format: 'channels_first' | 'channels_last';
  y: Values;
  w: number[];
  dinputs: number[];
  dkernel: number[];
}
export interface Fixture {
  inputs: Record<string, Values>;
  pools: PoolCase[];
  local: LocalCase[];
}

export const fixture = loadFixture<Fixture>('pool');

/** A variable holding fixture values (gradients are taken with respect to it). */
export const tensor = (v: Values): K.Variable => fixtureTensor(v.data, v.shape, v.dtype);

/** The tolerance for comparing with the float64 references: float32 inputs are exact, their sums are not. */
export const tolOf = (dtype: DType) => (dtype === 'float64' ? 1e-9 : tolFor(dtype, 1e-6));

export const image = () =>
  K.constant([
    [
      [[1], [2], [3]],
      [[4], [5], [6]],
      [[7], [8], [9]],
    ],
  ]);

afterEach(() => K.set_image_data_format('channels_last'));
