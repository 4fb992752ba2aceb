// Symbolic graphs: placeholders, and K.function to evaluate a graph on values.
// A graph is the same recorded graph eager code makes; only its inputs lack
// values. Shape rules run without data, so ops on placeholders infer shapes.
import type { NdArray } from 'ndarray';
import { nameArg, options } from '../core/args.js';
import { floatx, get_uid } from '../core/config.js';
import { fmtShape, keras, typeError, valueError, runningName, showRaw } from '../core/context.js';
import { describeValue, isNdArray, toTensor } from '../core/convert.js';
import { copyOut } from '../core/ndarray.js';
import { MAX_ELEMENTS, toDType, type DType } from '../core/dtype.js';
import { isIntList, MAX_RANK, sameShape, UNKNOWN } from '../core/shape.js';
import { SparseTensor } from '../core/sparse.js';
import { Placeholder, Tensor, Variable } from '../core/tensor.js';
import { isCoo, sparseFromCoo } from './sparse.js';
import { bufferOf, evaluateGraph, graphOrder } from '../grad/evaluate.js';
import { metasOf, planGraph, planning, runProgram, signature, type Program } from '../grad/compile.js';
import { observed, withoutRecording } from '../prims/apply.js';
import { set_value as assignValue, UpdateOp } from './variables.js';

export interface PlaceholderOptions {
  shape?: (number | null)[] | null;
  ndim?: number | null;
  dtype?: DType | null;
  sparse?: boolean;
  name?: string | null;
}

/**
 * A symbolic input of a graph: a shape and dtype, no value. Ops on it record a
 * graph and infer shapes without computing; K.function feeds it values.
 * Dimensions given as null are unknown until fed. Give `shape` or `ndim` (ktape
 * has no tensors of unknown rank). With `sparse`, a SparseTensor whose indices
 * and values are placeholders of unknown length; K.function feeds it a COO
 * value. Keras's `ragged` is not supported.
 *
 * @param shape  the shape, null for unknown dimensions; `[]` is a scalar. Also `options.shape`.
 * @param ndim  the rank, every dimension unknown (when `shape` is not given). Also `options.ndim`.
 * @param dtype  the dtype; null or omitted: floatx(). Also `options.dtype`.
 * @param sparse  make a sparse placeholder (default false). Also `options.sparse`.
 * @param name  a name (default `placeholder_<uid>`). Also `options.name`.
 * @returns a Placeholder, or a SparseTensor when `sparse` is true.
 * @throws K.ValueError when neither `shape` nor `ndim` is given, or they are not valid.
 * @throws K.TypeError when `sparse` is not a boolean, or `dtype` is unknown.
 * @example
 * ```ts
 * const x = K.placeholder([null, 3]);
 * K.int_shape(x); // [null, 3]
 * K.int_shape(K.sum(x, 1)); // [null]
 * K.dtype(K.placeholder({ ndim: 2, dtype: 'int32' })); // 'int32'
 * ```
 */
