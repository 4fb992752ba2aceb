// examples/per_example_gradients.ts: DP-SGD on the spirals with per-example
// gradients from K.vmap. Its numbers are checked against a loop of
// K.gradients calls and the clipping and noise written out here in plain
// JavaScript; its training against what it must reach.
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import {
  exampleLoss,
  globalNorms,
  perExampleGradients,
  privateGradient,
  train,
} from '../../examples/per_example_gradients.js';
import { makeMlp, makeSpirals } from '../../examples/optimizers/spirals.js';
import { expectClose, testDevice } from '../helpers.js';

const cpu = testDevice() === 'cpu';
const dtype: K.DType = cpu ? 'float64' : 'float32';
const tol = cpu ? 1e-12 : 2e-5;

type Nest = number | Nest[];
const scaled = (v: Nest, s: number): Nest => (Array.isArray(v) ? v.map((e) => scaled(e, s)) : v * s);
const added = (a: Nest, b: Nest): Nest =>
  Array.isArray(a) ? a.map((e, i) => added(e, (b as Nest[])[i]!)) : a + (b as number);
const squares = (v: Nest): number => (Array.isArray(v) ? v.reduce<number>((s, e) => s + squares(e), 0) : v * v);

describe('per_example_gradients example (DP-SGD)', () => {
  const set = makeSpirals({ points: 6, turns: 0.5 });
  const x = K.constant(set.x, dtype);
  const y = K.constant(set.y, dtype);
  const mlp = makeMlp([5], 3, dtype);
  const B = set.x.length;
  const row = (t: K.Tensor, b: number) => K.squeeze(K.slice(t, [b, 0], [1, t.shape[1]!]), 0);
  const loop = Array.from({ length: B }, (_, b) =>
    K.gradients(exampleLoss(mlp.params, [row(x, b), row(y, b)]), mlp.params).map((g) => g!.toArray() as Nest)
  );

  it('per-example gradients and their norms equal a loop of K.gradients', () => {
    const grads = perExampleGradients(mlp, x, y);
    grads.forEach((g, i) => expectClose(g, loop.map((l) => l[i]!) as number[], tol));
    const norms = loop.map((l) => Math.sqrt(l.reduce<number>((s, g) => s + squares(g), 0)));
    expectClose(globalNorms(grads), norms, tol);
  });

  it('the private gradient: each clipped to C, summed, seeded noise of sigma C added, over the batch', () => {
    const clip = 0.5;
    const noise = 0.7;
    const grads = perExampleGradients(mlp, x, y);
    const got = privateGradient(grads, { clip, noise, seed: 11 }, 2);
    const norms = loop.map((l) => Math.sqrt(l.reduce<number>((s, g) => s + squares(g), 0)));
    expect(norms.some((n) => n > clip)).toBe(true);
    got.forEach((g, i) => {
      let sum: Nest | null = null;
      loop.forEach((l, b) => {
        const s = scaled(l[i]!, Math.min(1, clip / norms[b]!));
        sum = sum === null ? s : added(sum, s);
      });
      // Step 2's noise for parameter i, drawn again from its seed (a seeded draw repeats).
      const n = K.random_normal(g.shape, 0, noise * clip, dtype, 11 + 2 * mlp.params.length + i).toArray() as Nest;
      expectClose(g, scaled(added(sum!, n), 1 / B) as number[], tol);
    });
  });

  it('trains: DP-SGD (C = 1, sigma = 0.5) separates the half-turn spirals', () => {
    const r = train(cpu ? 400 : 150, { clip: 1, noise: 0.5, learning_rate: 0.5, seed: 1 }, null);
    expect(r.losses.at(-1)!).toBeLessThan(cpu ? 0.2 : 0.45);
    expect(r.accuracy).toBeGreaterThan(cpu ? 0.9 : 0.8);
  });
});
