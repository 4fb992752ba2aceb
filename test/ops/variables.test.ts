// Variables and their updates (src/ops/variables.ts), against the seed's TF source (numpy fixtures in
// test/fixtures/state.json from gen_state.py).
import { describe, it, expect } from 'vitest';
import ndarray from 'ndarray';
import * as K from '../../src/index.js';
import { expectClose, expectError } from '../helpers.js';
import { fixture, symbolic, valueOf, expectFreshNd } from './state_helpers.js';

describe('variable', () => {
  it('types a loosely typed value as a Variable, not a SparseTensor (issue 14)', () => {
    const loose: unknown = [1, 2];
    const v = K.variable(loose as Parameters<typeof K.variable>[0]);
    const typed: K.Variable = K.variable(JSON.parse('[1, 2]'));
    expect(v).toBeInstanceOf(K.Variable);
    expect(typed.shape).toEqual([2]);
  });

  it('doctest: dtype and print of a named float64 variable', () => {
    const val = ndarray(new Int32Array([1, 2, 3, 4]), [2, 2]);
    const kvar = K.variable(val, 'float64', 'example_var');
    expect(K.dtype(kvar)).toBe('float64');
    const printed = String(kvar);
    expect(printed).toContain('example_var');
    expect(printed).toContain('shape=(2, 2)');
    expect(printed).toContain('dtype=float64');
    expect(printed).toContain('[[1,2],[3,4]]');
  });

  it('is a Variable of floatx() by default, named Variable as in TF eager', () => {
    const v = K.variable([
      [1, 2],
      [3, 4],
    ]);
    expect(v).toBeInstanceOf(K.Variable);
    expect(v.dtype).toBe('float32');
    expect(v.name).toBe('Variable');
    expect(v.node).toBeNull();
    K.set_floatx('float64');
    expect(K.variable([1]).dtype).toBe('float64');
  });

  it('does not consume Keras uids', () => {
    K.reset_uids();
    K.variable(1);
    K.zeros([2]);
    expect(K.get_uid('Variable')).toBe(1);
  });

  it('takes dtype, name and constraint by name in one options object', () => {
    const c = (x: K.Tensor) => K.multiply(x, 0);
    const v = K.variable([1.5, 2], { dtype: 'float64', name: 'w', constraint: c });
    expect([v.dtype, v.name, v.constraint]).toEqual(['float64', 'w', c]);
    const u = K.variable([1], 'int32', { name: 'u' });
    expect([u.dtype, u.name]).toEqual(['int32', 'u']);
  });

  it('from numbers and booleans (0-d)', () => {
    const s = K.variable(2.5);
    expect(s.shape).toEqual([]);
    expect(valueOf(s)).toBe(2.5);
    const b = K.variable(true, 'bool');
    expect([b.shape, b.dtype, valueOf(b)]).toEqual([[], 'bool', 1]);
    expect(valueOf(K.variable([true, false], 'bool'))).toEqual([1, 0]);
    expect(valueOf(K.variable([true, false]))).toEqual([1, 0]);
    expect(K.variable([true, false]).dtype).toBe('float32');
  });

  it('from typed arrays, converted to the dtype asked for', () => {
    const v = K.variable(new Int32Array([1, -2, 3]));
    expect([v.dtype, v.shape, valueOf(v)]).toEqual(['float32', [3], [1, -2, 3]]);
    const w = K.variable(new Float64Array([0.1, 0.2]), 'float64');
    expect(valueOf(w)).toEqual([0.1, 0.2]);
    const u = K.variable(new Uint8Array([1, 200]), 'int16');
    expect([u.dtype, valueOf(u)]).toEqual(['int16', [1, 200]]);
  });

  it('from ndarrays: contiguous, transposed views and offset slices', () => {
    const base = ndarray(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expectClose(K.variable(base), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectClose(K.variable(base.transpose(1, 0)), [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expectClose(K.variable(base.hi(2, 3).lo(0, 1)), [
      [2, 3],
      [5, 6],
    ]);
    expectClose(K.variable(base.pick(1, null)), [4, 5, 6]);
    expectClose(K.variable(base.step(1, -1), 'float64'), [
      [3, 2, 1],
      [6, 5, 4],
    ]);
  });

  it('copies its value: mutating the source afterwards changes nothing', () => {
    const arr = new Float32Array([1, 2, 3]);
    const nested = [
      [1, 2],
      [3, 4],
    ];
    const nd = ndarray(new Float64Array([1, 2, 3, 4]), [2, 2]);
    const t = K.constant([5, 6]);
    const a = K.variable(arr);
    const b = K.variable(nested);
    const c = K.variable(nd.transpose(1, 0), 'float64');
    const d = K.variable(t);
    arr[0] = 100;
    nested[0]![0] = 100;
    nd.set(0, 0, 100);
    expect(valueOf(a)).toEqual([1, 2, 3]);
    expect(valueOf(b)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(valueOf(c)).toEqual([
      [1, 3],
      [2, 4],
    ]);
    K.update(d, [7, 8]);
    expect(valueOf(t)).toEqual([5, 6]);
  });

  it('from a tensor or variable of the same dtype (a copy)', () => {
    const src = K.variable([1, 2], 'float64');
    const v = K.variable(src, 'float64');
    K.update(src, [3, 4]);
    expect(valueOf(v)).toEqual([1, 2]);
  });

  it('gradients flow through a read of the variable', () => {
    const v = K.variable(
      [
        [0.5, -1],
        [2, 0.25],
      ],
      'float64'
    );
    const y = K.sum(K.multiply(K.exp(v), v));
    const [g] = K.gradients(y, [v]);
    expectClose(
      g!,
      [
        [0.5, -1],
        [2, 0.25],
      ].map((r) => r.map((x) => Math.exp(x) * (1 + x))),
      1e-12
    );
    expect(g!.dtype).toBe('float64');
    // A second read of the same version shares the first; both contribute.
    const [g2] = K.gradients(K.add(K.sum(v), K.sum(v)), [v]);
    expectClose(g2!, [
      [2, 2],
      [2, 2],
    ]);
  });

  it('rejects bad arguments', () => {
    expectError(() => K.variable([1], 'float16' as K.DType), K.TypeError, 'variable', 'dtype', 'float16');
    expectError(() => K.variable([1], 'float32', 3 as unknown as string), K.TypeError, 'variable', 'name');
    expectError(
      () => K.variable([1], null, null, 5 as unknown as K.Constraint),
      K.ValueError,
      'variable',
      'constraint'
    );
    expectError(
      () => K.variable([1], { dtype: 'float32', trainable: true } as K.VariableOptions),
      K.TypeError,
      'variable',
      'trainable'
    );
    expectError(() => K.variable([[1, 2], [3]]), K.ValueError, 'variable', 'ragged');
    expectError(() => K.variable('abc' as unknown as number), K.TypeError, 'variable', 'value');
    expectError(() => K.variable([1.5], 'int32'), K.TypeError, 'variable', 'int32');
    expectError(() => K.variable(symbolic([2])), K.ValueError, 'variable', 'symbolic');
    // tf.convert_to_tensor does not cast a tensor of another dtype.
    expectError(() => K.variable(K.constant([1, 2], 'int32')), K.TypeError, 'variable', 'int32', 'float32');
  });
});

describe('get_value', () => {
  it('doctest: reassign, then increment through get_value', () => {
    const v = K.variable(1);
    K.set_value(v, 2);
    expect(K.get_value(v).get()).toBe(2);
    K.set_value(v, K.add(K.get_value(v), 1));
    const r = K.get_value(v);
    expect(r.get()).toBe(3);
    expectFreshNd(r, [], 'float32');
  });

  it('returns a new ndarray each time, of tensors too', () => {
    const v = K.variable([[1, 2]], 'int32');
    const a = K.get_value(v);
    expectFreshNd(a, [1, 2], 'int32');
    a.set(0, 0, 7);
    expect(K.get_value(v).get(0, 0)).toBe(1);
    expectFreshNd(K.get_value(K.cast(v, 'bool')), [1, 2], 'bool');
  });

  it('rejects symbolic tensors', () => {
    expectError(() => K.get_value(symbolic([1])), K.ValueError, 'get_value', 'symbolic');
  });
});

describe('set_value', () => {
  it('doctest: the set value is read back', () => {
    const v = K.variable(1);
    K.set_value(v, 2);
    expect(K.get_value(v).get()).toBe(2);
  });

  it('converts the value to the variable dtype, as numpy asarray does', () => {
    const v = K.variable([0, 0], 'int32');
    K.set_value(v, K.constant([1.9, -2.9], 'float64'));
    expect([v.dtype, valueOf(v)]).toEqual(['int32', [1, -2]]);
    K.set_value(v, new Float32Array([3, 4]));
    expect(valueOf(v)).toEqual([3, 4]);
    K.set_value(v, ndarray(new Float64Array([5, 9, 6, 9]), [2], [2], 0));
    expect(valueOf(v)).toEqual([5, 6]);
  });

  it('returns nothing', () => {
    expect(K.set_value(K.variable(1), 2)).toBeUndefined();
  });

  it('fails without changing the variable', () => {
    const v = K.variable([[1, 2]], 'int32');
    const version = v.version;
    expectError(() => K.set_value(v, [1, 2]), K.ValueError, 'set_value', 'value', '(2,)', '(1, 2)');
    expectError(() => K.set_value(v, [[1.5, 2]]), K.TypeError, 'set_value', 'int32');
    expectError(() => K.set_value(K.constant([1]) as K.Variable, [2]), K.TypeError, 'set_value', 'variable');
    expectError(() => K.set_value(v, [[1, 2], [3]]), K.ValueError, 'set_value', 'ragged');
    expect(valueOf(v)).toEqual([[1, 2]]);
    expect(v.version).toBe(version);
  });
});

describe('batch_get_value', () => {
  it('returns one new ndarray per tensor', () => {
    const a = K.variable([1, 2]);
    const b = K.constant([[3]], 'int32');
    const [x, y] = K.batch_get_value([a, b]);
    expectFreshNd(x!, [2], 'float32');
    expectFreshNd(y!, [1, 1], 'int32');
    expect([Array.from(x!.data as Float32Array), y!.get(0, 0)]).toEqual([[1, 2], 3]);
    x!.set(0, 10);
    expect(valueOf(a)).toEqual([1, 2]);
    expect(K.batch_get_value([])).toEqual([]);
  });

  it('rejects a non-list and names the bad entry', () => {
    expectError(
      () => K.batch_get_value(K.variable(1) as unknown as K.Tensor[]),
      K.TypeError,
      'batch_get_value',
      'tensors'
    );
    expectError(() => K.batch_get_value([K.variable(1), symbolic([3])]), K.ValueError, 'batch_get_value', 'tensors[1]');
  });
});

describe('batch_set_value', () => {
  it('sets every variable', () => {
    const a = K.variable([1, 2]);
    const b = K.variable(0, 'int32');
    K.batch_set_value([
      [a, [3, 4]],
      [b, 5],
    ]);
    expect([valueOf(a), valueOf(b)]).toEqual([[3, 4], 5]);
    K.batch_set_value([]);
    expect(valueOf(a)).toEqual([3, 4]);
  });

  it('validates every pair before changing any variable', () => {
    const a = K.variable([1, 2]);
    const b = K.variable([[1]]);
    expectError(
      () =>
        K.batch_set_value([
          [a, [9, 9]],
          [b, [1, 2]],
        ]),
      K.ValueError,
      'batch_set_value',
      'tuples[1][1]',
      '(2,)',
      '(1, 1)'
    );
    expectError(
      () =>
        K.batch_set_value([
          [a, [9, 9]],
          [K.constant(1) as K.Variable, 1],
        ]),
      K.TypeError,
      'batch_set_value',
      'tuples[1][0]'
    );
    expectError(
      () => K.batch_set_value([[a, [9, 9]], [b] as unknown as [K.Variable, number]]),
      K.TypeError,
      'batch_set_value',
      'tuples[1]'
    );
    expectError(
      () => K.batch_set_value(a as unknown as [K.Variable, number][]),
      K.TypeError,
      'batch_set_value',
      'tuples'
    );
    expect([valueOf(a), valueOf(b)]).toEqual([[1, 2], [[1]]]);
  });
});

/** The three assignments share their contract; `op` applies one with `operand`. */
const ASSIGNS = [
  { name: 'update', op: K.update, arg: 'new_x', expect: (_x: number, y: number) => y },
  { name: 'update_add', op: K.update_add, arg: 'increment', expect: (x: number, y: number) => x + y },
  { name: 'update_sub', op: K.update_sub, arg: 'decrement', expect: (x: number, y: number) => x - y },
] as const;

for (const { name, op, arg, expect: ref } of ASSIGNS) {
  describe(name, () => {
    it('changes the variable in place and returns it', () => {
      const v = K.variable(
        [
          [1, 2],
          [3, 4],
        ],
        'float64'
      );
      const out = op(v, [
        [10, 20],
        [30, 40],
      ]);
      expect(out).toBe(v);
      expect(valueOf(v)).toEqual(
        [
          [1, 2],
          [3, 4],
        ].map((r, i) =>
          r.map((x, j) =>
            ref(
              x,
              [
                [10, 20],
                [30, 40],
              ][i]![j]!
            )
          )
        )
      );
      expect(v.dtype).toBe('float64');
    });

    it('takes tensors of the variable dtype and plain values converted to it', () => {
      const v = K.variable([5, 6], 'int32');
      op(v, K.constant([1, 2], 'int32'));
      op(v, new Int32Array([1, 1]));
      const expected = [5, 6].map((x, i) => ref(ref(x, [1, 2][i]!), 1));
      expect(valueOf(v)).toEqual(expected);
      expect(v.dtype).toBe('int32');
    });

    it('records no node: the new value is not connected to its operand', () => {
      const v = K.variable([1, 2], 'float64');
      const w = K.variable([3, 4], 'float64');
      const operand = K.multiply(w, 2);
      K.sum(v); // v's read exists before the update
      const c = K.constant(1);
      const before = K.add(c, c).node!.id;
      op(v, operand);
      expect(K.add(c, c).node!.id, 'nodes recorded by the update').toBe(before + 1);
      expect(v.node).toBeNull();
      expect(K.gradients(K.sum(K.multiply(v, v)), [w])).toEqual([null]);
      const [g] = K.gradients(K.sum(K.multiply(v, v)), [v]);
      expectClose(
        g!,
        (valueOf(v) as number[]).map((x) => 2 * x)
      );
    });

    it('never changes a value a recorded node still needs (first and second order)', () => {
      const old = [0.5, -1.5];
      const v = K.variable(old, 'float64');
      const y = K.sum(K.multiply(K.multiply(v, v), v)); // sum(v^3)
      op(v, [2, 3]);
      expect(valueOf(v)).not.toEqual(old);
      expect(y.toArray()).toBeCloseTo(
        old.reduce((s, x) => s + x * x * x, 0),
        12
      );
      const [g] = K.gradients(y, [v]);
      expectClose(
        g!,
        old.map((x) => 3 * x * x),
        1e-12
      );
      const [h] = K.gradients(K.sum(g!), [v]);
      expectClose(
        h!,
        old.map((x) => 6 * x),
        1e-12
      );
      // A loss computed after the update sees the new value.
      const [gNew] = K.gradients(K.sum(K.multiply(K.multiply(v, v), v)), [v]);
      expectClose(
        gNew!,
        (valueOf(v) as number[]).map((x) => 3 * x * x),
        1e-12
      );
    });

    it('with a symbolic operand returns an update op, which K.function applies after the outputs, at each call', () => {
      const v = K.variable(
        [
          [1, 2],
          [3, 4],
        ],
        'float64'
      );
      const p = K.placeholder([null, 2], null, 'float64');
      const u = op(v, K.multiply(p, 2));
      expect(u).toBeInstanceOf(K.UpdateOp);
      expect((u as K.UpdateOp).variable).toBe(v);
      expect(String(u)).toContain(name);
      expect(valueOf(v), 'nothing assigned yet').toEqual([
        [1, 2],
        [3, 4],
      ]);
      const f = K.function([p], [K.sum(v)], [u as K.UpdateOp]);
      const feed = [
        [1, -1],
        [0.5, 2],
      ];
      let expected = [
        [1, 2],
        [3, 4],
      ];
      for (let call = 0; call < 2; call++) {
        const [before] = f([feed]);
        // The output is computed from the value before this call's update.
        expect(before!.get()).toBe(expected.flat().reduce((a, b) => a + b, 0));
        expected = expected.map((r, i) => r.map((x, j) => ref(x, 2 * feed[i]![j]!)));
        expect(valueOf(v)).toEqual(expected);
      }
    });

    it('a symbolic update of the wrong run-time shape fails in K.function without changing the variable', () => {
      const v = K.variable([
        [1, 2],
        [3, 4],
      ]);
      const p = K.placeholder([null, 2]);
      const f = K.function([p], [p], [op(v, p) as K.UpdateOp]);
      expectError(() => f([[[1, 2]]]), K.ValueError, 'function', 'updates[0]', '(1, 2)', '(2, 2)');
      expect(valueOf(v)).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(v.version).toBe(0);
    });

    it('does not apply the variable constraint (TF applies it in optimizers, not in assign)', () => {
      const v = K.variable([1, 2], 'float32', null, (x) => K.multiply(x, 0));
      op(v, [1, 1]);
      expect(valueOf(v)).toEqual([1, 2].map((x) => ref(x, 1)));
    });

    it('fails without changing the variable', () => {
      const v = K.variable([[1, 2]]);
      const version = v.version;
      const before = K.eval(v);
      // tf.assign* needs exactly the variable's shape (no broadcasting).
      expectError(() => op(v, [1, 2]), K.ValueError, name, arg, '(2,)', '(1, 2)');
      expectError(() => op(v, 1), K.ValueError, name, arg, '()', '(1, 2)');
      expectError(() => op(v, K.constant([[1, 2]], 'float64')), K.TypeError, name, arg, 'float64', 'float32');
      expectError(() => op(K.constant([[1, 2]]) as K.Variable, [[1, 2]]), K.TypeError, name, 'x', 'variable');
      expectError(() => op([[1, 2]] as unknown as K.Variable, [[1, 2]]), K.TypeError, name, 'x', 'variable');
      expectError(() => op(v, K.placeholder([2, null])), K.ValueError, name, arg, '(2, None)', '(1, 2)');
      expectError(() => op(v, K.placeholder([1, 2], null, 'float64')), K.TypeError, name, arg, 'float64');
      expectError(() => op(K.variable([1], 'int32'), [1.5]), K.TypeError, name, 'int32');
      expect(K.eval(v)).toEqual(before);
      expect(v.version).toBe(version);
    });
  });
}

describe('moving_average_update', () => {
  it('doctest: momentum 0.9 moves 0.0 to 0.2, which debiases to 2.0', () => {
    const x = K.variable(0.0);
    const momentum = 0.9;
    const out = K.moving_average_update(x, 2.0, momentum);
    expect(out).toBe(x);
    expect(K.get_value(x).get()).toBeCloseTo(0.2, 6);
    const numUpdates = 1.0;
    const xZdb = K.divide(x, 1 - Math.pow(momentum, numUpdates));
    expect(xZdb.toArray()).toBeCloseTo(2.0, 5);
  });

  it('matches numpy step by step, computed in the variable dtype', () => {
    for (const c of fixture.moving_average) {
      const x = K.variable(c.x0, c.dtype);
      c.values.forEach((value, i) => {
        K.moving_average_update(x, value, c.momentum);
        expect(x.dtype).toBe(c.dtype);
        expectClose(x, c.steps[i]!, c.dtype === 'float32' ? 1e-7 : 1e-14);
      });
    }
  });

  it('casts value and momentum to the variable dtype (tf.cast)', () => {
    const x = K.variable([1, 1], 'float64');
    K.moving_average_update(x, K.constant([3, 5], 'float32'), K.constant(0.5, 'float32'));
    expectClose(x, [2, 3], 1e-15);
    const i = K.variable([10, 20], 'int32');
    K.moving_average_update(i, [5.7, 1], 0); // momentum 0 -> x = value, cast truncates
    expect(valueOf(i)).toEqual([5, 1]);
  });

  it('records no node and keeps recorded values', () => {
    const x = K.variable([1, 2], 'float64');
    const y = K.sum(K.multiply(x, x));
    const c = K.constant(1);
    const before = K.add(c, c).node!.id;
    K.moving_average_update(x, [3, 4], 0.5);
    expect(K.add(c, c).node!.id, 'nodes recorded by the update').toBe(before + 1);
    expect(x.node).toBeNull();
    expectClose(K.gradients(y, [x])[0]!, [2, 4]);
  });

  it('with a symbolic value or momentum returns an update op for K.function, cast to the variable dtype', () => {
    const x = K.variable([1, 2], 'float64');
    const value = K.placeholder([2], null, 'float32');
    const u = K.moving_average_update(x, value, 0.5);
    expect(u).toBeInstanceOf(K.UpdateOp);
    expect(valueOf(x)).toEqual([1, 2]);
    const f = K.function([value], [], [u as K.UpdateOp]);
    expect(f([[3, 4]])).toEqual([]);
    expectClose(x, [2, 3], 1e-15);
    f([[2, 3]]);
    expectClose(x, [2, 3], 1e-15);
    // A symbolic momentum, and int variables: value and momentum are cast (truncated) as eagerly.
    const m = K.placeholder([], null, 'float32');
    for (const momentum of [0.5, 2.7]) {
      const [i, twin] = [K.variable([10, 20], 'int32'), K.variable([10, 20], 'int32')];
      K.function([m], [], [K.moving_average_update(i, [5.5, 1], m) as K.UpdateOp])([momentum]);
      K.moving_average_update(twin, [5.5, 1], momentum);
      expect(valueOf(i)).toEqual(valueOf(twin));
    }
    expect(valueOf(K.moving_average_update(K.variable([10, 20], 'int32'), [5.5, 1], 2.7))).toEqual([15, 39]);
  });

  it('fails without changing the variable', () => {
    const x = K.variable([1, 2]);
    expectError(
      () => K.moving_average_update(x, K.placeholder([3]), 0.9),
      K.ValueError,
      'moving_average_update',
      '(3,)',
      '(2,)'
    );
    expectError(
      () => K.moving_average_update(x, [1, 2, 3], 0.9),
      K.ValueError,
      'moving_average_update',
      '(3,)',
      '(2,)'
    );
    expectError(
      () =>
        K.moving_average_update(
          x,
          [
            [1, 2],
            [3, 4],
          ],
          0.9
        ),
      K.ValueError,
      'moving_average_update',
      'value',
      '(2, 2)'
    );
    expectError(
      () => K.moving_average_update(x, [1, 2], [0.9, 0.9, 0.9]),
      K.ValueError,
      'moving_average_update',
      'momentum'
    );
    expectError(
      () => K.moving_average_update(K.constant([1, 2]) as K.Variable, [1, 2], 0.9),
      K.TypeError,
      'moving_average_update',
      'variable'
    );
    expectError(
      () => K.moving_average_update(x, 'a' as unknown as number, 0.9),
      K.TypeError,
      'moving_average_update',
      'value'
    );
    expect(valueOf(x)).toEqual([1, 2]);
  });
});
