// ode: cmpad's an_ode as gradbench writes it: y' = f(x, y) with f_0 = x_0 and
// f_i = x_i y_{i-1}, from y(0) = 0 to t = 2 by s classical Runge-Kutta
// steps; `gradient` is the gradient of the last y with respect to x, by
// K.gradients through the s steps.
import * as K from '../../src/index.js';
import { list, multipleRuns, type Runs } from '../protocol.js';

interface Input extends Runs {
  x: number[];
  s: number;
}

function solve(x: K.Tensor, s: number): K.Tensor {
  const n = x.shape[0]!;
  const h = 2 / s;
  const one = K.ones([1], 'float64');
  // f(y) = x * [1, y_0, ..., y_{n-2}]: f_0 = x_0, f_i = x_i y_{i-1}.
  const f = (y: K.Tensor) => K.multiply(x, K.concatenate([one, K.slice(y, [0], [n - 1])], 0));
  let y: K.Tensor = K.zeros([n], 'float64');
  for (let step = 0; step < s; step++) {
    const k1 = f(y);
    const k2 = f(K.add(y, K.multiply(k1, h / 2)));
    const k3 = f(K.add(y, K.multiply(k2, h / 2)));
    const k4 = f(K.add(y, K.multiply(k3, h)));
    const sum = K.add(K.add(k1, K.multiply(K.add(k2, k3), 2)), k4);
    y = K.add(y, K.multiply(sum, h / 6));
  }
  return y;
}

export const primal = multipleRuns(({ x, s }: Input) => {
  const xv = K.constant(x, 'float64');
  return () => K.eval(solve(xv, s)).data as Float64Array;
}, list);

export const gradient = multipleRuns(({ x, s }: Input) => {
  const xv = K.variable(x, 'float64');
  return () => {
    const y = solve(xv, s);
    const last = K.slice(y, [x.length - 1], [1]);
    return K.eval(K.gradients(K.sum(last), [xv])[0]!).data as Float64Array;
  };
}, list);
