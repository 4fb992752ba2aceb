// W6: softmax over the last axis of a [1024, 1000] float32 matrix, then
// reductions: the row maxima and column means of the softmax, the row sums of x.
import * as K from '../../src/index.js';
import { uniform } from '../data.js';
import type { KtapeDevice, Runner } from '../types.js';
import { release, values, variable } from './ktape.js';

export interface SoftmaxData {
  rows: number;
  cols: number;
  x: Float32Array;
}

export function softmaxData(rows: number): SoftmaxData {
  const cols = 1000;
  return { rows, cols, x: uniform(rows * cols, 61, 4) };
}

export function ktapeSoftmax(d: SoftmaxData, _device: KtapeDevice): Runner {
  const x = variable(d.x, [d.rows, d.cols]);
  const run = () => {
    const p = K.softmax(x);
    return { rowMax: K.max(p, -1), colMean: K.mean(p, 0), rowSum: K.sum(x, -1) };
  };
  const read = () => {
    const o = run();
    return { rowMax: values(o.rowMax), colMean: values(o.colMean), rowSum: values(o.rowSum) };
  };
  // The results are small: reading them whole is the natural end of the step.
  return { step: read, outputs: read, dispose: () => release(x) };
}
