// Loops over a leading axis: rnn, map_fn, foldl, foldr.
//
// TensorFlow builds these as symbolic while_loops over TensorArrays. ktape
// records ops as they run, so each loop here is a plain JS loop of K ops:
// every iteration's ops land on the tape and backprop walks them in reverse
// (backprop through time). Gradients therefore reach the inputs, the initial
// states, the constants and any variable a step function reads, to any order.
// The price: the number of iterations must be known when the function is
// called, also on placeholders (an unknown time dim is a ValueError at build
// time, where TensorFlow would loop at run time).
//
// Slices along the loop axis are gathers of one index, so they keep unknown
// dims (a placeholder's batch) unknown; results are stacked with concat.
import { options, flag, nameArg } from '../core/args.js';
import { fmtShape, keras, typeError, userCode, valueError, runningName } from '../core/context.js';
import { isNdArray, toTensor, type TensorLike } from '../core/convert.js';
import { isInt, toDType, type DType } from '../core/dtype.js';
import { UNKNOWN } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import { readVariable, watchingVariables, withVariableReads } from '../prims/apply.js';
import { callNode, sharedRun } from '../grad/call.js';
import {
  describeNest,
  flattenNest,
  isNest,
  leafPaths,
  mapTensors,
  MAX_NEST_DEPTH,
  packAs,
  sameStructure,
  tensorsIn,
  type Nest,
} from '../core/nest.js';

/** A tensor, or nested arrays of tensors (tf.nest's structures). */
export type { Nest };

/** A dtype for each tensor of a structure (map_fn's `dtype`). */
export type DTypeNest = DType | readonly DTypeNest[];

// Method syntax makes the parameters bivariant, so a step function written for
// plain tensors, (x: Tensor, states: Tensor[]) => ..., fits the nested types.
interface StepShape<I, O, S> {
  step(inputs: I, states: (S | Tensor)[]): readonly [O, readonly S[]];
}
interface MapShape<E, O> {
  fn(elem: E): O;
}
interface FoldShape<A, E> {
  fn(acc: A, elem: E): A;
}

/**
 * rnn's step function: (inputs at one time step, [...states, ...constants]) =>
 * [output, new_states], new_states with the structure of the states.
 */
export type StepFunction<I extends Nest = Tensor, O extends Nest = Tensor, S extends Nest = Tensor> = StepShape<
  I,
  O,
  S
>['step'];
export type MapFunction<E extends Nest = Tensor, O extends Nest = Tensor> = MapShape<E, O>['fn'];
export type FoldFunction<A extends Nest = Tensor, E extends Nest = Tensor> = FoldShape<A, E>['fn'];

// ---- structures (tf.nest) ----------------------------------------------------

/**
 * A user's structure: a tensor, an array holding tensors somewhere (a
 * structure; its tensor-free entries are converted as tensors), or any other
 * tensor-like (one tensor).
 */
function toNest(x: unknown, arg: string, depth = 0): Nest {
  if (x instanceof Tensor) return toTensor(runningName(), x, arg);
  if (Array.isArray(x) && tensorsIn(x).length > 0) {
    if (depth >= MAX_NEST_DEPTH) throw valueError(runningName(), `${arg} is nested more than ${MAX_NEST_DEPTH} deep`);
    return x.map((e, i) => toNest(e, `${arg}[${i}]`, depth + 1));
  }
  return toTensor(runningName(), x, arg);
}

// ---- small helpers -------------------------------------------------------------

/** Element i along axis 0 (a gather of one index: unknown dims stay unknown). */
function at(x: Tensor, i: number): Tensor {
  return lax.gather(x, lax.scalar(i, 'int32'), 0);
}

/** tf.stack along a new axis 0. */
function stack0(xs: readonly Tensor[]): Tensor {
  return lax.concat(
    xs.map((x) => lax.reshape(x, [1, ...x.shape])),
    0
  );
}

/** Swap axes 0 and 1 (batch-major <-> time-major). */
function swap01(x: Tensor): Tensor {
  const perm = [...x.shape.keys()];
  [perm[0], perm[1]] = [1, 0];
  return lax.transpose(x, perm);
}

/** A mask whose first `lead` axes are kept, reshaped to the rank of `target` to broadcast against it. */
function expandMask(m: Tensor, target: Tensor, lead: number): Tensor {
  const shape = [...m.shape.slice(0, lead), ...new Array<number>(Math.max(target.rank - lead, 0)).fill(1)];
  return lax.reshape(m, shape, m);
}

const agree = (a: number, b: number) => a === b || a === UNKNOWN || b === UNKNOWN;

/** The first `m` entries of t along axis 0 (for a trace of a loop whose length is known only at run time). */
function firstOf(t: Tensor, m: number): Tensor {
  return lax.sliceToEnd(
    t,
    t.shape.map(() => 0),
    t.shape.map((_, k) => (k === 0 ? m : -1))
  );
}

