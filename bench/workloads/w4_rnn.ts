// W4: K.rnn over a tanh cell h' = tanh(x_t W + h U + b), batch 32, 50 steps,
// 64 -> 64; forward and K.gradients of sum(outputs * r) w.r.t. W, U and b.
// Its long variant (issue 17: backprop through the steps' slices of one input
// was quadratic in T) is one sample of 4,000 steps of 14 units, x a variable
// differentiated too.
import * as K from '../../src/index.js';
import { glorot, uniform } from '../data.js';
import type { KtapeDevice, Runner } from '../types.js';
import { release, sync, values, variable } from './ktape.js';

export interface RnnData {
  batch: number;
  steps: number;
  units: number;
  /** [batch, steps, units] */
  x: Float32Array;
  w: Float32Array;
  u: Float32Array;
  b: Float32Array;
  /** [batch, steps, units]: weights of the outputs in the loss. */
  r: Float32Array;
  /** The input is a variable, differentiated too (the long variant). */
  wrtInput: boolean;
}

export function rnnData(batch: number, steps: number, units = 64, wrtInput = false): RnnData {
  return {
    wrtInput,
    batch,
    steps,
    units,
    x: uniform(batch * steps * units, 41),
    w: glorot(units, units, 42),
    u: glorot(units, units, 43),
    b: uniform(units, 44, 0.1),
    r: uniform(batch * steps * units, 45),
  };
}

/** The cell's weights, the initial state and the step function, shared by the eager and the graph runners. */
function tanhCell(d: RnnData) {
  const { batch, units } = d;
  const w = variable(d.w, [units, units]),
    u = variable(d.u, [units, units]),
    b = variable(d.b, [units]);
  const h0 = K.zeros([batch, units]);
  const cell = (xt: K.Tensor, [h]: K.Tensor[]): [K.Tensor, K.Tensor[]] => {
    const next = K.tanh(K.add(K.add(K.dot(xt, w), K.dot(h!, u)), b));
    return [next, [next]];
  };
  return { w, u, b, h0, cell };
}

export function ktapeRnn(d: RnnData, _device: KtapeDevice): Runner {
  const { batch, steps, units } = d;
  const x = variable(d.x, [batch, steps, units]);
  const r = variable(d.r, [batch, steps, units]);
  const { w, u, b, h0, cell } = tanhCell(d);
  const run = () => {
    const [, outputs] = K.rnn(cell, x, [h0]);
    const loss = K.sum(K.multiply(outputs, r));
    return [loss, ...K.gradients(loss, d.wrtInput ? [w, u, b, x] : [w, u, b])] as K.Tensor[];
  };
  return {
    step: () => sync(...run()),
    outputs() {
      const [loss, dw, du, db, dx] = run();
      const out = { loss: values(loss!), dw: values(dw!), du: values(du!), db: values(db!) };
      return dx === undefined ? out : { ...out, dx: values(dx) };
    },
    dispose: () => release(x, r, w, u, b, h0),
  };
}

/** W4 through one K.function (issue 17): the graph built once on placeholders, each step one call. */
export function ktapeRnnGraph(d: RnnData, _device: KtapeDevice): Runner {
  const { batch, steps, units } = d;
  const xv = K.reshape(d.x, [batch, steps, units]);
  const rv = K.reshape(d.r, [batch, steps, units]);
  const x = K.placeholder([batch, steps, units]);
  const r = K.placeholder([batch, steps, units]);
  const { w, u, b, h0, cell } = tanhCell(d);
  const [, outputs] = K.rnn(cell, x, [h0]);
  const loss = K.sum(K.multiply(outputs, r));
  const grads = K.gradients(loss, d.wrtInput ? [w, u, b, x] : [w, u, b]);
  const f = K.function([x, r], [loss, ...(grads as K.Tensor[])]);
  const run = () => f([xv, rv]);
  const read = (t: { data: unknown } | undefined) => Float32Array.from(t!.data as Float32Array);
  return {
    step: () => run()[0]!.get(),
    outputs() {
      const [l, dw, du, db, dx] = run();
      const out = { loss: read(l), dw: read(dw), du: read(du), db: read(db) };
      return dx === undefined ? out : { ...out, dx: read(dx) };
    },
    dispose: () => release(w, u, b, h0, xv, rv),
  };
}
