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
export type RuleObserver = (prim: Prim, index: number | 'combine') => void;
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
  // Iterative post-order: long chains (an unrolled rnn) must not overflow the
  // stack. Each tensor's inputs are asked for once, when it is pushed.
  const tensors: Tensor[] = [];
  const inputsOf: (readonly Tensor[])[] = [];
  const next: number[] = [];
  for (const y of ys) {
    if (seen.has(y)) continue;
    seen.add(y);
    tensors.push(y);
    inputsOf.push(deps(y));
    next.push(0);
    while (tensors.length > 0) {
      const top = tensors.length - 1;
      const inputs = inputsOf[top]!;
      const i = next[top]!;
      if (i < inputs.length) {
        next[top] = i + 1;
        const inp = inputs[i]!;
        if (!seen.has(inp)) {
          seen.add(inp);
          tensors.push(inp);
          inputsOf.push(deps(inp));
          next.push(0);
        }
      } else {
        order.push(tensors.pop()!);
        inputsOf.pop();
        next.pop();
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
const NONE: readonly Tensor[] = [];

export function backprop(
  ys: readonly Tensor[],
  seeds: readonly Tensor[],
  xs: readonly Tensor[],
  observe?: (step: BackpropStep) => void,
  partial = false
): (Tensor | null)[] {
  // A tensor made before every x cannot depend on one (a node's inputs exist
  // before its output, and ids count up), so the walk stops there: a
  // gradient inside a long loop (an ODE step's force) reads only the part of
  // the tape since its x, not the whole history.
  let oldest = Number.POSITIVE_INFINITY;
  for (const x of xs) if (x.id < oldest) oldest = x.id;
  const order = topoOrder(ys, (t) => {
    const inputs = t.node?.inputs ?? NONE;
    for (const i of inputs) if (i.id < oldest) return inputs.filter((j) => j.id >= oldest);
    return inputs;
  });
  const targets = new Set(xs);
  // Only tensors that some x flows into need a cotangent.
  const relevant = new Set<Tensor>();
  for (const t of order) {
    if (targets.has(t)) relevant.add(t);
    else if (t.node !== null) {
      for (const i of t.node.inputs) {
        if (relevant.has(i)) {
          relevant.add(t);
          break;
        }
      }
    }
  }
  const grads = new Map<Tensor, Tensor>();
  const accumulate = (t: Tensor, g: Tensor) => {
    const prev = grads.get(t);
    grads.set(t, prev === undefined ? g : lax.add(prev, g));
  };
  // Nodes whose primitive has a `combine` rule (gather, slice) leave their
  // cotangent for input 0 here, by input and primitive; when the input's own
  // turn comes (every reader of it is done) the waiting ones go in together.
  const waiting = new Map<Tensor, Map<Prim, { g: Tensor; node: Node }[]>>();
  const settle = (t: Tensor) => {
    const byPrim = waiting.get(t);
    if (byPrim === undefined) return;
    waiting.delete(t);
    for (const [prim, list] of byPrim) {
      const spec = specOf(prim);
      const parts = list.map(({ g, node }) => ({
        g,
        c: { inputs: node.inputs, out: node.output, attrs: node.attrs, index: 0 },
      }));
      const together = list.length > 1 ? spec.combine!.grad(parts, t) : null;
      if (together !== null) {
        if (ruleObservers.size > 0) for (const o of ruleObservers) o(prim, 'combine');
        accumulate(t, lax.cast(together, t.dtype));
        continue;
      }
      const rule = (spec.vjp as readonly AnyVjp[])[0]!;
      for (const { g, node } of list)
        accumulate(t, lax.cast(lax.sumTo(runRule(rule, node, g, node.output, 0)!, t), t.dtype));
    }
  };
  /** Whether this node's cotangent to input i can wait for others from the same tensor (K.explain shows each step, so not then). */
  const deferrable = (node: Node, i: number) =>
    observe === undefined &&
    i === 0 &&
    specOf(node.prim).combine !== undefined &&
    node.inputs.every((x) => x.shape.every((d) => d >= 0)) &&
    node.output.shape.every((d) => d >= 0);
  ys.forEach((y, i) => {
    if (relevant.has(y) && isFloat(y.dtype)) accumulate(y, seeds[i]!);
  });

  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k]!;
    settle(t);
    const node = t.node;
    const g = grads.get(t);
    if (node === null || g === undefined) continue;
    if (!targets.has(t))
      grads.delete(t); // free intermediate cotangents as we go
    else if (partial) continue;
    const spec = specOf(node.prim);
    const vjps = spec.vjp;
    // Each input's step is listed only for an observer (K.explain): a plain backward pass keeps no record.
    const steps: BackpropStep['grads'][number][] | null = observe === undefined ? null : [];
    const outer = backwardOf;
    backwardOf = node;
    try {
      const inputs = node.inputs;
      for (let i = 0; i < inputs.length; i++) {
        const inp = inputs[i]!;
        if (!relevant.has(inp) || !isFloat(inp.dtype)) continue;
        if ('nonDifferentiable' in vjps) {
          steps?.push({ input: inp, index: i, formula: `none: ${vjps.nonDifferentiable}`, grad: null, summed: false });
          continue;
        }
        const rule: AnyVjp | null | undefined = 'variadic' in vjps ? vjps.variadic : vjps[i];
        if (rule === null || rule === undefined) {
          steps?.push({
            input: inp,
            index: i,
            formula: 'none: not differentiable in this input',
            grad: null,
            summed: false,
          });
          continue;
        }
        if (deferrable(node, i)) {
          const byPrim = waiting.get(inp) ?? new Map<Prim, { g: Tensor; node: Node }[]>();
          const list = byPrim.get(node.prim) ?? [];
          list.push({ g, node });
          byPrim.set(node.prim, list);
          waiting.set(inp, byPrim);
          if (ruleObservers.size > 0) for (const o of ruleObservers) o(node.prim, i);
          continue;
        }
        const raw = runRule(rule, node, g, t, i);
        const gi = raw === null ? null : lax.cast(lax.sumTo(raw, inp), inp.dtype);
        if (steps !== null) {
          const summed = raw !== null && !sameShape(raw.shape, inp.shape);
          steps.push({ input: inp, index: i, formula: rule.formula, grad: gi, summed });
        }
        if (gi !== null) accumulate(inp, gi);
      }
    } finally {
      backwardOf = outer;
    }
    if (observe !== undefined) observe({ node, cotangent: g, grads: steps ?? [] });
  }
  for (const x of xs) settle(x);
  return xs.map((x) => grads.get(x) ?? null);
}
