// How a primitive is declared: its shape/dtype rule, and its VJP (one entry per
// input, each with the formula a student reads and the code that computes it).
// The kernel is the backend's entry of the same name (see src/core/backend.ts).
import type { Meta, Prim, PrimAttrs } from '../core/primitives.js';
import type { Tensor } from '../core/tensor.js';

export interface VjpContext<A> {
  readonly inputs: readonly Tensor[];
  readonly out: Tensor;
  readonly attrs: A;
  /** Which input the gradient is for (a variadic rule needs it). */
  readonly index: number;
}

/** The gradient with respect to one input, given the output cotangent `g` (null: none flows to it). */
export interface Vjp<A> {
  readonly formula: string;
  readonly grad: (g: Tensor, c: VjpContext<A>) => Tensor | null;
}

export interface NonDifferentiable {
  /** Why no gradient flows (shown by explain, and by errors). */
  readonly nonDifferentiable: string;
}

/** One rule for every input of a variadic primitive (concat); `c.index` says which. */
export interface VariadicVjp<A> {
  readonly variadic: Vjp<A>;
}

export interface OpSpec<A> {
  /** One line: what the primitive computes. */
  readonly doc: string;
  /** Output shape and dtype from the inputs' alone: symbolic tensors need no data. */
  readonly infer: (inputs: readonly Meta[], attrs: A) => Meta;
  /** One entry per input (null where that input takes no gradient), one rule for all, or a reason. */
  readonly vjp: readonly (Vjp<A> | null)[] | VariadicVjp<A> | NonDifferentiable;
}

export function vjp<A>(formula: string, grad: (g: Tensor, c: VjpContext<A>) => Tensor | null): Vjp<A> {
  return { formula, grad };
}

/** The whole table: one entry per primitive. */
export type PrimTable = { readonly [P in Prim]: OpSpec<PrimAttrs[P]> };
