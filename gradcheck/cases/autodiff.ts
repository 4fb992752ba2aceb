// Gradcheck cases for the autodiff tools of src/grad/: K.custom_gradient where
// the user's gradient is the true one, K.checkpoint (alone and as a K.rnn step
// function), and the transforms vjp, jvp, hessian_vector_product, jacobian and
// hessian, each differentiated once more (their second order is a third
// derivative of the function inside).
import * as K from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { GradCase } from '../case.js';

/** log(1 + e^x) computed stably, with the exact gradient sigmoid(x) written by hand. */
const stableSoftplus = K.custom_gradient((x: Tensor) => {
  const y = K.add(K.relu(x), K.log(K.add(K.exp(K.negative(K.abs(x))), 1)));
  return [y, (dy: Tensor) => K.multiply(dy, K.sigmoid(x))];
});

/** x * y with both gradients by hand (two arguments, a list back). */
const product = K.custom_gradient((x: Tensor, y: Tensor) => [
  K.multiply(x, y),
  (dz: Tensor) => [K.multiply(dz, y), K.multiply(dz, x)],
]);

/** Two outputs: [sin x, x^2], grad_fn gets [d sin, d sq]. */
const twoOutputs = K.custom_gradient((x: Tensor) => [
  [K.sin(x), K.square(x)],
  ([ds, dq]: Tensor[]) => K.add(K.multiply(ds!, K.cos(x)), K.multiply(dq!, K.multiply(x, 2))),
]);

const layer = (x: Tensor, w: Tensor) => K.tanh(K.dot(x, w));
const cubic = (x: Tensor) => K.sum(K.multiply(K.pow(x, 3), K.sin(x)));

// TensorFlow's log1pexp: grad_fn uses e = exp(x) computed inside f, so its second order runs through f's ops.
const log1pexp = K.custom_gradient((x: Tensor) => {
  const e = K.exp(x);
  return [K.log(K.add(e, 1)), (dy: Tensor) => K.multiply(dy, K.subtract(1, K.divide(1, K.add(e, 1))))];
});

export const autodiffCases: GradCase[] = [
  {
    op: 'custom_gradient',
    variant: "log1pexp, grad_fn using f's exp(x)",
    inputs: [{ shape: [2, 3], low: -3, high: 3 }],
    fn: (x) => log1pexp(x),
  },
  {
    op: 'custom_gradient',
    variant: 'stable softplus, gradient sigmoid',
    inputs: [{ shape: [2, 3], low: -4, high: 4 }],
    fn: (x) => stableSoftplus(x),
  },
  {
    op: 'custom_gradient',
    variant: 'two arguments',
    inputs: [{ shape: [3] }, { shape: [3] }],
    fn: (x, y) => product(x, y),
  },
  {
    op: 'custom_gradient',
    variant: 'two outputs',
    inputs: [{ shape: [4] }],
    fn: (x) => {
      const [s, q] = twoOutputs(x);
      return K.add(s!, K.multiply(q!, 0.5));
    },
  },
  {
    op: 'checkpoint',
    variant: 'tanh layer w.r.t. input and weights',
    inputs: [{ shape: [2, 3] }, { shape: [3, 2], low: -1, high: 1 }],
    fn: (x, w) => K.checkpoint(layer)(x, w),
  },
  {
    op: 'checkpoint',
    variant: 'as a K.rnn step function',
    inputs: [
      { shape: [2, 3, 2], low: -1, high: 1 },
      { shape: [2, 2], low: -0.5, high: 0.5 },
      { shape: [2, 2], low: -1, high: 1 },
    ],
    fn: (x, h0, u) => {
      const step = K.checkpoint((xt: Tensor, s: Tensor[]): [Tensor, Tensor[]] => {
        const h = K.tanh(K.add(xt, K.dot(s[0]!, u)));
        return [h, [h]];
      });
      const [, outputs] = K.rnn(step, x, [h0]);
      return outputs;
    },
  },
  {
    op: 'vjp',
    variant: 'pullback of a tanh layer, w.r.t. x, w and the cotangent',
    inputs: [{ shape: [2, 3] }, { shape: [3, 2], low: -1, high: 1 }, { shape: [2, 2] }],
    fn: (x, w, u) => {
      const [, pull] = K.vjp(layer, [x, w]);
      const [gx, gw] = pull(u);
      return K.concatenate([K.flatten(gx!), K.flatten(gw!)], 0);
    },
  },
  {
    op: 'jvp',
    variant: 'tangent of a tanh layer, w.r.t. x, w and both tangents',
    inputs: [{ shape: [2, 3] }, { shape: [3, 2], low: -1, high: 1 }, { shape: [2, 3] }, { shape: [3, 2] }],
    fn: (x, w, tx, tw) => K.jvp(layer, [x, w], [tx, tw])[1],
  },
  {
    op: 'hessian_vector_product',
    variant: 'sum(x^3 sin x), w.r.t. x and v',
    inputs: [{ shape: [4] }, { shape: [4] }],
    fn: (x, v) => K.hessian_vector_product(cubic, x, v) as Tensor,
  },
  {
    op: 'jacobian',
    variant: 'softmax of a vector',
    inputs: [{ shape: [3] }],
    fn: (x) => K.jacobian((t) => K.softmax(t), x),
  },
  { op: 'hessian', variant: 'sum(x^3 sin x)', inputs: [{ shape: [3] }], fn: (x) => K.hessian(cubic, x) },
  // K.vmap: the gradient of a batched function, and (second order) the
  // gradient of that, both through the batched primitives' own VJPs.
  {
    op: 'vmap',
    variant: 'a tanh layer per example, the weights shared (in_axes [0, null])',
    inputs: [{ shape: [4, 3] }, { shape: [3, 2], low: -1, high: 1 }],
    fn: (x, w) =>
      K.vmap((r: Tensor, v: Tensor) => K.tanh(K.squeeze(K.dot(K.expand_dims(r, 0), v), 0)), [0, null])(x, w),
  },
  {
    op: 'vmap',
    variant: 'batch axis 1 in, out at -1; softmax and a product',
    inputs: [{ shape: [3, 4] }, { shape: [4, 3] }],
    fn: (x, y) => K.vmap((a: Tensor, b: Tensor) => K.multiply(K.softmax(a), K.sin(b)), [1, 0], -1)(x, y),
  },
  {
    op: 'vmap',
    variant: 'nested: per-element gradients of sum(x^3 sin x)',
    inputs: [{ shape: [2, 3] }],
    fn: (x) => K.vmap(K.vmap((s: Tensor) => K.gradients(cubic(s), [s])[0]!))(x),
  },
  {
    op: 'per_example_gradients',
    variant: 'squared error of a tanh layer, w.r.t. the weights and the examples',
    inputs: [{ shape: [3, 2], low: -1, high: 1 }, { shape: [4, 3] }],
    fn: (w, x) =>
      K.per_example_gradients(
        (p: Tensor[], r: Tensor) => K.sum(K.square(K.tanh(K.dot(K.expand_dims(r, 0), p[0]!)))),
        [w],
        x
      )[0]!,
  },
];