/**
 * A loop over an axis known only when the graph runs, as TF's while_loop:
 * `trace()` runs it once symbolically on a short slice, for the results'
 * structure, shapes and the variables it reads; each result is then a call
 * node (src/grad/call.ts) whose function runs `body` on the values fed, the
 * variables read as its inputs. `lengthAxis(i)`: the axis of result leaf i
 * that has the loop's length (map_fn's stack, rnn's outputs), or null.
 */
function atRunTime(
  kind: string,
  inputs: readonly Tensor[],
  trace: () => Nest,
  body: (values: Tensor[]) => Nest,
  lengthAxis: (leaf: number) => number | null
): Nest {
  const [traced, read] = watchingVariables(trace);
  const callInputs = [...inputs, ...read.map((v) => readVariable(v))];
  const loop = sharedRun((values) => {
    const reads = new Map(read.map((v, i) => [v, values[inputs.length + i]!] as const));
    return flattenNest(withVariableReads(reads, () => body(values.slice(0, inputs.length))));
  });
  const leaves = flattenNest(traced);
  const nodes = leaves.map((leaf, i) =>
    callNode(
      kind,
      callInputs,
      { shape: leaf.shape.map((d, k) => (k === lengthAxis(i) ? UNKNOWN : d)), dtype: leaf.dtype },
      (values) => loop(values)[i]!
    )
  );
  return packAs(traced, nodes);
}

/** The common length of the leading axis of every tensor of `flat` (known and the same). */
function leadingLength(flat: readonly Tensor[], paths: readonly string[], arg: string, allowUnknown = false): number {
  const first = flat[0];
  if (first === undefined) throw valueError(runningName(), `${arg} holds no tensors`);
  flat.forEach((t, i) => {
    if (t.rank === 0)
      throw valueError(
        runningName(),
        `${arg}${paths[i]} must have at least one axis to loop over; got a scalar of shape ()`
      );
    if (t.shape[0] === UNKNOWN && !allowUnknown) {
      throw valueError(
        runningName(),
        `${arg}${paths[i]} of shape ${fmtShape(t.shape)} has an unknown length along axis 0; ` +
          'ktape builds the loop when the function is called, so that length must be known'
      );
    }
    if (t.shape[0] !== first.shape[0]) {
      throw valueError(
        runningName(),
        `${arg}${paths[i]} of shape ${fmtShape(t.shape)} and ${arg}${paths[0]} of shape ` +
          `${fmtShape(first.shape)} differ in length along axis 0`
      );
    }
  });
  return first.shape[0]!;
}

/** Check that `got` has the structure, dtypes and (known) shapes of `want`. */
function checkLike(got: Nest, want: Nest, what: string, wantWhat: string): void {
  if (!sameStructure(got, want)) {
    throw valueError(
      runningName(),
      `${what} has the structure ${describeNest(got)}, but ${wantWhat} has ${describeNest(want)}`
    );
  }
  const g = flattenNest(got);
  const w = flattenNest(want);
  const paths = leafPaths(want);
  g.forEach((t, i) => {
    const u = w[i]!;
    if (t.dtype !== u.dtype)
      throw typeError(
        runningName(),
        `${what}${paths[i]} has dtype ${t.dtype}, but ${wantWhat}${paths[i]} has ${u.dtype}`
      );
    if (t.rank !== u.rank || t.shape.some((d, k) => !agree(d, u.shape[k]!))) {
      throw valueError(
        runningName(),
        `${what}${paths[i]} has shape ${fmtShape(t.shape)}, but ${wantWhat}${paths[i]} has shape ${fmtShape(u.shape)}`
      );
    }
  });
}

/** Stack the per-iteration flat results leaf by leaf; every iteration must match the first. */
function stackResults(results: readonly Tensor[][], what: string): Tensor[] {
  const first = results[0]!;
  results.forEach((r, i) =>
    r.forEach((t, k) => {
      const u = first[k]!;
      if (t.dtype !== u.dtype || t.rank !== u.rank || t.shape.some((d, j) => !agree(d, u.shape[j]!))) {
        throw valueError(
          runningName(),
          `${what} at iteration ${i} has shape ${fmtShape(t.shape)} and dtype ${t.dtype}, but at ` +
            `iteration 0 shape ${fmtShape(u.shape)} and dtype ${u.dtype}: every iteration must give the same`
        );
      }
    })
  );
  return first.map((_, k) => stack0(results.map((r) => r[k]!)));
}

// ---- rnn ---------------------------------------------------------------------

export interface RnnOptions {
  go_backwards?: boolean;
  mask?: TensorLike | null;
  constants?: readonly TensorLike[] | null;
  unroll?: boolean;
  input_length?: number | Tensor | null;
  time_major?: boolean;
  zero_output_for_mask?: boolean;
}

