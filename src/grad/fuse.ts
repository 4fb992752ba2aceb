// Fusion, a pass over a planned kernel list (compile.ts): chains of float32
// elementwise primitives whose intermediates nothing else reads become one
// `fused` step, and a sum of a whole chain joins it. The device runs the
// chain in one pass (the cpu in WebAssembly, blocks of the elements in cache)
// instead of one array per intermediate. A chain is grown backwards from its
// last op through producers read only by it, of its shape; inputs of one
// element (scalars, broadcast) join as operands.
import { FUSABLE, FUSED_COMPARISONS, type FusablePrim, type FusedAttrs, type Meta } from '../core/primitives.js';
import { sameShape, sizeOf } from '../core/shape.js';
import type { Step } from './program.js';

/** Below this many elements a chain is left unfused (the one-pass kernel does not pay). */
export const FUSE_MIN = 4096;
/** At most this many ops in one chain. */
const MAX_OPS = 48;
/**
 * At most this many distinct inputs of one chain: a gpu kernel reads each
 * from a texture of its own (WebGL gives a shader 16 at least, and gpu.js
 * fails silently past the limit), and the cpu's pass holds each in its ring.
 */
export const MAX_INPUTS = 8;

const fusable = new Set<string>(FUSABLE);
type OpStep = Extract<Step, { kind: 'op' }>;

/**
 * Whether `s` can be part of a chain of `shape`: a map of that shape, float32
 * in and out (a comparison gives bool; where's condition is bool), each input
 * of that shape or one element.
 */
function member(s: Step, shape: readonly number[], metaOf: (slot: number) => Meta): s is OpStep {
  if (s.kind !== 'op' || !fusable.has(s.prim) || !sameShape(s.meta.shape, shape)) return false;
  const prim = s.prim as FusablePrim;
  if (s.meta.dtype !== (FUSED_COMPARISONS.has(prim) ? 'bool' : 'float32')) return false;
  return s.inputs.every((j, i) => {
    const m = metaOf(j);
    const dtype = prim === 'where' && i === 0 ? 'bool' : 'float32';
    return m.dtype === dtype && (sizeOf(m.shape) === 1 || sameShape(m.shape, shape));
  });
}

/** A sum over every axis, of float32. */
function wholeSum(s: Step): boolean {
  if (s.kind !== 'op' || s.prim !== 'sum' || s.meta.dtype !== 'float32') return false;
  // The sum's input is the chain; every axis of it summed: one element out, no axis twice.
  const { axes } = s.attrs as { axes: readonly number[] };
  return sizeOf(s.meta.shape) === 1 && new Set(axes).size === axes.length;
}

/** The distinct slots a chain of these steps reads from outside it. */
function externals(members: readonly OpStep[]): number {
  const inside = new Set(members.map((m) => m.slot));
  const out = new Set<number>();
  for (const m of members) for (const j of m.inputs) if (!inside.has(j)) out.add(j);
  return out.size;
}

