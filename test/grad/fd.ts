// Central finite differences in float64, for checking the autodiff tools
// against the definition rather than against another autodiff path.
import * as K from '../../src/index.js';
import type { NestedArray } from '../../src/core/tensor.js';

/** Row-major values of a tensor as plain numbers. */
export function flat(t: K.Tensor): number[] {
  const out: number[] = [];
  const walk = (v: NestedArray) => (Array.isArray(v) ? v.forEach(walk) : out.push(v));
  walk(t.toArray());
  return out;
}

/** A float64 tensor of `shape` holding `values`. */
export function f64(values: number[], shape: number[]): K.Tensor {
  return K.reshape(K.constant(values, 'float64'), shape);
}

/** d f(x) / d x[i] for every i, as rows of length size(f(x)): J^T, flattened by input element. */
export function numericJacobianT(f: (x: K.Tensor) => K.Tensor, x: number[], shape: number[], h = 1e-6): number[][] {
  return x.map((_, i) => {
    const plus = x.slice();
    const minus = x.slice();
    plus[i]! += h;
    minus[i]! -= h;
    const a = flat(f(f64(plus, shape)));
    const b = flat(f(f64(minus, shape)));
    return a.map((v, k) => (v - b[k]!) / (2 * h));
  });
}