const RNN_OPTIONS = [
  'go_backwards',
  'mask',
  'constants',
  'unroll',
  'input_length',
  'time_major',
  'zero_output_for_mask',
] as const;

/** Everything both loops need, validated. Inputs and mask are time-major. */
interface RnnSetup {
  step: (inputs: Nest, states: Nest[]) => readonly [Nest, readonly Nest[]];
  structure: Nest;
  inputs: Tensor[];
  steps: number;
  states: Nest[];
  constants: Tensor[];
  goBackwards: boolean;
  /** bool, (time, samples, 1). */
  mask: Tensor | null;
  /** int, (samples,): masks the while-loop path when no mask is given. */
  inputLength: Tensor | null;
  zeroOutputForMask: boolean;
}

interface RnnResult {
  last: Tensor[];
  outputs: Tensor[];
  outputStructure: Nest;
  states: Nest[];
}

/**
 * Iterates `step_function` over the time dimension of `inputs` (K.rnn):
 * at each step t it is called with the inputs at t (no time axis) and
 * [...states, ...constants], and returns [output, new_states]. Returns
 * `[last_output, outputs, new_states]`: the last step's output, all outputs
 * stacked along the time axis (samples, time, ...) (time-major with
 * time_major), and the final states. Gradients flow back through time to the
 * inputs, the initial states, the constants and any variable the step reads.
 *
 * As the seed's source: masked steps keep the previous output (zeros before
 * the first step, or zeros throughout with zero_output_for_mask) and the
 * previous states; without a mask, a tensor `input_length` masks the steps
 * past each sample's length, and an integer one is ignored. `unroll` only
 * requires a known number of time steps: both settings run the same loop
 * (see timeLoop). A mask with no states is allowed (the
 * docstring's ValueError is not in the source). Unlike the source, the step
 * function is not called once more before the loop to learn the output's
 * structure: that call's value is discarded there. ktape builds the loop when
 * rnn is called, so the number of time steps must be known (also for a
 * placeholder), where TensorFlow would loop at run time.
 *
 * @param step_function (inputs, states) => [output, new_states]: inputs of shape (samples, ...)
 *   (or a structure of such tensors, like `inputs`), states the current states followed by the
 *   constants; new_states must have the states' structure, shapes and dtypes.
 * @param inputs Temporal data (samples, time, ...) of rank >= 3, or a nested array of such tensors.
 * @param initial_states The initial states, e.g. [(samples, state_size)] (a lone tensor is one state).
 * @param go_backwards Iterate over time in reverse order (and return the outputs reversed); default
 *   false. This and the following optional arguments may instead be given as one options object
 *   `{ go_backwards, mask, constants, unroll, input_length, time_major, zero_output_for_mask }`.
 * @param mask (samples, time) or (samples, time, 1), zero at each masked step; null for none.
 * @param constants Tensors passed to every step after the states.
 * @param unroll Accepted for Keras compatibility; both settings run the same loop (it only requires
 *   a known number of time steps).
 * @param input_length Without a mask, a 1-D integer tensor (samples,) masks the steps past each
 *   sample's length; an integer is the fixed length and changes nothing.
 * @param time_major Inputs and outputs are (time, samples, ...) instead of (samples, time, ...).
 * @param zero_output_for_mask Masked steps output zeros instead of the previous output.
 * @returns [last_output, outputs, new_states].
 * @throws K.ValueError when an input has rank < 3, the inputs disagree in samples or time, the time
 *   dimension is unknown or 0, the mask or input_length has the wrong shape, or new_states does not
 *   match the states.
 * @throws K.TypeError when step_function is not a function, returns something other than
 *   [output, new_states], changes a state's dtype, or a flag is not a boolean.
 * @example
 * ```ts
 * const x = K.reshape(K.constant([1, 2, 3, 4, 5, 6]), [2, 3, 1]); // 2 samples, 3 steps
 * // a running sum: the state is the output
 * const step = (xt: K.Tensor, states: K.Tensor[]) => {
 *   const s = K.add(states[0]!, xt);
 *   return [s, [s]] as const;
 * };
 * const [last, outputs, states] = K.rnn(step, x, [K.zeros([2, 1])]);
 * K.eval(last); // [[6], [15]]
 * K.eval(outputs); // [[[1], [3], [6]], [[4], [9], [15]]]
 * const masked = K.rnn(step, x, [K.zeros([2, 1])], { mask: K.constant([[1, 1, 0], [1, 0, 0]]) });
 * K.eval(masked[1]); // [[[1], [3], [3]], [[4], [4], [4]]]
 * ```
 */
