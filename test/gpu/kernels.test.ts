// The gpu backend's kernels against the cpu kernels, primitive by primitive:
// random inputs of ranks 0..6 with broadcasting, non-contiguous host inputs
// (transposed, sliced, reversed on the cpu before upload), every dtype each
// primitive accepts, and the numeric edge cases (NaN, infinities, overflow,
// ties, empty axes). Called directly through gpuBackend.kernels and through
// the dispatcher on the gpu device.
//
// Tolerances (float32 results; |gpu - cpu| <= atol + rtol * |cpu|), measured
// on Mesa llvmpipe (headlessgl) with margin; webasm is tighter:
//   + - * / neg abs sqrt, round, sign, compare, max/min, shapes   exact
//   exp          rtol 1e-5 (GLSL exp: 7e-7 for |x| < 10, 3.9e-6 at x = 88)
//   log          rtol 1e-6 (2.5e-7)       sin, cos  atol 5e-7 (6e-8, |x| <= 1e6;
//                                         GLSL's range reduction fails beyond 1e7)
//   tanh         rtol 2e-6 (7.5e-7)       sigmoid   rtol 1e-5 (1.9e-6)
//   softplus     rtol 1e-5 (3.7e-6)       pow       rtol 2e-5 (6.6e-6)
//   sum          1e-6 * sum|x| (blocked float32 sums; the cpu adds in float64)
//   prod         rtol 1e-5                matmul    1e-6 * (|x| @ |y|)
// Everywhere atol >= 1.2e-38: GL flushes float32 denormals to zero.
// Integers and bools are exact (values within 2^24).
import ndarray from 'ndarray';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { cpuBackend } from '../../src/cpu/index.js';
import { copyOut, type Nd } from '../../src/core/ndarray.js';
import { currentDevice, disposeStorage, fallbacks, setCurrentDevice } from '../../src/device/dispatcher.js';
import { allocate, storageOf, type DType } from '../../src/core/dtype.js';
import { sizeOf } from '../../src/core/shape.js';
import { cpuStorage } from '../../src/core/storage.js';
import { Tensor } from '../../src/core/tensor.js';
import { apply } from '../../src/prims/apply.js';
import { gpuBackend, gpuMode, gpuRenderer, maxElements, maxTextureSize, REFUSALS } from '../../src/gpu/index.js';
import { cachedKernelCount, kernelFor, runKernel } from '../../src/gpu/context.js';
import type { GpuData } from '../../src/gpu/memory.js';
import { specOf } from '../../src/prims/table.js';
import { elementwisePrims } from '../../src/prims/elementwise.js';
import { linalgPrims } from '../../src/prims/linalg.js';
import { reducePrims } from '../../src/prims/reduce.js';
import { shapePrims } from '../../src/prims/shape.js';
import { statePrims } from '../../src/prims/state.js';
import { activationPrims } from '../../src/prims/activation.js';
import { generator, host, LAYOUTS, type Layout } from './hostdata.js';
import * as lax from '../../src/prims/lax.js';
import type { Inputs, KernelPrim, Prim, PrimAttrs, Meta } from '../../src/core/primitives.js';

afterEach(() => setCurrentDevice('cpu'));

// ---------------------------------------------------------------- inputs

const { uniform, integers, valuesFor } = generator(12345);

/** A host array holding exactly `values` (contiguous, 1-D unless `shape` is given). */
function fromValues(values: readonly number[], dtype: DType, shape: readonly number[] = [values.length]): Nd {
  const a = allocate(dtype, values.length);
  values.forEach((v, i) => (a[i] = v));
  return ndarray(a, shape.slice()) as Nd;
}

// The float32 edge cases every float kernel sees.
const EDGES = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  3,
  -3,
  1e-3,
  -1e-3,
  1e-30,
  -1e-30,
  20,
  -20,
  50,
  -50,
  88,
  89,
  -100,
  100,
  1e30,
  -1e30,
  3.4e38,
  -3.4e38,
  Infinity,
  -Infinity,
  NaN,
];

/** Every pair of EDGES, as two flat arrays. */
function edgePairs(dtype: DType = 'float32'): [Nd, Nd] {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const a of EDGES)
    for (const b of EDGES) {
      xs.push(a);
      ys.push(b);
    }
  return [fromValues(xs, dtype), fromValues(ys, dtype)];
}

// ---------------------------------------------------------------- comparing

interface Tol {
  rtol: number;
  atol: number;
}
const FLT_MIN = 1.2e-38;
const EXACT: Tol = { rtol: 0, atol: FLT_MIN };

function metaOf(x: Nd, dtype: DType): Meta {
  return { shape: x.shape.slice(), dtype };
}

/** Values of a gpu result, as a fresh host array (and its buffer freed). */
function fetch(d: GpuData, out: Meta): Nd {
  const h = gpuBackend.download(d, out.shape, out.dtype);
  d.buf.free();
  return h;
}

/** Elementwise agreement: NaN with NaN, infinities exactly, else within tol; `scale` widens atol per element. */
function expectAgree(label: string, got: Nd, want: Nd, dtype: DType, tol: Tol, scale?: ArrayLike<number>): void {
  expect(got.shape, `${label}: shape`).toEqual(want.shape);
  expect(got.data, `${label}: storage`).toBeInstanceOf(storageOf(dtype));
  const g = copyOut(got, dtype).data;
  const w = copyOut(want, dtype).data;
  const exact = dtype !== 'float32';
  for (let i = 0; i < w.length; i++) {
    const a = g[i]!;
    const e = w[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (!(Number.isNaN(e) && Number.isNaN(a))) expect.fail(`${label}: element ${i}: gpu ${a}, cpu ${e}`);
      continue;
    }
    if (exact || !Number.isFinite(e)) {
      if (a !== e) expect.fail(`${label}: element ${i}: gpu ${a}, cpu ${e}`);
      continue;
    }
    const bound = tol.atol + tol.rtol * Math.abs(e) + (scale ? scale[i]! * tol.rtol : 0);
    if (!(Math.abs(a - e) <= bound))
      expect.fail(`${label}: element ${i}: gpu ${a}, cpu ${e} (|diff| ${Math.abs(a - e)} > ${bound})`);
  }
}

/**
 * Run `prim` on the cpu kernel and on the gpu kernel (inputs uploaded) and
 * compare; returns the cpu result.
 */
function check<P extends Prim>(
  prim: P,
  inputs: readonly Nd[],
  dtypes: readonly DType[],
  attrs: PrimAttrs[P],
  tol: Tol = EXACT,
  scale?: (out: Meta) => ArrayLike<number>,
  label = prim as string
): Nd {
  const metas = inputs.map((x, i) => metaOf(x, dtypes[i]!));
  const out = specOf(prim).infer(metas, attrs);
  const cpu = (cpuBackend.kernels[prim as KernelPrim] as unknown as (i: Nd[], a: PrimAttrs[P], o: Meta) => Nd)(
    inputs.slice(),
    attrs,
    out
  );
  const ups = inputs.map((x, i) => gpuBackend.upload(x, dtypes[i]!));
  const gpu = (
    gpuBackend.kernels[prim as KernelPrim] as unknown as (i: GpuData[], a: PrimAttrs[P], o: Meta) => GpuData
  )(ups, attrs, out);
  expect(gpu.shape, `${label}: GpuData shape`).toEqual(out.shape);
  expect(gpu.size).toBe(sizeOf(out.shape));
  const got = fetch(gpu, out);
  for (const u of ups) if (u !== gpu) u.buf.free();
  expectAgree(label, got, cpu, out.dtype, tol, scale?.(out));
  return cpu;
}

