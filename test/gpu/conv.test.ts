// The gpu convolution kernels (conv, conv_backprop_input, conv_backprop_filter)
// against the cpu kernels (im2col + gemm, and the direct grouped loops): 1, 2
// and 3 spatial axes, strides, dilations, asymmetric and oversized padding,
// groups (depthwise), 1x1 kernels, empty results, and sums long enough to run
// in passes (more than CHUNK terms, and more than llvmpipe's 65,535 loop
// iterations). Then the dispatcher: the gpu device runs them, float64 goes
// to the cpu, and refuse() sizes the partial sums.
//
// Values are multiples of 1/16 in [-2, 2] (or of 1/2 in [-1, 1] for the long
// sums), so every sum is exact in float32 on both devices and they must agree
// exactly. One uniform-random run bounds the rounding instead: |gpu - cpu| <=
// 1e-5 * (the same convolution of |x| and |w|), about 80 float32 ulps of the
// magnitudes summed (sums run in groups of 64 on the gpu).
import ndarray from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { cpuBackend } from '../../src/cpu/index.js';
import { copyOut, type Nd } from '../../src/core/ndarray.js';
import { fallbacks, setCurrentDevice } from '../../src/device/dispatcher.js';
import { allocate } from '../../src/core/dtype.js';
import { sizeOf } from '../../src/core/shape.js';
import { cachedKernelCount } from '../../src/gpu/context.js';
import { gpuBackend, REFUSALS } from '../../src/gpu/index.js';
import type { GpuData } from '../../src/gpu/memory.js';
import { specOf } from '../../src/prims/table.js';
import type { ConvAttrs, ConvGeometry, Meta } from '../../src/core/primitives.js';

afterEach(() => setCurrentDevice('cpu'));

let seed = 5151;
function rand(): number {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
}
const sixteenths = () => Math.floor(rand() * 65 - 32) / 16;
const halves = () => Math.floor(rand() * 5 - 2) / 2;

function host(shape: readonly number[], gen: () => number): Nd {
  const a = allocate('float32', sizeOf(shape));
  for (let i = 0; i < a.length; i++) a[i] = gen();
  return ndarray(a, shape.slice()) as Nd;
}

type P = keyof ConvAttrs;

function run<Q extends P>(prim: Q, inputs: readonly Nd[], attrs: ConvAttrs[Q]): { cpu: Nd; gpu: Nd; out: Meta } {
  const metas = inputs.map((x) => ({ shape: x.shape.slice(), dtype: 'float32' as const }));
  const out = specOf(prim).infer(metas, attrs);
  const cpu = (cpuBackend.kernels[prim] as unknown as (i: Nd[], a: ConvAttrs[Q], o: Meta) => Nd)(
    inputs.slice(),
    attrs,
    out
  );
  const ups = inputs.map((x) => gpuBackend.upload(x, 'float32'));
  const g = (gpuBackend.kernels[prim] as unknown as (i: GpuData[], a: ConvAttrs[Q], o: Meta) => GpuData)(
    ups,
    attrs,
    out
  );
  expect(g.shape).toEqual(out.shape);
  const gpu = gpuBackend.download(g, out.shape, 'float32');
  g.buf.free();
  for (const u of ups) u.buf.free();
  return { cpu, gpu, out };
}

/** Exact agreement, or within rtol * scale[i] when a scale is given. */
function agree(label: string, got: Nd, want: Nd, scale?: { rtol: number; of: Nd }): void {
  expect(got.shape, label).toEqual(want.shape);
  const g = copyOut(got, 'float32').data,
    w = copyOut(want, 'float32').data;
  const s = scale === undefined ? null : copyOut(scale.of, 'float32').data;
  for (let i = 0; i < w.length; i++) {
    const bound = s === null ? 0 : scale!.rtol * s[i]!;
    if (!(Math.abs(g[i]! - w[i]!) <= bound))
      expect.fail(`${label}: element ${i}: gpu ${g[i]}, cpu ${w[i]} (bound ${bound})`);
  }
}

interface Geo {
  x: number[];
  w: number[];
  strides: number[];
  dilation: number[];
  pads: [number, number][];
  groups: number;
}

