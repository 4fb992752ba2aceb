// K.vjp, K.jvp, K.hessian_vector_product, K.jacobian and K.hessian
// (src/grad/transforms.ts), each against central differences in float64.
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { expectClose, expectError } from '../helpers.js';
import { f64, flat, numericJacobianT } from './fd.js';

const xs = [0.3, -1.2, 0.8, 1.5];
const W = [0.5, -0.4, 0.3, 0.9, -0.7, 0.2, 0.1, 0.6];
/** A vector function R^4 -> R^2 with curvature everywhere. */
const g = (x: K.Tensor) => K.tanh(K.dot(K.reshape(K.multiply(x, K.sin(x)), [1, 4]), f64(W, [4, 2])));
const gFlat = (x: K.Tensor) => K.reshape(g(x), [2]);
/** A scalar function with a dense Hessian. */
const s = (x: K.Tensor) => K.add(K.sum(K.multiply(K.pow(x, 3), K.cos(x))), K.square(K.sum(x)));
const jT = numericJacobianT(gFlat, xs, [4]); // jT[i][k] = d g_k / d x_i

describe('vjp', () => {
  it('the pullback of a cotangent u is J^T u (central differences)', () => {
    const [y, pull] = K.vjp(gFlat, f64(xs, [4]));
    expectClose(y, flat(gFlat(f64(xs, [4]))), 1e-12);
    const u = [0.7, -1.3];
    const [gx] = pull(f64(u, [2]));
    expectClose(
      gx!,
      jT.map((row) => row[0]! * u[0]! + row[1]! * u[1]!),
      1e-7
    );
  });

  it('several primals; zeros for a primal the function ignores', () => {
    const [, pull] = K.vjp((a: K.Tensor, _b: K.Tensor) => K.multiply(a, a), [K.constant([1, 2]), K.constant([5, 5])]);
    const [ga, gb] = pull(K.constant([1, 1]));
    expectClose(ga!, [2, 4]);
    expectClose(gb!, [0, 0]);
  });

  it('bad input: cotangent shape, not a function, integer primals', () => {
    const [, pull] = K.vjp(gFlat, f64(xs, [4]));
    expectError(() => pull(f64([1, 2, 3], [3])), K.ValueError, 'vjp', 'cotangent', '(3,)', '(2,)');
    expectError(() => K.vjp(7 as unknown as (x: K.Tensor) => K.Tensor, [1]), K.TypeError, 'vjp', 'function');
    expectError(() => K.vjp((x: K.Tensor) => x, K.constant([1], 'int32')), K.TypeError, 'vjp', 'float', 'int32');
  });
});

