// Activations that are primitives of their own for speed and stability: one
// fused kernel instead of a chain of maps and reductions, with the gradient
// written from the output. sigmoid_grad and tanh_grad are the VJPs of
// sigmoid and tanh as one map each (instead of three), themselves
// differentiable, so every order still follows.
import { fmtShape, typeError, valueError } from '../core/context.js';
import { isFloat } from '../core/dtype.js';
import { broadcastShapes } from '../core/shape.js';
import * as lax from './lax.js';
import { alongAxis, broadcasting } from './batching.js';
import type { ActivationAttrs, Meta } from '../core/primitives.js';
import { vjp, type OpSpec } from './spec.js';

/** (y, g): float, the same dtype, broadcasting shapes. */
function gradOf(op: string) {
  return ([y, g]: readonly [Meta, Meta]): Meta => {
    if (!isFloat(y.dtype) || g.dtype !== y.dtype) {
      throw typeError(
        op,
        `y and g must be float tensors of one dtype; got ${y.dtype} ${fmtShape(y.shape)} and ${g.dtype} ${fmtShape(g.shape)}`
      );
    }
    return { shape: broadcastShapes(op, y.shape, g.shape), dtype: y.dtype };
  };
}

export const activationPrims = {
  softmax: {
    doc: 'exp(x - max(x)) / sum(exp(x - max(x))) along axis',
    infer: ([x]: readonly [Meta], a: { axis: number }): Meta => {
      if (!isFloat(x.dtype))
        throw typeError('softmax', `x must be a float tensor; got ${x.dtype} of shape ${fmtShape(x.shape)}`);
      if (!Number.isInteger(a.axis) || a.axis < 0 || a.axis >= x.shape.length) {
        throw valueError('softmax', `axis ${a.axis} is out of range for x of shape ${fmtShape(x.shape)}`);
      }
      return { shape: x.shape, dtype: x.dtype };
    },
    batch: alongAxis('softmax'),
    // The Jacobian diag(y) - y y^T applied to g. Written with the output y,
    // whose own node carries the second order back through softmax.
    vjp: [
      vjp('y * (g - sum(g * y, axis, keepdims))', (g, c) =>
        lax.mul(c.out, lax.sub(g, lax.sum(lax.mul(g, c.out), [c.attrs.axis], true)))
      ),
    ],
  },
  // z = g y (1 - y), the gradient of sigmoid from its output y. h is z's cotangent.
  sigmoid_grad: {
    doc: 'g * y * (1 - y)',
    infer: gradOf('sigmoid_grad'),
    batch: broadcasting('sigmoid_grad'),
    vjp: [
      vjp('h * g * (1 - 2 y)', (h, c) => {
        const [y, g] = c.inputs as [typeof h, typeof h];
        return lax.mul(lax.mul(h, g), lax.sub(lax.scalar(1, y.dtype), lax.mul(lax.scalar(2, y.dtype), y)));
      }),
      vjp('h * y * (1 - y)', (h, c) => lax.sigmoidGrad(c.inputs[0], h)),
    ],
  },
  // z = g (1 - y^2), the gradient of tanh from its output y.
  tanh_grad: {
    doc: 'g * (1 - y^2)',
    infer: gradOf('tanh_grad'),
    batch: broadcasting('tanh_grad'),
    vjp: [
      vjp('-2 h g y', (h, c) => {
        const [y, g] = c.inputs as [typeof h, typeof h];
        return lax.mul(lax.mul(h, g), lax.mul(lax.scalar(-2, y.dtype), y));
      }),
      vjp('h * (1 - y^2)', (h, c) => lax.tanhGrad(c.inputs[0], h)),
    ],
  },
} satisfies { [P in keyof ActivationAttrs]: OpSpec<P> };
