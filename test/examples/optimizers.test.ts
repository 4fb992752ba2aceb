// examples/optimizers: SGD with momentum, RMSprop and Adam written with
// K.variable, K.gradients and K.update*. Each is checked on a hand-worked
// quadratic (the parameters and every state variable after one and two steps,
// against the rule computed here with plain JS numbers), by a short run on the
// spirals (the loss falls), and for its constructor's checks (K.ValueError).
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import type { DType, Variable } from '../../src/index.js';
import { makeAdam } from '../../examples/optimizers/adam.js';
import type { Optimizer } from '../../examples/optimizers/optimizer.js';
import { ProgressBar } from '../../examples/optimizers/progress.js';
import { makeRmsprop } from '../../examples/optimizers/rmsprop.js';
import { makeSgdMomentum } from '../../examples/optimizers/sgd_momentum.js';
import { makeSpirals } from '../../examples/optimizers/spirals.js';
import { train, type OptimizerName } from '../../examples/optimizers/train.js';
import { expectClose, expectError } from '../helpers.js';

// The quadratic L(theta) = 1/2 sum_i A_i theta_i^2, whose gradient is g_i = A_i theta_i.
const A = [2, 0.5];
const THETA0 = [1, -2];
const grad = (theta: number[]) => theta.map((t, i) => A[i]! * t);

/** A fresh theta, and a step that takes K.gradients of the quadratic and hands them to `opt`. */
function quadratic(dtype: DType) {
  const theta = K.variable(THETA0, dtype, 'theta');
  const step = (opt: Optimizer) => {
    const loss = K.multiply(K.sum(K.multiply(K.constant(A, dtype), K.square(theta))), 0.5);
    opt.step(K.gradients(loss, [theta]));
  };
  return { theta, step };
}

// Dyadic hyperparameters keep float32 (on either device) within a rounding or
// two of the plain-JS rule; float64 runs Keras's defaults within 1e-12.
const CASES: { dtype: DType; tol: number | undefined; label: string }[] = [
  { dtype: 'float32', tol: undefined, label: 'float32, dyadic hyperparameters' },
  { dtype: 'float64', tol: 1e-12, label: 'float64, default hyperparameters' },
];

/** Train briefly on an easy spiral (half a turn, few points): a fraction of a second on the cpu. */
function briefRun(name: OptimizerName, make: (params: Variable[]) => Optimizer, steps: number) {
  return train(name, { steps, hidden: [8], data: { points: 16, turns: 0.5 }, make, progress: null });
}

function expectFalls(losses: number[], factor: number): void {
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses.at(-1)!).toBeLessThan(factor * losses[0]!);
}

describe('sgd_momentum', () => {
  for (const { dtype, tol, label } of CASES) {
    for (const nesterov of [false, true]) {
      it(`hand-worked steps (${label}${nesterov ? ', nesterov' : ''}): theta and velocity follow v = mu v - lr g, theta += v`, () => {
        const hyper = dtype === 'float32' ? { learning_rate: 0.125, momentum: 0.5, nesterov } : { nesterov };
        const { theta, step } = quadratic(dtype);
        const opt = makeSgdMomentum([theta], hyper);
        const lr = opt.hyper.learning_rate;
        const mu = opt.hyper.momentum;
        let th = THETA0.slice();
        let v = [0, 0];
        for (let n = 1; n <= 2; n++) {
          const g = grad(th);
          v = v.map((vi, i) => mu * vi - lr * g[i]!);
          th = th.map((t, i) => (nesterov ? t + mu * v[i]! - lr * g[i]! : t + v[i]!));
          step(opt);
          expectClose(opt.velocity[0]!, v, tol);
          expectClose(theta, th, tol);
        }
      });
    }
  }

  it('two steps by hand (lr 0.125, momentum 0.5): every value dyadic, so exact', () => {
    const { theta, step } = quadratic('float32');
    const opt = makeSgdMomentum([theta], { learning_rate: 0.125, momentum: 0.5 });
    // g = [2, -1]: v = -0.125 g, theta = [1, -2] + v.
    step(opt);
    expectClose(opt.velocity[0]!, [-0.25, 0.125], 0);
    expectClose(theta, [0.75, -1.875], 0);
    // g = [1.5, -0.9375]: v = 0.5 v - 0.125 g.
    step(opt);
    expectClose(opt.velocity[0]!, [-0.3125, 0.1796875], 0);
    expectClose(theta, [0.4375, -1.6953125], 0);
  });

  it('skips a parameter whose gradient is null, and changes nothing else', () => {
    const a = K.variable([1, 2]);
    const b = K.variable([3]);
    const opt = makeSgdMomentum([a, b], { learning_rate: 0.5, momentum: 0.5 });
    opt.step([K.constant([1, 1]), null]);
    expectClose(a, [0.5, 1.5]);
    expectClose(b, [3]);
    expectClose(opt.velocity[1]!, [0]);
  });

  it('trains the spirals: the loss falls', () => {
    const { losses } = briefRun('sgd', (p) => makeSgdMomentum(p, { learning_rate: 0.3, momentum: 0.9 }), 40);
    expectFalls(losses, 0.5);
  });

  it('bad hyperparameters and arguments: K.ValueError from the constructor', () => {
    const p = [K.variable([1, 2])];
    expectError(
      () => makeSgdMomentum(p, { learning_rate: -0.1 }),
      K.ValueError,
      'sgd_momentum',
      'learning_rate',
      '-0.1'
    );
    expectError(() => makeSgdMomentum(p, { learning_rate: Number.NaN }), K.ValueError, 'learning_rate');
    expectError(() => makeSgdMomentum(p, { momentum: 1 }), K.ValueError, 'momentum', '[0, 1)');
    expectError(() => makeSgdMomentum(p, { momentum: -0.5 }), K.ValueError, 'momentum');
    expectError(() => makeSgdMomentum(p, { nesterov: 1 as unknown as boolean }), K.ValueError, 'nesterov');
    expectError(() => makeSgdMomentum(p, { lr: 0.1 } as never), K.ValueError, "unknown hyperparameter 'lr'");
    expectError(() => makeSgdMomentum([]), K.ValueError, 'params');
    expectError(() => makeSgdMomentum([K.variable([1], 'int32')]), K.ValueError, 'int32');
    expectError(() => makeSgdMomentum([K.variable([1]), K.variable([1], 'float64')]), K.ValueError, 'one dtype');
  });

  it('bad gradients: K.ValueError from step, nothing changed', () => {
    const w = K.variable([1, 2]);
    const opt = makeSgdMomentum([w]);
    expectError(() => opt.step([]), K.ValueError, '0 gradients for 1 params');
    expectError(() => opt.step([K.constant([1, 2, 3])]), K.ValueError, 'grads[0]', '[3]', '[2]');
    expectClose(w, [1, 2]);
    expectClose(opt.velocity[0]!, [0, 0]);
  });
});