export function fuseSteps(steps: readonly Step[], outputs: readonly number[]): { steps: Step[]; fused: number } {
  const at = new Map<number, number>();
  const uses = new Map<number, number>();
  steps.forEach((s, i) => {
    at.set(s.slot, i);
    if (s.kind === 'op') for (const j of s.inputs) uses.set(j, (uses.get(j) ?? 0) + 1);
  });
  for (const o of outputs) uses.set(o, (uses.get(o) ?? 0) + 1);
  const metaOf = (slot: number) => steps[at.get(slot)!]!.meta;
  /** The producer of `slot` when only one step reads it and it can join a chain of `shape`. */
  const joinable = (slot: number, shape: readonly number[]) => {
    const p = steps[at.get(slot)!]!;
    return uses.get(slot) === 1 && member(p, shape, metaOf) ? p : null;
  };

  /**
   * A comparison read by several steps (relu's mask: its forward where and
   * its gradient's) is cheap to compute again: each chain that reads it takes
   * its own copy, and the step goes once every reader has.
   */
  const copyable = (slot: number, shape: readonly number[]) => {
    const p = steps[at.get(slot)!]!;
    return p.kind === 'op' && FUSED_COMPARISONS.has(p.prim as FusablePrim) && member(p, shape, metaOf) ? p : null;
  };
  const copiedInto = new Map<number, number>();
  const absorbed = new Set<number>();
  const replaced = new Map<number, Step>();
  let fusedOps = 0;
  for (let i = steps.length - 1; i >= 0; i--) {
    const root = steps[i]!;
    if (absorbed.has(i) || root.kind !== 'op') continue;
    // A whole sum of a chain takes the chain's shape; otherwise the root is the chain's last op.
    let sum: FusedAttrs['fused']['sum'] = null;
    let last: OpStep | null = null;
    if (wholeSum(root)) {
      const inner = steps[at.get(root.inputs[0]!)!]!;
      const shape = inner.meta.shape;
      last = joinable(root.inputs[0]!, shape);
      if (last === null || last.meta.dtype !== 'float32') continue;
      const { axes, keepdims } = root.attrs as { axes: number[]; keepdims: boolean };
      sum = { axes, keepdims };
    } else if (member(root, root.meta.shape, metaOf) && root.meta.dtype === 'float32') last = root;
    else continue;
    const shape = last.meta.shape;
    if (sizeOf(shape) < FUSE_MIN) continue;
    // Grow backwards: producers read only by the chain join it.
    const members: OpStep[] = [last];
    const queue = [...last.inputs];
    const copies: number[] = [];
    while (queue.length > 0 && members.length < MAX_OPS) {
      const j = queue.shift()!;
      let p = joinable(j, shape);
      if (p === null) {
        p = copyable(j, shape);
        if (p !== null && !members.includes(p)) copies.push(p.slot);
      }
      if (p === null || members.includes(p)) continue;
      if (externals([...members, p]) > MAX_INPUTS) {
        if (copies.at(-1) === p.slot) copies.pop();
        continue;
      }
      members.push(p);
      queue.push(...p.inputs);
    }
    if (members.length + (sum === null ? 0 : 1) < 2) continue;
    members.sort((p, q) => at.get(p.slot)! - at.get(q.slot)!);
    const inside = new Map(members.map((m, k) => [m.slot, k]));
    const inputs: number[] = [];
    const operand = (j: number) => {
      const k = inside.get(j);
      if (k !== undefined) return -1 - k;
      let x = inputs.indexOf(j);
      if (x < 0) x = inputs.push(j) - 1;
      return x;
    };
    const ops = members.map((m) => ({ prim: m.prim as FusablePrim, args: m.inputs.map(operand) }));
    // Operands: inputs first, then each op's result.
    const attrs: FusedAttrs['fused'] = {
      ops: ops.map((o) => ({ prim: o.prim, args: o.args.map((x) => (x < 0 ? inputs.length - 1 - x : x)) })),
      inputs: inputs.map((j) => metaOf(j).shape),
      shape,
      sum,
    };
    for (const m of members) if (!copies.includes(m.slot)) absorbed.add(at.get(m.slot)!);
    absorbed.delete(i);
    // A copied comparison goes once every read of it is by a copy (`uses`
    // counts an output as one more read, so an output is never dropped).
    for (const slot of copies) {
      const done =
        (copiedInto.get(slot) ?? 0) + members.reduce((n, m) => n + m.inputs.filter((x) => x === slot).length, 0);
      copiedInto.set(slot, done);
      if (done === uses.get(slot)) absorbed.add(at.get(slot)!);
    }
    replaced.set(i, { kind: 'op', slot: root.slot, meta: root.meta, prim: 'fused', inputs, attrs });
    fusedOps += members.length + (sum === null ? 0 : 1);
  }
  const out: Step[] = [];
  steps.forEach((s, i) => {
    if (absorbed.has(i)) return;
    out.push(replaced.get(i) ?? s);
  });
  return { steps: out, fused: fusedOps };
}
