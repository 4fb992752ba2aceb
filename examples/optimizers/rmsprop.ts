// RMSprop (Tieleman & Hinton, 2012), uncentered, without momentum, as Keras's default:
//
//   s <- rho * s + (1 - rho) * g^2          (s: the mean square of g, one per parameter, starts at 0)
//   theta <- theta - lr * g / (sqrt(s) + eps)
//
// eps is added to the root (Keras 3 and PyTorch); TF1's ApplyRMSProp kernel
// puts it under the root, sqrt(s + eps). Either keeps a tiny s from blowing up the step.
import * as K from '../../src/index.js';
import type { Tensor, Variable } from '../../src/index.js';
import { checkGrads, checkKeys, checkNonNegative, checkParams, checkRate, slots, type Optimizer } from './optimizer.js';

export interface RmspropHyper {
  learning_rate: number;
  rho: number;
  epsilon: number;
}

export const RMSPROP_DEFAULTS: RmspropHyper = { learning_rate: 0.001, rho: 0.9, epsilon: 1e-7 };

export interface Rmsprop extends Optimizer {
  readonly hyper: Readonly<RmspropHyper>;
  /** s, one per parameter. */
  readonly meanSquare: readonly Variable[];
}

export function makeRmsprop(params: readonly Variable[], hyper: Partial<RmspropHyper> = {}): Rmsprop {
  const name = 'rmsprop';
  checkKeys(name, hyper, Object.keys(RMSPROP_DEFAULTS));
  const h = { ...RMSPROP_DEFAULTS, ...hyper };
  const lr = checkNonNegative(name, 'learning_rate', h.learning_rate);
  const rho = checkRate(name, 'rho', h.rho);
  const eps = checkNonNegative(name, 'epsilon', h.epsilon, true);
  checkParams(name, params);
  const meanSquare = slots(params, 'mean_square');

  return {
    name,
    params,
    hyper: h,
    meanSquare,
    step(grads: readonly (Tensor | null)[]): void {
      checkGrads(name, params, grads);
      params.forEach((theta, i) => {
        const g = grads[i];
        if (g == null) return;
        const s = meanSquare[i]!;
        K.update(s, K.add(K.multiply(s, rho), K.multiply(K.square(g), 1 - rho))); // s = rho s + (1 - rho) g^2
        K.update_sub(theta, K.divide(K.multiply(g, lr), K.add(K.sqrt(s), eps))); // theta -= lr g / (sqrt(s) + eps)
      });
    },
  };
}
