// The only place that knows devices: it picks the device for each call, moves
// inputs there (once; the copy is cached on the input's storage), and ties the
// result's device memory to its storage.
import type { Backend, KernelOf } from '../core/backend.js';
import { disposedError } from '../core/context.js';
import { cpuBackend } from '../cpu/index.js';
import { gpuBackend } from '../gpu/index.js';
import { registerDispatch } from '../prims/apply.js';
import { hostOf, hostReaders, type DeviceName, type Storage } from '../core/storage.js';
import type { Tensor } from '../core/tensor.js';
import { type KernelPrim, type Meta, PASS_THROUGH, type Prim, type PrimAttrs } from '../core/primitives.js';

type AnyBackend = Backend<unknown>;
const backends: Partial<Record<DeviceName, AnyBackend>> = {};
let device: DeviceName = 'cpu';

/** Calls the current device refused and ran on the cpu, by reason (for tests and K.memory_info). */
export const fallbacks = new Map<string, number>();

export function registerBackend(b: AnyBackend): void {
  backends[b.name] = b;
  hostReaders[b.name] = (data, shape, dtype) => b.download(data, shape, dtype);
}
registerBackend(cpuBackend as AnyBackend);
registerBackend(gpuBackend as AnyBackend);

export function backendOf(d: DeviceName): AnyBackend | undefined {
  return backends[d];
}

export function currentDevice(): DeviceName {
  return device;
}

export function setCurrentDevice(d: DeviceName): void {
  if (backends[d] === undefined) throw new Error(`device ${d} has no backend`);
  device = d;
}

export function dispatch<P extends Prim>(prim: P, inputs: readonly Tensor[], attrs: PrimAttrs[P], out: Meta): Storage {
  if (prim === 'call') {
    // A call node on values: its function computes the value (K ops, on whatever device they run).
    const v = (attrs as PrimAttrs['call']).run(inputs);
    const s = v.storage!;
    if (s.disposed) throw disposedError(prim, v.shape, v.dtype);
    return adopt(s.device, s.data);
  }
  const through = (PASS_THROUGH as Partial<Record<Prim, 'first' | 'last'>>)[prim];
  if (through !== undefined) {
    // The value is an input's, unchanged: share it where it is (a storage of its own, so each owns its memory).
    const t = inputs[through === 'first' ? 0 : inputs.length - 1]!;
    const s = t.storage!;
    if (s.disposed) throw disposedError(prim, t.shape, t.dtype);
    return adopt(s.device, s.data);
  }
  let b = backends[device]!;
  const why = b.refuse?.(prim, inputs, attrs, out) ?? null;
  if (why !== null) {
    fallbacks.set(why, (fallbacks.get(why) ?? 0) + 1);
    b = backends.cpu!;
  }
  const data = new Array<unknown>(inputs.length);
  for (let i = 0; i < inputs.length; i++) data[i] = residentOn(b, inputs[i]!, prim);
  return adopt(b.name, (b.kernels[prim as KernelPrim] as KernelOf<'n', PrimAttrs[P], unknown>)(data, attrs, out));
}

/** Wrap a device value in a storage that owns its memory. */
export function adopt(d: DeviceName, data: unknown): Storage {
  const storage: Storage = { device: d, data };
  backends[d]!.own?.(data, storage);
  return storage;
}

/** Release a tensor's device memory now (its copies too); reading it afterwards is an error. */
export function disposeStorage(s: Storage): void {
  if (s.disposed) return;
  s.disposed = true;
  backends[s.device]!.disown?.(s);
  for (const copy of Object.values(s.copies ?? {})) disposeStorage(copy);
}

/** Storages holding a copy on another device (weakly: a copy dies with its tensor). */
let mirrored: WeakRef<Storage>[] = [];
/** When the list is next swept of storages gone or without copies (it grows only with the live ones). */
let sweepAt = 1024;

/** How many storages the list holds now (tests watch that it stays bounded). */
export function mirroredCount(): number {
  return mirrored.length;
}

/** Free every cached cross-device copy now (K.clear_session); they are made again when needed. */
export function releaseCopies(): void {
  for (const ref of mirrored) {
    const s = ref.deref();
    if (s?.copies === undefined) continue;
    for (const copy of Object.values(s.copies)) disposeStorage(copy);
    delete s.copies;
  }
  mirrored = [];
  sweepAt = 1024;
}

function residentOn(b: AnyBackend, t: Tensor, prim: Prim): unknown {
  const s = t.storage!;
  if (s.disposed) throw disposedError(prim, t.shape, t.dtype);
  if (s.device === b.name) return s.data;
  const cached = s.copies?.[b.name];
  if (cached !== undefined) return cached.data;
  const host = hostOf(s, t.shape, t.dtype);
  if (b.name === 'cpu') return host;
  if (s.copies === undefined) {
    mirrored.push(new WeakRef(s));
    if (mirrored.length >= sweepAt) {
      mirrored = mirrored.filter((r) => r.deref()?.copies !== undefined);
      sweepAt = Math.max(1024, 2 * mirrored.length);
    }
  }
  (s.copies ??= {})[b.name] = adopt(b.name, b.upload(host, t.dtype));
  return s.copies[b.name]!.data;
}

// apply runs kernels through this dispatcher (registered, since apply sits below the backends).
registerDispatch(dispatch);
