// What the three optimizers share: the interface a training loop calls, and
// the checks every constructor runs on its arguments before making any state.
import * as K from '../../src/index.js';
import type { DType, Tensor, Variable } from '../../src/index.js';

/** A hand-written optimizer: its state lives in K.variable's, changed only by K.update*. */
export interface Optimizer {
  readonly name: string;
  /** The parameters it updates, in the order `step` expects their gradients. */
  readonly params: readonly Variable[];
  /** Applies one update from `grads[i]`, the gradient of the loss w.r.t. `params[i]` (null: skipped). */
  step(grads: readonly (Tensor | null)[]): void;
}

/**
 * Bad hyperparameters and arguments are a K.ValueError thrown by the
 * constructor (as Keras's optimizers raise ValueError), naming the optimizer
 * and the argument, before any variable is made.
 */
export function fail(opt: string, msg: string): never {
  throw new K.ValueError(`${opt}: ${msg}`);
}

/** A finite number >= 0 (> 0 when `positive`). */
export function checkNonNegative(opt: string, name: string, value: unknown, positive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    fail(opt, `${name} must be a finite number ${positive ? '> 0' : '>= 0'}; got ${String(value)}`);
  }
  return value;
}

/** A decay rate in [0, 1): 1 would never forget, and bias correction would divide by zero. */
export function checkRate(opt: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1))
    fail(opt, `${name} must be in [0, 1); got ${String(value)}`);
  return value;
}

/** Reject option keys the optimizer does not know (a typo would otherwise silently keep the default). */
export function checkKeys(opt: string, hyper: object, known: readonly string[]): void {
  for (const key of Object.keys(hyper)) {
    if (!known.includes(key)) fail(opt, `unknown hyperparameter '${key}'; expected one of ${known.join(', ')}`);
  }
}

/** The parameters: a non-empty list of float variables of one dtype; returns that dtype. */
export function checkParams(opt: string, params: readonly Variable[]): DType {
  if (!Array.isArray(params) || params.length === 0) fail(opt, 'params must be a non-empty list of variables');
  params.forEach((p, i) => {
    if (!(p instanceof K.Variable)) fail(opt, `params[${i}] must be a K.variable; got ${typeof p}`);
  });
  const dtype = params[0]!.dtype;
  params.forEach((p, i) => {
    if (dtype !== 'float32' && dtype !== 'float64')
      fail(opt, `params must be float32 or float64; params[${i}] is ${p.dtype}`);
    if (p.dtype !== dtype) fail(opt, `params must share one dtype; params[0] is ${dtype}, params[${i}] is ${p.dtype}`);
  });
  return dtype;
}

/** One gradient per parameter, each of its parameter's shape (or null). */
export function checkGrads(opt: string, params: readonly Variable[], grads: readonly (Tensor | null)[]): void {
  if (grads.length !== params.length) fail(opt, `step got ${grads.length} gradients for ${params.length} params`);
  grads.forEach((g, i) => {
    const p = params[i]!;
    if (g !== null && (g.shape.length !== p.shape.length || g.shape.some((d, k) => d !== p.shape[k]))) {
      fail(
        opt,
        `grads[${i}] has shape [${g.shape.join(', ')}] but params[${i}] (${p.name}) has [${p.shape.join(', ')}]`
      );
    }
  });
}

/** A zero variable like each parameter: one slot of optimizer state per parameter. */
export function slots(params: readonly Variable[], slot: string): Variable[] {
  return params.map((p) => K.zeros(p.shape, p.dtype, `${p.name}/${slot}`));
}
