// K.vmap's machinery below the table: applying a primitive to tensors that
// stand for examples (apply hands them here), and the small moves the
// batching rules share. A rule sees the batched values and where each one's
// batch axis is (null: the same for every example) and returns the batched
// result and its batch axis. The examples' own node is recorded too, so a
// gradient taken inside K.vmap walks the examples' tape and its VJPs, made
// of primitives, are batched in turn.
import { callerName, currentName, fmtShape, valueError } from '../core/context.js';
import { batched, belowLevel, depthOf, innermost, withLevel } from '../core/batch.js';
import type { Meta, Prim } from '../core/primitives.js';
import { isKnown } from '../core/shape.js';
import { Node, type BatchLevel, type Tensor } from '../core/tensor.js';
import { apply, isRecording, registerBatcher } from './apply.js';
import * as lax from './lax.js';
import { checkIndices } from './index_check.js';
import type { AnySpec, Batched, BatchContext } from './spec.js';

/** Told of each batching rule run (tests prove every rule was reached); null in normal runs. */
let onRule: ((prim: Prim, axes: readonly (number | null)[]) => void) | null = null;

/** Run `body` with `observer` told of every batching rule that runs inside it. */
export function observingBatchRules<T>(
  observer: (prim: Prim, axes: readonly (number | null)[]) => void,
  body: () => T
): T {
  const was = onRule;
  onRule = observer;
  try {
    return body();
  } finally {
    onRule = was;
  }
}

/** The primitive applied to tensors of which some stand for examples (or a draw inside K.vmap). */
function applyBatched(prim: Prim, ins: readonly Tensor[], attrs: unknown, spec: AnySpec): Tensor {
  let depth = -1;
  let level: BatchLevel | null = null;
  for (const t of ins) {
    if (t.batch === null) continue;
    const d = depthOf(t.batch.level);
    if (d < 0) {
      throw valueError(
        callerName(prim),
        `a tensor of shape ${fmtShape(t.shape)} made inside a K.vmap call was used after that call returned; ` +
          'return it from the vmapped function instead'
      );
    }
    if (d > depth) {
      depth = d;
      level = t.batch.level;
    }
  }
  // A draw with no batched input inside K.vmap: each example draws its own (as a loop would).
  if (level === null) {
    level = innermost()!;
    depth = depthOf(level);
  }
  const meta = spec.infer(ins, attrs);
  if (!isKnown(meta.shape)) {
    throw valueError(
      callerName(prim),
      `inside K.vmap shapes must be known; the result would be ${fmtShape(meta.shape)}`
    );
  }
  if (!(typeof spec.batch === 'function')) {
    throw valueError(callerName(prim), `K.vmap cannot batch ${prim}: ${spec.batch.noBatch}`);
  }
  const rule = spec.batch;
  const at = level;
  const values = ins.map((t) => (t.batch !== null && t.batch.level === at ? t.batch.value : t));
  const axes = ins.map((t) => (t.batch !== null && t.batch.level === at ? t.batch.axis : null));
  if (onRule !== null) onRule(prim, axes);
  const [y, axis] = belowLevel(depth, () => rule(values, axes, attrs, { size: at.size, out: meta, level: at }));
  if (axis === null) return y;
  const node = isRecording() ? new Node(prim, ins, attrs as never, currentName()) : null;
  return batched(y, axis, at, node);
}

registerBatcher(applyBatched);

/** x with axis `from` moved to `to` (the other axes keep their order). */
export function moveAxis(x: Tensor, from: number, to: number): Tensor {
  if (from === to) return x;
  const perm = [...x.shape.keys()].filter((k) => k !== from);
  perm.splice(to, 0, from);
  return lax.transpose(x, perm);
}

/** x with its batch axis first; an unbatched x is repeated `size` times along a new first axis. */
export function front(x: Tensor, axis: number | null, size: number): Tensor {
  if (axis !== null) return moveAxis(x, axis, 0);
  return lax.broadcastTo(lax.reshape(x, [1, ...x.shape]), [size, ...x.shape]);
}

/** x (one example's axis `k`) as an axis of the batched value whose batch axis is `b`. */
export const shifted = (k: number, b: number) => (k >= b ? k + 1 : k);

/** The rule of a primitive that acts on each element (or each lane) alike: it keeps the batch axis where it is. */
export function inPlace(prim: Prim): (ins: readonly Tensor[], axes: readonly (number | null)[], a: unknown) => Batched {
  return ([x], [b], a) => [apply(prim, [x!] as never, a as never), b!];
}

/**
 * The rule of a broadcasting primitive (elementwise maps, where): batched
 * inputs get their batch axis first and ones up to the result's rank, so the
 * primitive's own broadcasting lines up the examples; unbatched ones are
 * left alone (they broadcast against every example).
 */
