// cast and cast_to_floatx (src/ops/cast.ts), against numpy fixtures.
import { describe, it, expect } from 'vitest';
import ndarray from 'ndarray';
import * as K from '../../src/index.js';
import { expectClose, expectError } from '../helpers.js';
import { fixture, expectFreshNd } from './state_helpers.js';

describe('cast', () => {
  it('doctest: a float32 ones variable cast to a float64 tensor', () => {
    const input = K.ones([1, 3]);
    expect(String(input)).toContain('shape=(1, 3)');
    expect(String(input)).toContain('dtype=float32');
    const castInput = K.cast(input, 'float64');
    expect(castInput).not.toBeInstanceOf(K.Variable);
    expect(String(castInput)).toBe('Tensor(shape=(1, 3), dtype=float64, [[1,1,1]])');
  });

  it('matches numpy: truncation toward zero, bool is x != 0', () => {
    for (const c of fixture.cast) {
      const y = K.cast(K.constant(c.x, c.from), c.to);
      expect(y.dtype).toBe(c.to);
      expectClose(y, c.y, 0);
    }
  });

  it('of a variable to its own dtype is a tensor read (gradients flow)', () => {
    const v = K.variable([1, 2], 'float64');
    const t = K.cast(v, 'float64');
    expect(t).not.toBeInstanceOf(K.Variable);
    expectClose(K.gradients(K.sum(K.multiply(t, t)), [v])[0]!, [2, 4]);
    const c = K.constant([1], 'int32');
    expect(K.cast(c, 'int32')).toBe(c);
  });

  it('differentiates float-to-float casts, not casts through integers', () => {
    const v = K.variable([1.5, -2], 'float32');
    const [g] = K.gradients(K.sum(K.multiply(K.cast(v, 'float64'), 3)), [v]);
    expect(g!.dtype).toBe('float32');
    expectClose(g!, [3, 3]);
    expect(K.gradients(K.sum(K.cast(K.cast(v, 'int32'), 'float32')), [v])).toEqual([null]);
  });

  it('converts tensor-likes first (numbers to floatx)', () => {
    expect(K.cast(2.7, 'int32').toArray()).toBe(2);
    expect(K.cast([true, false], 'float32').toArray()).toEqual([1, 0]);
  });

  it('rejects dtypes outside CONVENTIONS.md', () => {
    for (const d of ['float16', 'complex64', 'int', '', 'Float32']) {
      expectError(() => K.cast([1], d as K.DType), K.TypeError, 'cast', 'dtype', JSON.stringify(d));
    }
  });
});

describe('cast_to_floatx', () => {
  it('doctest: a float64 array becomes a float32 array', () => {
    expect(K.floatx()).toBe('float32');
    const arr = ndarray(new Float64Array([1.0, 2.0]), [2]);
    const newArr = K.cast_to_floatx(arr);
    expectFreshNd(newArr, [2], 'float32');
    expect(Array.from(newArr.data as Float32Array)).toEqual([1, 2]);
  });

  it('a tensor stays a tensor; other values become new ndarrays', () => {
    const t = K.cast_to_floatx(K.constant([1, 2], 'int32'));
    expect(t).toBeInstanceOf(K.Tensor);
    expect([t.dtype, t.toArray()]).toEqual(['float32', [1, 2]]);
    const v = K.cast_to_floatx(K.variable([3], 'float32'));
    expect(v).not.toBeInstanceOf(K.Variable);
    const n = K.cast_to_floatx(3);
    expectFreshNd(n, [], 'float32');
    expect(n.get()).toBe(3);
    const src = new Float32Array([1, 2]);
    const c = K.cast_to_floatx(src);
    src[0] = 9;
    expect(c.get(0)).toBe(1);
  });

  it('follows set_floatx', () => {
    K.set_floatx('float64');
    expectFreshNd(K.cast_to_floatx([[true, false]]), [1, 2], 'float64');
    expect(K.cast_to_floatx(K.constant([1], 'float32')).dtype).toBe('float64');
  });

  it('rejects unsupported values', () => {
    expectError(() => K.cast_to_floatx('1' as unknown as number), K.TypeError, 'cast_to_floatx', 'x');
  });
});
