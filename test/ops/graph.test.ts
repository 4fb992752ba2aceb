// K.placeholder, K.is_keras_tensor and K.function (src/ops/graph.ts): symbolic
// graphs built on placeholders and evaluated on values. Every value a graph
// gives is compared with the same computation done eagerly on the same values
// (the eager ops are tested against numpy in their own files); the sweep over
// every Keras function is test/ops/symbolic.test.ts.
import ndarray from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { expectClose, expectError } from '../helpers.js';

afterEach(() => {
  K.set_floatx('float32');
});

/** An ndarray as nested arrays (a number for a scalar). */
const nested = (a: ndarray.NdArray) => K.constant(a, 'float64').toArray();
/** An ndarray's values, row-major (K.function returns contiguous arrays). */
const flat = (a: ndarray.NdArray) => Array.from(a.data as ArrayLike<number>);

describe('placeholder', () => {
  it('names must be strings, in placeholder and function (issue 15)', () => {
    expectError(() => K.placeholder([2], null, null, false, 5 as never), K.TypeError, 'placeholder', 'name', '5');
    expectError(() => K.function([K.placeholder([2])], [], null, {} as never), K.TypeError, 'function', 'name');
  });

  it('doctest: placeholder(shape=(2, 4, 5)) is a float32 Keras tensor of that shape', () => {
    const inputPh = K.placeholder([2, 4, 5]);
    expect(K.is_keras_tensor(inputPh)).toBe(true);
    expect(K.int_shape(inputPh)).toEqual([2, 4, 5]);
    expect(K.dtype(inputPh)).toBe('float32');
    expect(String(inputPh)).toMatch(/^Placeholder\(name=placeholder_\d+, shape=\(2, 4, 5\), dtype=float32\)$/);
  });

  it('unknown dimensions are null in int_shape; ndim counts them', () => {
    const x = K.placeholder([null, 3, null]);
    expect(K.int_shape(x)).toEqual([null, 3, null]);
    expect(K.ndim(x)).toBe(3);
    expect(String(x)).toContain('shape=(None, 3, None)');
  });

  it('ndim alone gives that many unknown dimensions; shape wins when both are given (as Keras)', () => {
    expect(K.int_shape(K.placeholder(null, 2))).toEqual([null, null]);
    expect(K.int_shape(K.placeholder([4], 3))).toEqual([4]);
    // Keras's `if not shape`: an empty shape with ndim uses ndim; alone it is a scalar.
    expect(K.int_shape(K.placeholder([], 2))).toEqual([null, null]);
    expect(K.int_shape(K.placeholder([]))).toEqual([]);
    expect(K.ndim(K.placeholder([]))).toBe(0);
  });

  it('dtype defaults to floatx(); any ktape dtype can be asked for', () => {
    K.set_floatx('float64');
    expect(K.dtype(K.placeholder([2]))).toBe('float64');
    K.set_floatx('float32');
    expect(K.dtype(K.placeholder([2]))).toBe('float32');
    for (const d of ['int32', 'int64', 'bool', 'uint8', 'float64'] as const)
      expect(K.dtype(K.placeholder([2], null, d))).toBe(d);
  });

  it('takes a name, or makes a unique one', () => {
    expect(K.placeholder([1], null, null, false, 'images').name).toBe('images');
    const [a, b] = [K.placeholder([1]), K.placeholder([1])];
    expect(a.name).toMatch(/^placeholder_\d+$/);
    expect(a.name).not.toBe(b.name);
  });

  it('takes its options by name in one object', () => {
    const x = K.placeholder({ shape: [null, 2], dtype: 'int32', name: 'ids' });
    expect([K.int_shape(x), K.dtype(x), x.name]).toEqual([[null, 2], 'int32', 'ids']);
    expect(K.int_shape(K.placeholder({ ndim: 1, sparse: false }))).toEqual([null]);
  });

  it('sparse=true gives a SparseTensor placeholder (test/ops/sparse.test.ts covers feeding it)', () => {
    const s = K.placeholder([2, 3], null, null, true);
    expect(s).toBeInstanceOf(K.SparseTensor);
    expect(K.is_sparse(s)).toBe(true);
    expect(K.int_shape(s)).toEqual([2, 3]);
    expect(K.is_sparse(K.placeholder({ shape: [2], sparse: true }))).toBe(true);
  });

  it('has no value: K.eval is a ValueError', () => {
    const x = K.placeholder([2]);
    expect(x.isSymbolic).toBe(true);
    expectError(() => K.eval(x), K.ValueError, 'eval', 'symbolic');
    expect(() => x.toArray()).toThrow(/symbolic/);
  });

  it('rejects bad arguments, naming placeholder and the argument', () => {
    expectError(() => K.placeholder(), K.ValueError, 'placeholder', 'shape', 'ndim');
    expectError(() => K.placeholder([2, -1]), K.ValueError, 'placeholder', 'shape', '[2,-1]');
    expectError(() => K.placeholder([2.5]), K.ValueError, 'placeholder', 'shape');
    expectError(() => K.placeholder(null, -1), K.ValueError, 'placeholder', 'ndim', '-1');
    expectError(() => K.placeholder(null, 1.5), K.ValueError, 'placeholder', 'ndim');
    expectError(() => K.placeholder([2], null, 'float16' as K.DType), K.TypeError, 'placeholder', 'dtype', 'float16');
    expectError(
      () => K.placeholder({ shape: [2], ragged: true } as K.PlaceholderOptions),
      K.TypeError,
      'placeholder',
      'ragged'
    );
  });
});

