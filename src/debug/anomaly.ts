// K.detect_anomaly: stop at the first NaN or Infinity an op produces, forward
// or backward, and say which op made it and where in the user's code. Every
// result is read back (a download on the gpu), so this is a debugging mode.
import { currentName, fmtShape, typeError } from '../core/context.js';
import type { Nd } from '../core/ndarray.js';
import { isFloat, type DType } from '../core/dtype.js';
import { hostReaders, type Storage } from '../core/storage.js';
import type { Tensor, Node } from '../core/tensor.js';
import { observing } from '../prims/apply.js';
import { currentBackwardNode } from '../grad/backprop.js';
import { callSite, withSites } from '../core/site.js';
import { specOf } from '../prims/table.js';
import { ARITY, type Prim } from '../core/primitives.js';

/** An op of the tape as an anomaly report names it. */
export interface AnomalyOp {
  /** The primitive ('log', 'div', 'custom'). */
  readonly prim: string;
  /** The Keras function the user called to make it ('log', 'categorical_crossentropy'), if any. */
  readonly kerasFunction: string | null;
  /** 'file:line:col' of the user's code that made it, when it could be found. */
  readonly site: string | null;
}

/**
 * The error K.detect_anomaly throws at the first NaN or Infinity. Not a
 * K.ValueError: the arguments were valid, the values went bad (TF raises
 * InvalidArgumentError, PyTorch a RuntimeError), and code catching ValueError
 * for bad input must not swallow it.
 *
 * @example
 * ```ts
 * try {
 *   K.detect_anomaly(() => K.log(K.constant([-1])));
 * } catch (e) {
 *   if (e instanceof K.AnomalyError) console.log(e.pass, e.op.prim, e.op.site, e.nan);
 * }
 * ```
 */
export class AnomalyError extends Error {
  constructor(
    message: string,
    /** 'forward', or 'backward' when the op ran inside a K.gradients call. */
    readonly pass: 'forward' | 'backward',
    /** The op whose result holds the bad values. */
    readonly op: AnomalyOp,
    /** In the backward pass: the forward op whose gradient was being computed; else null. */
    readonly backwardOf: AnomalyOp | null,
    /** Shape and dtype of the bad result, and the shapes of its inputs. */
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly inputShapes: readonly (readonly number[])[],
    /** How many of its values are NaN, and how many are +-Infinity. */
    readonly nan: number,
    readonly inf: number
  ) {
    super(message);
    this.name = 'AnomalyError';
  }
}

/**
 * Run `fn` in anomaly-detection mode: call sites are recorded, and the value of
 * every float result of an op (forward, and backward inside K.gradients) is
 * checked; the first one holding a NaN or an Infinity throws a K.AnomalyError
 * naming the op, its Keras function, whether it ran in the forward or the
 * backward pass (and then whose gradient it was computing, with that op's
 * line), the user's line that made it, the shapes, and how many values are bad.
 * Results are the same as without it; errors thrown by `fn` pass through
 * unchanged. Symbolic results (placeholders) have no values and are not checked.
 * Like PyTorch's anomaly mode, it also stops at an intermediate Infinity that a
 * later op would have masked (the gradient of K.sqrt at 0). `fn` must be
 * synchronous: an async function is watched only up to its first await.
 *
 * @param fn  the code to watch: a forward pass, typically ending with K.gradients.
 * @returns what `fn` returns.
 * @throws K.AnomalyError at the first NaN or Infinity.
 * @example
 * ```ts
 * const w = K.variable([[0.5], [-0.25]]);
 * const grads = K.detect_anomaly(() => {
 *   const loss = K.mean(K.square(K.dot(K.constant([[1, 2]]), w)));
 *   return K.gradients(loss, [w]);
 * });
 * K.detect_anomaly(() => K.log(K.constant([-1]))); // throws K.AnomalyError: ... forward pass ... log (K.log) ...
 * ```
 */
export function detect_anomaly<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw typeError('detect_anomaly', `fn must be a function; got ${typeof fn}`);
  // Not wrapped in keras(): the ops inside must keep the names of the functions the user calls.
  return withSites(() => observing(check, fn));
}

