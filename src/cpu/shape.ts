// Shape kernels: views wherever the layout allows (values are immutable).
import ops from 'ndarray-ops';
import type { Kernel } from '../core/backend.js';
import { alloc, broadcastView, nd, reshapeView, type Nd } from '../core/ndarray.js';
import type { ShapeAttrs } from '../core/primitives.js';

export const cpuShape: { [P in keyof ShapeAttrs]: Kernel<P, Nd> } = {
  reshape: ([a], attrs, out) => reshapeView(a, out.dtype, attrs.shape),
  transpose: ([a], attrs) => (attrs.perm.length === 0 ? a : a.transpose(...attrs.perm)),
  broadcast_to: ([a], attrs) => broadcastView(a, attrs.shape),
  slice: ([a], attrs) => {
    const x = a;
    if (x.shape.length === 0) return x;
    let offset = x.offset;
    for (let i = 0; i < attrs.begin.length; i++) offset += attrs.begin[i]! * x.stride[i]!;
    return nd(x.data, attrs.size, x.stride, offset);
  },
  pad: ([a], attrs, out) => {
    const o = alloc(out.dtype, out.shape);
    if (out.shape.length === 0) {
      o.data[0] = a.data[a.offset]!;
      return o;
    }
    if (a.size === 0) return o;
    const inner = o.lo(...attrs.pads.map(([p]) => p)).hi(...a.shape);
    ops.assign(inner, a);
    return o;
  },
};
