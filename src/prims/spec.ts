// How a primitive is declared: its shape/dtype rule, and its VJP (one entry per
// input, each with the formula a student reads and the code that computes it).
// Inputs are tuples of the primitive's arity (src/core/primitives.ts ARITY), so
// a rule with a VJP too few does not compile. The kernel is each backend's entry
// of the same name (src/core/backend.ts).
import type { ArityOf, Inputs, Meta, Prim, PrimAttrs } from '../core/primitives.js';
import type { Tensor } from '../core/tensor.js';

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
}

export function vjp<P extends Prim>(formula: string, grad: (g: Tensor, c: VjpContext<P>) => Tensor | null): Vjp<P> {
  return { formula, grad };
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
}
