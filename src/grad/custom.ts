// User-defined gradients on the tape: K.custom_gradient (the user's grad_fn
// replaces the recorded graph's), K.checkpoint (save inputs only, recompute in
// the backward pass) and K.no_grad. All three put one `custom` node on the tape
// whose gradient is a closure; see src/prims/state.ts.
import { typeError, userCode, valueError, fmtShape, synchronous } from '../core/context.js';
import { Tensor, type Variable } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import {
  apply,
  isRecording,
  observing,
  readVariable,
  watchingVariables,
  withoutRecording,
  withVariableReads,
} from '../prims/apply.js';
import { backprop } from './backprop.js';
import { mapTensors, tensorsIn } from '../core/nest.js';

/** The options grad_fn receives: the variables the function read (TF's `variables=` keyword). */
export interface GradFnOptions {
  readonly variables: Variable[];
}

/**
 * What grad_fn returns: the gradient for each tensor argument (a tensor when
 * there is one argument; null for none), and when the function read
 * variables, the pair [input grads, variable grads].
 */
export type CustomGrads = Tensor | (Tensor | null)[] | [Tensor | (Tensor | null)[], (Tensor | null)[]];

/**
 * The grad_fn a K.custom_gradient function returns with its result: given the
 * cotangent `dy` of the result (shaped as it), the gradients of its inputs.
 */
export type GradFn<Y> = (dy: Y, options: GradFnOptions) => CustomGrads;

/**
 * Run `fn` without recording anything on the tape (PyTorch's `no_grad`): its
 * results are constants, so inference pays no recording cost and keeps no
 * intermediates alive. Recording resumes afterwards, also when `fn` throws.
 *
 * @param fn  the computation to run
 * @returns whatever `fn` returns
 * @throws K.TypeError when `fn` is not a function
 * @example
 * ```ts
 * const x = K.variable([1, 2, 3]);
 * const y = K.no_grad(() => K.sum(K.square(x)));
 * K.eval(y);                  // 14
 * K.gradients(y, [x]);        // [null]: y is a constant
 * ```
 */
export function no_grad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw typeError('no_grad', `fn must be a function; got ${typeof fn}`);
  return withoutRecording(() => synchronous('no_grad', userCode(fn)));
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
function wrapOutputs(
  kind: string,
  outs: readonly Tensor[],
  nodeInputs: readonly Tensor[],
  gradFor: (j: number, g: Tensor) => (Tensor | null)[]
): Map<Tensor, Tensor> {
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
    if (!(y instanceof Tensor))
      throw typeError(fn, `the function must return a tensor or a list of tensors; output ${i} is ${typeof y}`);
  });
  return outs as Tensor[];
}

/** grad_fn's result as one gradient (or null) per input, checked against the inputs' shapes. */
function normalizeGrads(
  result: CustomGrads,
  inputs: readonly Tensor[],
  variables: readonly Variable[]
): (Tensor | null)[] {
  let forInputs: unknown = result;
  let forVars: unknown = [];
  if (variables.length > 0) {
    if (!Array.isArray(result) || result.length !== 2 || !Array.isArray(result[1])) {
      throw valueError(
        'custom_gradient',
        `custom_gradient: the function read ${variables.length} variable(s), so grad_fn must return [input grads, variable grads]`
      );
    }
    [forInputs, forVars] = result;
  }
  const gi = forInputs instanceof Tensor || forInputs === null ? [forInputs] : forInputs;
  if (!Array.isArray(gi) || gi.length !== inputs.length) {
    throw valueError(
      'custom_gradient',
      `custom_gradient: grad_fn must return ${inputs.length} gradient(s), one per tensor argument; got ${Array.isArray(gi) ? gi.length : typeof gi}`
    );
  }
  const gv = forVars as unknown[];
  if (gv.length !== variables.length) {
    throw valueError(
      'custom_gradient',
      `custom_gradient: grad_fn must return ${variables.length} variable gradient(s); got ${gv.length}`
    );
  }
  const targets: Tensor[] = [...inputs, ...variables];
  return [...gi, ...gv].map((g, i) => {
    if (g === null || g === undefined) return null;
    if (!(g instanceof Tensor))
      throw typeError(
        'custom_gradient',
        `custom_gradient: gradient ${i} returned by grad_fn is ${typeof g}, not a tensor`
      );
    const t = targets[i]!;
    if (g.shape.length !== t.shape.length || g.shape.some((d, k) => d >= 0 && t.shape[k]! >= 0 && d !== t.shape[k])) {
      throw valueError(
        'custom_gradient',
        `custom_gradient: gradient ${i} returned by grad_fn has shape ${fmtShape(g.shape)}; its input has shape ${fmtShape(t.shape)}`
      );
    }
    return lax.cast(g, t.dtype);
  });
}