describe('jvp', () => {
  it('the tangent out is J t (central differences), with f(x) as the primal out', () => {
    const t = [1, 0.5, -2, 0.25];
    const [y, yDot] = K.jvp(gFlat, [f64(xs, [4])], [f64(t, [4])]);
    expectClose(y, flat(gFlat(f64(xs, [4]))), 1e-12);
    expectClose(
      yDot,
      [0, 1].map((k) => jT.reduce((acc, row, i) => acc + row[k]! * t[i]!, 0)),
      1e-7
    );
  });

  it('several primals and outputs: tangents add up; an output not depending on them gets zeros', () => {
    const f = (a: K.Tensor, b: K.Tensor) => [K.multiply(a, b), K.ones([2])];
    const [[p], [pd, cd]] = K.jvp(
      f,
      [K.constant([1, 2]), K.constant([3, 4])],
      [K.constant([1, 0]), K.constant([0, 1])]
    ) as [K.Tensor[], K.Tensor[]];
    expectClose(p!, [3, 8]);
    expectClose(pd!, [3, 2]); // b * da + a * db
    expectClose(cd!, [0, 0]);
  });

  it('works on placeholders through K.function', () => {
    const x = K.placeholder([null, 2]);
    const [, yDot] = K.jvp((a: K.Tensor) => K.square(a), [x], [K.ones_like(x)]);
    const [v] = K.function(
      [x],
      [yDot]
    )([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    expectClose(K.constant(v!), [
      [2, 4],
      [6, 8],
    ]);
  });

  it('bad input: tangent count and shape', () => {
    expectError(
      () => K.jvp(gFlat, [f64(xs, [4])], [f64([1, 2], [2])]),
      K.ValueError,
      'jvp',
      'tangents[0]',
      '(2,)',
      '(4,)'
    );
    expectError(
      () => K.jvp((a: K.Tensor, b: K.Tensor) => K.add(a, b), [K.constant([1]), K.constant([2])], [K.constant([1])]),
      K.ValueError,
      'jvp',
      'one tensor per primal'
    );
  });
});

describe('hessian_vector_product', () => {
  it('H v equals the central difference of the gradient along v', () => {
    const v = [0.5, -1, 2, 0.3];
    const hv = K.hessian_vector_product(s, f64(xs, [4]), f64(v, [4])) as K.Tensor;
    const gradAt = (x: K.Tensor) => K.gradients(s(x), [x])[0]!;
    // d/d x_i grad_k, contracted with v: (H v)_k = sum_i H[k][i] v_i (H symmetric).
    const hT = numericJacobianT(gradAt, xs, [4]);
    expectClose(
      hv,
      [0, 1, 2, 3].map((k) => hT.reduce((acc, row, i) => acc + row[k]! * v[i]!, 0)),
      1e-6
    );
  });

  it('bad input: f must return a scalar; v must match x', () => {
    expectError(
      () => K.hessian_vector_product((x: K.Tensor) => K.square(x), K.constant([1, 2]), K.constant([1, 1])),
      K.ValueError,
      'hessian_vector_product',
      'scalar',
      '(2,)'
    );
    expectError(
      () => K.hessian_vector_product(s, K.constant([1, 2]), K.constant([1, 1, 1])),
      K.ValueError,
      'hessian_vector_product',
      'v[0]'
    );
  });
});

describe('jacobian', () => {
  it('a tall Jacobian (more outputs than inputs) by columns, as jacfwd: the same matrix, one batched pass', () => {
    // 3N outputs of N inputs: [sin x, x^2, x * x_0] (the last couples every output to x_0).
    const N = 5;
    const f = (x: K.Tensor) => K.concatenate([K.sin(x), K.square(x), K.multiply(x, K.slice(x, [0], [1]))], 0);
    const x0 = [0.3, -1.2, 0.7, 2, -0.4];
    const x = K.constant(x0, 'float64');
    const tape = K.trace((t: K.Tensor) => K.jacobian(f, t), x);
    const J = tape.result;
    expect(K.int_shape(J)).toEqual([3 * N, N]);
    const want = Array.from({ length: 3 * N }, (_, i) =>
      Array.from({ length: N }, (_, j) => {
        const r = i % N;
        if (i < N) return r === j ? Math.cos(x0[r]!) : 0;
        if (i < 2 * N) return r === j ? 2 * x0[r]! : 0;
        return (r === j ? x0[0]! : 0) + (j === 0 ? x0[r]! : 0);
      })
    );
    expectClose(J, want, 1e-12);
    // One batched pass (K.vmap over the one-hot basis): the tape does not grow with the number of inputs.
    const count = (n: number) =>
      K.trace(
        (t: K.Tensor) => K.jacobian(f, t),
        K.constant(
          Array.from({ length: n }, (_, i) => 0.1 * i + 0.2),
          'float64'
        )
      ).nodes.length;
    expect(count(2 * N)).toBe(count(N));
  });

  it('a wide Jacobian by rows, as jacrev: one batched pass whatever the number of outputs', () => {
    // n / 2 outputs of n inputs.
    const f = (x: K.Tensor) => K.tanh(K.multiply(K.sum(x), K.slice(x, [0], [x.shape[0]! / 2])));
    const count = (n: number) =>
      K.trace(
        (t: K.Tensor) => K.jacobian(f, t),
        K.constant(
          Array.from({ length: n }, (_, i) => 0.1 * i - 0.3),
          'float64'
        )
      ).nodes.length;
    expect(count(12)).toBe(count(6));
  });

  it('of shape f(x).shape + x.shape, equal to central differences', () => {
    const J = K.jacobian(g, f64(xs, [4]));
    expect(K.int_shape(J)).toEqual([1, 2, 4]);
    expectClose(J, [[0, 1].map((k) => jT.map((row) => row[k]!))], 1e-7);
  });

  it('a matrix input, and a function of one element', () => {
    const J = K.jacobian(
      (x: K.Tensor) => K.sum(K.square(x), 1),
      K.constant([
        [1, 2],
        [3, 4],
      ])
    );
    expectClose(J, [
      [
        [2, 4],
        [0, 0],
      ],
      [
        [0, 0],
        [6, 8],
      ],
    ]);
  });

  it('bad input: unknown shapes and non-float outputs', () => {
    expectError(
      () => K.jacobian((x: K.Tensor) => x, K.placeholder([null, 2])),
      K.ValueError,
      'jacobian',
      'known shapes'
    );
    expectError(() => K.jacobian((x: K.Tensor) => K.argmax(x), K.constant([1, 2])), K.TypeError, 'jacobian', 'float');
  });
});

describe('hessian', () => {
  it('symmetric and equal to central differences of the gradient', () => {
    const H = K.hessian(s, f64(xs, [4]));
    expect(K.int_shape(H)).toEqual([4, 4]);
    const hT = numericJacobianT((x) => K.gradients(s(x), [x])[0]!, xs, [4]);
    expectClose(H, hT, 1e-6);
    const h = H.toArray() as number[][];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(Math.abs(h[i]![j]! - h[j]![i]!)).toBeLessThan(1e-12);
  });

  it('bad input: f must return a scalar', () => {
    expectError(() => K.hessian((x: K.Tensor) => K.square(x), K.constant([1, 2])), K.ValueError, 'hessian', 'scalar');
  });
});
