// Random draws (sampled on the host, src/core/sample.ts) and the run-time shape.
import type { Kernel } from '../core/backend.js';
import { type Nd, nd } from '../core/ndarray.js';
import type { RandomAttrs } from '../core/primitives.js';
import { sample } from '../core/sample.js';

export const cpuRandom: { [P in keyof RandomAttrs]: Kernel<P, Nd> } = {
  random: (_ins, attrs, out) => nd(sample(attrs, out.shape), out.shape),
  shape_of: (_ins, attrs) => nd(Int32Array.from(attrs.dims), [attrs.dims.length]),
};
