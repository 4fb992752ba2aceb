// Random draws (sampled on the host, src/core/sample.ts) and the run-time shape.
import ndarray from 'ndarray';
import type { Kernel } from '../core/backend.js';
import type { Nd } from '../core/ndarray.js';
import type { RandomAttrs } from '../core/primitives.js';
import { sample } from '../core/sample.js';

export const cpuRandom: { [P in keyof RandomAttrs]: Kernel<P, Nd> } = {
  random: (_ins, attrs, out) => ndarray(sample(attrs, out.shape), out.shape.slice()),
  shape_of: (_ins, attrs) => ndarray(Int32Array.from(attrs.dims), [attrs.dims.length]),
};
