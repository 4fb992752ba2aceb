// GPU memory tied to tensor lifetime. A buffer (one gpu.js texture, or a
// Float32Array in gpu.js's webasm/cpu modes) may be shared by several storages
// (a variable and its snapshot, a reshape); each storage holds one reference,
// dropped by an explicit dispose or, as a safety net, when the storage is
// garbage-collected. The texture is deleted when the last reference goes.
import type { Texture } from 'gpu.js';
import type { Storage } from '../core/storage.js';

export type GpuValue = Texture | Float32Array;

export class GpuBuffer {
  private refs = 0;
  private freed = false;

  constructor(
    readonly value: GpuValue,
    /** The values it holds, as float32 bytes. */
    readonly bytes: number
  ) {
    live.add(this);
  }

  get isFreed(): boolean {
    return this.freed;
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs <= 0) this.free();
  }

  /** Delete the texture now (clear_session); later reads fail with a clear error. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    live.delete(this);
    if (isTexture(this.value)) this.value.delete();
  }
}

/** A tensor's value on the gpu: a flat row-major buffer and its shape. */
export interface GpuData {
  readonly buf: GpuBuffer;
  readonly shape: number[];
  readonly size: number;
}

export function isTexture(v: GpuValue): v is Texture {
  return !(v instanceof Float32Array);
}

const live = new Set<GpuBuffer>();

// Runs when a storage is collected without an explicit dispose.
const registry = new FinalizationRegistry<GpuBuffer>((buf) => buf.release());

/** Make `owner` hold a reference to `data`'s buffer until disposed or collected. */
export function own(data: GpuData, owner: Storage): void {
  data.buf.retain();
  registry.register(owner, data.buf, owner);
}

/** Drop every reference `owner` holds (its value and any cached gpu copy). */
export function disown(owner: Storage, buffers: readonly GpuBuffer[]): void {
  registry.unregister(owner);
  for (const b of buffers) b.release();
}

export function liveBuffers(): { count: number; bytes: number } {
  let bytes = 0;
  for (const b of live) bytes += b.bytes;
  return { count: live.size, bytes };
}
