// Nested structures of tensors (tf.nest): a step function's [output, [states]],
// K.function's outputs. Flattening, packing, comparing and describing them.
import { fmtShape } from './context.js';
import { Tensor } from './tensor.js';

/** The tensors in `x` (a tensor or nested arrays holding tensors), depth first, each once. */
export function tensorsIn(x: unknown, out: Tensor[] = [], seen = new Set<Tensor>()): Tensor[] {
  if (x instanceof Tensor) {
    if (!seen.has(x)) {
      seen.add(x);
      out.push(x);
    }
  } else if (Array.isArray(x)) {
    for (const e of x) tensorsIn(e, out, seen);
  }
  return out;
}

/** `x` with every tensor t replaced by f(t); everything else kept as it is. */
export function mapTensors<T>(x: T, f: (t: Tensor) => Tensor): T {
  if (x instanceof Tensor) return f(x) as T;
  if (Array.isArray(x)) return x.map((e: unknown) => mapTensors(e, f)) as T;
  return x;
}

export function isNest(x: unknown): x is Nest {
  return x instanceof Tensor || (Array.isArray(x) && x.every(isNest));
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
