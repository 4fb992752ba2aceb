// SGD with momentum, in the form Keras and TensorFlow use:
//
//   v <- mu * v - lr * g          (v: the velocity, one per parameter, starts at 0)
//   theta <- theta + v
//   nesterov: theta <- theta + mu * v - lr * g   (with the new v: a look-ahead step)
//
// momentum = 0 is plain gradient descent. (PyTorch keeps v <- mu * v + g and
// subtracts lr * v: the same steps while lr is constant.)
import * as K from '../../src/index.js';
import type { Tensor, Variable } from '../../src/index.js';
import {
  checkGrads,
  checkKeys,
  checkNonNegative,
  checkParams,
  checkRate,
  fail,
  slots,
  type Optimizer,
} from './optimizer.js';

export interface SgdHyper {
  learning_rate: number;
  momentum: number;
  nesterov: boolean;
}

export const SGD_DEFAULTS: SgdHyper = { learning_rate: 0.01, momentum: 0.9, nesterov: false };

export interface SgdMomentum extends Optimizer {
  readonly hyper: Readonly<SgdHyper>;
  /** v, one per parameter. */
  readonly velocity: readonly Variable[];
}

export function makeSgdMomentum(params: readonly Variable[], hyper: Partial<SgdHyper> = {}): SgdMomentum {
  const name = 'sgd_momentum';
  checkKeys(name, hyper, Object.keys(SGD_DEFAULTS));
  const h = { ...SGD_DEFAULTS, ...hyper };
  const lr = checkNonNegative(name, 'learning_rate', h.learning_rate);
  const mu = checkRate(name, 'momentum', h.momentum);
  if (typeof h.nesterov !== 'boolean') fail(name, `nesterov must be a boolean; got ${String(h.nesterov)}`);
  checkParams(name, params);
  const velocity = slots(params, 'velocity');

  return {
    name,
    params,
    hyper: h,
    velocity,
    step(grads: readonly (Tensor | null)[]): void {
      checkGrads(name, params, grads);
      params.forEach((theta, i) => {
        const g = grads[i];
        if (g == null) return;
        const v = velocity[i]!;
        K.update(v, K.subtract(K.multiply(v, mu), K.multiply(g, lr))); // v = mu v - lr g
        if (h.nesterov) K.update_add(theta, K.subtract(K.multiply(v, mu), K.multiply(g, lr)));
        else K.update_add(theta, v); // theta += v
      });
    },
  };
}