export function placeholder(
  shape: (number | null)[] | null | undefined,
  ndim: number | null | undefined,
  dtype: DType | null | undefined,
  sparse: true,
  name?: string | null
): SparseTensor;
export function placeholder(
  shape: (number | null)[] | null | undefined,
  options: PlaceholderOptions & { sparse: true }
): SparseTensor;
export function placeholder(options: PlaceholderOptions & { sparse: true }): SparseTensor;
export function placeholder(
  shape?: (number | null)[] | null | PlaceholderOptions,
  ndim?: number | null | PlaceholderOptions,
  dtype?: DType | null | PlaceholderOptions,
  sparse?: false | null | PlaceholderOptions,
  name?: string | null | PlaceholderOptions
): Placeholder;
export function placeholder(
  shape?: (number | null)[] | null | PlaceholderOptions,
  ndim?: number | null | PlaceholderOptions,
  dtype?: DType | null | PlaceholderOptions,
  sparse?: boolean | null | PlaceholderOptions,
  name?: string | null | PlaceholderOptions
): Placeholder | SparseTensor {
  return keras(placeholder, () => {
    const o = options<PlaceholderOptions>(
      ['shape', 'ndim', 'dtype', 'sparse', 'name'],
      [shape, ndim, dtype, sparse, name]
    );
    if (o.sparse != null && typeof o.sparse !== 'boolean')
      throw typeError('placeholder', `sparse must be a boolean; got ${typeof o.sparse}`);
    const d = o.dtype == null ? floatx() : toDType('placeholder', o.dtype);
    let dims: number[];
    if (o.shape != null && o.shape.length > 0) {
      if (
        !Array.isArray(o.shape) ||
        !isIntList(
          o.shape.map((v) => (v === null ? 0 : v)),
          (v) => v >= 0 && v <= MAX_ELEMENTS
        )
      ) {
        throw valueError(
          'placeholder',
          `shape must be a list of non-negative integers or null; got ${showRaw(o.shape)}`
        );
      }
      dims = o.shape.map((v) => (v === null ? UNKNOWN : v));
      const known = dims.filter((v) => v !== UNKNOWN).reduce((a, b) => a * b, 1);
      if (known > MAX_ELEMENTS || dims.length > MAX_RANK) {
        throw valueError(
          'placeholder',
          `shape ${showRaw(o.shape)} could never be fed: at most ${MAX_RANK} dims and ${MAX_ELEMENTS} elements`
        );
      }
    } else if (o.ndim != null) {
      if (!Number.isSafeInteger(o.ndim) || o.ndim < 0)
        throw valueError('placeholder', `ndim must be a non-negative integer; got ${showRaw(o.ndim)}`);
      dims = new Array<number>(o.ndim).fill(UNKNOWN);
    } else if (Array.isArray(o.shape)) {
      dims = []; // shape () is a scalar
    } else {
      throw valueError(
        'placeholder',
        'give the shape or the ndim of the placeholder (ktape has no tensors of unknown rank)'
      );
    }
    if (dims.length > 254)
      throw valueError('placeholder', `a placeholder has at most 254 axes (TF's largest rank); got ${dims.length}`);
    const n = nameArg(o.name) ?? `placeholder_${get_uid('placeholder')}`;
    if (o.sparse !== true) return new Placeholder(dims, d, n);
    const sp = new SparseTensor(
      new Placeholder([UNKNOWN, dims.length], 'int64', `${n}/indices`),
      new Placeholder([UNKNOWN], d, `${n}/values`),
      dims
    );
    sp.name = n;
    return sp;
  });
}

/**
 * Whether `x` is a symbolic tensor: a placeholder, or made from one. Variables and
 * eager tensors are not. As in Keras, a value that is not a tensor at all (an
 * array, an ndarray, a number) is an error rather than false.
 *
 * @param x  a tensor.
 * @returns true for a symbolic tensor, false for an eager tensor or variable.
 * @throws K.ValueError when `x` is not a tensor.
 * @example
 * ```ts
 * K.is_keras_tensor(K.variable([1, 2])); // false
 * K.is_keras_tensor(K.placeholder([2, 4, 5])); // true
 * K.is_keras_tensor([1, 2]); // throws K.ValueError
 * ```
 */
export function is_keras_tensor(x: unknown): boolean {
  return keras(is_keras_tensor, () => {
    if (!(x instanceof Tensor)) {
      const kind = isNdArray(x) ? 'ndarray' : Array.isArray(x) ? 'array' : typeof x;
      throw valueError(
        'is_keras_tensor',
        `unexpectedly found an instance of type ${kind}; expected a symbolic tensor instance`
      );
    }
    return x.isSymbolic;
  });
}

/** A pair [variable, new value] applied after the outputs are computed. */
export type Update = [Variable, Tensor];

/** A checked entry of `updates`: the variable, its new value, and an operand that must fit it exactly. */
interface Pending {
  readonly variable: Variable;
  readonly value: Tensor;
  readonly operand: Tensor | null;
}

/** Plans one K.function keeps (input signatures seen); past it, they are planned afresh. */
const MAX_PROGRAMS = 16;

/**
 * Makes a function of values for `inputs` that returns the values of `outputs`
 * (K.function). It evaluates the recorded graph on the fed values and on the
 * variables' values at the time of the call, returning one new ndarray per
 * output. `updates` are then assigned, each new value computed from the same
 * values as the outputs; all are checked before any variable changes.
 *
 * @param inputs  a list of placeholders (dense or sparse), or one placeholder (a list of one).
 * @param outputs  a tensor or list of tensors computed from `inputs` (and variables).
 * @param updates  `[variable, new value]` pairs, or the UpdateOps that K.update* return
 *   for symbolic operands or while a graph is built; null or omitted: none. (The type admits a
 *   Variable, which eager K.update* calls return, so that graph-building code type-checks as
 *   written; a Variable here is refused when the function is built.)
 * @param name  a name for error messages (default `'function'`).
 * @returns `f(values)`: `values` holds one value per input (a tensor-like, or a COO
 *   object for a sparse placeholder); it returns a list of ndarrays, one per output.
 * @throws K.TypeError when `inputs` is not a list of placeholders, an output is not a
 *   tensor, or an update is malformed. Calling `f` throws K.ValueError or
 *   K.TypeError when a value does not fit its placeholder.
 * @example
 * ```ts
 * const x = K.placeholder([null, 2]);
 * const w = K.variable([[1], [2]]);
 * const y = K.dot(x, w);
 * const f = K.function([x], [y], [[w, K.add(w, 1)]]);
 * f([[[1, 1], [2, 0]]]); // [[[3], [2]]]
 * K.eval(w); // [[2], [3]]
 * ```
 */
