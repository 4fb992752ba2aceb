// Keras 2.3.1's SGD (momentum, nesterov, decay), RMSprop and Adam, ported line
// by line (examples/keras/optimizers.ts), train a linear model through one
// K.function built as Keras 2 builds it: get_updates under K.symbolic, so
// `K.update_add(iterations, 1)` runs at each call. Each step matches a plain
// float64 reference written here from the same formulas to 1e-12 (issue 14).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { Adam, type Optimizer, RMSprop, SGD } from '../../examples/keras/optimizers.js';

const N = 6;
const X = Array.from({ length: N }, (_, i) => [Math.sin(i + 1), Math.cos(2 * i), (i - 2.5) / 3]);
const Y = X.map(([a, b, c]) => [2 * a! - b! + 0.5 * c! + 0.3, -a! + 0.25 * b! + c!]);
const W0 = [
  [0.1, -0.2],
  [0.3, 0.05],
  [-0.4, 0.2],
];
const B0 = [0.01, -0.02];

/** The loss mean((x W + b - y)^2) and its gradients, in plain float64. */
function lossAndGrads(w: number[][], b: number[]): { loss: number; gw: number[][]; gb: number[] } {
  let loss = 0;
  const gw = w.map((r) => r.map(() => 0));
  const gb = b.map(() => 0);
  const scale = 2 / (N * 2);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < 2; j++) {
      let yhat = b[j]!;
      for (let i = 0; i < 3; i++) yhat += X[n]![i]! * w[i]![j]!;
      const e = yhat - Y[n]![j]!;
      loss += (e * e) / (N * 2);
      gb[j]! += scale * e;
      for (let i = 0; i < 3; i++) gw[i]![j]! += scale * e * X[n]![i]!;
    }
  }
  return { loss, gw, gb };
}

/** A reference optimizer: one state per parameter entry; `step(t, g, state, p)` returns the new p. */
type Rule = (t: number, g: number, s: number[], p: number) => number;

function reference(rule: Rule, steps: number): { losses: number[]; w: number[][]; b: number[] } {
  const w = W0.map((r) => r.slice());
  const b = B0.slice();
  const sw = w.map((r) => r.map(() => [0, 0, 0]));
  const sb = b.map(() => [0, 0, 0]);
  const losses: number[] = [];
  for (let t = 0; t < steps; t++) {
    const { loss, gw, gb } = lossAndGrads(w, b);
    losses.push(loss);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) w[i]![j] = rule(t, gw[i]![j]!, sw[i]![j]!, w[i]![j]!);
    for (let j = 0; j < 2; j++) b[j] = rule(t, gb[j]!, sb[j]!, b[j]!);
  }
  return { losses, w, b };
}

/** Train through one K.function whose updates are opt.get_updates(loss, params). */
function train(opt: Optimizer, steps: number) {
  const x = K.placeholder([null, 3]);
  const y = K.placeholder([null, 2]);
  const w = K.variable(W0, null, 'w');
  const b = K.variable(B0, null, 'b');
  const loss = K.mean(K.square(K.subtract(K.bias_add(K.dot(x, w), b), y)));
  const f = K.function([x, y], [loss], opt.get_updates(loss, [w, b]));
  const losses: number[] = [];
  for (let t = 0; t < steps; t++) losses.push(f([X, Y])[0]!.get());
  return { losses, w: K.eval(w).data as Float64Array, b: K.eval(b).data as Float64Array };
}

function expectMatches(got: ReturnType<typeof train>, want: ReturnType<typeof reference>): void {
  got.losses.forEach((l, t) => expect(Math.abs(l - want.losses[t]!), `loss at step ${t}`).toBeLessThan(1e-12));
  want.w.flat().forEach((v, k) => expect(Math.abs(got.w[k]! - v), `w[${k}]`).toBeLessThan(1e-12));
  want.b.forEach((v, k) => expect(Math.abs(got.b[k]! - v), `b[${k}]`).toBeLessThan(1e-12));
  // It trains: the loss falls.
  expect(got.losses.at(-1)!).toBeLessThan(got.losses[0]!);
}

const STEPS = 25;
const EPS = 1e-7; // K.epsilon(), Keras's default

beforeEach(() => K.set_floatx('float64'));
afterEach(() => {
  K.set_floatx('float32');
  K.clear_session();
});

describe('Keras 2.3.1 SGD (examples/keras/optimizers.ts)', () => {
  it('with momentum and decay: iterations counts calls, read before its update', () => {
    const [lr, mom, decay] = [0.1, 0.9, 0.01];
    const opt = new SGD(lr, mom, false, { decay });
    const want = reference((t, g, s, p) => {
      const lrT = lr * (1 / (1 + decay * t));
      s[0] = mom * s[0]! - lrT * g;
      return p + s[0]!;
    }, STEPS);
    expectMatches(train(opt, STEPS), want);
    expect(K.eval(opt.iterations).get()).toBe(STEPS);
  });

  it('nesterov', () => {
    const [lr, mom] = [0.05, 0.8];
    const want = reference((_t, g, s, p) => {
      s[0] = mom * s[0]! - lr * g;
      return p + mom * s[0]! - lr * g;
    }, STEPS);
    expectMatches(train(new SGD(lr, mom, true), STEPS), want);
  });
});

describe('Keras 2.3.1 RMSprop (examples/keras/optimizers.ts)', () => {
  it('matches the reference step by step', () => {
    const [lr, rho] = [0.01, 0.9];
    const want = reference((_t, g, s, p) => {
      s[0] = rho * s[0]! + (1 - rho) * g * g;
      return p - (lr * g) / (Math.sqrt(s[0]!) + EPS);
    }, STEPS);
    expectMatches(train(new RMSprop(lr, rho), STEPS), want);
  });
});

describe('Keras 2.3.1 Adam (examples/keras/optimizers.ts)', () => {
  /** Adam's rule (amsgrad: the step over the running maximum of v), bias correction from iterations + 1. */
  const adamRule =
    (lr: number, b1: number, b2: number, amsgrad: boolean): Rule =>
    (t, g, s, p) => {
      const tt = t + 1;
      const lrT = (lr * Math.sqrt(1 - b2 ** tt)) / (1 - b1 ** tt);
      s[0] = b1 * s[0]! + (1 - b1) * g;
      s[1] = b2 * s[1]! + (1 - b2) * g * g;
      s[2] = Math.max(s[2]!, s[1]!);
      return p - (lrT * s[0]!) / (Math.sqrt(amsgrad ? s[2]! : s[1]!) + EPS);
    };

  it('matches the reference step by step (bias correction from iterations + 1)', () => {
    expectMatches(train(new Adam(0.02, 0.9, 0.999), STEPS), reference(adamRule(0.02, 0.9, 0.999, false), STEPS));
  });

  it('amsgrad', () => {
    expectMatches(train(new Adam(0.02, 0.9, 0.999, true), STEPS), reference(adamRule(0.02, 0.9, 0.999, true), STEPS));
  });
});
