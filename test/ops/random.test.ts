// K.random_normal, random_uniform, truncated_normal, random_bernoulli,
// random_binomial, random_normal_variable, random_uniform_variable, dropout,
// and their generator (src/core/random.ts).
//
// The seed's doctests only show the shape and dtype of a draw (values are
// elided): they are converted as such. The generator is checked against an
// independent Python implementation of xoshiro128** and of the seeding
// (test/fixtures/gen_random.py); the distributions statistically.
//
// Statistical tolerances: a statistic of N = 1e5 draws must lie within 5
// standard errors of its exact value. For a correct generator |z| > 5 has
// probability 6e-7, and every statistical test uses fixed seeds, so it is
// deterministic; a 2% error in a stddev moves the sample variance by ~9 standard
// errors, and a mean off by 0.02 stddev moves the mean by ~6, so real errors fail.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as K from '../../src/index.js';
import { fmix32, Generator, seededGenerator, sharedGenerator } from '../../src/core/random.js';
import { expectClose, expectError, testDevice, tolFor } from '../helpers.js';

interface Fixture {
  xoshiro_state_1234: number[];
  fmix32: [number, number][];
  seeded_first4: Record<string, number[]>;
  truncated: { mass: number; var: number; m4: number };
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/random.json', import.meta.url), 'utf8')) as Fixture;

const N = 100_000;
const Z = 5;

afterEach(() => {
  K.set_floatx('float32');
  vi.restoreAllMocks();
});

/** The values of a tensor, flat, read through K.eval. */
const vals = (t: K.Tensor): number[] => Array.from(K.eval(t).data as ArrayLike<number>);

/** A symbolic tensor standing in for K.placeholder. */
const symbolic = (shape: number[], dtype: K.DType = 'float32') => new K.Tensor(shape, dtype, null, null);

function meanOf(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

function varianceOf(v: readonly number[]): number {
  const m = meanOf(v);
  let s = 0;
  for (const x of v) s += (x - m) * (x - m);
  return s / (v.length - 1);
}

/** The correlation of v[i] with v[i + 1]. */
function lag1Correlation(v: readonly number[]): number {
  const m = meanOf(v);
  let num = 0;
  let den = 0;
  for (let i = 0; i < v.length; i++) {
    den += (v[i]! - m) * (v[i]! - m);
    if (i + 1 < v.length) num += (v[i]! - m) * (v[i + 1]! - m);
  }
  return num / den;
}

/** |stat - exact| <= Z standard errors. */
function expectWithinSE(stat: number, exact: number, se: number, what: string): void {
  expect(Math.abs(stat - exact), `${what}: ${stat} vs ${exact} (se ${se})`).toBeLessThanOrEqual(Z * se);
}

/** A fraction of N draws against its probability p (binomial standard error). */
function expectFraction(count: number, n: number, p: number, what: string): void {
  expectWithinSE(count / n, p, Math.sqrt((p * (1 - p)) / n), what);
}

/** Mean and variance of normal draws: se(mean) = s/sqrt(n), se(var) = s^2 sqrt(2/n). */
function expectNormalMoments(v: readonly number[], mean: number, stddev: number): void {
  expectWithinSE(meanOf(v), mean, stddev / Math.sqrt(v.length), 'mean');
  expectWithinSE(varianceOf(v), stddev * stddev, stddev * stddev * Math.sqrt(2 / v.length), 'variance');
}

const different = (a: readonly number[], b: readonly number[]) => a.some((x, i) => x !== b[i]);

/**
 * A random op in a K.function graph (issue 14): unseeded, every call draws
 * anew; seeded, the node continues its own sequence (its eager value was the
 * first draw), so its values are those of one long draw from that seed, cut
 * in turn. `make(seed)` builds the op with 4 values.
 */
function drawsInGraph(make: (seed: number | null) => K.Tensor): void {
  const x = K.placeholder([4]);
  const zero = [[0, 0, 0, 0]];
  const f = K.function([x], [K.add(x, K.reshape(K.cast(make(null), 'float32'), [4]))]);
  const a = Array.from(f(zero)[0]!.data as ArrayLike<number>);
  const b = Array.from(f(zero)[0]!.data as ArrayLike<number>);
  expect(different(a, b), 'unseeded: a new draw at each call').toBe(true);
  const seeded = make(11);
  const g = K.function([x], [K.add(x, K.reshape(K.cast(seeded, 'float32'), [4]))]);
  const calls = [
    vals(K.cast(seeded, 'float32')),
    Array.from(g(zero)[0]!.data as ArrayLike<number>),
    Array.from(g(zero)[0]!.data as ArrayLike<number>),
  ];
  const again = K.function([x], [K.add(x, K.reshape(K.cast(make(11), 'float32'), [4]))]);
  expect(Array.from(again(zero)[0]!.data as ArrayLike<number>), 'the same seed, the same sequence').toEqual(calls[1]);
  expect(different(calls[1]!, calls[2]!), 'seeded: the next draws at each call').toBe(true);
  return void calls;
}

describe('Generator (src/core/random.ts)', () => {
  it('is xoshiro128**: the reference outputs from state (1, 2, 3, 4)', () => {
    const g = new Generator([1, 2, 3, 4]);
    expect(fixture.xoshiro_state_1234.map(() => g.nextUint32())).toEqual(fixture.xoshiro_state_1234);
  });

  it('fmix32 matches murmur3 (and is 0 only at 0)', () => {
    for (const [x, y] of fixture.fmix32) expect(fmix32(x)).toBe(y);
  });

  it('seeds the state as the Python reference does, negative and 2^53 - 1 seeds included', () => {
    for (const [seed, first] of Object.entries(fixture.seeded_first4)) {
      const g = seededGenerator(Number(seed));
      expect(
        first.map(() => g.nextUint32()),
        `seed ${seed}`
      ).toEqual(first);
    }
  });

  it('refuses an all-zero state and a seed that is not a safe integer', () => {
    expect(() => new Generator([0, 0, 0, 0])).toThrow(/all zero/);
    expect(() => seededGenerator(1.5)).toThrow(RangeError);
    expect(() => seededGenerator(2 ** 53)).toThrow(RangeError);
  });

  it('uniform(24) lies on the 2^-24 grid in [0, 1); uniform(53) in [0, 1)', () => {
    const g = seededGenerator(3);
    for (let i = 0; i < 10_000; i++) {
      const u = g.uniform(24);
      expect(u >= 0 && u < 1 && Number.isInteger(u * 16777216) && Math.fround(u) === u).toBe(true);
      const w = g.uniform(53);
      expect(w >= 0 && w < 1).toBe(true);
    }
  });

  it('below(n) is uniform on [0, n), also beyond 2^32, and checks n', () => {
    const g = seededGenerator(4);
    const counts = [0, 0, 0, 0, 0, 0, 0];
    for (let i = 0; i < N; i++) counts[g.below(7)]!++;
    counts.forEach((c, k) => expectFraction(c, N, 1 / 7, `frequency of ${k}`));
    const wide = 2 ** 40 + 3;
    let high = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = g.below(wide);
      expect(Number.isInteger(x) && x >= 0 && x < wide).toBe(true);
      if (x >= wide / 2) high++;
    }
    expectFraction(high, 10_000, 0.5, 'upper half beyond 2^32');
    // 2^32 % n = 2^30 here: without rejecting the top 2^30 draws, values below 2^30 would come half the time.
    const n3 = 3 * 2 ** 30;
    let low = 0;
    for (let i = 0; i < 10_000; i++) if (g.below(n3) < 2 ** 30) low++;
    expectFraction(low, 10_000, 1 / 3, 'values below 2^30 of [0, 3 * 2^30)');
    expect(g.below(1)).toBe(0);
    expect(() => g.below(0)).toThrow(RangeError);
    expect(() => g.below(2.5)).toThrow(RangeError);
  });

  it('the shared generator is one instance, seeded from crypto (draws differ from any fixed seed)', () => {
    const g = sharedGenerator();
    expect(sharedGenerator()).toBe(g);
    const a = [g.nextUint32(), g.nextUint32(), g.nextUint32()];
    const b = [g.nextUint32(), g.nextUint32(), g.nextUint32()];
    expect(different(a, b)).toBe(true);
  });
});

describe('random_normal', () => {
  it('draws anew at every K.function call (issue 14: K.add(x, K.random_normal([2, 2])) gave one draw)', () => {
    const x = K.placeholder([2, 2]);
    const f = K.function([x], [K.add(x, K.random_normal([2, 2]))]);
    const v = [
      [1, 2],
      [3, 4],
    ];
    expect(
      different(Array.from(f([v])[0]!.data as ArrayLike<number>), Array.from(f([v])[0]!.data as ArrayLike<number>))
    ).toBe(true);
    drawsInGraph((seed) => K.random_normal([2, 2], { seed }));
  });

  it("a seeded node run by K.function continues the seed's sequence: one long draw, cut in turn", () => {
    const x = K.placeholder([3], null, 'float64');
    const r = K.random_normal([3], 0, 1, 'float64', 5);
    const f = K.function([x], [K.add(x, r)]);
    const zero = [[0, 0, 0]];
    const seen = [...vals(r), ...(f(zero)[0]!.data as Float64Array), ...(f(zero)[0]!.data as Float64Array)];
    expect(seen).toEqual(vals(K.random_normal([9], 0, 1, 'float64', 5)));
  });

  it('takes a shape with run-time dims in a graph: K.shape(z)[0], and K.shape(z) itself', () => {
    const z = K.placeholder([null, 3]);
    const eps = K.random_normal([K.gather(K.shape(z), 0), 2], 0, 1, null, 3);
    expect(K.int_shape(eps)).toEqual([null, 2]);
    const whole = K.random_normal(K.shape(z), 0, 1, null, 3);
    expect(K.int_shape(whole)).toEqual([null, 3]);
    const f = K.function([z], [eps, whole]);
    const [a, b] = f([K.zeros([5, 3])]);
    expect([a!.shape, b!.shape]).toEqual([
      [5, 2],
      [5, 3],
    ]);
    expect(f([K.zeros([2, 3])])[0]!.shape).toEqual([2, 2]);
    // A dim the graph is sure of (x's known dim 1, times 2) is known now.
    expect(K.int_shape(K.random_normal([K.multiply(K.gather(K.shape(z), 1), 2), 2]))).toEqual([6, 2]);
    // The values are the seed's normals (the first run of each node is its first draw).
    expect(Array.from(a!.data as ArrayLike<number>)).toEqual(vals(K.random_normal([10], 0, 1, null, 3)));
  });

  it("takes a shape holding a tensor's run-time dim, as a VAE's sampling writes it (issue 14)", () => {
    const zMean = K.ones([4, 2]);
    const eps = K.random_normal([K.gather(K.shape(zMean), 0), 2], 0, 1, 'float32', 7);
    expect(eps.shape).toEqual([4, 2]);
    const again = K.random_normal([4, 2], 0, 1, 'float32', 7);
    expect(Array.from(K.eval(eps).data)).toEqual(Array.from(K.eval(again).data));
  });

  it('doctest: random_normal(shape=(2,3), mean=0.0, stddev=1.0) is a float32 (2, 3) tensor', () => {
    const t = K.random_normal([2, 3], 0.0, 1.0);
    expect(t).toBeInstanceOf(K.Tensor);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(String(t)).toContain('shape=(2, 3), dtype=float32');
  });

  it('has mean and stddev (1e5 float64 draws: mean, variance, mass within 1 and 2 stddev)', () => {
    const v = vals(K.random_normal([N], 1.5, 2, 'float64', 11));
    expectNormalMoments(v, 1.5, 2);
    const within = (k: number) => v.filter((x) => Math.abs(x - 1.5) < 2 * k).length;
    expectFraction(within(1), N, 0.6826894921370859, 'P(|z| < 1)');
    expectFraction(within(2), N, 0.9544997361036416, 'P(|z| < 2)');
    // Successive draws (both of each polar pair among them) are uncorrelated: se 1/sqrt(n).
    expectWithinSE(lag1Correlation(v), 0, 1 / Math.sqrt(N), 'lag-1 correlation');
  });

  it('float32 draws are float32 values with the standard moments; defaults are mean 0, stddev 1', () => {
    const t = K.random_normal([N], { seed: 12 });
    expect(K.eval(t).data).toBeInstanceOf(Float32Array);
    expectNormalMoments(vals(t), 0, 1);
  });

  it('the same seed gives the same values, call after call; other seeds and no seed differ', () => {
    const a = vals(K.random_normal([3, 4], 0, 1, null, 42));
    expect(vals(K.random_normal([3, 4], 0, 1, null, 42))).toEqual(a);
    expect(vals(K.random_normal([3, 4], { seed: 42 }))).toEqual(a);
    expect(different(vals(K.random_normal([3, 4], 0, 1, null, 43)), a)).toBe(true);
    const u = vals(K.random_normal([3, 4]));
    expect(different(vals(K.random_normal([3, 4])), u)).toBe(true);
  });

  it('mean and stddev shift and scale the same standard draws', () => {
    const z = vals(K.random_normal([50], 0, 1, 'float64', 5));
    const y = vals(K.random_normal([50], -3, 0.5, 'float64', 5));
    y.forEach((v, i) => expect(v).toBeCloseTo(-3 + 0.5 * z[i]!, 12));
    expect(vals(K.random_normal([4], 2.5, 0, 'float64', 5))).toEqual([2.5, 2.5, 2.5, 2.5]);
  });

  it('dtype defaults to floatx(); float64 on request', () => {
    expect(K.random_normal([2], 0, 1, 'float64').dtype).toBe('float64');
    K.set_floatx('float64');
    expect(K.random_normal([2]).dtype).toBe('float64');
  });

  it('takes a shape as an int, a list, [] (a scalar), zero-size dims, or an int tensor such as K.shape(x)', () => {
    expect(K.random_normal(3).shape).toEqual([3]);
    expect(K.random_normal([]).shape).toEqual([]);
    expect(typeof K.random_normal([]).toArray()).toBe('number');
    expect(K.random_normal([0, 3]).shape).toEqual([0, 3]);
    expect(K.random_normal(K.shape(K.zeros([2, 5]))).shape).toEqual([2, 5]);
  });

  it('is a random node with no inputs, usable by ops on the current device', () => {
    const r = K.random_normal([12], 0, 1, null, 7);
    expect(r.node?.prim).toBe('random');
    expect(r.node?.inputs).toEqual([]);
    expectClose(
      K.add(r, r),
      vals(K.random_normal([12], 0, 1, null, 7)).map((x) => 2 * x),
      tolFor('float32')
    );
  });

  it.runIf(testDevice() === 'gpu')('the same seed gives the same values on the cpu and the gpu devices', () => {
    K.set_device('cpu');
    const a = vals(K.random_normal([6], 0, 1, null, 9));
    const da = K.dropout(K.ones([2, 6]), 0.5, null, 9).toArray();
    K.set_device('gpu');
    expect(vals(K.random_normal([6], 0, 1, null, 9))).toEqual(a);
    expectClose(K.dropout(K.ones([2, 6]), 0.5, null, 9), da);
  });

  it('rejects bad shapes, dtypes, parameters, seeds and options', () => {
    expectError(() => K.random_normal([2, -1]), K.ValueError, 'random_normal', 'shape', '[2,-1]');
    expectError(() => K.random_normal([1.5]), K.ValueError, 'random_normal', 'shape');
    expectError(() => K.random_normal('2' as unknown as number), K.ValueError, 'random_normal', 'shape');
    expectError(() => K.random_normal(K.constant([2, 3])), K.ValueError, 'random_normal', 'shape', 'float32');
    expectError(() => K.random_normal(symbolic([-1], 'int32')), K.ValueError, 'random_normal', 'shape', 'symbolic');
    expectError(() => K.random_normal(symbolic([2], 'float32')), K.ValueError, 'random_normal', 'shape', 'float32');
    expectError(
      () => K.random_normal([symbolic([2], 'int32'), 3]),
      K.ValueError,
      'random_normal',
      'shape[0]',
      'not a scalar integer'
    );
    expectError(() => K.random_normal([symbolic([], 'int32'), -3]), K.ValueError, 'random_normal', 'shape[1]', '-3');
    expectError(() => K.random_normal([2], 0, 1, 'int32'), K.TypeError, 'random_normal', 'dtype', 'int32');
    expectError(() => K.random_normal([2], 0, 1, 'float16' as K.DType), K.TypeError, 'random_normal', 'dtype');
    expectError(() => K.random_normal([2], 0, -1), K.ValueError, 'random_normal', 'stddev', '-1');
    expectError(() => K.random_normal([2], NaN), K.ValueError, 'random_normal', 'mean', 'finite');
    expectError(() => K.random_normal([2], '0' as unknown as number), K.TypeError, 'random_normal', 'mean');
    expectError(() => K.random_normal([2], 0, 1, null, 1.5), K.TypeError, 'random_normal', 'seed', '1.5');
    expectError(() => K.random_normal([2], { seed: '3' as unknown as number }), K.TypeError, 'random_normal', 'seed');
    expectError(() => K.random_normal([2], { std: 2 } as never), K.TypeError, 'random_normal', 'unknown option', 'std');
  });
});

describe('random_uniform', () => {
  it('draws anew at every K.function call; a seeded node continues its sequence', () => {
    drawsInGraph((seed) => K.random_uniform([4], { seed }));
    drawsInGraph((seed) => K.random_uniform([4], { minval: 0, maxval: 1000, dtype: 'int32', seed }));
  });

  it('doctest: random_uniform(shape=(2,3), minval=0.0, maxval=1.0) is a float32 (2, 3) tensor', () => {
    const t = K.random_uniform([2, 3], 0.0, 1.0);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
  });

  it('defaults to [0, 1): float32 draws on the 2^-24 grid, never 1, Kolmogorov-Smirnov D below the 0.1% critical value', () => {
    const v = vals(K.random_uniform([N], { seed: 21 }));
    expect(v.every((x) => x >= 0 && x < 1 && Number.isInteger(x * 16777216))).toBe(true);
    const sorted = v.slice().sort((a, b) => a - b);
    let d = 0;
    sorted.forEach((x, i) => (d = Math.max(d, (i + 1) / N - x, x - i / N)));
    // Kolmogorov's limit: P(sqrt(n) D > 1.95) = 0.001.
    expect(d).toBeLessThan(1.95 / Math.sqrt(N));
    expectWithinSE(meanOf(v), 0.5, 1 / Math.sqrt(12 * N), 'mean');
    expectWithinSE(varianceOf(v), 1 / 12, Math.sqrt((1 / 80 - 1 / 144) / N), 'variance');
    expectWithinSE(lag1Correlation(v), 0, 1 / Math.sqrt(N), 'lag-1 correlation');
  });

  it('scales to [minval, maxval) in float64', () => {
    const v = vals(K.random_uniform([N], -3, 5, 'float64', 22));
    expect(v.every((x) => x >= -3 && x < 5)).toBe(true);
    expectWithinSE(meanOf(v), 1, 8 / Math.sqrt(12 * N), 'mean');
    expect(Math.min(...v)).toBeLessThan(-3 + 0.001);
    expect(Math.max(...v)).toBeGreaterThan(5 - 0.001);
  });

  it('accepts reversed and equal float bounds, as TF computes minval + u * (maxval - minval)', () => {
    const v = vals(K.random_uniform([1000], 1, 0, 'float64', 23));
    expect(v.every((x) => x > 0 && x <= 1)).toBe(true);
    expect(vals(K.random_uniform([3], 2, 2))).toEqual([2, 2, 2]);
  });

  it('draws exact uniform integers for int32 and int64', () => {
    const v = vals(K.random_uniform([N], -2, 3, 'int32', 24));
    expect(K.random_uniform([2], -2, 3, 'int32').dtype).toBe('int32');
    for (let k = -2; k < 3; k++) expectFraction(v.filter((x) => x === k).length, N, 1 / 5, `frequency of ${k}`);
    expect(v.every((x) => Number.isInteger(x) && x >= -2 && x < 3)).toBe(true);
    const w = vals(K.random_uniform([1000], -(2 ** 45), 2 ** 45, 'int64', 25));
    expect(w.every((x) => Number.isInteger(x) && x >= -(2 ** 45) && x < 2 ** 45)).toBe(true);
    expectFraction(w.filter((x) => x < 0).length, 1000, 0.5, 'negative half');
    // Keras's defaults (0, 1) with an integer dtype: only 0.
    expect(vals(K.random_uniform([5], { dtype: 'int32' }))).toEqual([0, 0, 0, 0, 0]);
  });

  it('the same seed gives the same values; other seeds and no seed differ', () => {
    const a = vals(K.random_uniform([10], 0, 1, null, 5));
    expect(vals(K.random_uniform([10], 0, 1, null, 5))).toEqual(a);
    expect(different(vals(K.random_uniform([10], 0, 1, null, 6)), a)).toBe(true);
    expect(different(vals(K.random_uniform([10])), vals(K.random_uniform([10])))).toBe(true);
  });

  it('dtype defaults to floatx()', () => {
    K.set_floatx('float64');
    expect(K.random_uniform([2]).dtype).toBe('float64');
  });

  it('rejects dtypes tf.random.uniform refuses, bad bounds and bad shapes', () => {
    expectError(() => K.random_uniform([2], 0, 1, 'int16'), K.ValueError, 'random_uniform', 'dtype', 'int16');
    expectError(() => K.random_uniform([2], 0, 1, 'bool'), K.ValueError, 'random_uniform', 'dtype', 'bool');
    expectError(() => K.random_uniform([2], 0, 1, 'complex64' as K.DType), K.TypeError, 'random_uniform', 'dtype');
    expectError(() => K.random_uniform([2], 0.5, 3, 'int32'), K.TypeError, 'random_uniform', 'minval', 'integer');
    expectError(() => K.random_uniform([2], 0, 2 ** 31, 'int32'), K.TypeError, 'random_uniform', 'maxval', 'range');
    expectError(() => K.random_uniform([2], 3, 3, 'int32'), K.ValueError, 'random_uniform', 'minval', 'maxval');
    expectError(() => K.random_uniform([2], 0, Infinity), K.ValueError, 'random_uniform', 'maxval', 'finite');
    expectError(() => K.random_uniform([2], null, '1' as unknown as number), K.TypeError, 'random_uniform', 'maxval');
    expectError(() => K.random_uniform([-2]), K.ValueError, 'random_uniform', 'shape');
    expectError(
      () => K.random_uniform([2], { high: 1 } as never),
      K.TypeError,
      'random_uniform',
      'unknown option',
      'high'
    );
  });
});

describe('truncated_normal', () => {
  it('draws anew at every K.function call; a seeded node continues its sequence', () => {
    drawsInGraph((seed) => K.truncated_normal([4], { seed }));
  });

  it('keeps every value within 2 stddev of the mean', () => {
    const v = vals(K.truncated_normal([N], 1, 3, 'float64', 31));
    expect(v.every((x) => Math.abs(x - 1) <= 6)).toBe(true);
    expect(Math.max(...v.map((x) => Math.abs(x - 1)))).toBeGreaterThan(5.9);
  });

  it('has the truncated moments: mean, variance 0.7737 stddev^2 (se from the 4th moment, by numerical integration)', () => {
    const v = vals(K.truncated_normal([N], -2, 3, 'float64', 32));
    const { var: f, m4 } = fixture.truncated;
    expect(f).toBeCloseTo(0.7737, 4);
    expectWithinSE(meanOf(v), -2, 3 * Math.sqrt(f / N), 'mean');
    expectWithinSE(varianceOf(v), 9 * f, 9 * Math.sqrt((m4 - f * f) / N), 'variance');
  });

  it('redraws values beyond 2 stddev: its draws are the in-range draws of random_normal with the same seed, in order', () => {
    const t = vals(K.truncated_normal([500], 0.5, 2, 'float64', 33));
    const z = vals(K.random_normal([800], 0, 1, 'float64', 33)).filter((x) => Math.abs(x) <= 2);
    expect(z.length).toBeGreaterThan(500);
    t.forEach((x, i) => expect(x).toBeCloseTo(0.5 + 2 * z[i]!, 12));
  });

  it('the same seed gives the same values; other seeds and no seed differ', () => {
    const a = vals(K.truncated_normal([8], 0, 1, null, 1));
    expect(vals(K.truncated_normal([8], { seed: 1 }))).toEqual(a);
    expect(different(vals(K.truncated_normal([8], 0, 1, null, 2)), a)).toBe(true);
    expect(different(vals(K.truncated_normal([8])), vals(K.truncated_normal([8])))).toBe(true);
  });

  it('dtype defaults to floatx(); float32 draws', () => {
    const t = K.truncated_normal([3, 2]);
    expect(t.dtype).toBe('float32');
    expect(K.eval(t).data).toBeInstanceOf(Float32Array);
    K.set_floatx('float64');
    expect(K.truncated_normal([2]).dtype).toBe('float64');
  });

  it('rejects integer dtypes, a negative stddev and bad shapes', () => {
    expectError(() => K.truncated_normal([2], 0, 1, 'int32'), K.TypeError, 'truncated_normal', 'dtype', 'int32');
    expectError(() => K.truncated_normal([2], 0, -0.5), K.ValueError, 'truncated_normal', 'stddev');
    expectError(() => K.truncated_normal([2], Infinity), K.ValueError, 'truncated_normal', 'mean');
    expectError(() => K.truncated_normal([[2]] as unknown as number[]), K.ValueError, 'truncated_normal', 'shape');
    expectError(() => K.truncated_normal([2], 0, 1, null, 0.5), K.TypeError, 'truncated_normal', 'seed');
  });
});

describe('random_bernoulli', () => {
  it('draws anew at every K.function call; a seeded node continues its sequence', () => {
    // 4 flags collide with chance 1/16: draw 64 and compare their sums of powers.
    drawsInGraph((seed) =>
      K.reshape(
        K.dot(
          K.reshape(K.random_bernoulli([4, 16], 0.5, null, seed), [4, 16]),
          K.constant(Array.from({ length: 16 }, (_, i) => [2 ** i]))
        ),
        [4]
      )
    );
  });

  it('is 1 with frequency p (1e5 draws), and 0 elsewhere', () => {
    const v = vals(K.random_bernoulli([N], 0.3, null, 41));
    expect(v.every((x) => x === 0 || x === 1)).toBe(true);
    expectFraction(v.filter((x) => x === 1).length, N, 0.3, 'frequency of 1');
  });

  it('is uniform(shape, dtype, seed) <= p, as the Keras source', () => {
    for (const d of ['float32', 'float64'] as const) {
      const u = vals(K.random_uniform([200], 0, 1, d, 42));
      const b = vals(K.random_bernoulli([200], 0.55, d, 42));
      // TF compares with p converted to the dtype.
      const q = d === 'float32' ? Math.fround(0.55) : 0.55;
      expect(b).toEqual(u.map((x) => (x <= q ? 1 : 0)));
    }
  });

  it('p = 0 (the default) gives zeros and p = 1 ones', () => {
    expect(vals(K.random_bernoulli([1000], { seed: 43 })).every((x) => x === 0)).toBe(true);
    expect(vals(K.random_bernoulli([1000], 1, null, 43)).every((x) => x === 1)).toBe(true);
  });

  it('dtype defaults to floatx(); float64 on request', () => {
    expect(K.random_bernoulli([2], 0.5).dtype).toBe('float32');
    expect(K.random_bernoulli([2], 0.5, 'float64').dtype).toBe('float64');
    K.set_floatx('float64');
    expect(K.random_bernoulli([2], 0.5).dtype).toBe('float64');
  });

  it('the same seed gives the same values; no seed draws anew', () => {
    const a = vals(K.random_bernoulli([64], 0.5, null, 7));
    expect(vals(K.random_bernoulli([64], { p: 0.5, seed: 7 }))).toEqual(a);
    expect(different(vals(K.random_bernoulli([64], 0.5)), vals(K.random_bernoulli([64], 0.5)))).toBe(true);
  });

  it('rejects p outside [0, 1], non-float dtypes (tf.random.uniform needs a maxval for integers) and bad shapes', () => {
    expectError(() => K.random_bernoulli([2], 1.5), K.ValueError, 'random_bernoulli', 'p', '1.5');
    expectError(() => K.random_bernoulli([2], -0.1), K.ValueError, 'random_bernoulli', 'p');
    expectError(() => K.random_bernoulli([2], NaN), K.ValueError, 'random_bernoulli', 'p');
    expectError(() => K.random_bernoulli([2], true as unknown as number), K.TypeError, 'random_bernoulli', 'p');
    expectError(() => K.random_bernoulli([2], 0.5, 'int32'), K.ValueError, 'random_bernoulli', 'dtype', 'int32');
    expectError(() => K.random_bernoulli([2], 0.5, 'bool'), K.ValueError, 'random_bernoulli', 'dtype', 'bool');
    expectError(() => K.random_bernoulli([2, 0.5]), K.ValueError, 'random_bernoulli', 'shape');
  });
});

describe('random_binomial', () => {
  // Must run before any other call of random_binomial in this file: the warning is given once per process.
  it('warns once that it is deprecated (a UserWarning, as Python warnings.warn)', () => {
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    K.random_binomial([2], 0.5);
    K.random_binomial([2], 0.5);
    expect(spy).toHaveBeenCalledTimes(1);
    const [message, type] = spy.mock.calls[0]!;
    expect(String(message)).toContain('random_binomial` is deprecated');
    expect(String(message)).toContain('random_bernoulli');
    expect(type).toBe('UserWarning');
  });

  it('doctest: random_binomial(shape=(2,3), p=0.5) is a float32 (2, 3) tensor', () => {
    const t = K.random_binomial([2, 3], 0.5);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
  });

  it('gives random_bernoulli values for the same arguments', () => {
    expect(vals(K.random_binomial([50], 0.4, 'float64', 3))).toEqual(vals(K.random_bernoulli([50], 0.4, 'float64', 3)));
    expect(vals(K.random_binomial([50], { p: 0.4, seed: 3 }))).toEqual(vals(K.random_bernoulli([50], 0.4, null, 3)));
  });

  it('errors name random_binomial', () => {
    expectError(() => K.random_binomial([2], 2), K.ValueError, 'random_binomial', 'p');
    expectError(() => K.random_binomial([2], 0.5, 'int32'), K.ValueError, 'random_binomial', 'dtype');
  });
});

describe('random_normal_variable', () => {
  it("doctest: random_normal_variable(shape=(2,3), mean=0.0, scale=1.0) is a float32 (2, 3) Variable named 'Variable'", () => {
    const kvar = K.random_normal_variable([2, 3], 0.0, 1.0);
    expect(kvar).toBeInstanceOf(K.Variable);
    expect(kvar.name).toBe('Variable');
    expect(kvar.shape).toEqual([2, 3]);
    expect(kvar.dtype).toBe('float32');
    expect(String(kvar)).toContain('shape=(2, 3), dtype=float32');
  });

  it('holds the values random_normal gives for the same seed', () => {
    const v = K.random_normal_variable([4, 3], 1, 2, 'float64', 'w', 8);
    expect(v.name).toBe('w');
    expect(v.dtype).toBe('float64');
    expect(vals(v)).toEqual(vals(K.random_normal([4, 3], 1, 2, 'float64', 8)));
    expect(vals(K.random_normal_variable([4, 3], 1, 2, { dtype: 'float64', seed: 8 }))).toEqual(vals(v));
  });

  it('has mean and scale as its stddev (1e5 draws)', () => {
    expectNormalMoments(vals(K.random_normal_variable([N], -1, 0.5, 'float64', null, 51)), -1, 0.5);
  });

  it('is a variable: updated in place, differentiated w.r.t.', () => {
    const v = K.random_normal_variable([3], 0, 1, null, null, 2);
    const before = vals(v);
    K.update_add(v, [1, 1, 1]);
    vals(v).forEach((x, i) => expect(x).toBeCloseTo(before[i]! + 1, 5));
    expectClose(K.gradients(K.sum(K.multiply(v, 3)), [v])[0]!, [3, 3, 3]);
  });

  it('the same seed gives the same values; no seed draws anew', () => {
    expect(vals(K.random_normal_variable([5], 0, 1, null, null, 4))).toEqual(
      vals(K.random_normal_variable([5], 0, 1, null, null, 4))
    );
    expect(different(vals(K.random_normal_variable([5], 0, 1)), vals(K.random_normal_variable([5], 0, 1)))).toBe(true);
  });

  it('rejects non-float dtypes (the v1 initializer asserts a float), missing or negative scale, bad names', () => {
    expectError(
      () => K.random_normal_variable([2], 0, 1, 'int32'),
      K.ValueError,
      'random_normal_variable',
      'dtype',
      'int32'
    );
    expectError(
      () => K.random_normal_variable([2], 0, 1, 'half' as K.DType),
      K.TypeError,
      'random_normal_variable',
      'dtype'
    );
    expectError(
      () => (K.random_normal_variable as (s: number[], m: number) => K.Variable)([2], 0),
      K.TypeError,
      'random_normal_variable',
      'scale'
    );
    expectError(() => K.random_normal_variable([2], 0, -1), K.ValueError, 'random_normal_variable', 'scale');
    expectError(() => K.random_normal_variable([2], NaN, 1), K.ValueError, 'random_normal_variable', 'mean');
    expectError(
      () => K.random_normal_variable([2], 0, 1, null, 3 as unknown as string),
      K.TypeError,
      'random_normal_variable',
      'name'
    );
    expectError(() => K.random_normal_variable([-2], 0, 1), K.ValueError, 'random_normal_variable', 'shape');
  });
});

describe('random_uniform_variable', () => {
  it("doctest: random_uniform_variable(shape=(2,3), low=0.0, high=1.0) is a float32 (2, 3) Variable named 'Variable'", () => {
    const kvar = K.random_uniform_variable([2, 3], 0.0, 1.0);
    expect(kvar).toBeInstanceOf(K.Variable);
    expect(kvar.name).toBe('Variable');
    expect(kvar.shape).toEqual([2, 3]);
    expect(kvar.dtype).toBe('float32');
    expect(vals(kvar).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('holds the values random_uniform gives for the same seed, integers included', () => {
    const v = K.random_uniform_variable([3, 3], -1, 4, 'float64', 'u', 9);
    expect(v.name).toBe('u');
    expect(vals(v)).toEqual(vals(K.random_uniform([3, 3], -1, 4, 'float64', 9)));
    const i = K.random_uniform_variable([20], 0, 10, 'int32', null, 9);
    expect(i.dtype).toBe('int32');
    expect(vals(i)).toEqual(vals(K.random_uniform([20], 0, 10, 'int32', 9)));
  });

  it('is uniform on [low, high) (1e5 draws: range and mean)', () => {
    const v = vals(K.random_uniform_variable([N], 2, 3, 'float64', null, 61));
    expect(v.every((x) => x >= 2 && x < 3)).toBe(true);
    expectWithinSE(meanOf(v), 2.5, 1 / Math.sqrt(12 * N), 'mean');
  });

  it('no seed draws anew', () => {
    expect(different(vals(K.random_uniform_variable([5], 0, 1)), vals(K.random_uniform_variable([5], 0, 1)))).toBe(
      true
    );
  });

  it('rejects missing bounds, bad dtypes, empty integer ranges and bad names', () => {
    expectError(
      () => (K.random_uniform_variable as (s: number[], l: number) => K.Variable)([2], 0),
      K.TypeError,
      'random_uniform_variable',
      'high'
    );
    expectError(
      () => K.random_uniform_variable([2], 0, 1, 'uint8'),
      K.ValueError,
      'random_uniform_variable',
      'dtype',
      'uint8'
    );
    expectError(
      () => K.random_uniform_variable([2], 5, 1, 'int32'),
      K.ValueError,
      'random_uniform_variable',
      'low',
      'high'
    );
    expectError(
      () => K.random_uniform_variable([2], 0, 1, null, ['u'] as unknown as string),
      K.TypeError,
      'random_uniform_variable',
      'name'
    );
    expectError(
      () => K.random_uniform_variable([2], 0, 1, { name: 5 as unknown as string }),
      K.TypeError,
      'random_uniform_variable',
      'name'
    );
  });
});

describe('dropout', () => {
  it('on a symbolic x (issue 14): new flags at every K.function call, the gradient through the same flags', () => {
    const x = K.placeholder([null, 8]);
    const y = K.dropout(x, 0.5);
    expect(K.int_shape(y)).toEqual([null, 8]);
    const [g] = K.gradients(K.sum(K.multiply(y, 3)), [x]);
    const f = K.function([x], [y, g!]);
    const ones = K.ones([6, 8]);
    const [y1, g1] = f([ones]);
    const [y2] = f([ones]);
    expect(y1!.shape).toEqual([6, 8]);
    expect(different(Array.from(y1!.data as ArrayLike<number>), Array.from(y2!.data as ArrayLike<number>))).toBe(true);
    // Kept entries are 2 (scaled by 1 / (1 - 0.5)) and their gradient 3 * 2; dropped ones 0 and 0.
    Array.from(y1!.data as ArrayLike<number>).forEach((v, i) => {
      expect([0, 2]).toContain(v);
      expect((g1!.data as Float32Array)[i]).toBe(v * 3);
    });
  });

  it("on a symbolic x: noise_shape with null entries and run-time dims (Keras's K.shape(x)[0])", () => {
    const x = K.placeholder([null, 5]);
    const rows = K.dropout(x, 0.5, { noise_shape: [K.gather(K.shape(x), 0), 1], seed: 2 });
    const cols = K.dropout(x, 0.5, { noise_shape: [1, null], seed: 2 });
    const whole = K.dropout(x, 0.5, { noise_shape: [null, 1], seed: 2 });
    const f = K.function([x], [rows, cols, whole]);
    const [r, c, w] = f([K.ones([30, 5])]).map((a) => K.constant(a).toArray() as number[][]);
    for (const row of [...r!, ...w!]) expect(new Set(row).size).toBe(1);
    for (let j = 0; j < 5; j++) expect(new Set(c!.map((row) => row[j])).size).toBe(1);
    // Both drew by rows from seed 2: the same flags.
    expect(r).toEqual(w);
  });

  it('level 0 on a symbolic x is x itself', () => {
    const x = K.placeholder([null, 2]);
    expect(K.dropout(x, 0)).toBe(x);
  });

  const grid = (rows: number, cols: number, f: (i: number, j: number) => number) =>
    Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => f(i, j)));

  it('drops a fraction level of the entries and scales the rest by 1 / (1 - level) (1e5 entries)', () => {
    const x = K.constant(
      grid(100, 1000, (i, j) => 1 + ((i + j) % 7)),
      'float64'
    );
    const xv = vals(x);
    const y = vals(K.dropout(x, 0.3, null, 71));
    const dropped = y.filter((v) => v === 0).length;
    expect(y.every((v, i) => v === 0 || Math.abs(v - xv[i]! / 0.7) < 1e-12)).toBe(true);
    expectFraction(dropped, N, 0.3, 'fraction dropped');
  });

  it('keeps the expected value: the mean of dropout(ones) is 1 (se sqrt(level / (1 - level) / n))', () => {
    const y = vals(K.dropout(K.ones([N]), 0.6, null, 72));
    expectWithinSE(meanOf(y), 1, Math.sqrt(0.6 / 0.4 / N), 'mean');
    expect(y.every((v) => v === 0 || Math.abs(v - 2.5) < 1e-6)).toBe(true);
  });

  it('draws its flags with noise_shape, broadcast to x (nulls take x dimensions)', () => {
    const x = K.ones([200, 50]);
    for (const ns of [
      [200, 1],
      [null, 1],
    ]) {
      const y = K.dropout(x, 0.5, ns, 73).toArray() as number[][];
      expect(y.every((row) => row.every((v) => v === row[0]))).toBe(true);
      expect(new Set(y.map((row) => row[0])).size).toBe(2);
    }
    for (const ns of [[1, 50], [50], K.constant([1, 50], 'int32')]) {
      const y = K.dropout(x, 0.5, ns, 74).toArray() as number[][];
      expect(y.every((row) => row.every((v, j) => v === y[0]![j]))).toBe(true);
      expect(new Set(y[0]).size).toBe(2);
    }
    const full = K.dropout(x, 0.5, [null, null], 75).toArray() as number[][];
    expect(full).toEqual(K.dropout(x, 0.5, null, 75).toArray());
  });

  it('the same seed gives the same mask; other seeds and no seed differ', () => {
    const x = K.ones([8, 8]);
    const a = vals(K.dropout(x, 0.5, null, 5));
    expect(vals(K.dropout(x, 0.5, { seed: 5 }))).toEqual(a);
    expect(different(vals(K.dropout(x, 0.5, null, 6)), a)).toBe(true);
    expect(different(vals(K.dropout(x, 0.5)), vals(K.dropout(x, 0.5)))).toBe(true);
  });

  it('level 0 returns x unchanged', () => {
    const x = K.constant([
      [1, -2],
      [3, 4],
    ]);
    expect(K.dropout(x, 0)).toBe(x);
    const v = K.variable([1, 2]);
    const y = K.dropout(v, 0, null, 1);
    expect(y).not.toBeInstanceOf(K.Variable);
    expectClose(y, [1, 2]);
  });

  it('keeps the dtype of x (float32, float64); plain values become floatx()', () => {
    expect(K.dropout(K.constant([1, 2], 'float64'), 0.5).dtype).toBe('float64');
    expect(K.dropout([1, 2, 3], 0.5).dtype).toBe('float32');
    K.set_floatx('float64');
    expect(K.dropout([1, 2, 3], 0.5).dtype).toBe('float64');
  });

  it('is differentiable w.r.t. x: the gradient is 1 / (1 - level) where kept, 0 where dropped', () => {
    const x = K.variable(grid(6, 7, (i, j) => 0.5 + i - j / 3));
    const y = K.dropout(x, 0.4, null, 76);
    const kept = vals(y).map((v) => (v !== 0 ? 1 / 0.6 : 0));
    expect(kept.filter((g) => g === 0).length).toBeGreaterThan(0);
    expect(kept.filter((g) => g !== 0).length).toBeGreaterThan(0);
    const [g] = K.gradients(K.sum(y), [x]);
    expectClose(
      g!,
      grid(6, 7, (i, j) => kept[i * 7 + j]!)
    );
    // Broadcast flags: the gradient of each row is all kept or all dropped.
    const [gb] = K.gradients(K.sum(K.dropout(x, 0.5, [6, 1], 77)), [x]);
    (gb!.toArray() as number[][]).forEach((row) =>
      expect(row.every((v) => v === row[0] && (v === 0 || Math.abs(v - 2) < 1e-6))).toBe(true)
    );
  });

  it('rejects level outside [0, 1), integer x and bad noise shapes', () => {
    const x = K.ones([2, 3]);
    expectError(() => K.dropout(x, 1), K.ValueError, 'dropout', 'level', '1');
    expectError(() => K.dropout(x, -0.1), K.ValueError, 'dropout', 'level');
    expectError(() => K.dropout(x, NaN), K.ValueError, 'dropout', 'level');
    expectError(() => K.dropout(x, '0.5' as unknown as number), K.TypeError, 'dropout', 'level');
    expectError(() => K.dropout(K.constant([1, 2], 'int32'), 0.5), K.ValueError, 'dropout', 'x', 'int32');
    expectError(() => K.dropout(x, 0.5, [3, 3]), K.ValueError, 'dropout', 'noise_shape', '(3, 3)', '(2, 3)');
    expectError(() => K.dropout(x, 0.5, [1, 2, 3]), K.ValueError, 'dropout', 'noise_shape');
    expectError(() => K.dropout(x, 0.5, [null]), K.ValueError, 'dropout', 'noise_shape');
    expectError(() => K.dropout(x, 0.5, [2, 1.5]), K.ValueError, 'dropout', 'noise_shape');
    expectError(() => K.dropout(x, 0.5, 3 as unknown as number[]), K.ValueError, 'dropout', 'noise_shape');
    expectError(() => K.dropout(x, 0.5, null, 0.5), K.TypeError, 'dropout', 'seed');
    expectError(() => K.dropout(x, 0.5, { rate: 0.5 } as never), K.TypeError, 'dropout', 'unknown option', 'rate');
    expectError(() => K.dropout(symbolic([-1, 3]), 0.5, [2, 2]), K.ValueError, 'dropout', 'noise_shape', '(None, 3)');
  });
});
