// The gpu kernels of the indexing primitives (concat, reverse, gather,
// scatter_add) against the cpu kernels: random inputs of ranks 0..6, every
// dtype, non-contiguous host inputs (transposed, sliced, reversed before
// upload), empty inputs, concat trees of more inputs than one kernel reads,
// scatter_add segments longer than one pass, out-of-range indices, and the
// gpu buffers they leave behind. All are copies or float32 sums in the cpu's
// order, so results are exact except scatter_add sums (float32, compared with
// a tolerance against the cpu's float32 sums).
import ndarray from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { cpuBackend } from '../../src/cpu/index.js';
import { copyOut, type Nd } from '../../src/core/ndarray.js';
import { fallbacks, setCurrentDevice } from '../../src/device/dispatcher.js';
import type { DType } from '../../src/core/dtype.js';
import { sizeOf } from '../../src/core/shape.js';
import { cpuStorage } from '../../src/core/storage.js';
import { Tensor } from '../../src/core/tensor.js';
import { gpuBackend } from '../../src/gpu/index.js';
import { liveBuffers, type GpuData } from '../../src/gpu/memory.js';
import { specOf } from '../../src/prims/table.js';
import * as lax from '../../src/prims/lax.js';
import { generator, host, LAYOUTS } from './hostdata.js';
import type { KernelPrim, Prim, PrimAttrs, Meta } from '../../src/core/primitives.js';

afterEach(() => setCurrentDevice('cpu'));

const { integers, valuesFor } = generator(4242);

const ALL: DType[] = ['float32', 'int32', 'int16', 'int8', 'uint8', 'uint16', 'int64', 'bool'];
const INDEX: DType[] = ['int32', 'int64', 'int16', 'int8', 'uint8', 'uint16'];

function indices(shape: readonly number[], dim: number, dtype: DType = 'int32'): Nd {
  return host(shape, dtype, integers(0, dim - 1));
}

/**
 * Run `prim` on the cpu kernel and on the gpu kernel (inputs uploaded) and
 * compare (exact, or within rtol of float32 sums); every gpu buffer is freed.
 */
function check<P extends Prim>(
  prim: P,
  inputs: readonly Nd[],
  dtypes: readonly DType[],
  attrs: PrimAttrs[P],
  rtol = 0,
  label = prim as string
): Nd {
  const metas: Meta[] = inputs.map((x, i) => ({ shape: x.shape.slice(), dtype: dtypes[i]! }));
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
  expect(gpu.shape, `${label}: shape`).toEqual(out.shape);
  expect(gpu.size, `${label}: size`).toBe(sizeOf(out.shape));
  const got = copyOut(gpuBackend.download(gpu, out.shape, out.dtype), out.dtype).data;
  const bufs = new Set([gpu.buf, ...ups.map((u) => u.buf)]);
  for (const b of bufs) b.free();
  const want = copyOut(cpu, out.dtype).data;
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const [a, e] = [got[i]!, want[i]!];
    if (!(Math.abs(a - e) <= rtol * Math.abs(e) || a === e)) expect.fail(`${label}: element ${i}: gpu ${a}, cpu ${e}`);
  }
  return cpu;
}

/** Run `body` on the gpu kernels and expect every gpu buffer it made to be freed again. */
function expectNoLeak(body: () => void): void {
  const before = liveBuffers().count;
  body();
  expect(liveBuffers().count).toBe(before);
}

describe('concat', () => {
  it('matches the cpu for ranks 1..6, every axis, every dtype and layout', () => {
    const shapes = [[5], [2, 3], [2, 3, 2], [2, 1, 3, 2], [1, 2, 2, 1, 2], [2, 1, 2, 1, 2, 1]];
    for (const dtype of ALL) {
      for (const shape of shapes) {
        for (let axis = 0; axis < shape.length; axis++) {
          const layout = LAYOUTS[integers(0, 3)()]!;
          const parts = [1, 3, 2].map((n) =>
            host(
              shape.map((d, k) => (k === axis ? n : d)),
              dtype,
              valuesFor(dtype),
              layout
            )
          );
          check(
            'concat',
            parts,
            parts.map(() => dtype),
            { axis },
            0,
            `concat ${dtype} [${shape}] axis ${axis} ${layout}`
          );
        }
      }
    }
  });
  it('joins more inputs than one kernel reads (a tree of kernels) and frees what it made', () => {
    for (const n of [8, 9, 20, 65]) {
      const parts = Array.from({ length: n }, (_, i) => host([2, 1 + (i % 3), 2], 'float32', valuesFor('float32')));
      expectNoLeak(() =>
        check(
          'concat',
          parts,
          parts.map(() => 'float32'),
          { axis: 1 },
          0,
          `concat of ${n}`
        )
      );
    }
  });
  it('skips empty inputs and gives an empty output when all are', () => {
    const parts = [
      host([2, 0], 'int32', valuesFor('int32')),
      host([2, 3], 'int32', valuesFor('int32')),
      host([2, 0], 'int32', valuesFor('int32')),
      host([2, 1], 'int32', valuesFor('int32')),
    ];
    check(
      'concat',
      parts,
      parts.map(() => 'int32'),
      { axis: 1 }
    );
    check(
      'concat',
      [host([0, 2], 'float32', valuesFor('float32')), host([0, 2], 'float32', valuesFor('float32'))],
      ['float32', 'float32'],
      { axis: 0 }
    );
    check(
      'concat',
      [host([3, 0], 'float32', valuesFor('float32')), host([3, 0], 'float32', valuesFor('float32'))],
      ['float32', 'float32'],
      { axis: 1 }
    );
  });
  it('of one input is that input', () => {
    check('concat', [host([2, 3], 'uint8', valuesFor('uint8'))], ['uint8'], { axis: 0 });
  });
});

