// K.eval, count_params, int_shape, ndim, dtype and shape (src/ops/queries.ts).
import { describe, it, expect } from 'vitest';
import ndarray from 'ndarray';
import * as K from '../../src/index.js';
import { expectError } from '../helpers.js';
import { symbolic, valueOf, STORAGE, expectFreshNd } from './state_helpers.js';

describe('eval', () => {
  it("a SparseTensor's value is TF's SparseTensorValue: indices, values and dense_shape as ndarrays (issue 14)", () => {
    const sp = K.ctc_label_dense_to_sparse(
      K.constant(
        [
          [1, 2, 0],
          [3, 0, 0],
        ],
        'int32'
      ),
      K.constant([2, 1], 'int32')
    );
    const v = K.eval(sp);
    expect(v.indices.shape).toEqual([3, 2]);
    expect(Array.from(v.indices.data as ArrayLike<number>)).toEqual([0, 0, 0, 1, 1, 0]);
    expect(Array.from(v.values.data as ArrayLike<number>)).toEqual([1, 2, 3]);
    expect(Array.from(v.dense_shape.data as ArrayLike<number>)).toEqual([2, 3]);
    const coo = K.variable({ row: [0, 1], col: [1, 0], data: [3, 4], shape: [2, 2] });
    expect(Array.from(K.get_value(coo).values.data as ArrayLike<number>)).toEqual([3, 4]);
    expectError(() => K.eval(K.placeholder([null, 3], null, null, true)), K.ValueError, 'eval', 'sparse', '(None, 3)');
  });

  it('doctest: the value of a float32 variable', () => {
    const kvar = K.variable(ndarray(new Int32Array([1, 2, 3, 4]), [2, 2]), 'float32');
    const v = K.eval(kvar);
    expectFreshNd(v, [2, 2], 'float32');
    expect(Array.from(v.data as Float32Array)).toEqual([1, 2, 3, 4]);
  });

  it('returns the storage typed array of every dtype', () => {
    for (const d of Object.keys(STORAGE) as K.DType[]) {
      const v = K.eval(
        K.variable(
          [
            [1, 0],
            [2, 1],
          ],
          d
        )
      );
      expectFreshNd(v, [2, 2], d);
      expect(Array.from(v.data as ArrayLike<number>)).toEqual(d === 'bool' ? [1, 0, 1, 1] : [1, 0, 2, 1]);
    }
  });

  it('a scalar is a 0-d ndarray', () => {
    const v = K.eval(K.constant(4.5, 'float64'));
    expectFreshNd(v, [], 'float64');
    expect(v.get()).toBe(4.5);
  });

  it('copies strided views into standard row-major layout', () => {
    const t = K.transpose(
      K.constant([
        [1, 2, 3],
        [4, 5, 6],
      ])
    );
    const v = K.eval(t);
    expectFreshNd(v, [3, 2], 'float32');
    expect(Array.from(v.data as Float32Array)).toEqual([1, 4, 2, 5, 3, 6]);
    const b = K.eval(K.zeros_like(K.constant([[1, 2]])));
    expectFreshNd(b, [1, 2], 'float32');
  });

  it('mutating the result never changes the tensor or variable', () => {
    const v = K.variable([1, 2]);
    const a = K.eval(v);
    a.set(0, 99);
    expect(valueOf(v)).toEqual([1, 2]);
    expect(K.eval(v)).not.toBe(a);
    const t = K.constant([3, 4]);
    (K.eval(t).data as Float32Array)[1] = -1;
    expect(t.toArray()).toEqual([3, 4]);
  });

  it('converts plain tensor-likes (numbers to floatx)', () => {
    const v = K.eval(3);
    expectFreshNd(v, [], 'float32');
    expect(v.get()).toBe(3);
    expectFreshNd(K.eval(new Int16Array([1, 2])), [2], 'int16');
  });

  it('rejects symbolic tensors and non-tensors', () => {
    expectError(() => K.eval(symbolic([2, -1])), K.ValueError, 'eval', 'symbolic', '(2, None)');
    expectError(() => K.eval({} as unknown as number), K.TypeError, 'eval', 'x');
  });
});

