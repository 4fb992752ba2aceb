// The gradient-descent solver of gradbench's particle and saddle evals
// (cpp/gradbench/gd.hpp's algorithm: a step halves on failure and doubles
// after ten successes), on ktape tensors. Its loop reads values to decide
// (eagerly, as the C++ does), while every step it takes stays on the tape:
// a solution is a recorded function of whatever the objective closes over,
// so an outer solver differentiates through an inner one (nested AD).
import * as K from '../src/index.js';

type Tensor = K.Tensor;
export type Objective = (x: Tensor) => Tensor;
/** A gradient of a scalar function, by one mode of AD. */
export type Gradient = (f: Objective, x: Tensor) => Tensor;

/** A scalar tensor's value. */
export const value = (t: Tensor) => Number(K.eval(t).data[0]);
const values = (t: Tensor) => Array.from(K.eval(t).data as Float64Array);
const magnitude = (v: readonly number[]) => Math.sqrt(v.reduce((a, e) => a + e * e, 0));

/** Reverse mode: one K.gradients pass. */
export const reverse: Gradient = (f, x) => K.gradients(f(x), [x])[0]!;

/** Forward mode: K.jvp along every coordinate direction at once (K.vmap over the basis). */
export const forward: Gradient = (f, x) =>
  K.vmap((direction: Tensor) => K.jvp(f, [x], [direction])[1])(K.eye(x.shape[0]!, 'float64'));

/**
 * The argmin of f from `start`. With `onTape`, every step is recorded, so the
 * result is a differentiable function of what f closes over (an inner solver
 * that an outer one differentiates through); without, each iterate is a new
 * constant (an outermost solver: nothing of its search is kept).
 */
export function argmin(f: Objective, grad: Gradient, start: Tensor, onTape = false): Tensor {
  // A tensor of its own: a gradient with respect to x must not also count paths through start, which f may read too.
  let x = onTape ? K.add(start, 0) : K.constant(values(start), 'float64');
  let xv = values(x);
  let fx = value(f(x));
  let gx = grad(f, x);
  let gv = values(gx);
  let i = 0;
  let eta = 1e-5;
  // The tests and the step in doubles, as the C++ computes them; the step on the tape too.
  for (;;) {
    if (magnitude(gv) <= 1e-5) return x;
    if (i === 10) {
      eta *= 2;
      i = 0;
      continue;
    }
    const nextV = xv.map((e, j) => e - eta * gv[j]!);
    if (magnitude(xv.map((e, j) => e - nextV[j]!)) <= 1e-5) return x;
    const next = onTape ? K.subtract(x, K.multiply(gx, eta)) : K.constant(nextV, 'float64');
    const fNext = value(f(next));
    if (fNext < fx) {
      x = next;
      xv = nextV;
      fx = fNext;
      gx = grad(f, x);
      gv = values(gx);
      i++;
    } else {
      eta /= 2;
      i = 0;
    }
  }
}

export const argmax = (f: Objective, grad: Gradient, start: Tensor, onTape = false): Tensor =>
  argmin((x) => K.negative(f(x)), grad, start, onTape);
