import { describe, it, expect, afterEach } from 'vitest';
import ndarray from 'ndarray';
import * as K from '../../src/index.js';
import { toPair, toTensor } from '../../src/core/convert.js';
import { expectError } from '../helpers.js';

afterEach(() => {
  K.set_floatx('float32');
});

const meta = (t: K.Tensor) => [t.shape, t.dtype, t.toArray()];

describe('toTensor', () => {
  it('passes tensors and variables through unchanged, whatever dtype is asked', () => {
    const t = K.constant([1, 2], 'int32');
    const v = K.variable([1]);
    expect(toTensor('f', t)).toBe(t);
    expect(toTensor('f', v, 'x', 'float64')).toBe(v);
  });

  it('numbers are floatx scalars (or the dtype asked), booleans bool scalars', () => {
    expect(meta(toTensor('f', 2.5))).toEqual([[], 'float32', 2.5]);
    expect(meta(toTensor('f', 3, 'x', 'int16'))).toEqual([[], 'int16', 3]);
    expect(meta(toTensor('f', true))).toEqual([[], 'bool', 1]);
    expect(meta(toTensor('f', false, 'x', 'float64'))).toEqual([[], 'float64', 0]);
    expect(meta(toTensor('f', 7, 'x', 'bool'))).toEqual([[], 'bool', 1]);
    K.set_floatx('float64');
    expect(toTensor('f', 1).dtype).toBe('float64');
  });

  it('nested arrays: shape from nesting; all-boolean arrays are bool, others floatx', () => {
    expect(
      meta(
        toTensor('f', [
          [[1], [2]],
          [[3], [4]],
        ])
      )
    ).toEqual([
      [2, 2, 1],
      'float32',
      [
        [[1], [2]],
        [[3], [4]],
      ],
    ]);
    expect(meta(toTensor('f', [[true, false]]))).toEqual([[1, 2], 'bool', [[1, 0]]]);
    expect(meta(toTensor('f', [true, 2]))).toEqual([[2], 'float32', [1, 2]]);
    expect(meta(toTensor('f', []))).toEqual([[0], 'float32', []]);
    expect(meta(toTensor('f', [[], []]))).toEqual([[2, 0], 'float32', [[], []]]);
    expect(meta(toTensor('f', [[1, 2]], 'x', 'uint8'))).toEqual([[1, 2], 'uint8', [[1, 2]]]);
    expect(toTensor('f', [0.1]).toArray()).toEqual([Math.fround(0.1)]);
  });

  it('typed arrays keep their dtype unless another is asked', () => {
    const kinds: [ArrayLike<number>, K.DType][] = [
      [new Float32Array([1, 2]), 'float32'],
      [new Float64Array([1, 2]), 'float64'],
      [new Int32Array([1, 2]), 'int32'],
      [new Int16Array([1, 2]), 'int16'],
      [new Int8Array([1, 2]), 'int8'],
      [new Uint8Array([1, 2]), 'uint8'],
      [new Uint16Array([1, 2]), 'uint16'],
    ];
    for (const [arr, d] of kinds) expect(meta(toTensor('f', arr))).toEqual([[2], d, [1, 2]]);
    expect(meta(toTensor('f', new Int32Array([3, -4]), 'x', 'float64'))).toEqual([[2], 'float64', [3, -4]]);
    expect(meta(toTensor('f', new Float64Array([0, 2]), 'x', 'bool'))).toEqual([[2], 'bool', [0, 1]]);
  });

  it('ndarrays of typed data, contiguous or strided views, keep dtype and values', () => {
    const base = ndarray(new Int16Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(meta(toTensor('f', base))).toEqual([
      [2, 3],
      'int16',
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ]);
    expect(meta(toTensor('f', base.transpose(1, 0)))).toEqual([
      [3, 2],
      'int16',
      [
        [1, 4],
        [2, 5],
        [3, 6],
      ],
    ]);
    expect(meta(toTensor('f', base.lo(1, 1)))).toEqual([[1, 2], 'int16', [[5, 6]]]);
    expect(meta(toTensor('f', base.step(-1, 2)))).toEqual([
      [2, 2],
      'int16',
      [
        [4, 6],
        [1, 3],
      ],
    ]);
    expect(meta(toTensor('f', base.transpose(1, 0), 'x', 'float32'))).toEqual([
      [3, 2],
      'float32',
      [
        [1, 4],
        [2, 5],
        [3, 6],
      ],
    ]);
    expect(meta(toTensor('f', ndarray(new Float64Array([9]), [])))).toEqual([[], 'float64', 9]);
  });

  it('ndarrays of plain arrays are floatx', () => {
    expect(meta(toTensor('f', ndarray([1, 2, 3, 4], [2, 2]).transpose(1, 0)))).toEqual([
      [2, 2],
      'float32',
      [
        [1, 3],
        [2, 4],
      ],
    ]);
  });

  it('copies: later changes to the source never reach the tensor', () => {
    const arr = new Float32Array([1, 2]);
    const nested = [[1, 2]];
    const nd = ndarray(new Float32Array([1, 2, 3, 4]), [2, 2]);
    const view = nd.transpose(1, 0);
    const ts = [toTensor('f', arr), toTensor('f', nested), toTensor('f', nd), toTensor('f', view)];
    arr[0] = 9;
    nested[0]![0] = 9;
    nd.set(0, 0, 9);
    expect(ts.map((t) => t.toArray())).toEqual([
      [1, 2],
      [[1, 2]],
      [
        [1, 2],
        [3, 4],
      ],
      [
        [1, 3],
        [2, 4],
      ],
    ]);
  });

  it('int64 holds large exact integers', () => {
    const big = 2 ** 53 - 1;
    expect(meta(toTensor('f', [big, -big], 'x', 'int64'))).toEqual([[2], 'int64', [big, -big]]);
  });

  it('ragged nested arrays are a ValueError naming the function and argument', () => {
    for (const ragged of [
      [[1, 2], [3]],
      [[1, 2], 3],
      [1, [2]],
      [[[1]], [[1, 2]]],
      [[], [1]],
    ]) {
      expectError(() => toTensor('myfn', ragged, 'value'), K.ValueError, 'myfn', 'value', 'ragged');
    }
    expectError(() => K.add([[1], [2, 3]], 1), K.ValueError, 'add', 'ragged');
  });

  it('unsupported values are a TypeError', () => {
    const bad: unknown[] = [
      '1',
      null,
      undefined,
      {},
      new Map(),
      () => 1,
      ['a'],
      [null],
      [[1], [undefined]],
      1n,
      new BigInt64Array(1),
      new Uint8ClampedArray(1),
      new DataView(new ArrayBuffer(4)),
      [K.constant(1), 'a'],
    ];
    for (const b of bad) expectError(() => toTensor('myfn', b, 'value'), K.TypeError, 'myfn', 'value');
    expectError(() => K.add('a' as unknown as number, 1), K.TypeError, 'add');
  });

  it('non-integer or out-of-range numbers into integer dtypes are a TypeError', () => {
    expectError(() => toTensor('f', 1.5, 'x', 'int32'), K.TypeError, 'f', '1.5', 'int32');
    expectError(() => toTensor('f', [1, Number.NaN], 'x', 'int16'), K.TypeError, 'NaN', 'int16');
    expectError(() => toTensor('f', Number.POSITIVE_INFINITY, 'x', 'int64'), K.TypeError, 'Infinity');
    expectError(() => toTensor('f', new Float32Array([0.5]), 'x', 'uint8'), K.TypeError, '0.5', 'uint8');
    expectError(() => toTensor('f', ndarray(new Float64Array([2.25]), [1]), 'x', 'int8'), K.TypeError, '2.25');
    expectError(() => toTensor('f', 300, 'x', 'int8'), K.TypeError, '300', 'int8', 'range');
    expectError(() => toTensor('f', -1, 'x', 'uint16'), K.TypeError, '-1', 'uint16', 'range');
    expectError(() => toTensor('f', 2 ** 31, 'x', 'int32'), K.TypeError, 'int32', 'range');
    expect(toTensor('f', [-128, 127], 'x', 'int8').toArray()).toEqual([-128, 127]);
  });
});

describe('toPair', () => {
  it('a plain value takes the tensor dtype, on either side', () => {
    const i = K.constant([1, 2], 'int32');
    const d = K.constant([1, 2], 'float64');
    const [a, b] = toPair('f', i, 3);
    expect([a, b.dtype, b.toArray()]).toEqual([i, 'int32', 3]);
    const [c, e] = toPair('f', [[0.5]], d);
    expect([c.dtype, c.toArray(), e]).toEqual(['float64', [[0.5]], d]);
    expect(toPair('f', new Int8Array([1]), K.constant(1, 'uint8'))[0].dtype).toBe('uint8');
  });

  it('two plain values: the first decides (floatx for numbers)', () => {
    expect(toPair('f', 1, [true]).map((t) => t.dtype)).toEqual(['float32', 'float32']);
    expect(toPair('f', new Int16Array([1]), 2).map((t) => t.dtype)).toEqual(['int16', 'int16']);
  });

  it('two tensors are left as they are (the primitive checks dtypes)', () => {
    const x = K.constant([1], 'int32');
    const y = K.constant([1], 'float32');
    expect(toPair('f', x, y)).toEqual([x, y]);
    expectError(() => K.add(x, y), K.TypeError, 'add', 'int32', 'float32');
  });

  it('numbers mixed with tensors take the tensor dtype in public ops', () => {
    expect(K.add(K.constant([1, 2], 'int32'), 2).dtype).toBe('int32');
    expect(K.multiply(0.5, K.constant([2], 'float64')).dtype).toBe('float64');
    expect(K.subtract(K.variable([1], 'float64'), [1]).dtype).toBe('float64');
  });

  it('non-integer numbers mixed with integer tensors are a TypeError', () => {
    expectError(() => K.add(K.constant([1], 'int32'), 1.5), K.TypeError, 'add', '1.5', 'int32');
    expectError(() => K.multiply([0.5], K.constant([1], 'uint8')), K.TypeError, 'multiply', '0.5', 'uint8');
  });
});

describe('nested lists holding tensors (TF packs them with tf.stack; issue 14)', () => {
  it('K.prod, K.sum, K.max of a list of scalar tensors stack it first; plain numbers take the tensors dtype', () => {
    const a = K.constant(2);
    const b = K.constant(3);
    expect(K.eval(K.prod([a, b] as never)).get()).toBe(6);
    expect(K.eval(K.sum([a, 4, b] as never)).get()).toBe(9);
    const rows = K.max([K.constant([1, 5]), [3, 4]] as never, 0);
    expect(Array.from(K.eval(rows).data as Float32Array)).toEqual([3, 5]);
    expect(K.dtype(K.sum([K.constant(1, 'float64'), 2] as never))).toBe('float64');
  });

  it('gradients flow to the stacked tensors, and symbolic ones give a symbolic result', () => {
    const v = K.variable(3, 'float64');
    const [g] = K.gradients(K.prod([v, K.square(v)] as never), [v]);
    expect(K.eval(g!).get()).toBe(27); // d(v^3)/dv = 3 v^2
    const x = K.placeholder([2]);
    const s = K.sum([K.sum(x), K.max(x)] as never);
    expect(s.isSymbolic).toBe(true);
    expect(K.function([x], [s])([[1, 4]])[0]!.get()).toBe(9);
  });

  it('refuses mixed dtypes, a conflicting dtype and entries of different shapes, naming the function', () => {
    expectError(() => K.sum([K.constant(1), K.constant(2, 'float64')] as never), K.TypeError, 'sum', 'float64');
    expectError(() => K.constant([K.constant(1)] as never, 'int32'), K.TypeError, 'constant', 'int32');
    expectError(() => K.sum([K.constant([1, 2]), K.constant(3)] as never), K.ValueError, 'sum', '(2,)', '()');
  });
});

describe('hostile tensor-likes (issue 15)', () => {
  it('an object only made to look like a tensor is a K.TypeError naming the function and argument', () => {
    const forged = Object.create(K.Tensor.prototype) as K.Tensor;
    expectError(() => K.exp(forged), K.TypeError, 'exp', 'x', 'not a tensor ktape made');
    expectError(() => K.add(K.ones([1]), forged), K.TypeError, 'add', 'y');
    expectError(() => K.eval(forged), K.TypeError, 'eval');
    expectError(() => K.variable(forged), K.TypeError, 'variable', 'value');
  });

  it('sizes beyond a typed array, negative and fractional ones are a K.ValueError before allocating', () => {
    expectError(() => K.ones([1e9, 1e9]), K.ValueError, 'ones', '1000000000000000000', 'beyond');
    expectError(() => K.zeros([2 ** 53]), K.ValueError, 'zeros');
    expectError(() => K.constant(ndarray(new Float32Array(2), [-2]) as never), K.ValueError, 'constant', '-2');
  });

  it("nesting deeper than TF's largest rank is a K.ValueError, not a stack overflow", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expectError(() => K.constant(deep as never), K.ValueError, 'constant', '254');
  });

  it('an ndarray read only where it says it is: its shape, strides and offset checked against its buffer', () => {
    expectError(() => K.constant(ndarray(new Float32Array(2), [Number.NaN]) as never), K.ValueError, 'constant', 'NaN');
    expectError(() => K.constant(ndarray(new Float32Array(2), [4], [1], 0)), K.ValueError, 'constant', 'outside');
    expect(K.constant(ndarray(new Float32Array([1, 2, 3]), [3], [-1], 2)).toArray()).toEqual([3, 2, 1]);
  });

  it('a result no typed array can hold is refused at the call, even as a lazy view (K.repeat(x, 1e12))', () => {
    expectError(() => K.repeat(K.ones([2, 2]), 1e12), K.ValueError, 'repeat', 'elements');
  });

  it("ranks above TF's 254 are refused before anything is computed", () => {
    expectError(() => K.reshape(K.ones([1]), new Array(300).fill(1)), K.ValueError, 'reshape', 'rank 300', '254');
    expectError(() => K.placeholder(null, 300), K.ValueError, 'placeholder', '254');
  });

  it('a BigInt axis is named in the message, not a JSON crash', () => {
    expectError(() => K.sum(K.ones([2, 2]), 1n as never), K.TypeError, 'sum', 'axis', '1n');
  });
});
