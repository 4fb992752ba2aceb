// Run-time checks of index values (known only when a kernel runs), shared by
// the cpu and gpu kernels of gather and scatter_add.
import { fmtShape, valueError } from '../core/context.js';

/**
 * Every index must lie in [0, dim): a ValueError naming the first bad one
 * (shared with the gpu kernels, which read their indices back to check).
 */
export function checkIndices(
  prim: string,
  values: ArrayLike<number>,
  idxShape: readonly number[],
  dim: number,
  axis: number,
  target: string,
  targetShape: readonly number[]
): void {
  for (let j = 0; j < values.length; j++) {
    const v = values[j]!;
    if (v >= 0 && v < dim) continue;
    const at: number[] = [];
    let rest = j;
    for (let k = idxShape.length - 1; k >= 0; k--) {
      at.unshift(rest % idxShape[k]!);
      rest = Math.floor(rest / idxShape[k]!);
    }
    throw valueError(
      prim,
      `indices[${at.join(', ')}] = ${v} is out of range [0, ${dim}) for axis ${axis} of ${target} of shape ${fmtShape(targetShape)}`
    );
  }
}
