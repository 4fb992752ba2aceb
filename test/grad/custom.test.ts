// K.custom_gradient, K.checkpoint and K.no_grad (src/grad/custom.ts).
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { topoOrder } from '../../src/grad/backprop.js';
import { expectClose, expectError } from '../helpers.js';
import { f64, flat, numericJacobianT } from './fd.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const grad = (loss: K.Tensor, x: K.Tensor) => K.gradients(loss, [x])[0]!;

/** log(1 + e^x) = relu(x) + log(1 + e^-|x|): no overflow, with the exact gradient sigmoid(x) by hand. */
const stableSoftplus = K.custom_gradient((x: K.Tensor) => {
  const y = K.add(K.relu(x), K.log(K.add(K.exp(K.negative(K.abs(x))), 1)));
  return [y, (dy: K.Tensor) => K.multiply(dy, K.sigmoid(x))];
});

/** The identity forward; the incoming gradient clipped to [-1, 1] backward. */
const clipGradient = K.custom_gradient((x: K.Tensor) => [K.add(x, 0), (dy: K.Tensor) => K.clip(dy, -1, 1)]);

/** round(x) forward; the gradient passed straight through backward (round's own is 0). */
const straightThrough = K.custom_gradient((x: K.Tensor) => [K.round(x), (dy: K.Tensor) => dy]);