const GEOMETRIES: Geo[] = [
  { x: [2, 9, 3], w: [3, 3, 4], strides: [2], dilation: [1], pads: [[1, 2]], groups: 1 },
  { x: [1, 10, 2], w: [3, 2, 3], strides: [1], dilation: [3], pads: [[3, 3]], groups: 1 },
  {
    x: [2, 7, 6, 3],
    w: [3, 2, 3, 5],
    strides: [2, 1],
    dilation: [1, 1],
    pads: [
      [1, 1],
      [0, 1],
    ],
    groups: 1,
  },
  {
    x: [1, 8, 8, 2],
    w: [2, 3, 2, 3],
    strides: [1, 1],
    dilation: [2, 3],
    pads: [
      [1, 0],
      [3, 3],
    ],
    groups: 1,
  },
  {
    x: [2, 6, 5, 4],
    w: [3, 3, 1, 8],
    strides: [1, 2],
    dilation: [1, 1],
    pads: [
      [1, 1],
      [1, 1],
    ],
    groups: 4,
  },
  {
    x: [1, 5, 5, 4],
    w: [2, 2, 2, 6],
    strides: [1, 1],
    dilation: [1, 1],
    pads: [
      [0, 0],
      [0, 0],
    ],
    groups: 2,
  },
  {
    x: [1, 6, 6, 3],
    w: [3, 3, 1, 3],
    strides: [1, 1],
    dilation: [2, 2],
    pads: [
      [2, 2],
      [2, 2],
    ],
    groups: 3,
  },
  {
    x: [1, 4, 5, 6, 2],
    w: [2, 3, 2, 2, 3],
    strides: [1, 2, 1],
    dilation: [1, 1, 1],
    pads: [
      [0, 1],
      [1, 1],
      [0, 0],
    ],
    groups: 1,
  },
  {
    x: [2, 3, 4, 5],
    w: [1, 1, 5, 3],
    strides: [1, 1],
    dilation: [1, 1],
    pads: [
      [0, 0],
      [0, 0],
    ],
    groups: 1,
  },
  // windows hanging over both ends, and strides longer than the kernel
  {
    x: [1, 3, 4, 2],
    w: [2, 2, 2, 2],
    strides: [1, 1],
    dilation: [1, 1],
    pads: [
      [3, 3],
      [2, 4],
    ],
    groups: 1,
  },
  {
    x: [2, 8, 7, 2],
    w: [1, 2, 2, 3],
    strides: [3, 3],
    dilation: [1, 1],
    pads: [
      [0, 0],
      [0, 1],
    ],
    groups: 1,
  },
];

const geometry = (g: Geo): ConvGeometry => ({
  strides: g.strides,
  dilation: g.dilation,
  pads: g.pads,
  groups: g.groups,
});

/** Run the three primitives on one geometry (g: a cotangent of the conv's output shape). */
function checkAll(label: string, geo: Geo, gen: () => number): void {
  const x = host(geo.x, gen),
    w = host(geo.w, gen);
  const a = geometry(geo);
  const y = run('conv', [x, w], a);
  agree(`conv ${label}`, y.gpu, y.cpu);
  const g = host(y.out.shape, gen);
  const n = geo.strides.length;
  const dx = run('conv_backprop_input', [g, w], { ...a, inputSize: geo.x.slice(1, n + 1) });
  agree(`conv_backprop_input ${label}`, dx.gpu, dx.cpu);
  const dw = run('conv_backprop_filter', [x, g], { ...a, kernelSize: geo.w.slice(0, n) });
  agree(`conv_backprop_filter ${label}`, dw.gpu, dw.cpu);
}

describe('gpu convolution kernels', () => {
  it('match the cpu exactly on 1, 2 and 3 spatial axes, strides, dilations, padding and groups', () => {
    for (const geo of GEOMETRIES) checkAll(JSON.stringify(geo), geo, sixteenths);
  });

  it('match the cpu within float32 rounding on uniform values', () => {
    const geo = GEOMETRIES[2]!;
    const x = host(geo.x, () => rand() * 2 - 1),
      w = host(geo.w, () => rand() * 2 - 1);
    const abs = (a: Nd) => ndarray(Float32Array.from(a.data as Float32Array, Math.abs), a.shape) as Nd;
    const a = geometry(geo);
    const y = run('conv', [x, w], a);
    const scale = run('conv', [abs(x), abs(w)], a).cpu;
    agree('conv uniform', y.gpu, y.cpu, { rtol: 1e-5, of: scale });
  });

  it('sum in passes beyond CHUNK terms and past the 65,535-iteration loop cap', () => {
    // conv: 3 x 3 x 512 = 4608 terms per output element
    checkAll(
      'long window',
      {
        x: [1, 4, 4, 512],
        w: [3, 3, 512, 2],
        strides: [1, 1],
        dilation: [1, 1],
        pads: [
          [1, 1],
          [1, 1],
        ],
        groups: 1,
      },
      halves
    );
    // conv_backprop_input: 3 x 3 x 600 terms; conv_backprop_filter: 7 x 100 x 100 = 70,000 output positions
    const w = host([3, 3, 2, 600], halves),
      g = host([1, 2, 2, 600], halves);
    const a: ConvGeometry = {
      strides: [1, 1],
      dilation: [1, 1],
      pads: [
        [0, 0],
        [0, 0],
      ],
      groups: 1,
    };
    const dx = run('conv_backprop_input', [g, w], { ...a, inputSize: [4, 4] });
    agree('conv_backprop_input, 5400 terms', dx.gpu, dx.cpu);
    const big = host([7, 100, 100, 1], halves),
      gb = host([7, 100, 100, 2], halves);
    const same: ConvGeometry = {
      strides: [1, 1],
      dilation: [1, 1],
      pads: [
        [0, 1],
        [0, 1],
      ],
      groups: 1,
    };
    const dw = run('conv_backprop_filter', [big, gb], { ...same, kernelSize: [2, 2] });
    agree('conv_backprop_filter, 70,000 terms', dw.gpu, dw.cpu);
  });

  it('give empty results, and zeros where no window reads', () => {
    const a: ConvGeometry = {
      strides: [1, 1],
      dilation: [1, 1],
      pads: [
        [0, 0],
        [0, 0],
      ],
      groups: 1,
    };
    const empty = run('conv', [host([0, 5, 5, 2], sixteenths), host([3, 3, 2, 4], sixteenths)], a);
    expect(empty.out.shape).toEqual([0, 3, 3, 4]);
    agree('conv, empty batch', empty.gpu, empty.cpu);
    // x (1, 2, 5, 1) is shorter than the kernel: no output rows, so dx is all zeros and dw too
    const x = host([1, 2, 5, 1], sixteenths),
      w = host([3, 3, 1, 2], sixteenths),
      g = host([1, 0, 3, 2], sixteenths);
    const y = run('conv', [x, w], a);
    expect(y.out.shape).toEqual([1, 0, 3, 2]);
    const dx = run('conv_backprop_input', [g, w], { ...a, inputSize: [2, 5] });
    agree('conv_backprop_input, no windows', dx.gpu, dx.cpu);
    expect(Array.from(dx.gpu.data)).toEqual(Array(10).fill(0));
    const dw = run('conv_backprop_filter', [x, g], { ...a, kernelSize: [3, 3] });
    agree('conv_backprop_filter, no windows', dw.gpu, dw.cpu);
    expect(Array.from(dw.gpu.data)).toEqual(Array(18).fill(0));
  });

  it('compile one kernel per primitive, whatever the shape or rank', () => {
    checkAll('warm', GEOMETRIES[0]!, sixteenths);
    const before = cachedKernelCount();
    for (const geo of GEOMETRIES.slice(1)) checkAll(`cache ${JSON.stringify(geo)}`, geo, sixteenths);
    expect(cachedKernelCount()).toBe(before);
  });
});

