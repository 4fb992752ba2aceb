// The gpu scan kernels (cumsum, cumprod, affine_scan, print) against the cpu
// kernels: every axis, exclusive and reverse, integer dtypes (wrapping), empty
// and length-1 axes, NaN and infinities, and axes long enough to need several
// block levels and to pass llvmpipe's 65,535-iteration loop cap. Then the
// same primitives through the dispatcher on the gpu device.
//
// Tolerances: sums and affine scans of floats differ from the cpu's running
// order only by float32 rounding: |gpu - cpu| <= 1e-6 * (running sum of |x|)
// (about 8 ulps of the magnitudes added; seen: under 2 ulps). Products:
// rtol 1e-6 per factor. The long runs use values whose sums and products are
// exact in float32, so they must agree exactly.
import ndarray from 'ndarray';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cpuBackend } from '../../src/cpu/index.js';
import { copyOut, type Nd } from '../../src/core/ndarray.js';
import { fallbacks, setCurrentDevice } from '../../src/device/dispatcher.js';
import { allocate, type DType } from '../../src/core/dtype.js';
import { sizeOf } from '../../src/core/shape.js';
import { cpuStorage } from '../../src/core/storage.js';
import { Tensor } from '../../src/core/tensor.js';
import { gpuBackend } from '../../src/gpu/index.js';
import { BLOCK } from '../../src/gpu/kernels/scan.js';
import type { GpuData } from '../../src/gpu/memory.js';
import { specOf } from '../../src/prims/table.js';
import * as lax from '../../src/prims/lax.js';
import type { KernelPrim, Prim, PrimAttrs, Meta } from '../../src/core/primitives.js';

afterEach(() => {
  setCurrentDevice('cpu');
  vi.restoreAllMocks();
});

let seed = 4242;
function rand(): number {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
}
const uniform = (lo: number, hi: number) => () => lo + (hi - lo) * rand();
const pick = (vals: readonly number[]) => () => vals[Math.floor(rand() * vals.length)]!;

function host(shape: readonly number[], dtype: DType, gen: () => number): Nd {
  const a = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < a.length; i++) a[i] = gen();
  return ndarray(a, shape.slice()) as Nd;
}

/** Which bound a result must meet: exact, per-element relative, or scaled by a running sum of |x|. */
type Tol =
  | { kind: 'exact' }
  | { kind: 'rel'; rtol: number }
  | { kind: 'scaled'; rtol: number; scale: ArrayLike<number> };
const EXACT: Tol = { kind: 'exact' };

function run<P extends Prim>(
  prim: P,
  inputs: readonly Nd[],
  dtypes: readonly DType[],
  attrs: PrimAttrs[P]
): { cpu: Nd; gpu: Nd; out: Meta } {
  const metas = inputs.map((x, i) => ({ shape: x.shape.slice(), dtype: dtypes[i]! }));
  const out = specOf(prim).infer(metas, attrs);
  const cpu = (cpuBackend.kernels[prim as KernelPrim] as unknown as (i: Nd[], a: PrimAttrs[P], o: Meta) => Nd)(
    inputs.slice(),
    attrs,
    out
  );
  const ups = inputs.map((x, i) => gpuBackend.upload(x, dtypes[i]!));
  const g = (gpuBackend.kernels[prim as KernelPrim] as unknown as (i: GpuData[], a: PrimAttrs[P], o: Meta) => GpuData)(
    ups,
    attrs,
    out
  );
  expect(g.shape).toEqual(out.shape);
  const gpu = gpuBackend.download(g, out.shape, out.dtype);
  g.buf.free();
  for (const u of ups) if (u !== g) u.buf.free();
  return { cpu, gpu, out };
}

function agree(label: string, got: Nd, want: Nd, dtype: DType, tol: Tol): void {
  expect(got.shape, label).toEqual(want.shape);
  const g = copyOut(got, dtype).data;
  const w = copyOut(want, dtype).data;
  for (let i = 0; i < w.length; i++) {
    const a = g[i]!;
    const e = w[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (!(Number.isNaN(a) && Number.isNaN(e))) expect.fail(`${label}: element ${i}: gpu ${a}, cpu ${e}`);
      continue;
    }
    if (tol.kind === 'exact' || !Number.isFinite(e)) {
      if (a !== e) expect.fail(`${label}: element ${i}: gpu ${a}, cpu ${e}`);
      continue;
    }
    const bound = 1.2e-38 + tol.rtol * (tol.kind === 'rel' ? Math.abs(e) : tol.scale[i]!);
    if (!(Math.abs(a - e) <= bound))
      expect.fail(`${label}: element ${i}: gpu ${a}, cpu ${e} (|diff| ${Math.abs(a - e)} > ${bound})`);
  }
}

/** The running sum of |x| that bounds the rounding of a float32 scan. */
function absScan(x: Nd, attrs: PrimAttrs['cumsum']): Float64Array {
  const a = copyOut(x, 'float64');
  for (let i = 0; i < a.data.length; i++) a.data[i] = Math.abs(a.data[i]!) + 1e-30;
  const out = cpuBackend.kernels.cumsum(
    [a],
    { ...attrs, exclusive: false },
    { shape: a.shape.slice(), dtype: 'float64' }
  );
  return out.data as Float64Array;
}

