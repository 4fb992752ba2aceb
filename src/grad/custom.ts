// User-defined gradients on the tape: K.custom_gradient (the user's grad_fn
// replaces the recorded graph's), K.checkpoint (save inputs only, recompute in
// the backward pass) and K.no_grad. All three put one `custom` node on the tape
// whose gradient is a closure; see src/ops/prims/state.ts.
import { typeError, userCode, valueError, fmtShape } from '../core/context.js';
import { Tensor, Variable } from '../core/tensor.js';
import * as lax from '../ops/lax.js';
import { apply, isRecording, readVariable, watchingVariables, withoutRecording, withVariableReads } from './apply.js';
import { backprop } from './backprop.js';
import { mapTensors, tensorsIn } from './structure.js';

/** The options grad_fn receives: the variables the function read (TF's `variables=` keyword). */
export interface GradFnOptions {
  readonly variables: Variable[];
}

/**
 * What grad_fn returns: the gradient for each tensor argument (a tensor when
 * there is one argument; null for none), and when the function read
 * variables, the pair [input grads, variable grads].
 */
export type CustomGrads =
  | Tensor
  | (Tensor | null)[]
  | [Tensor | (Tensor | null)[], (Tensor | null)[]];

export type GradFn<Y> = (dy: Y, options: GradFnOptions) => CustomGrads;

/** Run `fn` without recording anything: its results are constants (inference at full speed). */
export function no_grad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw typeError('no_grad', `fn must be a function; got ${typeof fn}`);
  return withoutRecording(() => userCode(fn));
}

/** Tensor arguments as the inputs of the node (arrays of tensors searched too). */
function inputsOf(fn: string, args: readonly unknown[]): Tensor[] {
  const inputs = tensorsIn(args);
  if (inputs.length === 0) throw valueError(fn, 'the function must be called with at least one tensor argument');
  return inputs;
}

/**
 * One `custom` node per output of the user's function: it passes the output's
 * value through and sends gradFor(j, g)[i] to input i. The inputs' list ends
 * with the variables read, whose reads are pinned in the node.
 */
function wrapOutputs(kind: string, outs: readonly Tensor[], nodeInputs: readonly Tensor[], gradFor: (j: number, g: Tensor) => (Tensor | null)[]): Map<Tensor, Tensor> {
  const wrapped = new Map<Tensor, Tensor>();
  outs.forEach((y, j) => {
    const memo = new WeakMap<Tensor, (Tensor | null)[]>();
    const grad = (g: Tensor, i: number) => {
      let all = memo.get(g);
      if (all === undefined) memo.set(g, (all = gradFor(j, g)));
      return all[i] ?? null;
    };
    wrapped.set(y, apply('custom', [...nodeInputs, y], { kind, grad }));
  });
  return wrapped;
}

function outputTensors(fn: string, ys: unknown): Tensor[] {
  const outs = Array.isArray(ys) ? ys : [ys];
  outs.forEach((y, i) => {
    if (!(y instanceof Tensor)) throw typeError(fn, `the function must return a tensor or a list of tensors; output ${i} is ${typeof y}`);
  });
  return outs as Tensor[];
}

/** grad_fn's result as one gradient (or null) per input, checked against the inputs' shapes. */
function normalizeGrads(result: CustomGrads, inputs: readonly Tensor[], variables: readonly Variable[]): (Tensor | null)[] {
  let forInputs: unknown = result;
  let forVars: unknown = [];
  if (variables.length > 0) {
    if (!Array.isArray(result) || result.length !== 2 || !Array.isArray(result[1])) {
      throw valueError('custom_gradient', `the function read ${variables.length} variable(s), so grad_fn must return [input grads, variable grads]`);
    }
    [forInputs, forVars] = result;
  }
  const gi = forInputs instanceof Tensor || forInputs === null ? [forInputs] : forInputs;
  if (!Array.isArray(gi) || gi.length !== inputs.length) {
    throw valueError('custom_gradient', `grad_fn must return ${inputs.length} gradient(s), one per tensor argument; got ${Array.isArray(gi) ? gi.length : typeof gi}`);
  }
  const gv = forVars as unknown[];
  if (gv.length !== variables.length) {
    throw valueError('custom_gradient', `grad_fn must return ${variables.length} variable gradient(s); got ${gv.length}`);
  }
  const targets: Tensor[] = [...inputs, ...variables];
  return [...gi, ...gv].map((g, i) => {
    if (g === null || g === undefined) return null;
    if (!(g instanceof Tensor)) throw typeError('custom_gradient', `gradient ${i} returned by grad_fn is ${typeof g}, not a tensor`);
    const t = targets[i]!;
    if (g.shape.length !== t.shape.length || g.shape.some((d, k) => d >= 0 && t.shape[k]! >= 0 && d !== t.shape[k])) {
      throw valueError('custom_gradient', `gradient ${i} returned by grad_fn has shape ${fmtShape(g.shape)}; its input has shape ${fmtShape(t.shape)}`);
    }
    return lax.cast(g, t.dtype);
  });
}

