// The crossentropies (src/ops/losses.ts) against numpy fixtures (test/fixtures/nn.json
// from gen_nn.py): from logits and probabilities, stable at extremes, graph-mode logits.
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import type { NestedArray } from '../../src/core/tensor.js';
import { expectClose, expectError } from '../helpers.js';
import { fixtureTests, flat, symbolic, dependsOn, grads2, f32, f64, i32, round5 } from './nn_helpers.js';

describe('binary_crossentropy', () => {
  fixtureTests('binary_crossentropy');
  it('clips probabilities to [epsilon, 1 - epsilon] with K.epsilon(): finite at exactly 0 and 1', () => {
    const y = K.binary_crossentropy(f64([1, 0, 1, 0]), f64([0, 1, 1, 0]));
    const e = 1e-7;
    const hi = 1 - e;
    // -(z log(p + e) + (1 - z) log(1 - p + e)) at p = e and p = 1 - e, in float64's order.
    expectClose(y, [-Math.log(e + e), -Math.log(1 - hi + e), -Math.log(hi + e), -Math.log(1 - e + e)], 1e-14);
    K.set_epsilon(1e-3);
    expectClose(K.binary_crossentropy(f64([1]), f64([0])), [-Math.log(2e-3)], 1e-12);
  });
  it('takes from_logits by position or by name; plain targets take the output dtype', () => {
    const x = f64([[2, -1]]);
    const byPos = K.binary_crossentropy([[1, 0]], x, true);
    expect(byPos.dtype).toBe('float64');
    expectClose(K.binary_crossentropy([[1, 0]], x, { from_logits: true }), byPos.toArray(), 1e-15);
    expectClose(byPos, [[Math.log1p(Math.exp(-2)), Math.log1p(Math.exp(-1))]], 1e-12);
    expect(K.binary_crossentropy([0.5], [0.5]).dtype).toBe('float32');
  });
  it('logits of +-1e4 give finite values, first and second derivatives; the slope at 0 is sigmoid(0) - z', () => {
    const z = K.constant([1, 0, 1, 0, 0.25], 'float64');
    const [g, h] = grads2((x) => K.binary_crossentropy(z, x, true), f64([1e4, -1e4, -1e4, 1e4, 0]));
    expectClose(g, [0, 0, -1, 1, 0.25], 1e-12);
    expect(flat(h).every(Number.isFinite)).toBe(true);
    expectClose(h, [0, 0, 0, 0, 0.25 * (0.3 + 0.4)], 1e-12);
  });
  it("a symbolic sigmoid output is replaced by its logits (the source's graph-mode path)", () => {
    const logits = symbolic([-1, 3]);
    const p = K.sigmoid(logits);
    const loss = K.binary_crossentropy(symbolic([-1, 3]), p);
    expect(loss.shape).toEqual([-1, 3]);
    expect(dependsOn(loss, logits)).toBe(true);
    expect(dependsOn(loss, p)).toBe(false);
    // Eager outputs are clipped as they are.
    const q = K.sigmoid(f32([30]));
    expect(dependsOn(K.binary_crossentropy(f32([1]), q), q)).toBe(true);
  });
  it('bad input -> errors naming the function, argument and shapes', () => {
    const out = f32([[0.5, 0.5, 0.5]]);
    expectError(
      () => K.binary_crossentropy(f32([[1, 0]]), out),
      K.ValueError,
      'binary_crossentropy:',
      'target',
      '(1, 2)',
      '(1, 3)'
    );
    expectError(
      () => K.binary_crossentropy(f32([1, 0, 1]), f32([[0, 1, 2]]), true),
      K.ValueError,
      'binary_crossentropy:',
      'same shape',
      '(3,)',
      '(1, 3)'
    );
    expectError(
      () => K.binary_crossentropy(f64([[1, 0, 1]]), out),
      K.TypeError,
      'binary_crossentropy:',
      'target',
      'float64',
      'float32'
    );
    expectError(
      () => K.binary_crossentropy(i32([[1, 0, 1]]), out),
      K.TypeError,
      'binary_crossentropy:',
      'target',
      'int32'
    );
    expectError(
      () => K.binary_crossentropy([[1, 0, 1]], i32([[1, 0, 1]])),
      K.TypeError,
      'binary_crossentropy:',
      'output',
      'int32'
    );
    expectError(
      () => K.binary_crossentropy([[1, 0, 1]], out, 1 as unknown as boolean),
      K.TypeError,
      'binary_crossentropy:',
      'from_logits'
    );
    expectError(
      () => K.binary_crossentropy([[1, 0, 1]], out, { axis: 0 } as unknown as boolean),
      K.TypeError,
      'binary_crossentropy:',
      'unknown option',
      'axis'
    );
  });
});

// ---- categorical_crossentropy ------------------------------------------------

