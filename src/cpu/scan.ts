// Scan cpu kernels.
//
// A scan views its (contiguous) input as [outer, n, inner] and fills the
// output along n, each element from the previous OUTPUT element as stored:
// the running value is rounded (float32) or wrapped (integers) at every step,
// as a running value of the dtype is in TensorFlow.
import type { Kernel, KernelOf } from '../core/backend.js';
import type { DType } from '../core/dtype.js';
import { lineShape } from '../core/shape.js';
import { alloc, contiguous, type Nd } from '../core/ndarray.js';
import type { Scan, ScanAttrs } from '../core/primitives.js';

/**
 * Walk every line of `shape` along `axis` in scan order (backwards when
 * `reverse`), handing each step the offset of its row of `inner` elements and
 * the previous step's (-1 at a line's first step).
 */
function scanSteps(
  shape: readonly number[],
  axis: number,
  reverse: boolean,
  step: (row: number, prev: number, inner: number) => void
): void {
  const { outer, n, inner } = lineShape(shape, axis);
  for (let p = 0; p < outer; p++) {
    for (let s = 0; s < n; s++) {
      const k = reverse ? n - 1 - s : s;
      step((p * n + k) * inner, s === 0 ? -1 : (p * n + (reverse ? k + 1 : k - 1)) * inner, inner);
    }
  }
}

function scan(identity: number, step: (dtype: DType) => (acc: number, v: number) => number): KernelOf<1, Scan, Nd> {
  return ([a], { axis, exclusive, reverse }, out) => {
    const x = contiguous(a, out.dtype);
    const o = alloc(out.dtype, out.shape);
    const op = step(out.dtype);
    const xd = x.data;
    const xo = x.offset;
    const od = o.data;
    scanSteps(out.shape, axis, reverse, (row, prev, inner) => {
      for (let r = 0; r < inner; r++) {
        if (prev < 0) od[row + r] = exclusive ? identity : op(identity, xd[xo + row + r]!);
        else od[row + r] = op(od[prev + r]!, xd[xo + (exclusive ? prev : row) + r]!);
      }
    });
    return o;
  };
}

const add = () =>
  function (acc: number, v: number) {
    return acc + v;
  };
// Math.imul keeps int32 products exact (a double loses bits past 2^53).
const mul = (d: DType) =>
  d === 'int32'
    ? Math.imul
    : function (acc: number, v: number) {
        return acc * v;
      };

export const cpuScan: { [P in keyof ScanAttrs]: Kernel<P, Nd> } = {
  cumsum: scan(0, add),
  cumprod: scan(1, mul),
  affine_scan: ([a, b], { axis, reverse }, out) => {
    const ac = contiguous(a, out.dtype);
    const bc = contiguous(b, out.dtype);
    const o = alloc(out.dtype, out.shape);
    const ad = ac.data;
    const bd = bc.data;
    const od = o.data;
    scanSteps(out.shape, axis, reverse, (row, prev, inner) => {
      for (let r = 0; r < inner; r++) {
        const h = prev < 0 ? 0 : od[prev + r]!;
        od[row + r] = ad[ac.offset + row + r]! * h + bd[bc.offset + row + r]!;
      }
    });
    return o;
  },
};
