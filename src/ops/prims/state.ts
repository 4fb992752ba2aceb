// Graph plumbing: reading a variable, blocking gradients, and user-defined
// gradients (K.custom_gradient, K.checkpoint).
import type { Tensor } from '../../core/tensor.js';
import { vjp, type Empty, type OpSpec } from './spec.js';

/**
 * A node whose gradient is a user's function. Its inputs are the tensors (and
 * variables) the user's function read, then last the value it computed; the
 * node passes that value through and sends `grad(g, i)` to input i.
 */
export interface CustomAttrs {
  /** What made it: 'custom_gradient' or 'checkpoint' (listings show it). */
  readonly kind: string;
  /** The cotangent for input i (not the last), or null when none flows. */
  readonly grad: (g: Tensor, index: number) => Tensor | null;
}

export interface StateAttrs {
  read_variable: Empty;
  stop_gradient: Empty;
  custom: CustomAttrs;
}

export const statePrims = {
  // The snapshot of a variable's current value; its gradient flows to the variable.
  read_variable: { doc: 'the current value of a variable', infer: ([v]) => v!, vjp: [vjp('g', (g) => g)] },
  stop_gradient: { doc: 'x, as a constant', infer: ([x]) => x!, vjp: { nonDifferentiable: 'stop_gradient blocks the flow by design' } },
  custom: {
    doc: "the user's function's value, with the user's gradient",
    infer: (ins) => ins[ins.length - 1]!,
    // The last input is the value the user's function computed: its own graph
    // (kept only for K.function to evaluate) is not differentiated.
    vjp: {
      variadic: vjp("grad_fn(g), the user's gradient", (g, c) => (c.index === c.inputs.length - 1 ? null : c.attrs.grad(g, c.index))),
    },
  },
} satisfies { [P in keyof StateAttrs]: OpSpec<StateAttrs[P]> };
