// What the variables, creation, queries and cast tests share: the numpy fixture
// (test/fixtures/state.json, from gen_state.py) and small helpers.
import { expect, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import type ndarray from 'ndarray';
import * as K from '../../src/index.js';
import type { NestedArray } from '../../src/core/tensor.js';

// numpy references from test/fixtures/gen_state.py (the seed's TF source re-implemented).
export interface CastCase {
  from: K.DType;
  to: K.DType;
  x: number[];
  y: number[];
}
export interface MovingAverageCase {
  dtype: K.DType;
  x0: NestedArray;
  values: NestedArray[];
  momentum: number;
  steps: NestedArray[];
}
export interface EyeCase {
  size: number | [number, number];
  y: NestedArray;
}
export const fixture = JSON.parse(readFileSync(new URL('../fixtures/state.json', import.meta.url), 'utf8')) as {
  cast: CastCase[];
  moving_average: MovingAverageCase[];
  eye: EyeCase[];
};

/** A symbolic tensor standing in for K.placeholder (shape and dtype only; -1 is unknown). */
export const symbolic = (shape: number[], dtype: K.DType = 'float32') => new K.Tensor(shape, dtype, null, null);

/** Values of a variable, read through the public API. */
export const valueOf = (v: K.Tensor) => v.toArray();

export const STORAGE: Record<K.DType, string> = {
  float32: 'Float32Array',
  float64: 'Float64Array',
  int32: 'Int32Array',
  int16: 'Int16Array',
  int8: 'Int8Array',
  uint8: 'Uint8Array',
  uint16: 'Uint16Array',
  bool: 'Uint8Array',
  int64: 'Float64Array',
};

afterEach(() => {
  K.set_floatx('float32');
});

/** Checks every reader against the contract: a new contiguous row-major ndarray of the dtype's storage. */
export function expectFreshNd(nd: ndarray.NdArray, shape: number[], dtype: K.DType): void {
  expect(nd.shape).toEqual(shape);
  expect(nd.offset).toBe(0);
  let s = 1;
  const strides = shape.map(() => 0);
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  expect(nd.stride).toEqual(strides);
  expect((nd.data as object).constructor.name).toBe(STORAGE[dtype]);
  expect((nd.data as ArrayLike<number>).length).toBe(s);
}
