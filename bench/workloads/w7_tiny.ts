// W7: the cost of one tiny op: adds of [4] float32 tensors (microseconds per
// op), alone and each with K.gradients of it.
import * as K from '../../src/index.js';
import type { KtapeDevice, Runner } from '../types.js';
import { release, sync, values } from './ktape.js';

export interface TinyData {
  ops: number;
  a: Float32Array;
}

export function tinyData(ops: number): TinyData {
  return { ops, a: Float32Array.of(1, 2, 3, 4) };
}

/** The gpu device pays a kernel launch per op (~0.2 ms on llvmpipe): it runs a tenth of the ops. */
export function ktapeTinyOps(d: TinyData, device: KtapeDevice): number {
  return device === 'gpu' ? Math.max(1, Math.round(d.ops / 10)) : d.ops;
}

export function ktapeTiny(d: TinyData, device: KtapeDevice, gradient: boolean): Runner {
  const a = K.variable(d.a);
  const ops = ktapeTinyOps(d, device);
  const add = () => K.add(a, a);
  const grad = () => K.gradients(K.add(a, a), [a])[0]!;
  return gradient
    ? {
        ops,
        step() {
          let g = grad();
          for (let i = 1; i < ops; i++) g = grad();
          sync(g);
        },
        outputs: () => ({ dx: values(grad()) }),
        dispose: () => release(a),
      }
    : {
        ops,
        step() {
          let y = add();
          for (let i = 1; i < ops; i++) y = add();
          sync(y);
        },
        outputs: () => ({ y: values(add()) }),
        dispose: () => release(a),
      };
}
