// K.rnn, K.map_fn, K.foldl, K.foldr. The seed gives no doctest examples for
// them; reference values come from test/fixtures/gen_control.py (numpy
// re-implementing both branches of the seed's rnn source, and the loops of
// tf.map_fn / tf.foldl / tf.foldr). Gradients are checked by finite
// differences in gradcheck/cases/control.ts; here: that they reach every
// input, that masked steps get none, and that the unrolled and the
// while-loop paths agree.
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import type { DType, Nest, Tensor } from '../../src/index.js';
import { expectClose, expectError, loadFixture, nest, tolFor } from '../helpers.js';

interface Values {
  shape: number[];
  data: number[];
}
interface RnnCase {
  cell: 'simple' | 'const' | 'nested';
  go_backwards: boolean;
  mode: 'none' | 'mask' | 'mask_zero' | 'input_length';
  unroll: boolean;
  last: number[][];
  outputs: number[][];
  states: number[][];
}
interface Fixture {
  params: Record<string, Values>;
  rnn: RnnCase[];
  elems: Record<string, Values>;
  funcs: Record<string, Values>;
}

const fx = loadFixture<Fixture>('control');
const B = 2;
const T = 4;
const U = 2;

const param = (name: string, dtype: DType): Tensor => {
  const v = fx.params[name]!;
  return K.constant(nest(v.data, v.shape), dtype);
};
const elem = (name: string, dtype: DType = 'float64'): Tensor => {
  const v = fx.elems[name]!;
  return K.constant(nest(v.data, v.shape), dtype);
};
const tol = (dtype: DType) => (dtype === 'float64' ? 1e-9 : tolFor('float32', 2e-6));

/** The cells of gen_control.py written with K ops, on parameters of `dtype`. */
function cells(dtype: DType) {
  const W = param('W', dtype);
  const W2 = param('W2', dtype);
  const Uw = param('U', dtype);
  const b = param('b', dtype);
  const simple = (x: Tensor, s: Tensor[]): [Tensor, Tensor[]] => {
    const h = K.tanh(K.add(K.add(K.dot(x, W), K.dot(s[0]!, Uw)), b));
    return [h, [h]];
  };
  const constCell = (x: Tensor, s: Tensor[]): [Tensor, Tensor[]] => {
    const [h, c, k] = s as [Tensor, Tensor, Tensor];
    const h2 = K.tanh(K.add(K.add(K.dot(x, W), K.dot(h, Uw)), k));
    return [h2, [h2, K.add(K.multiply(c, 0.5), h2)]];
  };
  const nested = (xs: Nest, s: Nest[]): [Nest, Nest[]] => {
    const [x1, x2] = xs as Tensor[];
    const [h, [c, d]] = s as [Tensor, Tensor[]];
    const h2 = K.tanh(K.add(K.add(K.add(K.dot(x1!, W), K.dot(x2!, W2)), K.dot(h, Uw)), K.multiply(c!, 0.5)));
    const c2 = K.add(K.multiply(c!, 0.9), h2);
    return [
      [h2, c2],
      [h2, [c2, K.multiply(d!, h2)]],
    ];
  };
  return { simple, constCell, nested };
}

/** Run one fixture case; time_major feeds and reads time-major tensors, mask3 gives the mask as (samples, time, 1). */
function runCase(c: RnnCase, dtype: DType, timeMajor: boolean, mask3: boolean): [Tensor[], Tensor[], Tensor[]] {
  const cl = cells(dtype);
  const tmaj = (x: Tensor) => (timeMajor ? K.permute_dimensions(x, [1, 0, 2]) : x);
  let mask: Tensor | null = null;
  if (c.mode === 'mask' || c.mode === 'mask_zero') {
    const m = param('mask', dtype);
    mask = timeMajor ? K.transpose(m) : m;
    if (mask3) mask = K.expand_dims(mask, -1);
  }
  const opts = {
    go_backwards: c.go_backwards,
    mask,
    unroll: c.unroll,
    time_major: timeMajor,
    zero_output_for_mask: c.mode === 'mask_zero',
    input_length: c.mode === 'input_length' ? param('input_length', 'int32') : null,
  };
  const x = tmaj(param('x', dtype));
  let last: Nest;
  let outputs: Nest;
  let states: Nest[];
  if (c.cell === 'simple') {
    [last, outputs, states] = K.rnn(cl.simple, x, [param('h0', dtype)], opts);
  } else if (c.cell === 'const') {
    [last, outputs, states] = K.rnn(cl.constCell, x, [param('h0', dtype), param('c0', dtype)], {
      ...opts,
      constants: [param('k', dtype)],
    });
  } else {
    [last, outputs, states] = K.rnn(
      cl.nested,
      [x, tmaj(param('x2', dtype))],
      [param('h0', dtype), [param('c0', dtype), param('d0', dtype)]],
      opts
    );
  }
  const flat = (n: Nest): Tensor[] => (n instanceof K.Tensor ? [n] : n.flatMap(flat));
  const outs = flat(outputs).map((o) => (timeMajor ? K.permute_dimensions(o, [1, 0, 2]) : o));
  return [flat(last), outs, states.flatMap(flat)];
}