export function rnn<I extends Nest = Tensor, O extends Nest = Tensor, S extends Nest = Tensor>(
  step_function: StepFunction<I, O, S>,
  inputs: I | Exclude<TensorLike, Tensor>,
  initial_states: readonly S[],
  go_backwards?: boolean | RnnOptions,
  mask?: TensorLike | null | RnnOptions,
  constants?: readonly TensorLike[] | null | RnnOptions,
  unroll?: boolean | RnnOptions,
  input_length?: number | Tensor | null | RnnOptions,
  time_major?: boolean | RnnOptions,
  zero_output_for_mask?: boolean | RnnOptions
): [O, O, S[]] {
  const fn = 'rnn';
  return keras(rnn, () => {
    const o = options<RnnOptions>(RNN_OPTIONS, [
      go_backwards,
      mask,
      constants,
      unroll,
      input_length,
      time_major,
      zero_output_for_mask,
    ]);
    if (typeof step_function !== 'function')
      throw typeError(fn, `step_function must be a function; got ${typeof step_function}`);
    const goBack = flag(o.go_backwards, 'go_backwards');
    const doUnroll = flag(o.unroll, 'unroll');
    const timeMajor = flag(o.time_major, 'time_major');
    const zeroOut = flag(o.zero_output_for_mask, 'zero_output_for_mask');

    const structure = toNest(inputs, 'inputs');
    const flat = flattenNest(structure);
    const paths = leafPaths(structure);
    if (flat.length === 0) throw valueError(fn, 'inputs holds no tensors');
    flat.forEach((t, i) => {
      if (t.rank < 3)
        throw valueError(
          fn,
          `inputs${paths[i]} must have rank at least 3 ((samples, time, ...)); got shape ${fmtShape(t.shape)}`
        );
    });
    const tm = timeMajor ? flat : flat.map(swap01);
    const [steps, batch] = tm[0]!.shape as [number, number];
    tm.forEach((t, i) => {
      if (!agree(t.shape[0]!, steps) || !agree(t.shape[1]!, batch)) {
        throw valueError(
          fn,
          `inputs${paths[i]} of shape ${fmtShape(flat[i]!.shape)} and inputs${paths[0]} of shape ` +
            `${fmtShape(flat[0]!.shape)} must agree in their samples and time dimensions`
        );
      }
    });
    if (steps === UNKNOWN && doUnroll)
      throw valueError(
        fn,
        `Unrolling requires a fixed number of timesteps; inputs has shape ${fmtShape(flat[0]!.shape)}`
      );
    if (steps === 0)
      throw valueError(fn, `inputs of shape ${fmtShape(flat[0]!.shape)} has no time steps; rnn needs at least one`);

    // A lone tensor (the docstring's form) is one state.
    if (!Array.isArray(initial_states) && !(initial_states instanceof Tensor))
      throw typeError(fn, 'initial_states must be a list of tensors');
    const states = (initial_states instanceof Tensor ? [initial_states] : initial_states).map((s, i) =>
      toNest(s, `initial_states[${i}]`)
    );
    if (o.constants != null && !Array.isArray(o.constants)) throw typeError(fn, 'constants must be a list of tensors');
    const consts = (o.constants ?? []).map((c, i) => toTensor(fn, c, `constants[${i}]`));

    if (steps === UNKNOWN) {
      // The loop's length is known only when the graph runs: the whole loop is one node per result,
      // run then on the values (src/grad/call.ts), as TF's while_loop.
      const maskT = rnnMask(o.mask, steps, batch, timeMajor);
      const lengths = rnnInputLength(o.input_length, batch);
      return runTimeRnn(step_function as unknown as RnnSetup['step'], structure, states, consts, maskT, lengths, {
        goBack,
        timeMajor,
        zeroOut,
      }) as [O, O, S[]];
    }
    const setup: RnnSetup = {
      step: step_function as unknown as RnnSetup['step'],
      structure,
      inputs: tm,
      steps,
      states,
      constants: consts,
      goBackwards: goBack,
      mask: rnnMask(o.mask, steps, batch, timeMajor),
      inputLength: rnnInputLength(o.input_length, batch),
      zeroOutputForMask: zeroOut,
    };
    const r = timeLoop(setup);
    const outputs = timeMajor ? r.outputs : r.outputs.map(swap01);
    return [packAs(r.outputStructure, r.last) as O, packAs(r.outputStructure, outputs) as O, r.states as S[]];
  });
}

/**
 * rnn over a time axis known only when the graph runs. One step traced on a
 * slice of one time step gives the results' structure and shapes and the
 * variables the step reads; each result is then a call node whose function
 * runs rnn itself on the values fed (the variables read as the nodes' inputs,
 * so gradients reach them).
 */