/** Every subset of 0..n-1. */
function subsets(n: number): number[][] {
  return Array.from({ length: 2 ** n }, (_, m) => [...Array(n).keys()].filter((i) => (m >> i) & 1));
}

describe('reverse', () => {
  it('matches the cpu for every subset of axes of ranks 0..4, and sampled ones of ranks 5, 6', () => {
    const shapes = [[], [5], [2, 3], [2, 3, 4], [2, 1, 3, 2]];
    for (const shape of shapes)
      for (const axes of subsets(shape.length))
        check(
          'reverse',
          [host(shape, 'float32', valuesFor('float32'))],
          ['float32'],
          { axes },
          0,
          `reverse [${shape}] ${axes}`
        );
    for (const axes of [
      [0, 4],
      [1, 2, 3],
      [0, 1, 2, 3, 4],
    ])
      check('reverse', [host([2, 3, 2, 1, 3], 'int16', valuesFor('int16'))], ['int16'], { axes });
    for (const axes of [[5], [0, 2, 4], [1, 3, 5]])
      check('reverse', [host([2, 1, 3, 2, 2, 3], 'float32', valuesFor('float32'))], ['float32'], { axes });
  });
  it('matches the cpu for every dtype and layout, and empty inputs', () => {
    for (const dtype of ALL)
      for (const layout of LAYOUTS)
        check(
          'reverse',
          [host([3, 4, 2], dtype, valuesFor(dtype), layout)],
          [dtype],
          { axes: [0, 2] },
          0,
          `reverse ${dtype} ${layout}`
        );
    check('reverse', [host([0, 3], 'float32', valuesFor('float32'))], ['float32'], { axes: [0, 1] });
  });
});

describe('gather', () => {
  it('matches the cpu for references of ranks 1..4, every axis, indices of ranks 0..3', () => {
    const refs = [[6], [5, 3], [4, 2, 3], [3, 2, 2, 3]];
    const idxShapes = [[], [4], [2, 3], [2, 1, 2]];
    for (const shape of refs) {
      for (let axis = 0; axis < shape.length; axis++) {
        for (const is of idxShapes) {
          if (shape.length + is.length - 1 > 6) continue;
          check(
            'gather',
            [host(shape, 'float32', valuesFor('float32')), indices(is, shape[axis]!)],
            ['float32', 'int32'],
            { axis },
            0,
            `gather [${shape}] axis ${axis} idx [${is}]`
          );
        }
      }
    }
  });
  it('matches the cpu for every reference dtype and layout, every index dtype, empty cases', () => {
    for (const dtype of ALL)
      for (const layout of LAYOUTS)
        check(
          'gather',
          [host([4, 3], dtype, valuesFor(dtype), layout), indices([5], 4)],
          [dtype, 'int32'],
          { axis: 0 },
          0,
          `gather ${dtype} ${layout}`
        );
    for (const d of INDEX)
      check(
        'gather',
        [host([5, 2], 'float32', valuesFor('float32')), indices([3, 2], 5, d)],
        ['float32', d],
        { axis: 0 },
        0,
        `gather idx ${d}`
      );
    check('gather', [host([3, 2], 'float32', valuesFor('float32')), indices([0], 3)], ['float32', 'int32'], {
      axis: 0,
    });
    check('gather', [host([0, 2], 'float32', valuesFor('float32')), indices([0], 1)], ['float32', 'int32'], {
      axis: 0,
    });
    // A long index vector (gathered rows beyond one loop's reach: no loop at all).
    check('gather', [host([7, 3], 'float32', valuesFor('float32')), indices([5000], 7)], ['float32', 'int32'], {
      axis: 0,
    });
  });
  it('checks the index values on the gpu too: a ValueError naming the index, nothing left on the gpu', () => {
    const ref = gpuBackend.upload(host([3, 2], 'float32', valuesFor('float32')), 'float32');
    const meta = { shape: [2, 2], dtype: 'float32' as const };
    for (const bad of [
      [0, 3],
      [-1, 0],
      [2 ** 24 + 1, 0],
    ]) {
      const idx = gpuBackend.upload(ndarray(Int32Array.from(bad), [2]), 'int32');
      expectNoLeak(() => expect(() => gpuBackend.kernels.gather([ref, idx], { axis: 0 }, meta)).toThrow(K.ValueError));
      idx.buf.free();
    }
    ref.buf.free();
  });
});

