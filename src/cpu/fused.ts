// The cpu's fused chain: one pass of the WebAssembly module over the elements
// (wasm/elementwise.ts wasmFused) when every operand is float32 and either the
// chain's size, contiguous, or one value; null otherwise (the backend then
// runs the chain op by op, core/fused.ts).
import { isContiguous, type Nd, nd } from '../core/ndarray.js';
import type { FusedAttrs, Meta } from '../core/primitives.js';
import { sizeOf } from '../core/shape.js';
import { FUSED_OP, type FusedInput, wasmFused } from './wasm/elementwise.js';

export function cpuFused(ins: readonly Nd[], a: FusedAttrs['fused'], out: Meta): Nd | null {
  const n = sizeOf(a.shape);
  const inputs: FusedInput[] = [];
  for (const x of ins) {
    if (!(x.data instanceof Float32Array)) return null;
    if (x.size === 1) inputs.push(x.data[x.offset]!);
    else if (x.size === n && isContiguous(x)) inputs.push({ data: x.data, offset: x.offset });
    else return null;
  }
  const ops = a.ops.map((o) => [FUSED_OP[o.prim], o.args[0]!, o.args[1] ?? 0, o.args[2] ?? 0] as const);
  const r = wasmFused(ops, inputs, n, a.sum !== null);
  if (r === null) return null;
  if (typeof r === 'number') return nd(Float32Array.of(r), out.shape);
  return nd(r, a.shape);
}
