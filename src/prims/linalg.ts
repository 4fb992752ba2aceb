// Matrix product: the one contraction every dot/batch_dot is lowered to.
import { fmtShape, typeError, valueError } from '../core/context.js';
import * as lax from './lax.js';
import type { LinalgAttrs } from '../core/primitives.js';
import { vjp, type OpSpec } from './spec.js';

export const linalgPrims = {
  matmul: {
    doc: 'x @ y (2-D, or 3-D with a shared batch axis)',
    infer: ([a, b]) => {
      const sa = a.shape,
        sb = b.shape;
      if (a.dtype !== b.dtype)
        throw typeError('matmul', `x and y must have the same dtype; got ${a.dtype} and ${b.dtype}`);
      if (a.dtype === 'bool') throw typeError('matmul', 'x and y must be numeric; got bool');
      const rank = sa.length;
      const fits =
        (rank === 2 || rank === 3) &&
        sb.length === rank &&
        (sa[rank - 1] === sb[rank - 2] || sa[rank - 1]! < 0 || sb[rank - 2]! < 0) &&
        (rank === 2 || sa[0] === sb[0] || sa[0]! < 0 || sb[0]! < 0);
      if (!fits) throw valueError('matmul', `shapes ${fmtShape(sa)} and ${fmtShape(sb)} cannot be multiplied`);
      const shape = rank === 2 ? [sa[0]!, sb[1]!] : [sa[0]! < 0 ? sb[0]! : sa[0]!, sa[1]!, sb[2]!];
      return { shape, dtype: a.dtype };
    },
    vjp: [
      vjp('g @ y^T', (g, c) => lax.matmul(g, lax.swapLast(c.inputs[1]))),
      vjp('x^T @ g', (g, c) => lax.matmul(lax.swapLast(c.inputs[0]), g)),
    ],
  },
} satisfies { [P in keyof LinalgAttrs]: OpSpec<P> };