const E = {} as Record<string, never>;
const NUMERIC: DType[] = ['float32', 'int32', 'int16', 'int8', 'uint8', 'uint16', 'int64'];
const ALL: DType[] = [...NUMERIC, 'bool'];

const UNARY_SHAPES: number[][] = [
  [],
  [7],
  [3, 4],
  [2, 3, 4],
  [2, 1, 3, 4],
  [2, 3, 1, 2, 3],
  [2, 2, 1, 3, 1, 2],
  [0, 3],
];
// Pairs of shapes that broadcast, ranks 0..6.
const BINARY_SHAPES: [number[], number[]][] = [
  [[], []],
  [[5], []],
  [[], [4]],
  [[2, 3], [3]],
  [
    [2, 3],
    [2, 3],
  ],
  [
    [2, 1, 4],
    [3, 1],
  ],
  [
    [4, 1],
    [1, 5],
  ],
  [
    [2, 3, 1, 5],
    [1, 3, 4, 1],
  ],
  [
    [2, 1, 3, 2, 2],
    [2, 4, 1, 2, 1],
  ],
  [
    [1, 2, 1, 3, 1, 2],
    [2, 1, 2, 1, 2, 1],
  ],
  [[0, 3], [3]],
  [
    [2, 0],
    [1, 1],
  ],
];

// ---------------------------------------------------------------- the mode

function glLoads(): boolean {
  try {
    createRequire(import.meta.url)('gl');
    return true;
  } catch {
    return false;
  }
}

describe('gpu.js mode', () => {
  it('runs headlessgl under an X display with the gl module, else the fallback', () => {
    const forced = process.env.KTAPE_GPU_MODE;
    const expected = forced ?? (process.env.DISPLAY && glLoads() ? 'headlessgl' : 'webasm');
    expect(gpuMode()).toBe(expected);
  });

  it('reports the renderer and the size limits of the mode', () => {
    const x = gpuBackend.upload(fromValues([1, 2, 3], 'float32'), 'float32');
    fetch(gpuBackend.kernels.neg([x], E, { shape: [3], dtype: 'float32' }), { shape: [3], dtype: 'float32' });
    const gl = ['headlessgl', 'webgl', 'webgl2'].includes(gpuMode());
    if (gl) {
      expect(gpuRenderer()).toMatch(/\S/);
      expect(maxTextureSize()).toBeGreaterThanOrEqual(4096);
    } else {
      expect(gpuRenderer()).toBeNull();
      expect(maxTextureSize()).toBe(Infinity);
    }
    expect(maxElements()).toBe(Math.min(2 ** 24, maxTextureSize() ** 2));
  });
});

// ---------------------------------------------------------------- upload, download

describe('upload and download', () => {
  it.each(ALL)('round-trips %s exactly, in a new contiguous array of its typed array', (dtype) => {
    for (const layout of LAYOUTS) {
      const x = host([3, 4, 2], dtype, valuesFor(dtype), layout);
      const d = gpuBackend.upload(x, dtype);
      expect(d.shape).toEqual([3, 4, 2]);
      expect(d.size).toBe(24);
      const back = gpuBackend.download(d, [3, 4, 2], dtype);
      expect(back.data).toBeInstanceOf(storageOf(dtype));
      expect(back.data.length).toBe(24);
      expect(back.stride).toEqual([8, 2, 1]);
      expect(back.offset).toBe(0);
      expectAgree(`${dtype} ${layout}`, back, x, dtype, EXACT);
      const again = gpuBackend.download(d, [3, 4, 2], dtype);
      expect(again.data).not.toBe(back.data);
      d.buf.free();
    }
  });

  it('keeps NaN, infinities and signed zeros of float32', () => {
    const x = fromValues(EDGES, 'float32');
    const d = gpuBackend.upload(x, 'float32');
    const back = gpuBackend.download(d, [EDGES.length], 'float32');
    expectAgree('edges', back, x, 'float32', EXACT);
    expect(Object.is(back.data[1], -0)).toBe(true);
  });

  it('handles scalars and empty tensors', () => {
    const s = gpuBackend.upload(fromValues([7.5], 'float32', []), 'float32');
    expect(Array.from(gpuBackend.download(s, [], 'float32').data)).toEqual([7.5]);
    const e = gpuBackend.upload(host([0, 3], 'int8', valuesFor('int8')), 'int8');
    expect(e.size).toBe(0);
    const back = gpuBackend.download(e, [0, 3], 'int8');
    expect(back.shape).toEqual([0, 3]);
    expect(back.data).toBeInstanceOf(Int8Array);
  });

  it('rounds integers beyond 2^24 to float32 (the documented limit)', () => {
    const x = fromValues([2 ** 24 + 1, -(2 ** 24) - 1, 2 ** 24], 'int32');
    const back = gpuBackend.download(gpuBackend.upload(x, 'int32'), [3], 'int32');
    expect(Array.from(back.data)).toEqual([2 ** 24, -(2 ** 24), 2 ** 24]);
  });
});

// ---------------------------------------------------------------- elementwise

// sin and cos are ktape's (GLSL's vary by driver): within 1.2e-7 of the cpu for
// |x| <= 1e4 (1e-6 at 1e5), their float32 range reduction failing beyond about 1e5.
const TRIG_RANGE = 1e4;
const UNARY_FLOAT: { prim: Prim; tol: Tol; gen: () => number }[] = [
  { prim: 'exp', tol: { rtol: 1e-5, atol: FLT_MIN }, gen: uniform(-87, 88) },
  { prim: 'log', tol: { rtol: 1e-6, atol: FLT_MIN }, gen: () => Math.exp(uniform(-60, 60)()) },
  { prim: 'sqrt', tol: EXACT, gen: () => Math.exp(uniform(-60, 60)()) },
  { prim: 'sin', tol: { rtol: 0, atol: 5e-7 }, gen: uniform(-TRIG_RANGE, TRIG_RANGE) },
  { prim: 'cos', tol: { rtol: 0, atol: 5e-7 }, gen: uniform(-TRIG_RANGE, TRIG_RANGE) },
  { prim: 'tanh', tol: { rtol: 2e-6, atol: FLT_MIN }, gen: uniform(-20, 20) },
  { prim: 'sigmoid', tol: { rtol: 1e-5, atol: FLT_MIN }, gen: uniform(-30, 30) },
  { prim: 'softplus', tol: { rtol: 1e-5, atol: FLT_MIN }, gen: uniform(-80, 80) },
];

