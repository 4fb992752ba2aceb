// Evaluating a recorded graph on new values (K.function): walk the nodes the
// outputs need in topological order and run each primitive again, through the
// same `apply`, on the values fed for the placeholders and the variables'
// current values. Shapes unknown when the graph was built (-1) are resolved
// from the values now flowing.
import { fmtShape, runningName, valueError } from '../core/context.js';
import { copyOut } from '../core/ndarray.js';
import { Placeholder, Tensor, type Variable } from '../core/tensor.js';
import { apply, readVariable, withoutRecording } from '../prims/apply.js';
import { specOf } from '../prims/table.js';
import { topoOrder } from './backprop.js';
import type { PrimAttrs, Prim } from '../core/primitives.js';

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
 * pad, scatter_add, avg_pool_grad), from the inputs' run-time shapes and the
 * run-time dims of the attribute's `like` tensor.
 */
function resolve(prim: Prim, attrs: Attrs, ins: readonly Tensor[], valueOf: (t: Tensor) => Tensor): Attrs {
  const rule = specOf(prim).resolve;
  if (rule === undefined) return attrs;
  const like = (attrs as { like?: Tensor }).like;
  const r = rule(attrs, ins, like === undefined ? null : valueOf(like).shape, (i) =>
    Array.from(copyOut(ins[i]!.host(), ins[i]!.dtype).data)
  );
  if (r === null) return attrs;
  if (r.done.some((d) => d < 0 || !Number.isInteger(d))) {
    throw valueError(
      runningName(),
      `cannot resolve the unknown dims of ${prim}'s ${r.name} ${fmtShape(r.given)} from the values fed`
    );
  }
  return r.attrs as Attrs;
}

/**
 * The values of `outputs` given `feeds` (placeholder -> value). Variables are
 * read as they are now; eager leaves (constants) are used as they are.
 */
export function evaluateGraph(outputs: readonly Tensor[], feeds: ReadonlyMap<Tensor, Tensor>): Tensor[] {
  const env = new Map<Tensor, Tensor>(feeds);
  const valueOf = (t: Tensor) => env.get(t)!;
  return withoutRecording(() => {
    for (const t of topoOrder(outputs, dependencies)) {
      if (env.has(t)) continue;
      const node = t.node;
      if (node === null) {
        if (t instanceof Placeholder) {
          if (t.fallback === null)
            throw valueError(runningName(), `placeholder ${t.name} of shape ${fmtShape(t.shape)} was not fed`);
          env.set(t, t.fallback);
        } else env.set(t, t);
      } else if (node.prim === 'read_variable') {
        env.set(t, readVariable(node.inputs[0] as Variable));
      } else {
        const ins = node.inputs.map(valueOf);
        env.set(t, apply(node.prim, ins, resolve(node.prim, node.attrs, ins, valueOf)));
      }
    }
    return outputs.map(valueOf);
  });
}