describe('count_params', () => {
  it('doctest: a (2, 3) zeros variable has 6', () => {
    const kvar = K.zeros([2, 3]);
    expect(K.count_params(kvar)).toBe(6);
    expect(K.eval(kvar).shape).toEqual([2, 3]);
  });

  it('counts scalars, empty and symbolic tensors of known shape', () => {
    expect(K.count_params(K.constant(1))).toBe(1);
    expect(K.count_params(K.zeros([3, 0]))).toBe(0);
    expect(K.count_params(symbolic([2, 4, 5]))).toBe(40);
  });

  it('rejects unknown dimensions', () => {
    expectError(() => K.count_params(symbolic([-1, 4])), K.ValueError, 'count_params', '(None, 4)');
  });
});

describe('int_shape', () => {
  it('doctests: a placeholder and a variable', () => {
    expect(K.int_shape(symbolic([2, 4, 5]))).toEqual([2, 4, 5]);
    expect(
      K.int_shape(
        K.variable([
          [1, 2],
          [3, 4],
        ])
      )
    ).toEqual([2, 2]);
  });

  it('unknown dimensions are null; a scalar is []', () => {
    expect(K.int_shape(symbolic([-1, 3, -1]))).toEqual([null, 3, null]);
    expect(K.int_shape(K.constant(1))).toEqual([]);
    expect(K.int_shape(ndarray(new Float32Array(6), [3, 2]))).toEqual([3, 2]);
  });

  it('returns a copy', () => {
    const x = K.constant([[1, 2]]);
    K.int_shape(x)[0] = 5;
    expect(x.shape).toEqual([1, 2]);
  });
});

describe('ndim', () => {
  it('doctests: a placeholder and a variable', () => {
    expect(K.ndim(symbolic([2, 4, 5]))).toBe(3);
    expect(
      K.ndim(
        K.variable([
          [1, 2],
          [3, 4],
        ])
      )
    ).toBe(2);
  });

  it('of scalars and tensor-likes', () => {
    expect(K.ndim(2)).toBe(0);
    expect(K.ndim([[[1]]])).toBe(3);
    expectError(() => K.ndim(null as unknown as number), K.TypeError, 'ndim', 'x');
  });
});

describe('dtype', () => {
  it('doctests: placeholders and variables', () => {
    expect(K.dtype(symbolic([2, 4, 5]))).toBe('float32');
    expect(K.dtype(symbolic([2, 4, 5], 'float64'))).toBe('float64');
    expect(
      K.dtype(
        K.variable([
          [1, 2],
          [3, 4],
        ])
      )
    ).toBe('float32');
    expect(
      K.dtype(
        K.variable(
          [
            [1, 2],
            [3, 4],
          ],
          'float32'
        )
      )
    ).toBe('float32');
  });

  it('of other dtypes and tensor-likes', () => {
    expect(K.dtype(K.constant([1], 'uint16'))).toBe('uint16');
    expect(K.dtype(new Int8Array(2))).toBe('int8');
    expect(K.dtype(true)).toBe('bool');
    K.set_floatx('float64');
    expect(K.dtype(1)).toBe('float64');
  });
});

describe('shape', () => {
  it('doctests: an int32 tensor of a variable and of a placeholder', () => {
    const s = K.shape(
      K.variable([
        [1, 2],
        [3, 4],
      ])
    );
    expect([s.shape, s.dtype, s.toArray()]).toEqual([[2], 'int32', [2, 2]]);
    const p = K.shape(symbolic([2, 4, 5]));
    expect([p.dtype, p.toArray()]).toEqual(['int32', [2, 4, 5]]);
  });

  it('of a scalar is empty', () => {
    const s = K.shape(K.constant(3));
    expect([s.shape, s.toArray()]).toEqual([[0], []]);
  });

  it('of unknown dimensions is a symbolic tensor K.function reads from the values fed', () => {
    const x = K.placeholder([null, 2, null]);
    const s = K.shape(x);
    expect([s.isSymbolic, s.shape, s.dtype, s.node?.prim]).toEqual([true, [3], 'int32', 'shape_of']);
    const f = K.function([x], [s, K.gather(s, 0)]);
    const [all, first] = f([K.zeros([4, 2, 7])]);
    expect([Array.from(all!.data as Int32Array), (first!.data as Int32Array)[0]]).toEqual([[4, 2, 7], 4]);
    expect(Array.from(f([K.zeros([1, 2, 0])])[0]!.data as Int32Array)).toEqual([1, 2, 0]);
  });
});
