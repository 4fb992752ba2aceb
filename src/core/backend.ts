// The typed backend interface: one kernel per primitive, per device. A backend
// missing a kernel does not compile.
import type { Nd } from './ndarray.js';
import type { DType } from './dtype.js';
import type { DeviceName, Storage } from './storage.js';
import type { Arity, ArityOf, KernelPrim, Meta, Prim, PrimAttrs, Tuple } from './primitives.js';

/** A kernel of `N` inputs resident on its device; it returns a new value there. */
export type KernelOf<N extends Arity, A, D> = (inputs: Tuple<N, D>, attrs: A, out: Meta) => D;

/** Primitive P's kernel: its inputs a tuple of P's arity, its attributes P's. */
export type Kernel<P extends Prim, D> = KernelOf<ArityOf<P>, PrimAttrs[P], D>;

export type Kernels<D> = { readonly [P in KernelPrim]: Kernel<P, D> };

/** What the gpu device runs on: a GL context (headless-gl, a browser's WebGL) or gpu.js's fallbacks. */
export type GpuMode = 'headlessgl' | 'webgl2' | 'webgl' | 'webasm' | 'cpu';

/** A block of device memory a value holds: `key` identifies it (shared by views), `bytes` its size. */
export interface MemoryBlock {
  readonly key: object;
  readonly bytes: number;
}

export interface Backend<D> {
  readonly name: DeviceName;
  readonly kernels: Kernels<D>;
  /** Move a host (cpu) value onto this device. */
  upload(host: Nd, dtype: DType): D;
  /** Read a value back as a host ndarray of the dtype's typed array. */
  download(data: D, shape: number[], dtype: DType): Nd;
  /** Why this call must run on the cpu instead (float64, limits), or null to run here. */
  refuse?<P extends Prim>(prim: P, inputs: readonly Meta[], attrs: PrimAttrs[P], out: Meta): string | null;
  /** Tie the device memory of `data` to the lifetime of `owner`. */
  own?(data: D, owner: Storage): void;
  /** Release everything `owner` holds on this device now. */
  disown?(owner: Storage): void;
  /** The memory `data` holds, or null once freed (K.leak_report). */
  block?(data: D): MemoryBlock | null;
  /** Device buffers alive now, and their bytes (K.memory_info). */
  live?(): { readonly count: number; readonly bytes: number };
  /** What the device runs on, and the renderer its GL context names (K.gpu_mode, K.gpu_renderer). */
  describe?(): { readonly mode: GpuMode; readonly renderer: string | null };
  /** The threads its kernels may use (K.set_num_threads, K.get_num_threads). */
  readonly threads?: { readonly max: number; get(): number; set(n: number): void; init(): Promise<number> };
}