export function broadcasting(prim: Prim) {
  return (ins: readonly Tensor[], axes: readonly (number | null)[], a: unknown, c: BatchContext): Batched => {
    const rank = c.out.shape.length;
    // Already lined up: every batched input at the same axis with the result's rank, and the unbatched ones fit after it.
    const b = axes.find((x) => x !== null)!;
    const fits = ins.every((t, i) => (axes[i] === null ? t.rank <= rank - b : axes[i] === b && t.rank === rank + 1));
    if (fits) return [apply(prim, ins as never, a as never), b];
    const lined = ins.map((t, i) => {
      const ax = axes[i];
      if (ax === null || ax === undefined) return t;
      const x = moveAxis(t, ax, 0);
      const r = t.rank - 1;
      return r === rank ? x : lax.reshape(x, [c.size, ...Array<number>(rank - r).fill(1), ...x.shape.slice(1)]);
    });
    return [apply(prim, lined as never, a as never), 0];
  };
}

/** One example's shape `out` with the batch `size` at `axis`. */
export function withBatch(out: Meta, size: number, axis: number): number[] {
  const s = out.shape.slice();
  s.splice(axis, 0, size);
  return s;
}

/** A primitive along one axis (softmax, the scans): the batch axis stays, the axis attribute shifts past it. */
export function alongAxis<A extends { readonly axis: number }>(prim: Prim) {
  return ([x]: readonly Tensor[], [b]: readonly (number | null)[], a: A): Batched => [
    apply(prim, [x!] as never, { ...a, axis: shifted(a.axis, b!) } as never),
    b!,
  ];
}

/**
 * A reduction over `axes` (sum, max, min, prod): they shift past the batch
 * axis, which stays, one place earlier for each reduced axis before it.
 */
export function reducing(prim: Prim) {
  return (
    [x]: readonly Tensor[],
    [b]: readonly (number | null)[],
    a: { readonly axes: number[]; readonly keepdims: boolean; readonly like?: Tensor }
  ): Batched => {
    if (a.like !== undefined) throw valueError(callerName(prim), 'inside K.vmap shapes must be known');
    const axes = a.axes.map((k) => shifted(k, b!));
    const out = apply(prim, [x!] as never, { axes, keepdims: a.keepdims } as never);
    return [out, a.keepdims ? b! : b! - a.axes.filter((k) => k < b!).length];
  };
}

/** An index reduction along one axis (argmax, argmin): the axis goes, the batch axis stays. */
export function indexAlong(prim: Prim) {
  return ([x]: readonly Tensor[], [b]: readonly (number | null)[], a: { readonly axis: number }): Batched => {
    const axis = shifted(a.axis, b!);
    return [apply(prim, [x!] as never, { axis } as never), axis < b! ? b! - 1 : b!];
  };
}

/** Every input with its batch axis first (unbatched ones repeated): for primitives whose inputs must agree in shape. */
export function allFront(ins: readonly Tensor[], axes: readonly (number | null)[], size: number): Tensor[] {
  return ins.map((t, i) => front(t, axes[i] ?? null, size));
}

/**
 * Each example's indices (batch axis first, into an axis of `n`) as indices
 * into the examples' axes merged (example b's start at b n). An index out
 * of [0, n) must stay out of the merged range, or it would silently read
 * another example: known values are checked here, with the primitive's own
 * message; a graph's are mapped out of range (negative ones stay, others
 * move past the end) for its kernel to refuse.
 */
export function mergedIndices(
  prim: string,
  idx: Tensor,
  n: number,
  size: number,
  axis: number,
  target: string,
  targetShape: readonly number[]
): Tensor {
  if (idx.storage !== null) {
    const values = (idx.toArray() as unknown[]).flat(Number.POSITIVE_INFINITY) as number[];
    checkIndices(prim, values, idx.shape, n, axis, target, targetShape);
  }
  const d = idx.dtype;
  const start = lax.mul(lax.aranged(size, 0, idx.rank, d), lax.scalar(n, d));
  const inRange = lax.where(
    lax.less(idx, lax.scalar(n, d)),
    lax.add(idx, start),
    lax.add(idx, lax.scalar((size - 1) * n, d))
  );
  return lax.where(lax.less(idx, lax.scalar(0, d)), idx, inRange);
}

/**
 * A tensor of one example at `level` (or the same for every example) as the
 * batched value with the batch axis at `axis`; with `axis` null, summed over
 * the examples (the gradient of an input every example shares).
 */
export function physical(t: Tensor, level: BatchLevel, axis: number | null): Tensor {
  const own = t.batch !== null && t.batch.level === level;
  const value = own ? moveAxis(t.batch!.value, t.batch!.axis, 0) : front(t, null, level.size);
  return axis === null ? lax.sum(value, [0]) : moveAxis(value, 0, axis);
}

/** The user's per-example gradient function, on batched cotangents: run on `level` again, its result made physical. */
export function batchedGrad(
  grad: (g: Tensor, index: number) => Tensor | null,
  level: BatchLevel,
  outAxis: number,
  axes: readonly (number | null)[]
): (g: Tensor, index: number) => Tensor | null {
  return (g, i) =>
    withLevel(level, () => {
      const r = grad(batched(g, outAxis, level), i);
      return r === null ? null : physical(r, level, axes[i] ?? null);
    });
}
