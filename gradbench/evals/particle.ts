// particle (Pearlmutter and Siskind): a charged particle starts at (0, 8)
// with velocity (0.75, 0), pushed by the gradient of the potential of two
// charges at (10, 10 - w) and (10, 0) (Euler steps of 0.1, the force a
// gradient taken by AD); w is chosen by gradient descent (gradbench/gd.ts) so
// the particle crosses the x axis at the origin, differentiating through the
// whole trajectory and the gradients inside it. ff, fr, rf, rr: forward
// (K.jvp) or reverse (K.gradients) mode for the outer and the inner gradient.
import * as K from '../../src/index.js';
import { argmin, forward, reverse, value, type Gradient } from '../gd.js';
import { multipleRuns, type Runs } from '../protocol.js';

interface Input extends Runs {
  w: number;
}

type Tensor = K.Tensor;

/** x_0(t_f)^2 where the path of the particle for control w crosses the x axis. */
export function miss(w: Tensor, inner: Gradient): Tensor {
  const wy = K.subtract(10, K.gather(w, 0));
  const charges = [K.stack([K.constant(10, 'float64'), wy], 0), K.constant([10, 0], 'float64')];
  const potential = (x: Tensor) =>
    charges.map((c) => K.divide(1, K.sqrt(K.sum(K.square(K.subtract(c, x)))))).reduce((a, b) => K.add(a, b));
  let x: Tensor = K.constant([0, 8], 'float64');
  let xdot: Tensor = K.constant([0.75, 0], 'float64');
  const dt = 0.1;
  for (;;) {
    const xddot = K.negative(inner(potential, x));
    x = K.add(x, K.multiply(xdot, dt));
    if (value(K.gather(x, 1)) <= 0) {
      const dtf = K.divide(K.negative(K.gather(x, 1)), K.gather(xdot, 1));
      const xf = K.add(x, K.multiply(xdot, dtf));
      return K.square(K.gather(xf, 0));
    }
    xdot = K.add(xdot, K.multiply(xddot, dt));
  }
}

function particle(outer: Gradient, inner: Gradient) {
  return multipleRuns(({ w }: Input) => {
    const w0 = K.constant([w], 'float64');
    return () => value(argmin((v) => miss(v, inner), outer, w0));
  });
}

export const ff = particle(forward, forward);
export const fr = particle(forward, reverse);
export const rf = particle(reverse, forward);
export const rr = particle(reverse, reverse);