export function kfunction(
  inputs: Placeholder | SparseTensor | (Placeholder | SparseTensor)[],
  outputs: Tensor | Tensor[],
  updates?: (Update | UpdateOp | Variable)[] | null,
  name?: string | null
): (values: unknown[]) => NdArray[] {
  return keras(kfunction, () => {
    const sparseInput = (t: unknown) =>
      t instanceof SparseTensor && t.indices instanceof Placeholder && t.values instanceof Placeholder;
    // A lone placeholder is a list of one (tf-keras flattens its inputs).
    const lone = !Array.isArray(inputs);
    const ins: unknown[] = lone ? [inputs] : inputs;
    ins.forEach((t, i) => {
      if (t instanceof Placeholder || sparseInput(t)) return;
      // Keras 2's `K.function([x, K.learning_phase()], ...)` when executing eagerly, where the phase is a number.
      const phase =
        t === 0 || t === 1
          ? '; K.learning_phase() is a graph input only while a graph is built (K.graph_mode, K.disable_eager_execution)'
          : '';
      throw typeError(
        'function',
        `inputs must be a placeholder or a list of placeholders (dense or sparse); inputs[${i}] is ${describeValue(t)}${phase}`
      );
    });
    const outs = Array.isArray(outputs) ? outputs : [outputs];
    outs.forEach((t, i) => {
      if (!(t instanceof Tensor))
        throw typeError('function', `outputs[${i}] must be a tensor; got ${t === null ? 'null' : typeof t}`);
      toTensor('function', t, `outputs[${i}]`); // the brand and disposal checks
    });
    if (updates != null && !Array.isArray(updates))
      throw typeError('function', 'updates must be a list of update ops or [variable, value] pairs');
    const ups = (updates ?? []).map((u, i) => pending(u, i));
    const operands = ups.flatMap((u) => (u.operand === null ? [] : [u.operand]));
    const label = nameArg(name) ?? 'function';
    const list = ins as (Placeholder | SparseTensor)[];
    // The graph cannot change once built: its order is worked out once.
    const targets = [...outs, ...ups.map((u) => u.value), ...operands];
    const plan = graphOrder(targets);
    // Kernel lists planned per input signature (src/grad/compile.ts); null: the graph's shapes depend on values.
    const programs = new Map<string, Program | null>();
    const run = (feeds: Map<Tensor, Tensor>, outside: Set<unknown>): Tensor[] => {
      // Under K.detect_anomaly or K.trace every op must pass through apply, where they watch.
      if (!planning() || observed()) return evaluateGraph(targets, feeds, plan, outside);
      const key = signature(feeds, plan.order);
      let program = programs.get(key);
      if (program === undefined) {
        if (programs.size >= MAX_PROGRAMS) programs.clear();
        program = planGraph(targets, metasOf(feeds), plan);
        programs.set(key, program);
      }
      return program === null ? evaluateGraph(targets, feeds, plan, outside) : runProgram(program, feeds, outside);
    };
    return (given: unknown[]) =>
      keras(label, () => {
        // With a lone placeholder, a lone value that is not a plain list (a tensor, ndarray, typed array) is the one.
        const values: unknown = lone && !Array.isArray(given) ? [given] : given;
        if (!Array.isArray(values) || values.length !== list.length) {
          throw valueError(
            label,
            `expected ${list.length} input values; got ${Array.isArray(values) ? values.length : typeof values}`
          );
        }
        const feeds = new Map<Tensor, Tensor>();
        list.forEach((p, i) => {
          if (p instanceof SparseTensor) sparseFeed(p, values[i], i, feeds);
          else feeds.set(p, feedFor(p, values[i], i));
        });
        const outside = new Set<unknown>();
        const all = run(feeds, outside);
        const news = all.slice(outs.length, outs.length + ups.length);
        // Every new value is computed and checked before any variable changes.
        let k = outs.length + ups.length;
        ups.forEach((u, i) => {
          const v = u.variable;
          const operand = u.operand === null ? null : all[k++]!;
          if (operand !== null && !sameShape(operand.shape, v.shape)) {
            throw valueError(
              label,
              `updates[${i}]: the operand of shape ${fmtShape(operand.shape)} does not match variable ${v.name} of shape ${fmtShape(v.shape)}`
            );
          }
          if (!sameShape(news[i]!.shape, v.shape)) {
            throw valueError(
              label,
              `updates[${i}]: the new value of shape ${fmtShape(news[i]!.shape)} does not fit variable ${v.name} of shape ${fmtShape(v.shape)}`
            );
          }
        });
        const results = handOut(all.slice(0, outs.length), outside);
        withoutRecording(() => ups.forEach((u, i) => assignValue(u.variable, news[i]!)));
        return results;
      });
  });
}

