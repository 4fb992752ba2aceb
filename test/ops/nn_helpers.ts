// What the nn, losses and normalization tests share: the numpy fixture cases
// (and gradients of the losses) from test/fixtures/gen_nn.py, numpy
// re-implementing the seed's TF source in each case's dtype, including logits
// of +-1e4 and probabilities of exactly 0 and 1; and small helpers.
import { readFileSync } from 'node:fs';
import ndarray from 'ndarray';
import { afterEach, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import type { DType } from '../../src/index.js';
import { allocate } from '../../src/core/dtype.js';
import type { NestedArray } from '../../src/core/tensor.js';
import { expectClose, nest, tolFor } from '../helpers.js';

export interface Enc {
  shape: number[];
  dtype: string;
  data: (number | boolean)[];
}
export interface Case {
  fn: string;
  note: string;
  args: Record<string, Enc>;
  opts: Record<string, unknown>;
  out: Enc | Enc[];
  grads?: Record<string, Enc>;
}
export const CASES = (
  JSON.parse(readFileSync(new URL('../fixtures/nn.json', import.meta.url), 'utf8')) as { cases: Case[] }
).cases;

export const DTYPES: Record<string, DType> = {
  float32: 'float32',
  float64: 'float64',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
};

export function tensorOf(e: Enc): K.Variable {
  const dtype = DTYPES[e.dtype]!;
  const buf = allocate(dtype, e.data.length);
  e.data.forEach((v, i) => {
    buf[i] = Number(v);
  });
  return K.variable(ndarray(buf, e.shape), dtype);
}

export type Args = Record<string, K.Tensor>;
export const CALL: Record<string, (a: Args, o: Record<string, unknown>) => K.Tensor | K.Tensor[]> = {
  softmax: (a, o) => K.softmax(a.x!, o.axis as number),
  binary_crossentropy: (a, o) => K.binary_crossentropy(a.target!, a.output!, o.from_logits as boolean),
  categorical_crossentropy: (a, o) =>
    K.categorical_crossentropy(a.target!, a.output!, o.from_logits as boolean, o.axis as number),
  sparse_categorical_crossentropy: (a, o) =>
    K.sparse_categorical_crossentropy(a.target!, a.output!, o.from_logits as boolean, o.axis as number),
  l2_normalize: (a, o) => K.l2_normalize(a.x!, o.axis as number | number[] | null),
  in_top_k: (a, o) => K.in_top_k(a.predictions!, a.targets!, o.k as number),
  bias_add: (a, o) => K.bias_add(a.x!, a.bias!, o.data_format as string),
  batch_normalization: (a, o) =>
    K.batch_normalization(
      a.x!,
      a.mean!,
      a.var!,
      a.beta ?? null,
      a.gamma ?? null,
      o.axis as number,
      o.epsilon as number
    ),
  normalize_batch_in_training: (a, o) =>
    K.normalize_batch_in_training(
      a.x!,
      a.gamma ?? null,
      a.beta ?? null,
      o.reduction_axes as number[],
      o.epsilon as number
    ),
};

/** Float results: 1e-5 relative for float32 (numpy sums in its own order), 1e-12 for float64. */
export const tolOf = (d: DType) => (d === 'float32' ? tolFor(d, 1e-5) : 1e-12);

export function expectEnc(t: K.Tensor, e: Enc, what: string): void {
  expect(t.shape, what).toEqual(e.shape);
  expect(t.dtype, what).toBe(DTYPES[e.dtype]);
  expectClose(t, nest(e.data, e.shape), tolOf(t.dtype));
}

/** Every fixture case of `fn`: values, shapes, dtypes, and the gradients it lists. */
export function fixtureTests(fn: string): void {
  const cases = CASES.filter((c) => c.fn === fn);
  it(`matches the numpy reference of the TF source (${cases.length} cases)`, () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const args = Object.fromEntries(Object.entries(c.args).map(([k, v]) => [k, tensorOf(v)]));
      const y = CALL[fn]!(args, c.opts);
      const what = `${fn}: ${c.note} (${JSON.stringify(c.opts)})`;
      if (Array.isArray(c.out)) {
        expect(Array.isArray(y), what).toBe(true);
        (y as K.Tensor[]).forEach((t, i) => expectEnc(t, (c.out as Enc[])[i]!, `${what} output ${i}`));
      } else {
        expectEnc(y as K.Tensor, c.out, what);
      }
    }
  });
  const withGrads = cases.filter((c) => c.grads !== undefined);
  if (withGrads.length > 0) {
    it(`gradients match the analytic derivatives, finite at the extremes (${withGrads.length} cases)`, () => {
      for (const c of withGrads) {
        const args = Object.fromEntries(Object.entries(c.args).map(([k, v]) => [k, tensorOf(v)]));
        const names = Object.keys(c.grads!);
        const gs = K.gradients(
          K.sum(CALL[fn]!(args, c.opts) as K.Tensor),
          names.map((n) => args[n]!)
        );
        names.forEach((n, i) => {
          const g = gs[i]!;
          expect(g, `${c.note}: d/d${n}`).not.toBeNull();
          expect(flat(g).every(Number.isFinite), `${c.note}: d/d${n} finite`).toBe(true);
          expectEnc(g, c.grads![n]!, `${fn}: ${c.note}: d/d${n}`);
        });
      }
    });
  }
}

export function flat(t: K.Tensor): number[] {
  const v = t.toArray();
  return Array.isArray(v) ? ((v as unknown[]).flat(Infinity as 1) as number[]) : [v];
}

/** A placeholder-like symbolic tensor (unknown dims are -1). */
export const symbolic = (shape: number[], dtype: DType = 'float32') => new K.Tensor(shape, dtype, null, null);

/** Whether `y` was computed from `x` (walks the recorded graph). */
export function dependsOn(y: K.Tensor, x: K.Tensor): boolean {
  const seen = new Set<K.Tensor>();
  const stack = [y];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t === x) return true;
    if (seen.has(t)) continue;
    seen.add(t);
    for (const i of t.node?.inputs ?? []) stack.push(i);
  }
  return false;
}

/** d sum(f(x)) / dx and d sum(d sum(f(x))/dx * w) / dx at float64 x: both must exist. */
export function grads2(f: (x: K.Tensor) => K.Tensor, x: K.Tensor): [K.Tensor, K.Tensor] {
  const [g] = K.gradients(K.sum(f(x)), [x]);
  expect(g).not.toBeNull();
  const w = K.variable(
    ndarray(
      Float64Array.from(flat(g!), (_, i) => 0.3 + 0.1 * i),
      x.shape.slice()
    ),
    x.dtype
  );
  const [h] = K.gradients(K.sum(K.multiply(g!, w)), [x]);
  expect(h).not.toBeNull();
  return [g!, h!];
}

export const f32 = (v: NestedArray) => K.variable(v, 'float32');
export const f64 = (v: NestedArray) => K.variable(v, 'float64');
export const i32 = (v: NestedArray) => K.variable(v, 'int32');
export const round5 = (t: K.Tensor) => flat(t).map((v) => Math.round(v * 1e5) / 1e5 + 0);

afterEach(() => {
  K.set_floatx('float32');
  K.set_epsilon(1e-7);
  K.set_image_data_format('channels_last');
});

// ---- softmax -----------------------------------------------------------------
