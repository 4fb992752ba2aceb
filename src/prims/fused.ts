// The fused chain: elementwise primitives joined into one kernel by
// K.function's plans (src/grad/fuse.ts), after any gradient was taken. It is
// never recorded, so it has no VJP; its shape rule is the chain's.
import type { FusedAttrs, Meta } from '../core/primitives.js';
import { reducePrims } from './reduce.js';
import type { OpSpec } from './spec.js';

export const fusedPrims = {
  fused: {
    doc: 'a chain of float32 elementwise primitives (and a sum of its result) as one kernel',
    // A summed chain's shape is the sum primitive's own rule on the chain's.
    infer: (_ins: readonly Meta[], a): Meta => {
      const chain: Meta = { shape: [...a.shape], dtype: 'float32' };
      return a.sum === null ? chain : reducePrims.sum.infer([chain], a.sum);
    },
    vjp: { nonDifferentiable: "a kernel of K.function's plan, made after gradients are taken" },
    batch: { noBatch: "a kernel of K.function's plan, made from a graph K.vmap has already batched" },
  },
} satisfies { [P in keyof FusedAttrs]: OpSpec<P> };
