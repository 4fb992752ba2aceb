// The print kernel on the cpu: writes x as tf.print does (src/core/format.ts,
// shared with the gpu) and passes it through (values are immutable).
import type { Kernel } from '../core/backend.js';
import { formatTensor, writeOut } from '../core/format.js';
import { contiguous, type Nd } from '../core/ndarray.js';
import type { PrintAttrs } from '../core/primitives.js';
import { sizeOf } from '../core/shape.js';

export const cpuPrint: { [P in keyof PrintAttrs]: Kernel<P, Nd> } = {
  print: ([x], { message, summarize }, out) => {
    const c = contiguous(x, out.dtype);
    writeOut(
      message,
      formatTensor(c.data.subarray(c.offset, c.offset + sizeOf(out.shape)), out.shape, out.dtype, summarize)
    );
    return x;
  },
};