describe('is_keras_tensor', () => {
  it('doctest: a numpy array is a ValueError, not a symbolic tensor', () => {
    const npVar = ndarray(new Float64Array([1, 2]), [2]);
    expectError(() => K.is_keras_tensor(npVar), K.ValueError, 'is_keras_tensor', 'ndarray', 'symbolic tensor');
  });

  it('doctest: a variable made with the backend is not a Keras tensor', () => {
    expect(K.is_keras_tensor(K.variable(ndarray(new Float64Array([1, 2]), [2])))).toBe(false);
  });

  it('doctest: a placeholder is a Keras tensor', () => {
    expect(K.is_keras_tensor(K.placeholder([2, 4, 5]))).toBe(true);
  });

  it('doctest (a Dense layer written with ops): results of ops on placeholders are Keras tensors', () => {
    const kerasInput = K.placeholder([null, 10]);
    const kernel = K.variable(ndarray(new Float32Array(100).fill(0.1), [10, 10]));
    const kerasLayerOutput = K.bias_add(K.dot(kerasInput, kernel), K.zeros([10]));
    expect(K.is_keras_tensor(kerasLayerOutput)).toBe(true);
    expect(K.is_keras_tensor(K.relu(K.add(kerasInput, 1)))).toBe(true);
    expect(K.is_keras_tensor(K.gradients(K.sum(K.square(kerasInput)), [kerasInput])[0]!)).toBe(true);
  });

  it('eager tensors are not Keras tensors; non-tensors are a ValueError', () => {
    expect(K.is_keras_tensor(K.constant([1, 2]))).toBe(false);
    expect(K.is_keras_tensor(K.add(K.variable([1]), 1))).toBe(false);
    expectError(() => K.is_keras_tensor(3), K.ValueError, 'is_keras_tensor', 'number');
    expectError(() => K.is_keras_tensor([1, 2]), K.ValueError, 'is_keras_tensor', 'array');
  });
});