function checkCase(c: RnnCase, dtype: DType, timeMajor: boolean, mask3: boolean): void {
  const [last, outputs, states] = runCase(c, dtype, timeMajor, mask3);
  const what = `${c.cell} go_backwards=${c.go_backwards} ${c.mode} unroll=${c.unroll} time_major=${timeMajor} ${dtype}`;
  expect(last.length, what).toBe(c.last.length);
  expect(outputs.length, what).toBe(c.outputs.length);
  expect(states.length, what).toBe(c.states.length);
  last.forEach((t, i) => {
    expect(t.shape, what).toEqual([B, U]);
    expect(t.dtype, what).toBe(dtype);
    expectClose(t, nest(c.last[i]!, [B, U]), tol(dtype));
  });
  outputs.forEach((t, i) => {
    expect(t.shape, what).toEqual([B, T, U]);
    expectClose(t, nest(c.outputs[i]!, [B, T, U]), tol(dtype));
  });
  states.forEach((t, i) => expectClose(t, nest(c.states[i]!, [B, U]), tol(dtype)));
}

const caseKey = (c: RnnCase) => `${c.cell}/${c.go_backwards}/${c.mode}`;

describe('rnn', () => {
  it(`matches the numpy re-implementation of both branches of the source (${fx.rnn.length} cases), float64, batch-major`, () => {
    expect(fx.rnn.length).toBe(48);
    fx.rnn.forEach((c, i) => checkCase(c, 'float64', false, i % 2 === 0));
  });

  it('matches the reference with time_major inputs, outputs and mask', () => {
    fx.rnn.forEach((c, i) => checkCase(c, 'float64', true, i % 3 === 0));
  });

  it('matches the reference in float32 (the default floatx) on this device', () => {
    fx.rnn.filter((c) => c.cell !== 'const' || c.go_backwards).forEach((c) => checkCase(c, 'float32', false, false));
  });

  it('the unrolled and the loop paths agree in every combination', () => {
    const byKey = new Map<string, RnnCase[]>();
    for (const c of fx.rnn) byKey.set(caseKey(c), [...(byKey.get(caseKey(c)) ?? []), c]);
    for (const [key, pair] of byKey) {
      const [a, b] = pair as [RnnCase, RnnCase];
      const [la, oa, sa] = runCase(a, 'float64', false, false);
      const [lb, ob, sb] = runCase(b, 'float64', false, false);
      const same = [...la, ...oa, ...sa].every((t, i) => {
        const u = [...lb, ...ob, ...sb][i]!;
        return JSON.stringify(t.toArray()) === JSON.stringify(u.toArray());
      });
      expect(same, key).toBe(true);
    }
  });

  it('gradients flow through time to inputs, initial states, constants and variables the step reads; unroll gives identical ones', () => {
    const W = K.variable(nest(fx.params.W!.data, [3, 2]), 'float64');
    const Uw = param('U', 'float64');
    const x = param('x', 'float64');
    const h0 = param('h0', 'float64');
    const k = param('k', 'float64');
    const step = (xt: Tensor, s: Tensor[]): [Tensor, Tensor[]] => {
      const h = K.tanh(K.add(K.add(K.dot(xt, W), K.dot(s[0]!, Uw)), s[1]!));
      return [h, [h]];
    };
    const grads = (unroll: boolean, mask: Tensor | null) => {
      const [last, outputs] = K.rnn(step, x, [h0], { constants: [k], unroll, mask });
      const loss = K.add(K.sum(K.square(outputs)), K.sum(last));
      return K.gradients(loss, [x, h0, k, W]).map((g) => g!.toArray());
    };
    for (const mask of [null, param('mask', 'float64')]) {
      const g = grads(false, mask);
      g.forEach((gi) => expect(gi).not.toBeNull());
      expect(grads(true, mask)).toEqual(g);
      expect(JSON.stringify(g)).not.toMatch(/null|NaN/);
    }
    // A masked step never sees its input: its gradient is exactly zero.
    const gx = grads(false, param('mask', 'float64'))[0] as number[][][];
    expect(gx[0]![2]).toEqual([0, 0, 0]);
    expect(gx[1]![0]).toEqual([0, 0, 0]);
    expect(gx[1]![3]).toEqual([0, 0, 0]);
    expect(gx[0]![1]!.some((v) => v !== 0)).toBe(true);
  });

  it('takes its options by position or in one trailing object', () => {
    const { simple } = cells('float64');
    const x = param('x', 'float64');
    const h0 = param('h0', 'float64');
    const m = param('mask', 'float64');
    const [, byPos] = K.rnn(simple, x, [h0], true, m, null, true, null, false, true);
    const [, byName] = K.rnn(simple, x, [h0], {
      go_backwards: true,
      mask: m,
      unroll: true,
      zero_output_for_mask: true,
    });
    const [, mixed] = K.rnn(simple, x, [h0], true, { mask: m, unroll: true, zero_output_for_mask: true });
    expect(byName.toArray()).toEqual(byPos.toArray());
    expect(mixed.toArray()).toEqual(byPos.toArray());
  });

  it('casts a non-bool mask (non-zero is kept), ignores an integer input_length, and accepts tensor-likes', () => {
    const { simple } = cells('float64');
    const x = param('x', 'float64');
    const h0 = param('h0', 'float64');
    const m = param('mask', 'float64');
    const [, ref] = K.rnn(simple, x, [h0], { mask: m });
    const [, scaled] = K.rnn(simple, x, [h0], { mask: K.multiply(m, -2.5) });
    const [, asBool] = K.rnn(simple, x, [h0], { mask: K.cast(m, 'bool') });
    const [, asArray] = K.rnn(simple, x, [h0], {
      mask: [
        [1, 1, 0, 1],
        [0, 1, 1, 0],
      ],
    });
    expect(scaled.toArray()).toEqual(ref.toArray());
    expect(asBool.toArray()).toEqual(ref.toArray());
    expect(asArray.toArray()).toEqual(ref.toArray());
    const [, plain] = K.rnn(simple, x, [h0]);
    const [, withLen] = K.rnn(simple, x, [h0], { input_length: 4 });
    expect(withLen.toArray()).toEqual(plain.toArray());
    // Nested number arrays become floatx tensors, as everywhere.
    const c32 = cells('float32');
    const [, fromArrays] = K.rnn(c32.simple, x.toArray() as number[][][], [K.constant(h0.toArray())]);
    expect(fromArrays.dtype).toBe('float32');
    expectClose(fromArrays, K.rnn(c32.simple, K.cast(x, 'float32'), [K.cast(h0, 'float32')])[1].toArray());
  });

  it('allows a mask with no states (the source does; the docstring claims a ValueError)', () => {
    const x = param('x', 'float64');
    const [last, outputs, states] = K.rnn((xt: Tensor) => [K.sum(xt, -1, true), []], x, [], {
      mask: param('mask', 'float64'),
    });
    expect(states).toEqual([]);
    const xs = x.toArray() as number[][][];
    const mask = fx.params.mask!.data;
    // Masked steps repeat the previous output (zeros before any).
    const want = xs.map((row, b) => {
      let prev = 0;
      return row.map((v, t) => [(prev = mask[b * T + t] ? v.reduce((p, q) => p + q, 0) : prev)]);
    });
    expectClose(outputs, want, 1e-12);
    expectClose(
      last,
      want.map((r) => r[T - 1]!),
      1e-12
    );
  });

  it('works on placeholders with an unknown batch, through K.function, with symbolic gradients', () => {
    const { simple } = cells('float32');
    const xp = K.placeholder([null, T, 3]);
    const mp = K.placeholder([null, T]);
    const hp = K.placeholder([null, U]);
    for (const unroll of [false, true]) {
      const [last, outputs, states] = K.rnn(simple, xp, [hp], { mask: mp, unroll, go_backwards: true });
      expect(K.int_shape(outputs)).toEqual([null, T, U]);
      expect(K.int_shape(last)).toEqual([null, U]);
      expect(K.int_shape(states[0]!)).toEqual([null, U]);
      const loss = K.sum(K.square(outputs));
      const [gx, gh] = K.gradients(loss, [xp, hp]);
      const f = K.function([xp, mp, hp], [outputs, last, gx!, gh!]);
      const x = param('x', 'float32');
      const m = param('mask', 'float32');
      const h0 = param('h0', 'float32');
      const [ov, lv, gxv, ghv] = f([x, m, h0]);
      const [eLast, eOut] = K.rnn(simple, x, [h0], { mask: m, unroll, go_backwards: true });
      const [egx, egh] = K.gradients(K.sum(K.square(eOut)), [x, h0]);
      const close = (a: ReturnType<typeof f>[number], e: Tensor) =>
        expectClose(K.constant(a, 'float32'), e.toArray(), tolFor('float32', 1e-6));
      close(ov!, eOut);
      close(lv!, eLast);
      close(gxv!, egx!);
      close(ghv!, egh!);
      // Another batch size through the same graph.
      const [ov3] = f([K.concatenate([x, x], 0), K.concatenate([m, m], 0), K.concatenate([h0, h0], 0)]);
      expect(ov3!.shape).toEqual([4, T, U]);
    }
  });

  it('unrolled, an unknown number of time steps is a ValueError at build time', () => {
    const { simple } = cells('float32');
    let called = 0;
    const counted = (x: Tensor, s: Tensor[]) => {
      called++;
      return simple(x, s);
    };
    expectError(
      () => K.rnn(counted, K.placeholder([null, null, 3]), [K.placeholder([null, U])], { unroll: true }),
      K.ValueError,
      'rnn:',
      'Unrolling requires a fixed number of timesteps',
      '(None, None, 3)'
    );
    expect(called).toBe(0);
  });

  it('with an unknown number of time steps loops when the graph runs (as while_loop): values and gradients of any order', () => {
    const { simple, nested } = cells('float64');
    const x = K.placeholder([null, null, 3], null, 'float64');
    const m = K.placeholder([null, null], null, 'float64');
    const h0 = K.placeholder([null, U], null, 'float64');
    for (const back of [false, true]) {
      const [last, outs, [hT]] = K.rnn(simple, x, [h0], { go_backwards: back, mask: m });
      expect([K.int_shape(last), K.int_shape(outs), K.int_shape(hT!)]).toEqual([
        [null, U],
        [null, null, U],
        [null, U],
      ]);
      const loss = K.add(K.sum(K.square(last)), K.sum(K.multiply(outs, outs)));
      const [gx, gh] = K.gradients(loss, [x, h0]);
      const [ggx] = K.gradients(K.sum(K.square(gx!)), [x]);
      const f = K.function([x, m, h0], [last, outs, hT!, gx!, gh!, ggx!]);
      for (const T of [1, 4]) {
        const xv = K.random_normal([2, T, 3], 0, 1, 'float64', T + (back ? 10 : 0));
        const mv = K.constant(
          Array.from({ length: 2 }, (_, b) =>
            Array.from({ length: T }, (_, t) => (b === 1 && t === T - 1 && T > 1 ? 0 : 1))
          ),
          'float64'
        );
        const hv = K.random_normal([2, U], 0, 1, 'float64', 3);
        const got = f([xv, mv, hv]);
        const [l, o, [h]] = K.rnn(simple, xv, [hv], { go_backwards: back, mask: mv });
        const le = K.add(K.sum(K.square(l)), K.sum(K.multiply(o, o)));
        const [ex, eh] = K.gradients(le, [xv, hv]);
        const [eex] = K.gradients(K.sum(K.square(ex!)), [xv]);
        [l, o, h!, ex!, eh!, eex!].forEach((want, i) =>
          expectClose(K.constant(got[i]!, 'float64'), want.toArray(), 1e-10)
        );
      }
    }
    // Nested inputs and states, and the step's variables reached by the gradient.
    const x1 = K.placeholder([null, null, 3], null, 'float64');
    const x2 = K.placeholder([null, null, 2], null, 'float64');
    const s0 = K.placeholder([null, U], null, 'float64');
    const [out] = K.rnn(nested, [x1, x2], [s0, [s0, s0]]);
    const [h] = out as Tensor[];
    const f2 = K.function([x1, x2, s0], [h!]);
    const [v1, v2, sv] = [
      K.random_normal([2, 5, 3], 0, 1, 'float64', 1),
      K.random_normal([2, 5, 2], 0, 1, 'float64', 2),
      K.zeros([2, U], 'float64'),
    ];
    const [e] = K.rnn(nested, [v1, v2], [sv, [sv, sv]]);
    expectClose(K.constant(f2([v1, v2, sv])[0]!, 'float64'), (e as Tensor[])[0]!.toArray(), 1e-10);
  });

  it('rejects bad inputs, masks and options before calling the step function', () => {
    const { simple } = cells('float64');
    let called = 0;
    const step = (x: Tensor, s: Tensor[]) => {
      called++;
      return simple(x, s);
    };
    const x = param('x', 'float64');
    const h0 = param('h0', 'float64');
    expectError(
      () => K.rnn(step, K.zeros([2, 3], 'float64'), [h0]),
      K.ValueError,
      'rnn:',
      'inputs',
      'rank at least 3',
      '(2, 3)'
    );
    expectError(
      () => K.rnn(step as never, [x, K.zeros([2, 3], 'float64')], [h0]),
      K.ValueError,
      'rnn:',
      'inputs[1]',
      '(2, 3)'
    );
    expectError(
      () => K.rnn(step as never, [x, K.zeros([2, 5, 1], 'float64')], [h0]),
      K.ValueError,
      'rnn:',
      'inputs[1]',
      '(2, 5, 1)',
      'time'
    );
    expectError(
      () => K.rnn(step, K.zeros([2, 0, 3], 'float64'), [h0]),
      K.ValueError,
      'rnn:',
      'no time steps',
      '(2, 0, 3)'
    );
    expectError(
      () => K.rnn(step, x, [h0], { mask: K.ones([2, 4, 1, 1]) }),
      K.ValueError,
      'rnn:',
      'mask',
      '(2, 4, 1, 1)'
    );
    expectError(() => K.rnn(step, x, [h0], { mask: K.ones([2]) }), K.ValueError, 'rnn:', 'mask', '(2,)');
    expectError(() => K.rnn(step, x, [h0], { mask: K.ones([2, 4, 3]) }), K.ValueError, 'rnn:', 'mask', '(2, 4, 3)');
    expectError(
      () => K.rnn(step, x, [h0], { mask: K.ones([4, 2]) }),
      K.ValueError,
      'rnn:',
      'mask',
      '(samples, time)',
      '(4, 2)'
    );
    expectError(
      () => K.rnn(step, x, [h0], { mask: K.ones([4, 2]), time_major: true }),
      K.ValueError,
      'rnn:',
      'mask',
      '(time, samples)',
      '(4, 2)'
    );
    expectError(
      () => K.rnn(step, x, [h0], { input_length: K.constant([3, 1]) }),
      K.TypeError,
      'rnn:',
      'input_length',
      'float32'
    );
    expectError(
      () => K.rnn(step, x, [h0], { input_length: K.constant([3, 1, 2], 'int32') }),
      K.ValueError,
      'rnn:',
      'input_length',
      '(3,)'
    );
    expectError(() => K.rnn(step, x, [h0], { input_length: 2.5 }), K.ValueError, 'rnn:', 'input_length', '2.5');
    expectError(() => K.rnn(step, x, [h0], { go_backwards: 1 as never }), K.TypeError, 'rnn:', 'go_backwards');
    expectError(() => K.rnn(step, x, [h0], { unrol: true } as never), K.TypeError, 'rnn:', 'unknown option "unrol"');
    expectError(() => K.rnn(step, x, [h0], { constants: h0 as never }), K.TypeError, 'rnn:', 'constants');
    expectError(() => K.rnn(null as never, x, [h0]), K.TypeError, 'rnn:', 'step_function');
    expect(called).toBe(0);
  });

  it('rejects a step function whose result does not fit the states', () => {
    const x = param('x', 'float64');
    const h0 = param('h0', 'float64');
    const c0 = param('c0', 'float64');
    expectError(
      () => K.rnn((_xt: Tensor, s: Tensor[]) => [s[0]!, [s[0]!]], x, [h0, c0]),
      K.ValueError,
      'rnn:',
      'new_states',
      'structure'
    );
    expectError(
      () => K.rnn((xt: Tensor, s: Tensor[]) => [s[0]!, [xt]], x, [h0]),
      K.ValueError,
      'rnn:',
      'new_states',
      '(2, 3)',
      '(2, 2)'
    );
    expectError(
      () => K.rnn((_xt: Tensor, s: Tensor[]) => [s[0]!, [K.cast(s[0]!, 'float32')]], x, [h0]),
      K.TypeError,
      'rnn:',
      'float32',
      'float64'
    );
    expectError(() => K.rnn((() => h0) as never, x, [h0]), K.TypeError, 'rnn:', '[output, new_states]');
    expectError(() => K.rnn((() => [1, []]) as never, x, [h0]), K.TypeError, 'rnn:', 'output');
    expectError(() => K.rnn((() => [h0, h0]) as never, x, [h0]), K.TypeError, 'rnn:', 'new_states');
    let t = 0;
    const growing = (xt: Tensor, s: Tensor[]): [Tensor, Tensor[]] => [t++ === 0 ? s[0]! : xt, [s[0]!]];
    expectError(() => K.rnn(growing, x, [h0]), K.ValueError, 'rnn:', 'iteration 1', '(2, 3)', '(2, 2)');
  });
});