describe('custom_gradient', () => {
  // TensorFlow's documented example: grad_fn uses e = exp(x), computed inside f.
  const log1pexp = K.custom_gradient((x: K.Tensor) => {
    const e = K.exp(x);
    return [K.log(K.add(e, 1)), (dy: K.Tensor) => K.multiply(dy, K.subtract(1, K.divide(1, K.add(e, 1))))];
  });

  it("differentiates a grad_fn that uses f's values, eagerly: second order, hessian and hvp (issue 14)", () => {
    const x = K.constant([0.5], 'float64');
    const s = 1 / (1 + Math.exp(-0.5));
    const [g] = K.gradients(K.sum(log1pexp(x)), [x]);
    expectClose(g!, [s], 1e-12);
    const [gg] = K.gradients(K.sum(g!), [x]);
    expect(gg, 'the second derivative flows through e = exp(x)').not.toBeNull();
    expectClose(gg!, [s * (1 - s)], 1e-12); // 0.2350
    expectClose(
      K.hessian((v: K.Tensor) => K.sum(log1pexp(v)), x),
      [[s * (1 - s)]],
      1e-12
    );
    const hv = K.hessian_vector_product((v: K.Tensor) => K.sum(log1pexp(v)), x, K.constant([2], 'float64'));
    expectClose(hv as K.Tensor, [2 * s * (1 - s)], 1e-12);
    // The same on placeholders, through K.function.
    const p = K.placeholder([1], { dtype: 'float64' });
    const [pg] = K.gradients(K.sum(log1pexp(p)), [p]);
    const [pgg] = K.gradients(K.sum(pg!), [p]);
    const [fed] = K.function([p], [pgg!])([[0.5]]);
    expect(Math.abs(fed!.get(0) - s * (1 - s))).toBeLessThan(1e-12);
  });

  it('a variable passed as an argument is an input, not a read variable (issue 14)', () => {
    const v = K.variable([1, 2, 3], 'float64');
    const f = K.custom_gradient((x: K.Tensor) => [K.square(x), (dy: K.Tensor) => K.multiply(dy, 3)]);
    const [g] = K.gradients(K.sum(f(v)), [v]);
    expectClose(g!, [3, 3, 3], 0);
  });

  it('a stable log1p(exp(x)): finite where the naive formula overflows, gradient sigmoid(x)', () => {
    const xs = [-100, -3, 0, 2, 100];
    const x = K.constant(xs);
    const y = stableSoftplus(x);
    expectClose(
      y,
      xs.map((v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)))),
      1e-6
    );
    expectClose(grad(K.sum(y), x), xs.map(sigmoid), 1e-6);
    // The naive composition overflows: infinite value, NaN gradient (inf / inf) at x = 100.
    const naive = K.log(K.add(K.exp(x), 1));
    expect(flat(naive)[4]).toBe(Infinity);
    expect(flat(grad(K.sum(naive), x))[4]).toBeNaN();
  });

  it('the user gradient matches central differences (float64), first and second order', () => {
    const xs = [-2.5, -0.3, 0.4, 1.7];
    const x = f64(xs, [4]);
    const g = grad(K.sum(stableSoftplus(x)), x);
    const numeric = numericJacobianT((t) => stableSoftplus(t), xs, [4]).map((row, i) => row[i]!);
    expectClose(g, numeric, 1e-7);
    // grad_fn is made of K ops, so it is recorded: its derivative is sigmoid'(x).
    expectClose(
      grad(K.sum(g), x),
      xs.map((v) => sigmoid(v) * (1 - sigmoid(v))),
      1e-10
    );
  });

  it('a gradient-clipping identity: the value is x, the gradient differs from the true one by design', () => {
    const x = K.constant([0.5, -2, 3]);
    const loss = K.sum(K.multiply(clipGradient(x), 10));
    expectClose(clipGradient(x), [0.5, -2, 3]);
    expectClose(grad(loss, x), [1, 1, 1]); // the true gradient is 10
    expectClose(grad(K.sum(K.multiply(x, 10)), x), [10, 10, 10]);
  });

  it('a straight-through estimator: round forward, identity backward (true gradient 0)', () => {
    const x = K.constant([0.2, 1.7, -1.4]);
    const y = straightThrough(x);
    expectClose(y, [0, 2, -1]);
    expectClose(grad(K.sum(K.multiply(y, y)), x), [0, 4, -2]); // 2 round(x) * 1
    expect(K.gradients(K.sum(K.round(x)), [x])[0]).toBeNull(); // round is piecewise constant: no gradient flows
  });

  it('several arguments and several outputs', () => {
    const f = K.custom_gradient((a: K.Tensor, b: K.Tensor) => [
      [K.multiply(a, b), K.add(a, b)],
      ([dp, ds]: K.Tensor[]) => [K.add(K.multiply(dp!, b), ds!), K.add(K.multiply(dp!, a), ds!)],
    ]);
    const a = K.constant([1, 2]);
    const b = K.constant([3, -1]);
    const [p, s] = f(a, b);
    expectClose(p!, [3, -2]);
    expectClose(s!, [4, 1]);
    const [ga, gb] = K.gradients(K.sum(K.add(K.multiply(p!, 2), s!)), [a, b]);
    expectClose(ga!, [7, -1]);
    expectClose(gb!, [3, 5]);
  });

  it('variables the function reads get the gradients grad_fn gives them', () => {
    const w = K.variable([2, 3]);
    const f = K.custom_gradient((x: K.Tensor) => [
      K.multiply(x, w),
      (dy: K.Tensor, { variables }: K.GradFnOptions) => {
        expect(variables).toEqual([w]);
        return [K.multiply(dy, w), [K.multiply(dy, x)]];
      },
    ]);
    const x = K.constant([5, 7]);
    const [gx, gw] = K.gradients(K.sum(f(x)), [x, w]);
    expectClose(gx!, [2, 3]);
    expectClose(gw!, [5, 7]);
  });

  it('works on placeholders: K.function evaluates it and its gradient', () => {
    const x = K.placeholder([null, 2]);
    const y = stableSoftplus(x);
    const g = grad(K.sum(y), x);
    expect(K.int_shape(y)).toEqual([null, 2]);
    const run = K.function([x], [y, g]);
    const [yv, gv] = run([[[0, 100]]]);
    expectClose(K.constant(yv!), [[Math.log(2), 100]], 1e-6);
    expectClose(K.constant(gv!), [[0.5, 1]], 1e-6);
  });

  it('inside K.no_grad it only computes the value', () => {
    const x = K.constant([1, 2]);
    const y = K.no_grad(() => stableSoftplus(x));
    expect(y.node).toBeNull();
    expect(K.gradients(K.sum(y), [x])[0]).toBeNull();
  });

  it('bad input: not a function, a wrong return, wrong gradient counts and shapes, missing variable gradients', () => {
    expectError(
      () => K.custom_gradient(3 as unknown as () => [K.Tensor, K.GradFn<K.Tensor>]),
      K.TypeError,
      'custom_gradient',
      'function'
    );
    const noPair = K.custom_gradient(
      ((x: K.Tensor) => x) as unknown as (x: K.Tensor) => [K.Tensor, K.GradFn<K.Tensor>]
    );
    expectError(() => noPair(K.constant([1])), K.TypeError, 'custom_gradient', '[y, grad_fn]');
    const x = K.constant([1, 2]);
    const twoGrads = K.custom_gradient((t: K.Tensor) => [K.add(t, 0), (dy: K.Tensor) => [dy, dy]]);
    expectError(() => grad(K.sum(twoGrads(x)), x), K.ValueError, 'custom_gradient', 'one per tensor argument');
    const badShape = K.custom_gradient((t: K.Tensor) => [K.add(t, 0), () => K.constant([1, 2, 3])]);
    expectError(() => grad(K.sum(badShape(x)), x), K.ValueError, 'custom_gradient', '(3,)', '(2,)');
    const w = K.variable([1, 1]);
    const noVarGrads = K.custom_gradient((t: K.Tensor) => [K.multiply(t, w), (dy: K.Tensor) => K.multiply(dy, w)]);
    expectError(() => grad(K.sum(noVarGrads(x)), x), K.ValueError, 'custom_gradient', 'variable');
  });
});

