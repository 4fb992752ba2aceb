// A tiny 2-layer network and its loss: 4 samples of 2 features, 3 tanh units,
// one linear output, mean squared error. Fixed weights, so every run draws the same tape.
import * as K from '../../src/index.js';
import type { ExplainExample } from './index.js';

export const about = 'a 2-3-1 tanh network with a mean squared error loss';

export function run(): ExplainExample {
  const w1 = K.variable(
    [
      [0.5, -0.3, 0.8],
      [0.2, 0.7, -0.5],
    ],
    null,
    'w1'
  );
  const b1 = K.variable([0.1, 0, -0.1], null, 'b1');
  const w2 = K.variable([[0.6], [-0.4], [0.3]], null, 'w2');
  const b2 = K.variable([0.05], null, 'b2');
  const x = K.constant([
    [0, 1],
    [1, 0],
    [1, 1],
    [0.5, -1],
  ]);
  const y = K.constant([[1], [0], [1], [0]]);
  const tape = K.trace(
    (x: K.Tensor, y: K.Tensor) => {
      const h = K.tanh(K.bias_add(K.dot(x, w1), b1));
      const out = K.bias_add(K.dot(h, w2), b2);
      return K.mean(K.square(K.subtract(out, y)));
    },
    x,
    y
  );
  return { tape, wrt: [w1, b1, w2, b2] };
}