for (const { prim, tol, gen } of UNARY_FLOAT) {
  describe(prim, () => {
    it('matches the cpu on random float32 inputs of ranks 0..6, any layout', () => {
      for (const shape of UNARY_SHAPES) {
        for (const layout of LAYOUTS)
          check(
            prim,
            [host(shape, 'float32', gen, layout)],
            ['float32'],
            E,
            tol,
            undefined,
            `${prim} ${layout} [${shape}]`
          );
      }
    });
    it('matches the cpu on the edge cases (NaN, infinities, overflow, tiny values)', () => {
      const trig = prim === 'sin' || prim === 'cos';
      const edges = trig ? EDGES.filter((v) => !(Math.abs(v) > TRIG_RANGE && Number.isFinite(v))) : EDGES;
      check(prim, [fromValues(edges, 'float32')], ['float32'], E, tol);
    });
    it('matches the cpu near its delicate points', () => {
      check(prim, [host([2000], 'float32', uniform(-1, 1))], ['float32'], E, tol);
      check(prim, [host([2000], 'float32', uniform(0.5, 2))], ['float32'], E, tol);
    });
  });
}

const UNARY_NUMERIC: { prim: Prim; gen?: () => number }[] = [
  { prim: 'neg' },
  { prim: 'abs' },
  { prim: 'sign' },
  { prim: 'round', gen: () => Math.round(uniform(-40, 40)()) / 4 },
];

for (const { prim, gen } of UNARY_NUMERIC) {
  describe(prim, () => {
    it('matches the cpu exactly for every numeric dtype, ranks 0..6, any layout', () => {
      for (const dtype of NUMERIC) {
        for (const shape of UNARY_SHAPES) {
          for (const layout of LAYOUTS) {
            const g = dtype === 'float32' && gen ? gen : valuesFor(dtype);
            check(
              prim,
              [host(shape, dtype, g, layout)],
              [dtype],
              E,
              EXACT,
              undefined,
              `${prim} ${dtype} ${layout} [${shape}]`
            );
          }
        }
      }
    });
    it('matches the cpu on the edge cases (NaN, -0, infinities, halves, integer extremes)', () => {
      check(prim, [fromValues(EDGES, 'float32')], ['float32'], E);
      check(prim, [fromValues([-128, 127, 0, -1], 'int8')], ['int8'], E);
      check(prim, [fromValues([0, 1, 255], 'uint8')], ['uint8'], E);
      check(prim, [fromValues([-32768, 32767, 5], 'int16')], ['int16'], E);
    });
  });
}

describe('sign', () => {
  it('gives NaN for NaN and keeps the zero', () => {
    const out = { shape: [3], dtype: 'float32' as const };
    const got = fetch(
      gpuBackend.kernels.sign([gpuBackend.upload(fromValues([NaN, 0, -5], 'float32'), 'float32')], E, out),
      out
    );
    expect(got.data[0]).toBeNaN();
    expect(Array.from(got.data.subarray(1))).toEqual([0, -1]);
  });
});

describe('round', () => {
  it('rounds half to even', () => {
    const xs = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 4.5, 1e7 + 0.5, 2 ** 23 + 1];
    const out = { shape: [xs.length], dtype: 'float32' as const };
    const got = fetch(gpuBackend.kernels.round([gpuBackend.upload(fromValues(xs, 'float32'), 'float32')], E, out), out);
    expect(Array.from(got.data).map((v) => v + 0)).toEqual([-2, -2, 0, 0, 2, 2, 4, 4, 1e7, 2 ** 23 + 1]);
  });
});

describe('tanh', () => {
  it('saturates instead of overflowing (GLSL tanh(50) is NaN)', () => {
    const out = { shape: [4], dtype: 'float32' as const };
    const got = fetch(
      gpuBackend.kernels.tanh([gpuBackend.upload(fromValues([50, -50, 1e30, 1e-30], 'float32'), 'float32')], E, out),
      out
    );
    expect(Array.from(got.data)).toEqual([1, -1, 1, Math.fround(1e-30)]);
  });
});

const BINARY: { prim: Prim; dtypes: DType[]; tol: Tol; gen?: (d: DType) => () => number }[] = [
  { prim: 'add', dtypes: NUMERIC, tol: EXACT },
  { prim: 'sub', dtypes: NUMERIC, tol: EXACT },
  // int16/uint16/int32/int64 products stay below 2^24 (exact); int8/uint8 products wrap.
  {
    prim: 'mul',
    dtypes: NUMERIC,
    tol: EXACT,
    gen: (d) =>
      ['int16', 'int32', 'int64'].includes(d)
        ? integers(-4096, 4096)
        : d === 'uint16'
          ? integers(0, 4096)
          : valuesFor(d),
  },
  { prim: 'div', dtypes: ['float32'], tol: EXACT },
  { prim: 'pow', dtypes: ['float32'], tol: { rtol: 2e-5, atol: FLT_MIN }, gen: () => uniform(-5, 5) },
  { prim: 'maximum', dtypes: NUMERIC, tol: EXACT },
  { prim: 'minimum', dtypes: NUMERIC, tol: EXACT },
  { prim: 'equal', dtypes: ALL, tol: EXACT, gen: (d) => (d === 'bool' ? integers(0, 1) : integers(-2, 2)) },
  { prim: 'not_equal', dtypes: ALL, tol: EXACT, gen: (d) => (d === 'bool' ? integers(0, 1) : integers(-2, 2)) },
  { prim: 'greater', dtypes: ALL, tol: EXACT, gen: (d) => (d === 'bool' ? integers(0, 1) : integers(0, 3)) },
  { prim: 'greater_equal', dtypes: ALL, tol: EXACT, gen: (d) => (d === 'bool' ? integers(0, 1) : integers(0, 3)) },
  { prim: 'less', dtypes: ALL, tol: EXACT, gen: (d) => (d === 'bool' ? integers(0, 1) : integers(0, 3)) },
  { prim: 'less_equal', dtypes: ALL, tol: EXACT, gen: (d) => (d === 'bool' ? integers(0, 1) : integers(0, 3)) },
];

for (const { prim, dtypes, tol, gen } of BINARY) {
  describe(prim, () => {
    it('matches the cpu with broadcasting, ranks 0..6, every dtype it takes', () => {
      for (const dtype of dtypes) {
        const g = gen?.(dtype) ?? valuesFor(dtype);
        for (const [sa, sb] of BINARY_SHAPES) {
          check(
            prim,
            [host(sa, dtype, g), host(sb, dtype, g)],
            [dtype, dtype],
            E,
            tol,
            undefined,
            `${prim} ${dtype} [${sa}] [${sb}]`
          );
        }
      }
    });
    it('matches the cpu on non-contiguous inputs', () => {
      for (const layout of LAYOUTS) {
        const g = gen?.('float32') ?? valuesFor('float32');
        check(
          prim,
          [host([3, 4, 5], 'float32', g, layout), host([4, 1], 'float32', g, layout)],
          ['float32', 'float32'],
          E,
          tol,
          undefined,
          `${prim} ${layout}`
        );
        check(
          prim,
          [host([2, 3], 'float32', g, 'transposed'), host([2, 3], 'float32', g, layout)],
          ['float32', 'float32'],
          E,
          tol,
          undefined,
          `${prim} T ${layout}`
        );
      }
    });
    it('matches the cpu on every pair of edge cases', () => {
      const [x, y] = edgePairs();
      check(prim, [x, y], ['float32', 'float32'], E, tol);
    });
  });
}

