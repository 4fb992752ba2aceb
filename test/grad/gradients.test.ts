// K.gradients and K.stop_gradient semantics (CONVENTIONS.md, "Gradients").
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { expectClose, expectError } from '../helpers.js';

const f64 = (v: number | number[] | number[][]) => K.constant(v, 'float64');
const grad = (loss: K.Tensor | K.Tensor[], x: K.Tensor): K.Tensor => {
  const [g] = K.gradients(loss, [x]);
  expect(g, 'gradient').not.toBeNull();
  return g!;
};

describe('gradients', () => {
  it('slices of one tensor along one axis send their cotangents back as one concat, not one full-size pad each', () => {
    const T = 10;
    const x = K.variable(
      Array.from({ length: 2 * T }, (_, i) => 0.1 * i - 0.7),
      'float64',
      'x'
    );
    const xm = K.reshape(x, [2, T]);
    // Columns in a loop, as research code writes them, one left out (its gradient is 0); weights differ by column.
    const terms: K.Tensor[] = [];
    for (let t = 0; t < T - 1; t++) terms.push(K.multiply(K.sum(K.tanh(K.slice(xm, [0, t], [2, 1]))), t + 1));
    const loss = K.sum(K.stack(terms));
    const tape = K.trace(() => K.gradients(loss, [x])[0]!);
    const ops = tape.nodes.map((n) => n.op);
    expect(ops.filter((o) => o === 'pad')).toHaveLength(0);
    const xs = Array.from(K.eval(x).data as Float64Array);
    const want = xs.map((v, i) => {
      const t = i % T;
      return t === T - 1 ? 0 : (t + 1) * (1 - Math.tanh(v) ** 2);
    });
    expectClose(tape.result, want, 1e-12);
    // Overlapping windows take the plain way (pads), with the same sums.
    const over = K.gradients(K.add(K.sum(K.slice(xm, [0, 0], [2, 3])), K.sum(K.slice(xm, [0, 2], [2, 3]))), [x])[0]!;
    expectClose(
      over,
      xs.map((_, i) => [1, 1, 2, 1, 1][i % T] ?? 0),
      0
    );
  });

  it("gathers from one tensor (K.rnn's steps) send their cotangents back as one scatter_add, not one full-size sum per step", () => {
    const T = 12;
    const x = K.variable(
      Array.from({ length: T * 3 }, (_, i) => Math.sin(i)),
      'float64',
      'x'
    );
    const w = K.variable(
      K.reshape(K.constant([0.2, -0.1, 0.3, 0.05, 0.4, -0.2, 0.1, 0.1, -0.3], 'float64'), [3, 3]),
      'float64'
    );
    const step = (xt: K.Tensor, st: K.Tensor[]) => {
      const h = K.tanh(K.add(xt, K.dot(st[0]!, w)));
      return [h, [h]] as [K.Tensor, K.Tensor[]];
    };
    const loss = K.sum(K.rnn(step, K.reshape(x, [1, T, 3]), [K.zeros([1, 3], 'float64')])[0]);
    const tape = K.trace(() => K.gradients(loss, [x])[0]!);
    const ops = tape.nodes.map((n) => n.op);
    // Backprop is linear in T: the T step gathers from the time-major input send one scatter_add
    // (the other is the last output's, read from the stacked outputs), and no full-size adds pile up.
    expect(ops.filter((o) => o === 'scatter_add')).toHaveLength(2);
    expect(ops.filter((o) => o === 'add').length).toBeLessThan(T);
    // The same values as the per-step reference: each step's input gradient through its slice.
    const g = K.eval(tape.result).data as Float64Array;
    const xs = Array.from(K.eval(x).data as Float64Array);
    const W = Array.from(K.eval(w).data as Float64Array);
    const hs: number[][] = [[0, 0, 0]];
    for (let t = 0; t < T; t++) {
      const prev = hs[t]!;
      hs.push([0, 1, 2].map((j) => Math.tanh(xs[t * 3 + j]! + prev.reduce((a, p, i) => a + p * W[i * 3 + j]!, 0))));
    }
    let dh = [1, 1, 1];
    const want = new Array<number>(T * 3).fill(0);
    for (let t = T - 1; t >= 0; t--) {
      const da = dh.map((d, j) => d * (1 - hs[t + 1]![j]! ** 2));
      for (let j = 0; j < 3; j++) want[t * 3 + j] = da[j]!;
      dh = [0, 1, 2].map((i) => da.reduce((a, d, j) => a + d * W[i * 3 + j]!, 0));
    }
    want.forEach((v, i) => expect(g[i]).toBeCloseTo(v, 12));
  });

  it('sums a non-scalar loss first (grad_ys = ones)', () => {
    const x = f64([1, -2, 3]);
    const g = grad(K.multiply(x, x), x);
    expectClose(g, [2, -4, 6]);
    expectClose(grad(K.sum(K.multiply(x, x)), x), g.toArray());
    // A [2, 3] loss from a [3] input: each x[j] is used twice.
    const m = f64([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const gx = grad(K.multiply(m, x), x);
    expect(gx.shape).toEqual([3]);
    expectClose(gx, [5, 7, 9]);
  });

  it('differentiates with respect to variables, constants and intermediates', () => {
    const v = K.variable([0.5, 2], 'float64');
    const c = f64([3, -1]);
    const h = K.multiply(v, 2); // intermediate
    const loss = K.sum(K.multiply(K.multiply(h, h), c)); // sum(c * 4 v^2)
    const [gv, gc, gh] = K.gradients(loss, [v, c, h]);
    expectClose(gv!, [8 * 3 * 0.5, 8 * -1 * 2]);
    expectClose(gc!, [4 * 0.25, 4 * 4]);
    expectClose(gh!, [2 * 1 * 3, 2 * 4 * -1]);
    expect([gv!.dtype, gc!.dtype, gh!.dtype]).toEqual(['float64', 'float64', 'float64']);
    expect(grad(loss, loss).toArray()).toBe(1);
  });

  it("keeps each gradient's shape and dtype (float32 by default)", () => {
    const x = K.variable([[1, 2, 3]]);
    const b = K.variable(2);
    const g = K.gradients(K.multiply(K.add(x, b), x), [x, b]);
    expect(g[0]!.shape).toEqual([1, 3]);
    expect(g[0]!.dtype).toBe('float32');
    expect(g[1]!.shape).toEqual([]);
    expectClose(g[0]!, [[2 * 1 + 2, 2 * 2 + 2, 2 * 3 + 2]]);
    expectClose(g[1]!, 6);
  });

  it('accepts a single tensor for variables, and returns one gradient per entry, repeats included', () => {
    const x = f64(3);
    const gs = K.gradients(K.multiply(x, x), x);
    expect(gs).toHaveLength(1);
    expectClose(gs[0]!, 6);
    const twice = K.gradients(K.multiply(x, x), [x, x]);
    expect(twice).toHaveLength(2);
    expectClose(twice[1]!, 6);
  });

  it('gives null for an input the loss does not depend on', () => {
    const x = f64([1, 2]);
    const z = f64([5, 6]);
    const [gx, gz] = K.gradients(K.multiply(x, 3), [x, z]);
    expectClose(gx!, [3, 3]);
    expect(gz).toBeNull();
    // Computed from x, but not on the way to the loss.
    const side = K.exp(x);
    expect(K.gradients(K.sum(x), [side])[0]).toBeNull();
  });

  it('gives null for an input only reachable through stop_gradient', () => {
    const x = f64([1, 2]);
    expect(K.gradients(K.multiply(K.stop_gradient(x), 3), [x])[0]).toBeNull();
    // Partly stopped: only the open path counts.
    expectClose(grad(K.multiply(x, K.stop_gradient(x)), x), [1, 2]);
  });

  it('stop_gradient takes a list and returns a list, each blocked', () => {
    const x = f64([1, 2]);
    const y = f64([3, 4]);
    const stopped = K.stop_gradient([x, y]);
    expect(Array.isArray(stopped)).toBe(true);
    expect(stopped).toHaveLength(2);
    expectClose(stopped[1]!, [3, 4]);
    expect(stopped[0]!.dtype).toBe('float64');
    const [a, b] = stopped as [K.Tensor, K.Tensor];
    expect(K.gradients(K.multiply(a, b), [x, y])).toEqual([null, null]);
    const [gx, gy] = K.gradients(K.multiply(a, y), [x, y]);
    expect(gx).toBeNull();
    expectClose(gy!, [1, 2]);
  });

  it('sums a list of losses', () => {
    const x = f64([1, 2]);
    const g = grad([K.multiply(x, x), K.multiply(x, 5), K.sum(x)], x);
    expectClose(g, [2 + 5 + 1, 4 + 5 + 1]);
    // A loss in the list that does not depend on x adds nothing.
    expectClose(grad([K.multiply(x, 2), f64(7)], x), [2, 2]);
  });

  it('accumulates over repeated uses of the same tensor', () => {
    const x = f64([1, -3]);
    const y = K.add(K.add(K.multiply(x, x), x), K.multiply(x, K.exp(x)));
    const e = [Math.exp(1), Math.exp(-3)];
    expectClose(grad(y, x), [2 + 1 + e[0]! * 2, -6 + 1 + e[1]! * -2]);
    let s = x;
    for (let i = 0; i < 5; i++) s = K.add(s, x);
    expectClose(grad(s, x), [6, 6]);
  });

  it('differentiates its own gradients: d2/dx2 x^3 = 6x, d3/dx3 = 6', () => {
    const x = f64([0.5, -2]);
    const y = K.multiply(K.multiply(x, x), x);
    const g1 = grad(y, x);
    expectClose(g1, [3 * 0.25, 3 * 4]);
    const g2 = grad(g1, x);
    expectClose(g2, [3, -12]);
    const g3 = grad(g2, x);
    expectClose(g3, [6, 6]);
    // The constant 6 no longer depends on x.
    expect(K.gradients(g3, [x])[0]).toBeNull();
  });

  it('gives equal mixed partials: d/dy df/dx = d/dx df/dy = 6 x y^2 for f = x^2 y^3', () => {
    const x = f64(1.5);
    const y = f64(-0.5);
    const f = K.multiply(K.multiply(x, x), K.multiply(K.multiply(y, y), y));
    const [fx, fy] = K.gradients(f, [x, y]);
    expectClose(fx!, 2 * 1.5 * -0.125);
    expectClose(fy!, 3 * 2.25 * 0.25);
    const fxy = grad(fx!, y);
    const fyx = grad(fy!, x);
    expectClose(fxy, 6 * 1.5 * 0.25);
    expectClose(fyx, fxy.toArray());
    expectClose(grad(fx!, x), 2 * -0.125);
    expectClose(grad(fy!, y), 6 * 2.25 * -0.5);
  });

  it('gives second derivatives of exp, tanh and sigmoid (tfjs issue 3252)', () => {
    const x = f64([0.3, -1.2]);
    const e = [Math.exp(0.3), Math.exp(-1.2)];
    expectClose(grad(grad(K.exp(x), x), x), e);
    const t = [Math.tanh(0.3), Math.tanh(-1.2)];
    expectClose(
      grad(grad(K.tanh(x), x), x),
      t.map((v) => -2 * v * (1 - v * v))
    );
    const s = [0.3, -1.2].map((v) => 1 / (1 + Math.exp(-v)));
    expectClose(
      grad(grad(K.sigmoid(x), x), x),
      s.map((v) => v * (1 - v) * (1 - 2 * v))
    );
  });

  it('gives null for integer tensors, and passes nothing through integer paths', () => {
    const i = K.constant([1, 2], 'int32');
    const xf = K.cast(i, 'float64');
    const [gi, gxf] = K.gradients(K.multiply(xf, xf), [i, xf]);
    expect(gi).toBeNull();
    expectClose(gxf!, [2, 4]);
    // An integer loss: nothing to differentiate.
    expect(K.gradients(K.multiply(i, i), [i])[0]).toBeNull();
    // A float that goes through an integer cast loses its gradient there.
    const x = f64([1.5, 2.5]);
    expect(K.gradients(K.cast(K.cast(x, 'int32'), 'float64'), [x])[0]).toBeNull();
  });

  it('differentiates a chain of 10,000 ops without overflowing the stack', () => {
    const x = f64([1, 2]);
    let y = x;
    for (let i = 0; i < 10_000; i++) y = K.multiply(y, 1.0001);
    expectClose(grad(y, x), [Math.pow(1.0001, 10_000), Math.pow(1.0001, 10_000)], 1e-9);
  });

  it('uses the value a variable had when the loss was computed', () => {
    const v = K.variable([2], 'float64');
    const before = K.multiply(v, v);
    K.set_value(v, [10]);
    expectClose(grad(before, v), [4]);
    expectClose(grad(K.multiply(v, v), v), [20]);
  });

  it('rejects a loss or variable that is not a tensor, naming gradients', () => {
    const x = f64([1, 2]);
    const y = K.multiply(x, x);
    expectError(() => K.gradients(3 as unknown as K.Tensor, [x]), K.TypeError, 'gradients', 'loss');
    expectError(() => K.gradients([y, 'y'] as unknown as K.Tensor[], [x]), K.TypeError, 'gradients', 'loss[1]');
    expectError(() => K.gradients(y, [x, [1, 2]] as unknown as K.Tensor[]), K.TypeError, 'gradients', 'variables[1]');
    expectError(() => K.gradients(y, null as unknown as K.Tensor), K.TypeError, 'gradients', 'variables');
  });

  it('on symbolic tensors (K.placeholder), returns symbolic gradients usable in K.function', () => {
    const x = K.placeholder([null, 2], null, 'float64');
    const v = K.variable([0.5, -2], 'float64');
    const unused = K.placeholder([2], null, 'float64');
    const loss = K.sum(K.multiply(K.exp(K.multiply(x, v)), x));
    const [gx, gv, gu] = K.gradients(loss, [x, v, unused]);
    expect(gu).toBeNull();
    expect([K.is_keras_tensor(gx!), K.int_shape(gx!), K.is_keras_tensor(gv!), K.int_shape(gv!)]).toEqual([
      true,
      [null, 2],
      true,
      [2],
    ]);
    const xs = [
      [1, 0.5],
      [-1, 2],
    ];
    const [fx, fv] = K.function([x], [gx!, gv!])([xs]);
    const c = f64(xs);
    const [ex, ev] = K.gradients(K.sum(K.multiply(K.exp(K.multiply(c, v)), c)), [c, v]);
    expectClose(K.constant(fx!, 'float64'), ex!.toArray(), 1e-12);
    expectClose(K.constant(fv!, 'float64'), ev!.toArray(), 1e-12);
  });
});

describe('stop_gradient', () => {
  it('returns the same values and dtype', () => {
    const x = f64([
      [1, 2],
      [3, 4],
    ]);
    const s = K.stop_gradient(x);
    expect(s.shape).toEqual([2, 2]);
    expect(s.dtype).toBe('float64');
    expectClose(s, [
      [1, 2],
      [3, 4],
    ]);
  });

  it('converts tensor-likes', () => {
    expectClose(K.stop_gradient(K.constant(2.5)), 2.5);
    expectClose(K.stop_gradient([K.constant([1, 2])])[0]!, [1, 2]);
  });

  it('rejects what is not tensor-like, naming stop_gradient', () => {
    expectError(() => K.stop_gradient('x' as unknown as K.Tensor), K.TypeError, 'stop_gradient', 'variables');
    expectError(
      () => K.stop_gradient([K.constant(1), {}] as unknown as K.Tensor[]),
      K.TypeError,
      'stop_gradient',
      'variables[1]'
    );
  });
});