/**
 * The outputs as new ndarrays. A value computed by this call into a fresh,
 * row-major cpu buffer is handed out as it is (nothing else holds it); one
 * that shares a buffer with a feed, a constant, a variable or another output
 * is copied, so changing a result never changes anything else.
 */
function handOut(values: readonly Tensor[], outside: Set<unknown>): NdArray[] {
  const given = new Set<unknown>(outside);
  return values.map((t) => {
    const buffer = bufferOf(t);
    const h = t.host();
    const fresh =
      t.storage?.device === 'cpu' &&
      !given.has(buffer) &&
      h.offset === 0 &&
      (h.data as ArrayLike<number>).length === h.size &&
      h.stride.every((st, i) => st === h.stride.slice(i + 1).reduce((p, _s, j) => p * h.shape[i + 1 + j]!, 1));
    given.add(buffer);
    return fresh ? h : copyOut(h, t.dtype);
  });
}

/** An entry of `updates`, checked. */
function pending(u: unknown, i: number): Pending {
  if (u instanceof UpdateOp) return { variable: u.variable, value: u.value, operand: u.operand };
  if (u instanceof Variable) {
    // K.update* with a plain (eager) operand assigns at once and returns the variable: it cannot run at each call.
    throw typeError(
      'function',
      `updates[${i}] is the variable ${u.name}, already assigned by an eager K.update*; ` +
        'pass [variable, new value] or the update op K.update* returns for a symbolic operand'
    );
  }
  if (!Array.isArray(u) || u.length !== 2 || !(u[0] instanceof Variable) || !(u[1] instanceof Tensor)) {
    throw typeError('function', `updates[${i}] must be an update op or a [variable, tensor] pair`);
  }
  const [v, t] = u as Update;
  const fits = t.rank === v.rank && t.shape.every((d, k) => d < 0 || d === v.shape[k]);
  if (!fits || v.dtype !== t.dtype) {
    throw valueError(
      'function',
      `updates[${i}]: a value of shape ${fmtShape(t.shape)} and dtype ${t.dtype} does not fit variable ${v.name} of shape ${fmtShape(v.shape)} and dtype ${v.dtype}`
    );
  }
  return { variable: v, value: t, operand: null };
}

function feedFor(p: Placeholder, value: unknown, i: number): Tensor {
  const t = toTensor(runningName(), value, `values[${i}]`, value instanceof Tensor ? undefined : p.dtype);
  if (t.isSymbolic) throw valueError(runningName(), `values[${i}] for ${p.name} is symbolic; feed a value`);
  if (t.dtype !== p.dtype)
    throw typeError(runningName(), `values[${i}] has dtype ${t.dtype}, but ${p.name} is ${p.dtype}`);
  const fits = t.rank === p.rank && p.shape.every((d, k) => d < 0 || d === t.shape[k]);
  if (!fits)
    throw valueError(
      runningName(),
      `values[${i}] of shape ${fmtShape(t.shape)} does not fit ${p.name} of shape ${fmtShape(p.shape)}`
    );
  return t;
}

/** A COO value for a sparse placeholder, checked and split into its indices and values feeds. */
function sparseFeed(p: SparseTensor, value: unknown, i: number, feeds: Map<Tensor, Tensor>): void {
  if (!isCoo(value)) {
    throw typeError(
      runningName(),
      `values[${i}] for the sparse placeholder ${p.name} must be a COO object ({indices, values, dense_shape} or {row, col, data, shape}); got ${describeValue(value)}`
    );
  }
  const sp = sparseFromCoo(value, `values[${i}]`, p.dtype);
  const fits = sp.rank === p.rank && p.dense_shape.every((d, k) => d < 0 || d === sp.dense_shape[k]);
  if (!fits)
    throw valueError(
      runningName(),
      `values[${i}] of dense shape ${fmtShape(sp.dense_shape)} does not fit ${p.name} of dense shape ${fmtShape(p.dense_shape)}`
    );
  feeds.set(p.indices, sp.indices);
  feeds.set(p.values, sp.values);
}
