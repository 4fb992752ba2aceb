// log-softmax and a graph-mode softmax's logits: softmax (nn.ts) and the
// crossentropies (losses.ts) share them; internal, not Keras functions.
import type { Inputs } from '../core/primitives.js';
import type { Node, Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';

/**
 * The logits of a graph-mode softmax over the last axis, read from its node:
 * the crossentropies use them instead of the probabilities, as the source does
 * with a Softmax op's input.
 */
export function softmaxLogits(y: Tensor): Tensor | undefined {
  const node = y.node;
  if (!y.isSymbolic || node === null || node.prim !== 'softmax') return undefined;
  const [x] = (node as Node<'softmax'>).inputs as Inputs<'softmax', Tensor>;
  return (node as Node<'softmax'>).attrs.axis === x.rank - 1 ? x : undefined;
}

/** x - max(x): softmax does not depend on the shift, so no gradient flows into it. */
function shifted(x: Tensor, axis: number): Tensor {
  return lax.sub(x, lax.stopGradient(lax.max(x, [axis], true)));
}

/** log(softmax(x)) = s - log(sum(exp(s))) for s = x - max(x): finite for any finite logits. */
export function logSoftmax(x: Tensor, axis: number): Tensor {
  const s = shifted(x, axis);
  return lax.sub(s, lax.log(lax.sum(lax.exp(s), [axis], true)));
}
