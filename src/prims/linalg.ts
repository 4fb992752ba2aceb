// Matrix product: the one contraction every dot/batch_dot is lowered to.
import { fmtShape, typeError, valueError } from '../core/context.js';
import * as lax from './lax.js';
import { moveAxis } from './batching.js';
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
    // Examples of x become more rows of one product; examples of y more
    // columns; both batched, a batched product (rank 3: the batches merge).
    batch: ([x, y], [bx, by], _a, c) => {
      const B = c.size;
      const rank = c.out.shape.length;
      if (bx !== null && by !== null) {
        const xs = moveAxis(x, bx, 0);
        const ys = moveAxis(y, by, 0);
        if (rank === 2) return [lax.matmul(xs, ys), 0];
        const [n, m, k] = xs.shape.slice(1) as [number, number, number];
        const p = ys.shape[3]!;
        const out = lax.matmul(lax.reshape(xs, [B * n, m, k]), lax.reshape(ys, [B * n, k, p]));
        return [lax.reshape(out, [B, n, m, p]), 0];
      }
      if (bx !== null) {
        // x's examples stacked as rows: (B m) x k, just before the rows axis.
        const lead = rank - 2;
        const xs = moveAxis(x, bx, lead);
        const s = xs.shape;
        const rows = lax.reshape(xs, [...s.slice(0, lead), B * s[lead + 1]!, s[lead + 2]!]);
        const out = lax.matmul(rows, y);
        return [lax.reshape(out, [...s.slice(0, lead), B, s[lead + 1]!, out.shape[rank - 1]!]), lead];
      }
      // y's examples side by side as columns: k x (B p).
      const ys = moveAxis(y, by!, rank - 1);
      const s = ys.shape;
      const cols = lax.reshape(ys, [...s.slice(0, rank - 1), B * s[rank]!]);
      const out = lax.matmul(x, cols);
      return [lax.reshape(out, [...out.shape.slice(0, rank - 1), B, s[rank]!]), rank - 1];
    },
    vjp: [
      vjp('g @ y^T', (g, c) => lax.matmul(g, lax.swapLast(c.inputs[1]))),
      vjp('x^T @ g', (g, c) => lax.matmul(lax.swapLast(c.inputs[0]), g)),
    ],
  },
} satisfies { [P in keyof LinalgAttrs]: OpSpec<P> };
