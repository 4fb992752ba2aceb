// Activation primitives on the gpu. softmax is composed inside the kernel from
// the existing reduction and map kernels (max, x - max, exp, sum, a division;
// the intermediates freed as it goes); the gradients of sigmoid and tanh are
// one map each.
import type { Kernel, KernelOf } from '../../core/backend.js';
import type { GpuData } from '../memory.js';
import { broadcastRead, runMap } from './common.js';
import { gpuElementwise } from './elementwise.js';
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

/** A map of the output y (a0) and the cotangent g (a1). */
function grad(prim: string, body: string): KernelOf<2, unknown, GpuData> {
  return ([y, g], _attrs, out) =>
    runMap(prim, out.shape, out.dtype, [broadcastRead(y, out.shape), broadcastRead(g, out.shape)], body);
}

export const gpuActivation: { [P in keyof ActivationAttrs]: Kernel<P, GpuData> } = {
  softmax,
  sigmoid_grad: grad('sigmoid_grad', 'v = a1 * (a0 * (1 - a0));'),
  tanh_grad: grad('tanh_grad', 'v = a1 * (1 - a0 * a0);'),
};
