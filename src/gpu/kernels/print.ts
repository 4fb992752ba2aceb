// The print kernel on the gpu: reads x back, writes it as tf.print does
// (src/core/format.ts, shared with the cpu) and passes the buffer through
// (values are immutable, so the input's buffer is a correct identity).
import type { Kernel } from '../../core/backend.js';
import { formatTensor, writeOut } from '../../core/format.js';
import type { PrintAttrs } from '../../core/primitives.js';
import { readValue } from '../context.js';
import type { GpuData } from '../memory.js';
import { valueOf } from './common.js';

export const gpuPrint: { [P in keyof PrintAttrs]: Kernel<P, GpuData> } = {
  print: ([x], { message, summarize }, out) => {
    const values = x.size === 0 ? new Float32Array(0) : readValue(valueOf(x, 'print'), x.size);
    writeOut(message, formatTensor(values, out.shape, out.dtype, summarize));
    return x;
  },
};