describe('rmsprop', () => {
  for (const { dtype, tol, label } of CASES) {
    it(`hand-worked steps (${label}): theta and s follow s = rho s + (1 - rho) g^2, theta -= lr g / (sqrt(s) + eps)`, () => {
      const hyper = dtype === 'float32' ? { learning_rate: 0.125, rho: 0.75, epsilon: 0.25 } : {};
      const { theta, step } = quadratic(dtype);
      const opt = makeRmsprop([theta], hyper);
      const { learning_rate: lr, rho, epsilon: eps } = opt.hyper;
      let th = THETA0.slice();
      let s = [0, 0];
      for (let n = 1; n <= 2; n++) {
        const g = grad(th);
        s = s.map((si, i) => rho * si + (1 - rho) * g[i]! ** 2);
        th = th.map((t, i) => t - (lr * g[i]!) / (Math.sqrt(s[i]!) + eps));
        step(opt);
        expectClose(opt.meanSquare[0]!, s, tol);
        expectClose(theta, th, tol);
      }
    });
  }

  it('the first step by hand: s = (1 - rho) g^2, so theta moves lr / (sqrt(1 - rho) + eps / |g|) against g', () => {
    const { theta, step } = quadratic('float32');
    const opt = makeRmsprop([theta], { learning_rate: 0.125, rho: 0.75, epsilon: 0.25 });
    step(opt);
    // g = [2, -1]; s = 0.25 g^2 = [1, 0.25]; sqrt(s) + eps = [1.25, 0.75].
    expectClose(opt.meanSquare[0]!, [1, 0.25]);
    expectClose(theta, [1 - 0.25 / 1.25, -2 + 0.125 / 0.75]);
  });

  it('trains the spirals: the loss falls', () => {
    const { losses } = briefRun('rmsprop', (p) => makeRmsprop(p, { learning_rate: 0.01 }), 40);
    expectFalls(losses, 0.5);
  });

  it('bad hyperparameters: K.ValueError from the constructor', () => {
    const p = [K.variable([1, 2])];
    expectError(() => makeRmsprop(p, { learning_rate: -1 }), K.ValueError, 'rmsprop', 'learning_rate');
    expectError(() => makeRmsprop(p, { rho: 1 }), K.ValueError, 'rho', '[0, 1)');
    expectError(() => makeRmsprop(p, { rho: 1.5 }), K.ValueError, 'rho');
    expectError(() => makeRmsprop(p, { epsilon: 0 }), K.ValueError, 'epsilon', '> 0');
    expectError(() => makeRmsprop(p, { epsilon: -1e-7 }), K.ValueError, 'epsilon');
    expectError(() => makeRmsprop(p, { beta_1: 0.9 } as never), K.ValueError, "unknown hyperparameter 'beta_1'");
  });
});

