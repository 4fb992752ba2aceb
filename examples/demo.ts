// npm start: fit y = sin(3x) with a one-hidden-layer tanh network, written with
// K ops, differentiated with K.gradients and trained with K.update_sub.
import * as K from '../src/index.js';

// A small deterministic generator so every run prints the same losses.
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const randn = (rows: number, cols: number, scale: number) =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rand() * 2 - 1) * scale));

const n = 128;
const xs = Array.from({ length: n }, (_, i) => [-1 + (2 * i) / (n - 1)]);
const x = K.constant(xs);
const y = K.constant(xs.map(([v]) => [Math.sin(3 * v!)]));

const hidden = 32;
const w1 = K.variable(randn(1, hidden, 1.5), null, 'w1');
const b1 = K.variable(randn(1, hidden, 0.5), null, 'b1');
const w2 = K.variable(randn(hidden, 1, 0.3), null, 'w2');
const b2 = K.zeros([1, 1], null, 'b2');
const params = [w1, b1, w2, b2];

const predict = () => K.add(K.dot(K.tanh(K.add(K.dot(x, w1), b1)), w2), b2);
const lr = 0.1;

console.log('ktape demo: fitting sin(3x) with a 1-32-1 tanh network (full-batch gradient descent)');
let first = 0;
let last = 0;
for (let step = 0; step <= 2000; step++) {
  const loss = K.mean(K.square(K.subtract(predict(), y)));
  const grads = K.gradients(loss, params);
  params.forEach((p, i) => K.update_sub(p, K.multiply(grads[i]!, lr)));
  const value = K.eval(loss).get();
  if (step === 0) first = value;
  last = value;
  if (step % 250 === 0) console.log(`step ${String(step).padStart(4)}  loss ${value.toFixed(6)}`);
}
console.log(`loss fell from ${first.toFixed(4)} to ${last.toFixed(4)} (${(first / last).toFixed(0)}x)`);
