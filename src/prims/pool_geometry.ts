// Where pooling windows sit (TF's windowed output sizes): the shape rules and
// both backends' kernels share it, so it lives below them.
import type { PoolWindow } from '../core/primitives.js';

export interface PoolGeometry {
  /** Output size of each spatial axis (negative where TF reports a negative size; -1 stays unknown). */
  readonly out: number[];
  /** Padding before each spatial axis (TF puts the odd one after). */
  readonly before: number[];
}

/**
 * TF's windowed output sizes (GetWindowedOutputSizeVerbose): VALID gives
 * (in - k + s) / s truncated, SAME gives ceil(in / s) with
 * max((out - 1) s + k - in, 0) padding, floor(half) of it before.
 */
export function poolGeometry(spatial: readonly number[], a: PoolWindow): PoolGeometry {
  const out: number[] = [];
  const before: number[] = [];
  spatial.forEach((n, i) => {
    const k = a.window[i]!;
    const s = a.strides[i]!;
    if (n < 0) {
      out.push(n);
      before.push(0);
    } else if (a.padding === 'VALID') {
      out.push(Math.trunc((n - k + s) / s));
      before.push(0);
    } else {
      const o = Math.ceil(n / s);
      out.push(o);
      before.push(Math.floor(Math.max((o - 1) * s + k - n, 0) / 2));
    }
  });
  return { out, before };
}
