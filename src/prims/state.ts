// Graph plumbing: reading a variable, blocking gradients, and user-defined
// gradients (K.custom_gradient, K.checkpoint).
import { vjp, type OpSpec } from './spec.js';
import { batched, withLevel } from '../core/batch.js';
import type { Tensor } from '../core/tensor.js';
import { batchedGrad, front, inPlace, physical } from './batching.js';
import * as lax from './lax.js';
import type { StateAttrs } from '../core/primitives.js';

export const statePrims = {
  // The snapshot of a variable's current value; its gradient flows to the variable.
  read_variable: {
    doc: 'the current value of a variable',
    infer: ([v]) => v,
    vjp: [vjp('g', (g) => g)],
    batch: { noBatch: 'its input is a variable, which is the same for every example' },
  },
  stop_gradient: {
    doc: 'x, as a constant',
    infer: ([x]) => x,
    vjp: { nonDifferentiable: 'stop_gradient blocks the flow by design' },
    batch: inPlace('stop_gradient'),
  },
  custom: {
    doc: "the user's function's value, with the user's gradient",
    infer: (ins) => ins[ins.length - 1]!,
    // One node over the batched values; its gradient runs the user's function on the examples again.
    batch: (ins, axes, a, c) => {
      const last = ins.length - 1;
      const value = front(ins[last]!, axes[last] ?? null, c.size);
      const values = [...ins.slice(0, last), value];
      const at = [...axes.slice(0, last), 0];
      return [lax.custom(values, { kind: a.kind, grad: batchedGrad(a.grad, c.level, 0, at) }), 0];
    },
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
    // Run when the graph runs, on the examples (the level entered again), its result batched first.
    batch: (ins, axes, a, c) => {
      const level = c.level;
      const run = (vs: readonly Tensor[]) =>
        withLevel(level, () =>
          physical(a.run(vs.map((v, i) => (axes[i] == null ? v : batched(v, axes[i]!, level)))), level, 0)
        );
      const meta = { shape: [c.size, ...c.out.shape], dtype: c.out.dtype };
      return [lax.call(ins, { kind: a.kind, meta, run, grad: batchedGrad(a.grad, level, 0, axes) }), 0];
    },
    vjp: {
      variadic: vjp("the function's own gradient, taken when the graph runs", (g, c) => c.attrs.grad(g, c.index)),
    },
  },
} satisfies { [P in keyof StateAttrs]: OpSpec<P> };
