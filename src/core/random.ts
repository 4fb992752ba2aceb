// The random ops' generator: xoshiro128** (Blackman and Vigna, 2018), 128 bits
// of state in 32-bit words so that every step is plain int32 arithmetic
// (Math.imul, shifts), with period 2^128 - 1 and no known statistical flaws for
// 32-bit outputs. A seed is spread into the state by murmur3's fmix32, a
// bijection on 32 bits, so distinct seeds give distinct states. Values are
// made on the host: the same seed gives the same values on every device.

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;

export class Generator {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The second normal of Marsaglia's polar pair, kept for the next call. */
  private spare: number | null = null;

  /** A generator in the given state (four 32-bit words, not all zero). */
  constructor(state: readonly [number, number, number, number]) {
    [this.s0, this.s1, this.s2, this.s3] = state.map((w) => w >>> 0) as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) throw new Error('xoshiro128** state must not be all zero');
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * Uniform in [0, 1) on a grid of 2^-bits. With 24 bits every value is exact
   * in float32 and below 1 there too; with 53, in float64.
   */
  uniform(bits: 24 | 53): number {
    if (bits === 24) return (this.nextUint32() >>> 8) / 16777216;
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / TWO_53;
  }

  /** A standard normal, by Marsaglia's polar method in float64. */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform(53) - 1;
      v = 2 * this.uniform(53) - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** A uniform integer in [0, n), exactly (rejection of the biased top), for 1 <= n <= 2^53. */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_53)
      throw new RangeError(`below: n must be an integer in [1, 2^53]; got ${n}`);
    if (n <= TWO_32) {
      const limit = TWO_32 - (TWO_32 % n);
      let x: number;
      do x = this.nextUint32();
      while (x >= limit);
      return x % n;
    }
    const limit = TWO_53 - (TWO_53 % n);
    let x: number;
    do x = (this.nextUint32() >>> 11) * TWO_32 + this.nextUint32();
    while (x >= limit);
    return x % n;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** murmur3's 32-bit finalizer: a bijection with full avalanche (fmix32(0) = 0). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A generator for an integer seed (any safe integer, negatives included). */
export function seededGenerator(seed: number): Generator {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer; got ${seed}`);
  const hi = Math.floor(seed / TWO_32);
  const lo = seed - hi * TWO_32;
  // a and b are each a bijection of one half of the seed; c is nonzero when a
  // is zero, so the state is never all zero.
  const a = fmix32(lo ^ 0x9e3779b9);
  const b = fmix32((hi >>> 0) ^ 0x7f4a7c15);
  const c = fmix32(a ^ 0x85ebca6b);
  const d = fmix32(b ^ 0xc2b2ae35);
  const g = new Generator([a, b, c, d]);
  // Let nearby seeds' states drift apart before the first value is used.
  for (let i = 0; i < 8; i++) g.nextUint32();
  return g;
}

let shared: Generator | null = null;

/** The generator of unseeded calls, seeded once from the platform's cryptographic randomness. */
export function sharedGenerator(): Generator {
  if (shared === null) {
    const s = new Uint32Array(4);
    globalThis.crypto.getRandomValues(s);
    if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1;
    shared = new Generator([s[0]!, s[1]!, s[2]!, s[3]!]);
  }
  return shared;
}
