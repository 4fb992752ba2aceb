// Running a primitive: shape rule, then kernel (through the dispatcher), then
// the node on the tape. Every op of ktape goes through `apply`.
import {
  callerName,
  currentName,
  disposedError,
  fmtShape,
  nameScope,
  scopedName,
  valueError,
} from '../core/context.js';
import { MAX_ELEMENTS } from '../core/dtype.js';
import { MAX_RANK } from '../core/shape.js';
import type { Storage } from '../core/storage.js';
import { isKnown } from '../core/shape.js';
import { Tensor, Variable, Node } from '../core/tensor.js';
import type { AnySpec, PrimTable } from './spec.js';
import { callSite, sitesOn } from '../core/site.js';
import { inVmap } from '../core/batch.js';
import { ARITY, type Arity, type Inputs, type Meta, type Prim, type PrimAttrs } from '../core/primitives.js';

/** Runs a primitive's kernel on the current device (src/device/dispatcher.ts registers it). */
export type Dispatch = <P extends Prim>(prim: P, inputs: readonly Tensor[], attrs: PrimAttrs[P], out: Meta) => Storage;

// The table and the dispatcher sit above this file (rules call lax, which calls
// apply), so they register themselves here when loaded instead of being imported.
let dispatch: Dispatch | null = null;
/** Each primitive's rule and arity in one record: apply's one lookup per call. */
let entries: Readonly<Record<string, { readonly spec: AnySpec; readonly arity: Arity }>> = {};

export function registerTable(t: PrimTable): void {
  const e: Record<string, { spec: AnySpec; arity: Arity }> = {};
  for (const p of Object.keys(t) as Prim[]) e[p] = { spec: t[p] as unknown as AnySpec, arity: ARITY[p] };
  entries = e;
}

export function registerDispatch(d: Dispatch): void {
  dispatch = d;
}

/** Applies a primitive inside K.vmap (src/prims/batching.ts registers it, as the dispatcher registers itself). */
export type Batcher = (prim: Prim, inputs: readonly Tensor[], attrs: unknown, spec: AnySpec) => Tensor;
let batcher: Batcher | null = null;

export function registerBatcher(b: Batcher): void {
  batcher = b;
}

/** Whether new nodes are recorded (off inside no-grad scopes and variable updates). */
let recording = true;

export function isRecording(): boolean {
  return recording;
}

/** Run `body` without recording nodes: its results are constants. */
export function withoutRecording<T>(body: () => T): T {
  const was = recording;
  recording = false;
  try {
    return body();
  } finally {
    recording = was;
  }
}

/** Called with every primitive's result (K.trace, K.detect_anomaly); empty in normal runs. */
export type ApplyObserver = (out: Tensor, prim: Prim, inputs: readonly Tensor[]) => void;
const observers = new Set<ApplyObserver>();

/** Whether some observer is told of every primitive now (K.detect_anomaly, K.trace): K.function then runs its graph op by op, through apply. */
export function observed(): boolean {
  return observers.size > 0;
}

/** Run `body` with `observer` told of every primitive applied inside it. */
export function observing<T>(observer: ApplyObserver, body: () => T): T {
  observers.add(observer);
  try {
    return body();
  } finally {
    observers.delete(observer);
  }
}

/** Run `body` recording nodes even inside a no-grad scope (K.jvp and friends need a graph). */
export function withRecording<T>(body: () => T): T {
  const was = recording;
  recording = true;
  try {
    return body();
  } finally {
    recording = was;
  }
}