describe('add', () => {
  it('wraps fixed-width integers like the cpu typed arrays', () => {
    check('add', [fromValues([127, -128, 100], 'int8'), fromValues([1, -1, 100], 'int8')], ['int8', 'int8'], E);
    check('add', [fromValues([255, 0], 'uint8'), fromValues([1, 0], 'uint8')], ['uint8', 'uint8'], E);
    check('sub', [fromValues([0, 5], 'uint16'), fromValues([1, 6], 'uint16')], ['uint16', 'uint16'], E);
    check('add', [fromValues([32767, -32768], 'int16'), fromValues([1, -1], 'int16')], ['int16', 'int16'], E);
  });
});

describe('pow', () => {
  it('follows Math.pow for negative bases, zero, one and infinite exponents', () => {
    const xs = [-2, -2, -2, -8, 0, 0, 0, 1, 1, NaN, -1, 2, 0.5, -Infinity, -Infinity, 3];
    const ys = [3, 2, 0.5, -3, 2, 0, -1, Infinity, NaN, 0, Infinity, -Infinity, Infinity, 3, -2, 2];
    const cpu = check('pow', [fromValues(xs, 'float32'), fromValues(ys, 'float32')], ['float32', 'float32'], E, EXACT);
    expect(Array.from(cpu.data).slice(0, 2)).toEqual([-8, 4]);
  });
});

describe('maximum', () => {
  it('propagates NaN from either side (GLSL max drops it)', () => {
    const out = { shape: [2], dtype: 'float32' as const };
    const got = fetch(
      gpuBackend.kernels.maximum(
        [
          gpuBackend.upload(fromValues([NaN, 1], 'float32'), 'float32'),
          gpuBackend.upload(fromValues([1, NaN], 'float32'), 'float32'),
        ],
        E,
        out
      ),
      out
    );
    expect(got.data[0]).toBeNaN();
    expect(got.data[1]).toBeNaN();
  });
});

describe('where', () => {
  it('matches the cpu with three-way broadcasting for every dtype', () => {
    for (const dtype of ALL) {
      const g = valuesFor(dtype);
      const shapes: [number[], number[], number[]][] = [
        [[], [], []],
        [[4], [], [4]],
        [[2, 1, 3], [4, 1], [3]],
        [[2, 3, 1, 1, 2], [1, 3, 2, 2, 1], [2]],
        [[1, 2, 1, 2, 1, 2], [2, 1, 2, 1, 2, 1], []],
        [[0], [1], [1]],
      ];
      for (const [sc, sa, sb] of shapes) {
        check(
          'where',
          [host(sc, 'bool', integers(0, 1)), host(sa, dtype, g), host(sb, dtype, g)],
          ['bool', dtype, dtype],
          E,
          EXACT,
          undefined,
          `where ${dtype} [${sc}] [${sa}] [${sb}]`
        );
      }
    }
  });
  it('matches the cpu on non-contiguous inputs and NaN branches', () => {
    for (const layout of LAYOUTS) {
      check(
        'where',
        [
          host([3, 4], 'bool', integers(0, 1), layout),
          host([3, 4], 'float32', uniform(-1, 1), layout),
          fromValues([NaN, Infinity, -0, 1], 'float32', [4]),
        ],
        ['bool', 'float32', 'float32'],
        E
      );
    }
  });
});

describe('cast', () => {
  const fromFloat = [
    0,
    -0,
    0.5,
    -0.5,
    0.99,
    -0.99,
    1.5,
    -1.5,
    127.9,
    128,
    -128.5,
    -129,
    255.5,
    256,
    300.7,
    -300.7,
    32767.5,
    32768,
    -32769,
    65535.9,
    65536,
    70000,
    2 ** 31,
    -(2 ** 31),
    3e9,
    -3e9,
    2 ** 31 - 128,
    1e20,
    -1e20,
    3.4e38,
    Infinity,
    -Infinity,
    NaN,
  ];
  it('from float32 to every dtype: truncates toward zero and wraps like the typed arrays; NaN and infinities', () => {
    for (const to of ALL) {
      if (to === 'float32') continue;
      check(
        'cast',
        [fromValues(fromFloat, 'float32')],
        ['float32'],
        { dtype: to },
        EXACT,
        undefined,
        `cast float32 -> ${to}`
      );
    }
  });
  it('between every pair of integer and bool dtypes, any layout', () => {
    for (const from of ALL) {
      for (const to of ALL) {
        if (from === to) continue;
        for (const layout of LAYOUTS) {
          check(
            'cast',
            [host([2, 3, 4], from, valuesFor(from), layout)],
            [from],
            { dtype: to },
            EXACT,
            undefined,
            `cast ${from} -> ${to} ${layout}`
          );
        }
      }
    }
  });
  it('keeps ranks 0..6', () => {
    for (const shape of UNARY_SHAPES)
      check('cast', [host(shape, 'float32', uniform(-300, 300))], ['float32'], { dtype: 'int8' });
  });
});

// ---------------------------------------------------------------- reductions

/** The cpu's sum of |x| over the same axes: the scale of a float32 sum's rounding error. */
function absSum(x: Nd, axes: number[], keepdims: boolean): (out: Meta) => ArrayLike<number> {
  return (out) => {
    const a = cpuBackend.kernels.abs([x], E, { shape: x.shape, dtype: 'float32' });
    return copyOut(cpuBackend.kernels.sum([a], { axes, keepdims }, out), 'float32').data;
  };
}

const REDUCE_CASES: { shape: number[]; axes: number[] }[] = [
  { shape: [], axes: [] },
  { shape: [7], axes: [0] },
  { shape: [7], axes: [] },
  { shape: [3, 4], axes: [0] },
  { shape: [3, 4], axes: [1] },
  { shape: [3, 4], axes: [0, 1] },
  { shape: [2, 3, 4], axes: [0, 2] },
  { shape: [2, 3, 4, 5], axes: [1, 3] },
  { shape: [2, 3, 4, 5], axes: [0, 1, 2] },
  { shape: [2, 3, 2, 3, 2], axes: [0, 2, 4] },
  { shape: [2, 1, 3, 2, 1, 3], axes: [1, 3, 5] },
  { shape: [3, 300], axes: [1] },
  { shape: [1000, 3], axes: [0] },
  { shape: [0, 3], axes: [0] },
  { shape: [3, 0], axes: [1] },
  { shape: [0, 3], axes: [1] },
];

