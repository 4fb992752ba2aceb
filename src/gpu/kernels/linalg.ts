// Matrix product, 2-D or batched 3-D: one output element per thread, looping
// over k in the cpu kernel's order and accumulating in float32 like the cpu.
// Beyond CHUNK terms, each thread sums one chunk of k and the partial sums
// are added by the sum reduction (llvmpipe's loop budget, see context.ts).
import type { KernelVariable } from 'gpu.js';
import type { Kernel } from '../../core/backend.js';
import type { DType } from '../../core/dtype.js';
import { sizeOf } from '../../core/shape.js';
import { kernelFor, runKernel } from '../context.js';
import type { GpuData } from '../memory.js';
import { CHUNK, emptyData, IDIV, storeLine, valueOf, WRAP, wrapValue } from './common.js';
import { combine } from './reduce.js';
import type { LinalgAttrs } from '../../core/primitives.js';

function source(dtype: DType): string {
  return `function (x, y, m, k, n, chunks) {
  const tid = this.thread.x * 1.0;
  const o = idiv(tid, chunks);
  const ch = tid - o * chunks;
  const row = idiv(o, n);
  const col = o - row * n;
  const b = idiv(row, m);
  const i = row - b * m;
  const p0 = ch * ${CHUNK};
  let len = k - p0;
  if (len > ${CHUNK}) { len = ${CHUNK}; }
  let xo = (b * m + i) * k + p0;
  let yo = (b * k + p0) * n + col;
  let acc = 0;
  for (let p = 0; p < len; p++) {
    acc = acc + x[xo] * y[yo];
    xo = xo + 1;
    yo = yo + n;
  }
  let v = acc;
  ${storeLine(dtype)}return v;
}`;
}

export const gpuLinalg: { [P in keyof LinalgAttrs]: Kernel<P, GpuData> } = {
  matmul: ([a, b], _attrs, out) => {
    const size = sizeOf(out.shape);
    if (size === 0) return emptyData(out.shape);
    const batched = out.shape.length === 3;
    const m = a.shape[batched ? 1 : 0]!,
      k = a.shape[batched ? 2 : 1]!,
      n = b.shape[batched ? 2 : 1]!;
    const chunks = Math.max(1, Math.ceil(k / CHUNK));
    const args: KernelVariable[] = [valueOf(a, 'matmul'), valueOf(b, 'matmul'), m, k, n, chunks];
    const value = runKernel('matmul', kernelFor('matmul', source(out.dtype), [IDIV, WRAP]), size * chunks, args);
    if (chunks === 1) return wrapValue(value, out.shape);
    return combine('matmul', 'sum', wrapValue(value, [size, chunks]), 0, out.shape, out.dtype);
  },
};