export function apply<P extends Prim>(prim: P, inputs: Inputs<P, Tensor>, attrs: PrimAttrs[P]): Tensor {
  const entry = entries[prim];
  if (entry === undefined) throw new Error('ktape: the primitive table is not loaded (import ktape from its index)');
  const arity = entry.arity;
  if (arity !== 'n' && inputs.length !== arity) {
    throw new Error(`ktape: ${prim} takes ${arity} input(s); it was given ${inputs.length}`);
  }
  // The tuple types ended at the arity check: the rule sees the node's own list.
  const spec = entry.spec;
  const ins = (inputs as readonly Tensor[]).map((t) => (t instanceof Variable ? readVariable(t) : t));
  // Symbolic when an input is, or when the shape depends on one (a `like` attribute).
  let symbolic = false;
  let examples = false;
  for (const t of ins) {
    const s = t.storage;
    if (s === null) {
      symbolic = true;
      if (t.batch !== null) examples = true;
    } else if (s.disposed === true) throw disposedError(prim, t.shape, t.dtype);
  }
  // Inside K.vmap: an input stands for examples, or a draw is made per example.
  if ((examples || (prim === 'random' && inVmap())) && batcher !== null) return batcher(prim, ins, attrs, spec);
  const meta = spec.infer(ins, attrs);
  // TF's largest rank: beyond it nothing is computed (a rank-1000 reshape of ones would walk every axis).
  if (meta.shape.length > MAX_RANK) {
    throw valueError(
      callerName(prim),
      `the result would have rank ${meta.shape.length}; at most ${MAX_RANK} axes (TF's largest rank)`
    );
  }
  // A result no typed array can hold is refused at the call, also when a kernel would only make a view of it.
  const size = meta.shape.reduce((p, d) => (d < 0 ? p : p * d), 1);
  if (size > MAX_ELEMENTS) {
    throw valueError(
      callerName(prim),
      `the result of shape ${fmtShape(meta.shape)} would hold ${size} elements; at most ${MAX_ELEMENTS}`
    );
  }
  if (!isKnown(meta.shape)) symbolic = true;
  if (!symbolic && dispatch === null) throw new Error('ktape: no dispatcher is loaded (import ktape from its index)');
  const storage = symbolic || dispatch === null ? null : dispatch(prim, ins, attrs, meta);
  const node = recording ? new Node(prim, ins, attrs, currentName()) : null;
  const out = new Tensor(meta.shape, meta.dtype, storage, node);
  if (node !== null) {
    node.output = out;
    if (sitesOn()) node.site = callSite();
  }
  // Inside K.name_scope, results are named as TF's graph ops are: 'scope/<keras function>'.
  if (nameScope() !== '') out.name = scopedName(currentName() ?? prim);
  if (observers.size > 0) for (const o of [...observers]) o(out, prim, ins);
  return out;
}

/** The snapshot of a variable's current version: one read node per version. */
export function readVariable(v: Variable): Tensor {
  for (const w of variableWatchers) w.add(v);
  const pinned = pinnedReads.get(v);
  if (pinned !== undefined) return pinned;
  if (v.snapshot !== null) return v.snapshot;
  const node = new Node('read_variable', [v], {}, null);
  const snap = new Tensor(v.shape, v.dtype, v.storage, node);
  node.output = snap;
  v.snapshot = snap;
  return snap;
}

const variableWatchers = new Set<Set<Variable>>();

/** Run `body` and also return the variables it read (K.custom_gradient, K.checkpoint). */
export function watchingVariables<T>(body: () => T): [T, Variable[]] {
  const seen = new Set<Variable>();
  variableWatchers.add(seen);
  try {
    return [body(), [...seen]];
  } finally {
    variableWatchers.delete(seen);
  }
}

const pinnedReads = new Map<Variable, Tensor>();

/**
 * Run `body` with each variable read as the given snapshot: K.checkpoint's
 * recomputation sees the values of its forward pass even after an update.
 */
export function withVariableReads<T>(reads: ReadonlyMap<Variable, Tensor>, body: () => T): T {
  const saved = new Map<Variable, Tensor | undefined>();
  for (const [v, snap] of reads) {
    saved.set(v, pinnedReads.get(v));
    pinnedReads.set(v, snap);
  }
  try {
    return body();
  } finally {
    for (const [v, prev] of saved) {
      if (prev === undefined) pinnedReads.delete(v);
      else pinnedReads.set(v, prev);
    }
  }
}