describe('map_fn', () => {
  it("an error inside fn names the user's op and the loop (issue 15)", () => {
    expectError(
      () => K.map_fn((e: Tensor) => K.sum(e, 3), K.ones([2, 2])),
      K.ValueError,
      'sum:',
      'axis 3',
      "in map_fn's fn, at element 0"
    );
    expectError(
      () => K.rnn((x: Tensor, st: Tensor[]) => [K.dot(x, K.ones([5, 5])), st], K.ones([1, 2, 3]), [K.ones([1, 5])]),
      K.ValueError,
      'dot:',
      "in rnn's step_function"
    );
  });

  it('maps fn over axis 0 and stacks the results (numpy reference)', () => {
    const a = elem('a');
    const y = K.map_fn((r: Tensor) => K.add(K.square(r), K.sin(r)), a);
    expect(y.shape).toEqual([4, 3]);
    expect(y.dtype).toBe('float64');
    expectClose(y, nest(fx.funcs.map_square_sin!.data, [4, 3]), 1e-9);
    const y32 = K.map_fn((r: Tensor) => K.add(K.square(r), K.sin(r)), elem('a', 'float32'));
    expect(y32.dtype).toBe('float32');
    expectClose(y32, nest(fx.funcs.map_square_sin!.data, [4, 3]), tolFor('float32', 1e-6));
  });

  it('maps over nested elems (with dtype for the single result) and may return a structure', () => {
    const y = K.map_fn(
      (e: Nest) => {
        const [r, v] = e as Tensor[];
        return K.multiply(r!, v!);
      },
      [elem('a'), elem('v')],
      null,
      'float64'
    );
    expectClose(y as Tensor, nest(fx.funcs.map_nested!.data, [4, 3]), 1e-9);
    const [p, q] = K.map_fn((r: Tensor) => [K.sum(r), K.max(r)], elem('a'), {
      dtype: ['float64', 'float64'],
    }) as Tensor[];
    expect(p!.shape).toEqual([4]);
    expectClose(
      q!,
      (elem('a').toArray() as number[][]).map((r) => Math.max(...r)),
      1e-12
    );
  });

  it('needs dtype when fn changes the dtype or the structure, as tf.map_fn', () => {
    const a = elem('a');
    const pos = (r: Tensor) => K.cast(K.greater(r, 0), 'int32');
    expectError(() => K.map_fn(pos, a), K.TypeError, 'map_fn:', 'int32', 'dtype');
    const y = K.map_fn(pos, a, { dtype: 'int32' });
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual((a.toArray() as number[][]).map((r) => r.map((v) => (v > 0 ? 1 : 0))));
    expectError(() => K.map_fn((r: Tensor) => [r, r], a), K.ValueError, 'map_fn:', 'structure');
    expectError(() => K.map_fn(pos, a, { dtype: 'float32' }), K.TypeError, 'map_fn:', 'int32', 'float32');
    expectError(() => K.map_fn(pos, a, { dtype: 'int31' as never }), K.TypeError, 'map_fn:', 'int31');
  });

  it('is differentiable w.r.t. elems and what fn reads', () => {
    const a = elem('a');
    const w = K.variable([0.5, -1, 2], 'float64');
    const y = K.map_fn((r: Tensor) => K.multiply(K.sin(r), w), a);
    const [ga, gw] = K.gradients(K.sum(y), [a, w]);
    const av = a.toArray() as number[][];
    expectClose(
      ga!,
      av.map((r) => r.map((v, j) => Math.cos(v) * [0.5, -1, 2][j]!)),
      1e-12
    );
    expectClose(
      gw!,
      [0, 1, 2].map((j) => av.reduce((p, r) => p + Math.sin(r[j]!), 0)),
      1e-12
    );
  });

  it('works on a placeholder with a known leading dim, through K.function', () => {
    const p = K.placeholder([4, null]);
    const y = K.map_fn((r: Tensor) => K.square(r), p);
    expect(K.int_shape(y)).toEqual([4, null]);
    const [v] = K.function([p], [y])([elem('a', 'float32')]);
    expectClose(
      K.constant(v!),
      (elem('a').toArray() as number[][]).map((r) => r.map((x) => x * x)),
      tolFor('float32', 1e-6)
    );
  });

  it('over an unknown length, loops when the graph runs: values and gradients (to the variables fn reads, second order)', () => {
    const w = K.variable([0.5, -1, 2], 'float64');
    const p = K.placeholder([null, 3], null, 'float64');
    const y = K.map_fn((r: Tensor) => K.sum(K.square(K.multiply(r, w))), p);
    expect(K.int_shape(y)).toEqual([null]);
    const [gp, gw] = K.gradients(K.sum(K.exp(K.multiply(y, 0.1))), [p, w]);
    const [ggw] = K.gradients(K.sum(K.square(gw!)), [w]);
    const f = K.function([p], [y, gp!, gw!, ggw!]);
    for (const n of [1, 4]) {
      const v = K.random_normal([n, 3], 0, 1, 'float64', n);
      const got = f([v]);
      const e = K.map_fn((r: Tensor) => K.sum(K.square(K.multiply(r, w))), v);
      const [ep, ew] = K.gradients(K.sum(K.exp(K.multiply(e, 0.1))), [v, w]);
      const [eew] = K.gradients(K.sum(K.square(ew!)), [w]);
      [e, ep!, ew!, eew!].forEach((want, i) => expectClose(K.constant(got[i]!, 'float64'), want.toArray(), 1e-10));
    }
  });

  it('rejects scalars, empty and ragged elems, inconsistent results and bad options', () => {
    const id = (r: Tensor) => r;
    expectError(() => K.map_fn(id, K.constant(3)), K.ValueError, 'map_fn:', 'scalar');
    expectError(() => K.map_fn(id, K.zeros([0, 2])), K.ValueError, 'map_fn:', 'no elements');
    expectError(
      () => K.map_fn((e: Nest) => e, [K.zeros([3]), K.zeros([4])], null, ['float32', 'float32']),
      K.ValueError,
      'map_fn:',
      'elems[1]',
      '(4,)',
      '(3,)'
    );
    let i = 0;
    expectError(
      () => K.map_fn((r: Tensor) => (i++ === 0 ? r : K.concatenate([r, r])), K.zeros([3, 2])),
      K.ValueError,
      'map_fn:',
      'iteration 1',
      '(4,)',
      '(2,)'
    );
    expectError(
      () => K.map_fn(id, K.zeros([3]), { nam: 'x' } as never),
      K.TypeError,
      'map_fn:',
      'unknown option "nam"'
    );
    expectError(() => K.map_fn(id, K.zeros([3]), 7 as never), K.TypeError, 'map_fn:', 'name');
    expectError(() => K.map_fn((() => 3) as never, K.zeros([3])), K.TypeError, 'map_fn:', 'fn must return');
    expectError(() => K.map_fn(3 as never, K.zeros([3])), K.TypeError, 'map_fn:', 'fn must be a function');
  });
});

