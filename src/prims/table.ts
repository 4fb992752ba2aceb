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
import { convPrims } from './conv.js';
import { poolPrims } from './pool.js';
import { registerTable } from './apply.js';
import type { PrimTable } from './spec.js';
import { statePrims } from './state.js';

export const PRIMS: PrimTable = {
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

// apply finds the table through this registration (the rules call apply through lax).
registerTable(PRIMS);
