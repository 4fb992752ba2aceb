// Cases that make every VJP rule of the primitive table run in a checked
// gradient (test/grad/reach.test.ts proves it, at orders 1 and 2): the
// primitives that otherwise appear only inside VJPs are checked here with a
// gradient as the function, so order 1 checks their second derivative and
// order 2 their third; cast and a variable's read are reached directly.
import * as K from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { GradCase } from '../case.js';
import { callNode } from '../../src/grad/call.js';

/** d/dx of sum(f(x) * x * w) for a fixed w: a gradient whose cotangent also depends on x, used as the function checked. */
function gradientOf(f: (x: Tensor) => Tensor, w: number[][]): (x: Tensor) => Tensor {
  return (x) => {
    const loss = K.sum(K.multiply(f(x), K.multiply(x, K.constant(w, x.dtype))));
    return K.gradients(loss, [x])[0]!;
  };
}

const SMALL = { low: -1, high: 1 };

export const reachCases: GradCase[] = [
  {
    // What K.rnn, K.map_fn, K.foldl/foldr and others become over a length known only when a graph
    // runs: a call node, whose gradient is its function's own, taken again (so every order follows).
    op: 'rnn',
    variant: 'a call node (its loop over a run-time length), on values',
    inputs: [{ shape: [2, 3] }, { shape: [3], low: -1, high: 1 }],
    fn: (x, y) =>
      callNode('rnn', [x, y], { shape: [2, 3], dtype: x.dtype }, ([a, b]) =>
        K.multiply(K.sin(a!), K.exp(K.multiply(b!, a!)))
      ),
  },
  {
    op: 'cast',
    variant: 'to the other float dtype and back, squared between',
    inputs: [{ shape: [2, 3] }],
    fn: (x) => K.cast(K.square(K.cast(x, x.dtype === 'float64' ? 'float32' : 'float64')), x.dtype),
    tolerance: { why: 'the value passes through float32', eps: 1e-3, atol: 2e-3, rtol: 2e-3 },
  },
  {
    op: 'variable',
    variant: 'an input read through a variable',
    inputs: [{ shape: [2, 2], variable: true }, { shape: [2, 2] }],
    fn: (v, x) => K.square(K.dot(v, x)),
  },
  {
    op: 'cumprod',
    variant: 'its gradient as the function (affine_scan)',
    inputs: [{ shape: [2, 4], low: 0.5, high: 1.5 }],
    fn: gradientOf(
      (x) => K.cumprod(x, 1),
      [
        [0.3, -0.7, 1.1, 0.5],
        [-0.2, 0.9, 0.4, -1.3],
      ]
    ),
  },
  {
    op: 'conv2d',
    variant: "the kernel's gradient as the function (conv_backprop_filter)",
    inputs: [
      { shape: [1, 4, 4, 2], ...SMALL },
      { shape: [2, 2, 2, 2], ...SMALL },
    ],
    fn: (x, k) => K.gradients(K.sum(K.square(K.conv2d(x, k, [1, 1], 'same'))), [k])[0]!,
  },
  {
    op: 'pool2d',
    variant: "avg, the input's gradient as the function (avg_pool_grad)",
    inputs: [{ shape: [1, 4, 4, 1], ...SMALL }],
    fn: (x) => K.gradients(K.sum(K.square(K.pool2d(x, [2, 2], [1, 1], 'valid', 'channels_last', 'avg'))), [x])[0]!,
  },
];
