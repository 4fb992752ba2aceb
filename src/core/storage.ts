// Where a tensor's value lives. The dispatcher is the only writer: it moves a
// value between devices once and keeps the copy next to the original.
import type { Nd } from './ndarray.js';
import { disposedError } from './context.js';
import type { DType } from './dtype.js';

export type DeviceName = 'cpu' | 'gpu';

export interface Storage {
  /** The device that computed the value. */
  readonly device: DeviceName;
  /** The device-resident value (an ndarray on the cpu). */
  readonly data: unknown;
  /** Copies already made for other devices: storages of their own, so each owns its memory. */
  copies?: Partial<Record<DeviceName, Storage>>;
  /** Set by dispose: the value is gone. */
  disposed?: boolean;
}

/** How the host reads a device's values; each backend registers its reader. */
export const hostReaders: Partial<Record<DeviceName, (data: unknown, shape: number[], dtype: DType) => Nd>> = {};

export function hostOf(s: Storage, shape: number[], dtype: DType): Nd {
  if (s.disposed) throw disposedError('eval', shape, dtype);
  if (s.device === 'cpu') return s.data as Nd;
  const cached = s.copies?.cpu;
  if (cached !== undefined) return cached.data as Nd;
  const read = hostReaders[s.device];
  if (read === undefined) throw new Error(`no reader for device ${s.device}`);
  const host = read(s.data, shape, dtype);
  (s.copies ??= {}).cpu = cpuStorage(host);
  return host;
}

export function cpuStorage(a: Nd): Storage {
  return { device: 'cpu', data: a };
}
