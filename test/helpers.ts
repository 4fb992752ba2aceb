// Shared assertions for the specs.
import { readFileSync } from 'node:fs';
import ndarray from 'ndarray';
import { expect } from 'vitest';
import * as K from '../src/index.js';
import { allocate } from '../src/core/dtype.js';
import type { DeviceName } from '../src/core/storage.js';
import type { NestedArray } from '../src/core/tensor.js';

/** The device this test project runs on (vitest.config.ts sets KTAPE_DEVICE per project). */
export function testDevice(): DeviceName {
  const d = process.env.KTAPE_DEVICE ?? 'cpu';
  if (d !== 'cpu' && d !== 'gpu') throw new Error(`KTAPE_DEVICE must be 'cpu' or 'gpu'; got ${JSON.stringify(d)}`);
  return d;
}

/** expectClose's default tolerance where values are exact up to one rounding (the cpu, and float64 anywhere). */
export const TIGHT_TOL = 1e-6;
/**
 * expectClose's default tolerance for float32 results on the gpu device. gpu.js
 * computes in float32 with GLSL's own exp/log/sin and its own summation order:
 * the worst error the suite sees is 4e-7 relative (Mesa llvmpipe and webasm,
 * 2026-11); 1e-5 (about 80 float32 ulps) leaves room for real GPUs' faster
 * transcendentals while still failing any wrong kernel.
 */
export const GPU_TOL = 1e-5;

/**
 * The tolerance for a result of `dtype` on the current device: `cpuTol`, or
 * GPU_TOL for float32 on the gpu device. float64 runs on the cpu even there,
 * and integers and bools are exact on both, so they keep `cpuTol`.
 */
export function tolFor(dtype: K.DType, cpuTol = TIGHT_TOL): number {
  return K.get_device() === 'gpu' && dtype === 'float32' ? Math.max(cpuTol, GPU_TOL) : cpuTol;
}

/**
 * Compare a tensor's values to nested arrays (or a number): each element within
 * tol * (1 + |expected|); tol defaults to tolFor(t.dtype).
 */
export function expectClose(
  t: K.Tensor,
  expected: NestedArray | boolean | boolean[] | boolean[][],
  tol = tolFor(t.dtype)
): void {
  const actual = t.toArray();
  const flatA: number[] = [];
  const flatE: number[] = [];
  const shapeA = flatInto(actual, flatA);
  const shapeE = flatInto(expected as NestedArray, flatE);
  expect(shapeA, `shape of ${t.toString()}`).toEqual(shapeE);
  flatE.forEach((e, i) => {
    const a = flatA[i]!;
    if (Number.isNaN(e)) expect(a).toBeNaN();
    else if (!Number.isFinite(e)) expect(a).toBe(e);
    else expect(Math.abs(a - e), `element ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(tol * (1 + Math.abs(e)));
  });
}

function flatInto(x: NestedArray | boolean, out: number[]): number[] {
  if (!Array.isArray(x)) {
    out.push(Number(x));
    return [];
  }
  let inner: number[] = [];
  for (const e of x) inner = flatInto(e, out);
  return [x.length, ...inner];
}

/** Expect `fn` to throw `cls` with a message mentioning every one of `parts`. */
export function expectError(
  fn: () => unknown,
  cls: typeof K.ValueError | typeof K.TypeError,
  ...parts: string[]
): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected an error').toBeInstanceOf(cls);
  for (const p of parts) expect((caught as Error).message).toContain(p);
}

/** A fixture written by a generator in test/fixtures/. */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as T;
}

/** A variable of `dtype` holding row-major fixture values. */
export function fixtureTensor(
  data: readonly (number | boolean)[],
  shape: readonly number[],
  dtype: K.DType
): K.Variable {
  const buf = allocate(dtype, data.length);
  data.forEach((v, i) => {
    buf[i] = Number(v);
  });
  return K.variable(ndarray(buf, shape.slice()), dtype);
}

/** Row-major values as nested arrays of `shape`. */
export function nest(data: readonly (number | boolean)[], shape: readonly number[]): NestedArray {
  if (shape.length === 0) return Number(data[0]);
  const step = data.length / shape[0]!;
  const out: NestedArray[] = [];
  for (let i = 0; i < shape[0]!; i++) out.push(nest(data.slice(i * step, (i + 1) * step), shape.slice(1)));
  return out;
}
