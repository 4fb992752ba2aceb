// constant, zeros, ones, eye and the *_like forms (src/ops/creation.ts).
import { describe, it, expect } from 'vitest';
import * as K from '../../src/index.js';
import { expectClose, expectError } from '../helpers.js';
import { fixture, symbolic, valueOf, expectFreshNd } from './state_helpers.js';

describe('constant', () => {
  it('refuses a symbolic tensor, as tf.constant refuses a graph tensor (it has no value to copy)', () => {
    const p = K.placeholder([null, 2]);
    expect(() => K.constant(p)).toThrow(K.ValueError);
    expect(() => K.constant(K.exp(p))).toThrow(/^constant: value is a symbolic tensor of shape \(None, 2\)/);
  });
  it('prints NaN, ±Infinity and -0 as numbers (issue 15: they printed as null and 0)', () => {
    expect(K.constant([Number.NaN, Infinity, -Infinity, -0]).toString()).toBe(
      'Tensor(shape=(4,), dtype=float32, [NaN,Infinity,-Infinity,-0])'
    );
    expect(String(K.variable([Number.NaN], null, 'v'))).toBe('Variable(name=v, shape=(1,), dtype=float32, [NaN])');
  });

  it('is a float tensor of floatx() by default, not a variable', () => {
    const c = K.constant([
      [1, 2],
      [3, 4],
    ]);
    expect(c).not.toBeInstanceOf(K.Variable);
    expect([c.dtype, c.shape]).toEqual(['float32', [2, 2]]);
    K.set_floatx('float64');
    expect(K.constant(1).dtype).toBe('float64');
  });

  it('fills a one-element value, or reshapes as many elements, to shape', () => {
    expectClose(K.constant(3, null, [2, 3]), [
      [3, 3, 3],
      [3, 3, 3],
    ]);
    expectClose(K.constant([7], 'int32', [2]), [7, 7]);
    const r = K.constant([1, 2, 3, 4, 5, 6], { dtype: 'int32', shape: [3, 2] });
    expect([r.dtype, r.toArray()]).toEqual([
      'int32',
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    ]);
    expect(K.constant(2, 'float64', 4).toArray()).toEqual([2, 2, 2, 2]);
  });

  it('names the tensor', () => {
    expect(K.constant([1], null, null, 'c').name).toBe('c');
  });

  it('returns a tensor of the wanted dtype as is (gradients still flow)', () => {
    const x = K.variable([1, 2], 'float64');
    const t = K.multiply(x, x);
    const c = K.constant(t, 'float64');
    expect(c).toBe(t);
    const [g] = K.gradients(K.sum(c), [x]);
    expectClose(g!, [2, 4]);
  });

  it('of a variable is a constant copy of its current value', () => {
    const v = K.variable([1, 2]);
    const c = K.constant(v);
    expect(c).not.toBeInstanceOf(K.Variable);
    K.update(v, [5, 6]);
    expect(c.toArray()).toEqual([1, 2]);
    expect(K.gradients(K.sum(c), [v])).toEqual([null]);
  });

  it('rejects bad arguments', () => {
    expectError(() => K.constant([1, 2, 3], null, [2, 2]), K.TypeError, 'constant', '(3,)', '(2, 2)');
    expectError(() => K.constant(1, 'complex64' as K.DType), K.TypeError, 'constant', 'dtype');
    expectError(() => K.constant(1, null, [-1]), K.ValueError, 'constant', 'shape');
    expectError(() => K.constant(K.constant([1], 'int32')), K.TypeError, 'constant', 'int32');
    expectError(() => K.constant([1.5], 'uint8'), K.TypeError, 'constant', 'uint8');
  });
});

