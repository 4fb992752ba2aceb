// The cpu convolution kernels (src/cpu/conv.ts over the folded lowering
// of conv_fold.ts and the copies of conv_copy.ts) against direct sums, on
// every path they take: the folded layout (D, H taps copied, W taps read
// through an overlapping view) and its "full" variant (dilation along W, or
// a stride longer than the kernel); the input backprop as a convolution by
// the flipped kernel (stride 1) or as col2im (strides, or pads wider than the
// window); 1x1 kernels; grouped loops; one chunk of lines or many; the wasm
// copier or its JS stand-in; float32 and float64; 1, 2 or 3 threads (the
// filter gradient splits a chunk's lines between threads). Values are small multiples
// of 1/4, so every sum is exact in float32 and results must match exactly.
// Lines of the folded layout share their 'same' padding; the dropped rows
// between lines read whatever lies there, so the copier's memory is filled
// with NaN before each run (a value read but never written would show).
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import ndarray from 'ndarray';
import { cpuConv } from '../../src/cpu/conv.js';
import { arena } from '../../src/cpu/conv_copy.js';
import { setFoldArena, setFoldChunk } from '../../src/cpu/conv_fold.js';
import type { Nd } from '../../src/core/ndarray.js';
import { allocate, type DType, type TypedArray } from '../../src/core/dtype.js';

const DEFAULT_CHUNK = setFoldChunk(1);
setFoldChunk(DEFAULT_CHUNK);
const DEFAULT_THREADS = K.get_num_threads();

afterEach(() => {
  setFoldChunk(DEFAULT_CHUNK);
  setFoldArena('wasm');
  K.set_num_threads(DEFAULT_THREADS);
});

/** A deterministic generator of multiples of 1/4 in [-2, 2]. */
function quarters(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (((s >>> 20) % 17) - 8) / 4;
  };
}

interface Case {
  name: string;
  batch: number;
  sizes: number[];
  c: number;
  f: number;
  ks: number[];
  strides: number[];
  dilation: number[];
  pads: [number, number][];
  groups?: number;
}

const outSize = (s: number, k: number, st: number, d: number, p: readonly [number, number]) =>
  Math.max(0, Math.floor((s + p[0] + p[1] - (k - 1) * d - 1) / st) + 1);