function runTimeRnn(
  step: RnnSetup['step'],
  structure: Nest,
  states: Nest[],
  consts: Tensor[],
  mask: Tensor | null,
  lengths: Tensor | null,
  f: { goBack: boolean; timeMajor: boolean; zeroOut: boolean }
): [Nest, Nest, Nest[]] {
  const timeAxis = f.timeMajor ? 0 : 1;
  const rnnOf = (inputs: Nest, initial: Nest[], constants: Tensor[], m: Tensor | null, len: Tensor | null) =>
    rnn(step as StepFunction<Nest, Nest, Nest>, inputs, initial, {
      go_backwards: f.goBack,
      mask: m === null ? null : f.timeMajor ? m : swap01(m),
      constants,
      input_length: len,
      time_major: f.timeMajor,
      zero_output_for_mask: f.zeroOut,
    });
  const oneStep = mapTensors(structure, (t) =>
    lax.sliceToEnd(
      t,
      t.shape.map(() => 0),
      t.shape.map((_, k) => (k === timeAxis ? 1 : -1))
    )
  );
  const inputLeaves = flattenNest(structure);
  const stateLeaves = states.flatMap((st) => flattenNest(st));
  const extras = [mask, lengths].filter((t): t is Tensor => t !== null);
  // The three results as one nest: [last, outputs, [...states]].
  const asNest = ([l, o, st]: [Nest, Nest, Nest[]]): Nest => [l, o, st];
  let outputLeaves: [number, number] = [0, 0];
  const results = atRunTime(
    'rnn',
    [...inputLeaves, ...stateLeaves, ...consts, ...extras],
    () => {
      const r = rnnOf(oneStep, states, consts, null, null);
      const nLast = flattenNest(r[0]).length;
      outputLeaves = [nLast, 2 * nLast];
      return asNest(r);
    },
    (values) => {
      let k = 0;
      const take = (n: number) => values.slice(k, (k += n));
      const inputs = packAs(structure, take(inputLeaves.length));
      const stateValues = take(stateLeaves.length);
      let j = 0;
      const initial = states.map((st) => packAs(st, stateValues.slice(j, (j += flattenNest(st).length))));
      const constants = take(consts.length);
      const m = mask === null ? null : take(1)[0]!;
      const len = lengths === null ? null : take(1)[0]!;
      return asNest(rnnOf(inputs, initial, constants, m, len));
    },
    // The outputs' time axis has the run-time length.
    (i) => (i >= outputLeaves[0] && i < outputLeaves[1] ? timeAxis : null)
  ) as [Nest, Nest, Nest[]];
  return results;
}

/** The mask as bool, (time, samples, 1); null when none is given. */
function rnnMask(mask: TensorLike | null | undefined, steps: number, batch: number, timeMajor: boolean): Tensor | null {
  if (mask === undefined || mask === null) return null;
  const m = toTensor(runningName(), mask, 'mask');
  const want = timeMajor ? '(time, samples) or (time, samples, 1)' : '(samples, time) or (samples, time, 1)';
  const [t, b] = timeMajor ? [m.shape[0], m.shape[1]] : [m.shape[1], m.shape[0]];
  if (
    (m.rank !== 2 && m.rank !== 3) ||
    (m.rank === 3 && !agree(m.shape[2]!, 1)) ||
    !agree(t!, steps) ||
    !agree(b!, batch)
  ) {
    throw valueError(
      runningName(),
      `mask must have shape ${want} = ${fmtShape(timeMajor ? [steps, batch] : [batch, steps])}; got ${fmtShape(m.shape)}`
    );
  }
  let bool = lax.cast(m, 'bool');
  if (bool.rank === 2) bool = lax.reshape(bool, [...bool.shape, 1], bool);
  return timeMajor ? bool : swap01(bool);
}

function rnnInputLength(v: unknown, batch: number): Tensor | null {
  if (v === undefined || v === null) return null;
  // An integer is the fixed length; the source only masks with a tensor.
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0)
      throw valueError(runningName(), `input_length must be a non-negative integer or a 1-D tensor; got ${v}`);
    return null;
  }
  if (!(v instanceof Tensor))
    throw typeError(
      runningName(),
      `input_length must be an integer or a 1-D integer tensor; got ${isNdArray(v) ? 'an ndarray' : typeof v}`
    );
  if (!isInt(v.dtype))
    throw typeError(
      runningName(),
      `input_length must be an integer tensor; got ${v.dtype} of shape ${fmtShape(v.shape)}`
    );
  if (v.rank !== 1 || !agree(v.shape[0]!, batch)) {
    throw valueError(
      runningName(),
      `input_length must have shape (samples,) = ${fmtShape([batch])}; got ${fmtShape(v.shape)}`
    );
  }
  return v;
}

