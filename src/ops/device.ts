// Devices (ktape additions): where ops run, which gpu.js mode runs them, and
// the memory the gpu holds.
import { keras, typeError, valueError, showRaw } from '../core/context.js';
import { describeValue } from '../core/convert.js';
import { backendOf, currentDevice, disposeStorage, fallbacks, setCurrentDevice } from '../device/dispatcher.js';
import type { DeviceName } from '../core/storage.js';
import { Tensor, Variable } from '../core/tensor.js';
import type { GpuMode } from '../core/backend.js';

/**
 * Chooses where every following op runs (a ktape addition): 'cpu' (scijs
 * ndarray kernels) or 'gpu' (gpu.js kernels). On the gpu device float64 ops
 * still run on the cpu to keep their precision; both devices give the same
 * results within float32 tolerance. Tensors move between devices as needed.
 *
 * @param device 'cpu' or 'gpu'.
 * @returns Nothing.
 * @throws K.ValueError when device is neither 'cpu' nor 'gpu'.
 * @example
 * ```ts
 * K.set_device('gpu');
 * K.eval(K.add(K.ones([2]), 1)); // [2, 2] (computed by gpu.js)
 * K.set_device('cpu');
 * K.get_device(); // 'cpu'
 * ```
 */
export function set_device(device: DeviceName): void {
  keras(set_device, () => {
    if (device !== 'cpu' && device !== 'gpu') {
      throw valueError('set_device', `device must be 'cpu' or 'gpu'; got ${showRaw(device)}`);
    }
    setCurrentDevice(device);
  });
}

/**
 * The device ops run on now (a ktape addition): 'cpu' or 'gpu', as last set
 * by {@link set_device}.
 *
 * @returns 'cpu' or 'gpu'.
 * @example
 * ```ts
 * K.set_device('cpu');
 * K.get_device(); // 'cpu'
 * ```
 */
export function get_device(): DeviceName {
  return currentDevice();
}

/**
 * The gpu.js mode the gpu device runs in (a ktape addition): 'headlessgl'
 * (real WebGL through the optional `gl` package, e.g. under xvfb-run),
 * 'webgl2' or 'webgl' (in a browser), or the fallbacks 'webasm' and 'cpu'.
 *
 * @returns The mode's name.
 * @example
 * ```ts
 * K.gpu_mode(); // 'headlessgl' with a GL context, else e.g. 'webasm'
 * ```
 */
export function gpu_mode(): GpuMode {
  return backendOf('gpu')?.describe?.().mode ?? 'cpu';
}

/**
 * The GL driver behind the gpu device (unmasked: headless-gl's direct query,
 * a browser's WEBGL_debug_renderer_info) with its GL version, in GL modes; null
 * in the 'webasm' and 'cpu' modes (a ktape addition).
 *
 * @returns The renderer, or null.
 * @example
 * ```ts
 * K.gpu_renderer(); // e.g. 'ANGLE (Mesa/X.org llvmpipe ...)' (the driver, unmasked), null under webasm
 * ```
 */
export function gpu_renderer(): string | null {
  return backendOf('gpu')?.describe?.().renderer ?? null;
}

export interface MemoryInfo {
  /** Live gpu buffers (textures in GL modes) and their size in bytes. */
  gpuBuffers: number;
  gpuBytes: number;
  /** Calls the gpu device handed to the cpu, by reason (float64, limits). */
  cpuFallbacks: Record<string, number>;
}

/**
 * What the gpu device holds now (a ktape addition): the number of live gpu
 * buffers (textures in GL modes) and their bytes, and how many calls the gpu
 * device handed to the cpu, by reason (float64, size limits).
 *
 * @returns `{ gpuBuffers, gpuBytes, cpuFallbacks }`.
 * @example
 * ```ts
 * const reason = 'float64 keeps its precision on the cpu';
 * const before = K.memory_info().cpuFallbacks[reason] ?? 0;
 * K.set_device('gpu');
 * K.add(K.ones([2], 'float64'), 1); // float64 runs on the cpu
 * (K.memory_info().cpuFallbacks[reason] ?? 0) - before; // 1
 * K.set_device('cpu');
 * ```
 */
export function memory_info(): MemoryInfo {
  const { count, bytes } = backendOf('gpu')?.live?.() ?? { count: 0, bytes: 0 };
  return { gpuBuffers: count, gpuBytes: bytes, cpuFallbacks: Object.fromEntries(fallbacks) };
}

/**
 * Frees the device memory of tensors now instead of when they are garbage
 * collected (a ktape addition). A disposed tensor can no longer be read or
 * used; a variable's value is never freed this way. Placeholders are skipped.
 *
 * @param x A tensor or a list of tensors.
 * @returns Nothing.
 * @example
 * ```ts
 * K.set_device('gpu');
 * const y = K.add(K.ones([1000]), 1);
 * K.dispose(y); // its gpu buffer is released
 * K.eval(y); // throws (the value was disposed)
 * K.set_device('cpu');
 * ```
 */
export function dispose(x: Tensor | Tensor[]): void {
  const list: unknown[] = Array.isArray(x) ? x : [x];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) {
      const where = Array.isArray(x) ? `x[${i}]` : 'x';
      throw typeError('dispose', `${where} must be a tensor (or x a list of tensors); got ${describeValue(t)}`);
    }
  });
  for (const t of list as Tensor[]) {
    // A variable's value (and its snapshot, which shares it) is never freed this way.
    if (t.storage === null || t instanceof Variable || t.node?.prim === 'read_variable') continue;
    disposeStorage(t.storage);
  }
}
