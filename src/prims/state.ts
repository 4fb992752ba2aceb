// Graph plumbing: reading a variable, blocking gradients, and user-defined
// gradients (K.custom_gradient, K.checkpoint).
import { vjp, type OpSpec } from './spec.js';
import type { StateAttrs } from '../core/primitives.js';

export const statePrims = {
  // The snapshot of a variable's current value; its gradient flows to the variable.
  read_variable: { doc: 'the current value of a variable', infer: ([v]) => v, vjp: [vjp('g', (g) => g)] },
  stop_gradient: {
    doc: 'x, as a constant',
    infer: ([x]) => x,
    vjp: { nonDifferentiable: 'stop_gradient blocks the flow by design' },
  },
  custom: {
    doc: "the user's function's value, with the user's gradient",
    infer: (ins) => ins[ins.length - 1]!,
    // The last input is the value the user's function computed: its own graph
    // (kept only for K.function to evaluate) is not differentiated.
    vjp: {
      variadic: vjp("grad_fn(g), the user's gradient", (g, c) =>
        c.index === c.inputs.length - 1 ? null : c.attrs.grad(g, c.index)
      ),
    },
  },
  call: {
    doc: 'a function of its inputs computed when the graph runs (a loop of run-time length)',
    infer: (_ins, a) => ({ shape: a.meta.shape.slice(), dtype: a.meta.dtype }),
    vjp: {
      variadic: vjp("the function's own gradient, taken when the graph runs", (g, c) => c.attrs.grad(g, c.index)),
    },
  },
} satisfies { [P in keyof StateAttrs]: OpSpec<P> };