/**
 * A function whose gradient is `grad_fn` (tf.custom_gradient): `f(...args)`
 * returns `[y, grad_fn]` (y a tensor or a list of tensors), and
 * `grad_fn(dy, {variables})` returns the gradient for each tensor argument (a
 * tensor when there is one argument; null for none) or, when f read variables,
 * `[input grads, variable grads]` (variables passed as arguments are inputs,
 * not read variables). f's ops are recorded but never differentiated: one
 * node carries grad_fn. grad_fn's ops are recorded too, so gradients of
 * gradients work when it uses K ops, also through values f computed.
 *
 * @param f  `(...args) => [y, grad_fn]`; tensor arguments (also inside arrays) are the inputs
 * @returns a function with f's arguments returning y
 * @throws K.TypeError when f is not a function or does not return `[y, grad_fn]`;
 *   K.ValueError when grad_fn returns the wrong number or shapes of gradients
 * @example
 * ```ts
 * // log(1 + e^x) without overflow, with the exact gradient sigmoid(x) by hand
 * const softplus = K.custom_gradient((x: K.Tensor) => [
 *   K.add(K.relu(x), K.log(K.add(K.exp(K.negative(K.abs(x))), 1))),
 *   (dy: K.Tensor) => K.multiply(dy, K.sigmoid(x)),
 * ]);
 * const x = K.constant([0, 100]);
 * K.eval(softplus(x));                                // [0.6931, 100]
 * K.eval(K.gradients(K.sum(softplus(x)), [x])[0]!);   // [0.5, 1]
 * ```
 */
export function custom_gradient<A extends unknown[], Y extends Tensor | Tensor[]>(
  f: (...args: A) => [Y, GradFn<Y>]
): (...args: A) => Y {
  if (typeof f !== 'function') throw typeError('custom_gradient', `f must be a function; got ${typeof f}`);
  return (...args: A): Y => {
    const inputs = inputsOf('custom_gradient', args);
    // f's ops are recorded, eagerly too (as TF's eager decorator keeps them on
    // the tape): the node never differentiates them (its VJP for y is none), but
    // a grad_fn that uses a value f computed (log1pexp's e = exp(x)) then
    // depends on x through it, so gradients of gradients are right. On
    // placeholders f's graph is also how K.function computes y.
    const [result, read] = watchingVariables(() => userCode(() => f(...args)));
    // Variables passed as arguments are inputs, not captured variables (TF leaves them out).
    const variables = read.filter((v) => !inputs.includes(v));
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
 * Gradient checkpointing: the returned function keeps only its inputs and
 * outputs on the tape and recomputes its inside in the backward pass, trading
 * compute for memory (e.g. a K.rnn step function). Tensors fn closes over are
 * inputs too; variables are read as they were in the forward pass; random ops
 * without a seed would draw new values in the recomputation. Higher-order
 * gradients work. On placeholders fn is recorded as it is.
 *
 * @param fn  a function of tensors (also inside arrays) returning a tensor or a structure of tensors
 * @returns a function with fn's signature
 * @throws K.TypeError when fn is not a function or returns no tensor;
 *   K.ValueError when called without a tensor argument
 * @example
 * ```ts
 * const w = K.variable([[0.5, -0.2], [0.1, 0.3]]);
 * const layer = K.checkpoint((x: K.Tensor) => K.tanh(K.dot(x, w)));
 * const x = K.constant([[1, 2]]);
 * const loss = K.sum(layer(x));
 * K.gradients(loss, [w]);   // as without checkpoint; tanh's input was not kept
 * ```
 */
export function checkpoint<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  if (typeof fn !== 'function') throw typeError('checkpoint', `fn must be a function; got ${typeof fn}`);
  return (...args: A): R => {
    const inputs = inputsOf('checkpoint', args);
    // A graph keeps no values, so there is nothing to save: record it as it is.
    if (!isRecording() || inputs.some((t) => t.isSymbolic)) return userCode(() => fn(...args));
    // Tensors fn closes over are inputs too (their gradients must flow): they
    // are what its ops read that it neither made nor was given.
    const made = new Set<Tensor>();
    const read = new Set<Tensor>();
    const watch = (o: Tensor, _p: unknown, ins: readonly Tensor[]) => {
      made.add(o);
      for (const t of ins) read.add(t);
    };
    const [out, variables] = watchingVariables(() =>
      observing(watch, () => withoutRecording(() => userCode(() => fn(...args))))
    );
    const outs = tensorsIn(out);
    if (outs.length === 0) throw typeError('checkpoint', 'fn must return a tensor or a structure of tensors');
    const given = new Set(inputs);
    const captured = [...read].filter(
      (t) => !made.has(t) && !given.has(t) && t.node?.prim !== 'read_variable' && (t.node !== null || t.rank > 0)
    );
    inputs.push(...captured);
    const reads = new Map(variables.map((v) => [v, readVariable(v)] as const));
    const targets = [...inputs, ...reads.values()];
    // One recomputation serves every output's gradient in a backward pass.
    let again: Tensor[] | null = null;
    let served = 0;
    const gradFor = (j: number, g: Tensor) => {
      again ??= tensorsIn(withVariableReads(reads, () => userCode(() => fn(...args))));
      const grads = backprop([again[j]!], [g], targets, undefined, true);
      if (++served === outs.length) [again, served] = [null, 0];
      return grads;
    };
    const wrapped = wrapOutputs('checkpoint', outs, [...inputs, ...variables], gradFor);
    return mapTensors(out, (t) => wrapped.get(t) ?? t);
  };
}
