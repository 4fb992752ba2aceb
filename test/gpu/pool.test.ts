// The gpu pool kernels against the cpu kernels: 1 to 3 spatial axes, every
// padding mode, strides larger and smaller than the window, ties and NaN
// (first max wins, NaN wins), integer inputs, empty results, windows bigger
// than one thread may loop over (refused: the dispatcher runs them on the cpu), strided host inputs, and
// the Keras functions on the gpu device with their gradients.
// max, argmax and integer results are exact; avg and its transpose within
// float32 rounding of short sums (rtol 1e-6).
import ndarray from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { cpuBackend } from '../../src/cpu/index.js';
import { copyOut, type Nd } from '../../src/core/ndarray.js';
import { setCurrentDevice } from '../../src/device/dispatcher.js';
import { allocate, type DType } from '../../src/core/dtype.js';
import { sizeOf } from '../../src/core/shape.js';
import { cachedKernelCount } from '../../src/gpu/context.js';
import { gpuBackend, REFUSALS } from '../../src/gpu/index.js';
import type { GpuData } from '../../src/gpu/memory.js';
import { specOf } from '../../src/prims/table.js';
import type { PoolAttrs, PoolWindow, Meta } from '../../src/core/primitives.js';

afterEach(() => setCurrentDevice('cpu'));

let seed = 777;
function rand(): number {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
}

function host(shape: readonly number[], dtype: DType, gen: () => number): Nd {
  const a = ndarray(allocate(dtype, sizeOf(shape)), shape.slice()) as Nd;
  for (let i = 0; i < a.data.length; i++) a.data[i] = gen();
  return a;
}

type PoolPrim = keyof PoolAttrs;

/** Run `prim` on both devices and compare: exactly, or within rtol. Returns the cpu result. */
function check<P extends PoolPrim>(prim: P, x: Nd, dtype: DType, attrs: PoolAttrs[P], rtol = 0): Nd {
  const out: Meta = specOf(prim).infer([{ shape: x.shape.slice(), dtype }], attrs);
  const cpu = (cpuBackend.kernels[prim] as unknown as (i: Nd[], a: PoolAttrs[P], o: Meta) => Nd)([x], attrs, out);
  const up = gpuBackend.upload(x, dtype);
  const gpu = (gpuBackend.kernels[prim] as unknown as (i: GpuData[], a: PoolAttrs[P], o: Meta) => GpuData)(
    [up],
    attrs,
    out
  );
  expect(gpu.shape, `${prim}: shape`).toEqual(out.shape);
  const got = copyOut(gpuBackend.download(gpu, out.shape, out.dtype), out.dtype).data;
  gpu.buf.free();
  up.buf.free();
  const want = copyOut(cpu, out.dtype).data;
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!;
    const e = want[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    const ok = rtol === 0 ? a === e : Math.abs(a - e) <= rtol * (1 + Math.abs(e));
    if (!ok)
      expect.fail(`${prim} ${JSON.stringify(attrs)} on ${JSON.stringify(x.shape)}: element ${i}: gpu ${a}, cpu ${e}`);
  }
  return cpu;
}

/** All four primitives for one input and window (avg_pool_grad on a random g of the pooled shape). */
function checkAll(x: Nd, a: PoolWindow): void {
  check('max_pool', x, 'float32', a);
  check('max_pool_argmax', x, 'float32', a);
  const y = check('avg_pool', x, 'float32', a, 1e-6);
  const g = host(y.shape, 'float32', () => rand() * 4 - 2);
  check('avg_pool_grad', g, 'float32', { ...a, shape: x.shape.slice() }, 1e-6);
}

const WINDOWS: [number[], PoolWindow][] = [
  [[2, 7, 3], { window: [3], strides: [2], padding: 'SAME' }],
  [[1, 6, 2], { window: [2], strides: [3], padding: 'VALID' }],
  [[2, 5, 6, 3], { window: [2, 2], strides: [2, 2], padding: 'VALID' }],
  [[2, 5, 6, 3], { window: [3, 3], strides: [1, 1], padding: 'SAME' }],
  [[1, 7, 4, 2], { window: [3, 2], strides: [2, 3], padding: 'SAME' }],
  [[1, 4, 5, 1], { window: [4, 5], strides: [1, 1], padding: 'SAME' }],
  [[1, 6, 6, 2], { window: [1, 1], strides: [4, 2], padding: 'SAME' }],
  [[2, 3, 4, 5, 2], { window: [2, 2, 2], strides: [1, 2, 2], padding: 'SAME' }],
  [[1, 5, 4, 3, 3], { window: [3, 2, 3], strides: [2, 1, 1], padding: 'VALID' }],
  [[1, 4, 4, 4, 1], { window: [3, 3, 3], strides: [2, 2, 2], padding: 'SAME' }],
];

