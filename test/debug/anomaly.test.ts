// K.detect_anomaly: the first NaN or Infinity, forward or backward, names its
// op, the pass, and the line of this file that made it. Expected lines are
// found by reading this file for the marker comments, not by the engine.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { sitesOn } from '../../src/core/site.js';
import { expectError } from '../helpers.js';

const FILE = 'test/debug/anomaly.test.ts';
const SOURCE = readFileSync(new URL('./anomaly.test.ts', import.meta.url), 'utf8').split('\n');

/** 'test/debug/anomaly.test.ts:<line>:' of the line holding `// @<marker>`. */
function siteOf(marker: string): string {
  const i = SOURCE.findIndex((l) => l.includes(`// @${marker}`) && !l.includes('siteOf('));
  if (i < 0) throw new Error(`no line marked ${marker}`);
  return `${FILE}:${i + 1}:`;
}

/** The AnomalyError `fn` throws. */
function anomaly(fn: () => unknown): K.AnomalyError {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected an AnomalyError').toBeInstanceOf(K.AnomalyError);
  return caught as K.AnomalyError;
}

describe('detect_anomaly', () => {
  it('names a forward NaN from K.log of a negative: op, Keras function, pass, line, shapes, count', () => {
    const x = K.constant([-1, 2, -3]);
    const e = anomaly(() =>
      K.detect_anomaly(() => {
        const y = K.log(x); // @log
        return K.sum(y);
      })
    );
    expect(e.pass).toBe('forward');
    expect(e.op.prim).toBe('log');
    expect(e.op.kerasFunction).toBe('log');
    expect(e.op.site).toContain(siteOf('log'));
    expect(e.backwardOf).toBeNull();
    expect([e.nan, e.inf, e.shape, e.dtype, e.inputShapes]).toEqual([2, 0, [3], 'float32', [[3]]]);
    expect(e.message).toContain('2 NaN (of 3 values) in the forward pass');
    expect(e.message).toContain('log (K.log), result (3,) float32, inputs (3,) float32');
    expect(e.message).toContain(`created at: ${siteOf('log')}`);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(K.ValueError);
    expect(e.name).toBe('AnomalyError');
  });

  it('names 0/0 (NaN) and the line of the division; stops at the first bad op, not its consumers', () => {
    const zero = K.constant([0, 1]);
    const e = anomaly(() =>
      K.detect_anomaly(() => {
        const q = K.divide(zero, K.constant([0, 2])); // @div
        return K.exp(K.multiply(q, 2));
      })
    );
    expect([e.pass, e.op.prim, e.op.kerasFunction, e.nan, e.inf]).toEqual(['forward', 'div', 'divide', 1, 0]);
    expect(e.op.site).toContain(siteOf('div'));
    expect(e.inputShapes).toEqual([[2], [2]]);
  });

  it('counts infinities: K.exp overflowing float32, and K.pow of a negative base giving NaN', () => {
    const big = K.constant([
      [1000, 1],
      [-1, 1000],
    ]);
    const e = anomaly(() => K.detect_anomaly(() => K.exp(big))); // @exp
    expect([e.op.prim, e.nan, e.inf, e.shape]).toEqual(['exp', 0, 2, [2, 2]]);
    expect(e.message).toContain('2 Inf (of 4 values)');
    expect(e.op.site).toContain(siteOf('exp'));
    const p = anomaly(() => K.detect_anomaly(() => K.pow(K.constant([-1, 4]), 0.5))); // @pow
    expect([p.op.prim, p.op.kerasFunction, p.nan]).toEqual(['pow', 'pow', 1]);
    expect(p.op.site).toContain(siteOf('pow'));
  });

  it('lets K.sqrt of -1 through (Keras clips it to 0) but stops in its backward pass, naming the forward line', () => {
    const x = K.variable([-1, 0, 4]);
    // Forward: sqrt(max(x, 0)) is finite everywhere.
    expect(K.detect_anomaly(() => K.sqrt(x)).toArray()).toEqual([0, 0, 2]);
    const e = anomaly(() =>
      K.detect_anomaly(() => {
        const loss = K.sum(K.sqrt(x)); // @sqrt
        return K.gradients(loss, [x]); // @grads
      })
    );
    expect(e.pass).toBe('backward');
    expect(e.backwardOf).toEqual({
      prim: 'sqrt',
      kerasFunction: 'sqrt',
      site: expect.stringContaining(siteOf('sqrt')),
    });
    // The op that overflowed: sqrt's VJP g / (2 y) at y = 0 (for x = -1 and x = 0).
    expect([e.op.prim, e.op.kerasFunction, e.inf, e.nan]).toEqual(['div', 'gradients', 2, 0]);
    expect(e.op.site).toContain(siteOf('grads'));
    expect(e.message).toContain(`in the backward pass of sqrt (K.sqrt) created at ${siteOf('sqrt')}`);
    expect(e.message).toContain('its gradient rule: g / (2 y)');
    expect(e.message).toContain(`run at: ${siteOf('grads')}`);
  });

  it("names a custom_gradient whose grad_fn makes NaN: the backward pass of the custom node, at grad_fn's line", () => {
    const f = K.custom_gradient((t: K.Tensor): [K.Tensor, (dy: K.Tensor) => K.Tensor] => [
      K.square(t),
      (dy) => K.log(K.multiply(dy, -1)), // @gradfn
    ]);
    const x = K.variable([1, 2]);
    // The forward value is fine.
    expect(K.detect_anomaly(() => f(x)).toArray()).toEqual([1, 4]);
    const e = anomaly(() =>
      K.detect_anomaly(() => {
        const y = f(x); // @custom
        return K.gradients(K.sum(y), [x]);
      })
    );
    expect(e.pass).toBe('backward');
    expect(e.backwardOf?.prim).toBe('custom');
    expect(e.backwardOf?.kerasFunction).toBe('custom_gradient');
    expect(e.backwardOf?.site).toContain(siteOf('custom'));
    expect([e.op.prim, e.op.kerasFunction, e.nan]).toEqual(['log', 'log', 2]);
    expect(e.op.site).toContain(siteOf('gradfn'));
    expect(e.message).toContain(`in the backward pass of custom (K.custom_gradient) created at ${siteOf('custom')}`);
  });

  it('checks unrecorded ops too (inside K.no_grad), with their line', () => {
    const e = anomaly(() => K.detect_anomaly(() => K.no_grad(() => K.log(K.constant([0]))))); // @nograd
    expect([e.pass, e.op.prim, e.inf]).toEqual(['forward', 'log', 1]);
    expect(e.op.site).toContain(siteOf('nograd'));
  });

  it('raises no false alarm on a training step (dense, relu, softmax, cross-entropy, update), and changes no result', () => {
    const step = () => {
      const w1 = K.variable(K.random_normal([4, 8], 0, 0.5, 'float32', 1));
      const w2 = K.variable(K.random_normal([8, 3], 0, 0.5, 'float32', 2));
      const x = K.random_normal([16, 4], 0, 1, 'float32', 3);
      const y = K.one_hot(K.constant([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32'), 3);
      const run = () => {
        const h = K.relu(K.dot(x, w1));
        const p = K.softmax(K.dot(h, w2));
        const loss = K.mean(K.categorical_crossentropy(y, p));
        const bce = K.mean(K.binary_crossentropy(y, K.sigmoid(K.dot(h, w2))));
        const grads = K.gradients(K.add(loss, bce), [w1, w2]);
        K.update_sub(w1, K.multiply(grads[0]!, 0.1));
        K.update_sub(w2, K.multiply(grads[1]!, 0.1));
        return [loss, grads[0]!, grads[1]!, K.l2_normalize(h, 1), K.sqrt(K.square(h))];
      };
      return [...run(), ...run()].concat([w1, w2]).map((t) => t.toArray());
    };
    const plain = step();
    const watched = K.detect_anomaly(step);
    expect(watched).toEqual(plain);
  });

  it('returns what fn returns, and works on symbolic tensors (skipped: no values) and K.function', () => {
    const obj = { a: 1 };
    expect(K.detect_anomaly(() => obj)).toBe(obj);
    const p = K.placeholder([null, 2]);
    const out = K.detect_anomaly(() => K.log(p));
    expect(out.isSymbolic).toBe(true);
    const f = K.function([p], [out]);
    // Evaluating the graph re-runs its ops: there the values exist and are checked.
    const e = anomaly(() => K.detect_anomaly(() => f([[[1, -1]]])));
    expect([e.op.prim, e.nan]).toEqual(['log', 1]);
    expect(Array.from(f([[[1, Math.E]]])[0]!.data as Float32Array)).toEqual([0, expect.closeTo(1, 5)]);
  });

  it('lets an error thrown inside fn propagate unchanged, and restores state after every exit', () => {
    const mine = new Error('mine');
    expect(sitesOn()).toBe(false);
    let caught: unknown = null;
    try {
      K.detect_anomaly(() => {
        expect(sitesOn()).toBe(true);
        throw mine;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(mine);
    expect(sitesOn()).toBe(false);
    // A K.ValueError from a bad argument passes through as itself.
    expectError(() => K.detect_anomaly(() => K.sum(K.ones([2]), 3)), K.ValueError, 'sum');
    anomaly(() => K.detect_anomaly(() => K.log(K.constant([-1]))));
    expect(sitesOn()).toBe(false);
    // Nothing is watched afterwards: the same NaN outside is just a value.
    expect(K.log(K.constant([-1])).toArray()).toEqual([NaN]);
    // Ops made outside carry no call site.
    expect(K.exp(K.constant([1])).node?.site).toBeNull();
  });

  it('rejects a non-function', () => {
    expectError(
      () => K.detect_anomaly(3 as unknown as () => unknown),
      K.TypeError,
      'detect_anomaly',
      'fn must be a function'
    );
  });
});
