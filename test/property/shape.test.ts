// Property: reshape, transpose, permute_dimensions, expand_dims, squeeze and
// slice on random shapes with random arguments give the naive reference's
// values (index arithmetic on nested arrays), or a K.ValueError exactly where
// TensorFlow refuses the arguments. A last property chains them, so views of
// views (strides, offsets) are read back on each device.
import { describe, it } from 'vitest';
import fc from 'fast-check';
import * as K from '../../src/index.js';
import {
  agrees,
  at,
  build,
  dtypeArb,
  flat,
  INVALID,
  pyShape,
  refArb,
  RUNS,
  shapeArb,
  size,
  tensorOf,
  unflat,
  type Answer,
  type Ref,
} from './reference.js';

// ---- the reference: tf.reshape, tf.transpose, tf.expand_dims, tf.squeeze, tf.slice on nested arrays

function reshapeRef(x: Ref, want: number[]): Answer {
  if (want.some((d) => d < -1) || want.filter((d) => d === -1).length > 1) return INVALID;
  const n = size(x.shape);
  const known = size(want.filter((d) => d !== -1));
  let shape = want;
  if (want.includes(-1)) {
    // The missing length must be a whole number, and cannot be inferred from 0 known values.
    if (known === 0 || n % known !== 0) return INVALID;
    shape = want.map((d) => (d === -1 ? n / known : d));
  } else if (known !== n) {
    return INVALID;
  }
  return unflat(flat(x), shape);
}

function permuteRef(x: Ref, perm: number[]): Answer {
  const r = x.shape.length;
  const isPerm = perm.length === r && [...perm].sort((p, q) => p - q).every((p, i) => p === i);
  if (!isPerm) return INVALID;
  const shape = perm.map((p) => x.shape[p]!);
  // Result axis k is x's axis perm[k].
  return {
    shape,
    value: build(shape, (idx) =>
      at(
        x.value,
        x.shape.map((_, j) => idx[perm.indexOf(j)]!)
      )
    ),
  };
}