describe('scatter_add', () => {
  it('matches the cpu for axes 0..2, indices of ranks 0..2 with repeats, float32 and integer dtypes', () => {
    const cases: [number[], number, number[], number][] = [
      [[6, 3], 0, [6], 4],
      [[2, 5, 3], 1, [5], 3],
      [[2, 3, 4], 2, [4], 6],
      [[4, 3, 2], 0, [4, 3], 2],
      [[3], 0, [3], 1],
      [[2, 2], 0, [], 3],
      [[3, 2, 2, 2], 1, [2, 2], 5],
    ];
    for (const dtype of ['float32', 'int32', 'int16', 'uint8'] as DType[]) {
      for (const [us, axis, is, size] of cases) {
        const u = host(us, dtype, dtype === 'float32' ? valuesFor(dtype) : integers(0, 50));
        check(
          'scatter_add',
          [u, indices(is, size)],
          [dtype, 'int32'],
          { axis, size },
          dtype === 'float32' ? 1e-6 : 0,
          `scatter_add ${dtype} [${us}] axis ${axis} idx [${is}] size ${size}`
        );
      }
    }
  });
  it('sums in the cpu order over segments longer than one pass, and frees its passes', () => {
    const n = 9000;
    const ids = new Int32Array(n);
    for (let j = 0; j < n; j++) ids[j] = j % 5 === 0 ? 1 : 3;
    const u = host([n, 2], 'float32', valuesFor('float32'));
    expectNoLeak(() =>
      check(
        'scatter_add',
        [u, ndarray(ids, [n]) as Nd],
        ['float32', 'int32'],
        { axis: 0, size: 4 },
        0,
        'scatter_add 9000 into 2 rows'
      )
    );
    const ones = host([n], 'int32', () => 1);
    const cpu = check('scatter_add', [ones, ndarray(ids, [n]) as Nd], ['int32', 'int32'], { axis: 0, size: 4 });
    expect(Array.from(cpu.data)).toEqual([0, n / 5, 0, n - n / 5]);
  });
  it('gives zeros for no indices and rejects out-of-range ones on the gpu', () => {
    check('scatter_add', [host([0, 2], 'float32', valuesFor('float32')), indices([0], 1)], ['float32', 'int32'], {
      axis: 0,
      size: 3,
    });
    const u = gpuBackend.upload(host([2], 'float32', valuesFor('float32')), 'float32');
    const idx = gpuBackend.upload(ndarray(Int32Array.from([0, 3]), [2]), 'int32');
    expect(() =>
      gpuBackend.kernels.scatter_add([u, idx], { axis: 0, size: 3 }, { shape: [3], dtype: 'float32' })
    ).toThrow(/indices\[1\] = 3/);
    u.buf.free();
    idx.buf.free();
  });
});

describe('indexing on the gpu device through the dispatcher', () => {
  const tensor = (a: Nd, dtype: DType) => new Tensor(a.shape.slice(), dtype, cpuStorage(a), null);

  it('runs concat, reverse, gather and scatter_add on the gpu, matching the cpu, without falling back', () => {
    const x = tensor(host([4, 3], 'float32', valuesFor('float32'), 'transposed'), 'float32');
    const ids = tensor(indices([2, 3], 4), 'int32');
    const runs: [string, () => Tensor][] = [
      ['concat', () => lax.concat([x, lax.neg(x)], 1)],
      ['reverse', () => lax.reverse(x, [0, 1])],
      ['gather', () => lax.gather(x, ids, 0)],
      ['scatter_add', () => lax.scatterAdd(lax.gather(x, ids, 0), ids, 0, 4)],
    ];
    for (const [name, f] of runs) {
      setCurrentDevice('cpu');
      const want = copyOut(f().host(), 'float32').data;
      setCurrentDevice('gpu');
      const before = [...fallbacks.values()].reduce((a, b) => a + b, 0);
      const y = f();
      expect(y.storage!.device, name).toBe('gpu');
      expect(
        [...fallbacks.values()].reduce((a, b) => a + b, 0),
        name
      ).toBe(before);
      const got = copyOut(y.host(), 'float32').data;
      want.forEach((w, i) => expect(Math.abs(got[i]! - w), `${name} ${i}`).toBeLessThanOrEqual(1e-6 * Math.abs(w)));
    }
  });
  it('keeps float64 on the cpu', () => {
    setCurrentDevice('gpu');
    const r = tensor(host([3, 2], 'float64', valuesFor('float64')), 'float64');
    expect(lax.gather(r, tensor(indices([2], 3), 'int32'), 0).storage!.device).toBe('cpu');
  });
});