describe('adam', () => {
  for (const { dtype, tol, label } of CASES) {
    it(`hand-worked steps (${label}): theta, m, v and t follow Kingma & Ba's Algorithm 1`, () => {
      const hyper = dtype === 'float32' ? { learning_rate: 0.125, beta_1: 0.5, beta_2: 0.75, epsilon: 0.25 } : {};
      const { theta, step } = quadratic(dtype);
      const opt = makeAdam([theta], hyper);
      const { learning_rate: lr, beta_1: b1, beta_2: b2, epsilon: eps } = opt.hyper;
      let th = THETA0.slice();
      let m = [0, 0];
      let v = [0, 0];
      for (let t = 1; t <= 2; t++) {
        const g = grad(th);
        m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]!);
        v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i]! ** 2);
        const mHat = m.map((mi) => mi / (1 - b1 ** t));
        const vHat = v.map((vi) => vi / (1 - b2 ** t));
        th = th.map((x, i) => x - (lr * mHat[i]!) / (Math.sqrt(vHat[i]!) + eps));
        step(opt);
        expectClose(opt.t, t, tol);
        expectClose(opt.m[0]!, m, tol);
        expectClose(opt.v[0]!, v, tol);
        expectClose(theta, th, tol);
      }
    });
  }

  it('the first step by hand: bias correction makes m_hat = g and v_hat = g^2, so theta moves lr |g| / (|g| + eps)', () => {
    const { theta, step } = quadratic('float32');
    const opt = makeAdam([theta], { learning_rate: 0.125, beta_1: 0.5, beta_2: 0.75, epsilon: 0.25 });
    step(opt);
    // g = [2, -1]: m = 0.5 g, v = 0.25 g^2; theta -= 0.125 g / (|g| + 0.25).
    expectClose(opt.m[0]!, [1, -0.5]);
    expectClose(opt.v[0]!, [1, 0.25]);
    expectClose(theta, [1 - 0.25 / 2.25, -2 + 0.125 / 1.25]);
  });

  it('t counts steps even when every gradient is null; m and v stay', () => {
    const w = K.variable([1]);
    const opt = makeAdam([w]);
    opt.step([null]);
    expectClose(opt.t, 1);
    expectClose(w, [1]);
    expectClose(opt.m[0]!, [0]);
  });

  it('trains the spirals: the loss falls', () => {
    const { losses } = briefRun('adam', (p) => makeAdam(p, { learning_rate: 0.03 }), 40);
    expectFalls(losses, 0.5);
  });

  it('bad hyperparameters: K.ValueError from the constructor', () => {
    const p = [K.variable([1, 2])];
    expectError(() => makeAdam(p, { learning_rate: -0.001 }), K.ValueError, 'adam', 'learning_rate');
    expectError(() => makeAdam(p, { beta_1: 1 }), K.ValueError, 'beta_1', '[0, 1)');
    expectError(() => makeAdam(p, { beta_1: -0.1 }), K.ValueError, 'beta_1');
    expectError(() => makeAdam(p, { beta_2: 1.001 }), K.ValueError, 'beta_2');
    expectError(() => makeAdam(p, { epsilon: 0 }), K.ValueError, 'epsilon');
    expectError(() => makeAdam(p, { epsilon: Infinity }), K.ValueError, 'epsilon');
    expectError(() => makeAdam(p, { rho: 0.9 } as never), K.ValueError, "unknown hyperparameter 'rho'");
  });
});

describe('spirals and the progress bar', () => {
  it('the spirals are deterministic from the seed, balanced, and within about [-1, 1]', () => {
    const a = makeSpirals({ points: 20, seed: 5 });
    expect(makeSpirals({ points: 20, seed: 5 })).toEqual(a);
    expect(makeSpirals({ points: 20, seed: 6 }).x).not.toEqual(a.x);
    expect(a.x).toHaveLength(40);
    expect(a.labels.filter((c) => c === 1)).toHaveLength(20);
    expect(a.x.flat().every((c) => Math.abs(c) < 1.2)).toBe(true);
  });

  it('not a terminal: a plain line every `every` steps and at the end', () => {
    const out: string[] = [];
    const bar = new ProgressBar(10, 'adam ', { every: 4, sink: { write: (s: string) => out.push(s), isTTY: false } });
    for (let i = 1; i <= 10; i++) bar.update(i, { loss: 1 / i });
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^adam step {2}4\/10 {2}loss 0\.2500 {2}\d+\.\ds\n$/);
    expect(out[2]).toContain('10/10  loss 0.1000');
  });

  it('a terminal: one line redrawn with \\r, the full bar and a newline at the end', () => {
    const out: string[] = [];
    const bar = new ProgressBar(4, '', {
      width: 8,
      interval: 0,
      sink: { write: (s: string) => out.push(s), isTTY: true },
    });
    for (let i = 1; i <= 4; i++) bar.update(i, { loss: 0.5 });
    expect(out).toHaveLength(4);
    expect(out.every((s) => s.startsWith('\r') && !s.slice(0, -1).includes('\n'))).toBe(true);
    expect(out[1]).toContain('[====>   ] 2/4');
    expect(out[3]).toContain('[========] 4/4');
    expect(out[3]!.endsWith('\n')).toBe(true);
  });
});