/** One call of the step function, its result checked against the states. */
function callStep(c: RnnSetup, inputs: Nest, states: Nest[]): [Tensor[], Nest, Nest[]] {
  const fn = 'rnn';
  // The step is the user's code: its ops name their own Keras functions (listings, errors).
  const r: unknown = userCode(() => c.step(inputs, [...states, ...c.constants]), "rnn's step_function");
  if (!Array.isArray(r) || r.length !== 2) throw typeError(fn, 'step_function must return [output, new_states]');
  const [output, newStates] = r as [unknown, unknown];
  if (!isNest(output) || flattenNest(output).length === 0) {
    throw typeError(fn, 'step_function must return a tensor (or a structure of tensors) as its output');
  }
  if (!Array.isArray(newStates) || !isNest(newStates))
    throw typeError(fn, 'step_function must return new_states as a list of tensors');
  checkLike(newStates, states, 'the new_states returned by step_function', 'the states');
  return [flattenNest(output), output, newStates];
}

/**
 * The loop over time, as the source's while_loop branch: the inputs (and mask)
 * are reversed as tensors for go_backwards, masked steps select the previous
 * output (or zeros) as they go, and the last output is outputs[-1]. ktape has
 * no graph-level loop, so both `unroll` settings run this same JS loop of
 * recorded ops and give identical results and gradients (as the issue asks;
 * TF's own unroll branch ignores input_length and, with go_backwards,
 * zeroes masked outputs by the mask in time order).
 */
function timeLoop(c: RnnSetup): RnnResult {
  const xs = c.goBackwards ? c.inputs.map((x) => lax.reverse(x, [0])) : c.inputs;
  let maskAt: ((t: number) => Tensor) | null = null;
  if (c.mask !== null) {
    const m = c.goBackwards ? lax.reverse(c.mask, [0]) : c.mask;
    maskAt = (t) => at(m, t);
  } else if (c.inputLength !== null) {
    const len = c.inputLength;
    const time = (t: number) => lax.scalar(t, len.dtype);
    if (c.goBackwards) {
      const rev = lax.sub(lax.sub(lax.max(len, [0]), time(1)), len);
      maskAt = (t) => lax.less(rev, time(t));
    } else {
      maskAt = (t) => lax.greater(len, time(t));
    }
  }
  let states = c.states;
  let outputStructure: Nest | null = null;
  let prev: Tensor[] | null = null;
  let zeros: Tensor[] | null = null;
  const written: Tensor[][] = [];
  for (let t = 0; t < c.steps; t++) {
    const [out, structure, newStates] = callStep(
      c,
      packAs(
        c.structure,
        xs.map((x) => at(x, t))
      ),
      states
    );
    outputStructure ??= structure;
    if (maskAt === null) {
      written.push(out);
      states = newStates;
      continue;
    }
    const mt = maskAt(t);
    zeros ??= out.map((o) => lax.zerosLike(o));
    const fallback: Tensor[] = c.zeroOutputForMask ? zeros : (prev ?? zeros);
    prev = out.map((o, k): Tensor => lax.where(expandMask(mt, o, 1), o, fallback[k]!));
    written.push(prev);
    const flatStates = flattenNest(states);
    states = packAs(
      newStates,
      flattenNest(newStates).map((s, k) => lax.where(expandMask(mt, s, 1), s, flatStates[k]!))
    ) as Nest[];
  }
  const outputs = stackResults(written, 'the output of step_function');
  return { last: outputs.map((o) => at(o, c.steps - 1)), outputs, outputStructure: outputStructure!, states };
}

// ---- map_fn, foldl, foldr ----------------------------------------------------------

export interface MapFnOptions {
  name?: string | null;
  dtype?: DTypeNest | null;
}

/**
 * Maps `fn` over the elements of `elems` along axis 0 and stacks the results
 * (tf.map_fn). For a structure (nested arrays of tensors) each call gets the
 * i-th element of every tensor, in that structure. As tf.map_fn, the results
 * must have the structure and dtypes of `dtype` or, without it, of `elems`.
 * The loop runs when map_fn is called, so axis 0 must have a known length.
 *
 * @param fn Called on each element; returns a tensor or a structure of tensors of one shape at
 *   every element.
 * @param elems A tensor (or a structure of tensors of one length along axis 0) to map over.
 * @param name Accepted for Keras compatibility (a string or null). This and dtype may instead be
 *   given as one options object `{ name, dtype }`.
 * @param dtype The dtype (or structure of dtypes) of fn's results; null means elems' dtypes.
 * @returns The results of fn stacked along a new axis 0, in fn's result structure.
 * @throws K.ValueError when elems has no elements, an unknown length or mismatched lengths, or fn's
 *   results change shape or structure between elements.
 * @throws K.TypeError when fn is not a function or returns another dtype than expected.
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [4, 3]]);
 * K.eval(K.map_fn((row) => K.sum(row), x)); // [3, 7]
 * K.eval(K.map_fn((row) => K.argmax(row), x, { dtype: 'int64' })); // [1, 0]
 * ```
 */
