// A small recurrent network: K.rnn runs a tanh cell over 3 time steps of one
// sample; the loss is the sum of the last state. Each step adds its own nodes
// to the tape, so the drawing shows the unrolled loop.
import * as K from '../../src/index.js';
import type { ExplainExample } from './index.js';

export const about = 'a tanh cell run by K.rnn over 3 steps (the loop unrolled on the tape)';

export function run(): ExplainExample {
  const u = K.variable(
    [
      [0.4, -0.2],
      [0.3, 0.5],
    ],
    null,
    'u'
  );
  const v = K.variable([[0.8, -0.6]], null, 'v');
  const x = K.reshape(K.constant([1, -0.5, 0.25]), [1, 3, 1]);
  const tape = K.trace((x: K.Tensor) => {
    const step = (xt: K.Tensor, states: K.Tensor[]) => {
      const h = K.tanh(K.add(K.dot(states[0]!, u), K.dot(xt, v)));
      return [h, [h]] as [K.Tensor, K.Tensor[]];
    };
    const [last] = K.rnn(step, x, [K.constant([[0, 0]])]);
    return K.sum(last);
  }, x);
  return { tape, wrt: [u, v] };
}
