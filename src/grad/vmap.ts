// K.vmap (JAX's vmap): a function mapped over a batch axis of its arguments
// without a loop. Inside, each argument is a tensor that stands for one
// example; every primitive the function applies runs its batching rule
// (src/prims/batching.ts and the table) once, on the batched values. A
// gradient taken inside walks the examples' own nodes, whose VJPs are
// batched in turn; a gradient taken outside walks the batched values' nodes.
import { fmtShape, keras, typeError, userCode, valueError } from '../core/context.js';
import { batched, newLevel, withLevel } from '../core/batch.js';
import { toTensor } from '../core/convert.js';
import { isKnown } from '../core/shape.js';
import { tensorsIn } from '../core/nest.js';
import { Tensor, Variable, type BatchLevel } from '../core/tensor.js';
import { readVariable } from '../prims/apply.js';
import { physical } from '../prims/batching.js';
import * as lax from '../prims/lax.js';
import { gradients } from './gradients.js';

/** An axis, or null: not mapped (the same value for every example). */
export type Axis = number | null;
/** One entry per argument (or output), each an axis or a structure matching that argument's nesting. */
export type AxisSpec = Axis | readonly AxisSpec[];

interface Leaf {
  readonly t: Tensor;
  readonly axis: Axis;
  readonly where: string;
}

/** Array.isArray, narrowing a readonly list too. */
const isList = (s: AxisSpec | undefined): s is readonly AxisSpec[] => Array.isArray(s);

function isAxis(a: unknown): a is Axis {
  return a === null || a === undefined || Number.isInteger(a);
}

function checkSpec(arg: string, spec: unknown): void {
  if (isAxis(spec)) return;
  if (!Array.isArray(spec))
    throw typeError('vmap', `${arg} must be an integer, null or a nested list of them; got ${typeof spec}`);
  spec.forEach((s, i) => checkSpec(`${arg}[${i}]`, s));
}

/**
 * Walk argument `x` against its axis spec (a prefix of its structure: an axis
 * applies to every tensor below it). A list that holds tensors is a
 * structure; anything else is one tensor-like. Returns x's structure with
 * each tensor replaced by its index in `out`.
 */
function leavesOf(x: unknown, spec: AxisSpec | undefined, where: string, out: Leaf[]): unknown {
  const structure = Array.isArray(x) && tensorsIn(x).length > 0;
  if (isList(spec)) {
    if (!structure || (x as unknown[]).length !== spec.length) {
      throw valueError(
        'vmap',
        `in_axes gives ${spec.length} entries for ${where}, which is ${structure ? `a list of ${(x as unknown[]).length}` : 'one tensor'}`
      );
    }
    return (x as unknown[]).map((e, i) => leavesOf(e, spec[i], `${where}[${i}]`, out));
  }
  if (structure) return (x as unknown[]).map((e, i) => leavesOf(e, spec, `${where}[${i}]`, out));
  const t = toTensor('vmap', x as never, where);
  // A variable is mapped through its current value (a function it runs reads the value, not the variable).
  out.push({ t: t instanceof Variable ? readVariable(t) : t, axis: spec ?? null, where });
  return out.length - 1;
}

/** The examples of one leaf at `level` (or the leaf itself, when not mapped). */
function exampleOf(leaf: Leaf, level: BatchLevel): Tensor {
  if (leaf.axis === null) return leaf.t;
  return batched(leaf.t, leaf.axis, level);
}

/** One output (a tensor of the examples, or one shared by all) as the batched value with its batch axis at `axis`. */
function outputOf(y: unknown, spec: AxisSpec | undefined, level: BatchLevel, where: string): unknown {
  if (Array.isArray(y)) {
    if (isList(spec) && spec.length !== y.length)
      throw valueError('vmap', `out_axes gives ${spec.length} entries for ${where}, a list of ${y.length}`);
    return y.map((e, i) => outputOf(e, isList(spec) ? spec[i] : spec, level, `${where}[${i}]`));
  }
  if (!(y instanceof Tensor))
    throw typeError('vmap', `f must return tensors or lists of them; ${where} is ${typeof y}`);
  if (isList(spec)) throw valueError('vmap', `out_axes gives a list for ${where}, which is a tensor`);
  const mine = y.batch !== null && y.batch.level === level;
  if (spec === null || spec === undefined) {
    if (mine)
      throw valueError(
        'vmap',
        `out_axes is null for ${where}, but it differs from one example to another (shape ${fmtShape(y.shape)} per example)`
      );
    return y;
  }
  const rank = y.rank + 1;
  const axis = spec < 0 ? spec + rank : spec;
  if (axis < 0 || axis >= rank)
    throw valueError('vmap', `out_axes ${spec} is out of range for ${where} of shape ${fmtShape(y.shape)} per example`);
  return physical(y, level, axis);
}

/**
 * f mapped over a batch axis of its arguments (jax.vmap). Each primitive f
 * applies runs once, on the whole batch; f itself runs once. `in_axes` says
 * where each argument's batch axis is: an integer (negative from the end),
 * null (not mapped: the same value for every example), or a list with one
 * entry per argument, each an axis or a nested list matching that
 * argument's nesting. `out_axes` places the batch axis of each output the
 * same way (null: an output that is the same for every example). Gradients
 * compose both ways: K.gradients inside f gives per-example gradients, and
 * the gradient of a vmapped function's result is a gradient like any other.
 * Inside f every example draws its own random values, as a loop would.
 *
 * @param f  a function of tensors (or nested lists of them) returning a tensor or a nested list of tensors
 * @param in_axes  default 0
 * @param out_axes  default 0
 * @returns the mapped function
 * @throws K.ValueError when the mapped axes differ in size, an axis is out of
 *   range, no argument is mapped, or a shape is unknown
 * @example
 * ```ts
 * const rowNorms = K.vmap((r: K.Tensor) => K.sqrt(K.sum(K.square(r))));
 * K.eval(rowNorms(K.constant([[3, 4], [6, 8]])));           // [5, 10]
 * const addBias = K.vmap((x: K.Tensor, b: K.Tensor) => K.add(x, b), [0, null]);
 * K.eval(addBias(K.constant([[1, 2], [3, 4]]), K.constant([10, 20]))); // [[11, 22], [13, 24]]
 * ```
 */