export function map_fn<E extends Nest = Tensor, O extends Nest = Tensor>(
  fn: MapFunction<E, O>,
  elems: E | Exclude<TensorLike, Tensor>,
  name?: string | null | MapFnOptions,
  dtype?: DTypeNest | null | MapFnOptions
): O {
  const k = 'map_fn';
  return keras(map_fn, () => {
    const o = options<MapFnOptions>(['name', 'dtype'], [name, dtype]);
    if (typeof fn !== 'function') throw typeError(k, `fn must be a function; got ${typeof fn}`);
    nameArg(o.name);
    const structure = toNest(elems, 'elems');
    const flat = flattenNest(structure);
    const n = leadingLength(flat, leafPaths(structure), 'elems', true);
    if (n === UNKNOWN) {
      // The length is known only when the graph runs: the loop runs then (src/grad/call.ts).
      return atRunTime(
        'map_fn',
        flat,
        () =>
          map_fn(
            fn,
            packAs(
              structure,
              flat.map((t) => firstOf(t, 1))
            ) as E,
            { dtype: o.dtype ?? null }
          ),
        (values) => map_fn(fn, packAs(structure, values) as E, { dtype: o.dtype ?? null }),
        () => 0
      ) as O;
    }
    if (n === 0)
      throw valueError(k, `elems of shape ${describeNest(structure)} has no elements along axis 0 to map over`);
    const expected = o.dtype == null ? dtypesOf(structure) : checkDTypes(o.dtype);
    const call = fn as unknown as (e: Nest) => unknown;
    const results: Tensor[][] = [];
    let outStructure: Nest | null = null;
    for (let i = 0; i < n; i++) {
      const r = userCode(
        () =>
          call(
            packAs(
              structure,
              flat.map((t) => at(t, i))
            )
          ),
        `map_fn's fn, at element ${i}`
      );
      if (!isNest(r)) throw typeError(k, 'fn must return a tensor or a structure of tensors');
      if (outStructure === null) {
        outStructure = r;
        checkDTypesMatch(r, expected, o.dtype == null);
      } else if (!sameStructure(r, outStructure)) {
        throw valueError(
          k,
          `fn returned the structure ${describeNest(r)} at element ${i}, but ${describeNest(outStructure)} at element 0`
        );
      }
      results.push(flattenNest(r));
    }
    return packAs(outStructure!, stackResults(results, 'the result of fn')) as O;
  });
}

function dtypesOf(n: Nest): DTypeNest {
  return n instanceof Tensor ? n.dtype : n.map(dtypesOf);
}

function checkDTypes(d: unknown): DTypeNest {
  if (Array.isArray(d)) return d.map((e) => checkDTypes(e));
  return toDType(runningName(), d);
}

function checkDTypesMatch(r: Nest, want: DTypeNest, fromElems: boolean): void {
  const hint = fromElems ? 'those of elems (pass dtype when runningName() changes them)' : 'dtype';
  const shapeOf = (d: DTypeNest): string => (typeof d === 'string' ? d : `[${d.map(shapeOf).join(', ')}]`);
  const walk = (x: Nest, d: DTypeNest): void => {
    if (x instanceof Tensor && typeof d === 'string') {
      if (x.dtype !== d)
        throw typeError(
          runningName(),
          `runningName() returned a ${x.dtype} tensor of shape ${fmtShape(x.shape)}, but its dtypes must be ${hint}: ${shapeOf(want)}`
        );
      return;
    }
    if (x instanceof Tensor || typeof d === 'string' || x.length !== d.length) {
      throw valueError(
        runningName(),
        `runningName() returned the structure ${describeNest(r)}, which does not match ${hint}: ${shapeOf(want)}`
      );
    }
    x.forEach((e, i) => walk(e, d[i]!));
  };
  walk(r, want);
}

export interface FoldOptions {
  initializer?: Nest | TensorLike | null;
  name?: string | null;
}

/**
 * Reduces `elems` along axis 0 from left to right (tf.foldl): acc =
 * fn(acc, elems[i]), starting from `initializer`, or from elems[0] (and then
 * from i = 1) when it is null. The accumulator keeps its structure, shapes and
 * dtypes throughout.
 *
 * @param fn (acc, element) => the new accumulator.
 * @param elems A tensor (or a structure of tensors of one length along axis 0) to fold over.
 * @param initializer The first accumulator; null (the default) means elems[0]. This and name may
 *   instead be given as one options object `{ initializer, name }`.
 * @param name Accepted for Keras compatibility (a string or null).
 * @returns The final accumulator, with the initializer's structure, shape and dtype.
 * @throws K.ValueError when elems is empty without an initializer, has an unknown length along axis
 *   0, or fn changes the accumulator's shape or structure.
 * @throws K.TypeError when fn is not a function or changes the accumulator's dtype.
 * @example
 * ```ts
 * const x = K.constant([1, 2, 3]);
 * K.eval(K.foldl((acc, e) => K.add(acc, e), x)); // 6
 * K.eval(K.foldl((acc, e) => K.add(K.multiply(acc, 10), e), x)); // 123
 * K.eval(K.foldl((acc: K.Tensor, e: K.Tensor) => K.add(acc, e), x, 10)); // 16
 * ```
 */