const FLAGS = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;
// Single blocks, several blocks (one level of carries), and inner/outer > 1.
const SHAPES: number[][] = [
  [7],
  [3, 4],
  [2, 3, 4],
  [2, 1, 3, 2, 2],
  [BLOCK * 3 + 5, 3],
  [3, BLOCK * 2 + 1, 2],
  [BLOCK],
];

describe('cumsum', () => {
  it('matches the cpu on float32, every axis, exclusive and reverse', () => {
    for (const shape of SHAPES) {
      const x = host(shape, 'float32', uniform(-10, 10));
      for (let axis = 0; axis < shape.length; axis++) {
        for (const [exclusive, reverse] of FLAGS) {
          const attrs = { axis, exclusive, reverse };
          const { cpu, gpu } = run('cumsum', [x], ['float32'], attrs);
          agree(`cumsum [${shape}] ${JSON.stringify(attrs)}`, gpu, cpu, 'float32', {
            kind: 'scaled',
            rtol: 1e-6,
            scale: absScan(x, attrs),
          });
        }
      }
    }
  });

  it('is exact and wraps like the cpu on integer dtypes', () => {
    for (const dtype of ['int32', 'int16', 'int8', 'uint8', 'uint16', 'int64'] as const) {
      const gen = dtype === 'uint8' || dtype === 'uint16' ? pick([0, 1, 7, 100, 200]) : pick([-120, -3, 0, 5, 90, 127]);
      for (const shape of [[9], [4, BLOCK + 3]]) {
        const x = host(shape, dtype, gen);
        for (const [exclusive, reverse] of FLAGS) {
          const attrs = { axis: shape.length - 1, exclusive, reverse };
          const { cpu, gpu } = run('cumsum', [x], [dtype], attrs);
          agree(`cumsum ${dtype} [${shape}] ${JSON.stringify(attrs)}`, gpu, cpu, dtype, EXACT);
        }
      }
    }
  });

  it('is exact on a long axis that needs several block levels and more than 65,535 steps', () => {
    for (const shape of [[70_000], [2, BLOCK * BLOCK + 7]]) {
      const x = host(shape, 'float32', pick([-3, -1, 0, 1, 2, 5]));
      for (const [exclusive, reverse] of FLAGS) {
        const attrs = { axis: shape.length - 1, exclusive, reverse };
        const { cpu, gpu } = run('cumsum', [x], ['float32'], attrs);
        agree(`cumsum [${shape}] ${JSON.stringify(attrs)}`, gpu, cpu, 'float32', EXACT);
      }
    }
  });

  it('propagates NaN and infinities, and handles empty and length-1 axes', () => {
    const x = ndarray(Float32Array.from([1, NaN, 2, Infinity, -Infinity, 3, 0, -0]), [2, 4]) as Nd;
    for (const axis of [0, 1])
      for (const [exclusive, reverse] of FLAGS) {
        const { cpu, gpu } = run('cumsum', [x], ['float32'], { axis, exclusive, reverse });
        agree(`cumsum edges axis ${axis}`, gpu, cpu, 'float32', EXACT);
      }
    const e = run('cumsum', [host([0, 3], 'float32', uniform(0, 1))], ['float32'], {
      axis: 0,
      exclusive: false,
      reverse: false,
    });
    expect(e.gpu.shape).toEqual([0, 3]);
    const one = host([1, 3], 'float32', uniform(-1, 1));
    agree(
      'cumsum length 1',
      run('cumsum', [one], ['float32'], { axis: 0, exclusive: false, reverse: false }).gpu,
      one,
      'float32',
      EXACT
    );
  });
});

describe('cumprod', () => {
  it('matches the cpu on float32 with zeros and signs, every axis, exclusive and reverse', () => {
    for (const shape of SHAPES) {
      const gen = () => (rand() < 0.03 ? 0 : uniform(0.9, 1.1)() * (rand() < 0.3 ? -1 : 1));
      const x = host(shape, 'float32', gen);
      for (let axis = 0; axis < shape.length; axis++) {
        for (const [exclusive, reverse] of FLAGS) {
          const attrs = { axis, exclusive, reverse };
          const { cpu, gpu } = run('cumprod', [x], ['float32'], attrs);
          // Each factor adds at most one rounding on either side.
          agree(`cumprod [${shape}] ${JSON.stringify(attrs)}`, gpu, cpu, 'float32', {
            kind: 'rel',
            rtol: 1e-6 * (shape[axis]! + 1),
          });
        }
      }
    }
  });

  it('is exact and wraps like the cpu on integer dtypes', () => {
    for (const dtype of ['int32', 'int16', 'int8', 'uint8', 'uint16', 'int64'] as const) {
      // The narrow ints wrap at every step, so their running products stay small
      // (exact in float32); int32/int64 products must stay below 2^24 by themselves.
      const wide = dtype === 'int32' || dtype === 'int64';
      for (const shape of [[9], [3, BLOCK + 3]]) {
        const x = host(shape, dtype, wide ? pick([-1, 1, 1]) : pick([0, 1, 3, 5, 7]));
        if (wide) for (let i = 0; i < x.data.length; i += 7) x.data[i] = i % 2 ? 2 : -2;
        for (const [exclusive, reverse] of FLAGS) {
          const attrs = { axis: shape.length - 1, exclusive, reverse };
          const { cpu, gpu } = run('cumprod', [x], [dtype], attrs);
          agree(`cumprod ${dtype} [${shape}] ${JSON.stringify(attrs)}`, gpu, cpu, dtype, EXACT);
        }
      }
    }
  });

  it('is exact on a long axis of powers of two with zeros (several block levels)', () => {
    const x = host([70_000], 'float32', pick([1, 1, 1, 1, -1, 2, 0.5]));
    x.data[60_000] = 0;
    for (const [exclusive, reverse] of FLAGS) {
      const { cpu, gpu } = run('cumprod', [x], ['float32'], { axis: 0, exclusive, reverse });
      agree(`cumprod long ${exclusive} ${reverse}`, gpu, cpu, 'float32', EXACT);
    }
  });
});