export function vmap<R>(
  f: (...args: never[]) => R,
  in_axes: AxisSpec = 0,
  out_axes: AxisSpec = 0
): (...args: unknown[]) => R {
  keras(vmap, () => {
    if (typeof f !== 'function') throw typeError('vmap', `f must be a function; got ${typeof f}`);
    checkSpec('in_axes', in_axes);
    checkSpec('out_axes', out_axes);
  });
  return (...args: unknown[]): R =>
    keras(vmap, () => {
      if (isList(in_axes) && in_axes.length !== args.length) {
        throw valueError('vmap', `in_axes has ${in_axes.length} entries, but f was given ${args.length} arguments`);
      }
      const leaves: Leaf[] = [];
      const shaped = args.map((x, i) => leavesOf(x, isList(in_axes) ? in_axes[i] : in_axes, `args[${i}]`, leaves));
      if (leaves.every((l) => l.axis === null))
        throw valueError('vmap', 'no argument is mapped: in_axes must give at least one axis');
      const normal: Leaf[] = [];
      for (const l of leaves) {
        if (l.axis === null) {
          normal.push(l);
          continue;
        }
        const rank = l.t.rank;
        const axis = l.axis < 0 ? l.axis + rank : l.axis;
        if (axis < 0 || axis >= rank)
          throw valueError('vmap', `in_axes ${l.axis} is out of range for ${l.where} of shape ${fmtShape(l.t.shape)}`);
        if (!isKnown(l.t.shape))
          throw valueError('vmap', `${l.where} has shape ${fmtShape(l.t.shape)}; K.vmap needs known shapes`);
        normal.push({ ...l, axis });
      }
      const sizes = normal.filter((l) => l.axis !== null).map((l) => [l.where, l.t.shape[l.axis!]!] as const);
      const size = sizes[0]![1];
      if (sizes.some(([, n]) => n !== size)) {
        throw valueError(
          'vmap',
          `the mapped axes must have one size; got ${sizes.map(([w, n]) => `${w}: ${n}`).join(', ')}`
        );
      }
      const level = newLevel(size);
      return withLevel(level, () => {
        const swap = (s: unknown): unknown => (Array.isArray(s) ? s.map(swap) : exampleOf(normal[s as number]!, level));
        const examples = shaped.map(swap);
        const y = userCode(() => (f as (...a: unknown[]) => R)(...examples));
        return outputOf(y, out_axes, level, 'the result') as R;
      });
    });
}

/**
 * The gradient of `lossFn` with respect to each of `params`, for each example
 * of `batch` on its own (differential privacy, influence functions, gradient
 * statistics): K.vmap over the examples of K.gradients, so one batched pass
 * instead of a loop. Each result has the batch size in front of its
 * parameter's shape.
 *
 * @param lossFn  `(params, example) => scalar`; `example` has batch's structure (a tensor, or a list of tensors) without the batch axis
 * @param params  the tensors or variables to differentiate by (shared by every example)
 * @param batch  a tensor, or a list of tensors, with the examples along axis 0
 * @returns one tensor per parameter, of shape [batch size, ...parameter's shape]
 * @throws K.ValueError when the batch's tensors differ in size or the loss is not a scalar
 * @example
 * ```ts
 * const w = K.variable([1, 2]);
 * const loss = (p: K.Tensor[], x: K.Tensor) => K.sum(K.multiply(p[0]!, x));
 * K.eval(K.per_example_gradients(loss, [w], K.constant([[1, 0], [0, 3]]))[0]!); // [[1, 0], [0, 3]]
 * ```
 */
export function per_example_gradients<E extends Tensor | Tensor[]>(
  lossFn: (params: Tensor[], example: E) => Tensor,
  params: readonly Tensor[],
  batch: E
): Tensor[] {
  return keras(per_example_gradients, () => {
    if (typeof lossFn !== 'function')
      throw typeError('per_example_gradients', `lossFn must be a function; got ${typeof lossFn}`);
    if (!Array.isArray(params) || !params.every((p) => p instanceof Tensor))
      throw typeError('per_example_gradients', 'params must be a list of tensors or variables');
    const ps = params.map((p, i) => {
      toTensor('per_example_gradients', p, `params[${i}]`); // disposed?
      return p;
    });
    const list = Array.isArray(batch);
    const inputs = (list ? [...(batch as readonly Tensor[])] : [batch]) as unknown[];
    const each = (...xs: Tensor[]) => {
      const loss = lossFn(ps, (list ? xs : xs[0]!) as E);
      if (!(loss instanceof Tensor) || loss.rank !== 0)
        throw valueError(
          'per_example_gradients',
          `lossFn must return a scalar for one example; got ${loss instanceof Tensor ? `shape ${fmtShape(loss.shape)}` : typeof loss}`
        );
      return gradients(loss, ps).map((g, i) => g ?? lax.zerosLike(ps[i]!));
    };
    return vmap(each as (...a: never[]) => Tensor[])(...inputs);
  });
}