const foldFn = (acc: Tensor, x: Tensor) => K.add(K.multiply(acc, 0.5), K.square(x));

function foldTests(name: 'foldl' | 'foldr'): void {
  const fold = name === 'foldl' ? K.foldl : K.foldr;

  it('reduces along axis 0, with and without an initializer (numpy reference)', () => {
    const a = elem('a');
    const y = fold(foldFn, a);
    expect(y.shape).toEqual([3]);
    expect(y.dtype).toBe('float64');
    expectClose(y, nest(fx.funcs[name]!.data, [3]), 1e-9);
    expectClose(fold(foldFn, a, elem('init')), nest(fx.funcs[`${name}_init`]!.data, [3]), 1e-9);
    expectClose(fold(foldFn, a, { initializer: elem('init') }), nest(fx.funcs[`${name}_init`]!.data, [3]), 1e-9);
    const y32 = fold(foldFn, elem('a', 'float32'));
    expect(y32.dtype).toBe('float32');
    expectClose(y32, nest(fx.funcs[name]!.data, [3]), tolFor('float32', 1e-6));
  });

  it('goes in its own direction', () => {
    const order = fold((acc: Tensor, x: Tensor) => K.add(K.multiply(acc, 10), x), K.constant([1, 2, 3]));
    expect(order.toArray()).toBe(name === 'foldl' ? 123 : 321);
    const withInit = fold(
      (acc: Tensor, x: Tensor) => K.add(K.multiply(acc, 10), x),
      K.constant([1, 2, 3]),
      K.constant(4)
    );
    expect(withInit.toArray()).toBe(name === 'foldl' ? 4123 : 4321);
  });

  it('folds nested elems into a nested accumulator', () => {
    const step = (acc: Nest, x: Nest): Nest => {
      const [s, p] = acc as Tensor[];
      const [r, v] = x as Tensor[];
      return [K.add(s!, K.multiply(r!, v!)), K.multiply(p!, K.add(v!, 1))];
    };
    const [s, p] = fold(step, [elem('a'), elem('v')], [K.zeros([3], 'float64'), K.constant(1, 'float64')]) as Tensor[];
    expectClose(s!, nest(fx.funcs.foldl_nested_s!.data, [3]), 1e-9);
    expectClose(p!, nest(fx.funcs.foldl_nested_p!.data, []), 1e-9);
  });

  it('returns the initializer for empty elems, and is differentiable w.r.t. elems, initializer and what fn reads', () => {
    const init = elem('init');
    expect(fold(foldFn, K.zeros([0, 3], 'float64'), init)).toBe(init);
    const a = elem('a');
    const w = K.variable(1.5, 'float64');
    const y = fold((acc: Tensor, x: Tensor) => K.add(K.multiply(acc, w), K.sin(x)), a, init);
    const [ga, gi, gw] = K.gradients(K.sum(y), [a, init, w]);
    // y = w^4 init + sum_i w^(3 - pos(i)) sin(a_i), pos in the fold's order.
    const av = a.toArray() as number[][];
    const pos = (i: number) => (name === 'foldl' ? i : 3 - i);
    expectClose(
      gi!,
      [1, 1, 1].map(() => 1.5 ** 4),
      1e-12
    );
    expectClose(
      ga!,
      av.map((r, i) => r.map((v) => 1.5 ** (3 - pos(i)) * Math.cos(v))),
      1e-12
    );
    const iv = init.toArray() as number[];
    const dw = [0, 1, 2].reduce(
      (p, j) =>
        p + 4 * 1.5 ** 3 * iv[j]! + av.reduce((q, r, i) => q + (3 - pos(i)) * 1.5 ** (2 - pos(i)) * Math.sin(r[j]!), 0),
      0
    );
    expectClose(gw!, dw, 1e-12);
  });

  it('rejects empty elems without an initializer, and results that change shape, dtype or structure', () => {
    expectError(() => fold(foldFn, K.zeros([0, 3])), K.ValueError, `${name}:`, 'empty', 'initializer');
    expectError(
      () => fold((acc: Tensor, x: Tensor) => K.concatenate([acc, x]), K.zeros([3, 2])),
      K.ValueError,
      `${name}:`,
      '(4,)',
      '(2,)'
    );
    expectError(
      () => fold((acc: Tensor) => K.cast(acc, 'int32'), K.zeros([3, 2])),
      K.TypeError,
      `${name}:`,
      'int32',
      'float32'
    );
    expectError(
      () => fold(((acc: Tensor) => [acc, acc]) as never, K.zeros([3, 2])),
      K.ValueError,
      `${name}:`,
      'structure'
    );
    expectError(() => fold((() => 'x') as never, K.zeros([3, 2])), K.TypeError, `${name}:`, 'fn must return');
    expectError(() => fold(foldFn, K.constant(2)), K.ValueError, `${name}:`, 'scalar');
    // An unknown length folds when the graph runs (errors about the values fed come then).
    const unknown = K.placeholder([null, 2]);
    const folded = fold(foldFn, unknown);
    const run = K.function([unknown], [folded as Tensor]);
    expectClose(K.constant(run([K.ones([3, 2])])[0]!), (fold(foldFn, K.ones([3, 2])) as Tensor).toArray());
    expectError(() => run([K.zeros([0, 2])]), K.ValueError, 'function', 'no initializer');
    expectError(
      () => fold(foldFn, K.zeros([3]), { init: 1 } as never),
      K.TypeError,
      `${name}:`,
      'unknown option "init"'
    );
  });
}

describe('foldl', () => foldTests('foldl'));
describe('foldr', () => foldTests('foldr'));
