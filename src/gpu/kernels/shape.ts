// Shape kernels. reshape is free (same flat buffer, new shape); transpose,
// slice and broadcast_to are one strided gather; pad is its inverse (each
// output element reads its source, or is 0 outside it).
import type { KernelVariable } from 'gpu.js';
import type { Kernel } from '../../core/backend.js';
import type { DType } from '../../core/dtype.js';
import { sizeOf, stridesOf } from '../../core/shape.js';
import { kernelFor, runKernel } from '../context.js';
import type { GpuData } from '../memory.js';
import { broadcastRead, coordLines, emptyData, IDIV, runMap, valueOf, wrapValue, type Read } from './common.js';
import type { ShapeAttrs } from '../../core/primitives.js';

const COPY = 'v = a0;';

function gather(prim: string, read: Read, shape: number[], dtype: DType): GpuData {
  return runMap(prim, shape, dtype, [read], COPY);
}

/** pad over `rank` axes: out dims d, input dims n, pads before p, input strides s. */
function padSource(rank: number): string {
  const params = ['x0'];
  for (let i = 1; i < rank; i++) params.push(`d${i}`);
  for (const name of ['n', 'p', 's']) for (let i = 0; i < rank; i++) params.push(`${name}${i}`);
  let body = coordLines(
    rank,
    'this.thread.x * 1.0',
    (i) => `d${i}`,
    (i) => `c${i}`
  );
  body += 'let inside = 1;\nlet off = 0;\n';
  for (let i = 0; i < rank; i++) {
    body += `const i${i} = c${i} - p${i};\nif (i${i} < 0 || i${i} >= n${i}) { inside = 0; }\noff = off + i${i} * s${i};\n`;
  }
  body += 'let v = 0;\nif (inside === 1) { v = x0[off]; }\nreturn v;\n';
  return `function (${params.join(', ')}) {\n${body}}`;
}

export const gpuShape: { [P in keyof ShapeAttrs]: Kernel<P, GpuData> } = {
  reshape: ([a], attrs) => ({ buf: a.buf, shape: attrs.shape.slice(), size: a.size }),
  transpose: ([a], attrs, out) => {
    const own = stridesOf(a.shape);
    return gather('transpose', { data: a, strides: attrs.perm.map((p) => own[p]!), offset: 0 }, out.shape, out.dtype);
  },
  broadcast_to: ([a], _attrs, out) => gather('broadcast_to', broadcastRead(a, out.shape), out.shape, out.dtype),
  slice: ([a], attrs, out) => {
    const strides = stridesOf(a.shape);
    const offset = attrs.begin.reduce((acc, b, i) => acc + b * strides[i]!, 0);
    return gather('slice', { data: a, strides, offset }, out.shape, out.dtype);
  },
  pad: ([a], attrs, out) => {
    const x = a;
    const size = sizeOf(out.shape);
    if (size === 0) return emptyData(out.shape);
    if (out.shape.length === 0) return gather('pad', broadcastRead(x, out.shape), out.shape, out.dtype);
    const rank = out.shape.length;
    const args: KernelVariable[] = [
      valueOf(x, 'pad'),
      ...out.shape.slice(1),
      ...x.shape,
      ...attrs.pads.map(([p]) => p),
      ...stridesOf(x.shape),
    ];
    const fn = kernelFor('pad', padSource(rank), [IDIV]);
    return wrapValue(runKernel('pad', fn, size, args), out.shape);
  },
};
