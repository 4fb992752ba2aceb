// Shape primitives. On the cpu most are views (no copy): values are immutable,
// so sharing a buffer is safe.
import { fmtShape, valueError, showRaw } from '../core/context.js';
import { broadcastShapes, isKnown, sameShape, sizeOf, UNKNOWN } from '../core/shape.js';
import * as lax from './lax.js';
import { moveAxis, shifted, withBatch } from './batching.js';
import { exampleShape } from '../core/batch.js';
import type { ShapeAttrs } from '../core/primitives.js';
import type { Tensor } from '../core/tensor.js';
import { byPosition, vjp, withoutLike, type OpSpec } from './spec.js';

export function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

export const shapePrims = {
  reshape: {
    doc: 'same values, new shape',
    infer: ([x], a) => {
      if (isKnown(x.shape) && isKnown(a.shape) && sizeOf(x.shape) !== sizeOf(a.shape)) {
        throw valueError(
          'reshape',
          `cannot reshape x of shape ${fmtShape(x.shape)} (${sizeOf(x.shape)} values) into ${fmtShape(a.shape)}`
        );
      }
      return { shape: a.shape, dtype: x.dtype };
    },
    // Row-major order runs within each example once the batch axis is first.
    batch: ([x], [b], _a, c) => [lax.reshape(moveAxis(x, b!, 0), [c.size, ...c.out.shape]), 0],
    vjp: [vjp('reshape(g, shape(x))', (g, c) => lax.reshape(g, c.inputs[0].shape, c.inputs[0]))],
    resolve: (a, [x], like) => {
      if (isKnown(a.shape)) return null;
      const { from, fromLike } = a;
      const named = from !== undefined || fromLike !== undefined;
      let done = named
        ? a.shape.map((d, i) => {
            if (d >= 0) return d;
            const own = from?.[i];
            if (own != null) return own.reduce((p, k) => p * x.shape[k]!, 1);
            const other = fromLike?.[i];
            return other != null && like !== null ? like[other]! : -1;
          })
        : byPosition(a.shape, like);
      if ((named || like === null) && done.filter((d) => d < 0).length === 1) {
        // One unknown dim of a reshape follows from the number of values.
        const known = done.reduce((p, d) => (d < 0 ? p : p * d), 1);
        done = done.map((d) => (d < 0 ? sizeOf(x.shape) / known : d));
      }
      return { attrs: { shape: done }, name: 'shape', given: a.shape, done };
    },
  },
  transpose: {
    doc: 'permute axes',
    infer: ([x], a) => {
      const n = x.shape.length;
      if (
        a.perm.length !== n ||
        !sameShape(
          [...a.perm].sort((p, q) => p - q),
          [...Array(n).keys()]
        )
      ) {
        throw valueError(
          'transpose',
          `pattern ${showRaw(a.perm)} is not a permutation of the ${n} axes of x of shape ${fmtShape(x.shape)}`
        );
      }
      return { shape: a.perm.map((p) => x.shape[p]!), dtype: x.dtype };
    },
    batch: ([x], [b], a) => [lax.transpose(x, [b!, ...a.perm.map((p) => shifted(p, b!))]), 0],
    vjp: [vjp('transpose(g, inverse(perm))', (g, c) => lax.transpose(g, inversePerm(c.attrs.perm)))],
  },
  broadcast_to: {
    doc: 'repeat along broadcast axes',
    infer: ([x], a) => {
      const b = broadcastShapes('broadcast_to', x.shape, a.shape);
      if (!sameShape(b, a.shape))
        throw valueError('broadcast_to', `x of shape ${fmtShape(x.shape)} does not broadcast to ${fmtShape(a.shape)}`);
      return { shape: a.shape, dtype: x.dtype };
    },
    // One example's x is lined up with the result's trailing axes: ones fill the gap after the batch axis.
    batch: ([x], [b], _a, c) => {
      const one = moveAxis(x, b!, 0);
      const r = x.rank - 1;
      const lined = lax.reshape(one, [c.size, ...Array<number>(c.out.shape.length - r).fill(1), ...one.shape.slice(1)]);
      return [lax.broadcastTo(lined, [c.size, ...c.out.shape]), 0];
    },
    vjp: [vjp('sum of g over the broadcast axes', (g, c) => lax.sumTo(g, c.inputs[0]))],
    resolve: (a, _ins, like) =>
      isKnown(a.shape)
        ? null
        : {
            attrs: { shape: byPosition(a.shape, like) },
            name: 'shape',
            given: a.shape,
            done: byPosition(a.shape, like),
          },
  },
  slice: {
    doc: 'x[begin : begin + size]',
    infer: ([x], a) => {
      const s = x.shape;
      const like = a.like?.shape;
      const size = a.size.map((n, i) => (n === UNKNOWN && like !== undefined ? like[i]! : n));
      const ok =
        a.begin.length === s.length &&
        a.size.length === s.length &&
        (like === undefined || like.length === s.length) &&
        a.begin.every(
          (b, i) =>
            Number.isInteger(b) &&
            b >= 0 &&
            Number.isInteger(a.size[i]) &&
            (a.size[i]! >= 0 || (a.size[i] === UNKNOWN && (like !== undefined || a.rest === true))) &&
            (s[i]! < 0 || size[i]! < 0 || b + size[i]! <= s[i]!)
        );
      if (!ok)
        throw valueError(
          'slice',
          `begin ${showRaw(a.begin)} and size ${showRaw(a.size)} do not fit x of shape ${fmtShape(s)}`
        );
      return { shape: size, dtype: x.dtype };
    },
    batch: ([x], [b], a, c) => {
      const begin = a.begin.slice();
      begin.splice(b!, 0, 0);
      return [lax.slice(x, begin, withBatch(c.out, c.size, b!)), b!];
    },
    vjp: [
      vjp('pad g with zeros back to shape(x)', (g, c) => {
        const x = c.inputs[0];
        const after = (b: number, i: number) => (x.shape[i]! < 0 ? UNKNOWN : x.shape[i]! - b - g.shape[i]!);
        return lax.pad(
          g,
          c.attrs.begin.map((b, i) => [b, after(b, i)] as [number, number]),
          x
        );
      }),
    ],
    // x[:, t] taken T times: one concat with zeros in the gaps instead of T
    // pads to the whole shape. Overlapping or multi-axis windows do not fit.
    combine: {
      formula: "concat of the windows' g along their axis, zeros in the gaps",
      grad: (parts, x) => {
        const s = x.shape;
        const axisOf = (a: { begin: readonly number[]; size: readonly number[] }) => {
          const cut = s.map((d, k) => a.begin[k] !== 0 || a.size[k] !== d);
          return cut.filter(Boolean).length === 1 ? cut.indexOf(true) : -1;
        };
        const axis = axisOf(parts[0]!.c.attrs);
        if (axis < 0 || parts.some((p) => axisOf(p.c.attrs) !== axis)) return null;
        const windows = parts.map(({ g, c }) => ({ g, at: c.attrs.begin[axis]! })).sort((p, q) => p.at - q.at);
        if (windows.some((w, j) => j > 0 && windows[j - 1]!.at + windows[j - 1]!.g.shape[axis]! > w.at)) return null;
        const gap = (n: number) =>
          lax.broadcastTo(
            lax.scalar(0, x.dtype),
            s.map((d, k) => (k === axis ? n : d))
          );
        const pieces: Tensor[] = [];
        let at = 0;
        for (const w of windows) {
          if (w.at > at) pieces.push(gap(w.at - at));
          pieces.push(w.g);
          at = w.at + w.g.shape[axis]!;
        }
        if (at < s[axis]!) pieces.push(gap(s[axis]! - at));
        return lax.concat(pieces, axis);
      },
    },
    resolve: (a, [x], like) => {
      if (isKnown(a.size)) return null;
      const size =
        a.rest === true ? a.size.map((n, i) => (n < 0 ? x.shape[i]! - a.begin[i]! : n)) : byPosition(a.size, like);
      const { rest: _rest, ...attrs } = withoutLike(a);
      return { attrs: { ...attrs, size }, name: 'size', given: a.size, done: size };
    },
  },
  pad: {
    doc: 'surround with zeros',
    infer: ([x], a) => {
      const like = a.like?.shape;
      if (
        a.pads.length !== x.shape.length ||
        (like !== undefined && like.length !== x.shape.length) ||
        a.pads.some(([p, q]) => p < 0 || (q < 0 && !(q === UNKNOWN && like !== undefined)))
      ) {
        throw valueError('pad', `paddings ${showRaw(a.pads)} do not fit x of shape ${fmtShape(x.shape)}`);
      }
      const dim = (d: number, [p, q]: [number, number], i: number) => (q < 0 ? like![i]! : d < 0 ? UNKNOWN : d + p + q);
      return { shape: x.shape.map((d, i) => dim(d, a.pads[i]!, i)), dtype: x.dtype };
    },
    // The after-paddings from one example's result (a -1 padding is resolved there).
    batch: ([x], [b], a, c) => {
      const one = exampleShape(x.shape, b);
      const pads = a.pads.map(([p], i): [number, number] => [p, c.out.shape[i]! - one[i]! - p]);
      pads.splice(b!, 0, [0, 0]);
      return [lax.pad(x, pads), b!];
    },
    vjp: [
      vjp('g[pad_before : pad_before + shape(x)]', (g, c) =>
        lax.slice(
          g,
          c.attrs.pads.map(([p]) => p),
          c.inputs[0].shape,
          c.inputs[0]
        )
      ),
    ],
    // An after-padding of -1 pads up to like's run-time dim.
    resolve: (a, [x], like) => {
      if (!a.pads.some(([, q]) => q < 0)) return null;
      const pads = a.pads.map(([p, q], i): [number, number] => [
        p,
        q >= 0 || like === null ? q : (like[i] ?? q) - p - (x.shape[i] ?? 0),
      ]);
      const attrs = { ...withoutLike(a), pads };
      return { attrs, name: 'paddings', given: a.pads.map(([, q]) => q), done: pads.map(([, q]) => q) };
    },
  },
} satisfies { [P in keyof ShapeAttrs]: OpSpec<P> };
