// W1: K.dot of two float32 n x n matrices (GFLOP/s = 2 n^3 / time).
import * as K from '../../src/index.js';
import { uniform } from '../data.js';
import type { KtapeDevice, Runner } from '../types.js';
import { release, sync, values, variable } from './ktape.js';

export interface MatmulData {
  n: number;
  a: Float32Array;
  b: Float32Array;
}

export function matmulData(n: number): MatmulData {
  return { n, a: uniform(n * n, 11), b: uniform(n * n, 12) };
}

export function ktapeMatmul(d: MatmulData, _device: KtapeDevice): Runner {
  const a = variable(d.a, [d.n, d.n]);
  const b = variable(d.b, [d.n, d.n]);
  return {
    step: () => sync(K.dot(a, b)),
    outputs: () => ({ c: values(K.dot(a, b)) }),
    dispose: () => release(a, b),
  };
}
