// K.switch and the learning phase: learning_phase, set_learning_phase,
// learning_phase_scope, in_train_phase, in_test_phase. The seed has no doctest
// examples for them. Element-wise switch values and gradients come from
// test/fixtures/gen_phase.py (numpy re-implementing the seed's reshape/tile/where
// source); the rest are selections checked against the inputs themselves.
// Warnings are given once per process, so the describes that check them come first.
import type { NdArray } from 'ndarray';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as K from '../../src/index.js';
import type { DType } from '../../src/index.js';
import type { NestedArray } from '../../src/core/tensor.js';
import { expectClose, expectError, fixtureTensor, loadFixture, nest } from '../helpers.js';

interface Values {
  shape: number[];
  dtype: DType;
  data: number[];
}
interface SwitchCase {
  condition: Values;
  then: Values;
  else: Values;
  out: Values;
  w: Values;
  grad_then: Values;
  grad_else: Values;
}
const fixture = loadFixture<{ cases: SwitchCase[] }>('phase');

const initialPhase = K.learning_phase();

afterEach(() => {
  K.clear_session();
});

const values = (v: Values): NestedArray => nest(v.data, v.shape);
const f64 = (v: NestedArray) => K.variable(v, 'float64');
// The values of each output as a flat list (-0 reads as 0).
const run = (f: (values: unknown[]) => NdArray[], feeds: unknown[]): number[][] =>
  f(feeds).map((r) => Array.from(r.data as ArrayLike<number>, (v) => v + 0));

describe('set_learning_phase', () => {
  it("warns once that it is deprecated (a UserWarning, as the source's warnings.warn)", () => {
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      K.set_learning_phase(1);
      K.set_learning_phase(0);
      expect(spy).toHaveBeenCalledTimes(1);
      const [message, type] = spy.mock.calls[0]!;
      expect(String(message)).toContain('`tf.keras.backend.set_learning_phase` is deprecated');
      expect(type).toBe('UserWarning');
    } finally {
      spy.mockRestore();
    }
  });

  it("sets the phase to 0 or 1; true and false count as 1 and 0 (Python's `value in {0, 1}`)", () => {
    K.set_learning_phase(1);
    expect(K.learning_phase()).toBe(1);
    K.set_learning_phase(0);
    expect(K.learning_phase()).toBe(0);
    K.set_learning_phase(true);
    expect(K.learning_phase()).toBe(1);
    K.set_learning_phase(false);
    expect(K.learning_phase()).toBe(0);
  });

  it('rejects anything but 0 and 1 with a ValueError, leaving the phase unchanged', () => {
    K.set_learning_phase(1);
    for (const bad of [2, -1, 0.5, '1', null, undefined, [1], K.constant(1)]) {
      expectError(
        () => K.set_learning_phase(bad as 0),
        K.ValueError,
        'set_learning_phase',
        'Expected learning phase to be 0 or 1',
        'value'
      );
      expect(K.learning_phase()).toBe(1);
    }
  });
});

