// What a planned K.function runs (compile.ts plans it, fuse.ts joins its
// elementwise chains): steps that fill numbered slots, in order.
import type { Placeholder, Tensor, Variable } from '../core/tensor.js';
import type { Meta, Prim, PrimAttrs } from '../core/primitives.js';

type Attrs = PrimAttrs[Prim];

/** One step of a plan: where its value comes from, and the slot it fills. */
export type Step = { readonly slot: number; readonly meta: Meta } & (
  | { readonly kind: 'feed'; readonly tensor: Tensor }
  /** A constant (or a constant folded at planning): the same value every call. */
  | { readonly kind: 'constant'; readonly value: Tensor }
  /** A placeholder's default, a variable read: looked up each call. */
  | { readonly kind: 'fallback'; readonly tensor: Placeholder }
  | { readonly kind: 'variable'; readonly variable: Variable }
  | { readonly kind: 'op'; readonly prim: Prim; readonly inputs: readonly number[]; readonly attrs: Attrs }
);

/** The planned form of a graph for one input signature. */
export interface Program {
  readonly steps: readonly Step[];
  /** Slots whose values may be dropped after step i (nothing later reads them). */
  readonly drops: readonly (readonly number[])[];
  readonly outputs: readonly number[];
  readonly slots: number;
  /** How many primitives the plan runs, and how many of them run inside fused kernels. */
  readonly stats: { readonly kernels: number; readonly fused: number; readonly folded: number };
}
