// Differentially private SGD (Abadi et al., 2016) on the two spirals, with
// per-example gradients from K.vmap: each example's gradient is clipped to
// norm C, the clipped gradients are summed, Gaussian noise of standard
// deviation sigma * C is added, and the mean moves the weights. The
// per-example gradients come from one batched pass (K.per_example_gradients),
// not a loop of K.gradients calls.
// Run: npx tsx examples/per_example_gradients.ts [steps]   (or npm run example:dpsgd -- 600)
import { pathToFileURL } from 'node:url';
import * as K from '../src/index.js';
import type { Tensor, Variable } from '../src/index.js';
import { accuracyOf, forward, makeMlp, makeSpirals, type Mlp } from './optimizers/spirals.js';

/** The logits of one example, (2,), from the parameters [w0, b0, w1, b1, ...]. */
export function logitsOf(params: Tensor[], x: Tensor): Tensor {
  let h = K.expand_dims(x, 0);
  const layers = params.length / 2;
  for (let k = 0; k < layers; k++) {
    h = K.bias_add(K.dot(h, params[2 * k]!), params[2 * k + 1]!);
    if (k < layers - 1) h = K.tanh(h);
  }
  return K.squeeze(h, 0);
}

/** One example's loss: softmax crossentropy of its logits against its one-hot label. */
export function exampleLoss(params: Tensor[], example: Tensor[]): Tensor {
  const [x, y] = example as [Tensor, Tensor];
  return K.categorical_crossentropy(y, logitsOf(params, x), true);
}

/** Each example's gradient with respect to every parameter: [batch, ...parameter's shape] each. */
export function perExampleGradients(mlp: Mlp, x: Tensor, y: Tensor): Tensor[] {
  return K.per_example_gradients(exampleLoss, mlp.params, [x, y]);
}

/** Each example's gradient norm over all parameters together, (batch,). */
export function globalNorms(grads: Tensor[]): Tensor {
  const squares = grads.map((g) => K.sum(K.reshape(K.square(g), [g.shape[0]!, -1]), 1));
  return K.sqrt(squares.reduce((a, b) => K.add(a, b)));
}

export interface DpOptions {
  /** The clipping norm C. */
  clip?: number;
  /** The noise multiplier sigma: noise of standard deviation sigma * C is added to the sum. */
  noise?: number;
  learning_rate?: number;
  /** Turns of each spiral (default 0.5: DP-SGD's noise and clipping make 1.25 turns too hard for this MLP). */
  turns?: number;
  /** Seed of the noise (null: the shared generator); step s draws parameter i's noise with seed + s * (number of parameters) + i, so a run repeats exactly. */
  seed?: number | null;
}

/**
 * The privatised mean gradient: each example's gradient scaled by
 * min(1, C / its norm), summed, plus N(0, (sigma C)^2) noise, over the batch size.
 */
export function privateGradient(
  grads: Tensor[],
  { clip = 1, noise = 1, seed = null }: DpOptions = {},
  step = 0
): Tensor[] {
  const batch = grads[0]!.shape[0]!;
  const norms = globalNorms(grads);
  const scale = K.minimum(K.divide(clip, K.maximum(norms, 1e-12)), 1);
  return grads.map((g, i) => {
    const s = K.reshape(scale, [batch, ...g.shape.slice(1).map(() => 1)]);
    const summed = K.sum(K.multiply(g, s), 0);
    const n = K.random_normal(
      g.shape.slice(1),
      0,
      noise * clip,
      g.dtype,
      seed === null ? null : seed + step * grads.length + i
    );
    return K.divide(K.add(summed, n), batch);
  });
}

/** One DP-SGD step on the whole set; returns the per-example norms before clipping. */
export function dpStep(mlp: Mlp, x: Tensor, y: Tensor, o: DpOptions = {}, step = 0): Tensor {
  const grads = perExampleGradients(mlp, x, y);
  const update = privateGradient(grads, o, step);
  mlp.params.forEach((p: Variable, i) => K.update_sub(p, K.multiply(update[i]!, o.learning_rate ?? 0.5)));
  return globalNorms(grads);
}

export interface DpResult {
  losses: number[];
  accuracy: number;
  seconds: number;
}

export function train(steps = 300, o: DpOptions = {}, log: ((line: string) => void) | null = console.log): DpResult {
  const set = makeSpirals({ points: 100, turns: o.turns ?? 0.5 });
  const x = K.constant(set.x);
  const y = K.constant(set.y);
  const mlp = makeMlp([32, 32]);
  const losses: number[] = [];
  const start = performance.now();
  for (let step = 0; step < steps; step++) {
    const norms = dpStep(mlp, x, y, o, step);
    if (log !== null && step % Math.max(1, Math.floor(steps / 10)) === 0) {
      const nv = Array.from(K.eval(norms).data as Float32Array);
      const clipped = nv.filter((v) => v > (o.clip ?? 1)).length;
      log(
        `step ${step}: loss ${lossNow(mlp, x, y).toFixed(4)}, median example-gradient norm ${median(nv).toFixed(3)}, ${clipped} of ${nv.length} clipped`
      );
    }
    losses.push(lossNow(mlp, x, y));
  }
  const seconds = (performance.now() - start) / 1000;
  return { losses, accuracy: accuracyOf(forward(mlp, x), set.labels), seconds };
}

function lossNow(mlp: Mlp, x: Tensor, y: Tensor): number {
  return Number(K.eval(K.mean(K.categorical_crossentropy(y, forward(mlp, x), true))).data[0]);
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const steps = Number(process.argv[2] ?? 600);
  const r = train(steps, { clip: 1, noise: 0.5, learning_rate: 0.5, seed: 1 });
  console.log(
    `DP-SGD (C = 1, sigma = 0.5) on the spirals: loss ${r.losses.at(-1)!.toFixed(4)}, accuracy ${(100 * r.accuracy).toFixed(1)}% after ${steps} steps in ${r.seconds.toFixed(2)} s`
  );
}