export function foldl<A extends Nest = Tensor, E extends Nest = Tensor>(
  fn: FoldFunction<A, E>,
  elems: E | Exclude<TensorLike, Tensor>,
  initializer?: A | Exclude<TensorLike, Tensor> | null | FoldOptions,
  name?: string | null | FoldOptions
): A {
  return fold('foldl', fn as unknown as (a: Nest, e: Nest) => unknown, elems, initializer, name, false) as A;
}

/**
 * Reduces `elems` along axis 0 from right to left (tf.foldr): acc =
 * fn(acc, elems[i]) for i from the end, starting from `initializer`, or from
 * elems[-1] when it is null. The accumulator keeps its structure, shapes and
 * dtypes throughout.
 *
 * @param fn (acc, element) => the new accumulator.
 * @param elems A tensor (or a structure of tensors of one length along axis 0) to fold over.
 * @param initializer The first accumulator; null (the default) means elems[-1]. This and name may
 *   instead be given as one options object `{ initializer, name }`.
 * @param name Accepted for Keras compatibility (a string or null).
 * @returns The final accumulator, with the initializer's structure, shape and dtype.
 * @throws K.ValueError when elems is empty without an initializer, has an unknown length along axis
 *   0, or fn changes the accumulator's shape or structure.
 * @throws K.TypeError when fn is not a function or changes the accumulator's dtype.
 * @example
 * ```ts
 * const x = K.constant([1, 2, 3]);
 * K.eval(K.foldr((acc, e) => K.add(K.multiply(acc, 10), e), x)); // 321
 * K.eval(K.foldr((acc: K.Tensor, e: K.Tensor) => K.subtract(acc, e), x, { initializer: 0 })); // -6
 * ```
 */
export function foldr<A extends Nest = Tensor, E extends Nest = Tensor>(
  fn: FoldFunction<A, E>,
  elems: E | Exclude<TensorLike, Tensor>,
  initializer?: A | Exclude<TensorLike, Tensor> | null | FoldOptions,
  name?: string | null | FoldOptions
): A {
  return fold('foldr', fn as unknown as (a: Nest, e: Nest) => unknown, elems, initializer, name, true) as A;
}

function fold(
  k: 'foldl' | 'foldr',
  fn: (a: Nest, e: Nest) => unknown,
  elems: unknown,
  initializer: unknown,
  name: unknown,
  fromRight: boolean
): Nest {
  return keras(k, () => {
    const o = options<FoldOptions>(['initializer', 'name'], [initializer, name]);
    if (typeof fn !== 'function') throw typeError(k, `fn must be a function; got ${typeof fn}`);
    nameArg(o.name);
    const structure = toNest(elems, 'elems');
    const flat = flattenNest(structure);
    const n = leadingLength(flat, leafPaths(structure), 'elems', true);
    if (n === UNKNOWN) {
      // The length is known only when the graph runs: the loop runs then (src/grad/call.ts). The
      // trace folds two elements, so that fn runs once (its variables are found) with or without an initializer.
      const init = o.initializer == null ? null : toNest(o.initializer, 'initializer');
      const initFlat = init === null ? [] : flattenNest(init);
      const again = (e: Nest, i: Nest | null) => fold(k, fn, e, i, null, fromRight) as Nest;
      return atRunTime(
        k,
        [...flat, ...initFlat],
        () =>
          again(
            packAs(
              structure,
              flat.map((t) => firstOf(t, 2))
            ),
            init
          ),
        (values) =>
          again(
            packAs(structure, values.slice(0, flat.length)),
            init === null ? null : packAs(init, values.slice(flat.length))
          ),
        () => null
      );
    }
    const element = (i: number) =>
      packAs(
        structure,
        flat.map((t) => at(t, i))
      );
    let order = [...Array(n).keys()];
    if (fromRight) order.reverse();
    let acc: Nest;
    if (o.initializer == null) {
      if (n === 0)
        throw valueError(k, `elems of shape ${describeNest(structure)} is empty and there is no initializer`);
      acc = element(order[0]!);
      order = order.slice(1);
    } else {
      acc = toNest(o.initializer, 'initializer');
    }
    for (const i of order) {
      const next = userCode(() => fn(acc, element(i)), `${k}'s fn, at element ${i}`);
      if (!isNest(next)) throw typeError(k, 'fn must return a tensor or a structure of tensors');
      checkLike(next, acc, `fn's result at element ${i}`, 'the accumulator');
      acc = next;
    }
    return acc;
  });
}
