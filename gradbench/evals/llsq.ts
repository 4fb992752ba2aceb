// llsq: least squares of a polynomial fit to sign(t) at n points t_i evenly
// spaced on [-1, 1]: f(x) = 1/2 sum_i (sign(t_i) - sum_j x_j t_i^j)^2, and its
// gradient by K.gradients. The polynomial is evaluated by Horner's rule over
// the coefficients (m steps on vectors of n), as manual keeps one running
// power: no n x m matrix of powers is built. (Backprop takes the m gathers'
// cotangents into x in one scatter: the gather's combine rule.)
import * as K from '../../src/index.js';
import { list, multipleRuns, type Runs } from '../protocol.js';

interface Input extends Runs {
  x: number[];
  n: number;
}

function loss(x: K.Tensor, n: number): K.Tensor {
  const m = x.shape[0]!;
  const t = K.constant(
    Float64Array.from({ length: n }, (_, i) => -1 + (i * 2) / (n - 1)),
    'float64'
  );
  let p = K.gather(x, m - 1);
  for (let j = m - 2; j >= 0; j--) p = K.add(K.multiply(p, t), K.gather(x, j));
  const r = K.subtract(K.sign(t), p);
  return K.divide(K.sum(K.square(r)), 2);
}

export const primal = multipleRuns(({ x, n }: Input) => {
  const xv = K.constant(x, 'float64');
  return () => K.eval(loss(xv, n)).get();
});

export const gradient = multipleRuns(({ x, n }: Input) => {
  const xv = K.variable(x, 'float64');
  return () => K.eval(K.gradients(loss(xv, n), [xv])[0]!).data as Float64Array;
}, list);