describe('affine_scan', () => {
  it('matches the cpu on float32, every axis, both directions', () => {
    for (const shape of SHAPES) {
      const a = host(shape, 'float32', uniform(-1, 1));
      const b = host(shape, 'float32', uniform(-1, 1));
      for (let axis = 0; axis < shape.length; axis++) {
        for (const reverse of [false, true]) {
          const { cpu, gpu } = run('affine_scan', [a, b], ['float32', 'float32'], { axis, reverse });
          // |h| <= sum |b| and each step adds a rounding of that size.
          agree(`affine_scan [${shape}] axis ${axis} reverse ${reverse}`, gpu, cpu, 'float32', {
            kind: 'scaled',
            rtol: 1e-6,
            scale: absScan(b, { axis, exclusive: false, reverse }).map((s) => s * 8),
          });
        }
      }
    }
  });

  it('is exact on a long axis with coefficients -1, 0, 1 and integer offsets', () => {
    for (const shape of [[70_000], [3, BLOCK * BLOCK + 1]]) {
      const a = host(shape, 'float32', pick([1, 1, 1, -1, 0]));
      const b = host(shape, 'float32', pick([-2, -1, 0, 1, 3]));
      for (const reverse of [false, true]) {
        const { cpu, gpu } = run('affine_scan', [a, b], ['float32', 'float32'], { axis: shape.length - 1, reverse });
        agree(`affine_scan long [${shape}] ${reverse}`, gpu, cpu, 'float32', EXACT);
      }
    }
  });
});

describe('print', () => {
  it('prints what the cpu prints and returns its input buffer', () => {
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    for (const [shape, dtype] of [
      [[2, 3], 'float32'],
      [[10], 'int32'],
      [[3], 'bool'],
      [[], 'float32'],
      [[0, 2], 'float32'],
    ] as const) {
      const x = host(shape, dtype, dtype === 'bool' ? pick([0, 1]) : uniform(-5, 5));
      if (dtype === 'int32') x.data.forEach((v, i) => (x.data[i] = Math.round(v)));
      const attrs = { message: 'msg:', summarize: 2 };
      spy.mockClear();
      const out = { shape: shape.slice(), dtype };
      cpuBackend.kernels.print([x], attrs, out);
      const up = gpuBackend.upload(x, dtype);
      expect(gpuBackend.kernels.print([up], attrs, out)).toBe(up);
      up.buf.free();
      expect(spy).toHaveBeenCalledTimes(2);
      expect(spy.mock.calls[1]![0]).toBe(spy.mock.calls[0]![0]);
    }
  });
});

describe('the scan primitives through the dispatcher', () => {
  it('run on the gpu device (no fallback) and agree with the cpu', () => {
    const t = (x: Nd, dtype: DType) => new Tensor(x.shape.slice(), dtype, cpuStorage(x), null);
    const x = t(host([3, BLOCK + 2], 'float32', uniform(0.5, 1.5)), 'float32');
    const b = t(host([3, BLOCK + 2], 'float32', uniform(-1, 1)), 'float32');
    const refusals = () => [...fallbacks.values()].reduce((s, v) => s + v, 0);
    const cases: [string, () => Tensor][] = [
      ['cumsum', () => lax.cumsum(x, 1, true, true)],
      ['cumprod', () => lax.cumprod(x, 1)],
      ['affine_scan', () => lax.affineScan(x, b, 1, true)],
    ];
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    cases.push(['print', () => lax.print(x, '', 3)]);
    for (const [label, f] of cases) {
      setCurrentDevice('cpu');
      const want = f();
      setCurrentDevice('gpu');
      const before = refusals();
      const got = f();
      expect(refusals(), `${label}: fell back to the cpu`).toBe(before);
      expect(got.storage!.device, label).toBe('gpu');
      agree(label, got.host(), want.host(), 'float32', { kind: 'rel', rtol: 1e-4 });
    }
  });
});
