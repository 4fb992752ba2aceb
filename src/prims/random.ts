// Random draws and the run-time shape. A random op is a node like any other, so
// a graph that K.function runs draws anew at every call (TF's graph mode); its
// values come from the host (src/core/sample.ts) on every device. shape_of
// gives a tensor's dims as a 1-D int32 tensor, known when the graph runs.
import { fmtShape, valueError } from '../core/context.js';
import type { RandomAttrs } from '../core/primitives.js';
import { isKnown } from '../core/shape.js';
import { byPosition, withoutLike, type OpSpec } from './spec.js';
import * as lax from './lax.js';
import { hostTensor } from '../core/tensor.js';
import { exampleShape } from '../core/batch.js';

export const randomPrims = {
  random: {
    doc: 'a random draw of the given shape; drawn again each time it runs',
    infer: (ins, a) => {
      const s = ins[0];
      if (
        ins.length > 1 ||
        (s !== undefined && (s.shape.length !== 1 || (s.dtype !== 'int32' && s.dtype !== 'int64')))
      ) {
        throw valueError('random', `the shape input must be one 1-D integer tensor; got ${ins.length} input(s)`);
      }
      if (s !== undefined && s.shape[0]! >= 0 && s.shape[0] !== a.shape.length) {
        throw valueError('random', `a shape tensor of ${s.shape[0]} entries does not give the rank ${a.shape.length}`);
      }
      return { shape: a.shape.slice(), dtype: a.dist === 'keep' ? 'bool' : a.dtype };
    },
    vjp: { nonDifferentiable: 'a random draw: its values do not depend on its shape' },
    // Inside K.vmap each example draws as a loop of calls would: an unseeded
    // op draws new values for each (one draw for all of them); a seeded op
    // repeats its values at each eager call, so every example gets the same.
    batch: (_ins, axes, a, c) => {
      if (axes.some((b) => b !== null))
        throw valueError('random', 'inside K.vmap the shape of a draw cannot differ from one example to another');
      const draw = withoutLike(a);
      if (a.stream.seeded) return [lax.random({ ...draw, shape: c.out.shape.slice() }, null), null];
      return [lax.random({ ...draw, shape: [c.size, ...c.out.shape] }, null), 0];
    },
    resolve: (a, ins, like, values) => {
      if (isKnown(a.shape)) return null;
      const done = ins.length === 1 ? byPosition(a.shape, values(0)) : byPosition(a.shape, like);
      return { attrs: { ...withoutLike(a), shape: done }, name: 'shape', given: a.shape, done };
    },
  },
  shape_of: {
    doc: "x's dims as a 1-D int32 tensor, read when the graph runs",
    infer: ([x], a) => {
      if (a.dims.length !== x.shape.length || a.dims.some((d, i) => d >= 0 && d !== x.shape[i])) {
        throw valueError('shape', `dims ${fmtShape(a.dims)} are not those of x of shape ${fmtShape(x.shape)}`);
      }
      return { shape: [a.dims.length], dtype: 'int32' };
    },
    vjp: { nonDifferentiable: "a shape: it does not change with x's values" },
    // One example's dims, the same for every example.
    batch: ([x], [b]) => {
      const dims = exampleShape(x.shape, b);
      return [hostTensor(Int32Array.from(dims), [dims.length], 'int32'), null];
    },
    resolve: (a, [x]) =>
      isKnown(a.dims) ? null : { attrs: { dims: x.shape.slice() }, name: 'shape', given: a.dims, done: x.shape },
  },
} satisfies { [P in keyof RandomAttrs]: OpSpec<P> };
