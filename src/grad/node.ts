// A node of the graph: one primitive call, its inputs, attributes and output.
// The graph is held by references (output -> node -> inputs), so it lives exactly
// as long as some tensor still needs it; there is no global tape to clear.
import type { Tensor } from '../core/tensor.js';
import type { Prim, PrimAttrs } from '../ops/prims/index.js';

let nextId = 1;

export class Node<P extends Prim = Prim> {
  readonly id = nextId++;
  /** Set once the output tensor exists (it points back here). */
  output!: Tensor;
  /** The user's line that made this node ('file:line:col'), when call sites are being recorded. */
  site: string | null = null;

  constructor(
    readonly prim: P,
    readonly inputs: readonly Tensor[],
    readonly attrs: PrimAttrs[P],
    /** The Keras function the user called, for error messages and tape listings. */
    readonly fn: string | null,
  ) {}
}