const CASES: Case[] = [
  {
    name: "2-d 'same' 3x3 (the W3 shape, small)",
    batch: 2,
    sizes: [6, 7],
    c: 4,
    f: 5,
    ks: [3, 3],
    strides: [1, 1],
    dilation: [1, 1],
    pads: [
      [1, 1],
      [1, 1],
    ],
  },
  {
    name: "'valid', odd channels (wasm's 4-byte tail)",
    batch: 2,
    sizes: [5, 6],
    c: 3,
    f: 2,
    ks: [2, 3],
    strides: [1, 1],
    dilation: [1, 1],
    pads: [
      [0, 0],
      [0, 0],
    ],
  },
  {
    name: "strides 2, 'same' padded after",
    batch: 2,
    sizes: [7, 8],
    c: 2,
    f: 3,
    ks: [3, 3],
    strides: [2, 2],
    dilation: [1, 1],
    pads: [
      [1, 1],
      [0, 1],
    ],
  },
  {
    name: 'dilation 2 on both axes (full fold)',
    batch: 1,
    sizes: [7, 7],
    c: 2,
    f: 3,
    ks: [3, 3],
    strides: [1, 1],
    dilation: [2, 2],
    pads: [
      [2, 2],
      [2, 2],
    ],
  },
  {
    name: 'dilation along H only',
    batch: 2,
    sizes: [7, 5],
    c: 3,
    f: 2,
    ks: [3, 2],
    strides: [1, 1],
    dilation: [2, 1],
    pads: [
      [2, 2],
      [0, 1],
    ],
  },
  {
    name: 'a stride longer than the kernel (full fold)',
    batch: 2,
    sizes: [8, 9],
    c: 2,
    f: 2,
    ks: [2, 2],
    strides: [3, 3],
    dilation: [1, 1],
    pads: [
      [0, 0],
      [1, 0],
    ],
  },
  {
    name: 'stride 2 along W only',
    batch: 1,
    sizes: [5, 9],
    c: 4,
    f: 3,
    ks: [3, 3],
    strides: [1, 2],
    dilation: [1, 1],
    pads: [
      [1, 1],
      [1, 1],
    ],
  },
  {
    name: "1-d 'causal', dilation 2",
    batch: 3,
    sizes: [9],
    c: 2,
    f: 3,
    ks: [3],
    strides: [1],
    dilation: [2],
    pads: [[4, 0]],
  },
  {
    name: '3-d, mixed strides and pads',
    batch: 2,
    sizes: [3, 4, 5],
    c: 2,
    f: 3,
    ks: [2, 3, 2],
    strides: [1, 2, 1],
    dilation: [1, 1, 1],
    pads: [
      [1, 0],
      [1, 1],
      [0, 1],
    ],
  },
  {
    name: 'pads wider than the window (input backprop by col2im)',
    batch: 2,
    sizes: [4, 4],
    c: 2,
    f: 2,
    ks: [2, 2],
    strides: [1, 1],
    dilation: [1, 1],
    pads: [
      [3, 2],
      [0, 3],
    ],
  },
  {
    name: 'one channel in, one out',
    batch: 2,
    sizes: [5, 5],
    c: 1,
    f: 1,
    ks: [3, 3],
    strides: [1, 1],
    dilation: [1, 1],
    pads: [
      [1, 1],
      [1, 1],
    ],
  },
  {
    name: '1x1 kernel (one matrix product)',
    batch: 2,
    sizes: [3, 4],
    c: 3,
    f: 2,
    ks: [1, 1],
    strides: [1, 1],
    dilation: [1, 1],
    pads: [
      [0, 0],
      [0, 0],
    ],
  },
  {
    name: '1x1 kernel at stride 2',
    batch: 2,
    sizes: [5, 4],
    c: 3,
    f: 2,
    ks: [1, 1],
    strides: [2, 2],
    dilation: [1, 1],
    pads: [
      [0, 0],
      [0, 0],
    ],
  },
  {
    name: 'no window fits',
    batch: 2,
    sizes: [2, 2],
    c: 2,
    f: 2,
    ks: [3, 3],
    strides: [1, 1],
    dilation: [1, 1],
    pads: [
      [0, 0],
      [0, 0],
    ],
  },
  {
    name: '2 groups',
    batch: 2,
    sizes: [5, 5],
    c: 4,
    f: 6,
    ks: [3, 3],
    strides: [1, 1],
    dilation: [1, 1],
    pads: [
      [1, 1],
      [1, 1],
    ],
    groups: 2,
  },
];

interface Data {
  x: number[];
  w: number[];
  g: number[];
  outs: number[];
}

function data(c: Case, seed: number): Data {
  const r = quarters(seed);
  const outs = c.sizes.map((s, i) => outSize(s, c.ks[i]!, c.strides[i]!, c.dilation[i]!, c.pads[i]!));
  const n = (shape: number[]) => Array.from({ length: shape.reduce((a, b) => a * b, 1) }, r);
  return {
    x: n([c.batch, ...c.sizes, c.c]),
    w: n([...c.ks, c.c / (c.groups ?? 1), c.f]),
    g: n([c.batch, ...outs, c.f]),
    outs,
  };
}

