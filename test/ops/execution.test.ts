// Eager execution and graph building (issue 14, items 6 and 7): in graph mode,
// updates with concrete operands wait for K.function, the learning phase is a
// graph input, and K.eval runs the graph anew.
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { expectError } from '../helpers.js';

const num = (a: { data: unknown }) => Array.from(a.data as ArrayLike<number>);

afterEach(() => {
  K.enable_eager_execution();
  K.clear_session();
});

describe('executing_eagerly', () => {
  it('is true by default, false while a graph is built', () => {
    expect(K.executing_eagerly()).toBe(true);
    expect(K.graph_mode(() => K.executing_eagerly())).toBe(false);
    K.disable_eager_execution();
    expect(K.executing_eagerly()).toBe(false);
  });
});

describe('disable_eager_execution', () => {
  it("defers Keras 2's `K.update_add(iterations, 1)` to each K.function call, reading iterations before the update", () => {
    K.disable_eager_execution();
    const iterations = K.variable(0, 'int64', 'iterations');
    const op = K.update_add(iterations, 1);
    expect(op).toBeInstanceOf(K.UpdateOp);
    expect(num(K.eval(iterations))).toEqual([0]);
    const t = K.add(K.cast(iterations, 'float64'), 1);
    const f = K.function([], [t], [op]);
    expect(num(f([])[0]!)).toEqual([1]);
    expect(num(f([])[0]!)).toEqual([2]);
    expect(num(K.eval(iterations))).toEqual([2]);
  });

  it('K.eval runs the graph anew: a tensor made from a variable follows its updates', () => {
    K.disable_eager_execution();
    const v = K.variable([1, 2], 'float64');
    const doubled = K.multiply(v, 2);
    K.set_value(v, [5, 6]);
    expect(num(K.eval(doubled))).toEqual([10, 12]);
    expect(num(K.batch_get_value([doubled])[0]!)).toEqual([10, 12]);
    expect(num(K.get_value(doubled))).toEqual([10, 12]);
  });

  it('K.eval draws a random op anew, as a session run would', () => {
    K.disable_eager_execution();
    const r = K.random_uniform([8]);
    expect(num(K.eval(r))).not.toEqual(num(K.eval(r)));
  });

  it('set_value and batch_set_value still assign at once (TF1 runs them in the session)', () => {
    K.disable_eager_execution();
    const v = K.variable([1, 2]);
    K.set_value(v, [3, 4]);
    K.batch_set_value([[v, [5, 6]]]);
    expect(num(K.eval(v))).toEqual([5, 6]);
  });
});

describe('enable_eager_execution', () => {
  it('restores eager updates', () => {
    K.disable_eager_execution();
    K.enable_eager_execution();
    const v = K.variable(1);
    expect(K.update_add(v, 1)).toBe(v);
    expect(num(K.eval(v))).toEqual([2]);
  });
});

describe('graph_mode', () => {
  it('records updates inside the scope only, and restores the mode even when the body throws', () => {
    const v = K.variable(1);
    const op = K.graph_mode(() => K.update_add(v, 2));
    expect(op).toBeInstanceOf(K.UpdateOp);
    expect(num(K.eval(v))).toEqual([1]);
    K.function([], [], [op])([]);
    K.function([], [], [op])([]);
    expect(num(K.eval(v))).toEqual([5]);
    expect(() =>
      K.graph_mode(() => {
        throw new Error('boom');
      })
    ).toThrow('boom');
    expect(K.executing_eagerly()).toBe(true);
    expect(K.update_add(v, 1)).toBe(v);
  });

  it('refuses a body that is not a function, or an async one (the scope cannot wait for it)', () => {
    expectError(() => K.graph_mode(3 as never), K.TypeError, 'graph_mode', 'body');
    expectError(() => K.graph_mode(async () => 1), K.TypeError, 'graph_mode', 'promise');
    expect(K.executing_eagerly()).toBe(true);
  });
});

describe('symbolic', () => {
  it("wraps a function so that it builds a graph at each call (Keras 2.3.1's decorator)", () => {
    const v = K.variable(0);
    const getUpdates = K.symbolic((by: number) => [K.update_add(v, by)]);
    const f = K.function([], [], getUpdates(3));
    expect(num(K.eval(v))).toEqual([0]);
    f([]);
    expect(num(K.eval(v))).toEqual([3]);
    expect(K.executing_eagerly()).toBe(true);
    expectError(() => K.symbolic(null as never), K.TypeError, 'symbolic', 'fn');
  });
});
