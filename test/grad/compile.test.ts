// K.function's plans (src/grad/compile.ts) and fusion (src/grad/fuse.ts):
// every graph gives the same values planned and not (bit for bit where no
// chain is fused; fused chains round as the wasm maps do), plans are kept per
// input signature, and what must happen every call (a draw, a print, a read
// of a variable) still does.
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { graphOrder } from '../../src/grad/evaluate.js';
import { planGraph, setPlanning } from '../../src/grad/compile.js';
import { FUSE_MIN, MAX_INPUTS } from '../../src/grad/fuse.js';
import { fusedByOps } from '../../src/core/fused.js';
import { cpuBackend } from '../../src/cpu/index.js';
import { setWasmElementwiseEnabled } from '../../src/cpu/wasm/elementwise.js';
import type { Meta } from '../../src/core/primitives.js';
import * as lax from '../../src/prims/lax.js';
import type { Program } from '../../src/grad/program.js';
import { testDevice } from '../helpers.js';

K.set_device(testDevice());
afterEach(() => {
  setPlanning(true);
});

type Results = ReturnType<ReturnType<typeof K.function>>;

/** Values a K.function gives, planned or on the evaluator. */
function both(f: (vals: unknown[]) => Results, vals: unknown[]): [Float64Array[], Float64Array[]] {
  const read = (r: Results) => r.map((a) => Float64Array.from(a.data as ArrayLike<number>));
  setPlanning(false);
  const plain = read(f(vals));
  setPlanning(true);
  const planned = read(f(vals));
  return [plain, planned];
}

/**
 * Planned values against the evaluator's: bit for bit on the cpu; on the gpu
 * within float32 rounding, as the shader compiler may reorder the ops of a
 * fused chain (a sum of 20 arrays differed by 2.2e-7 relative on llvmpipe).
 */
function sameOrRounded(planned: Float64Array[], plain: Float64Array[]): void {
  if (testDevice() === 'cpu') {
    expect(planned).toEqual(plain);
    return;
  }
  planned.forEach((a, k) => {
    const b = plain[k]!;
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) {
      if (Number.isNaN(b[i]!)) expect(a[i]).toBeNaN();
      else expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b[i]!)));
    }
  });
}

function planOf(outputs: K.Tensor[], feeds: [K.Tensor, Meta][]): Program | null {
  return planGraph(outputs, new Map(feeds), graphOrder(outputs));
}

const seq = (n: number, scale = 1) => Float32Array.from({ length: n }, (_, i) => scale * Math.sin(i * 0.37 + 0.1));