/** y = conv(x, w), dx = its transpose applied to g, dw = its transpose in w applied to g: direct sums in double. */
function direct(c: Case, d: Data): { y: Float64Array; dx: Float64Array; dw: Float64Array } {
  const lift = (v: readonly number[], fill: number) => [...Array<number>(3 - v.length).fill(fill), ...v];
  const [D, H, W] = lift(c.sizes, 1) as [number, number, number];
  const [OD, OH, OW] = lift(d.outs, 1) as [number, number, number];
  const [KD, KH, KW] = lift(c.ks, 1) as [number, number, number];
  const st = lift(c.strides, 1),
    dl = lift(c.dilation, 1),
    pb = lift(
      c.pads.map((p) => p[0]),
      0
    );
  const groups = c.groups ?? 1,
    cg = c.c / groups,
    fg = c.f / groups;
  const y = new Float64Array(d.g.length),
    dx = new Float64Array(d.x.length),
    dw = new Float64Array(d.w.length);
  for (let n = 0; n < c.batch; n++)
    for (let od = 0; od < OD; od++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          for (let kd = 0; kd < KD; kd++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const id = od * st[0]! + kd * dl[0]! - pb[0]!,
                  ih = oh * st[1]! + kh * dl[1]! - pb[1]!,
                  iw = ow * st[2]! + kw * dl[2]! - pb[2]!;
                if (id < 0 || id >= D || ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                for (let f = 0; f < c.f; f++) {
                  const yi = (((n * OD + od) * OH + oh) * OW + ow) * c.f + f;
                  for (let k = 0; k < cg; k++) {
                    const xi = (((n * D + id) * H + ih) * W + iw) * c.c + Math.floor(f / fg) * cg + k;
                    const wi = (((kd * KH + kh) * KW + kw) * cg + k) * c.f + f;
                    y[yi] = y[yi]! + d.x[xi]! * d.w[wi]!;
                    dx[xi] = dx[xi]! + d.g[yi]! * d.w[wi]!;
                    dw[wi] = dw[wi]! + d.x[xi]! * d.g[yi]!;
                  }
                }
              }
        }
  return { y, dx, dw };
}

function nd(values: number[], shape: number[], dtype: DType): Nd {
  const a = allocate(dtype, values.length);
  a.set(values);
  return ndarray(a, shape);
}

/** The three kernels on the case's data. */
function kernels(c: Case, d: Data, dtype: DType): { y: TypedArray; dx: TypedArray; dw: TypedArray } {
  const geometry = { strides: c.strides, dilation: c.dilation, pads: c.pads, groups: c.groups ?? 1 };
  const xShape = [c.batch, ...c.sizes, c.c],
    wShape = [...c.ks, c.c / geometry.groups, c.f],
    gShape = [c.batch, ...d.outs, c.f];
  const x = nd(d.x, xShape, dtype),
    w = nd(d.w, wShape, dtype),
    g = nd(d.g, gShape, dtype);
  const y = cpuConv.conv([x, w], geometry, { shape: gShape, dtype });
  const dx = cpuConv.conv_backprop_input([g, w], { ...geometry, inputSize: c.sizes }, { shape: xShape, dtype });
  const dw = cpuConv.conv_backprop_filter([x, g], { ...geometry, kernelSize: c.ks }, { shape: wShape, dtype });
  for (const [r, shape] of [
    [y, gShape],
    [dx, xShape],
    [dw, wShape],
  ] as const) {
    expect(r.shape).toEqual(shape);
    expect(r.data).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
  }
  return { y: y.data, dx: dx.data, dw: dw.data };
}

describe('cpu conv kernels', () => {
  for (const [i, c] of CASES.entries()) {
    it(`${c.name}: conv and both backprops equal the direct sums (float32, float64; one chunk or many; wasm or JS copies; 1 to 3 threads)`, () => {
      const d = data(c, 100 + i);
      const want = direct(c, d);
      expect(want.y.length + want.dx.length + want.dw.length).toBeGreaterThan(0);
      for (const dtype of ['float32', 'float64'] as const) {
        for (const copies of ['wasm', 'js'] as const) {
          // Default chunks (all lines at once here), one line at a time, a few lines at a time.
          for (const [chunk, threads] of [
            [DEFAULT_CHUNK, 1],
            [DEFAULT_CHUNK, 2],
            [DEFAULT_CHUNK, 3],
            [1, 2],
            [150, 2],
          ] as const) {
            setFoldArena(copies);
            setFoldChunk(chunk);
            K.set_num_threads(threads);
            // The copier's memory is reused unzeroed: fill it with NaN first, so that a value
            // the kernels read without writing it shows (even times a zero of g).
            if (copies === 'wasm') arena(dtype, 0, 1 << 17, 0).d.fill(NaN);
            const got = kernels(c, d, dtype);
            const label = `${dtype}, ${copies} copies, chunk ${chunk}, ${threads} threads`;
            expect(Array.from(got.y), `y, ${label}`).toEqual(Array.from(want.y));
            expect(Array.from(got.dx), `dx, ${label}`).toEqual(Array.from(want.dx));
            expect(Array.from(got.dw), `dw, ${label}`).toEqual(Array.from(want.dw));
          }
        }
      }
    });
  }

  it('reads strided (non-contiguous) inputs', () => {
    const c = CASES[2]!;
    const d = data(c, 7);
    const want = direct(c, d);
    const geometry = { strides: c.strides, dilation: c.dilation, pads: c.pads, groups: 1 };
    // x stored with its two spatial axes swapped, read back through a transposed view.
    const [N, Hs, Ws, C] = [c.batch, c.sizes[0]!, c.sizes[1]!, c.c];
    const t = new Float32Array(d.x.length);
    for (let n = 0; n < N; n++)
      for (let h = 0; h < Hs; h++)
        for (let w = 0; w < Ws; w++)
          for (let k = 0; k < C; k++) {
            t[((n * Ws + w) * Hs + h) * C + k] = d.x[((n * Hs + h) * Ws + w) * C + k]!;
          }
    const x = ndarray(t, [N, Ws, Hs, C]).transpose(0, 2, 1, 3) as Nd;
    const y = cpuConv.conv([x, nd(d.w, [...c.ks, C, c.f], 'float32')], geometry, {
      shape: [N, ...d.outs, c.f],
      dtype: 'float32',
    });
    expect(Array.from(y.data)).toEqual(Array.from(want.y));
  });

  it('K.conv2d and its gradients are the same whether lines are taken all at once or a few at a time', () => {
    const x = K.variable(K.reshape(Array.from({ length: 3 * 9 * 10 * 4 }, quarters(3)), [3, 9, 10, 4]));
    const w = K.variable(K.reshape(Array.from({ length: 3 * 3 * 4 * 6 }, quarters(4)), [3, 3, 4, 6]));
    const run = () => {
      const y = K.conv2d(x, w, [1, 1], 'same');
      const [dx, dw] = K.gradients(K.sum(K.square(y)), [x, w]);
      return [y, dx!, dw!].map((t) => Array.from(K.eval(t).data as ArrayLike<number>));
    };
    const whole = run();
    setFoldChunk(200);
    const chunked = run();
    expect(chunked).toEqual(whole);
    expect(whole[0]!.some((v) => v !== 0)).toBe(true);
  });
});

describe('conv_copy arena', () => {
  for (const copies of ['wasm', 'js'] as const) {
    it(`${copies}: runs move every bit unchanged (NaN payloads, -0, infinities); clear zeroes strided blocks`, () => {
      const bits = new Uint32Array([
        0x7fa00001, 0xffc12345, 0x80000000, 0x7f800000, 0xff800000, 0x3f800000, 0x00000001, 0x7ff00001, 0x12345678,
      ]);
      const src = new Float32Array(bits.buffer);
      const a = arena('float32', src.length, 24, 5, copies === 'js' ? 'js' : undefined);
      a.d.fill(7);
      a.clear(0, 1, 24, 0);
      a.load(src, 0, src.length);
      a.runs(a.srcAt + 0, 1, 2, 3, 3, 10); // 2 rows of 3, 10 apart
      a.runs(a.srcAt + 6, 20, 1, 3, 0, 0);
      const want = new Uint32Array(24);
      want.set(bits.subarray(0, 3), 1);
      want.set(bits.subarray(3, 6), 11);
      want.set(bits.subarray(6, 9), 20);
      expect(Array.from(new Uint32Array(new Float32Array(a.d).buffer))).toEqual(Array.from(want));
      expect(a.scratch.length).toBe(5);
      // 3 blocks of 5 values (a 16-byte store and a 4-byte one each), 7 apart.
      a.d.fill(1);
      a.clear(2, 3, 5, 7);
      expect(Array.from(a.d)).toEqual(
        Array.from({ length: 24 }, (_, i) => (i >= 2 && i < 23 && (i - 2) % 7 < 5 ? 0 : 1))
      );
    });
  }

  it('float64 runs of any length, and a source range loaded from an offset', () => {
    const src = Float64Array.from({ length: 40 }, (_, i) => i + 0.5);
    for (const copies of ['wasm', 'js'] as const) {
      const a = arena('float64', 30, 16, 0, copies === 'js' ? 'js' : undefined);
      a.load(src, 5, 35);
      a.runs(a.srcAt + 7, 0, 3, 5, 6, 5); // src 7..11, 13..17, 19..23
      a.runs(a.srcAt + 30, 15, 1, 1, 0, 0);
      expect(Array.from(a.d), copies).toEqual(
        [7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 30].map((v) => v + 0.5)
      );
      a.clear(1, 2, 3, 8);
      expect(Array.from(a.d), copies).toEqual(
        [7, 0, 0, 0, 11, 13, 14, 15, 16, 0, 0, 0, 21, 22, 23, 30].map((v) => (v === 0 ? 0 : v + 0.5))
      );
    }
  });
});
