// Nodes computed only when a graph runs: a function of its inputs' values (a
// loop whose length the graph learns only when fed). K.function calls the
// function on the values (src/grad/evaluate.ts); the gradient for each input is
// another such node that runs the function again on the same values, recorded,
// and backpropagates through it, so gradients of every order follow. Sibling
// nodes fed the same values in one run share one computation.
import { isFloat } from '../core/dtype.js';
import type { Meta } from '../core/primitives.js';
import type { Tensor } from '../core/tensor.js';
import { isRecording, withRecording } from '../prims/apply.js';
import * as lax from '../prims/lax.js';
import { backprop } from './backprop.js';

const sameValues = (a: readonly Tensor[], b: readonly Tensor[]) =>
  a.length === b.length && a.every((t, i) => t === b[i]);

/**
 * `compute` memoised on its last values (by identity) and on whether ops are
 * recorded: siblings fed the same values in one run share it, and a gradient
 * (which records) never reuses a value computed without its graph.
 */
export function sharedRun<R>(compute: (values: readonly Tensor[]) => R): (values: readonly Tensor[]) => R {
  let last: { values: readonly Tensor[]; recorded: boolean; result: R } | null = null;
  return (values) => {
    const recorded = isRecording();
    if (last === null || last.recorded !== recorded || !sameValues(last.values, values))
      last = { values: values.slice(), recorded, result: compute(values) };
    return last.result;
  };
}

/** A node of shape and dtype `meta` whose value is `run(values of inputs)`, computed when the graph runs. */
export function callNode(
  kind: string,
  inputs: readonly Tensor[],
  meta: Meta,
  run: (values: readonly Tensor[]) => Tensor
): Tensor {
  // The input gradients of one cotangent, computed once per run for all inputs.
  const backward = sharedRun((values) => {
    const xs = values.slice(0, -1);
    const g = values[values.length - 1]!;
    return withRecording(() => backprop([run(xs)], [g], xs));
  });
  const grad = (g: Tensor, index: number): Tensor | null => {
    const x = inputs[index]!;
    if (!isFloat(x.dtype)) return null;
    return callNode(`${kind}'`, [...inputs, g], { shape: x.shape.slice(), dtype: x.dtype }, (values) => {
      const gi = backward(values)[index];
      return gi ?? lax.zerosLike(values[index]!);
    });
  };
  return lax.call(inputs, { kind, meta, run, grad });
}
