// The gpu backend: gpu.js kernels for every primitive, on flat row-major
// float32 buffers (textures in GL modes, Float32Arrays in webasm/cpu modes).
//
// Numbers: everything is computed in float32. float64 tensors stay on the cpu
// (refuse). Integer and bool tensors are exact while their values and sizes
// stay within 2^24 (float32's exact integers); beyond that, int32/int64
// values round to float32 (the fixed-width ints still wrap like the cpu's
// typed arrays, e.g. cast of 3e9 to int32). Tensors of more than 2^24
// elements, or of rank above 6, run on the cpu.
import type { Backend, Kernels } from '../core/backend.js';
import { copyOut, type Nd, nd } from '../core/ndarray.js';
import { allocate, type DType } from '../core/dtype.js';
import { disposedError } from '../core/context.js';
import { sizeOf } from '../core/shape.js';
import { CHUNK, gpuMode, gpuRenderer, maxElements, readValue } from './context.js';
import { emptyData, MAX_RANK, toDevice, wrapValue } from './kernels/common.js';
import { gpuActivation } from './kernels/activation.js';
import { fusedMap, gpuElementwise } from './kernels/elementwise.js';
import { gpuIndexing } from './kernels/indexing.js';
import { gpuScan } from './kernels/scan.js';
import { gpuPrint } from './kernels/print.js';
import { convTerms, gpuConv } from './kernels/conv.js';
import { gpuPool } from './kernels/pool.js';
import { gpuRandom } from './kernels/random.js';
import { gpuLinalg } from './kernels/linalg.js';
import { gpuReduce } from './kernels/reduce.js';
import { gpuShape } from './kernels/shape.js';
import { disown, liveBuffers, own, type GpuData } from './memory.js';
import type { Prim, Meta, PrimAttrs, ConvAttrs, PoolAttrs } from '../core/primitives.js';

export { gpuMode, gpuRenderer, maxTextureSize, maxElements, MAX_EXACT } from './context.js';
export { MAX_RANK } from './kernels/common.js';

/** Reasons a call runs on the cpu instead (the dispatcher counts them by text). */
export const REFUSALS = {
  float64: 'float64 keeps its precision on the cpu',
  rank: `rank above ${MAX_RANK}`,
  size: 'more elements than the gpu indexes exactly (2^24) or its textures hold',
  identity: 'empty int32/int64 max/min (its identity is not a float32)',
  window: `a pooling window of more than ${CHUNK} cells`,
} as const;

type Limit<P extends Prim> = (inputs: readonly Meta[], attrs: PrimAttrs[P], out: Meta) => string | null;

// A long sum first makes one partial sum per output element and chunk of CHUNK terms.
const partialSums = (out: Meta, terms: number) =>
  sizeOf(out.shape) * Math.ceil(terms / CHUNK) > maxElements() ? REFUSALS.size : null;
const convLimit =
  (prim: keyof ConvAttrs): Limit<keyof ConvAttrs> =>
  (inputs, _a, out) =>
    partialSums(out, convTerms(prim, inputs, out));
const emptyIntExtremum: Limit<'max' | 'min'> = ([x], _a, out) =>
  (out.dtype === 'int32' || out.dtype === 'int64') && sizeOf(x!.shape) === 0 && sizeOf(out.shape) > 0
    ? REFUSALS.identity
    : null;
const poolWindow: Limit<keyof PoolAttrs> = (_ins, a) => (sizeOf(a.window) > CHUNK ? REFUSALS.window : null);

/** What the gpu kernels of some primitives cannot do, beyond the limits every kernel has (refuse). */
const LIMITS: { readonly [P in Prim]?: Limit<P> } = {
  matmul: ([x], _a, out) => partialSums(out, x!.shape.at(-1)!),
  conv: convLimit('conv'),
  conv_backprop_input: convLimit('conv_backprop_input'),
  conv_backprop_filter: convLimit('conv_backprop_filter'),
  max: emptyIntExtremum,
  min: emptyIntExtremum,
  // A thread loops over its whole window; llvmpipe caps a shader loop at 65,535 steps.
  max_pool: poolWindow,
  max_pool_argmax: poolWindow,
  avg_pool: poolWindow,
  avg_pool_grad: poolWindow,
};

function refuse<P extends Prim>(prim: P, inputs: readonly Meta[], attrs: PrimAttrs[P], out: Meta): string | null {
  const all = [...inputs, out];
  if (all.some((m) => m.dtype === 'float64')) return REFUSALS.float64;
  if (all.some((m) => m.shape.length > MAX_RANK)) return REFUSALS.rank;
  const limit = maxElements();
  if (all.some((m) => sizeOf(m.shape) > limit)) return REFUSALS.size;
  const special = LIMITS[prim];
  return special?.(inputs, attrs, out) ?? null;
}

function upload(host: Nd, _dtype: DType): GpuData {
  const shape = host.shape.slice();
  if (sizeOf(shape) === 0) return emptyData(shape);
  const flat = copyOut(host, 'float32').data as Float32Array;
  return wrapValue(toDevice(flat), shape);
}

function download(data: GpuData, shape: number[], dtype: DType): Nd {
  if (data.buf.isFreed) {
    throw disposedError('eval', shape, dtype);
  }
  const out = allocate(dtype, data.size);
  if (data.size > 0) out.set(readValue(data.buf.value, data.size));
  return nd(out, shape);
}

const kernels: Kernels<GpuData> = {
  // A plan's fused chain as one kernel (its sum, where it has one, the reduction kernel after it).
  fused: (ins, a, out) => {
    const y = fusedMap(ins, a);
    if (a.sum === null) return y;
    const s = kernels.sum([y], a.sum, out);
    y.buf.free();
    return s;
  },
  ...gpuElementwise,
  ...gpuReduce,
  ...gpuShape,
  ...gpuLinalg,
  ...gpuIndexing,
  ...gpuScan,
  ...gpuPrint,
  ...gpuConv,
  ...gpuPool,
  ...gpuActivation,
  ...gpuRandom,
};

export const gpuBackend: Backend<GpuData> = {
  name: 'gpu',
  kernels,
  upload,
  download,
  refuse,
  own: (data, owner) => own(data, owner),
  disown: (owner) => disown(owner, [(owner.data as GpuData).buf]),
  block: ({ buf }) => (buf.isFreed ? null : { key: buf, bytes: buf.bytes }),
  live: () => liveBuffers(),
  describe: () => ({ mode: gpuMode(), renderer: gpuRenderer() }),
};