describe('zeros', () => {
  it('takes shapes holding scalar integer tensors, as Keras writes them (issue 14)', () => {
    const z = K.ones([5, 2]);
    const batch = K.gather(K.shape(z), 0);
    expect(K.zeros([batch, 3]).shape).toEqual([5, 3]);
    expect(K.ones([batch, K.constant(2, 'int32')]).shape).toEqual([5, 2]);
    // A float or non-scalar tensor, or one with no value yet, is refused naming the entry; never a dump of the tensor.
    expectError(
      () => K.zeros([K.constant(2.5), 3]),
      K.ValueError,
      'zeros:',
      'shape[0]',
      'float32',
      'not a scalar integer'
    );
    expectError(() => K.zeros([K.constant([1, 2], 'int32'), 3]), K.ValueError, 'zeros:', 'shape[0]', '(2,)');
    const n = K.placeholder([], { dtype: 'int32' });
    expectError(() => K.zeros([n, 3]), K.ValueError, 'zeros:', 'shape[0]', 'symbolic');
    let message = '';
    try {
      K.zeros([{ shape: [2] } as unknown as number, 3]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('zeros: shape must be a list of non-negative integers');
    expect(message.length).toBeLessThan(300);
  });

  it('doctests: (3, 4), a tensor shape, int32 and [2, 3]', () => {
    const kvar = K.zeros([3, 4]);
    expect(kvar).toBeInstanceOf(K.Variable);
    const v = K.eval(kvar);
    expectFreshNd(v, [3, 4], 'float32');
    expect(Array.from(v.data as Float32Array)).toEqual(new Array(12).fill(0));
    const A = K.constant([1, 2, 3], 'int32');
    const kvar2 = K.zeros(A.shape);
    expect([kvar2.dtype, kvar2.toArray()]).toEqual(['float32', [0, 0, 0]]);
    const kvar3 = K.zeros(A.shape, 'int32');
    expectFreshNd(K.eval(kvar3), [3], 'int32');
    expect(K.zeros([2, 3]).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('takes an int, a K.shape tensor, options, and is an updatable variable', () => {
    expect(K.zeros(2).shape).toEqual([2]);
    expect(K.zeros([]).shape).toEqual([]);
    expect(K.zeros(K.shape(K.constant([[1, 2, 3]]))).shape).toEqual([1, 3]);
    const z = K.zeros([2], { dtype: 'bool', name: 'z' });
    expect([z.dtype, z.name, valueOf(z)]).toEqual(['bool', 'z', [0, 0]]);
    const w = K.zeros([2], 'float64');
    K.update_add(w, [1, 2]);
    expect(valueOf(w)).toEqual([1, 2]);
    expect(K.zeros([2]).toArray()).toEqual([0, 0]);
  });

  it('rejects bad shapes and dtypes', () => {
    expectError(() => K.zeros([2, -1]), K.ValueError, 'zeros', 'shape');
    expectError(() => K.zeros([1.5]), K.ValueError, 'zeros', 'shape');
    expectError(() => K.zeros(K.constant([2, 3])), K.ValueError, 'zeros', 'shape', 'float32');
    expectError(() => K.zeros([2], 'half' as K.DType), K.TypeError, 'zeros', 'dtype');
    expectError(
      () => K.zeros([2], { dtype: 'float32', trainable: false } as K.DTypeNameOptions),
      K.TypeError,
      'zeros',
      'trainable'
    );
  });
});

describe('ones', () => {
  it('doctest: a (3, 4) variable of ones', () => {
    const kvar = K.ones([3, 4]);
    expect(kvar).toBeInstanceOf(K.Variable);
    const v = K.eval(kvar);
    expectFreshNd(v, [3, 4], 'float32');
    expect(Array.from(v.data as Float32Array)).toEqual(new Array(12).fill(1));
  });

  it('of every dtype, named', () => {
    for (const d of ['int8', 'uint16', 'bool', 'float64'] as const) {
      const o = K.ones([2, 1], d, 'o');
      expect([o.dtype, o.name, o.toArray()]).toEqual([d, 'o', [[1], [1]]]);
    }
  });

  it('rejects bad shapes', () => {
    expectError(() => K.ones('3' as unknown as number), K.ValueError, 'ones', 'shape');
    expectError(() => K.ones([2], 'str' as K.DType), K.TypeError, 'ones', 'dtype');
  });
});

describe('eye', () => {
  it('doctest: eye(3)', () => {
    const kvar = K.eye(3);
    expect(kvar).toBeInstanceOf(K.Variable);
    const v = K.eval(kvar);
    expectFreshNd(v, [3, 3], 'float32');
    expect(kvar.toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });

  it('matches numpy eye for square and [rows, cols] sizes', () => {
    for (const c of fixture.eye) {
      const e = K.eye(c.size, 'float64');
      expect(e.toArray()).toEqual(c.y);
    }
    const i = K.eye([2, 3], { dtype: 'int32', name: 'I' });
    expect([i.dtype, i.name, i.toArray()]).toEqual([
      'int32',
      'I',
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
    ]);
  });

  it('rejects bad sizes', () => {
    expectError(() => K.eye(-1), K.ValueError, 'eye', 'size');
    expectError(() => K.eye(2.5), K.ValueError, 'eye', 'size');
    expectError(() => K.eye([1, 2, 3] as unknown as [number, number]), K.ValueError, 'eye', 'size');
    expectError(() => K.eye(2, 'float8' as K.DType), K.TypeError, 'eye', 'dtype');
  });
});

describe('zeros_like', () => {
  it('doctest: zeros of a variable shape and dtype', () => {
    const kvar = K.variable([
      [0.1, 0.2, 0.3],
      [0.4, 0.5, 0.6],
    ]);
    const z = K.zeros_like(kvar);
    expect(z).not.toBeInstanceOf(K.Variable);
    const v = K.eval(z);
    expectFreshNd(v, [2, 3], 'float32');
    expect(Array.from(v.data as Float32Array)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('takes the dtype of x unless given, and a name', () => {
    expect(K.zeros_like(K.constant([1, 2], 'int16')).dtype).toBe('int16');
    const z = K.zeros_like(K.constant([1, 2]), { dtype: 'bool', name: 'zl' });
    expect([z.dtype, z.name, z.toArray()]).toEqual(['bool', 'zl', [0, 0]]);
    expect(K.zeros_like([[1, 2, 3]]).shape).toEqual([1, 3]);
  });

  it('takes no gradient from x', () => {
    const x = K.variable([1, 2], 'float64');
    expect(K.gradients(K.sum(K.add(K.zeros_like(x), 1)), [x])).toEqual([null]);
  });

  it('keeps unknown dimensions of a symbolic x symbolic', () => {
    const z = K.zeros_like(symbolic([-1, 3], 'float64'));
    expect([z.isSymbolic, z.shape, z.dtype]).toEqual([true, [-1, 3], 'float64']);
  });

  it('rejects a bad dtype', () => {
    expectError(() => K.zeros_like([1], 'x' as K.DType), K.TypeError, 'zeros_like', 'dtype');
  });
});

describe('ones_like', () => {
  it('doctest: ones of a variable shape', () => {
    const kvar = K.variable([
      [0.3, 0.1, 0.9],
      [0.5, 0.2, 0.7],
    ]);
    const o = K.ones_like(kvar);
    const v = K.eval(o);
    expectFreshNd(v, [2, 3], 'float32');
    expect(Array.from(v.data as Float32Array)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('dtype, symbolic x and no gradient', () => {
    expect(K.ones_like(K.constant([1], 'uint8'), 'int32').toArray()).toEqual([1]);
    expect(K.ones_like(K.constant([1], 'uint8'), 'int32').dtype).toBe('int32');
    const s = K.ones_like(symbolic([2, -1]), 'bool');
    expect([s.shape, s.dtype]).toEqual([[2, -1], 'bool']);
    const x = K.variable([3], 'float64');
    expect(K.gradients(K.sum(K.multiply(K.ones_like(x), 2)), [x])).toEqual([null]);
    expectError(() => K.ones_like([1], { shape: [2] } as K.DTypeNameOptions), K.TypeError, 'ones_like', 'shape');
  });
});