describe('learning_phase_scope', () => {
  it('warns once that it is deprecated (a UserWarning)', () => {
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      K.learning_phase_scope(1, () => 0);
      K.learning_phase_scope(0, () => 0);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0]![0])).toContain('`tf.keras.backend.learning_phase_scope` is deprecated');
      expect(spy.mock.calls[0]![1]).toBe('UserWarning');
    } finally {
      spy.mockRestore();
    }
  });

  it('sets the phase inside the callback, returns its result and restores the previous phase', () => {
    expect(K.learning_phase() as number).toBe(0);
    const r = K.learning_phase_scope(1, () => (K.learning_phase() as number) * 10 + 7);
    expect(r).toBe(17);
    expect(K.learning_phase() as number).toBe(0);
    K.set_learning_phase(1);
    expect(K.learning_phase_scope(0, () => K.learning_phase() as number)).toBe(0);
    expect(K.learning_phase() as number).toBe(1);
    expect(K.learning_phase_scope(true, () => K.learning_phase() as number)).toBe(1);
  });

  it('nests: each scope restores the phase it found', () => {
    const seen: number[] = [];
    K.learning_phase_scope(1, () => {
      seen.push(K.learning_phase() as number);
      K.learning_phase_scope(0, () => {
        seen.push(K.learning_phase() as number);
        K.learning_phase_scope(1, () => seen.push(K.learning_phase() as number));
        seen.push(K.learning_phase() as number);
      });
      seen.push(K.learning_phase() as number);
    });
    seen.push(K.learning_phase() as number);
    expect(seen).toEqual([1, 0, 1, 0, 1, 0]);
  });

  it('restores the phase when the callback throws, and rethrows the same error', () => {
    const boom = new Error('boom');
    let caught: unknown = null;
    try {
      K.learning_phase_scope(1, () => {
        expect(K.learning_phase()).toBe(1);
        throw boom;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(boom);
    expect(K.learning_phase()).toBe(0);
    // An error of an op inside the body names that op, not the scope, and the phase is restored.
    expectError(() => K.learning_phase_scope(1, () => K.dot(K.ones([2, 3]), K.ones([2, 3]))), K.ValueError, 'dot');
    expect(K.learning_phase()).toBe(0);
  });

  it('rejects a bad value (ValueError) or a non-function body (TypeError) without calling or changing anything', () => {
    let called = false;
    expectError(
      () =>
        K.learning_phase_scope(2 as 1, () => {
          called = true;
        }),
      K.ValueError,
      'learning_phase_scope',
      'value'
    );
    expectError(
      () =>
        K.learning_phase_scope('train' as unknown as 1, () => {
          called = true;
        }),
      K.ValueError,
      'learning_phase_scope',
      'value'
    );
    expectError(() => K.learning_phase_scope(1, 3 as unknown as () => void), K.TypeError, 'learning_phase_scope', 'fn');
    expect(called).toBe(false);
    expect(K.learning_phase()).toBe(0);
  });

  it('refuses an async body (the phase would read 0 after its first await), naming the scope (issue 15)', () => {
    expect(() => K.learning_phase_scope(1, async () => 1)).toThrow(/learning_phase_scope.*promise/);
    expect(K.learning_phase()).toBe(0);
  });
});

describe('learning_phase', () => {
  it("while a graph is built and no phase is set, is a graph input: Keras 2's K.function([x, K.learning_phase()], ...)", () => {
    const x = K.placeholder([null, 4]);
    const f = K.graph_mode(() => {
      const phase = K.learning_phase();
      expect(phase).toBeInstanceOf(K.Placeholder);
      expect([(phase as K.Tensor).shape, (phase as K.Tensor).dtype]).toEqual([[], 'bool']);
      expect(K.learning_phase()).toBe(phase);
      const y = K.in_train_phase(() => K.dropout(x, 0.5), x);
      const z = K.in_test_phase(K.multiply(x, 10), x);
      return K.function([x, phase as K.Placeholder], [y, z]);
    });
    const ones = K.ones([20, 4]);
    const [testY, testZ] = f([ones, 0]);
    expect(Array.from(testY!.data as Float32Array).every((v) => v === 1)).toBe(true);
    expect(Array.from(testZ!.data as Float32Array).every((v) => v === 10)).toBe(true);
    const [trainY, trainZ] = f([ones, 1]);
    const values = new Set(trainY!.data as Float32Array);
    expect([...values].sort()).toEqual([0, 2]);
    expect(Array.from(trainZ!.data as Float32Array).every((v) => v === 1)).toBe(true);
    // true and false feed it too; unfed (a function without it) it is false, as TF's placeholder_with_default.
    expect(new Set(f([ones, true])[0]!.data as Float32Array).has(0)).toBe(true);
    const g = K.graph_mode(() => K.function([x], [K.in_train_phase(K.zeros([20, 4]), x)]));
    expect(Array.from(g([ones])[0]!.data as Float32Array).every((v) => v === 1)).toBe(true);
  });

  it('while a graph is built, a phase set by set_learning_phase or learning_phase_scope is that number', () => {
    K.graph_mode(() => {
      expect(K.learning_phase_scope(1, () => K.learning_phase())).toBe(1);
      K.set_learning_phase(0);
      expect(K.learning_phase()).toBe(0);
    });
    K.clear_session();
    expect(K.graph_mode(() => K.learning_phase())).toBeInstanceOf(K.Placeholder);
  });

  it('executing eagerly, K.function([x, K.learning_phase()]) is a TypeError saying where the phase is an input', () => {
    const x = K.placeholder([2]);
    expectError(
      () => K.function([x, K.learning_phase() as never], [x]),
      K.TypeError,
      'function',
      'inputs[1] is number 0',
      'graph_mode'
    );
  });

  it('is 0 (test) until set, and again after clear_session', () => {
    expect(initialPhase).toBe(0);
    expect(K.learning_phase()).toBe(0);
    K.set_learning_phase(1);
    expect(K.learning_phase()).toBe(1);
    K.clear_session();
    expect(K.learning_phase()).toBe(0);
  });

  it('follows learning_phase_scope and set_learning_phase', () => {
    K.learning_phase_scope(1, () => expect(K.learning_phase()).toBe(1));
    K.set_learning_phase(1);
    K.learning_phase_scope(0, () => expect(K.learning_phase()).toBe(0));
    expect(K.learning_phase()).toBe(1);
  });
});

describe('switch', () => {
  const a = () =>
    K.constant([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  const b = () =>
    K.constant([
      [10, 20, 30],
      [40, 50, 60],
    ]);

  it('a scalar condition (number, boolean, or a scalar tensor of any dtype) selects a whole branch', () => {
    const x = a();
    const y = b();
    for (const yes of [
      true,
      1,
      2,
      -0.5,
      K.constant(true, 'bool'),
      K.constant(3, 'int32'),
      K.constant(0.25, 'float64'),
    ]) {
      expect(K.switch(yes, x, y)).toBe(x);
    }
    for (const no of [false, 0, K.constant(false, 'bool'), K.constant(0, 'int32'), K.constant(0, 'float32')]) {
      expect(K.switch(no, x, y)).toBe(y);
    }
  });

  it('a concrete scalar condition calls only the callable of the branch taken', () => {
    const calls: string[] = [];
    const then = () => {
      calls.push('then');
      return a();
    };
    const other = () => {
      calls.push('else');
      return b();
    };
    expectClose(K.switch(true, then, other), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectClose(K.switch(K.constant(0, 'int32'), then, other), [
      [10, 20, 30],
      [40, 50, 60],
    ]);
    expect(calls).toEqual(['then', 'else']);
    // The branch not taken may even be unusable, as in TF's eager cond.
    expectClose(
      K.switch(1, [1, 2], () => {
        throw new Error('not called');
      }),
      [1, 2]
    );
  });

  it('converts plain branches: numbers and arrays become tensors (a number with a tensor takes its dtype)', () => {
    const r = K.switch(true, 3, 4);
    expect(r.dtype).toBe(K.floatx());
    expectClose(r, 3);
    const c = K.constant([true, false, true], 'bool');
    const x = K.constant([1, 2, 3], 'float64');
    const s = K.switch(c, x, 0);
    expect(s.dtype).toBe('float64');
    expectClose(s, [1, 0, 3]);
    const i = K.switch(c, K.constant([1, 2, 3], 'int32'), [7, 8, 9]);
    expect(i.dtype).toBe('int32');
    expectClose(i, [1, 8, 3]);
  });

  it(`element-wise conditions match the numpy reference (${fixture.cases.length} cases: rank 1 broadcasting, lower-rank conditions tiled, bool/int/float conditions)`, () => {
    expect(fixture.cases.length).toBeGreaterThan(0);
    for (const c of fixture.cases) {
      const cond = fixtureTensor(c.condition.data, c.condition.shape, c.condition.dtype);
      for (const dtype of ['float64', 'float32'] as const) {
        const then = fixtureTensor(c.then.data, c.then.shape, dtype);
        const other = fixtureTensor(c.else.data, c.else.shape, dtype);
        const out = K.switch(cond, then, other);
        const what = `switch(${c.condition.dtype} ${JSON.stringify(c.condition.shape)}, ${JSON.stringify(c.then.shape)}, ${JSON.stringify(c.else.shape)}) ${dtype}`;
        expect(out.shape, what).toEqual(c.out.shape);
        expect(out.dtype, what).toBe(dtype);
        expectClose(out, values(c.out));
        // Callables give the same, and are both called (the source calls them before where).
        let calls = 0;
        const viaFns = K.switch(
          cond,
          () => {
            calls++;
            return then;
          },
          () => {
            calls++;
            return other;
          }
        );
        expect(calls).toBe(2);
        expect(viaFns.toArray()).toEqual(out.toArray());
      }
    }
  });

  it('is differentiable w.r.t. both branches for element-wise conditions (numpy reference), not the condition', () => {
    for (const c of fixture.cases) {
      const cond = fixtureTensor(c.condition.data, c.condition.shape, c.condition.dtype);
      const then = fixtureTensor(c.then.data, c.then.shape, 'float64');
      const other = fixtureTensor(c.else.data, c.else.shape, 'float64');
      const w = fixtureTensor(c.w.data, c.w.shape, 'float64');
      const loss = K.sum(K.multiply(K.switch(cond, then, other), w));
      const [gt, ge, gc] = K.gradients(loss, [then, other, cond]);
      expect(gt!.shape).toEqual(c.then.shape);
      expect(ge!.shape).toEqual(c.else.shape);
      expectClose(gt!, values(c.grad_then), 1e-12);
      expectClose(ge!, values(c.grad_else), 1e-12);
      expect(gc).toBeNull();
    }
  });

  it('with a concrete scalar condition, only the branch taken gets a gradient (the other is disconnected: null)', () => {
    const x = f64([1, -2, 3]);
    const y = f64([4, 5, 6]);
    const [gx, gy] = K.gradients(
      K.sum(
        K.switch(
          true,
          () => K.square(x),
          () => K.exp(y)
        )
      ),
      [x, y]
    );
    expectClose(gx!, [2, -4, 6]);
    expect(gy).toBeNull();
    const [hx, hy] = K.gradients(
      K.sum(
        K.switch(
          0,
          () => K.square(x),
          () => K.exp(y)
        )
      ),
      [x, y]
    );
    expect(hx).toBeNull();
    expectClose(hy!, [Math.exp(4), Math.exp(5), Math.exp(6)]);
  });

  it('has second derivatives through the selected entries', () => {
    const x = f64([0.5, -1.5, 2]);
    const cond = K.constant([true, false, true], 'bool');
    const y = K.sum(K.switch(cond, K.pow(x, 3), K.square(x)));
    const [g] = K.gradients(y, [x]);
    expectClose(g!, [3 * 0.25, 2 * -1.5, 3 * 4]);
    const [h] = K.gradients(K.sum(g!), [x]);
    expectClose(h!, [6 * 0.5, 2, 6 * 2]);
  });

  it('with a symbolic scalar condition builds both branches and K.function selects at run time, with gradients', () => {
    const p = K.placeholder([null, 3]);
    const pc = K.placeholder([], null, 'bool');
    const calls: string[] = [];
    const y = K.switch(
      pc,
      () => {
        calls.push('then');
        return K.square(p);
      },
      () => {
        calls.push('else');
        return K.multiply(p, -3);
      }
    );
    expect(calls).toEqual(['then', 'else']);
    expect(K.is_keras_tensor(y)).toBe(true);
    expect(K.int_shape(y)).toEqual([null, 3]);
    const [g] = K.gradients(K.sum(y), [p]);
    const f = K.function([p, pc], [y, g!]);
    const xs = [
      [1, 2, 3],
      [-1, 0.5, 4],
    ];
    const [yt, gt] = run(f, [xs, true]);
    expect(yt).toEqual([1, 4, 9, 1, 0.25, 16]);
    expect(gt).toEqual([2, 4, 6, -2, 1, 8]);
    const [yf, gf] = run(f, [xs, false]);
    expect(yf).toEqual([-3, -6, -9, 3, -1.5, -12]);
    expect(gf).toEqual([-3, -3, -3, -3, -3, -3]);
  });

  it('takes an int or float scalar placeholder as the condition (cast to bool: nonzero is true)', () => {
    const p = K.placeholder([2]);
    const pc = K.placeholder([], null, 'int32');
    const f = K.function([p, pc], [K.switch(pc, p, K.negative(p))]);
    expect(run(f, [[1, 2], 5])[0]).toEqual([1, 2]);
    expect(run(f, [[1, 2], 0])[0]).toEqual([-1, -2]);
  });

  it('with a symbolic element-wise condition of lower rank (unknown dims) selects per entry through K.function, with gradients', () => {
    const p = K.placeholder([null, 2, 3], null, 'float64');
    const q = K.placeholder([null, 2, 3], null, 'float64');
    const pc = K.placeholder([null, 2], null, 'bool');
    const y = K.switch(pc, K.square(p), K.multiply(q, 2));
    expect(K.int_shape(y)).toEqual([null, 2, 3]);
    const [gp, gq] = K.gradients(K.sum(y), [p, q]);
    const f = K.function([p, q, pc], [y, gp!, gq!]);
    const xs = [
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [
        [-1, -2, -3],
        [0.5, 1.5, 2.5],
      ],
    ];
    const zs = [
      [
        [7, 8, 9],
        [1, 1, 1],
      ],
      [
        [2, 2, 2],
        [3, 3, 3],
      ],
    ];
    const [yv, gpv, gqv] = run(f, [
      xs,
      zs,
      [
        [true, false],
        [false, true],
      ],
    ]);
    expect(yv).toEqual([1, 4, 9, 2, 2, 2, 4, 4, 4, 0.25, 2.25, 6.25]);
    expect(gpv).toEqual([2, 4, 6, 0, 0, 0, 0, 0, 0, 1, 3, 5]);
    expect(gqv).toEqual([0, 0, 0, 2, 2, 2, 2, 2, 2, 0, 0, 0]);
    // A different batch size flows through the reshape of the condition.
    const [y1] = run(f, [
      [
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ],
      [
        [
          [0, 0, 0],
          [1, 1, 1],
        ],
      ],
      [[false, true]],
    ]);
    expect(y1).toEqual([0, 0, 0, 16, 25, 36]);
  });

  it('a rank-1 placeholder condition broadcasts along the last axis (TF2 where)', () => {
    const p = K.placeholder([null, 3]);
    const pc = K.placeholder([3], null, 'bool');
    const f = K.function([p, pc], [K.switch(pc, p, K.zeros_like(p))]);
    expect(
      run(f, [
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [true, false, true],
      ])[0]
    ).toEqual([1, 0, 3, 4, 0, 6]);
  });

  it("rejects a condition of higher rank than then_expression (ValueError, the source's message)", () => {
    expectError(
      () => K.switch(K.constant([[true, false]], 'bool'), K.constant([1, 2]), K.constant([3, 4])),
      K.ValueError,
      'switch',
      'Rank of `condition` should be less than or equal to rank of `then_expression`',
      'ndim(condition)=2',
      'ndim(then_expression)=1'
    );
    // Ranked by then_expression, as in the source, even when else_expression is bigger.
    expectError(
      () => K.switch(K.constant([true, false], 'bool'), 1, K.constant([3, 4])),
      K.ValueError,
      'switch',
      'ndim(condition)=1',
      'ndim(then_expression)=0'
    );
  });

  it('rejects shapes that do not broadcast (ValueError naming the arguments and shapes)', () => {
    expectError(
      () => K.switch(K.constant([true, false], 'bool'), a(), b()),
      K.ValueError,
      'switch',
      'condition (2,)',
      'then_expression (2, 3)'
    );
    expectError(
      () => K.switch(K.ones([3, 2], 'bool'), K.ones([3, 2, 4]), K.ones([3, 3, 4])),
      K.ValueError,
      'switch',
      'else_expression (3, 3, 4)'
    );
    const pc = K.placeholder([], null, 'bool');
    expectError(
      () => K.switch(pc, K.ones([2, 3]), K.ones([3])),
      K.ValueError,
      'switch',
      'symbolic scalar condition',
      '(2, 3)',
      '(3,)'
    );
  });

  it('rejects branches of different dtypes (TypeError) and bad arguments, naming them', () => {
    const c = K.constant([true, false], 'bool');
    expectError(
      () => K.switch(c, K.constant([1, 2], 'float32'), K.constant([1, 2], 'int32')),
      K.TypeError,
      'switch',
      'then_expression',
      'else_expression',
      'float32',
      'int32'
    );
    expectError(() => K.switch('yes' as unknown as boolean, 1, 2), K.TypeError, 'switch', 'condition');
    expectError(() => K.switch(c, () => undefined as unknown as number, 2), K.TypeError, 'switch', 'then_expression');
    expectError(() => K.switch(false, 1, { a: 1 } as unknown as number), K.TypeError, 'switch', 'else_expression');
  });

  it('lets errors raised inside a branch callable name their own op', () => {
    expectError(() => K.switch(true, () => K.dot(K.ones([2, 3]), K.ones([2, 3])), 0), K.ValueError, 'dot:');
  });

  it('records nothing on a failed call', () => {
    const x = f64([1, 2]);
    const before = K.sum(x);
    expectError(() => K.switch(K.constant([[true]], 'bool'), x, x), K.ValueError, 'switch');
    const [g] = K.gradients(before, [x]);
    expectClose(g!, [1, 1]);
  });
});

describe('in_train_phase', () => {
  const x = () => K.constant([1, 2]);
  const alt = () => K.constant([3, 4]);

  it('follows learning_phase() when training is not given', () => {
    expectClose(K.in_train_phase(x(), alt()), [3, 4]);
    K.set_learning_phase(1);
    expectClose(K.in_train_phase(x(), alt()), [1, 2]);
    expectClose(
      K.learning_phase_scope(0, () => K.in_train_phase(x(), alt())),
      [3, 4]
    );
    expectClose(K.in_train_phase(x(), alt(), null), [1, 2]);
  });

  it('takes training as 0/1/true/false, by position or in an options object', () => {
    expectClose(K.in_train_phase(x(), alt(), 1), [1, 2]);
    expectClose(K.in_train_phase(x(), alt(), true), [1, 2]);
    expectClose(K.in_train_phase(x(), alt(), 0), [3, 4]);
    expectClose(K.in_train_phase(x(), alt(), false), [3, 4]);
    expectClose(K.in_train_phase(x(), alt(), { training: 1 }), [1, 2]);
    expectClose(K.in_train_phase(x(), alt(), { training: false }), [3, 4]);
  });

  it('returns the tensor itself and calls only the chosen callable', () => {
    const t = x();
    expect(K.in_train_phase(t, alt(), 1)).toBe(t);
    const calls: string[] = [];
    K.in_train_phase(
      () => {
        calls.push('x');
        return x();
      },
      () => {
        calls.push('alt');
        return alt();
      },
      0
    );
    K.in_train_phase(
      () => {
        calls.push('x');
        return x();
      },
      () => {
        calls.push('alt');
        return alt();
      },
      true
    );
    expect(calls).toEqual(['alt', 'x']);
  });

  it('with a scalar tensor training flag, switches on it (concrete: one branch; symbolic: both, chosen by K.function)', () => {
    expectClose(K.in_train_phase(x(), alt(), K.constant(1, 'int32')), [1, 2]);
    expectClose(K.in_train_phase(x(), alt(), K.constant(false, 'bool')), [3, 4]);
    const p = K.placeholder([2], null, 'float64');
    const training = K.placeholder([], null, 'bool');
    const y = K.in_train_phase(
      () => K.multiply(p, 0.5),
      () => K.square(p),
      training
    );
    const [g] = K.gradients(K.sum(y), [p]);
    const f = K.function([p, training], [y, g!]);
    expect(run(f, [[2, 3], true])).toEqual([
      [1, 1.5],
      [0.5, 0.5],
    ]);
    expect(run(f, [[2, 3], false])).toEqual([
      [4, 9],
      [4, 6],
    ]);
  });

  it('is differentiable through the chosen branch', () => {
    const v = f64([1, 2]);
    const [g] = K.gradients(K.sum(K.in_train_phase(() => K.square(v), v, 1)), [v]);
    expectClose(g!, [2, 4]);
  });

  it('rejects other training values (ValueError) and unknown options (TypeError), naming them', () => {
    expectError(() => K.in_train_phase(x(), alt(), 2), K.ValueError, 'in_train_phase', 'training');
    expectError(
      () => K.in_train_phase(x(), alt(), 'yes' as unknown as number),
      K.ValueError,
      'in_train_phase',
      'training'
    );
    expectError(
      () => K.in_train_phase(x(), alt(), { train: 1 } as unknown as number),
      K.TypeError,
      'in_train_phase',
      'train'
    );
    expectError(
      () => K.in_train_phase(x(), () => undefined as unknown as number, 0),
      K.TypeError,
      'in_train_phase',
      'alt'
    );
    expectError(
      () => K.in_train_phase(x(), alt(), K.constant([[1, 0]], 'int32')),
      K.ValueError,
      'in_train_phase',
      'condition'
    );
  });
});

describe('in_test_phase', () => {
  const x = () => K.constant([1, 2]);
  const alt = () => K.constant([3, 4]);

  it('selects x in the test phase (the default), alt in the train phase', () => {
    expectClose(K.in_test_phase(x(), alt()), [1, 2]);
    K.set_learning_phase(1);
    expectClose(K.in_test_phase(x(), alt()), [3, 4]);
    expectClose(K.in_test_phase(x(), alt(), 0), [1, 2]);
    expectClose(K.in_test_phase(x(), alt(), { training: true }), [3, 4]);
  });

  it('calls only the chosen callable, and switches on a symbolic training flag', () => {
    const calls: string[] = [];
    K.in_test_phase(
      () => {
        calls.push('x');
        return x();
      },
      () => {
        calls.push('alt');
        return alt();
      },
      0
    );
    expect(calls).toEqual(['x']);
    const p = K.placeholder([2]);
    const training = K.placeholder([], null, 'int32');
    const f = K.function([p, training], [K.in_test_phase(p, K.negative(p), training)]);
    expect(run(f, [[1, 2], 0])[0]).toEqual([1, 2]);
    expect(run(f, [[1, 2], 1])[0]).toEqual([-1, -2]);
  });

  it('rejects bad training values and names its own arguments', () => {
    expectError(() => K.in_test_phase(x(), alt(), 3), K.ValueError, 'in_test_phase', 'training');
    expectError(() => K.in_test_phase(() => null as unknown as number, alt(), 0), K.TypeError, 'in_test_phase', 'x');
  });
});
