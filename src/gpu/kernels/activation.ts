// Activation primitives on the gpu. softmax is composed inside the kernel from
// the existing reduction and map kernels (max, x - max, exp, sum, a division;
// the intermediates freed as it goes); the gradients of sigmoid and tanh are
// one map each.
import type { Kernel } from '../../core/backend.js';
import type { GpuData } from '../memory.js';
import { gpuElementwise, mapKernel } from './elementwise.js';
import { gpuReduce } from './reduce.js';
import type { ActivationAttrs, Meta } from '../../core/primitives.js';

const E = {} as Record<string, never>;

const softmax: Kernel<'softmax', GpuData> = ([x], { axis }, out) => {
  const kept: Meta = { shape: out.shape.map((d, i) => (i === axis ? 1 : d)), dtype: out.dtype };
  const reduce = { axes: [axis], keepdims: true };
  const m = gpuReduce.max([x], reduce, kept);
  const shifted = gpuElementwise.sub([x, m], E, out);
  m.buf.free();
  const e = gpuElementwise.exp([shifted], E, out);
  shifted.buf.free();
  const s = gpuReduce.sum([e], reduce, kept);
  const y = gpuElementwise.div([e, s], E, out);
  e.buf.free();
  s.buf.free();
  return y;
};

export const gpuActivation: { [P in keyof ActivationAttrs]: Kernel<P, GpuData> } = {
  softmax,
  // Maps of the output y (a0) and the cotangent g (a1), with the bodies fused chains splice in.
  sigmoid_grad: mapKernel('sigmoid_grad'),
  tanh_grad: mapKernel('tanh_grad'),
};