/**
 * A function whose gradient is `grad_fn` (tf.custom_gradient): `f(...args)`
 * returns `[y, grad_fn]`, and `grad_fn(dy, {variables})` returns the gradient
 * for each tensor argument (and, when f read variables, `[input grads,
 * variable grads]`). grad_fn's ops are recorded, so gradients of gradients
 * work when it is written with K ops.
 */
export function custom_gradient<A extends unknown[], Y extends Tensor | Tensor[]>(f: (...args: A) => [Y, GradFn<Y>]): (...args: A) => Y {
  if (typeof f !== 'function') throw typeError('custom_gradient', `f must be a function; got ${typeof f}`);
  return (...args: A): Y => {
    const inputs = inputsOf('custom_gradient', args);
    const symbolic = inputs.some((t) => t.isSymbolic);
    // Eager: run f unrecorded (only grad_fn defines the gradient). Symbolic: f's
    // graph is how K.function computes y, so it is recorded (but not differentiated).
    const run = () => userCode(() => f(...args));
    const [result, variables] = watchingVariables(() => (symbolic ? run() : withoutRecording(run)));
    if (!Array.isArray(result) || result.length !== 2 || typeof result[1] !== 'function') {
      throw typeError('custom_gradient', 'f must return [y, grad_fn]');
    }
    const [ys, gradFn] = result;
    const outs = outputTensors('custom_gradient', ys);
    if (!isRecording()) return ys;
    const gradFor = (j: number, g: Tensor) => {
      const dys = outs.map((o, k) => (k === j ? g : lax.zerosLike(o)));
      const r = userCode(() => gradFn((Array.isArray(ys) ? dys : dys[0]!) as Y, { variables }));
      return normalizeGrads(r, inputs, variables);
    };
    const wrapped = wrapOutputs('custom_gradient', outs, [...inputs, ...variables], gradFor);
    return mapTensors(ys, (t) => wrapped.get(t) ?? t);
  };
}

/**
 * `fn` that keeps only its inputs and outputs on the tape and recomputes its
 * inside in the backward pass (gradient checkpointing): memory for compute,
 * e.g. a K.rnn step function. Variables are read as they were in the forward
 * pass; random ops without a seed would draw new values in the recomputation.
 */
export function checkpoint<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  if (typeof fn !== 'function') throw typeError('checkpoint', `fn must be a function; got ${typeof fn}`);
  return (...args: A): R => {
    const inputs = inputsOf('checkpoint', args);
    // A graph keeps no values, so there is nothing to save: record it as it is.
    if (!isRecording() || inputs.some((t) => t.isSymbolic)) return userCode(() => fn(...args));
    const [out, variables] = watchingVariables(() => withoutRecording(() => userCode(() => fn(...args))));
    const outs = tensorsIn(out);
    if (outs.length === 0) throw typeError('checkpoint', 'fn must return a tensor or a structure of tensors');
    const reads = new Map(variables.map((v) => [v, readVariable(v)] as const));
    const targets = [...inputs, ...reads.values()];
    // One recomputation serves every output's gradient in a backward pass.
    let again: Tensor[] | null = null;
    let served = 0;
    const gradFor = (j: number, g: Tensor) => {
      again ??= tensorsIn(withVariableReads(reads, () => userCode(() => fn(...args))));
      const grads = backprop([again[j]!], [g], targets);
      if (++served === outs.length) [again, served] = [null, 0];
      return grads;
    };
    const wrapped = wrapOutputs('checkpoint', outs, [...inputs, ...variables], gradFor);
    return mapTensors(out, (t) => wrapped.get(t) ?? t);
  };
}
