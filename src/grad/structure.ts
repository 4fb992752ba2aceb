// Nested arrays of tensors (a step function's [output, [states]]): the tensors
// in order, and the same structure with each tensor replaced.
import { Tensor } from '../core/tensor.js';

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