function check(out: Tensor, prim: Prim, inputs: readonly Tensor[]): void {
  if (out.storage === null || !isFloat(out.dtype)) return;
  const { nan, inf } = countNonFinite(valuesOf(out.storage, out.shape, out.dtype));
  if (nan === 0 && inf === 0) return;
  // Unrecorded ops (inside K.no_grad) have no node: take the site here, still inside apply.
  const op: AnomalyOp = { prim, kerasFunction: currentName(), site: out.node?.site ?? callSite() };
  const fwd = currentBackwardNode();
  const backwardOf = fwd === null ? null : describe(fwd);
  throw new AnomalyError(
    message(op, backwardOf, out, inputs, nan, inf),
    backwardOf === null ? 'forward' : 'backward',
    op,
    backwardOf,
    [...out.shape],
    out.dtype,
    inputs.map((t) => [...t.shape]),
    nan,
    inf
  );
}

function describe(node: Node): AnomalyOp {
  const kind = node.prim === 'custom' ? (node.attrs as { kind: string }).kind : null;
  return { prim: node.prim, kerasFunction: node.fn ?? kind, site: node.site };
}

function opName(op: AnomalyOp): string {
  return op.kerasFunction === null ? op.prim : `${op.prim} (K.${op.kerasFunction})`;
}

function message(
  op: AnomalyOp,
  backwardOf: AnomalyOp | null,
  out: Tensor,
  inputs: readonly Tensor[],
  nan: number,
  inf: number
): string {
  const size = out.shape.reduce((a, b) => a * b, 1);
  const bad = [nan > 0 ? `${nan} NaN` : '', inf > 0 ? `${inf} Inf` : ''].filter((s) => s !== '').join(' and ');
  const where =
    backwardOf === null
      ? 'the forward pass'
      : `the backward pass of ${opName(backwardOf)} created at ${backwardOf.site ?? '(no call site: made outside K.detect_anomaly)'}`;
  const ins = inputs.map((t) => `${fmtShape(t.shape)} ${t.dtype}`).join(', ');
  const rule = backwardOf === null ? null : vjpFormula(backwardOf.prim);
  return [
    `detect_anomaly: ${bad} (of ${size} value${size === 1 ? '' : 's'}) in ${where}`,
    ...(rule === null ? [] : [`  its gradient rule: ${rule}`]),
    `  op: ${opName(op)}, result ${fmtShape(out.shape)} ${out.dtype}, inputs ${ins === '' ? 'none' : ins}`,
    `  ${backwardOf === null ? 'created' : 'run'} at: ${op.site ?? '(unknown site)'}`,
  ].join('\n');
}

/** The VJP formula of a primitive when it has just one (which input's rule is running is not known). */
function vjpFormula(prim: string): string | null {
  if (!Object.hasOwn(ARITY, prim)) return null;
  const spec = specOf(prim as Prim);
  if ('nonDifferentiable' in spec.vjp) return null;
  if ('variadic' in spec.vjp) return spec.vjp.variadic.formula;
  const rules = spec.vjp.filter((r) => r !== null);
  return rules.length === 1 ? rules[0]!.formula : null;
}

/** The host values of a storage, read without caching a copy (the run must not change memory). */
function valuesOf(s: Storage, shape: number[], dtype: DType): Nd {
  if (s.device === 'cpu') return s.data as Nd;
  const cached = s.copies?.cpu;
  if (cached !== undefined) return cached.data as Nd;
  const read = hostReaders[s.device];
  if (read === undefined) throw new Error(`detect_anomaly: no reader for device ${s.device}`);
  return read(s.data, shape, dtype);
}

/** NaNs and infinities among the elements of a (possibly strided) view. */
function countNonFinite(a: Nd): { nan: number; inf: number } {
  let nan = 0;
  let inf = 0;
  const { shape, stride, data } = a;
  const rank = shape.length;
  const size = shape.reduce((p, d) => p * d, 1);
  if (size === 0) return { nan, inf };
  const idx = new Array<number>(rank).fill(0);
  let off = a.offset;
  for (let n = 0; n < size; n++) {
    const v = data[off]!;
    if (v !== v) nan++;
    else if (v === Infinity || v === -Infinity) inf++;
    // Odometer step over the view's strides.
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = idx[d]! + 1;
      off += stride[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= stride[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return { nan, inf };
}
