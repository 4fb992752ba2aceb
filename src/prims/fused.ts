// The fused chain: elementwise primitives joined into one kernel by
// K.function's plans (src/grad/fuse.ts), after any gradient was taken. It is
// never recorded, so it has no VJP; its shape rule is the chain's.
import type { FusedAttrs, Meta } from '../core/primitives.js';
import { summedShape } from '../core/fused.js';
import type { OpSpec } from './spec.js';

export const fusedPrims = {
  fused: {
    doc: 'a chain of float32 elementwise primitives (and a sum of its result) as one kernel',
    infer: (_ins: readonly Meta[], a): Meta => ({
      shape: a.sum === null ? [...a.shape] : summedShape(a.shape, a.sum),
      dtype: 'float32',
    }),
    vjp: { nonDifferentiable: "a kernel of K.function's plan, made after gradients are taken" },
  },
} satisfies { [P in keyof FusedAttrs]: OpSpec<P> };
