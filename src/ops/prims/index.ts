// The one typed table of primitives. An entry without a shape rule and a VJP
// (or a reason it has none) does not compile; nor does a backend without a
// kernel for every entry (src/core/backend.ts).
import { activationPrims, type ActivationAttrs } from './activation.js';
import { elementwisePrims, type ElementwiseAttrs } from './elementwise.js';
import { indexingPrims, type IndexingAttrs } from './indexing.js';
import { linalgPrims, type LinalgAttrs } from './linalg.js';
import { reducePrims, type ReduceAttrs } from './reduce.js';
import { shapePrims, type ShapeAttrs } from './shape.js';
import { scanPrims, type ScanAttrs } from './scan.js';
import { convPrims, type ConvAttrs } from './conv.js';
import { poolPrims, type PoolAttrs } from './pool.js';
import type { OpSpec } from './spec.js';
import { statePrims, type StateAttrs } from './state.js';

export interface PrimAttrs extends ElementwiseAttrs, ReduceAttrs, ShapeAttrs, LinalgAttrs, StateAttrs, IndexingAttrs, ScanAttrs, ConvAttrs, PoolAttrs, ActivationAttrs {}
export type Prim = keyof PrimAttrs;

export const PRIMS: { readonly [P in Prim]: OpSpec<PrimAttrs[P]> } = {
  ...elementwisePrims,
  ...reducePrims,
  ...shapePrims,
  ...linalgPrims,
  ...statePrims,
  ...indexingPrims,
  ...scanPrims,
  ...convPrims,
  ...poolPrims,
  ...activationPrims,
};