describe('function', () => {
  it('hands out new arrays: changing one never changes a feed, a variable, a constant or another result', () => {
    const x = K.placeholder([2]);
    const v = K.variable([5, 6]);
    const c = K.constant([7, 8]);
    const y = K.exp(x);
    const f = K.function([x], [x, K.reshape(x, [2, 1]), v, c, y, y, K.sum(y, [], true)]);
    const fed = ndarray(new Float32Array([1, 2]), [2]);
    const out = f([fed]);
    const exps = Array.from(out[4]!.data as Float32Array);
    for (const a of out) (a.data as Float32Array).fill(-1);
    expect(Array.from(fed.data)).toEqual([1, 2]);
    expect(Array.from(K.eval(v).data as Float32Array)).toEqual([5, 6]);
    expect(Array.from(K.eval(c).data as Float32Array)).toEqual([7, 8]);
    const again = f([fed]);
    expect(Array.from(again[4]!.data as Float32Array)).toEqual(exps);
    expect(exps[0]).toBeCloseTo(Math.E, 5);
    expect(new Set(again.map((a) => a.data)).size).toBe(again.length);
  });

  it('takes a lone placeholder as a list of one, as tf-keras flattens its inputs (issue 14)', () => {
    const x = K.placeholder([null, 2]);
    const f = K.function(x, [K.sum(x, 1)]);
    expect(f([[[1, 2]]])[0]!.get(0)).toBe(3);
    expect(f(K.constant([[3, 4]]) as never)[0]!.get(0)).toBe(7);
  });

  it('maps values for the inputs to one new row-major ndarray per output', () => {
    const x = K.placeholder([null, 3]);
    const y = K.placeholder([3], null, 'float64');
    const f = K.function([x, y], [K.sum(x, 1), K.multiply(y, 2), K.cast(K.greater(x, 0), 'int32')]);
    const feed = [
      [1, -2, 3],
      [0.5, 0, -1],
    ];
    const [s, d, pos] = f([feed, new Float64Array([1, 2, 3])]);
    expect(s!.shape).toEqual([2]);
    expect(s!.data).toBeInstanceOf(Float32Array);
    expectClose(K.constant(s!), [2, -0.5]);
    expect(d!.data).toBeInstanceOf(Float64Array);
    expect(flat(d!)).toEqual([2, 4, 6]);
    expect(pos!.data).toBeInstanceOf(Int32Array);
    expect([pos!.shape, pos!.stride, pos!.offset]).toEqual([[2, 3], [3, 1], 0]);
    expect(flat(pos!)).toEqual([1, 0, 1, 1, 0, 0]);
  });

  it('returns new arrays at each call: changing one changes nothing else', () => {
    const x = K.placeholder([2]);
    const f = K.function([x], [K.exp(x)]);
    const [a] = f([[0, 1]]);
    (a!.data as Float32Array)[0] = 42;
    const [b] = f([[0, 1]]);
    expect(b).not.toBe(a);
    expectClose(K.constant(b!), [1, Math.E]);
  });

  it('takes a single output tensor, and no outputs', () => {
    const x = K.placeholder([]);
    const [y] = K.function([x], K.square(x))([3]);
    expect(y!.shape).toEqual([]);
    expect(y!.get()).toBe(9);
    expect(K.function([x], [])([3])).toEqual([]);
  });

  it('feeds tensors, ndarrays, typed arrays and nested arrays; plain values take the placeholder dtype', () => {
    const x = K.placeholder([null, 2], null, 'int32');
    const f = K.function([x], [K.sum(x)]);
    expect(
      f([
        [
          [1, 2],
          [3, 4],
        ],
      ])[0]!.get()
    ).toBe(10);
    expect(f([ndarray(new Int32Array([1, 2]), [1, 2])])[0]!.get()).toBe(3);
    expect(f([K.constant([[5, 6]], 'int32')])[0]!.get()).toBe(11);
    const v = K.placeholder([3], null, 'float64');
    expect(K.function([v], [v])([new Float32Array([0.1, 2, 3])])[0]!.data).toBeInstanceOf(Float64Array);
  });

  it('checks the values fed: their count, dtype, rank and known dimensions, naming function', () => {
    const x = K.placeholder([null, 2]);
    const f = K.function([x], [K.sum(x)]);
    expectError(() => f([]), K.ValueError, 'function', 'expected 1 input values', '0');
    expectError(() => f([[[1, 2]], [[1, 2]]]), K.ValueError, 'function', '2');
    expectError(() => f('x' as unknown as unknown[]), K.ValueError, 'function', 'string');
    expectError(() => f([K.constant([[1, 2]], 'float64')]), K.TypeError, 'function', 'values[0]', 'float64', 'float32');
    expectError(() => f([[[1, 2, 3]]]), K.ValueError, 'function', 'values[0]', '(1, 3)', '(None, 2)');
    expectError(() => f([[1, 2]]), K.ValueError, 'function', 'values[0]', '(2,)', '(None, 2)');
    expectError(() => f([K.placeholder([1, 2])]), K.ValueError, 'function', 'values[0]', 'symbolic');
    expectError(() => f(['a']), K.TypeError, 'function', 'values[0]');
  });

  it('a function given a name names it in errors at call time', () => {
    const x = K.placeholder([2]);
    const f = K.function([x], [x], null, 'train_step');
    expectError(() => f([[1, 2, 3]]), K.ValueError, 'train_step', '(3,)', '(2,)');
  });

  it('checks its arguments when built, naming function', () => {
    const x = K.placeholder([2]);
    const v = K.variable([1, 2]);
    expectError(
      () => K.function([K.constant([1, 2])] as never, [x]),
      K.TypeError,
      'function',
      'inputs',
      'placeholders'
    );
    expectError(() => K.function(K.constant([1, 2]) as never, [x]), K.TypeError, 'function', 'inputs', 'placeholder');
    // A gradient that does not exist (null) is not an output.
    const [none] = K.gradients(K.sum(x), [K.placeholder([2])]);
    expectError(() => K.function([x], [x, none as K.Tensor]), K.TypeError, 'function', 'outputs[1]', 'null');
    expectError(
      () => K.function([x], [x], [[v, x], [v]] as unknown as K.Update[]),
      K.TypeError,
      'function',
      'updates[1]'
    );
    expectError(
      () => K.function([x], [x], [[v, K.placeholder([3])]]),
      K.ValueError,
      'function',
      'updates[0]',
      '(3,)',
      '(2,)'
    );
    expectError(
      () => K.function([x], [x], [[v, K.placeholder([2], null, 'float64')]]),
      K.ValueError,
      'function',
      'updates[0]',
      'float64'
    );
    expectError(() => K.function([x], [x], v as unknown as K.Update[]), K.TypeError, 'function', 'updates');
    // An eager update has already run: it cannot be repeated at each call.
    expectError(
      () => K.function([x], [x], [K.update_add(v, [1, 1]) as unknown as K.UpdateOp]),
      K.TypeError,
      'function',
      'updates[0]',
      'eager'
    );
  });

  it('a placeholder the outputs need but which is not among the inputs is a ValueError at call time', () => {
    const [x, y] = [K.placeholder([2]), K.placeholder([2], null, null, false, 'y_true')];
    const f = K.function([x], [K.add(x, y)]);
    expectError(() => f([[1, 2]]), K.ValueError, 'function', 'y_true', 'not fed');
  });

  it('equals the eager computation, for any batch size fed to an unknown batch', () => {
    const x = K.placeholder([null, 3]);
    const w = K.variable([
      [0.5, -1],
      [2, 0.25],
      [-0.5, 1],
    ]);
    const b = K.variable([0.1, -0.2]);
    const build = (t: K.Tensor) => K.softmax(K.tanh(K.bias_add(K.dot(t, w), b)));
    const y = build(x);
    expect(K.int_shape(y)).toEqual([null, 2]);
    const f = K.function([x], [y, K.mean(y, 0)]);
    for (const batch of [1, 4, 7, 0]) {
      const data = Float32Array.from({ length: batch * 3 }, (_, i) => Math.sin(i) * 2 - 0.3);
      const [got, m] = f([ndarray(data, [batch, 3])]);
      expect(got!.shape).toEqual([batch, 2]);
      const eager = build(K.constant(ndarray(data, [batch, 3])));
      expectClose(K.constant(got!), eager.toArray());
      // The mean over an empty batch is NaN, as in TensorFlow.
      expectClose(K.constant(m!), K.mean(eager, 0).toArray());
    }
  });

  it('reads the variables afresh at each call (and eager tensors made from them)', () => {
    const x = K.placeholder([2]);
    const v = K.variable([1, 2]);
    const twice = K.multiply(v, 2); // eager now, re-evaluated from v by the graph
    const f = K.function([x], [K.add(K.multiply(x, v), twice)]);
    expect(flat(f([[1, 1]])[0]!)).toEqual([3, 6]);
    K.set_value(v, [10, 20]);
    expect(flat(f([[1, 1]])[0]!)).toEqual([30, 60]);
    expect(twice.toArray(), 'the eager value keeps what it was').toEqual([2, 4]);
  });

  it('applies the updates after the outputs, every new value computed from the same values', () => {
    const x = K.placeholder([2]);
    const v = K.variable([1, 2]);
    const w = K.variable([0, 0]);
    const step = K.variable(0, 'int32');
    const f = K.function(
      [x],
      [K.sum(K.multiply(v, x))],
      [
        [v, K.add(v, x)],
        K.update(w, K.multiply(v, K.add(x, 0))) as K.UpdateOp, // reads v before this call's update of v
        [step, K.add(step, 1)],
      ]
    );
    const [out1] = f([[1, 1]]);
    expect(out1!.get()).toBe(3);
    expect([v.toArray(), w.toArray(), step.toArray()]).toEqual([[2, 3], [1, 2], 1]);
    const [out2] = f([[2, 0]]);
    expect(out2!.get()).toBe(4);
    expect([v.toArray(), w.toArray(), step.toArray()]).toEqual([[4, 3], [4, 0], 2]);
  });

  it('a failed call changes no variable', () => {
    const x = K.placeholder([null], null, 'int32');
    const table = K.variable([
      [1, 2],
      [3, 4],
    ]);
    const v = K.variable([5, 6]);
    const f = K.function([x], [K.gather(table, x)], [[v, K.add(v, 1)]]);
    expect(() => f([[0, 7]])).toThrow(K.ValueError);
    expect(v.toArray()).toEqual([5, 6]);
    expect(nested(f([[1, 0]])[0]!)).toEqual([
      [3, 4],
      [1, 2],
    ]);
    expect(v.toArray()).toEqual([6, 7]);
  });

  it('the classic idiom: K.function([x, y], [loss, ...K.gradients(loss, [W, b])]) equals the eager loss and gradients', () => {
    const x = K.placeholder([null, 3], null, 'float64');
    const target = K.placeholder([null, 2], null, 'float64');
    const W = K.variable(
      [
        [0.2, -0.4],
        [0.1, 0.3],
        [-0.6, 0.5],
      ],
      'float64'
    );
    const b = K.variable([0.05, -0.1], 'float64');
    const lossOf = (xs: K.Tensor, ys: K.Tensor) =>
      K.mean(K.categorical_crossentropy(ys, K.softmax(K.bias_add(K.dot(xs, W), b))));
    const loss = lossOf(x, target);
    const grads = K.gradients(loss, [W, b]) as K.Tensor[];
    const f = K.function([x, target], [loss, ...grads]);
    const xs = [
      [1, 2, -1],
      [0.5, -0.5, 2],
      [0, 1, 1],
    ];
    const ys = [
      [1, 0],
      [0, 1],
      [0.3, 0.7],
    ];
    const [l, gW, gb] = f([xs, ys]);
    const eagerLoss = lossOf(K.constant(xs, 'float64'), K.constant(ys, 'float64'));
    const [eW, eb] = K.gradients(eagerLoss, [W, b]) as K.Tensor[];
    expectClose(K.constant(l!, 'float64'), eagerLoss.toArray(), 1e-12);
    expectClose(K.constant(gW!, 'float64'), eW!.toArray(), 1e-12);
    expectClose(K.constant(gb!, 'float64'), eb!.toArray(), 1e-12);
    // Gradient descent through the graph lowers the loss.
    const lr = K.placeholder([], null, 'float64');
    const train = K.function(
      [x, target, lr],
      [loss],
      [
        K.update_sub(W, K.multiply(grads[0]!, lr)) as K.UpdateOp,
        K.update_sub(b, K.multiply(grads[1]!, lr)) as K.UpdateOp,
      ]
    );
    const losses = Array.from({ length: 20 }, () => train([xs, ys, 0.5])[0]!.get());
    expect(losses[19]!).toBeLessThan(losses[0]! * 0.9);
    expect(losses.every((v, i) => i === 0 || v <= losses[i - 1]!)).toBe(true);
  });

  it('second-order gradients through K.function: d2/dx2 of sum(x^3) is 6x', () => {
    const x = K.placeholder([null], null, 'float64');
    const [g] = K.gradients(K.sum(K.multiply(K.multiply(x, x), x)), [x]);
    const [h] = K.gradients(K.sum(K.multiply(g!, K.sin(x))), [x]);
    const f = K.function([x], [g!, h!]);
    const xs = [0.5, -1.5, 2];
    const [gv, hv] = f([xs]);
    expectClose(
      K.constant(gv!, 'float64'),
      xs.map((v) => 3 * v * v),
      1e-12
    );
    // d/dx (3x^2 sin x) = 6x sin x + 3x^2 cos x
    expectClose(
      K.constant(hv!, 'float64'),
      xs.map((v) => 6 * v * Math.sin(v) + 3 * v * v * Math.cos(v)),
      1e-12
    );
  });

  it('gradients w.r.t. a variable through a graph use the value fed', () => {
    const x = K.placeholder([null, 2]);
    const v = K.variable([1, -1]);
    const loss = K.sum(K.square(K.multiply(x, v)));
    const [gv] = K.gradients(loss, [v]);
    const f = K.function([x], [gv!]);
    // d/dv sum((x v)^2) = sum over the batch of 2 x^2 v
    expectClose(
      K.constant(
        f([
          [
            [1, 2],
            [3, 0],
          ],
        ])[0]!
      ),
      [2 * (1 + 9) * 1, 2 * 4 * -1]
    );
    expectClose(K.constant(f([[[1, 1]]])[0]!), [2, -2]);
  });
});
