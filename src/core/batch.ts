// The live K.vmap levels. A tensor made inside K.vmap stands for one example
// of a batched value (tensor.ts `Batched`); a primitive applied to such tensors
// runs its batching rule once on the batched values (src/prims/batching.ts).
// Levels nest as calls do: the last one entered is the innermost. A level can
// be entered again after its K.vmap returned (a gradient of a vmapped
// function runs a custom gradient's function on that level's tensors).
import { Tensor, type BatchLevel, type Node } from './tensor.js';

let nextLevel = 1;
/** Entered levels, outermost first. */
const stack: BatchLevel[] = [];
/**
 * How many levels of the stack a primitive sees now: a batching rule at level
 * i runs its primitives on values batched only at levels below i (a draw
 * inside it is batched for those levels alone).
 */
let visible = 0;

export function newLevel(size: number): BatchLevel {
  return { id: nextLevel++, size };
}

/** Run `body` with `level` the innermost K.vmap level. */
export function withLevel<T>(level: BatchLevel, body: () => T): T {
  const was = visible;
  stack.splice(visible, 0, level);
  visible++;
  try {
    return body();
  } finally {
    stack.splice(was, 1);
    visible = was;
  }
}

/** Where `level` sits among the levels visible now (-1: not entered, or hidden by a running rule). */
export function depthOf(level: BatchLevel): number {
  for (let i = visible - 1; i >= 0; i--) if (stack[i] === level) return i;
  return -1;
}

/** The innermost visible level, or null outside K.vmap. */
export function innermost(): BatchLevel | null {
  return visible === 0 ? null : stack[visible - 1]!;
}

/** Run a batching rule for the level at `depth`: its primitives see only the levels outside it. */
export function belowLevel<T>(depth: number, body: () => T): T {
  const was = visible;
  visible = depth;
  try {
    return body();
  } finally {
    visible = was;
  }
}

/** Whether some K.vmap level is visible now (apply's one check for random draws). */
export function inVmap(): boolean {
  return visible > 0;
}

/** One example's shape: `shape` without its batch axis (all of it when unbatched). */
export function exampleShape(shape: readonly number[], axis: number | null): number[] {
  return shape.filter((_, k) => k !== axis);
}

/**
 * A tensor that stands for one example of `value` (batched along `axis`) at
 * `level`; `node`, when a primitive made it (recorded on the examples' tape).
 */
export function batched(value: Tensor, axis: number, level: BatchLevel, node: Node | null = null): Tensor {
  const shape = exampleShape(value.shape, axis);
  const t = new Tensor(shape, value.dtype, null, node);
  t.batch = { value, axis, level };
  if (node !== null) node.output = t;
  return t;
}