describe('K.function plans', () => {
  it('an MLP training step with updates: the same losses and weights, bit for bit', () => {
    const run = (plan: boolean) => {
      setPlanning(plan);
      const x = K.placeholder([null, 6]);
      const y = K.placeholder([null, 3]);
      const w = K.variable(K.reshape(seq(18, 0.3), [6, 3]));
      const b = K.zeros([3]);
      const loss = K.mean(K.categorical_crossentropy(y, K.add(K.dot(K.relu(x), w), b), true));
      const [gw, gb] = K.gradients(loss, [w, b]);
      const f = K.function(
        [x, y],
        [loss],
        [K.update_sub(w, K.multiply(gw!, 0.1)), K.update_sub(b, K.multiply(gb!, 0.1))]
      );
      const xv = K.reshape(seq(24), [4, 6]);
      const yv = K.one_hot(K.constant([0, 2, 1, 2], 'int32'), 3);
      const losses = [0, 1, 2, 3].map(() => f([xv, yv])[0]!.get());
      return [losses, Array.from(K.get_value(w).data as Float32Array)];
    };
    const plain = run(false);
    const planned = run(true);
    expect(planned).toEqual(plain);
    // The updates were applied and read back each call: the loss falls.
    expect(planned[0]![3]!).toBeLessThan(planned[0]![0]!);
  });

  it('a graph fed several batch sizes keeps one plan per signature', () => {
    const x = K.placeholder([null, 4]);
    const f = K.function([x], [K.sum(K.tanh(x), 1)]);
    for (const rows of [2, 5, 2, 3]) {
      const v = K.reshape(seq(rows * 4), [rows, 4]);
      const [plain, planned] = both(f, [v]);
      expect(planned).toEqual(plain);
      expect(planned[0]!.length).toBe(rows);
    }
  });

  it('K.rnn unrolled in a graph: the outputs and gradients bit for bit', () => {
    const x = K.placeholder([2, 5, 3]);
    const w = K.variable(K.reshape(seq(9, 0.5), [3, 3]));
    const cell = (xt: K.Tensor, [h]: K.Tensor[]): [K.Tensor, K.Tensor[]] => {
      const next = K.tanh(K.add(K.dot(xt, w), h!));
      return [next, [next]];
    };
    const [last, outputs] = K.rnn(cell, x, [K.zeros([2, 3])]);
    const [gw, gx] = K.gradients(K.sum(outputs), [w, x]);
    const f = K.function([x], [last, gw!, gx!]);
    const [plain, planned] = both(f, [K.reshape(seq(30), [2, 5, 3])]);
    expect(planned).toEqual(plain);
  });

  it('constants are folded; feeds, variables and draws are not', () => {
    const x = K.placeholder([3]);
    const c = K.exp(K.constant([1, 2, 3]));
    const p = planOf([K.add(K.multiply(x, c), K.random_uniform([3]))], [[x, { shape: [3], dtype: 'float32' }]])!;
    expect(p.stats.folded).toBe(1);
    expect(p.steps.filter((s) => s.kind === 'op').map((s) => (s.kind === 'op' ? s.prim : ''))).toEqual([
      'mul',
      'random',
      'add',
    ]);
  });

  it('a random draw is drawn again every call', () => {
    const x = K.placeholder([1000]);
    const f = K.function([x], [K.add(x, K.random_uniform([1000]))]);
    const z = K.zeros([1000]);
    const a = f([z])[0]!.data as Float32Array;
    const b = f([z])[0]!.data as Float32Array;
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it('a variable changed between calls is read afresh', () => {
    const v = K.variable([1, 2]);
    const x = K.placeholder([2]);
    const f = K.function([x], [K.multiply(x, v)]);
    expect(Array.from(f([[1, 1]])[0]!.data as Float32Array)).toEqual([1, 2]);
    K.set_value(v, [5, 7]);
    expect(Array.from(f([[1, 1]])[0]!.data as Float32Array)).toEqual([5, 7]);
  });

  it('a graph whose shapes depend on values is not planned, and still runs', () => {
    const n = K.placeholder([2], null, 'int32');
    const y = K.random_uniform(n);
    expect(planOf([y], [[n, { shape: [2], dtype: 'int32' }]])).toBeNull();
    const f = K.function([n], [y]);
    expect(f([[2, 3]])[0]!.shape).toEqual([2, 3]);
    expect(f([[3, 1]])[0]!.shape).toEqual([3, 1]);
  });

  it('a bad feed raises the same error planned and not', () => {
    const x = K.placeholder([null, 2]);
    const f = K.function([x], [K.dot(x, K.ones([2, 3]))]);
    setPlanning(false);
    let plain = '';
    try {
      f([[[1, 2, 3]]]);
    } catch (e) {
      plain = String(e);
    }
    setPlanning(true);
    expect(() => f([[[1, 2, 3]]])).toThrow(plain.replace(/^[A-Za-z]+: /, ''));
  });
});

describe('fusion', () => {
  it("joins relu's gradient (a comparison and a where) into one kernel", () => {
    const x = K.placeholder([64, 128]);
    const w = K.variable(K.reshape(seq(128 * 128, 0.1), [128, 128]));
    const [g] = K.gradients(K.sum(K.relu(K.dot(x, w))), [x]);
    const p = planOf([g!], [[x, { shape: [64, 128], dtype: 'float32' }]])!;
    const prims = p.steps.flatMap((s) => (s.kind === 'op' ? [s.prim] : []));
    expect(prims).not.toContain('where');
    // The mask is read by relu's forward where and by its gradient's: each chain computes its own copy.
    const h = K.relu(K.dot(x, w));
    const both2 = planOf([h, g!], [[x, { shape: [64, 128], dtype: 'float32' }]])!;
    const prims2 = both2.steps.flatMap((s) => (s.kind === 'op' ? [s.prim] : []));
    expect(prims2).not.toContain('less_equal');
    expect(prims2.filter((q) => q === 'fused').length).toBe(2);
    // A mask that is itself an output stays a step of its own.
    const z = K.dot(x, w);
    const mask = lax.lessEqual(z, lax.scalar(0, 'float32'));
    const masked = lax.where(mask, lax.scalar(0, 'float32'), z);
    const p3 = planOf([masked, mask], [[x, { shape: [64, 128], dtype: 'float32' }]])!;
    const prims3 = p3.steps.flatMap((s) => (s.kind === 'op' ? [s.prim] : []));
    expect(prims3).toEqual(['matmul', 'less_equal', 'fused']);
    const f2 = K.function([x], [h, g!, mask, masked]);
    const [plain2, planned2] = both(f2, [K.reshape(seq(64 * 128), [64, 128])]);
    expect(planned2).toEqual(plain2);
    const f = K.function([x], [g!]);
    const [plain, planned] = both(f, [K.reshape(seq(64 * 128), [64, 128])]);
    expect(planned).toEqual(plain);
  });

  const n = 2 * FUSE_MIN + 3; // not a whole number of vectors or blocks
  const chain = (x: K.Tensor) => K.multiply(K.sigmoid(K.add(K.multiply(x, 2), 1)), K.tanh(x));

  it('joins a chain and its whole sum, on either device, and not below FUSE_MIN', () => {
    const x = K.placeholder([n]);
    const feeds: [K.Tensor, Meta][] = [[x, { shape: [n], dtype: 'float32' }]];
    const p = planOf([K.sum(chain(x))], feeds)!;
    const fused = p.steps.filter((s) => s.kind === 'op' && s.prim === 'fused');
    expect(fused.length).toBe(1);
    expect(p.stats.fused).toBe(6);
    const small = K.placeholder([FUSE_MIN - 1]);
    const q = planOf([K.sum(chain(small))], [[small, { shape: [FUSE_MIN - 1], dtype: 'float32' }]])!;
    expect(q.stats.fused).toBe(0);
  });

  it('a sum of many arrays is split into chains of at most MAX_INPUTS inputs (a gpu shader reads each from a texture)', () => {
    // The shape of an rnn's weight gradient: one product per step, added up.
    const xs = Array.from({ length: 20 }, () => K.placeholder([64, 64]) as K.Placeholder);
    const total = xs.slice(1).reduce<K.Tensor>((a, b) => K.add(a, b), xs[0]!);
    const p = planOf(
      [total],
      xs.map((x) => [x, { shape: [64, 64], dtype: 'float32' }] as [K.Tensor, Meta])
    )!;
    const fused = p.steps.filter((s) => s.kind === 'op' && s.prim === 'fused');
    expect(fused.length).toBeGreaterThan(1);
    for (const s of fused) expect(s.kind === 'op' && s.inputs.length).toBeLessThanOrEqual(MAX_INPUTS);
    const f = K.function(xs, [total]);
    const [plain, planned] = both(
      f,
      xs.map((_, i) => K.reshape(seq(64 * 64, i + 1), [64, 64]))
    );
    sameOrRounded(planned, plain);
  });

  it('a value read outside the chain ends it (it is kept as its own output)', () => {
    const x = K.placeholder([n]);
    const s = K.sigmoid(x);
    const p = planOf([K.exp(K.add(s, 1)), s], [[x, { shape: [n], dtype: 'float32' }]])!;
    const prims = p.steps.flatMap((st) => (st.kind === 'op' ? [st.prim] : []));
    expect(prims).toEqual(['sigmoid', 'fused']);
  });

  it('a chain, its gradient and a sum give the unfused values (sums within float32 rounding)', () => {
    const x = K.placeholder([n]);
    const y = K.sum(chain(x));
    const [g] = K.gradients(y, [x]);
    const f = K.function([x], [chain(x), g!, y]);
    const [plain, planned] = both(f, [K.constant(seq(n, 3))]);
    expect(planned[0]).toEqual(plain[0]);
    expect(planned[1]).toEqual(plain[1]);
    expect(planned[2]![0]!).toBeCloseTo(plain[2]![0]!, 2);
    expect(Math.abs(planned[2]![0]! - plain[2]![0]!)).toBeLessThanOrEqual(Math.abs(plain[2]![0]!) * 2 ** -23);
  });

  it('every fusable primitive, with scalar and broadcast operands and special values', () => {
    const x = K.placeholder([n]);
    const z = K.placeholder([n]);
    const one = K.constant(1.5);
    const terms = [
      lax.neg(K.abs(x)),
      K.sqrt(K.abs(x)),
      K.exp(x),
      K.log(K.abs(x)),
      K.softplus(x),
      K.subtract(x, one),
      K.divide(x, z),
      K.maximum(x, z),
      K.minimum(one, x),
      // Comparisons and where: bool lane masks inside the chain.
      lax.where(lax.lessEqual(x, z), z, x),
      lax.where(lax.greater(x, one), x, one),
      lax.where(lax.less(z, x), one, z),
      lax.where(lax.greaterEqual(x, x), x, z),
      lax.where(lax.equal(x, z), one, x),
      lax.where(K.not_equal(x, x), z, one),
    ];
    const total = terms.reduce((a, b) => K.add(a, b));
    const [g] = K.gradients(K.sum(K.add(K.sigmoid(total), K.tanh(total))), [x]);
    const f = K.function([x, z], [total, g!]);
    const xv = seq(n, 4);
    xv[5] = Number.NaN;
    xv[6] = Number.POSITIVE_INFINITY;
    xv[7] = -0;
    xv[8] = 0;
    const [plain, planned] = both(f, [K.constant(xv), K.constant(seq(n, 2).map((v) => v + 0.01))]);
    expect(planned).toEqual(plain);
  });

  it.skipIf(testDevice() !== 'cpu')("the cpu's fused kernel: the wasm pass and the op-by-op fallback agree", () => {
    const x = K.placeholder([n]);
    const p = planOf([K.sum(chain(x))], [[x, { shape: [n], dtype: 'float32' }]])!;
    const step = p.steps.find((s) => s.kind === 'op' && s.prim === 'fused');
    if (step?.kind !== 'op' || step.prim !== 'fused') throw new Error('no fused step');
    const attrs = { ...(step.attrs as object), sum: null } as Parameters<typeof fusedByOps>[2];
    const ins = step.inputs.map((slot) => {
      const s = p.steps.find((t) => t.slot === slot)!;
      return s.kind === 'feed' ? K.eval(K.constant(seq(n, 3))) : K.eval((s as { value: K.Tensor }).value);
    });
    const wasm = cpuBackend.kernels.fused(ins, attrs, { shape: [n], dtype: 'float32' });
    const was = setWasmElementwiseEnabled(false);
    try {
      const js = fusedByOps(cpuBackend.kernels, ins, attrs, { shape: [n], dtype: 'float32' });
      // The JS maps round Math's transcendentals; the wasm maps are within a few ulps of them.
      const a = wasm.data as Float32Array;
      const b = js.data as Float32Array;
      for (let i = 0; i < n; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(4e-7 * (1 + Math.abs(b[i]!)));
    } finally {
      setWasmElementwiseEnabled(was);
    }
  });
});
