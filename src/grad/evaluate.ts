// Evaluating a recorded graph on new values (K.function): walk the nodes the
// outputs need in topological order and run each primitive again, through the
// same `apply`, on the values fed for the placeholders and the variables'
// current values. Shapes unknown when the graph was built (-1) are resolved
// from the values now flowing.
import { fmtShape, valueError } from '../core/context.js';
import { isKnown, sizeOf } from '../core/shape.js';
import { Placeholder, Tensor, type Variable } from '../core/tensor.js';
import { apply, readVariable, withoutRecording } from '../prims/apply.js';
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
 * Attributes with unknown (-1) dims filled in from the values now flowing: by
 * position from the run-time dims of `like` (a reshape's, broadcast_to's or
 * avg_pool_grad's `shape`, a slice's `size`, a pad's after-padding up to
 * like's dim, a scatter_add's `size` along its axis); a reshape with a single
 * unknown dim and no `like` infers it from the number of values.
 */
function resolve(prim: Prim, attrs: Attrs, ins: readonly Tensor[], valueOf: (t: Tensor) => Tensor): Attrs {
  const a = attrs as {
    shape?: number[];
    size?: number[] | number;
    pads?: [number, number][];
    axis?: number;
    like?: Tensor;
  };
  const dims = a.like === undefined ? null : valueOf(a.like).shape;
  const byPosition = (v: readonly number[]) => v.map((d, i) => (d < 0 && dims !== null ? dims[i]! : d));
  let name: string;
  let given: number[];
  let done: number[];
  const out: Record<string, unknown> = { ...a };
  delete out.like;
  if (a.shape !== undefined && !isKnown(a.shape)) {
    [name, given, done] = ['shape', a.shape, byPosition(a.shape)];
    if (dims === null && prim === 'reshape' && given.filter((d) => d < 0).length === 1) {
      // One unknown dim of a reshape follows from the number of values.
      const known = given.reduce((p, d) => (d < 0 ? p : p * d), 1);
      done = given.map((d) => (d < 0 ? sizeOf(ins[0]!.shape) / known : d));
    }
    out.shape = done;
  } else if (prim === 'slice' && Array.isArray(a.size) && !isKnown(a.size)) {
    [name, given, done] = ['size', a.size, byPosition(a.size)];
    out.size = done;
  } else if (prim === 'pad' && a.pads !== undefined && a.pads.some(([, q]) => q < 0)) {
    const x = ins[0]!.shape;
    const pads = a.pads.map(([p, q], i): [number, number] => [p, q >= 0 || dims === null ? q : dims[i]! - p - x[i]!]);
    [name, given, done] = ['paddings', a.pads.map(([, q]) => q), pads.map(([, q]) => q)];
    out.pads = pads;
  } else if (prim === 'scatter_add' && typeof a.size === 'number' && a.size < 0) {
    [name, given, done] = ['size', [a.size], [dims === null ? a.size : dims[a.axis!]!]];
    out.size = done[0];
  } else {
    return attrs;
  }
  if (done.some((d) => d < 0 || !Number.isInteger(d))) {
    throw valueError(
      'function',
      `cannot resolve the unknown dims of ${prim}'s ${name} ${fmtShape(given)} from the values fed`
    );
  }
  return out as Attrs;
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
        if (t instanceof Placeholder)
          throw valueError('function', `placeholder ${t.name} of shape ${fmtShape(t.shape)} was not fed`);
        env.set(t, t);
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
