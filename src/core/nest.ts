// Nested structures of tensors (tf.nest): a step function's [output, [states]],
// K.function's outputs. Flattening, packing, comparing and describing them.
import { fmtShape } from './context.js';
import { Tensor } from './tensor.js';

/** The tensors in `x` (a tensor or nested arrays holding tensors), depth first, each once; iterative, as `x` may be deep. */
export function tensorsIn(x: unknown, out: Tensor[] = [], seen = new Set<Tensor>()): Tensor[] {
  const stack: unknown[] = [x];
  while (stack.length > 0) {
    const e = stack.pop();
    if (e instanceof Tensor) {
      if (!seen.has(e)) {
        seen.add(e);
        out.push(e);
      }
    } else if (Array.isArray(e)) {
      for (let i = e.length - 1; i >= 0; i--) stack.push(e[i]);
    }
  }
  return out;
}

/** TF's deepest nesting is its largest rank; a deeper structure is not a nest (and recursion over it would overflow). */
export const MAX_NEST_DEPTH = 254;

/** `x` with every tensor t replaced by f(t); everything else kept as it is. */
export function mapTensors<T>(x: T, f: (t: Tensor) => Tensor): T {
  if (x instanceof Tensor) return f(x) as T;
  if (Array.isArray(x)) return x.map((e: unknown) => mapTensors(e, f)) as T;
  return x;
}

/** Whether `x` is a tensor or nested arrays of tensors, at most MAX_NEST_DEPTH deep (checked without recursion). */
export function isNest(x: unknown): x is Nest {
  const stack: [unknown, number][] = [[x, 0]];
  while (stack.length > 0) {
    const [e, depth] = stack.pop() as [unknown, number];
    if (e instanceof Tensor) continue;
    if (!Array.isArray(e) || depth >= MAX_NEST_DEPTH) return false;
    for (const c of e) stack.push([c, depth + 1]);
  }
  return true;
}

export function flattenNest(n: Nest): Tensor[] {
  if (n instanceof Tensor) return [n];
  return n.flatMap(flattenNest);
}

/** tf.nest.pack_sequence_as: the tensors of `flat`, in order, in the shape of `like`. */
export function packAs(like: Nest, flat: readonly Tensor[]): Nest {
  let i = 0;
  const walk = (n: Nest): Nest => (n instanceof Tensor ? flat[i++]! : n.map(walk));
  return walk(like);
}

export function sameStructure(a: Nest, b: Nest): boolean {
  if (a instanceof Tensor || b instanceof Tensor) return a instanceof Tensor && b instanceof Tensor;
  return a.length === b.length && a.every((x, i) => sameStructure(x, b[i]!));
}

export function describeNest(n: Nest): string {
  return n instanceof Tensor ? fmtShape(n.shape) : `[${n.map(describeNest).join(', ')}]`;
}

/** Paths of a structure's leaves, for messages: '', '[0]', '[1][0]', ... */
export function leafPaths(n: Nest, prefix = ''): string[] {
  return n instanceof Tensor ? [prefix] : n.flatMap((e, i) => leafPaths(e, `${prefix}[${i}]`));
}

/** A tensor, or (nested) arrays of tensors: tf.nest's structures. */
export type Nest = Tensor | readonly Nest[];
