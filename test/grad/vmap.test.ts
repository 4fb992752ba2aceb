// K.vmap (src/grad/vmap.ts): its contract (in_axes, out_axes, errors) and how
// it composes with gradients, the other transforms, custom gradients,
// checkpoints, K.rnn, K.function and itself. Each result is checked against
// a loop of unbatched calls. The batching rules themselves are swept in
// test/prims/batching.test.ts.
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { expectClose, expectError, testDevice } from '../helpers.js';

const cpu = testDevice() === 'cpu';
const tol = cpu ? 1e-12 : 2e-5;
/** float64 on the cpu (exact comparisons), float32 on the gpu. */
const dt: K.DType = cpu ? 'float64' : 'float32';

let seed = 7;
function rand(shape: number[]): K.Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    v.push((seed / 2147483648) * 2 - 1);
  }
  return K.constant(v, dt, shape);
}

/** Row b of x along axis 0. */
const row = (x: K.Tensor, b: number) =>
  K.squeeze(K.slice(x, [b, ...x.shape.slice(1).map(() => 0)], [1, ...x.shape.slice(1)]), 0);

function expectSame(a: K.Tensor, b: K.Tensor): void {
  expect(a.shape).toEqual(b.shape);
  expectClose(a, b.toArray() as number[], tol);
}

