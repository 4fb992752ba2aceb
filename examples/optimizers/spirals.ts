// The two-spiral task: two interleaved spirals in the plane, one per class,
// deterministic from a seed; and the MLP that learns to tell them apart.
import * as K from '../../src/index.js';
import type { DType, Tensor, Variable } from '../../src/index.js';

/** A small deterministic generator (a 32-bit LCG, as examples/lstm.ts), uniform in [0, 1). */
export function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

export interface SpiralOptions {
  /** Points per class. */
  points?: number;
  /** Turns of each spiral: more is harder. */
  turns?: number;
  /** Standard deviation of the Gaussian jitter added to each coordinate. */
  noise?: number;
  seed?: number;
}

export interface Spirals {
  /** Coordinates, (2 * points, 2), within about [-1, 1]. */
  x: number[][];
  /** Class of each point, 0 or 1. */
  labels: number[];
  /** The labels one-hot, (2 * points, 2). */
  y: number[][];
}

export function makeSpirals({ points = 100, turns = 1.25, noise = 0.03, seed = 1 }: SpiralOptions = {}): Spirals {
  const rand = generator(seed);
  // Box-Muller: a standard normal from two uniforms.
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const x: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < points; i++) {
    const f = i / points;
    const r = 0.1 + 0.9 * f;
    const angle = f * turns * 2 * Math.PI;
    for (const c of [0, 1]) {
      // The second spiral is the first turned half a circle.
      const a = angle + c * Math.PI;
      x.push([r * Math.cos(a) + noise * normal(), r * Math.sin(a) + noise * normal()]);
      labels.push(c);
    }
  }
  return { x, labels, y: labels.map((c) => [1 - c, c]) };
}

/** A tanh MLP: Dense layers (w, b) from 2 inputs through `hidden` units to 2 logits. */
export interface Mlp {
  layers: { w: Variable; b: Variable }[];
  /** Every parameter, in the order the optimizers get them. */
  params: Variable[];
}

/** Glorot-uniform weights from the seed, zero biases. */
export function makeMlp(hidden: number[] = [32, 32], seed = 2, dtype: DType = K.floatx()): Mlp {
  const rand = generator(seed);
  const sizes = [2, ...hidden, 2];
  const layers = sizes.slice(1).map((out, k) => {
    const inp = sizes[k]!;
    const limit = Math.sqrt(6 / (inp + out));
    const w = Array.from({ length: inp }, () => Array.from({ length: out }, () => (2 * rand() - 1) * limit));
    return {
      w: K.variable(w, dtype, `dense_${k}/kernel`),
      b: K.variable(new Array<number>(out).fill(0), dtype, `dense_${k}/bias`),
    };
  });
  return { layers, params: layers.flatMap((l) => [l.w, l.b]) };
}

/** The logits, (batch, 2). */
export function forward(mlp: Mlp, x: Tensor): Tensor {
  let h = x;
  mlp.layers.forEach((l, k) => {
    h = K.bias_add(K.dot(h, l.w), l.b);
    if (k < mlp.layers.length - 1) h = K.tanh(h);
  });
  return h;
}

/** Mean softmax crossentropy of the logits against one-hot targets. */
export function lossOf(logits: Tensor, y: Tensor): Tensor {
  return K.mean(K.categorical_crossentropy(y, logits, true));
}

/** The fraction of points whose larger logit is their class. */
export function accuracyOf(logits: Tensor, labels: readonly number[]): number {
  const rows = logits.toArray() as number[][];
  const hits = rows.filter((r, i) => (r[1]! > r[0]! ? 1 : 0) === labels[i]).length;
  return hits / labels.length;
}
