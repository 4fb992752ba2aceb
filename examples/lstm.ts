// A small LSTM, its step function written with K ops, trained eagerly through
// K.rnn with a mask. The task: each sequence holds random bits, but only its
// first `length` steps count (the rest is padding, masked out); predict the
// mean of the counted bits. Gradients by K.gradients (backprop through
// time), parameters updated by a hand-rolled Adam made of K.update calls.
// Run: npx tsx examples/lstm.ts [steps]
import { pathToFileURL } from 'node:url';
import * as K from '../src/index.js';
import type { Tensor, Variable } from '../src/index.js';

export const SAMPLES = 32;
export const TIME = 6;
export const UNITS = 8;

/** A small deterministic generator, so every run sees the same data and weights. */
function generator(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

export interface Data {
  /** Bits, (samples, time, 1); steps past a sample's length are padding. */
  x: number[][][];
  /** 1 for the counted steps, 0 for padding: (samples, time). */
  mask: number[][];
  /** The mean of the counted bits: (samples, 1). */
  y: number[][];
}

export function makeData(samples = SAMPLES, seed = 7): Data {
  const rand = generator(seed);
  const x: number[][][] = [];
  const mask: number[][] = [];
  const y: number[][] = [];
  for (let s = 0; s < samples; s++) {
    const length = 2 + Math.floor(rand() * (TIME - 1));
    const bits: number[] = Array.from({ length: TIME }, () => (rand() < 0.5 ? 1 : 0));
    x.push(bits.map((b) => [b]));
    mask.push(bits.map((_, t) => (t < length ? 1 : 0)));
    y.push([bits.slice(0, length).reduce((p, q) => p + q, 0) / length]);
  }
  return { x, mask, y };
}

/** The gates' weights act on [x, h] (one input feature, then the units). */
export interface Params {
  gates: { w: Variable; b: Variable }[];
  wOut: Variable;
  bOut: Variable;
  all: Variable[];
}

export function makeParams(seed = 3): Params {
  const rand = generator(seed);
  const matrix = (rows: number, cols: number, scale: number) =>
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rand() * 2 - 1) * scale));
  // input, forget (biased open, as Keras's unit_forget_bias), cell, output
  const gates = [0, 1, 0, 0].map((bias, i) => ({
    w: K.variable(matrix(1 + UNITS, UNITS, 0.5), null, `lstm_w${i}`),
    b: K.variable(
      Array.from({ length: UNITS }, () => bias),
      null,
      `lstm_b${i}`
    ),
  }));
  const wOut = K.variable(matrix(UNITS, 1, 0.5), null, 'dense_w');
  const bOut = K.variable([0.5], null, 'dense_b');
  return { gates, wOut, bOut, all: [...gates.flatMap((g) => [g.w, g.b]), wOut, bOut] };
}

/** One LSTM step: states [h, c] -> output h', states [h', c']. */
export function lstmStep(p: Params) {
  return (x: Tensor, states: Tensor[]): [Tensor, Tensor[]] => {
    const [h, c] = states as [Tensor, Tensor];
    const xh = K.concatenate([x, h], -1);
    const [i, f, g, o] = p.gates.map((gate) => K.bias_add(K.dot(xh, gate.w), gate.b));
    const c2 = K.add(K.multiply(K.sigmoid(f!), c), K.multiply(K.sigmoid(i!), K.tanh(g!)));
    const h2 = K.multiply(K.sigmoid(o!), K.tanh(c2));
    return [h2, [h2, c2]];
  };
}

/** Mean squared error of the prediction from the last unmasked output (a tensor, eager or symbolic). */
export function lossOf(p: Params, x: Tensor, mask: Tensor, y: Tensor): Tensor {
  // A zero state with the batch size of x (Keras's trick): (samples, 1) @ zeros(1, units).
  const zero = K.dot(K.sum(K.zeros_like(x), 1), K.zeros([1, UNITS]));
  const [last] = K.rnn(lstmStep(p), x, [zero, zero], { mask });
  const pred = K.bias_add(K.dot(last, p.wOut), p.bOut);
  return K.mean(K.square(K.subtract(pred, y)));
}

export const ADAM = { lr: 0.03, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/** Train for `steps` full-batch Adam steps; returns the loss before each step. */
export function train(steps: number): number[] {
  const data = makeData();
  const x = K.constant(data.x);
  const mask = K.constant(data.mask);
  const y = K.constant(data.y);
  const p = makeParams();
  const { lr, beta1, beta2, epsilon } = ADAM;
  const m = p.all.map((v) => K.zeros(v.shape));
  const s = p.all.map((v) => K.zeros(v.shape));
  const beta1Power = K.variable(1);
  const beta2Power = K.variable(1);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = lossOf(p, x, mask, y);
    const grads = K.gradients(loss, p.all);
    K.update(beta1Power, K.multiply(beta1Power, beta1));
    K.update(beta2Power, K.multiply(beta2Power, beta2));
    p.all.forEach((v, k) => {
      const g = grads[k]!;
      K.update(m[k]!, K.add(K.multiply(m[k]!, beta1), K.multiply(g, 1 - beta1)));
      K.update(s[k]!, K.add(K.multiply(s[k]!, beta2), K.multiply(K.square(g), 1 - beta2)));
      const mHat = K.divide(m[k]!, K.subtract(1, beta1Power));
      const sHat = K.divide(s[k]!, K.subtract(1, beta2Power));
      K.update_sub(v, K.multiply(K.divide(mHat, K.add(K.sqrt(sHat), epsilon)), lr));
    });
    losses.push(K.eval(loss).get());
  }
  return losses;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const steps = Number(process.argv[2] ?? 150);
  const losses = train(steps);
  losses.forEach((l, i) => {
    if (i % 10 === 0 || i === losses.length - 1) console.log(`step ${String(i).padStart(4)}  loss ${l.toFixed(5)}`);
  });
}
