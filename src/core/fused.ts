// A fused chain (the `fused` primitive, made by K.function's plans) run op by
// op on a backend's own kernels: exactly the values the chain gives unfused.
// The cpu falls back to it where its WebAssembly pass does not apply (other
// dtypes, strided operands, KTAPE_WASM=0).
import type { Kernels, KernelOf } from './backend.js';
import { FUSED_COMPARISONS, type FusedAttrs, type Meta } from './primitives.js';
import { broadcastShapes } from './shape.js';

type Attrs = FusedAttrs['fused'];

/** The shape of each operand (inputs, then each op's result). */
function operandShapes(a: Attrs): (readonly number[])[] {
  const shapes: (readonly number[])[] = [...a.inputs];
  for (const op of a.ops) {
    shapes.push(op.args.map((i) => shapes[i]!).reduce((x, y) => broadcastShapes('fused', x, y)));
  }
  return shapes;
}

/** `out` is the fused step's result: the last op's, or its sum's. */
export function fusedByOps<D>(kernels: Kernels<D>, inputs: readonly D[], a: Attrs, out: Meta): D {
  const vals: D[] = [...inputs];
  const shapes = operandShapes(a);
  a.ops.forEach((op, k) => {
    const out: Meta = {
      shape: shapes[a.inputs.length + k] as number[],
      dtype: FUSED_COMPARISONS.has(op.prim) ? 'bool' : 'float32',
    };
    const kernel = kernels[op.prim] as unknown as KernelOf<'n', object, D>;
    vals.push(
      kernel(
        op.args.map((i) => vals[i]!),
        {},
        out
      )
    );
  });
  const last = vals[vals.length - 1]!;
  if (a.sum === null) return last;
  return kernels.sum([last], a.sum, out);
}