function expandDimsRef(x: Ref, axis: number): Answer {
  const r = x.shape.length;
  if (axis < -r - 1 || axis > r) return INVALID;
  const a = axis < 0 ? axis + r + 1 : axis;
  return unflat(flat(x), [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

function squeezeRef(x: Ref, axis: number): Answer {
  const r = x.shape.length;
  if (axis < -r || axis >= r) return INVALID;
  const a = axis < 0 ? axis + r : axis;
  if (x.shape[a] !== 1) return INVALID;
  return unflat(
    flat(x),
    x.shape.filter((_, k) => k !== a)
  );
}

function sliceRef(x: Ref, begin: number[], sizes: number[]): Answer {
  const r = x.shape.length;
  if (begin.length !== r || sizes.length !== r) return INVALID;
  const shape: number[] = [];
  for (let k = 0; k < r; k++) {
    const b = begin[k]!,
      d = x.shape[k]!;
    const len = sizes[k] === -1 ? d - b : sizes[k]!;
    if (b < 0 || len < 0 || b + len > d) return INVALID;
    shape.push(len);
  }
  return {
    shape,
    value: build(shape, (idx) =>
      at(
        x.value,
        idx.map((i, k) => i + begin[k]!)
      )
    ),
  };
}

// ---- arguments: mostly valid ones, with a fair share of the invalid kinds

const input = shapeArb.chain((s) => fc.tuple(refArb(s), dtypeArb));

/** A target shape for reshape: x's dims shuffled (same size) or any dims, maybe with -1 (or two, or -2). */
function targetArb(shape: readonly number[]): fc.Arbitrary<number[]> {
  const base = fc.oneof(
    fc.shuffledSubarray([...shape], { minLength: shape.length, maxLength: shape.length }),
    fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 })
  );
  return base.chain((t) =>
    fc.array(fc.constantFrom(-1, -1, -1, -2), { maxLength: 2 }).chain((holes) =>
      fc.tuple(...holes.map(() => fc.nat())).map((at) => {
        const out = t.slice();
        holes.forEach((h, i) => {
          if (out.length > 0) out[at[i]! % out.length] = h;
        });
        return out;
      })
    )
  );
}

/** A permutation of 0..rank-1, or a near miss (repeated, negative, too short or long). */
function patternArb(rank: number): fc.Arbitrary<number[]> {
  const perm = fc.shuffledSubarray([...Array(rank).keys()], { minLength: rank, maxLength: rank });
  const junk = fc.array(fc.integer({ min: -1, max: rank }), { minLength: Math.max(0, rank - 1), maxLength: rank + 1 });
  return fc.oneof({ arbitrary: perm, weight: 3 }, { arbitrary: junk, weight: 1 });
}

/** begin and size for slice: in range mostly, size -1 sometimes, and a few out of range or of the wrong length. */
function sliceArgsArb(shape: readonly number[]): fc.Arbitrary<[number[], number[]]> {
  const perAxis = (d: number) =>
    fc
      .integer({ min: 0, max: d })
      .chain((b) =>
        fc.tuple(
          fc.oneof({ arbitrary: fc.constant(b), weight: 6 }, { arbitrary: fc.constantFrom(-1, d + 1), weight: 1 }),
          fc.oneof(
            { arbitrary: fc.integer({ min: 0, max: d - b }), weight: 4 },
            { arbitrary: fc.constant(-1), weight: 2 },
            { arbitrary: fc.constantFrom(-2, d - b + 1), weight: 1 }
          )
        )
      );
  const args = fc
    .tuple(...shape.map(perAxis))
    .map((ps) => [ps.map((p) => p[0]), ps.map((p) => p[1])] as [number[], number[]]);
  const wrongLength = fc.tuple(
    fc.array(fc.nat(2), { minLength: shape.length + 1, maxLength: shape.length + 1 }),
    fc.array(fc.nat(2), { minLength: shape.length + 1, maxLength: shape.length + 1 })
  );
  return fc.oneof({ arbitrary: args, weight: 9 }, { arbitrary: wrongLength, weight: 1 });
}

describe('shape ops (property)', () => {
  it('K.reshape matches the reference, or throws K.ValueError exactly for a shape that does not fit', () => {
    fc.assert(
      fc.property(
        input.chain(([x, dt]) => fc.tuple(fc.constant(x), fc.constant(dt), targetArb(x.shape))),
        ([x, dt, want]) => {
          agrees(() => K.reshape(tensorOf(x, dt), want), reshapeRef(x, want), 'reshape', {
            mentions: [pyShape(x.shape)],
            dtype: dt,
          });
        }
      ),
      RUNS
    );
  });

  it('K.transpose reverses the axes, as the reference', () => {
    fc.assert(
      fc.property(input, ([x, dt]) => {
        agrees(() => K.transpose(tensorOf(x, dt)), permuteRef(x, [...x.shape.keys()].reverse()), 'transpose', {
          dtype: dt,
        });
      }),
      RUNS
    );
  });

  it('K.permute_dimensions matches the reference, or throws K.ValueError exactly for a non-permutation', () => {
    fc.assert(
      fc.property(
        input.chain(([x, dt]) => fc.tuple(fc.constant(x), fc.constant(dt), patternArb(x.shape.length))),
        ([x, dt, p]) => {
          agrees(() => K.permute_dimensions(tensorOf(x, dt), p), permuteRef(x, p), 'permute_dimensions', {
            mentions: ['pattern', pyShape(x.shape)],
            dtype: dt,
          });
        }
      ),
      RUNS
    );
  });

  it('K.expand_dims matches the reference, or throws K.ValueError exactly for an axis outside [-rank-1, rank]', () => {
    const arb = input.chain(([x, dt]) =>
      fc.tuple(fc.constant(x), fc.constant(dt), fc.integer({ min: -x.shape.length - 2, max: x.shape.length + 1 }))
    );
    fc.assert(
      fc.property(arb, ([x, dt, a]) => {
        agrees(() => K.expand_dims(tensorOf(x, dt), a), expandDimsRef(x, a), 'expand_dims', {
          mentions: ['axis'],
          dtype: dt,
        });
      }),
      RUNS
    );
  });

  it('K.squeeze matches the reference, or throws K.ValueError exactly for an axis out of range or not of size 1', () => {
    const arb = input.chain(([x, dt]) =>
      fc.tuple(fc.constant(x), fc.constant(dt), fc.integer({ min: -x.shape.length - 1, max: x.shape.length }))
    );
    fc.assert(
      fc.property(arb, ([x, dt, a]) => {
        agrees(() => K.squeeze(tensorOf(x, dt), a), squeezeRef(x, a), 'squeeze', { mentions: ['axis'], dtype: dt });
      }),
      RUNS
    );
  });

  it('K.slice matches the reference, or throws K.ValueError exactly for begin/size out of range or of the wrong length', () => {
    const arb = input.chain(([x, dt]) => fc.tuple(fc.constant(x), fc.constant(dt), sliceArgsArb(x.shape)));
    fc.assert(
      fc.property(arb, ([x, dt, [b, s]]) => {
        agrees(() => K.slice(tensorOf(x, dt), b, s), sliceRef(x, b, s), 'slice', {
          mentions: [pyShape(x.shape)],
          dtype: dt,
        });
      }),
      RUNS
    );
  });

  it('chains of valid shape ops, then an elementwise op, match the reference (views of views)', () => {
    type Step = (x: Ref) => fc.Arbitrary<{ ref: Ref; run: (t: K.Tensor) => K.Tensor }>;
    const valid = (a: Answer): a is Ref => a !== INVALID;
    const steps: Step[] = [
      (x) =>
        fc
          .shuffledSubarray([...x.shape.keys()], { minLength: x.shape.length, maxLength: x.shape.length })
          .map((p) => ({ ref: permuteRef(x, p) as Ref, run: (t) => K.permute_dimensions(t, p) })),
      (x) =>
        sliceArgsArb(x.shape)
          .filter(([b, s]) => valid(sliceRef(x, b, s)))
          .map(([b, s]) => ({ ref: sliceRef(x, b, s) as Ref, run: (t) => K.slice(t, b, s) })),
      (x) =>
        fc
          .integer({ min: -x.shape.length - 1, max: x.shape.length })
          .map((a) => ({ ref: expandDimsRef(x, a) as Ref, run: (t) => K.expand_dims(t, a) })),
      (x) =>
        targetArb(x.shape)
          .filter((w) => valid(reshapeRef(x, w)))
          .map((w) => ({ ref: reshapeRef(x, w) as Ref, run: (t) => K.reshape(t, w) })),
    ];
    const chain = (x: Ref, n: number): fc.Arbitrary<{ ref: Ref; run: (t: K.Tensor) => K.Tensor }> => {
      if (n === 0) return fc.constant({ ref: x, run: (t: K.Tensor) => t });
      return fc
        .integer({ min: 0, max: steps.length - 1 })
        .chain((i) => steps[i]!(x))
        .chain((s) => chain(s.ref, n - 1).map((rest) => ({ ref: rest.ref, run: (t: K.Tensor) => rest.run(s.run(t)) })));
    };
    const arb = input.chain(([x, dt]) =>
      fc
        .integer({ min: 1, max: 3 })
        .chain((n) => chain(x, n))
        .map((c) => ({ x, dt, ...c }))
    );
    fc.assert(
      fc.property(arb, ({ x, dt, ref, run }) => {
        const want: Ref = { shape: ref.shape, value: build(ref.shape, (idx) => 2 * at(ref.value, idx) + 1) };
        agrees(() => K.add(K.multiply(run(tensorOf(x, dt)), 2), 1), want, 'add', { dtype: dt });
      }),
      RUNS
    );
  });
});