for (const prim of ['sum', 'prod', 'max', 'min'] as const) {
  describe(prim, () => {
    const dtypes = prim === 'sum' || prim === 'prod' ? NUMERIC : ALL;
    it('matches the cpu over any axes, keepdims or not, every dtype, any layout', () => {
      for (const dtype of dtypes) {
        // Integer results are exact within 2^24: small factors for products, small int32/int64 terms for sums.
        const g =
          prim === 'prod'
            ? dtype === 'float32'
              ? uniform(0.5, 1.5)
              : dtype === 'uint8' || dtype === 'uint16'
                ? integers(0, 2)
                : integers(-2, 2)
            : prim === 'sum' && dtype !== 'float32' && dtype !== 'int8' && dtype !== 'uint8'
              ? integers(dtype === 'uint16' ? 0 : -8192, 8192)
              : valuesFor(dtype);
        for (const { shape, axes } of REDUCE_CASES) {
          if ((dtype === 'int32' || dtype === 'int64') && (prim === 'max' || prim === 'min') && shape.includes(0))
            continue;
          if (prim === 'prod' && sizeOf(shape) > 30 && dtype !== 'float32') continue;
          for (const keepdims of [false, true]) {
            for (const layout of LAYOUTS) {
              const x = host(shape, dtype, g, layout);
              const label = `${prim} ${dtype} [${shape}] axes ${axes} keepdims ${keepdims} ${layout}`;
              if (prim === 'sum' && dtype === 'float32')
                check(
                  prim,
                  [x],
                  [dtype],
                  { axes, keepdims },
                  { rtol: 1e-6, atol: FLT_MIN },
                  absSum(x, axes, keepdims),
                  label
                );
              else if (prim === 'prod' && dtype === 'float32')
                check(prim, [x], [dtype], { axes, keepdims }, { rtol: 1e-5, atol: FLT_MIN }, undefined, label);
              else check(prim, [x], [dtype], { axes, keepdims }, EXACT, undefined, label);
            }
          }
        }
      }
    });
    it('matches the cpu with NaN and infinities (NaN wins max/min)', () => {
      const x = fromValues([1, NaN, 3, -Infinity, Infinity, 2, 5, 0, -1, NaN, NaN, Infinity], 'float32', [4, 3]);
      check(prim, [x], ['float32'], { axes: [0], keepdims: false });
      check(prim, [x], ['float32'], { axes: [1], keepdims: true });
    });
  });
}

describe('sum', () => {
  it('is accurate over a long axis (blocked float32 additions)', () => {
    const x = host([2, 100000], 'float32', uniform(-1, 1));
    check(
      'sum',
      [x],
      ['float32'],
      { axes: [1], keepdims: false },
      { rtol: 1e-6, atol: FLT_MIN },
      absSum(x, [1], false)
    );
  });
  it('folds more elements than one pass loops over (GL drivers cap a shader at 65535 iterations)', () => {
    for (const [shape, axes] of [
      [[3, 70000], [1]],
      [[70000, 2], [0]],
      [
        [3, 100, 2, 50],
        [1, 3],
      ],
      [
        [5, 9000, 2],
        [0, 1, 2],
      ],
    ] as [number[], number[]][]) {
      for (const layout of ['plain', 'transposed'] as Layout[]) {
        const x = host(shape, 'float32', uniform(-1, 1), layout);
        check(
          'sum',
          [x],
          ['float32'],
          { axes, keepdims: false },
          { rtol: 1e-6, atol: FLT_MIN },
          absSum(x, axes, false),
          `sum [${shape}] ${axes} ${layout}`
        );
        check('max', [x], ['float32'], { axes, keepdims: true }, EXACT, undefined, `max [${shape}] ${axes} ${layout}`);
        check(
          'argmin',
          [x],
          ['float32'],
          { axis: axes[0]! },
          EXACT,
          undefined,
          `argmin [${shape}] ${axes[0]} ${layout}`
        );
      }
    }
    const ints = host([2, 20000], 'int8', valuesFor('int8'));
    check('sum', [ints], ['int8'], { axes: [1], keepdims: false });
    const ones = fromValues(new Array(300000).fill(1), 'float32');
    const out = fetch(
      gpuBackend.kernels.sum(
        [gpuBackend.upload(ones, 'float32')],
        { axes: [0], keepdims: false },
        { shape: [], dtype: 'float32' }
      ),
      { shape: [], dtype: 'float32' }
    );
    expect(out.data[0]).toBe(300000);
  });
  it('wraps integer sums like the cpu', () => {
    check('sum', [fromValues([100, 100, 100], 'int8')], ['int8'], { axes: [0], keepdims: false });
    check('sum', [fromValues([200, 200], 'uint8')], ['uint8'], { axes: [0], keepdims: false });
  });
});

describe('max', () => {
  it('of an empty axis is the identity: -Infinity, or the dtype minimum', () => {
    for (const dtype of ['float32', 'int8', 'int16', 'uint8', 'uint16', 'bool'] as DType[]) {
      check('max', [host([0, 2], dtype, valuesFor(dtype))], [dtype], { axes: [0], keepdims: false });
      check('min', [host([0, 2], dtype, valuesFor(dtype))], [dtype], { axes: [0], keepdims: false });
    }
  });
  it('of an empty int32/int64 axis is refused (its identity is not a float32)', () => {
    for (const dtype of ['int32', 'int64'] as DType[]) {
      const x = { shape: [0, 2], dtype };
      expect(gpuBackend.refuse!('max', [x], { axes: [0], keepdims: false }, { shape: [2], dtype })).toBe(
        REFUSALS.identity
      );
      expect(gpuBackend.refuse!('min', [x], { axes: [0], keepdims: false }, { shape: [2], dtype })).toBe(
        REFUSALS.identity
      );
      expect(
        gpuBackend.refuse!('max', [{ shape: [1, 2], dtype }], { axes: [0], keepdims: false }, { shape: [2], dtype })
      ).toBeNull();
    }
  });
});

for (const prim of ['argmax', 'argmin'] as const) {
  describe(prim, () => {
    it('matches the cpu along each axis, every dtype, any layout', () => {
      for (const dtype of ALL) {
        for (const shape of [[7], [3, 4], [2, 3, 4], [2, 3, 1, 4], [2, 2, 3, 2, 2], [2, 1, 2, 3, 1, 2]]) {
          for (let axis = 0; axis < shape.length; axis++) {
            for (const layout of LAYOUTS) {
              check(
                prim,
                [host(shape, dtype, integers(0, dtype === 'bool' ? 1 : 3), layout)],
                [dtype],
                { axis },
                EXACT,
                undefined,
                `${prim} ${dtype} [${shape}] axis ${axis} ${layout}`
              );
            }
          }
        }
      }
    });
    it('returns the first index of tied extremes, and handles NaN and infinities as the cpu', () => {
      const x = fromValues(
        [
          2,
          5,
          5,
          1,
          1,
          0,
          NaN,
          3,
          3,
          -Infinity,
          -Infinity,
          1,
          Infinity,
          NaN,
          Infinity,
          0,
          NaN,
          1,
          2,
          0,
          NaN,
          NaN,
          NaN,
          NaN,
        ],
        'float32',
        [6, 4]
      );
      const cpu = check(prim, [x], ['float32'], { axis: 1 });
      check(prim, [x], ['float32'], { axis: 0 });
      expect(cpu.data[0]).toBe(prim === 'argmax' ? 1 : 3);
      expect(cpu.data[4]).toBe(0);
      expect(cpu.data).toBeInstanceOf(Float64Array);
    });
    it('finds the first extreme across passes, NaN anywhere', () => {
      const x = host([2, 10000], 'float32', integers(0, 50));
      for (const i of [0, 4095, 4096, 4097, 9999]) x.set(1, i, NaN);
      x.set(0, 9000, 100);
      x.set(0, 9500, 100);
      x.set(0, 5000, -100);
      x.set(1, 0, 1000);
      check(prim, [x], ['float32'], { axis: 1 });
      x.set(1, 0, NaN);
      const cpu = check(prim, [x], ['float32'], { axis: 1 });
      expect(Array.from(cpu.data)).toEqual([prim === 'argmax' ? 9000 : 5000, 0]);
    });
  });
}