describe('vmap', () => {
  it('maps over axis 0 by default; the doc examples', () => {
    const rowNorms = K.vmap((r: K.Tensor) => K.sqrt(K.sum(K.square(r))));
    expectClose(
      rowNorms(
        K.constant([
          [3, 4],
          [6, 8],
        ])
      ),
      [5, 10]
    );
    const addBias = K.vmap((x: K.Tensor, b: K.Tensor) => K.add(x, b), [0, null]);
    expectClose(
      addBias(
        K.constant([
          [1, 2],
          [3, 4],
        ]),
        K.constant([10, 20])
      ),
      [
        [11, 22],
        [13, 24],
      ]
    );
  });

  it('in_axes: an axis per argument, negative from the end, null, and nested lists', () => {
    const x = rand([3, 4, 5]);
    const f = (a: K.Tensor) => K.sum(K.exp(a), 1);
    // Batch along axis 1 (or -2): example b is x[:, b, :].
    const byAxis1 = K.vmap(f, 1)(x);
    const loop = K.stack(
      [0, 1, 2, 3].map((b) => f(K.squeeze(K.slice(x, [0, b, 0], [3, 1, 5]), 1))),
      0
    );
    expectSame(byAxis1, loop);
    expectSame(K.vmap(f, -2)(x), loop);
    // A list argument with its own axes: [w (shared), bs (batched along 1)].
    const w = rand([5]);
    const bs = rand([5, 4]);
    const g = (pair: K.Tensor[], y: K.Tensor) => K.add(K.multiply(pair[0]!, y), pair[1]!);
    const out = K.vmap(g, [[null, 1], 1])([w, bs], K.permute_dimensions(rand([4, 5]), [1, 0]));
    expect(out.shape).toEqual([4, 5]);
  });

  it('a nested list argument with one axis for all of it', () => {
    const a = rand([3, 2]);
    const b = rand([3, 4]);
    const f = (pair: K.Tensor[]) => K.concatenate([pair[0]!, pair[1]!], 0);
    const out = K.vmap(f)([a, b]);
    expectSame(out, K.concatenate([a, b], 1));
  });

  it('out_axes: where the batch axis goes, per output; null for an output shared by every example', () => {
    const x = rand([3, 2]);
    const f = (r: K.Tensor) => [K.expand_dims(r, 1), K.constant([1, 2], dt)];
    const [y, shared] = K.vmap(f, 0, [-1, null])(x) as K.Tensor[];
    expect(y!.shape).toEqual([2, 1, 3]);
    expectSame(y!, K.permute_dimensions(K.expand_dims(x, 2), [1, 2, 0]));
    expectClose(shared!, [1, 2]);
    // An output that does not depend on the examples is repeated for each.
    const z = K.vmap((_r: K.Tensor) => K.constant(2, dt))(x);
    expectClose(z, [2, 2, 2]);
    const ones = K.vmap((_r: K.Tensor) => K.constant([1, 1], dt), 0, 1)(x);
    expect(ones.shape).toEqual([2, 3]);
  });

  it('refuses bad input, naming vmap, the argument and the sizes', () => {
    const x = rand([3, 2]);
    const y = rand([4, 2]);
    const add = (a: K.Tensor, b: K.Tensor) => K.add(a, b);
    expectError(() => K.vmap(add)(x, y), K.ValueError, 'vmap', 'args[0]: 3', 'args[1]: 4');
    expectError(() => K.vmap(add, 2)(x, x), K.ValueError, 'vmap', 'in_axes 2', 'args[0]', '(3, 2)');
    expectError(() => K.vmap(add, null)(x, x), K.ValueError, 'vmap', 'no argument is mapped');
    expectError(() => K.vmap(add, [0])(x, x), K.ValueError, 'vmap', 'in_axes has 1 entries', '2 arguments');
    expectError(() => K.vmap(add, [[0, 1], 0])(x, x), K.ValueError, 'vmap', 'in_axes gives 2 entries for args[0]');
    expectError(() => K.vmap(7 as never), K.TypeError, 'vmap', 'f must be a function');
    expectError(() => K.vmap(add, 'a' as never), K.TypeError, 'vmap', 'in_axes');
    expectError(() => K.vmap((a: K.Tensor) => a, 0, null)(x), K.ValueError, 'vmap', 'out_axes is null', 'differs');
    expectError(() => K.vmap((a: K.Tensor) => a, 0, 2)(x), K.ValueError, 'vmap', 'out_axes 2');
    expectError(() => K.vmap(() => 3 as never)(x), K.TypeError, 'vmap', 'must return tensors');
    // A shape known only when a graph runs.
    expectError(() => K.vmap((a: K.Tensor) => a)(K.placeholder([null, 2])), K.ValueError, 'vmap', 'known shapes');
    // Reading one example's value inside.
    expectError(() => K.vmap((a: K.Tensor) => K.constant(K.eval(a).data[0]!))(x), K.ValueError, 'eval', 'K.vmap');
    // A shape rule's error names the function and one example's shapes.
    expectError(
      () => K.vmap((a: K.Tensor) => K.dot(K.expand_dims(a, 0), K.ones([3, 3], dt)))(x),
      K.ValueError,
      'dot',
      '(1, 2)',
      '(3, 3)'
    );
  });

  it('a tensor made inside used after the call returned is refused', () => {
    let leaked: K.Tensor | null = null;
    K.vmap((a: K.Tensor) => {
      leaked = K.exp(a);
      return a;
    })(rand([3, 2]));
    expectError(() => K.add(leaked!, 1), K.ValueError, 'add', 'K.vmap', 'after that call returned');
  });

  it('per-example gradients: K.gradients inside (an MLP), equal to a loop', () => {
    const W1 = K.variable(rand([4, 8]), dt);
    const W2 = K.variable(rand([8, 3]), dt);
    const X = rand([5, 4]);
    const Y = rand([5, 3]);
    const loss = (x: K.Tensor, y: K.Tensor) =>
      K.mean(K.square(K.subtract(K.dot(K.tanh(K.dot(K.expand_dims(x, 0), W1)), W2), K.expand_dims(y, 0))));
    const perExample = K.vmap((x: K.Tensor, y: K.Tensor) => K.gradients(loss(x, y), [W1, W2]))(X, Y) as K.Tensor[];
    expect(perExample[0]!.shape).toEqual([5, 4, 8]);
    for (let b = 0; b < 5; b++) {
      const [g1, g2] = K.gradients(loss(row(X, b), row(Y, b)), [W1, W2]);
      expectSame(row(perExample[0]!, b), g1!);
      expectSame(row(perExample[1]!, b), g2!);
    }
  });

  it('K.per_example_gradients: the same, as one call', () => {
    const W = K.variable(rand([4, 3]), dt);
    const X = rand([6, 4]);
    const lossFn = (params: K.Tensor[], x: K.Tensor) => K.sum(K.square(K.dot(K.expand_dims(x, 0), params[0]!)));
    const [gw] = K.per_example_gradients(lossFn, [W], X);
    for (let b = 0; b < 6; b++) expectSame(row(gw!, b), K.gradients(lossFn([W], row(X, b)), [W])[0]!);
    expectError(() => K.per_example_gradients(lossFn, [W], rand([6, 5])), K.ValueError, 'dot');
  });

  it('gradients of a vmapped function: the sum of the examples gradients', () => {
    const x = K.variable(rand([3, 4]), dt);
    const w = rand([4]);
    const y = K.sum(K.vmap((r: K.Tensor) => K.sum(K.multiply(K.sin(r), w)))(x));
    const [g] = K.gradients(y, [x]);
    expectSame(g!, K.multiply(K.cos(x), w));
    // Second order through it.
    const [h] = K.gradients(K.sum(K.gradients(y, [x])[0]!), [x]);
    expectSame(h!, K.multiply(K.negative(K.sin(x)), w));
  });

  it('K.vjp and K.jvp inside', () => {
    const X = rand([3, 4]);
    const T = rand([3, 4]);
    const f = (r: K.Tensor) => K.tanh(K.multiply(r, r));
    const jvps = K.vmap((x: K.Tensor, t: K.Tensor) => K.jvp(f, [x], [t])[1])(X, T);
    const vjps = K.vmap((x: K.Tensor, t: K.Tensor) => K.vjp(f, [x])[1](t)[0]!)(X, T);
    for (let b = 0; b < 3; b++) {
      expectSame(row(jvps, b), K.jvp(f, [row(X, b)], [row(T, b)])[1]);
      expectSame(row(vjps, b), K.vjp(f, [row(X, b)])[1](row(T, b))[0]!);
    }
  });

  it('K.custom_gradient inside: the user gradient per example, and outside through the batch', () => {
    // A clipped gradient: the forward is x^2, the gradient 2x clipped to [-1, 1].
    const clipped = K.custom_gradient((x: K.Tensor) => [
      K.square(x),
      (dy: K.Tensor) => K.multiply(dy, K.clip(K.multiply(x, 2), -1, 1)),
    ]);
    const X = K.variable(
      K.constant(
        [
          [0.2, -0.9],
          [0.4, 3],
        ],
        dt
      ),
      dt
    );
    const perExample = K.vmap((x: K.Tensor) => K.gradients(K.sum(clipped(x)), [x])[0]!)(X);
    expectClose(
      perExample,
      [
        [0.4, -1],
        [0.8, 1],
      ],
      tol
    );
    const [outside] = K.gradients(K.sum(K.vmap((x: K.Tensor) => clipped(x))(X)), [X]);
    expectClose(
      outside!,
      [
        [0.4, -1],
        [0.8, 1],
      ],
      tol
    );
  });

  it('K.checkpoint inside, and its gradient outside', () => {
    const f = K.checkpoint((x: K.Tensor) => K.sin(K.exp(x)));
    const X = K.variable(rand([3, 2]), dt);
    const y = K.vmap((x: K.Tensor) => f(x))(X);
    expectSame(y, K.sin(K.exp(X)));
    const [g] = K.gradients(K.sum(y), [X]);
    expectSame(g!, K.multiply(K.cos(K.exp(X)), K.exp(X)));
  });

  it('K.rnn inside: each example its own sequence', () => {
    const W = rand([2, 2]);
    const step = (x: K.Tensor, states: K.Tensor[]): [K.Tensor, K.Tensor[]] => {
      const h = K.tanh(K.add(x, K.dot(states[0]!, W)));
      return [h, [h]];
    };
    const run = (xs: K.Tensor) => K.rnn(step, K.expand_dims(xs, 0), [K.zeros([1, 2], dt)])[0];
    const XS = rand([4, 5, 2]);
    const mapped = K.vmap(run)(XS);
    for (let b = 0; b < 4; b++) expectSame(row(mapped, b), run(row(XS, b)));
  });

  it('K.function of a vmapped function on placeholders', () => {
    const x = K.placeholder([3, 4], null, dt);
    const y = K.vmap((r: K.Tensor) => K.softmax(K.expand_dims(r, 0)))(x);
    const f = K.function([x], [y]);
    const v = rand([3, 4]);
    const [out] = f([K.eval(v)]);
    const want = K.vmap((r: K.Tensor) => K.softmax(K.expand_dims(r, 0)))(v);
    expectClose(K.constant(out! as never, dt), want.toArray() as number[], tol);
  });

  it('nested: vmap of vmap equals a double loop, batch axes anywhere', () => {
    const X = rand([3, 4, 2]);
    const w = rand([2, 2]);
    const f = (v: K.Tensor) => K.squeeze(K.dot(K.expand_dims(v, 0), w), 0);
    // Each example of T is X[b] transposed, (2, 4): mapped over its axis 1.
    const inner = K.vmap(f, 1, 0);
    const both = K.vmap(K.vmap(f), 0)(X);
    expect(both.shape).toEqual([3, 4, 2]);
    for (let b = 0; b < 3; b++) for (let j = 0; j < 4; j++) expectSame(row(row(both, b), j), f(row(row(X, b), j)));
    // The inner map over axis 1 of a transposed example.
    const T = K.permute_dimensions(X, [0, 2, 1]);
    const viaAxis = K.vmap(inner)(T);
    expectSame(viaAxis, both);
  });

  it('nested with gradients: per-example Jacobian-vector rows', () => {
    const X = rand([2, 3]);
    const f = (v: K.Tensor) => K.sum(K.multiply(K.sin(v), v));
    const perElement = K.vmap(K.vmap((s: K.Tensor) => K.gradients(f(s), [s])[0]!))(X);
    expectSame(perElement, K.add(K.multiply(K.cos(X), X), K.sin(X)));
  });

  it('random draws: unseeded ones differ from one example to another, seeded ones repeat', () => {
    const X = K.zeros([4, 50], dt);
    const noisy = K.vmap((x: K.Tensor) => K.add(x, K.random_normal([50], 0, 1, dt)))(X);
    const rows = [0, 1, 2, 3].map((b) => row(noisy, b).toArray() as number[]);
    expect(rows[0]).not.toEqual(rows[1]);
    const seeded = K.vmap((x: K.Tensor) => K.add(x, K.random_normal([50], 0, 1, dt, 3)))(X);
    const once = K.random_normal([50], 0, 1, dt, 3).toArray();
    for (let b = 0; b < 4; b++) expect(row(seeded, b).toArray()).toEqual(once);
    const dropped = K.vmap((x: K.Tensor) => K.dropout(K.add(x, 1), 0.5))(X);
    expect(row(dropped, 0).toArray()).not.toEqual(row(dropped, 1).toArray());
  });
});