describe('categorical_crossentropy', () => {
  fixtureTests('categorical_crossentropy');
  it('doctest: one-hot targets against probabilities, and against themselves', () => {
    const a = K.constant([1, 0, 0, 0, 1, 0, 0, 0, 1], 'float32', [3, 3]);
    expect(a.toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const b = K.constant([0.9, 0.05, 0.05, 0.05, 0.89, 0.06, 0.05, 0.01, 0.94], 'float32', [3, 3]);
    const loss = K.categorical_crossentropy(a, b);
    expect(loss.dtype).toBe('float32');
    expect(loss.shape).toEqual([3]);
    expect(round5(loss)).toEqual([0.10536, 0.11653, 0.06188]);
    expect(round5(K.categorical_crossentropy(a, a))).toEqual([0, 0, 0]);
  });
  it('rescales probabilities to sum to 1 along the axis; axis and from_logits by name', () => {
    const z = f64([
      [0, 1],
      [1, 0],
    ]);
    expectClose(
      K.categorical_crossentropy(
        z,
        f64([
          [2, 2],
          [3, 1],
        ])
      ),
      [Math.log(2), -Math.log(0.75)],
      1e-12
    );
    const zt = f64([
      [0, 1],
      [1, 0],
    ]);
    expectClose(
      K.categorical_crossentropy(
        zt,
        f64([
          [2, 3],
          [2, 1],
        ]),
        { axis: 0 }
      ),
      [-Math.log(0.5), -Math.log(0.75)],
      1e-12
    );
    expectClose(
      K.categorical_crossentropy(
        z,
        f64([
          [0, 0],
          [0, 0],
        ]),
        { from_logits: true }
      ),
      [Math.log(2), Math.log(2)],
      1e-12
    );
  });
  it('logits of +-1e4: finite values and second derivatives', () => {
    const z = K.constant(
      [
        [0, 1, 0],
        [1, 0, 0],
      ],
      'float64'
    );
    const y = K.categorical_crossentropy(
      z,
      f64([
        [1e4, -1e4, 0],
        [1e4, 1e4, -1e4],
      ]),
      true
    );
    expectClose(y, [2e4, Math.log(2)], 1e-12);
    const [g, h] = grads2(
      (x) => K.categorical_crossentropy(z, x, true),
      f64([
        [1e4, -1e4, 0],
        [1e4, 1e4, -1e4],
      ])
    );
    expectClose(
      g,
      [
        [1, -1, 0],
        [-0.5, 0.5, 0],
      ],
      1e-12
    );
    expect(flat(h).every(Number.isFinite)).toBe(true);
  });
  it('a symbolic softmax output (last axis) is replaced by its logits', () => {
    const logits = symbolic([-1, 4]);
    const p = K.softmax(logits);
    const loss = K.categorical_crossentropy(symbolic([-1, 4]), p);
    expect(loss.shape).toEqual([-1]);
    expect(dependsOn(loss, p)).toBe(false);
    expect(dependsOn(loss, logits)).toBe(true);
    // Over another axis TF's Softmax op is not the output's op: no shortcut.
    const q = K.softmax(symbolic([2, 4]), 0);
    expect(dependsOn(K.categorical_crossentropy(symbolic([2, 4]), q, false, 0), q)).toBe(true);
  });
  it('bad input -> errors naming the function, argument and shapes', () => {
    const out = f32([[0.2, 0.8]]);
    expectError(
      () => K.categorical_crossentropy(f32([0, 1]), out),
      K.ValueError,
      'categorical_crossentropy:',
      'same shape',
      '(2,)',
      '(1, 2)'
    );
    expectError(
      () => K.categorical_crossentropy(f32([[0, 1]]), out, false, 2),
      K.ValueError,
      'categorical_crossentropy:',
      'axis 2',
      '(1, 2)'
    );
    expectError(
      () => K.categorical_crossentropy(f32([[0, 1]]), out, { axis: -3 }),
      K.ValueError,
      'categorical_crossentropy:',
      'axis -3'
    );
    expectError(
      () => K.categorical_crossentropy(i32([[0, 1]]), out),
      K.TypeError,
      'categorical_crossentropy:',
      'target',
      'int32'
    );
    expectError(
      () => K.categorical_crossentropy(f32([[0, 1]]), out, 'yes' as unknown as boolean),
      K.TypeError,
      'categorical_crossentropy:',
      'from_logits'
    );
    expectError(
      () => K.categorical_crossentropy(f32([[0, 1]]), out, { dim: 1 } as unknown as boolean),
      K.TypeError,
      'unknown option',
      'dim'
    );
  });
});

// ---- sparse_categorical_crossentropy -----------------------------------------

describe('sparse_categorical_crossentropy', () => {
  fixtureTests('sparse_categorical_crossentropy');
  it('probabilities are clipped, logged and renormalised (the source treats log p as logits)', () => {
    const p = f64([[0.2, 0.2, 0.2]]);
    expectClose(K.sparse_categorical_crossentropy([1], p), [Math.log(3)], 1e-12);
    expect(K.sparse_categorical_crossentropy([1], f32([[0.2, 0.3, 0.5]])).dtype).toBe('float32');
  });
  it("labels may be int32, int64 or float (truncated); the result has output's shape without the class axis", () => {
    const x = f64([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    ]);
    const byInt = K.sparse_categorical_crossentropy(K.variable([[2, 0]], 'int64'), x, true, 1);
    expect(byInt.shape).toEqual([1, 2]);
    expect(byInt.dtype).toBe('float64');
    expectClose(
      K.sparse_categorical_crossentropy(i32([[2, 0]]), x, { from_logits: true, axis: 1 }),
      byInt.toArray(),
      1e-15
    );
    expectClose(K.sparse_categorical_crossentropy(f32([[2.9, 0.2]]), x, true, 1), byInt.toArray(), 1e-15);
  });
  it('logits of +-1e4 and probabilities 0 and 1: finite values and second derivatives', () => {
    const [g, h] = grads2(
      (x) => K.sparse_categorical_crossentropy([1, 0], x, true),
      f64([
        [1e4, -1e4, 0],
        [1e4, 1e4, -1e4],
      ])
    );
    expectClose(
      g,
      [
        [1, -1, 0],
        [-0.5, 0.5, 0],
      ],
      1e-12
    );
    expect(flat(h).every(Number.isFinite)).toBe(true);
    const [gp, hp] = grads2(
      (p) => K.sparse_categorical_crossentropy([1, 0], p),
      f64([
        [1, 0, 0],
        [0, 1, 0],
      ])
    );
    expect(flat(gp).every(Number.isFinite)).toBe(true);
    expect(flat(hp).every(Number.isFinite)).toBe(true);
  });
  it('a symbolic softmax output is replaced by its logits; symbolic labels infer the shape', () => {
    const logits = symbolic([-1, 5]);
    const p = K.softmax(logits);
    const loss = K.sparse_categorical_crossentropy(symbolic([-1], 'int32'), p);
    expect(loss.shape).toEqual([-1]);
    expect(dependsOn(loss, p)).toBe(false);
    expect(dependsOn(loss, logits)).toBe(true);
  });
  it('labels outside [0, classes) -> ValueError naming the value and the range', () => {
    const x = f32([
      [0.1, 0.2, 0.7],
      [0.3, 0.3, 0.4],
    ]);
    expectError(
      () => K.sparse_categorical_crossentropy([0, 3], x),
      K.ValueError,
      'sparse_categorical_crossentropy:',
      'label value of 3',
      '[0, 3)',
      '(2, 3)'
    );
    expectError(() => K.sparse_categorical_crossentropy(i32([-1, 0]), x), K.ValueError, 'label value of -1', '[0, 3)');
    expectError(() => K.sparse_categorical_crossentropy(f32([0, NaN]), x), K.ValueError, 'label value of NaN');
  });
  it('bad label shapes and ranks, axes and options -> errors naming the function, argument and shapes', () => {
    const x = f32([
      [0.1, 0.2, 0.7],
      [0.3, 0.3, 0.4],
      [0.5, 0.25, 0.25],
      [0.2, 0.2, 0.6],
    ]);
    const fn = 'sparse_categorical_crossentropy:';
    // rank 1 = rank(output) - 1: must be output's shape without the class axis.
    expectError(
      () => K.sparse_categorical_crossentropy([0, 1, 2], x),
      K.ValueError,
      fn,
      'target of shape (3,)',
      '(4, 3)',
      '(4,)'
    );
    // any other rank is flattened and must hold one label per row.
    expectError(
      () => K.sparse_categorical_crossentropy([[0], [1], [2], [0], [1]], x),
      K.ValueError,
      fn,
      '(5, 1)',
      '5 labels',
      '4 rows'
    );
    const x3 = f32(new Array(2).fill(new Array(3).fill([0.25, 0.25, 0.25, 0.25])) as NestedArray);
    expectError(
      () => K.sparse_categorical_crossentropy(i32(new Array(8).fill([0])), x3, false, 1),
      K.ValueError,
      fn,
      '(8, 1)',
      '(2, 4)'
    );
    expectError(() => K.sparse_categorical_crossentropy(0, f32(0.5)), K.ValueError, fn, 'class axis', '()');
    expectError(
      () => K.sparse_categorical_crossentropy([0, 1, 2, 0], x, false, 2),
      K.ValueError,
      fn,
      'axis 2',
      '(4, 3)'
    );
    expectError(
      () => K.sparse_categorical_crossentropy([0, 1, 2, 0], i32([[1, 2, 3]])),
      K.TypeError,
      fn,
      'output',
      'int32'
    );
    expectError(
      () => K.sparse_categorical_crossentropy([0, 1, 2, 0], x, { from_logits: true }, -1),
      K.TypeError,
      fn,
      'options object'
    );
  });
});

// ---- l2_normalize ------------------------------------------------------------
