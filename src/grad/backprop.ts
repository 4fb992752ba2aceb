// Reverse-mode accumulation over the recorded graph, micrograd-style: order the
// tensors topologically, then walk them in reverse, calling each node's VJPs and
// adding up the cotangents per input. The VJPs run through `apply`, so the
// gradients are themselves recorded and can be differentiated again.
import { sameShape } from '../core/shape.js';
import { isFloat } from '../core/dtype.js';
import type { Tensor, Node } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import type { Prim } from '../core/primitives.js';
import { specOf } from '../prims/table.js';
import type { AnyVjp } from '../prims/spec.js';

/** One node's step of the backward pass, as K.explain shows it. */
export interface BackpropStep {
  readonly node: Node;
  /** The cotangent arriving at the node's output. */
  readonly cotangent: Tensor;
  /** What the node sends to each input (null: none, with why in `formula`). */
  readonly grads: readonly {
    readonly input: Tensor;
    readonly index: number;
    readonly formula: string;
    readonly grad: Tensor | null;
    /** Whether the rule's gradient had the output's broadcast shape and was summed back to the input's. */
    readonly summed: boolean;
  }[];
}

let backwardOf: Node | null = null;

/**
 * Told of every VJP rule backprop runs, by primitive and input: gradcheck's
 * reach test proves every rule of the table is exercised by a check of each
 * order. Empty in normal runs.
 */
export type RuleObserver = (prim: Prim, index: number) => void;
const ruleObservers = new Set<RuleObserver>();

export function observingRules<T>(observer: RuleObserver, body: () => T): T {
  ruleObservers.add(observer);
  try {
    return body();
  } finally {
    ruleObservers.delete(observer);
  }
}

function runRule(rule: AnyVjp, node: Node, g: Tensor, out: Tensor, i: number): Tensor | null {
  if (ruleObservers.size > 0) for (const o of ruleObservers) o(node.prim, i);
  return rule.grad(g, { inputs: node.inputs, out, attrs: node.attrs, index: i });
}

/** The node whose VJP is running (K.detect_anomaly names it), or null in the forward pass. */
export function currentBackwardNode(): Node | null {
  return backwardOf;
}

/**
 * Tensors reachable backwards from `ys` through `deps` (by default a node's
 * inputs), each after its dependencies.
 */
export function topoOrder(
  ys: readonly Tensor[],
  deps: (t: Tensor) => readonly Tensor[] = (t) => t.node?.inputs ?? []
): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // Iterative post-order: long chains (an unrolled rnn) must not overflow the stack.
  const stack: [Tensor, number][] = [];
  for (const y of ys) {
    if (seen.has(y)) continue;
    seen.add(y);
    stack.push([y, 0]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [t, i] = top;
      const inputs = deps(t);
      if (i < inputs.length) {
        top[1] = i + 1;
        const inp = inputs[i]!;
        if (!seen.has(inp)) {
          seen.add(inp);
          stack.push([inp, 0]);
        }
      } else {
        stack.pop();
        order.push(t);
      }
    }
  }
  return order;
}

/**
 * d(sum_i <seeds_i, ys_i>)/d xs. Returns null for an x that no y depends on
 * (through differentiable float paths), as tf.gradients does. With `partial`,
 * the xs are held independent: nothing flows through an x into what it was
 * computed from (K.checkpoint wants the partials of its recomputation).
 */
