// Indexing primitives: concat, reverse, gather and its transpose scatter_add.
// Each: shape/dtype rule and VJP side by side. Index values are checked by
// the kernels (on both devices), which run eagerly: a bad index is a
// ValueError at the call, never a garbage value.
import { fmtShape, typeError, valueError, showRaw } from '../core/context.js';
import { isInt } from '../core/dtype.js';
import { UNKNOWN } from '../core/shape.js';
import * as lax from './lax.js';
import { allFront, front, mergedIndices, moveAxis, shifted } from './batching.js';
import { exampleShape } from '../core/batch.js';
import type { Tensor } from '../core/tensor.js';
import type { IndexingAttrs, Meta } from '../core/primitives.js';
import { vjp, withoutLike, type OpSpec } from './spec.js';

/** An unknown dimension agrees with anything. */
const agree = (a: number, b: number) => a === b || a === UNKNOWN || b === UNKNOWN;

function intIndices(op: string, idx: Meta): void {
  if (!isInt(idx.dtype))
    throw typeError(op, `indices must be an integer tensor; got ${idx.dtype} of shape ${fmtShape(idx.shape)}`);
}

function checkAxis(op: string, axis: number, x: Meta, arg: string): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= x.shape.length) {
    throw valueError(op, `axis ${axis} is out of range for ${arg} of shape ${fmtShape(x.shape)}`);
  }
}

/** Where piece `index` of a concatenation starts along `axis`, from the pieces' run-time shapes. */
function offsetOf(pieces: readonly Tensor[], index: number, axis: number): number {
  let offset = 0;
  for (let k = 0; k < index; k++) offset += pieces[k]!.shape[axis]!;
  return offset;
}

/**
 * Piece `index` of g (a concatenation's cotangent), cut when the graph runs
 * (the pieces give their run-time lengths; their values are not read). Its
 * gradient pads back into g's place, whose gradient cuts again: linear both
 * ways, so every order follows.
 */
function pieceAtRunTime(g: Tensor, pieces: readonly Tensor[], index: number, axis: number): Tensor {
  const x = pieces[index]!;
  return lax.call([g, ...pieces], {
    kind: 'concat piece',
    meta: { shape: x.shape.slice(), dtype: g.dtype },
    run: ([gv, ...ps]) =>
      lax.slice(
        gv!,
        gv!.shape.map((_, k) => (k === axis ? offsetOf(ps, index, axis) : 0)),
        ps[index]!.shape.slice()
      ),
    grad: (h, i) => (i === 0 ? placedAtRunTime(h, g, pieces, index, axis) : null),
  });
}

/** h put back at piece `index`'s place in a tensor shaped like g, zeros elsewhere, when the graph runs. */
function placedAtRunTime(h: Tensor, g: Tensor, pieces: readonly Tensor[], index: number, axis: number): Tensor {
  return lax.call([h, g, ...pieces], {
    kind: 'concat piece placed',
    meta: { shape: g.shape.slice(), dtype: h.dtype },
    run: ([hv, gv, ...ps]) => {
      const before = offsetOf(ps, index, axis);
      return lax.pad(
        hv!,
        hv!.shape.map((d, k): [number, number] => (k === axis ? [before, gv!.shape[k]! - before - d] : [0, 0]))
      );
    },
    grad: (k, i) => (i === 0 ? pieceAtRunTime(k, pieces, index, axis) : null),
  });
}

interface Pieces {
  readonly axis: number;
  /** starts[i]: where piece i begins along the axis, starts[n] the total (an unknown length counted as 0). */
  readonly starts: readonly number[];
  /** The first and last piece of unknown length along the axis (n and -1 when none). */
  readonly firstUnknown: number;
  readonly lastUnknown: number;
}

// Per concat node (its inputs array), so that the VJPs of a T-way concat (K.rnn's
// stacked outputs) take linear, not quadratic, time in T.
const piecesMemo = new WeakMap<readonly Tensor[], Pieces>();

function piecesAlong(inputs: readonly Tensor[], axis: number): Pieces {
  const known = piecesMemo.get(inputs);
  if (known !== undefined && known.axis === axis) return known;
  // Offsets after an unknown length are counted as if it were 0: only the
  // differences between two starts after the last unknown one are read.
  const starts = [0];
  let firstUnknown = inputs.length,
    lastUnknown = -1;
  inputs.forEach((t, i) => {
    const d = t.shape[axis]!;
    if (d === UNKNOWN) {
      firstUnknown = Math.min(firstUnknown, i);
      lastUnknown = i;
    }
    starts.push(starts[i]! + (d === UNKNOWN ? 0 : d));
  });
  const pieces = { axis, starts, firstUnknown, lastUnknown };
  piecesMemo.set(inputs, pieces);
  return pieces;
}