/** Bytes of the distinct values a result keeps alive through its graph. */
function savedBytes(y: K.Tensor): number {
  const seen = new Set<unknown>();
  let bytes = 0;
  for (const t of topoOrder([y])) {
    if (t.storage === null || seen.has(t.storage)) continue;
    seen.add(t.storage);
    bytes += t.shape.reduce((p, d) => p * d, 1) * (t.dtype === 'float64' ? 8 : 4);
  }
  return bytes;
}

/** A cell with several intermediates: everything it computes is saved unless checkpointed. */
function makeCell(u: K.Tensor) {
  return (x: K.Tensor, s: K.Tensor[]): [K.Tensor, K.Tensor[]] => {
    const a = K.dot(s[0]!, u);
    const z = K.tanh(K.add(K.add(x, a), K.multiply(K.sigmoid(a), x)));
    const h = K.multiply(z, K.sigmoid(K.add(z, x)));
    return [h, [h]];
  };
}

describe('checkpoint', () => {
  const xs = [0.3, -0.2, 0.5, 0.1, -0.4, 0.2];
  const ws = [0.4, -0.6, 0.2, 0.9, -0.3, 0.5];
  const mlp = (x: K.Tensor, w: K.Tensor) => K.sum(K.tanh(K.dot(K.tanh(K.dot(x, w)), K.transpose(w))));

  it('same value, gradients and second-order gradients as the plain function (float64)', () => {
    const x = f64(xs, [2, 3]);
    const w = f64(ws, [3, 2]);
    const plain = mlp(x, w);
    const ck = K.checkpoint(mlp)(x, w);
    expectClose(ck, flat(plain)[0]!, 1e-12);
    const gp = K.gradients(plain, [x, w]);
    const gc = K.gradients(ck, [x, w]);
    gp.forEach((g, i) => expectClose(gc[i]!, g!.toArray(), 1e-12));
    const hp = K.gradients(K.sum(K.square(gp[1]!)), [x]);
    const hc = K.gradients(K.sum(K.square(gc[1]!)), [x]);
    expectClose(hc[0]!, hp[0]!.toArray(), 1e-12);
  });

  it('as a K.rnn step function: same gradients, and the tape keeps less', () => {
    const x = K.reshape(K.constant(Array.from({ length: 2 * 20 * 8 }, (_, i) => Math.sin(i) * 0.5)), [2, 20, 8]);
    const h0 = K.zeros([2, 8]);
    const u = K.reshape(K.constant(Array.from({ length: 64 }, (_, i) => Math.cos(i) * 0.3)), [8, 8]);
    const [, plainOut] = K.rnn(makeCell(u), x, [h0]);
    const [, ckOut] = K.rnn(K.checkpoint(makeCell(u)), x, [h0]);
    expectClose(ckOut, plainOut.toArray(), 1e-6);
    const gp = K.gradients(K.sum(K.square(plainOut)), [x, u]);
    const gc = K.gradients(K.sum(K.square(ckOut)), [x, u]);
    gp.forEach((g, i) => expectClose(gc[i]!, g!.toArray(), 1e-5));
    const [plainBytes, ckBytes] = [savedBytes(plainOut), savedBytes(ckOut)];
    // Per step the plain cell keeps 8 [2, 8] intermediates; the checkpointed one only h.
    expect(ckBytes).toBeLessThan(plainBytes * 0.6);
  });

  it('variables are read as they were in the forward pass, even after an update', () => {
    const w = K.variable([
      [0.5, -0.2],
      [0.1, 0.3],
    ]);
    const x = K.constant([[1, 2]]);
    const f = (t: K.Tensor) => K.sum(K.tanh(K.dot(t, w)));
    const plain = f(x);
    const ck = K.checkpoint(f)(x);
    K.set_value(w, [
      [9, 9],
      [9, 9],
    ]);
    const [gpx, gpw] = K.gradients(plain, [x, w]);
    const [gcx, gcw] = K.gradients(ck, [x, w]);
    expectClose(gcx!, gpx!.toArray());
    expectClose(gcw!, gpw!.toArray());
  });

  it('tensors the function closes over get their gradients', () => {
    const x = K.constant([0.2, 0.4]);
    const c = K.constant([1.5, -0.5]);
    const f = K.checkpoint((t: K.Tensor) => K.sum(K.sin(K.multiply(t, c))));
    const [gx, gc] = K.gradients(f(x), [x, c]);
    expectClose(gx!, [1.5 * Math.cos(0.3), -0.5 * Math.cos(-0.2)]);
    expectClose(gc!, [0.2 * Math.cos(0.3), 0.4 * Math.cos(-0.2)]);
  });

  it('on placeholders it records the function as it is', () => {
    const x = K.placeholder([null, 3]);
    const w = f64(ws, [3, 2]);
    const y = K.checkpoint((t: K.Tensor) => K.tanh(K.dot(t, K.cast(w, 'float32'))))(x);
    expect(K.int_shape(y)).toEqual([null, 2]);
    const [v] = K.function([x], [y])([[[1, 0, 0]]]);
    expectClose(K.constant(v!), [[Math.tanh(0.4), Math.tanh(-0.6)]]);
  });

  it('bad input: not a function, no tensor argument, no tensor result', () => {
    expectError(() => K.checkpoint(null as unknown as () => K.Tensor), K.TypeError, 'checkpoint', 'function');
    expectError(() => K.checkpoint(() => K.constant(1))(), K.ValueError, 'checkpoint', 'tensor argument');
    expectError(
      () => K.checkpoint((t: K.Tensor) => K.int_shape(t))(K.constant([1])),
      K.TypeError,
      'checkpoint',
      'structure of tensors'
    );
  });
});

describe('no_grad', () => {
  it('refuses an async body (it would resume recording at its first await), naming no_grad (issue 15)', () => {
    expect(() => K.no_grad(async () => K.ones([1]))).toThrow(K.TypeError);
    expect(() => K.no_grad(async () => K.ones([1]))).toThrow(/no_grad.*promise/);
    // Recording is back on afterwards.
    const x = K.variable([1, 2]);
    expect(K.gradients(K.sum(K.square(x)), [x])[0]).not.toBeNull();
  });

  it('runs without recording: same values, constants as results', () => {
    const x = K.constant([1, 2, 3]);
    const y = K.no_grad(() => K.sum(K.square(x)));
    expectClose(y, 14);
    expect(y.node).toBeNull();
    expect(K.gradients(y, [x])[0]).toBeNull();
    // Recording is back on afterwards, also after a throw.
    expect(() =>
      K.no_grad(() => {
        throw new Error('boom');
      })
    ).toThrow('boom');
    expectClose(grad(K.sum(K.square(x)), x), [2, 4, 6]);
  });

  it('bad input: fn must be a function', () => {
    expectError(() => K.no_grad(5 as unknown as () => void), K.TypeError, 'no_grad', 'function');
  });
});
