// The Keras layers the ported examples use, written as the math they compute
// with K ops and K.variable weights (Keras 2.3.1's Dense, Dropout, Activation
// and its glorot_uniform initializer), so every backend call stays visible.
import * as K from '../../src/index.js';
import type { Tensor, Variable } from '../../src/index.js';

/** A Dense layer: kernel (glorot_uniform) and bias (zeros). */
export interface Dense {
  readonly kernel: Variable;
  readonly bias: Variable;
  (x: Tensor): Tensor;
}

/** Keras's glorot_uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)). */
export function glorotUniform(fanIn: number, fanOut: number, seed: number, name: string): Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return K.random_uniform_variable([fanIn, fanOut], -limit, limit, null, name, seed);
}

/** Dense(units, activation): activation(K.bias_add(K.dot(x, kernel), bias)), as Keras's Dense.call. */
export function dense(
  fanIn: number,
  units: number,
  seed: number,
  name: string,
  activation?: (t: Tensor) => Tensor
): Dense {
  const kernel = glorotUniform(fanIn, units, seed, `${name}/kernel`);
  const bias = K.zeros([units], null, `${name}/bias`);
  const layer = (x: Tensor) => {
    const y = K.bias_add(K.dot(x, kernel), bias);
    return activation === undefined ? y : activation(y);
  };
  return Object.assign(layer, { kernel, bias });
}

/** Keras's Dropout layer: K.dropout in the training phase only (K.in_train_phase on the learning phase). */
export function dropout(rate: number): (x: Tensor) => Tensor {
  return (x) => K.in_train_phase(() => K.dropout(x, rate), x);
}

/** A small deterministic generator (a 32-bit LCG), uniform in [0, 1). */
export function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/**
 * Stand-in for MNIST (not available offline): `n` vectors of `dims` values in
 * [0, 1], each a noisy copy of one of `classes` random prototypes (the same
 * for every `split` of one `seed`), with its class one-hot. Small sizes keep the ported programs fast in `npm test`.
 */
export function prototypes(n: number, dims: number, classes: number, seed: number, split = 0) {
  const draw = generator(seed);
  const protos = Array.from({ length: classes }, () => Array.from({ length: dims }, () => (draw() < 0.3 ? 1 : 0)));
  // Each split (train 0, test 1, ...) draws its own noise around the same prototypes.
  const next = generator(seed * 7919 + split + 1);
  const labels = Array.from({ length: n }, (_, i) => i % classes);
  const x = labels.map((c) => protos[c]!.map((v) => Math.min(1, Math.max(0, v + 0.3 * (next() - 0.5)))));
  const y = labels.map((c) => Array.from({ length: classes }, (_, j) => (j === c ? 1 : 0)));
  return { x, y, labels };
}