describe('gpu pool kernels against the cpu kernels', () => {
  it('agree on 1, 2 and 3 spatial axes, same and valid, strides below and above the window', () => {
    for (const [shape, a] of WINDOWS)
      checkAll(
        host(shape, 'float32', () => rand() * 20 - 10),
        a
      );
  });

  it('take the first max of a window and let NaN win, as the cpu', () => {
    const ties = host([2, 5, 5, 2], 'float32', () => Math.floor(rand() * 3));
    for (const [, a] of WINDOWS.filter(([s]) => s.length === 4)) {
      check('max_pool_argmax', ties, 'float32', a);
      check('max_pool', ties, 'float32', a);
    }
    const withNaN = host([1, 4, 4, 1], 'float32', () => rand());
    withNaN.data[5] = NaN;
    withNaN.data[10] = NaN;
    const a: PoolWindow = { window: [2, 2], strides: [1, 1], padding: 'SAME' };
    const y = check('max_pool', withNaN, 'float32', a);
    expect(Number.isNaN(y.data[0]!)).toBe(true);
    check('max_pool_argmax', withNaN, 'float32', a);
  });

  it('pool integers exactly', () => {
    const x = host([2, 5, 4, 3], 'int32', () => Math.floor(rand() * 2 ** 23) - 2 ** 22);
    check('max_pool', x, 'int32', { window: [2, 3], strides: [1, 2], padding: 'SAME' });
    check('max_pool_argmax', x, 'int32', { window: [3, 3], strides: [2, 2], padding: 'VALID' });
    const u8 = host([1, 4, 4, 1], 'uint8', () => Math.floor(rand() * 256));
    check('max_pool', u8, 'uint8', { window: [2, 2], strides: [2, 2], padding: 'VALID' });
  });

  it('give empty results, and zeros for the transpose of an empty pooling', () => {
    const a: PoolWindow = { window: [3, 2], strides: [2, 2], padding: 'VALID' };
    const x = host([1, 2, 4, 1], 'float32', () => rand());
    expect(check('max_pool', x, 'float32', a).shape).toEqual([1, 0, 2, 1]);
    const g = host([1, 0, 2, 1], 'float32', () => rand());
    const dx = check('avg_pool_grad', g, 'float32', { ...a, shape: [1, 2, 4, 1] });
    expect(Array.from(dx.data)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    checkAll(
      host([0, 4, 4, 2], 'float32', () => rand()),
      { window: [2, 2], strides: [2, 2], padding: 'SAME' }
    );
  });

  it('are refused for windows of more than CHUNK cells, which the dispatcher runs on the cpu (counted)', () => {
    const big: PoolWindow = { window: [65, 65], strides: [1, 1], padding: 'VALID' };
    const m = (shape: number[]): Meta => ({ shape, dtype: 'float32' });
    for (const prim of ['max_pool', 'max_pool_argmax', 'avg_pool'] as const) {
      expect(gpuBackend.refuse!(prim, [m([1, 66, 65, 1])], big, m([1, 2, 1, 1]))).toBe(REFUSALS.window);
    }
    expect(
      gpuBackend.refuse!('avg_pool_grad', [m([1, 2, 1, 1])], { ...big, shape: [1, 66, 65, 1] }, m([1, 66, 65, 1]))
    ).toBe(REFUSALS.window);
    expect(
      gpuBackend.refuse!('max_pool', [m([1, 66, 64, 1])], { ...big, window: [64, 64] }, m([1, 3, 1, 1]))
    ).toBeNull();

    const x = host([1, 66, 65, 1], 'float32', () => rand() * 2 - 1);
    const want = copyOut(
      K.eval(K.pool2d(K.constant(x), [65, 65], [1, 1], 'valid', 'channels_last', 'avg')),
      'float32'
    ).data;
    const before = K.memory_info().cpuFallbacks[REFUSALS.window] ?? 0;
    setCurrentDevice('gpu');
    const got = copyOut(
      K.eval(K.pool2d(K.constant(x), [65, 65], [1, 1], 'valid', 'channels_last', 'avg')),
      'float32'
    ).data;
    expect(K.memory_info().cpuFallbacks[REFUSALS.window]).toBe(before + 1);
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  it('compile one kernel per spatial rank and mode, reused for every size', () => {
    checkAll(
      host([1, 5, 5, 2], 'float32', () => rand()),
      { window: [2, 2], strides: [1, 1], padding: 'SAME' }
    );
    const n = cachedKernelCount();
    checkAll(
      host([3, 9, 7, 4], 'float32', () => rand()),
      { window: [3, 2], strides: [2, 1], padding: 'VALID' }
    );
    expect(cachedKernelCount()).toBe(n);
  });
});

describe('pool2d, pool3d and local_conv on the gpu device', () => {
  it('run on the gpu and agree with the cpu device, gradients included', () => {
    const x2 = host([2, 6, 5, 3], 'float32', () => rand() * 4 - 2);
    const x3 = host([1, 4, 5, 3, 2], 'float32', () => rand() * 4 - 2);
    const runs: [string, (x: K.Tensor) => K.Tensor, Nd][] = [
      ['pool2d max same', (x) => K.pool2d(x, [3, 3], [2, 2], 'same', 'channels_last', 'max'), x2],
      ['pool2d avg channels_first', (x) => K.pool2d(x, [2, 3], [1, 2], 'same', 'channels_first', 'avg'), x2],
      ['pool3d max valid', (x) => K.pool3d(x, [2, 2, 2], [1, 2, 1], 'valid', 'channels_last', 'max'), x3],
      ['pool3d avg same', (x) => K.pool3d(x, [3, 2, 2], [2, 2, 1], 'same', 'channels_last', 'avg'), x3],
    ];
    for (const [label, f, value] of runs) {
      const results = (['cpu', 'gpu'] as const).map((d) => {
        K.set_device(d);
        const x = K.variable(value);
        const y = f(x);
        const [g] = K.gradients(K.sum(K.square(y)), [x]);
        if (d === 'gpu') {
          expect(y.storage?.device, label).toBe('gpu');
          expect(g!.storage?.device, label).toBe('gpu');
        }
        return [y.toArray(), g!.toArray()] as const;
      });
      const flat = (v: unknown) => (v as number[]).flat(8) as number[];
      for (const k of [0, 1]) {
        const [c, gp] = [flat(results[0]![k]), flat(results[1]![k])];
        expect(gp.length, label).toBe(c.length);
        c.forEach((e, i) =>
          expect(Math.abs(gp[i]! - e), `${label} ${k === 0 ? 'value' : 'gradient'} ${i}`).toBeLessThanOrEqual(
            1e-5 * (1 + Math.abs(e))
          )
        );
      }
    }
  });
});
