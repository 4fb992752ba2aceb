// How a primitive is declared: its shape/dtype rule, and its VJP (one entry per
// input, each with the formula a student reads and the code that computes it).
// Inputs are tuples of the primitive's arity (src/core/primitives.ts ARITY), so
// a rule with a VJP too few does not compile. The kernel is each backend's entry
// of the same name (src/core/backend.ts).
import type { ArityOf, Inputs, Meta, Prim, PrimAttrs } from '../core/primitives.js';
import type { BatchLevel, Tensor } from '../core/tensor.js';

export interface VjpContext<P extends Prim> {
  readonly inputs: Inputs<P, Tensor>;
  readonly out: Tensor;
  readonly attrs: PrimAttrs[P];
  /** Which input the gradient is for (a variadic rule needs it). */
  readonly index: number;
}

/** The gradient with respect to one input, given the output cotangent `g` (null: none flows to it). */
export interface Vjp<P extends Prim> {
  readonly formula: string;
  readonly grad: (g: Tensor, c: VjpContext<P>) => Tensor | null;
}

export interface NonDifferentiable {
  /** Why no gradient flows (shown by explain, and by errors). */
  readonly nonDifferentiable: string;
}

/** One rule for every input of a variadic primitive (concat); `c.index` says which. */
export interface VariadicVjp<P extends Prim> {
  readonly variadic: Vjp<P>;
}

/** One rule per input (null where that input takes no gradient), or one rule for all of a variadic primitive. */
export type VjpRules<P extends Prim> = ArityOf<P> extends 'n' ? VariadicVjp<P> : Inputs<P, Vjp<P> | null>;

export interface OpSpec<P extends Prim> {
  /** One line: what the primitive computes. */
  readonly doc: string;
  /** Output shape and dtype from the inputs' alone: symbolic tensors need no data. */
  readonly infer: (inputs: Inputs<P, Meta>, attrs: PrimAttrs[P]) => Meta;
  /** The VJPs, or the reason there are none. */
  readonly vjp: VjpRules<P> | NonDifferentiable;
  /**
   * The batching rule (K.vmap), or why there is none. Given the inputs'
   * batched values and where their batch axis is (null: not batched, the
   * same for every example), it returns the batched result and its batch
   * axis, usually by moving axes and applying the primitive itself once.
   */
  readonly batch: BatchRule<P> | NoBatch;
  /**
   * Optional: the cotangents of many nodes of this primitive that read one
   * tensor (input 0), summed into that tensor's gradient at once. Backprop
   * keeps them until the tensor's turn comes, so T slices or gathers of one
   * tensor cost one full-size gradient, not T (a long rnn stays linear).
   */
  readonly combine?: Combine<P>;
  /**
   * For attributes with unknown (-1) dims (a graph built on placeholders): the
   * attributes K.function runs with, from the inputs' run-time metas and the
   * run-time shape of the `like` tensor (null without one), and the run-time
   * values of integer inputs (`values(i)`: a shape given as a tensor); null
   * when nothing is unknown. Only primitives whose attributes can hold unknown
   * dims have it.
   */
  readonly resolve?: (
    attrs: PrimAttrs[P],
    inputs: Inputs<P, Meta>,
    like: readonly number[] | null,
    values: (index: number) => readonly number[]
  ) => Resolved<P> | null;
}

/** What a batching rule knows besides its inputs: the batch size and the result for one example. */
export interface BatchContext {
  readonly size: number;
  /** The K.vmap level being batched (a custom gradient runs the user's function on it again). */
  readonly level: BatchLevel;
  /** The shape and dtype of one example's result (the shape rule's, on one example's inputs). */
  readonly out: Meta;
}

/** Batched result and its batch axis (null: the result is the same for every example). */
export type Batched = readonly [Tensor, number | null];

export type BatchRule<P extends Prim> = (
  inputs: Inputs<P, Tensor>,
  axes: Inputs<P, number | null>,
  attrs: PrimAttrs[P],
  c: BatchContext
) => Batched;

export interface NoBatch {
  /** Why K.vmap never meets this primitive with a batched input. */
  readonly noBatch: string;
}

/** A primitive's attributes with their unknown dims filled in, and what was filled (for errors). */
export interface Resolved<P extends Prim> {
  readonly attrs: PrimAttrs[P];
  /** The attribute's Keras name ('shape', 'size', 'paddings'), as given and as resolved. */
  readonly name: string;
  readonly given: readonly number[];
  readonly done: readonly number[];
}

/** Attributes without their `like` reference (resolved attributes no longer need it). */
export function withoutLike<A extends { readonly like?: Tensor }>(a: A): Omit<A, 'like'> {
  const out: { like?: Tensor } = { ...a };
  delete out.like;
  return out as Omit<A, 'like'>;
}

/** Unknown (-1) entries of `v` taken from `like`'s dims at the same positions (left unknown without it). */
export function byPosition(v: readonly number[], like: readonly number[] | null): number[] {
  return v.map((d, i) => (d < 0 && like !== null ? (like[i] ?? d) : d));
}

export function vjp<P extends Prim>(formula: string, grad: (g: Tensor, c: VjpContext<P>) => Tensor | null): Vjp<P> {
  return { formula, grad };
}

/** One waiting cotangent of a combinable node: its `g` and the node's context (index 0). */
export interface Part<P extends Prim> {
  readonly g: Tensor;
  readonly c: VjpContext<P>;
}

export interface Combine<P extends Prim> {
  readonly formula: string;
  /** d/dx of all the parts together (all shapes known, two parts or more), or null when they do not fit: each part's VJP then runs alone. */
  readonly grad: (parts: readonly Part<P>[], x: Tensor) => Tensor | null;
}

/** The whole table: one entry per primitive. */
export type PrimTable = { readonly [P in Prim]: OpSpec<P> };

/** A VJP seen without knowing its primitive (backprop, explain): inputs as a plain list. */
export interface AnyVjp {
  readonly formula: string;
  readonly grad: (g: Tensor, c: AnyVjpContext) => Tensor | null;
}

export interface AnyVjpContext {
  readonly inputs: readonly Tensor[];
  readonly out: Tensor;
  readonly attrs: unknown;
  readonly index: number;
}

/** A table entry seen without knowing its primitive: what code that walks any node needs. */
export interface AnySpec {
  readonly doc: string;
  readonly infer: (inputs: readonly Meta[], attrs: unknown) => Meta;
  readonly vjp: readonly (AnyVjp | null)[] | { readonly variadic: AnyVjp } | NonDifferentiable;
  readonly batch:
    | ((inputs: readonly Tensor[], axes: readonly (number | null)[], attrs: unknown, c: BatchContext) => Batched)
    | NoBatch;
  readonly combine?: {
    readonly formula: string;
    readonly grad: (parts: readonly { readonly g: Tensor; readonly c: AnyVjpContext }[], x: Tensor) => Tensor | null;
  };
  readonly resolve?: (
    attrs: unknown,
    inputs: readonly Meta[],
    like: readonly number[] | null,
    values: (index: number) => readonly number[]
  ) => {
    readonly attrs: unknown;
    readonly name: string;
    readonly given: readonly number[];
    readonly done: readonly number[];
  } | null;
}