export const indexingPrims = {
  concat: {
    doc: 'join the inputs along axis',
    infer: (xs, a) => {
      const first = xs[0];
      if (first === undefined) throw valueError('concat', 'needs at least one input');
      checkAxis('concat', a.axis, first, 'tensors[0]');
      const shape = first.shape.slice();
      xs.forEach((x, i) => {
        if (x.dtype !== first.dtype) {
          throw typeError(
            'concat',
            `tensors[${i}] is ${x.dtype} of shape ${fmtShape(x.shape)}, but tensors[0] is ${first.dtype}`
          );
        }
        if (x.shape.length !== shape.length || x.shape.some((d, k) => k !== a.axis && !agree(d, shape[k]!))) {
          throw valueError(
            'concat',
            `tensors[${i}] of shape ${fmtShape(x.shape)} does not match tensors[0] of shape ` +
              `${fmtShape(first.shape)} outside axis ${a.axis}`
          );
        }
        if (i === 0) return;
        x.shape.forEach((d, k) => {
          if (k === a.axis) shape[k] = d === UNKNOWN || shape[k] === UNKNOWN ? UNKNOWN : shape[k]! + d;
          else if (shape[k] === UNKNOWN) shape[k] = d;
        });
      });
      return { shape, dtype: first.dtype };
    },
    batch: (xs, axes, a, c) => [lax.concat(allFront(xs, axes, c.size), a.axis + 1), 0],
    vjp: {
      variadic: vjp('g[offset_i : offset_i + shape(x_i)[axis]] along axis', (g, c) => {
        const { axis } = c.attrs;
        const { starts, firstUnknown, lastUnknown } = piecesAlong(c.inputs, axis);
        const x = c.inputs[c.index]!;
        const offset = starts[c.index]!;
        if (firstUnknown < c.index) {
          // An unknown length before it: where it ends is known from the end
          // when nothing after is unknown; else only when the graph runs.
          if (lastUnknown > c.index) return pieceAtRunTime(g, c.inputs, c.index, axis);
          const tail = starts[c.inputs.length]! - starts[c.index + 1]!;
          const back = lax.reverse(g, [axis]);
          return lax.reverse(
            lax.slice(
              back,
              x.shape.map((_, k) => (k === axis ? tail : 0)),
              x.shape,
              x
            ),
            [axis]
          );
        }
        return lax.slice(
          g,
          x.shape.map((_, k) => (k === axis ? offset : 0)),
          x.shape,
          x
        );
      }),
    },
  },
  reverse: {
    doc: 'x with the order of axes reversed',
    infer: ([x], a) => {
      const seen = new Set<number>();
      for (const ax of a.axes) {
        checkAxis('reverse', ax, x, 'x');
        if (seen.has(ax)) throw valueError('reverse', `axes ${showRaw(a.axes)} repeat axis ${ax}`);
        seen.add(ax);
      }
      return { shape: x.shape, dtype: x.dtype };
    },
    batch: ([x], [b], a) => [
      lax.reverse(
        x,
        a.axes.map((k) => shifted(k, b!))
      ),
      b!,
    ],
    vjp: [vjp('reverse(g, axes)', (g, c) => lax.reverse(g, c.attrs.axes))],
  },
  gather: {
    doc: 'reference[..., indices, ...] along axis: shape ref[:axis] + shape(indices) + ref[axis+1:]',
    infer: ([ref, idx], a) => {
      intIndices('gather', idx);
      checkAxis('gather', a.axis, ref, 'reference');
      const s = ref.shape;
      return { shape: [...s.slice(0, a.axis), ...idx.shape, ...s.slice(a.axis + 1)], dtype: ref.dtype };
    },
    batch: ([x, idx], [bx, bi], { axis }, c) => {
      if (bi === null) {
        const at = shifted(axis, bx!);
        return [lax.gather(x, idx, at), bx! < at ? bx! : bx! - 1 + idx.rank];
      }
      if (bx === null) return [lax.gather(x, idx, axis), axis + bi];
      // Both: the examples' gathered axes merged into one, each example's indices offset into its own part.
      const B = c.size;
      const xs = moveAxis(moveAxis(x, bx, 0), axis + 1, 1);
      const n = xs.shape[1]!;
      const rest = xs.shape.slice(2);
      const ids = moveAxis(idx, bi, 0);
      const one = exampleShape(x.shape, bx);
      const merged = mergedIndices('gather', ids, n, B, axis, 'reference', one);
      const out = lax.gather(lax.reshape(xs, [B * n, ...rest]), merged, 0);
      // [B, idx..., pre..., post...] -> [B, pre..., idx..., post...]
      const r = ids.rank - 1;
      const pre = Array.from({ length: axis }, (_, k) => 1 + r + k);
      const at = Array.from({ length: r }, (_, k) => 1 + k);
      const post = Array.from({ length: rest.length - axis }, (_, k) => 1 + r + axis + k);
      return [lax.transpose(out, [0, ...pre, ...at, ...post]), 0];
    },
    vjp: [
      vjp('scatter_add(g, indices) into zeros of shape(reference)', (g, c) => {
        const { axis } = c.attrs;
        return lax.scatterAdd(g, c.inputs[1], axis, c.inputs[0].shape[axis]!, c.inputs[0]);
      }),
      null,
    ],
    // K.rnn reads step t with a one-index gather; T scatters into zeros of the
    // whole input would make backprop quadratic in T.
    combine: {
      formula: "one scatter_add of every gather's g at its indices",
      grad: (parts, x) => {
        const axis = parts[0]!.c.attrs.axis;
        if (parts.some((p) => p.c.attrs.axis !== axis)) return null;
        const s = x.shape;
        const count = (t: Tensor) => t.shape.reduce((a, b) => a * b, 1);
        const gs = parts.map(({ g, c }) =>
          lax.reshape(g, [...s.slice(0, axis), count(c.inputs[1]), ...s.slice(axis + 1)])
        );
        const ids = parts.map(({ c }) => {
          const flat = lax.reshape(c.inputs[1], [count(c.inputs[1])]);
          return c.inputs[1].dtype === 'int32' ? flat : lax.cast(flat, 'int32');
        });
        return lax.scatterAdd(lax.concat(gs, axis), lax.concat(ids, 0), axis, s[axis]!);
      },
    },
  },
  // The transpose of gather: rows of updates summed into the slots the
  // indices name (repeated indices accumulate).
  scatter_add: {
    doc: 'zeros of shape u[:axis] + [size] + u[axis+rank(indices):], with out[.., indices[j], ..] += u[.., j, ..]',
    infer: ([u, idx], a) => {
      intIndices('scatter_add', idx);
      if (u.dtype === 'bool')
        throw typeError('scatter_add', `updates must be numeric; got bool of shape ${fmtShape(u.shape)}`);
      const s = u.shape;
      const n = idx.shape.length;
      const middle = s.slice(a.axis, a.axis + n);
      const size = a.size === UNKNOWN && a.like !== undefined ? a.like.shape[a.axis]! : a.size;
      if (
        !Number.isInteger(a.size) ||
        (a.size < 0 && !(a.size === UNKNOWN && a.like !== undefined)) ||
        a.axis < 0 ||
        a.axis + n > s.length ||
        middle.some((d, k) => !agree(d, idx.shape[k]!))
      ) {
        throw valueError(
          'scatter_add',
          `updates of shape ${fmtShape(s)} do not hold indices of shape ${fmtShape(idx.shape)} ` +
            `at axis ${a.axis} (size ${a.size})`
        );
      }
      return { shape: [...s.slice(0, a.axis), size, ...s.slice(a.axis + n)], dtype: u.dtype };
    },
    batch: ([u, idx], [bu, bi], { axis }, c) => {
      const B = c.size;
      const size = c.out.shape[axis]!;
      const us = front(u, bu, B);
      if (bi === null) return [lax.scatterAdd(us, idx, axis + 1, size), 0];
      // Batched indices: the examples' result axes merged, each example's indices offset into its own part.
      const ids = moveAxis(idx, bi, 0);
      const r = ids.rank - 1;
      const rank = us.rank;
      const at = Array.from({ length: r }, (_, k) => 1 + axis + k);
      const others = [...Array(rank).keys()].filter((k) => k > 0 && !at.includes(k));
      const lined = lax.transpose(us, [0, ...at, ...others]);
      const merged = mergedIndices('scatter_add', ids, size, B, axis, 'the result', c.out.shape);
      const summed = lax.scatterAdd(lined, merged, 0, B * size);
      // [B size, pre..., post...] -> [B, size, pre..., post...] -> [B, pre..., size, post...]
      const split = lax.reshape(summed, [B, size, ...summed.shape.slice(1)]);
      const back = [...Array(split.rank).keys()].filter((k) => k !== 1);
      back.splice(1 + axis, 0, 1);
      return [lax.transpose(split, back), 0];
    },
    vjp: [vjp('gather(g, indices)', (g, c) => lax.gather(g, c.inputs[1], c.attrs.axis)), null],
    resolve: (a, _ins, like) => {
      if (a.size >= 0) return null;
      const size = like === null ? a.size : (like[a.axis] ?? a.size);
      return { attrs: { ...withoutLike(a), size }, name: 'size', given: [a.size], done: [size] };
    },
  },
} satisfies { [P in keyof IndexingAttrs]: OpSpec<P> };
