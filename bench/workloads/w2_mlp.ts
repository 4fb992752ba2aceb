// W2: one training step of a 784-256-10 MLP on a batch of 128: relu hidden
// layer, softmax crossentropy from logits, K.gradients w.r.t. the 4 weights,
// K.update_sub. The labels are random, so the loss must fall as the net
// memorises them: checked, so the figure is of real work.
import * as K from '../../src/index.js';
import { glorot, oneHot, uniform } from '../data.js';
import type { KtapeDevice, Runner } from '../types.js';
import { release, sync, values, variable } from './ktape.js';

export interface MlpData {
  batch: number;
  inputs: number;
  hidden: number;
  classes: number;
  lr: number;
  x: Float32Array;
  y: Float32Array;
  w1: Float32Array;
  w2: Float32Array;
}

export function mlpData(batch: number): MlpData {
  const [inputs, hidden, classes] = [784, 256, 10];
  const x = uniform(batch * inputs, 21).map((v) => (v + 1) / 2);
  return {
    batch,
    inputs,
    hidden,
    classes,
    lr: 0.05,
    x,
    y: oneHot(batch, classes, 22),
    w1: glorot(inputs, hidden, 23),
    w2: glorot(hidden, classes, 24),
  };
}

/** The matmuls of one step: forward x W1 and h W2, then dW2 = h^T g, dh = g W2^T and dW1 = x^T dh. */
export function mlpFlops(d: MlpData): number {
  const { batch: b, inputs: i, hidden: h, classes: c } = d;
  return 2 * b * (i * h + h * c) + 2 * b * (h * c + c * h + i * h);
}

/**
 * What W2's check compares: the losses of the first CHECKED_STEPS steps.
 * Contenders run different numbers of steps (a fast one runs a lead-in step
 * before each timed one), so the weights they end with differ; the loss of
 * step i depends on every weight after i - 1 updates, so equal losses step
 * for step check the updates too.
 */
export const CHECKED_STEPS = 8;
export const checkedLosses = (losses: number[]) => Float32Array.from(losses.slice(0, CHECKED_STEPS));

/** Whether a run's losses fell (the first against the last). */
export function lossFell(losses: number[]): string | null {
  const first = losses[0],
    last = losses[losses.length - 1];
  if (first === undefined || last === undefined) return 'no step ran';
  return Number.isFinite(last) && last < first ? null : `the loss did not fall (${first} -> ${last})`;
}

export function ktapeMlp(d: MlpData, _device: KtapeDevice): Runner & { losses: number[] } {
  const x = variable(d.x, [d.batch, d.inputs]);
  const y = variable(d.y, [d.batch, d.classes]);
  const w1 = variable(d.w1, [d.inputs, d.hidden]),
    b1 = K.zeros([d.hidden]);
  const w2 = variable(d.w2, [d.hidden, d.classes]),
    b2 = K.zeros([d.classes]);
  const params = [w1, b1, w2, b2];
  const losses: number[] = [];
  return {
    losses,
    step() {
      const h = K.relu(K.add(K.dot(x, w1), b1));
      const logits = K.add(K.dot(h, w2), b2);
      const loss = K.mean(K.categorical_crossentropy(y, logits, true));
      const grads = K.gradients(loss, params);
      params.forEach((p, i) => K.update_sub(p, K.multiply(grads[i]!, d.lr)));
      // b2 is updated last: reading it waits for the whole step on the gpu.
      sync(b2);
      losses.push(sync(loss));
    },
    outputs: () => ({ losses: checkedLosses(losses) }),
    verify: () => lossFell(losses),
    dispose: () => release(...params, x, y),
  };
}

/**
 * W2's forward pass alone (inference on the batch): recorded as usual, or
 * inside K.no_grad, which records nothing and keeps no intermediates: the
 * difference is what the tape costs.
 */
export function ktapeMlpForward(d: MlpData, _device: KtapeDevice, noGrad: boolean): Runner {
  const x = variable(d.x, [d.batch, d.inputs]);
  const w1 = variable(d.w1, [d.inputs, d.hidden]),
    b1 = K.zeros([d.hidden]);
  const w2 = variable(d.w2, [d.hidden, d.classes]),
    b2 = K.zeros([d.classes]);
  const forward = () => K.softmax(K.add(K.dot(K.relu(K.add(K.dot(x, w1), b1)), w2), b2));
  const run = () => (noGrad ? K.no_grad(forward) : forward());
  return {
    step: () => {
      sync(run());
    },
    outputs: () => ({ p: values(run()) }),
    dispose: () => release(w1, b1, w2, b2, x),
  };
}

/**
 * W2's step as Keras 2 trains: the graph built once on placeholders, its
 * updates in `K.function`, each step one call fed the batch (issue 14: a call
 * must cost no more than the eager step).
 */
export function ktapeMlpGraph(d: MlpData, _device: KtapeDevice): Runner & { losses: number[] } {
  const xv = K.reshape(d.x, [d.batch, d.inputs]);
  const yv = K.reshape(d.y, [d.batch, d.classes]);
  const x = K.placeholder([null, d.inputs]);
  const y = K.placeholder([null, d.classes]);
  const w1 = variable(d.w1, [d.inputs, d.hidden]),
    b1 = K.zeros([d.hidden]);
  const w2 = variable(d.w2, [d.hidden, d.classes]),
    b2 = K.zeros([d.classes]);
  const params = [w1, b1, w2, b2];
  const h = K.relu(K.add(K.dot(x, w1), b1));
  const loss = K.mean(K.categorical_crossentropy(y, K.add(K.dot(h, w2), b2), true));
  const grads = K.gradients(loss, params);
  const f = K.function(
    [x, y],
    [loss],
    params.map((p, i) => K.update_sub(p, K.multiply(grads[i]!, d.lr)))
  );
  const losses: number[] = [];
  return {
    losses,
    step() {
      losses.push(f([xv, yv])[0]!.get());
    },
    outputs: () => ({ losses: checkedLosses(losses) }),
    verify: () => lossFell(losses),
    dispose: () => release(...params, xv, yv),
  };
}
