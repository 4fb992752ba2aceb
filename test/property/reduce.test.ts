// Property: sum, mean, max, min and prod over random axes (null, one axis, a
// list; negative, out of range, repeated) with and without keepdims give the
// naive reference's values, or a K.ValueError exactly when an axis is out of
// range or named twice.
import { describe, it } from 'vitest';
import fc from 'fast-check';
import * as K from '../../src/index.js';
import {
  agrees,
  at,
  build,
  dtypeArb,
  INVALID,
  pyShape,
  refArb,
  RUNS,
  shapeArb,
  tensorOf,
  type Answer,
  type Ref,
} from './reference.js';

type AxisArg = number | number[] | null;

/** The reduced axes, ascending, or null where TensorFlow refuses them. */
function reducedAxes(axis: AxisArg, rank: number): number[] | null {
  if (axis === null) return [...Array(rank).keys()];
  const list = typeof axis === 'number' ? [axis] : axis;
  const out: number[] = [];
  for (const a of list) {
    if (a < -rank || a >= rank) return null;
    const n = a < 0 ? a + rank : a;
    if (out.includes(n)) return null;
    out.push(n);
  }
  return out.sort((p, q) => p - q);
}

interface Reduction {
  name: 'sum' | 'mean' | 'max' | 'min' | 'prod';
  /** Combine the reduced values (possibly none) of a `dtype` tensor. */
  combine: (vs: number[], dtype: K.DType) => number;
}

const INT32_MIN = -2147483648,
  INT32_MAX = 2147483647;
const REDUCTIONS: Reduction[] = [
  { name: 'sum', combine: (vs) => vs.reduce((a, v) => a + v, 0) },
  // Integer means divide truncating toward zero, and an empty one is 0 (tf.reduce_mean).
  {
    name: 'mean',
    combine: (vs, dt) => {
      const s = vs.reduce((a, v) => a + v, 0);
      if (dt === 'int32') return vs.length === 0 ? 0 : Math.trunc(s / vs.length);
      return s / vs.length;
    },
  },
  // An empty max is the dtype's lowest value, an empty min its highest (tf.reduce_max/min).
  { name: 'max', combine: (vs, dt) => vs.reduce((a, v) => Math.max(a, v), dt === 'int32' ? INT32_MIN : -Infinity) },
  { name: 'min', combine: (vs, dt) => vs.reduce((a, v) => Math.min(a, v), dt === 'int32' ? INT32_MAX : Infinity) },
  { name: 'prod', combine: (vs) => vs.reduce((a, v) => a * v, 1) },
];

function reduceRef(x: Ref, axis: AxisArg, keepdims: boolean, r: Reduction, dtype: K.DType): Answer {
  const axes = reducedAxes(axis, x.shape.length);
  if (axes === null) return INVALID;
  const kept = x.shape.map((_, k) => k).filter((k) => !axes.includes(k));
  const shape = keepdims ? x.shape.map((d, k) => (axes.includes(k) ? 1 : d)) : kept.map((k) => x.shape[k]!);
  return {
    shape,
    value: build(shape, (outIdx) => {
      // Walk every index of x that lands on this output entry.
      const vs: number[] = [];
      const walk = (k: number, idx: number[]) => {
        if (k === x.shape.length) return void vs.push(at(x.value, idx));
        if (axes.includes(k)) for (let i = 0; i < x.shape[k]!; i++) walk(k + 1, [...idx, i]);
        else walk(k + 1, [...idx, outIdx[keepdims ? k : kept.indexOf(k)]!]);
      };
      walk(0, []);
      return r.combine(vs, dtype);
    }),
  };
}

/** An axis argument for rank `rank`: null, one axis or a list, sometimes out of range or repeated. */
function axisArb(rank: number): fc.Arbitrary<AxisArg> {
  const one = fc.integer({ min: -rank - 1, max: rank });
  return fc.oneof(fc.constant(null), one, fc.array(one, { minLength: 0, maxLength: Math.min(rank + 1, 4) }));
}

const input = shapeArb.chain((s) =>
  fc.record({
    x: refArb(s),
    axis: axisArb(s.length),
    keepdims: fc.boolean(),
    dtype: dtypeArb,
    byName: fc.boolean(),
  })
);

describe('reductions over random axes (property)', () => {
  for (const r of REDUCTIONS) {
    it(`K.${r.name} matches the naive reference, or throws K.ValueError exactly for a bad axis`, () => {
      fc.assert(
        fc.property(input, ({ x, axis, keepdims, dtype, byName }) => {
          const t = tensorOf(x, dtype);
          // biome-ignore lint/performance/noDynamicNamespaceImportAccess: the property runs each reduction by its Keras name
          const f = K[r.name];
          const run = () => (byName ? f(t, { axis, keepdims }) : f(t, axis, keepdims));
          agrees(run, reduceRef(x, axis, keepdims, r, dtype), r.name, { mentions: ['axis', pyShape(x.shape)], dtype });
        }),
        RUNS
      );
    });
  }
});
