// Deterministic inputs: every contender of a case gets the same numbers.

/** mulberry32: a small seeded generator, so runs and contenders see identical data. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return function () {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n floats uniform in [-scale, scale). */
export function uniform(n: number, seed: number, scale = 1): Float32Array {
  const next = generator(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (next() * 2 - 1) * scale;
  return a;
}

/** Glorot-uniform weights of an m x n matrix (row-major). */
export function glorot(m: number, n: number, seed: number): Float32Array {
  return uniform(m * n, seed, Math.sqrt(6 / (m + n)));
}

/** rows one-hot rows of `classes` columns, the hot column drawn from the seed. */
export function oneHot(rows: number, classes: number, seed: number): Float32Array {
  const next = generator(seed);
  const a = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) a[r * classes + Math.floor(next() * classes)] = 1;
  return a;
}
