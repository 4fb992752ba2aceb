// lse: log-sum-exp, m + log(sum(exp(x - m))) with m = max(x), and its
// gradient (softmax(x)) by K.gradients. m is held constant (its gradient
// cancels exactly in the sum; stop_gradient leaves that cancellation unrounded).
import * as K from '../../src/index.js';
import { list, multipleRuns, type Runs } from '../protocol.js';

interface Input extends Runs {
  x: number[];
}

function logsumexp(x: K.Tensor): K.Tensor {
  const m = K.stop_gradient(K.max(x));
  return K.add(m, K.log(K.sum(K.exp(K.subtract(x, m)))));
}

export const primal = multipleRuns(({ x }: Input) => {
  const xv = K.constant(x, 'float64');
  return () => K.eval(logsumexp(xv)).get();
});

export const gradient = multipleRuns(({ x }: Input) => {
  const xv = K.variable(x, 'float64');
  return () => K.eval(K.gradients(logsumexp(xv), [xv])[0]!).data as Float64Array;
}, list);
