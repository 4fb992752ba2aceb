// K.gradients and K.stop_gradient.
import { keras, typeError } from '../core/context.js';
import { toTensor } from '../core/convert.js';
import { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import { backprop } from './backprop.js';

/**
 * Gradients of `loss` with respect to each of `variables` (tf.gradients), by
 * reverse-mode differentiation of the recorded graph. A non-scalar loss is
 * summed first (TensorFlow's `grad_ys` of ones), and a list of losses is summed
 * too. `variables` may be any tensors `loss` was computed from: variables,
 * constants or intermediates. Works on eager and on symbolic tensors (the
 * gradients are then symbolic, for K.function). Every VJP is made of
 * differentiable ops, so gradients of gradients work.
 *
 * @param loss  a tensor, or a list of tensors whose sum is differentiated.
 * @param variables  a tensor or a list of tensors to differentiate with respect to.
 * @returns one gradient per entry of `variables`, of its shape and dtype; null where
 *   `loss` does not depend on it, as in TensorFlow.
 * @throws K.TypeError when `loss` or an entry of `variables` is not a tensor.
 * @example
 * ```ts
 * const w = K.variable([1, 2, 3]);
 * const loss = K.sum(K.square(w));
 * const [g] = K.gradients(loss, [w]);
 * K.eval(g!); // [2, 4, 6]
 * K.eval(K.gradients(K.sum(g!), w)[0]!); // [2, 2, 2]
 * K.gradients(loss, [K.variable(1)]); // [null]
 * ```
 */
export function gradients(loss: Tensor | Tensor[], variables: Tensor | Tensor[]): (Tensor | null)[] {
  return keras(gradients, () => {
    const ys = Array.isArray(loss) ? loss : [loss];
    const xs = Array.isArray(variables) ? variables : [variables];
    ys.forEach((y, i) => {
      if (!(y instanceof Tensor)) throw typeError('gradients', `loss[${i}] must be a tensor; got ${typeof y}`);
      toTensor('gradients', y, `loss[${i}]`); // disposed?
    });
    xs.forEach((x, i) => {
      if (!(x instanceof Tensor))
        throw typeError('gradients', `variables[${i}] must be a tensor or variable; got ${typeof x}`);
      toTensor('gradients', x, `variables[${i}]`); // disposed?
    });
    return backprop(
      ys,
      ys.map((y) => lax.onesLike(y)),
      xs
    );
  });
}

/**
 * The same values, seen as constants by the gradient (tf.stop_gradient): no
 * gradient flows back through the result. Takes one tensor or a list of them.
 *
 * @param variables  a tensor-like, or a list of them.
 * @returns a tensor (or a list of tensors) with the same values.
 * @throws K.TypeError when an entry cannot be converted to a tensor.
 * @example
 * ```ts
 * const x = K.variable(3);
 * const y = K.multiply(K.stop_gradient(x), x); // d/dx sees only the second factor
 * K.eval(K.gradients(y, [x])[0]!); // 3
 * ```
 */
export function stop_gradient(variables: Tensor): Tensor;
export function stop_gradient(variables: Tensor[]): Tensor[];
export function stop_gradient(variables: Tensor | Tensor[]): Tensor | Tensor[] {
  return keras(stop_gradient, () => {
    if (Array.isArray(variables))
      return variables.map((v, i) => lax.stopGradient(toTensor('stop_gradient', v, `variables[${i}]`)));
    return lax.stopGradient(toTensor('stop_gradient', variables, 'variables'));
  });
}