// ---------------------------------------------------------------- shapes

describe('reshape', () => {
  it('is free: the same buffer under a new shape', () => {
    const x = gpuBackend.upload(host([2, 3, 4], 'float32', uniform(-1, 1)), 'float32');
    const y = gpuBackend.kernels.reshape([x], { shape: [4, 6] }, { shape: [4, 6], dtype: 'float32' });
    expect(y.buf).toBe(x.buf);
    expect(y.shape).toEqual([4, 6]);
    for (const dtype of ALL) {
      for (const layout of LAYOUTS)
        check('reshape', [host([2, 3, 4], dtype, valuesFor(dtype), layout)], [dtype], { shape: [6, 1, 4] });
    }
    check('reshape', [host([], 'float32', uniform(0, 1))], ['float32'], { shape: [1, 1] });
  });
});

/** Every permutation of 0..n-1. */
function perms(n: number): number[][] {
  if (n === 0) return [[]];
  return perms(n - 1).flatMap((p) => [...Array(n).keys()].map((i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

describe('transpose', () => {
  it('matches the cpu for every permutation of ranks 0..4 and sampled ones of ranks 5, 6', () => {
    const shapes = [[], [5], [2, 3], [2, 3, 4], [2, 3, 1, 4]];
    for (const shape of shapes)
      for (const perm of perms(shape.length))
        check('transpose', [host(shape, 'float32', uniform(-1, 1))], ['float32'], { perm });
    for (const perm of [
      [4, 3, 2, 1, 0],
      [1, 0, 3, 2, 4],
      [0, 2, 4, 1, 3],
    ])
      check('transpose', [host([2, 3, 2, 1, 3], 'float32', uniform(-1, 1))], ['float32'], { perm });
    for (const perm of [
      [5, 4, 3, 2, 1, 0],
      [1, 3, 5, 0, 2, 4],
    ])
      check('transpose', [host([2, 1, 3, 2, 2, 3], 'int16', valuesFor('int16'))], ['int16'], { perm });
  });
  it('matches the cpu for every dtype and layout', () => {
    for (const dtype of ALL)
      for (const layout of LAYOUTS)
        check('transpose', [host([3, 4, 2], dtype, valuesFor(dtype), layout)], [dtype], { perm: [2, 0, 1] });
  });
});

describe('broadcast_to', () => {
  it('matches the cpu for ranks 0..6, every dtype, any layout', () => {
    const cases: [number[], number[]][] = [
      [[], [3, 2]],
      [[3], [2, 3]],
      [
        [2, 1],
        [2, 5],
      ],
      [
        [1, 3, 1],
        [4, 3, 2],
      ],
      [
        [2, 1, 3, 1],
        [5, 2, 4, 3, 2],
      ],
      [
        [1, 2, 1, 2],
        [2, 3, 1, 2, 4, 2],
      ],
      [
        [0, 1],
        [0, 4],
      ],
    ];
    for (const dtype of ALL) {
      for (const [from, to] of cases) {
        for (const layout of LAYOUTS)
          check(
            'broadcast_to',
            [host(from, dtype, valuesFor(dtype), layout)],
            [dtype],
            { shape: to },
            EXACT,
            undefined,
            `broadcast_to ${dtype} [${from}] -> [${to}] ${layout}`
          );
      }
    }
  });
});

describe('slice', () => {
  it('matches the cpu for random windows, ranks 0..6, every dtype, any layout', () => {
    const shapes = [[], [9], [4, 5], [3, 4, 5], [2, 3, 4, 5], [3, 2, 3, 2, 3], [2, 3, 2, 3, 2, 3]];
    for (const dtype of ALL) {
      for (const shape of shapes) {
        for (const layout of LAYOUTS) {
          const size = shape.map((d) => integers(0, d)());
          const begin = shape.map((d, i) => integers(0, d - size[i]!)());
          check(
            'slice',
            [host(shape, dtype, valuesFor(dtype), layout)],
            [dtype],
            { begin, size },
            EXACT,
            undefined,
            `slice ${dtype} [${shape}] ${begin} ${size} ${layout}`
          );
        }
      }
    }
  });
});

describe('pad', () => {
  it('matches the cpu for ranks 0..6, every dtype, any layout, empty inputs', () => {
    const shapes = [[], [4], [3, 2], [2, 3, 2], [2, 1, 3, 2], [1, 2, 2, 1, 2], [2, 1, 2, 1, 2, 1], [0, 3]];
    for (const dtype of ALL) {
      for (const shape of shapes) {
        for (const layout of LAYOUTS) {
          const pads = shape.map(() => [integers(0, 2)(), integers(0, 2)()] as [number, number]);
          check(
            'pad',
            [host(shape, dtype, valuesFor(dtype), layout)],
            [dtype],
            { pads },
            EXACT,
            undefined,
            `pad ${dtype} [${shape}] ${JSON.stringify(pads)} ${layout}`
          );
        }
      }
    }
  });
});

// ---------------------------------------------------------------- matmul, state

/** The cpu's |x| @ |y|: the scale of a float32 dot product's rounding error. */
function absMatmul(x: Nd, y: Nd): (out: Meta) => ArrayLike<number> {
  return (out) => {
    const ax = cpuBackend.kernels.abs([x], E, { shape: x.shape, dtype: 'float32' });
    const ay = cpuBackend.kernels.abs([y], E, { shape: y.shape, dtype: 'float32' });
    return copyOut(cpuBackend.kernels.matmul([ax, ay], E, out), 'float32').data;
  };
}

describe('matmul', () => {
  const cases: [number[], number[]][] = [
    [
      [2, 3],
      [3, 4],
    ],
    [
      [1, 5],
      [5, 1],
    ],
    [
      [7, 1],
      [1, 6],
    ],
    [
      [3, 300],
      [300, 2],
    ],
    [
      [2, 0],
      [0, 3],
    ],
    [
      [0, 4],
      [4, 2],
    ],
    [
      [4, 2, 3],
      [4, 3, 5],
    ],
    [
      [1, 3, 3],
      [1, 3, 3],
    ],
    [
      [3, 4, 64],
      [3, 64, 2],
    ],
    [
      [2, 0, 3],
      [2, 3, 4],
    ],
    // Longer than one pass: partial sums per chunk of k.
    [
      [2, 9000],
      [9000, 3],
    ],
    [
      [2, 3, 5000],
      [2, 5000, 2],
    ],
  ];
  it('matches the cpu, 2-D and batched 3-D, any layout', () => {
    for (const [sa, sb] of cases) {
      for (const layout of LAYOUTS) {
        const x = host(sa, 'float32', uniform(-1, 1), layout);
        const y = host(sb, 'float32', uniform(-1, 1), layout);
        check(
          'matmul',
          [x, y],
          ['float32', 'float32'],
          E,
          { rtol: 1e-6, atol: FLT_MIN },
          absMatmul(x, y),
          `matmul [${sa}] [${sb}] ${layout}`
        );
      }
    }
  });
  it('is exact for integer dtypes (wrapping int8 like the cpu)', () => {
    for (const dtype of NUMERIC.filter((d) => d !== 'float32')) {
      const g = dtype === 'int8' || dtype === 'uint8' ? valuesFor(dtype) : integers(0, 60);
      check(
        'matmul',
        [host([3, 4], dtype, g), host([4, 2], dtype, g)],
        [dtype, dtype],
        E,
        EXACT,
        undefined,
        `matmul ${dtype}`
      );
      check(
        'matmul',
        [host([2, 3, 4], dtype, g, 'transposed'), host([2, 4, 2], dtype, g)],
        [dtype, dtype],
        E,
        EXACT,
        undefined,
        `matmul ${dtype} batched`
      );
    }
  });
  it('propagates NaN and infinities like the cpu', () => {
    const x = fromValues([1, NaN, 2, 3, Infinity, 0, 1, 1], 'float32', [4, 2]);
    const y = fromValues([1, 2, 0, 1], 'float32', [2, 2]);
    check('matmul', [x, y], ['float32', 'float32'], E);
  });
});

describe('pass-through primitives (read_variable, stop_gradient, custom)', () => {
  it('share their input value where it is: no kernel, no device move, a storage of their own', () => {
    setCurrentDevice('gpu');
    const onGpu = K.add(K.ones([2, 2]), 1);
    const onCpu = K.constant([1, 2, 3], 'float64'); // float64 stays on the cpu
    for (const x of [onGpu, onCpu]) {
      const y = K.stop_gradient(x);
      expect(y.storage!.device).toBe(x.storage!.device);
      expect(y.storage!.data).toBe(x.storage!.data);
      expect(y.storage).not.toBe(x.storage);
      K.dispose(y); // frees y's hold only
      expect(K.eval(x).data.length).toBeGreaterThan(0);
    }
    const v = K.variable([[1, 2]]);
    expect(Array.from(K.eval(K.multiply(v, 2)).data)).toEqual([2, 4]);
  });
});

// ---------------------------------------------------------------- through the dispatcher

function tensor(x: Nd, dtype: DType): Tensor {
  return new Tensor(x.shape.slice(), dtype, cpuStorage(x), null);
}

/** Run `f` on both devices and compare: the gpu result lives on the gpu. */
function bothDevices(label: string, f: () => Tensor, tol: Tol = EXACT): void {
  setCurrentDevice('cpu');
  const want = f();
  setCurrentDevice('gpu');
  const got = f();
  setCurrentDevice('cpu');
  expect(got.storage!.device, `${label}: computed on`).toBe('gpu');
  expect(got.dtype).toBe(want.dtype);
  expectAgree(label, got.host(), want.host(), want.dtype, tol);
}

describe('the gpu device through the dispatcher', () => {
  // Each later family (indexing, scan, conv, pool) checks its own primitives in its own test/gpu file.
  it('runs every primitive of the core families through lax on the gpu', () => {
    const f = (s: number[]) => tensor(host(s, 'float32', uniform(0.5, 2), 'transposed'), 'float32');
    const x = f([2, 3, 4]);
    const y = f([3, 1]);
    const b = tensor(host([3, 4], 'bool', integers(0, 1)), 'bool');
    const i8 = tensor(host([2, 3], 'int8', valuesFor('int8')), 'int8');
    const unary = [
      'neg',
      'abs',
      'sign',
      'round',
      'exp',
      'log',
      'sqrt',
      'sin',
      'cos',
      'tanh',
      'sigmoid',
      'softplus',
    ] as const;
    const binary = [
      'add',
      'sub',
      'mul',
      'div',
      'pow',
      'maximum',
      'minimum',
      'equal',
      'not_equal',
      'greater',
      'greater_equal',
      'less',
      'less_equal',
    ] as const;
    const covered = new Set<Prim>();
    const run = <P extends Prim>(
      prim: P,
      ins: Tensor[],
      attrs: PrimAttrs[P],
      tol: Tol = { rtol: 2e-5, atol: FLT_MIN }
    ) => {
      covered.add(prim);
      bothDevices(prim, () => apply(prim, ins as unknown as Inputs<P, Tensor>, attrs), tol);
    };
    // A pass-through primitive runs no kernel: its value is its input's, on the input's device.
    const passThrough = <P extends Prim>(prim: P, ins: Tensor[], attrs: PrimAttrs[P], which: number) => {
      covered.add(prim);
      setCurrentDevice('gpu');
      const got = apply(prim, ins as unknown as Inputs<P, Tensor>, attrs);
      setCurrentDevice('cpu');
      const src = ins[which]!;
      expect(got.storage!.data, prim).toBe((src.storage ?? (src as K.Variable).storage)!.data);
      expect(Array.from(got.host().data)).toEqual(Array.from(src.host().data));
    };
    for (const p of unary) run(p, [x], E);
    for (const p of binary) run(p, [x, y], E);
    run('where', [b, x, y], E);
    run('cast', [x], { dtype: 'int16' });
    for (const p of ['sum', 'prod', 'max', 'min'] as const) run(p, [x], { axes: [0, 2], keepdims: true });
    run('argmax', [x], { axis: 1 });
    run('argmin', [i8], { axis: 0 });
    run('reshape', [x], { shape: [6, 4] });
    run('transpose', [x], { perm: [2, 0, 1] });
    run('broadcast_to', [y], { shape: [2, 3, 5] });
    run('slice', [x], { begin: [1, 0, 1], size: [1, 2, 3] });
    run('pad', [x], {
      pads: [
        [0, 1],
        [1, 0],
        [2, 2],
      ],
    });
    run('matmul', [f([3, 5]), f([5, 2])], E);
    passThrough('stop_gradient', [x], E, 0);
    const v = K.variable(host([2, 2], 'float32', uniform(0, 1)), 'float32');
    passThrough('read_variable', [v], E, 0);
    // A custom-gradient node passes its last input through.
    passThrough('custom', [x, f([2, 3, 4])], { kind: 'custom_gradient', grad: () => null }, 1);
    run('softmax', [x], { axis: 1 }, { rtol: 2e-5, atol: 1e-7 });
    // A call node runs its own function (K ops, here on the gpu): no kernel of its own.
    run('call', [x], {
      kind: 'test',
      meta: { shape: x.shape.slice(), dtype: x.dtype },
      run: ([a]) => lax.exp(lax.mul(a!, a!)),
      grad: () => null,
    });
    const yv = tensor(host([2, 3, 4], 'float32', uniform(0.1, 0.9)), 'float32');
    run('sigmoid_grad', [yv, x], E);
    run('tanh_grad', [yv, x], E);
    const core = {
      ...elementwisePrims,
      ...reducePrims,
      ...shapePrims,
      ...linalgPrims,
      ...statePrims,
      ...activationPrims,
    };
    expect([...covered].sort()).toEqual(Object.keys(core).sort());
  });

  it('matches the cpu on Keras functions built from primitives', () => {
    const x = tensor(host([4, 5], 'float32', uniform(-3, 3)), 'float32');
    const w = tensor(host([5, 3], 'float32', uniform(-1, 1)), 'float32');
    const tol = { rtol: 2e-5, atol: 1e-6 };
    bothDevices('K.sum', () => K.sum(x, 1), tol);
    bothDevices('K.mean', () => K.mean(x, [0, 1]), tol);
    bothDevices('K.dot', () => K.dot(x, w), tol);
    bothDevices('K.softplus', () => K.softplus(K.dot(x, w)), tol);
    bothDevices('K.argmax', () => K.argmax(x, -1));
    bothDevices('K.clip', () => K.clip(x, -1, 1));
  });

  it('chains gpu results without moving them to the host', () => {
    setCurrentDevice('gpu');
    const x = tensor(host([3, 3], 'float32', uniform(0, 1)), 'float32');
    const y = lax.exp(lax.neg(lax.mul(x, x)));
    expect(y.storage!.device).toBe('gpu');
    expect(y.storage!.copies?.cpu).toBeUndefined();
    setCurrentDevice('cpu');
    const want = lax.exp(lax.neg(lax.mul(x, x)));
    expectAgree('chain', y.host(), want.host(), 'float32', { rtol: 1e-5, atol: FLT_MIN });
  });

  it('runs float64 on the cpu and counts the fallback by reason', () => {
    setCurrentDevice('gpu');
    const before = fallbacks.get(REFUSALS.float64) ?? 0;
    const x = tensor(host([2, 2], 'float64', uniform(0, 1)), 'float64');
    const y = lax.exp(x);
    expect(y.storage!.device).toBe('cpu');
    expect(y.dtype).toBe('float64');
    expect(fallbacks.get(REFUSALS.float64)).toBe(before + 1);
    expect(currentDevice()).toBe('gpu');
    const c = lax.cast(tensor(host([2], 'float32', uniform(0, 1)), 'float32'), 'float64');
    expect(c.storage!.device).toBe('cpu');
  });

  it('runs ranks above 6 and empty int32 max on the cpu', () => {
    setCurrentDevice('gpu');
    const x = tensor(host([1, 2, 1, 2, 1, 2, 2], 'float32', uniform(0, 1)), 'float32');
    const before = fallbacks.get(REFUSALS.rank) ?? 0;
    expect(lax.neg(x).storage!.device).toBe('cpu');
    expect(fallbacks.get(REFUSALS.rank)).toBe(before + 1);
    const e = tensor(host([0, 3], 'int32', valuesFor('int32')), 'int32');
    const m = lax.max(e, [0]);
    expect(m.storage!.device).toBe('cpu');
    expect(Array.from(m.host().data)).toEqual([-2147483648, -2147483648, -2147483648]);
  });

  it('refuses sizes beyond the exact float32 index range', () => {
    const big = { shape: [2 ** 12, 2 ** 12 + 1], dtype: 'float32' as const };
    expect(gpuBackend.refuse!('neg', [big], {}, big)).toBe(REFUSALS.size);
    const ok = { shape: [2 ** 12, 2 ** 12], dtype: 'float32' as const };
    expect(gpuBackend.refuse!('neg', [ok], {}, ok)).toBeNull();
    // Fits, but its partial sums (one per output element and chunk of k) would not.
    const [m, k] = [4095, 4097];
    const out = { shape: [m, m], dtype: 'float32' as const };
    expect(
      gpuBackend.refuse!(
        'matmul',
        [
          { shape: [m, k], dtype: 'float32' },
          { shape: [k, m], dtype: 'float32' },
        ],
        {},
        out
      )
    ).toBe(REFUSALS.size);
    expect(
      gpuBackend.refuse!(
        'matmul',
        [
          { shape: [m, 4096], dtype: 'float32' },
          { shape: [4096, m], dtype: 'float32' },
        ],
        {},
        out
      )
    ).toBeNull();
  });
});

// ---------------------------------------------------------------- memory, errors, cache

describe('gpu buffers', () => {
  it('refuse to be read or used once freed, with a clear error', () => {
    const x = gpuBackend.upload(fromValues([1, 2], 'float32'), 'float32');
    x.buf.free();
    expect(() => gpuBackend.download(x, [2], 'float32')).toThrow(/disposed/);
    expect(() => gpuBackend.kernels.exp([x], E, { shape: [2], dtype: 'float32' })).toThrow(/exp.*disposed/);
    expect(() => gpuBackend.kernels.matmul([x, x], E, { shape: [], dtype: 'float32' })).toThrow(/disposed/);
  });

  it('are released with their storage: its own value and its cached gpu copy', () => {
    setCurrentDevice('gpu');
    const cpuBorn = tensor(host([2, 2], 'float32', uniform(0, 1)), 'float32');
    const y = lax.neg(cpuBorn);
    const copy = cpuBorn.storage!.copies!.gpu!.data as GpuData;
    const own = y.storage!.data as GpuData;
    const shared = lax.reshape(y, [4]);
    const want = Array.from(cpuBorn.host().data, (v) => -v);
    expect((shared.storage!.data as GpuData).buf).toBe(own.buf);
    disposeStorage(cpuBorn.storage!);
    expect(copy.buf.isFreed).toBe(true);
    disposeStorage(y.storage!);
    // The reshape still holds the shared buffer.
    expect(own.buf.isFreed).toBe(false);
    expect(Array.from(shared.host().data)).toEqual(want);
    disposeStorage(shared.storage!);
    expect(own.buf.isFreed).toBe(true);
  });
});

describe('gpu kernels', () => {
  it('raise an Error naming the primitive and gpu.js message when gpu.js cannot compile', () => {
    const k = kernelFor('bogus_prim', 'function (a) { return noSuchFunction(a[this.thread.x]); }');
    const x = gpuBackend.upload(fromValues([1], 'float32'), 'float32');
    expect(() => runKernel('bogus_prim', k, 1, [x.buf.value])).toThrow(/bogus_prim.*gpu\.js failed: \S/s);
  });

  it('are compiled once and reused for every shape of the same form', () => {
    const add = (sa: number[], sb: number[]) =>
      check('add', [host(sa, 'float32', uniform(0, 1)), host(sb, 'float32', uniform(0, 1))], ['float32', 'float32'], E);
    add([3, 4], [4]);
    const n = cachedKernelCount();
    add([5, 7], [7]);
    add([2, 9, 11], [11]);
    add([6, 6], [1, 6]);
    expect(cachedKernelCount()).toBe(n);
  });
});
