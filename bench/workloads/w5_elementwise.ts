// W5: sum(sigmoid(x * 2 + 1) * tanh(x)) over 1,000,000 float32, and its gradient.
import * as K from '../../src/index.js';
import { uniform } from '../data.js';
import type { KtapeDevice, Runner } from '../types.js';
import { release, sync, values, variable } from './ktape.js';

export interface ElementwiseData {
  x: Float32Array;
}

export function elementwiseData(n: number): ElementwiseData {
  return { x: uniform(n, 51) };
}

export function ktapeElementwise(d: ElementwiseData, _device: KtapeDevice, gradient: boolean): Runner {
  const x = variable(d.x, [d.x.length]);
  const f = () => K.sum(K.multiply(K.sigmoid(K.add(K.multiply(x, 2), 1)), K.tanh(x)));
  return gradient
    ? {
        step: () => sync(K.gradients(f(), [x])[0]!),
        outputs: () => ({ dx: values(K.gradients(f(), [x])[0]!) }),
        dispose: () => release(x),
      }
    : {
        step: () => sync(f()),
        outputs: () => ({ f: values(f()) }),
        dispose: () => release(x),
      };
}

/** W5 through one K.function (issue 17): the chain and its gradient built once on a placeholder. */
export function ktapeElementwiseGraph(d: ElementwiseData, _device: KtapeDevice, gradient: boolean): Runner {
  const xv = K.reshape(d.x, [d.x.length]);
  const x = K.placeholder([d.x.length]);
  const y = K.sum(K.multiply(K.sigmoid(K.add(K.multiply(x, 2), 1)), K.tanh(x)));
  const f = K.function([x], [gradient ? K.gradients(y, [x])[0]! : y]);
  const run = () => f([xv])[0]!;
  return {
    step: () => run().get(0),
    outputs: () => ({ [gradient ? 'dx' : 'f']: Float32Array.from(run().data as Float32Array) }),
    dispose: () => release(xv),
  };
}
