// Random draws on the gpu: sampled on the host (src/core/sample.ts), as the
// cpu does, so a seed gives the same values on both devices, then uploaded.
import type { Kernel } from '../../core/backend.js';
import type { RandomAttrs } from '../../core/primitives.js';
import { sample } from '../../core/sample.js';
import type { GpuData } from '../memory.js';
import { emptyData, toDevice, wrapValue } from './common.js';

function uploaded(values: ArrayLike<number>, shape: readonly number[]): GpuData {
  if (values.length === 0) return emptyData(shape);
  return wrapValue(toDevice(Float32Array.from(values)), shape);
}

export const gpuRandom: { [P in keyof RandomAttrs]: Kernel<P, GpuData> } = {
  random: (_ins, attrs, out) => uploaded(sample(attrs, out.shape), out.shape),
  shape_of: (_ins, attrs) => uploaded(attrs.dims, [attrs.dims.length]),
};
