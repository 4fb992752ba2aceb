// llsq: least squares of a polynomial fit to sign(t) at n points t_i evenly
// spaced on [-1, 1]: f(x) = 1/2 sum_i (sign(t_i) - sum_j x_j t_i^j)^2, and its
// gradient. The powers t_i^j are a cumulative product along j (K.cumprod),
// built inside the timed function as the other tools do.
import * as K from '../../src/index.js';
import { multipleRuns, type Runs } from '../protocol.js';

interface Input extends Runs {
  x: number[];
  n: number;
}

function loss(x: K.Tensor, n: number): K.Tensor {
  const m = x.shape[0]!;
  const t = Float64Array.from({ length: n }, (_, i) => -1 + (i * 2) / (n - 1));
  // Row i: [1, t_i, t_i, ...] whose cumulative product is [1, t_i, t_i^2, ...].
  const steps = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    steps[i * m] = 1;
    for (let j = 1; j < m; j++) steps[i * m + j] = t[i]!;
  }
  const powers = K.cumprod(K.constant(steps, 'float64', [n, m]), 1);
  const r = K.subtract(K.sign(K.constant(t, 'float64')), K.squeeze(K.dot(powers, K.expand_dims(x, 1)), 1));
  return K.divide(K.sum(K.square(r)), 2);
}

export const primal = multipleRuns(({ x, n }: Input) => {
  const xv = K.constant(x, 'float64');
  return () => K.eval(loss(xv, n)).get();
});

export const gradient = multipleRuns(({ x, n }: Input) => {
  const xv = K.variable(x, 'float64');
  return () => Array.from(K.eval(K.gradients(loss(xv, n), [xv])[0]!).data as Float64Array);
});
