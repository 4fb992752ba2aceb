// Adam (Kingma & Ba, 2015, Algorithm 1), with bias correction:
//
//   t <- t + 1
//   m <- beta_1 * m + (1 - beta_1) * g        (first moment, one per parameter, starts at 0)
//   v <- beta_2 * v + (1 - beta_2) * g^2      (second moment, likewise)
//   m_hat = m / (1 - beta_1^t)
//   v_hat = v / (1 - beta_2^t)
//   theta <- theta - lr * m_hat / (sqrt(v_hat) + eps)
//
// eps is added to the root of the CORRECTED v_hat, as in the paper's
// Algorithm 1 (and PyTorch). Keras and TensorFlow fold the corrections into
// the step size, lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + eps),
// which puts eps on the uncorrected sqrt(v): the same rule with a slightly
// different eps. The default eps is the paper's 1e-8 (Keras: 1e-7).
import * as K from '../../src/index.js';
import type { Tensor, Variable } from '../../src/index.js';
import { checkGrads, checkKeys, checkNonNegative, checkParams, checkRate, slots, type Optimizer } from './optimizer.js';

export interface AdamHyper {
  learning_rate: number;
  beta_1: number;
  beta_2: number;
  epsilon: number;
}

export const ADAM_DEFAULTS: AdamHyper = { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-8 };

export interface Adam extends Optimizer {
  readonly hyper: Readonly<AdamHyper>;
  /** m and v, one each per parameter. */
  readonly m: readonly Variable[];
  readonly v: readonly Variable[];
  /** The step count t, a scalar variable of the parameters' dtype (exact up to 2^24 steps in float32). */
  readonly t: Variable;
}

export function makeAdam(params: readonly Variable[], hyper: Partial<AdamHyper> = {}): Adam {
  const name = 'adam';
  checkKeys(name, hyper, Object.keys(ADAM_DEFAULTS));
  const h = { ...ADAM_DEFAULTS, ...hyper };
  const lr = checkNonNegative(name, 'learning_rate', h.learning_rate);
  const beta1 = checkRate(name, 'beta_1', h.beta_1);
  const beta2 = checkRate(name, 'beta_2', h.beta_2);
  const eps = checkNonNegative(name, 'epsilon', h.epsilon, true);
  const dtype = checkParams(name, params);
  const m = slots(params, 'm');
  const v = slots(params, 'v');
  const t = K.variable(0, dtype, 'adam/t');

  return {
    name,
    params,
    hyper: h,
    m,
    v,
    t,
    step(grads: readonly (Tensor | null)[]): void {
      checkGrads(name, params, grads);
      K.update_add(t, 1); // t = t + 1
      const correction1 = K.subtract(1, K.pow(beta1, t)); // 1 - beta_1^t
      const correction2 = K.subtract(1, K.pow(beta2, t)); // 1 - beta_2^t
      params.forEach((theta, i) => {
        const g = grads[i];
        if (g == null) return;
        const mi = m[i]!;
        const vi = v[i]!;
        K.update(mi, K.add(K.multiply(mi, beta1), K.multiply(g, 1 - beta1))); // m = b1 m + (1 - b1) g
        K.update(vi, K.add(K.multiply(vi, beta2), K.multiply(K.square(g), 1 - beta2))); // v = b2 v + (1 - b2) g^2
        const mHat = K.divide(mi, correction1);
        const vHat = K.divide(vi, correction2);
        K.update_sub(theta, K.divide(K.multiply(mHat, lr), K.add(K.sqrt(vHat), eps))); // theta -= lr m_hat / (sqrt(v_hat) + eps)
      });
    },
  };
}
