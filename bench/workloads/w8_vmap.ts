// W8 (issue 19): batching with K.vmap. Per-example gradients of W2's MLP for
// its batch of 128 (K.per_example_gradients: one batched pass), beside a loop
// of 128 K.gradients calls and one ordinary batched gradient; and the
// Jacobian of a 256 -> 256 tanh layer (K.jacobian: K.vmap over the one-hot
// basis), beside the row-by-row build it replaced (one reverse pass per row).
import * as K from '../../src/index.js';
import { glorot, uniform } from '../data.js';
import type { KtapeDevice, Outputs, Runner } from '../types.js';
import { release, sync, values, variable } from './ktape.js';
import type { MlpData } from './w2_mlp.js';
import { backprop } from '../../src/grad/backprop.js';
import * as lax from '../../src/prims/lax.js';

type Tensor = K.Tensor;

/** One example's loss: W2's network on x (784,) against its one-hot y (10,). */
function exampleLoss(p: Tensor[], example: Tensor[]): Tensor {
  const [x, y] = example as [Tensor, Tensor];
  const h = K.relu(K.add(K.dot(K.expand_dims(x, 0), p[0]!), p[1]!));
  const logits = K.add(K.dot(h, p[2]!), p[3]!);
  return K.mean(K.categorical_crossentropy(K.expand_dims(y, 0), logits, true));
}

export type PerExampleWay = 'vmap' | 'loop' | 'batched';

/** What each way computes, compared across devices: per-example b2 gradients and dW1 norms (the batched way: the mean gradient). */
export function ktapePerExample(d: MlpData, _device: KtapeDevice, way: PerExampleWay): Runner {
  const x = variable(d.x, [d.batch, d.inputs]);
  const y = variable(d.y, [d.batch, d.classes]);
  const params = [
    variable(d.w1, [d.inputs, d.hidden]),
    K.variable(K.zeros([d.hidden])),
    variable(d.w2, [d.hidden, d.classes]),
    K.variable(K.zeros([d.classes])),
  ];
  const rows = (t: Tensor, b: number) => K.squeeze(K.slice(t, [b, 0], [1, t.shape[1]!]), 0);
  const run = (): Tensor[] => {
    if (way === 'vmap') return K.per_example_gradients(exampleLoss, params, [x, y]);
    if (way === 'batched') {
      const h = K.relu(K.add(K.dot(x, params[0]!), params[1]!));
      const loss = K.mean(K.categorical_crossentropy(y, K.add(K.dot(h, params[2]!), params[3]!), true));
      return K.gradients(loss, params) as Tensor[];
    }
    const each: Tensor[][] = [];
    for (let b = 0; b < d.batch; b++)
      each.push(K.gradients(exampleLoss(params, [rows(x, b), rows(y, b)]), params) as Tensor[]);
    return params.map((_, i) =>
      K.stack(
        each.map((g) => g[i]!),
        0
      )
    );
  };
  return {
    step: () => {
      const g = run();
      sync(g[0]!, g[3]!);
    },
    outputs: (): Outputs => {
      const g = run();
      if (way === 'batched') return { b2: values(g[3]!) };
      return { b2: values(g[3]!), w1norms: values(K.sqrt(K.sum(K.square(g[0]!), [1, 2]))) };
    },
    dispose: () => release(...params, x, y),
  };
}

/**
 * The floor under any way of returning per-example gradients: their bytes
 * (batch x every parameter, float32) written once into fresh memory, with no
 * arithmetic. On this kind of machine most of it is the kernel supplying and
 * zeroing fresh pages, which every new result array of that size pays.
 */
export function perExampleFloor(d: MlpData): Runner {
  const count = d.batch * (d.inputs * d.hidden + d.hidden + d.hidden * d.classes + d.classes);
  let last = new Float32Array(0);
  return {
    step: () => {
      last = new Float32Array(count).fill(1);
      return last[count - 1];
    },
    outputs: () => ({ count: Float32Array.of(last.length) }),
  };
}

export interface JacobianData {
  n: number;
  w: Float32Array;
  b: Float32Array;
  x: Float32Array;
}

export function jacobianData(n: number): JacobianData {
  return { n, w: glorot(n, n, 81), b: uniform(n, 82), x: uniform(n, 83) };
}

export type JacobianWay = 'vmap' | 'rows';

export function ktapeJacobian(d: JacobianData, _device: KtapeDevice, way: JacobianWay): Runner {
  const w = variable(d.w, [d.n, d.n]);
  const b = variable(d.b, [d.n]);
  const x = K.reshape(d.x, [d.n]);
  const f = (v: Tensor) => K.tanh(K.add(K.squeeze(K.dot(K.expand_dims(v, 0), w), 0), b));
  const run = (): Tensor => {
    if (way === 'vmap') return K.jacobian(f, x);
    // K.jacobian before K.vmap (its wide case, as it was): one reverse pass per output element, the rows joined.
    const y = f(x);
    const rows: Tensor[] = [];
    for (let i = 0; i < d.n; i++) {
      const [g] = backprop([y], [lax.basisVector(d.n, i, y.dtype)], [x]);
      rows.push(lax.reshape(g!, [1, d.n]));
    }
    return lax.concat(rows, 0);
  };
  return {
    step: () => {
      sync(run());
    },
    outputs: () => ({ J: values(run()) }),
    dispose: () => release(w, b),
  };
}