describe('convolutions on the gpu device', () => {
  it('run on the gpu (no fallback) for float32, with gradients, and on the cpu for float64', () => {
    setCurrentDevice('gpu');
    const xv = Float32Array.from({ length: 2 * 6 * 6 * 3 }, sixteenths),
      wv = Float32Array.from({ length: 3 * 3 * 3 * 4 }, sixteenths);
    const f = (dtype: 'float32' | 'float64') => {
      const x = K.variable(K.cast(K.reshape(xv, [2, 6, 6, 3]), dtype), dtype),
        w = K.variable(K.cast(K.reshape(wv, [3, 3, 3, 4]), dtype), dtype);
      const y = K.conv2d(x, w, [2, 2], 'same');
      const grads = K.gradients(K.sum(K.square(y)), [x, w]);
      return [y, ...grads.map((g) => g!)].map((t) => Array.from(K.eval(t).data as ArrayLike<number>));
    };
    fallbacks.clear();
    const g32 = f('float32');
    expect([...fallbacks.keys()].filter((k) => k !== REFUSALS.float64)).toEqual([]);
    const before = fallbacks.get(REFUSALS.float64) ?? 0;
    const g64 = f('float64');
    expect(fallbacks.get(REFUSALS.float64) ?? 0).toBeGreaterThan(before);
    // the inputs are multiples of 1/16: both are exact
    g32.forEach((v, i) => expect(v).toEqual(g64[i]));
  });

  it('refuse() sends convolutions whose partial sums would not fit to the cpu', () => {
    const GEO = {
      strides: [1, 1],
      dilation: [1, 1],
      pads: [
        [1, 1],
        [1, 1],
      ] as [number, number][],
      groups: 1,
      inputSize: [130, 130],
      kernelSize: [3, 3],
    };
    const f32 = (shape: number[]) => ({ shape, dtype: 'float32' as const });
    // 128 x 128 x 600 outputs of 2 chunks (9 x 512 = 4608 terms): 19.7M partial sums, more than 2^24
    expect(
      gpuBackend.refuse!('conv', [f32([1, 128, 128, 512]), f32([3, 3, 512, 600])], GEO, f32([1, 128, 128, 600]))
    ).toBe(REFUSALS.size);
    // 9 x 455 = 4095 terms: one chunk
    expect(
      gpuBackend.refuse!('conv', [f32([1, 128, 128, 455]), f32([3, 3, 455, 600])], GEO, f32([1, 128, 128, 600]))
    ).toBeNull();
    // 36,864 kernel values x 64 chunks of output positions
    expect(
      gpuBackend.refuse!(
        'conv_backprop_filter',
        [f32([16, 128, 128, 64]), f32([16, 128, 128, 64])],
        GEO,
        f32([3, 3, 64, 64])
      )
    ).toBeNull();
    // 130 x 130 x 512 input values x 2 chunks (9 x 600 = 5400 terms)
    expect(
      gpuBackend.refuse!(
        'conv_backprop_input',
        [f32([1, 130, 130, 600]), f32([3, 3, 512, 600])],
        GEO,
        f32([1, 130, 130, 512])
      )
    ).toBe(REFUSALS.size);
  });
});
