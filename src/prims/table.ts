// The one typed table of primitives. An entry without a shape rule and a VJP
// (or a reason it has none) does not compile; nor does a backend without a
// kernel for every entry (src/core/backend.ts).
import { activationPrims } from './activation.js';
import { elementwisePrims } from './elementwise.js';
import { indexingPrims } from './indexing.js';
import { linalgPrims } from './linalg.js';
import { reducePrims } from './reduce.js';
import { shapePrims } from './shape.js';
import { scanPrims } from './scan.js';
import { printPrims } from './print.js';
import { convPrims } from './conv.js';
import { poolPrims } from './pool.js';
import { randomPrims } from './random.js';
import { registerTable } from './apply.js';
import type { AnySpec, PrimTable } from './spec.js';
import type { Prim } from '../core/primitives.js';
import { statePrims } from './state.js';
import './batching.js';
import { fusedPrims } from './fused.js';

export const PRIMS: PrimTable = {
  ...elementwisePrims,
  ...reducePrims,
  ...shapePrims,
  ...linalgPrims,
  ...statePrims,
  ...indexingPrims,
  ...scanPrims,
  ...printPrims,
  ...convPrims,
  ...poolPrims,
  ...activationPrims,
  ...randomPrims,
  ...fusedPrims,
};

/**
 * A primitive's entry seen without knowing which one it is (backprop, explain,
 * anomaly): its inputs as a plain list. Callers pass the node's own inputs,
 * whose count apply checked against the primitive's arity.
 */
export function specOf(prim: Prim): AnySpec {
  return PRIMS[prim] as unknown as AnySpec;
}

// apply finds the table through this registration (the rules call apply through lax).
registerTable(PRIMS);
