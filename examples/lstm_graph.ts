// The LSTM of examples/lstm.ts trained as a symbolic graph: the loss is built
// once on placeholders (batch size unknown), K.gradients gives symbolic
// gradients, and one K.function computes the loss and applies the Adam
// updates as [variable, new value] pairs (every new value is computed from
// the variables' values before any of them changes).
// Run: npx tsx examples/lstm_graph.ts [steps]
import { pathToFileURL } from 'node:url';
import * as K from '../src/index.js';
import type { Tensor, Update } from '../src/index.js';
import { ADAM, lossOf, makeData, makeParams, TIME } from './lstm.js';

/** Train for `steps` full-batch Adam steps through K.function; returns the loss before each step. */
export function train(steps: number): number[] {
  const x = K.placeholder([null, TIME, 1], null, null, false, 'bits');
  const mask = K.placeholder([null, TIME], null, null, false, 'mask');
  const y = K.placeholder([null, 1], null, null, false, 'mean');
  const p = makeParams();
  const loss = lossOf(p, x, mask, y);
  const grads = K.gradients(loss, p.all);

  const { lr, beta1, beta2, epsilon } = ADAM;
  const beta1Power = K.variable(1);
  const beta2Power = K.variable(1);
  const b1 = K.multiply(beta1Power, beta1);
  const b2 = K.multiply(beta2Power, beta2);
  const updates: Update[] = [
    [beta1Power, b1],
    [beta2Power, b2],
  ];
  p.all.forEach((v, k) => {
    const g = grads[k]!;
    const m = K.zeros(v.shape);
    const s = K.zeros(v.shape);
    const m2 = K.add(K.multiply(m, beta1), K.multiply(g, 1 - beta1));
    const s2 = K.add(K.multiply(s, beta2), K.multiply(K.square(g), 1 - beta2));
    const step: Tensor = K.divide(
      K.divide(m2, K.subtract(1, b1)),
      K.add(K.sqrt(K.divide(s2, K.subtract(1, b2))), epsilon)
    );
    updates.push([m, m2], [s, s2], [v, K.subtract(v, K.multiply(step, lr))]);
  });
  const trainStep = K.function([x, mask, y], [loss], updates);

  const data = makeData();
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const [value] = trainStep([data.x, data.mask, data.y]);
    losses.push(value!.get());
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
