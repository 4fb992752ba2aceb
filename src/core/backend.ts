// The typed backend interface: one kernel per primitive, per device. A backend
// missing a kernel does not compile.
import type { Nd } from './ndarray.js';
import type { DType } from './dtype.js';
import type { DeviceName, Storage } from './storage.js';
import type { Prim, PrimAttrs, Meta } from './primitives.js';

/** A kernel gets its inputs resident on its device and returns a new value there. */
export type Kernel<A, D> = (inputs: D[], attrs: A, out: Meta) => D;

export type Kernels<D> = { readonly [P in Prim]: Kernel<PrimAttrs[P], D> };

export interface Backend<D> {
  readonly name: DeviceName;
  readonly kernels: Kernels<D>;
  /** Move a host (cpu) value onto this device. */
  upload(host: Nd, dtype: DType): D;
  /** Read a value back as a host ndarray of the dtype's typed array. */
  download(data: D, shape: number[], dtype: DType): Nd;
  /** Why this call must run on the cpu instead (float64, limits), or null to run here. */
  refuse?(prim: Prim, inputs: readonly Meta[], out: Meta): string | null;
  /** Tie the device memory of `data` to the lifetime of `owner`. */
  own?(data: D, owner: Storage): void;
  /** Release everything `owner` holds on this device now. */
  disown?(owner: Storage): void;
}
