// saddle (Pearlmutter and Siskind): min over p1 of max over p2 of
// f(p1, p2) = |p1|^2 - |p2|^2 (gradbench's objective(x1, y1, x2, y2) =
// (x1^2 + y1^2) - (x2^2 + y2^2) called with p1 = (x1, y1), p2 = (x2, y2)), both by gradient descent
// (gradbench/gd.ts), the outer one differentiating through the inner one.
// The four functions choose forward (K.jvp) or reverse (K.gradients) mode for
// the outer and the inner gradients: ff, fr, rf, rr.
import * as K from '../../src/index.js';
import { argmax, argmin, forward, reverse, type Gradient } from '../gd.js';
import { multipleRuns, type Runs } from '../protocol.js';

interface Input extends Runs {
  start: number[];
}

type Tensor = K.Tensor;

function f(p1: Tensor, p2: Tensor): Tensor {
  return K.subtract(K.sum(K.square(p1)), K.sum(K.square(p2)));
}

function saddle(outer: Gradient, inner: Gradient) {
  return multipleRuns(({ start }: Input) => {
    const s = K.constant(start, 'float64');
    return () => {
      // The inner search stays on the tape: the outer gradient runs through it.
      const innerMax = (p1: Tensor) =>
        f(
          p1,
          argmax((p2) => f(p1, p2), inner, s, true)
        );
      const r1 = argmin(innerMax, outer, s);
      const r2 = argmax((p2) => f(r1, p2), outer, s);
      return [...(K.eval(r1).data as Float64Array), ...(K.eval(r2).data as Float64Array)];
    };
  });
}

export const ff = saddle(forward, forward);
export const fr = saddle(forward, reverse);
export const rf = saddle(reverse, forward);
export const rr = saddle(reverse, reverse);
