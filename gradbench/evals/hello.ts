// hello: square(x) = x * x, and double(x) its derivative (2 x), by K.gradients.
import * as K from '../../src/index.js';

const f = (x: K.Tensor) => K.square(x);

export function square(x: number) {
  return { output: K.eval(f(K.constant(x, 'float64'))).get() };
}

export function double(x: number) {
  const v = K.variable(x, 'float64');
  return { output: K.eval(K.gradients(f(v), [v])[0]!).get() };
}
