// Property: binary ops broadcast as numpy does. For random shapes (some
// compatible, some not) the result is the naive reference's, or a K.ValueError
// naming both shapes exactly when numpy's rule refuses them.
import { describe, it } from 'vitest';
import fc from 'fast-check';
import * as K from '../../src/index.js';
import {
  agrees,
  at,
  build,
  dim,
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

/** numpy's rule: align from the right; equal lengths, or one of them 1. */
function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1,
      db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

function broadcastRef(a: Ref, b: Ref, f: (p: number, q: number) => number): Answer {
  const shape = broadcastShape(a.shape, b.shape);
  if (shape === null) return INVALID;
  // Read each input at the output index, right-aligned, with index 0 along its size-1 axes.
  const read = (r: Ref, idx: number[]) =>
    at(
      r.value,
      r.shape.map((d, k) => (d === 1 ? 0 : idx[idx.length - r.shape.length + k]!))
    );
  return { shape, value: build(shape, (idx) => f(read(a, idx), read(b, idx))) };
}

/** A second shape for `a`: each axis from a's (aligned right), 1, or anything; ranks may differ. */
function partnerOf(a: readonly number[]): fc.Arbitrary<number[]> {
  return fc.integer({ min: 0, max: 4 }).chain((rank) =>
    fc.tuple(
      ...Array.from({ length: rank }, (_, k) => {
        const own = a[a.length - rank + k];
        return own === undefined
          ? dim
          : fc.oneof(
              { arbitrary: fc.constant(own), weight: 2 },
              { arbitrary: fc.constant(1), weight: 1 },
              { arbitrary: dim, weight: 3 }
            );
      })
    )
  );
}

const pair = shapeArb
  .chain((a) => partnerOf(a).map((b) => [a, b] as const))
  .chain(([a, b]) => fc.tuple(refArb(a), refArb(b), fc.boolean(), dtypeArb))
  .map(([a, b, swap, dtype]) => (swap ? { a: b, b: a, dtype } : { a, b, dtype }));

type Op = [string, (x: K.Tensor, y: K.Tensor) => K.Tensor, (p: number, q: number) => number, 'bool' | null];
/** name, the Keras function, the reference, and the result's dtype (null: the inputs'). */
const OPS: Op[] = [
  ['add', K.add, (p, q) => p + q, null],
  ['subtract', K.subtract, (p, q) => p - q, null],
  ['multiply', K.multiply, (p, q) => p * q, null],
  ['maximum', K.maximum, Math.max, null],
  ['minimum', K.minimum, Math.min, null],
  ['greater', K.greater, (p, q) => Number(p > q), 'bool'],
  ['equal', K.equal, (p, q) => Number(p === q), 'bool'],
];

describe('broadcasting (property)', () => {
  for (const [name, op, f, out] of OPS) {
    it(`K.${name} matches the naive reference, or throws K.ValueError exactly when numpy refuses the shapes`, () => {
      fc.assert(
        fc.property(pair, ({ a, b, dtype }) => {
          agrees(() => op(tensorOf(a, dtype), tensorOf(b, dtype)), broadcastRef(a, b, f), name, {
            mentions: [pyShape(a.shape), pyShape(b.shape)],
            dtype: out ?? dtype,
          });
        }),
        RUNS
      );
    });
  }

  it('a plain number broadcasts against any shape (and takes its dtype)', () => {
    fc.assert(
      fc.property(
        shapeArb.chain((s) => fc.tuple(refArb(s), dtypeArb, fc.integer({ min: -3, max: 3 }))),
        ([a, dtype, v]) => {
          agrees(
            () => K.add(tensorOf(a, dtype), v),
            broadcastRef(a, { shape: [], value: v }, (p, q) => p + q),
            'add',
            { dtype }
          );
        }
      ),
      RUNS
    );
  });
});
