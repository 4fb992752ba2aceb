// A custom gradient: softplus(x) = log(1 + e^x) computed directly, with its
// gradient sigmoid(x) given by hand (K.custom_gradient), so the tape holds one
// `custom` node where the formula's own graph would be.
import * as K from '../../src/index.js';
import type { ExplainExample } from './index.js';

export const about = 'log(1 + e^x) with a hand-written gradient (K.custom_gradient)';

const softplus = K.custom_gradient((x: K.Tensor) => {
  const y = K.log(K.add(K.exp(x), 1));
  return [y, (dy: K.Tensor) => K.multiply(dy, K.sigmoid(x))];
});

export function run(): ExplainExample {
  const w = K.variable([0.5, -1.5, 2], null, 'w');
  const tape = K.trace((x: K.Tensor) => K.sum(softplus(K.multiply(w, x))), [1, 2, -0.5]);
  return { tape, wrt: [w] };
}
