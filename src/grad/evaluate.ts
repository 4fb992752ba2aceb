// Evaluating a recorded graph on new values (K.function): walk the nodes the
// outputs need in topological order and run each primitive again, through the
// same `apply`, on the values fed for the placeholders and the variables'
// current values. Shapes unknown when the graph was built (-1) are resolved
// from the values now flowing. A tensor needed only for its shape (the `like`
// of a reshape in a gradient) is not computed: its shape rule runs on its
// inputs' run-time shapes instead.
import { fmtShape, runningName, valueError } from '../core/context.js';
import { copyOut } from '../core/ndarray.js';
import { Placeholder, Tensor, type Variable } from '../core/tensor.js';
import { apply, readVariable, withoutRecording } from '../prims/apply.js';
import { specOf } from '../prims/table.js';
import { topoOrder } from './backprop.js';
import type { Meta, PrimAttrs, Prim } from '../core/primitives.js';

type Attrs = PrimAttrs[Prim];

/** The tensors an attribute refers to (a shape's `like`): dependencies beyond the inputs. */
function attrRefs(attrs: Attrs): Tensor[] {
  const like = (attrs as { like?: unknown }).like;
  return like instanceof Tensor ? [like] : [];
}

function dependencies(t: Tensor): readonly Tensor[] {
  return t.node === null ? [] : [...t.node.inputs, ...attrRefs(t.node.attrs)];
}

/**
 * Attributes with unknown (-1) dims filled in from the values now flowing, by
 * the primitive's own `resolve` rule (src/prims: reshape, broadcast_to, slice,
 * pad, scatter_add, avg_pool_grad, the convolutions, random, ...), from the
 * inputs' run-time shapes (and values, where a shape is given as a tensor) and
 * the run-time dims of the attribute's `like` tensor.
 */
export function resolveAttrs(
  prim: Prim,
  attrs: Attrs,
  ins: readonly Meta[],
  shapeOf: (t: Tensor) => readonly number[],
  values: (i: number) => readonly number[]
): Attrs {
  const rule = specOf(prim).resolve;
  if (rule === undefined) return attrs;
  const like = (attrs as { like?: Tensor }).like;
  const r = rule(attrs, ins, like === undefined ? null : shapeOf(like), values);
  if (r === null) return attrs;
  if (r.done.some((d) => d < 0 || !Number.isInteger(d))) {
    throw valueError(
      runningName(),
      `cannot resolve the unknown dims of ${prim}'s ${r.name} ${fmtShape(r.given)} from the values fed`
    );
  }
  return r.attrs as Attrs;
}

/** What K.function keeps of a graph: the order to walk it, and which tensors are needed as values. */
export interface GraphPlan {
  readonly order: readonly Tensor[];
  /** Tensors whose values are needed; the others of `order` only for their shapes. */
  readonly values: ReadonlySet<Tensor>;
}

/** The tensors a graph's `outputs` need, each after what it needs: K.function works it out once. */
export function graphOrder(outputs: readonly Tensor[]): GraphPlan {
  const order = topoOrder(outputs, dependencies);
  // Values flow along inputs; a random draw (it draws) and a call node (a run-time shape) are computed
  // even when only their shape is asked.
  const values = new Set(
    topoOrder(outputs, (t) => (t.node === null ? [] : t.node.inputs)).concat(
      order.filter((t) => t.node?.prim === 'random' || t.node?.prim === 'call')
    )
  );
  // What a needed value is computed from is needed too (consumers come after producers: walk back).
  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k]!;
    if (values.has(t) && t.node !== null) for (const i of t.node.inputs) values.add(i);
  }
  return { order, values };
}

/** A value's buffer: an ndarray's typed array on the cpu, the device value elsewhere. */
export function bufferOf(t: Tensor): unknown {
  const s = t.storage;
  if (s === null) return null;
  return s.device === 'cpu' ? (s.data as { data: unknown }).data : s.data;
}

/**
 * The values of `outputs` given `feeds` (placeholder -> value). Variables are
 * read as they are now; eager leaves (constants) are used as they are. `plan`
 * is graphOrder(outputs) when the caller keeps it; `outside`, when given,
 * collects the buffers of the values that came from outside the graph (feeds,
 * leaves, variables), which the caller must not hand out without a copy.
 */
export function evaluateGraph(
  outputs: readonly Tensor[],
  feeds: ReadonlyMap<Tensor, Tensor>,
  plan: GraphPlan = graphOrder(outputs),
  outside?: Set<unknown>
): Tensor[] {
  const env = new Map<Tensor, Tensor>(feeds);
  // Run-time shapes of the tensors needed only for their shapes.
  const shapes = new Map<Tensor, number[]>();
  const valueOf = (t: Tensor) => env.get(t)!;
  const shapeOf = (t: Tensor) => env.get(t)?.shape ?? shapes.get(t)!;
  const metaOf = (t: Tensor): Meta => ({ shape: shapeOf(t), dtype: t.dtype });
  const from = (v: Tensor) => {
    outside?.add(bufferOf(v));
    return v;
  };
  if (outside !== undefined) for (const v of feeds.values()) from(v);
  return withoutRecording(() => {
    for (const t of plan.order) {
      if (env.has(t)) continue;
      const node = t.node;
      if (node === null) {
        if (t instanceof Placeholder) {
          if (t.fallback === null)
            throw valueError(runningName(), `placeholder ${t.name} of shape ${fmtShape(t.shape)} was not fed`);
          env.set(t, from(t.fallback));
        } else env.set(t, from(t));
      } else if (node.prim === 'read_variable') {
        env.set(t, from(readVariable(node.inputs[0] as Variable)));
      } else if (node.prim === 'call') {
        // Computed by its own function on the inputs' values (src/grad/call.ts).
        env.set(t, (node.attrs as PrimAttrs['call']).run(node.inputs.map(valueOf)));
      } else if (plan.values.has(t)) {
        const ins = node.inputs.map(valueOf);
        const values = (i: number) => Array.from(copyOut(ins[i]!.host(), ins[i]!.dtype).data);
        env.set(t, apply(node.prim, ins, resolveAttrs(node.prim, node.attrs, ins, shapeOf, values)));
      } else {
        // Only its shape is needed: the shape rule on the inputs' run-time shapes.
        const ins = node.inputs.map(metaOf);
        const noValues = () => {
          throw new Error(`ktape: ${node.prim} needs an input's values to know its shape`);
        };
        const spec = specOf(node.prim);
        shapes.set(t, spec.infer(ins, resolveAttrs(node.prim, node.attrs, ins, shapeOf, noValues)).shape);
      }
    }
    return outputs.map(valueOf);
  });
}