export function backprop(
  ys: readonly Tensor[],
  seeds: readonly Tensor[],
  xs: readonly Tensor[],
  observe?: (step: BackpropStep) => void,
  partial = false
): (Tensor | null)[] {
  const order = topoOrder(ys);
  const targets = new Set(xs);
  // Only tensors that some x flows into need a cotangent.
  const relevant = new Set<Tensor>();
  for (const t of order) {
    if (targets.has(t) || t.node?.inputs.some((i) => relevant.has(i))) relevant.add(t);
  }
  const grads = new Map<Tensor, Tensor>();
  const accumulate = (t: Tensor, g: Tensor) => {
    const prev = grads.get(t);
    grads.set(t, prev === undefined ? g : lax.add(prev, g));
  };
  // Gathers from one tensor (K.rnn's steps, each reading one index) would each
  // scatter their cotangent into a zero tensor of the whole input, and T such
  // full-size sums make backprop quadratic in T. Their cotangents wait here and
  // go in as one scatter_add of them all when the tensor's own turn comes.
  const pending = new Map<Tensor, { g: Tensor; node: Node }[]>();
  const settle = (t: Tensor) => {
    const list = pending.get(t);
    if (list === undefined) return;
    pending.delete(t);
    const first = list[0]!;
    if (list.length === 1) {
      const rule = (specOf('gather').vjp as AnyVjp[])[0]!;
      accumulate(t, lax.cast(lax.sumTo(runRule(rule, first.node, first.g, first.node.output, 0)!, t), t.dtype));
      return;
    }
    const axis = (first.node.attrs as { axis: number }).axis;
    const s = t.shape;
    const gs = list.map(({ g, node }) => {
      const n = node.inputs[1]!.shape.reduce((a, b) => a * b, 1);
      return lax.reshape(g, [...s.slice(0, axis), n, ...s.slice(axis + 1)]);
    });
    const ids = list.map(({ node }) => {
      const idx = node.inputs[1]!;
      const flat = lax.reshape(idx, [idx.shape.reduce((a, b) => a * b, 1)]);
      return idx.dtype === 'int32' ? flat : lax.cast(flat, 'int32');
    });
    accumulate(t, lax.scatterAdd(lax.concat(gs, axis), lax.concat(ids, 0), axis, s[axis]!));
  };
  // Slices of one tensor along one axis (x[:, t] taken T times) likewise: their
  // cotangents wait and go in as one concat with zeros in the gaps, instead of
  // T pads to the whole shape; overlapping windows take the plain way.
  const slices = new Map<Tensor, { g: Tensor; node: Node }[]>();
  const settleSlices = (t: Tensor) => {
    const list = slices.get(t);
    if (list === undefined) return;
    slices.delete(t);
    const s = t.shape;
    const axisOf = (node: Node) => {
      const { begin, size } = node.attrs as { begin: number[]; size: number[] };
      const cut = s.map((d, k) => begin[k] !== 0 || size[k] !== d);
      return cut.filter(Boolean).length === 1 ? cut.indexOf(true) : -1;
    };
    const axis = axisOf(list[0]!.node);
    const windows = list
      .map(({ g, node }) => ({ g, node, at: (node.attrs as { begin: number[] }).begin[axis]! }))
      .sort((p, q) => p.at - q.at);
    const fits =
      list.length > 1 &&
      axis >= 0 &&
      list.every(({ node }) => axisOf(node) === axis) &&
      windows.every((w, j) => j === 0 || windows[j - 1]!.at + windows[j - 1]!.g.shape[axis]! <= w.at);
    if (!fits) {
      const rule = (specOf('slice').vjp as AnyVjp[])[0]!;
      for (const { g, node } of list) accumulate(t, runRule(rule, node, g, node.output, 0)!);
      return;
    }
    const gap = (n: number) =>
      lax.broadcastTo(
        lax.scalar(0, t.dtype),
        s.map((d, k) => (k === axis ? n : d))
      );
    const parts: Tensor[] = [];
    let at = 0;
    for (const w of windows) {
      if (w.at > at) parts.push(gap(w.at - at));
      parts.push(w.g);
      at = w.at + w.g.shape[axis]!;
    }
    if (at < s[axis]!) parts.push(gap(s[axis]! - at));
    accumulate(t, lax.concat(parts, axis));
  };
  /** Whether this gather's or slice's cotangent can wait for the others from the same tensor (shapes all known). */
  const deferrable = (node: Node, i: number) =>
    observe === undefined &&
    i === 0 &&
    (node.prim === 'gather' || node.prim === 'slice') &&
    node.inputs.every((x) => x.shape.every((d) => d >= 0)) &&
    node.output.shape.every((d) => d >= 0);
  ys.forEach((y, i) => {
    if (relevant.has(y) && isFloat(y.dtype)) accumulate(y, seeds[i]!);
  });

  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k]!;
    settle(t);
    settleSlices(t);
    const node = t.node;
    const g = grads.get(t);
    if (node === null || g === undefined) continue;
    if (!targets.has(t))
      grads.delete(t); // free intermediate cotangents as we go
    else if (partial) continue;
    const spec = specOf(node.prim);
    const vjps = spec.vjp;
    const steps: BackpropStep['grads'][number][] = [];
    const outer = backwardOf;
    backwardOf = node;
    try {
      node.inputs.forEach((inp, i) => {
        if (!relevant.has(inp) || !isFloat(inp.dtype)) return;
        if ('nonDifferentiable' in vjps) {
          steps.push({ input: inp, index: i, formula: `none: ${vjps.nonDifferentiable}`, grad: null, summed: false });
          return;
        }
        const rule: AnyVjp | null | undefined = 'variadic' in vjps ? vjps.variadic : vjps[i];
        if (rule === null || rule === undefined) {
          steps.push({
            input: inp,
            index: i,
            formula: 'none: not differentiable in this input',
            grad: null,
            summed: false,
          });
          return;
        }
        if (deferrable(node, i)) {
          const waiting = node.prim === 'slice' ? slices : pending;
          const list = waiting.get(inp) ?? [];
          list.push({ g, node });
          waiting.set(inp, list);
          if (ruleObservers.size > 0) for (const o of ruleObservers) o(node.prim, i);
          return;
        }
        const raw = runRule(rule, node, g, t, i);
        const gi = raw === null ? null : lax.cast(lax.sumTo(raw, inp), inp.dtype);
        const summed = observe !== undefined && raw !== null && !sameShape(raw.shape, inp.shape);
        steps.push({ input: inp, index: i, formula: rule.formula, grad: gi, summed });
        if (gi !== null) accumulate(inp, gi);
      });
    } finally {
      backwardOf = outer;
    }
    observe?.({ node, cotangent: g, grads: steps });
  }
  for (const x of xs) {
    settle(x);
    settleSlices(x);
  }
  return xs.map((x) => grads.get(x) ?? null);
}
