// The gpu.js instance (created on first use), what it runs on, and the kernel
// cache: every kernel is compiled once per source text and reused for every
// shape (outputs and argument sizes are dynamic, shapes travel as arguments).
import { platform } from '../core/platform.js';
import {
  CPUKernel,
  GPU,
  HeadlessGLKernel,
  Texture,
  WebAssemblyKernel,
  WebGL2Kernel,
  WebGLKernel,
  type IGPUKernelSettings,
  type IGPUSettings,
  type IKernelRunShortcut,
  type KernelVariable,
} from 'gpu.js';
import type { GpuMode } from '../core/backend.js';
import type { GpuValue } from './memory.js';

/**
 * Index arithmetic runs in float32 (the only number type of WebGL 1), which
 * holds every integer up to 2^24 exactly: no tensor on the gpu may have more
 * elements. Integer tensors are exact within the same range.
 */
export const MAX_EXACT = 2 ** 24;

let instance: GPU | null = null;

/**
 * The gpu.js instance. KTAPE_GPU_MODE ('headlessgl', 'webgl2', 'webgl',
 * 'webasm', 'cpu') forces a mode; otherwise gpu.js picks the best it finds:
 * real WebGL through the `gl` module when an X display is present, else
 * WebAssembly.
 */
export function gpu(): GPU {
  if (instance === null) {
    const forced = platform().env('KTAPE_GPU_MODE');
    const settings: IGPUSettings | undefined = forced ? { mode: forced as GpuMode } : undefined;
    instance = new GPU(settings);
  }
  return instance;
}

/** The kernel class gpu.js actually runs. */
export function gpuMode(): GpuMode {
  const K = gpu().Kernel;
  if (K === HeadlessGLKernel) return 'headlessgl';
  if (K === WebGL2Kernel) return 'webgl2';
  if (K === WebGLKernel) return 'webgl';
  if (K === WebAssemblyKernel) return 'webasm';
  if (K === CPUKernel) return 'cpu';
  throw new Error(`gpu.js chose an unknown kernel class ${(K as { name?: string }).name ?? '?'}`);
}

/** GL modes keep values in textures; webasm and cpu in Float32Arrays. */
export function usesTextures(): boolean {
  const m = gpuMode();
  return m === 'headlessgl' || m === 'webgl2' || m === 'webgl';
}

interface GlContext {
  RENDERER: number;
  VERSION: number;
  getParameter(p: number): unknown;
  getExtension?(name: string): unknown;
}

/** The GL renderer and version strings (null outside the GL modes, or before the first kernel ran). */
export function gpuRenderer(): string | null {
  const gl = gpu().context as GlContext | null;
  if (!usesTextures() || gl === null || typeof gl.getParameter !== 'function') return null;
  // Plain RENDERER is masked: headless-gl answers 'ANGLE', a browser 'WebKit WebGL'. The card's name is
  // headless-gl's unmasked string (its direct query), or a browser's WEBGL_debug_renderer_info.
  const direct = (gl as { _getParameterDirect?: (p: number) => unknown })._getParameterDirect;
  if (typeof direct === 'function') {
    return `${String(direct.call(gl, gl.RENDERER))} (${String(direct.call(gl, gl.VERSION))})`;
  }
  const info = gl.getExtension?.('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null | undefined;
  const renderer = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  return `${String(renderer)} (${String(gl.getParameter(gl.VERSION))})`;
}

/** The largest texture side in GL modes (Infinity where values are plain arrays). */
export function maxTextureSize(): number {
  if (!usesTextures()) return Infinity;
  const features = (gpu().Kernel as unknown as { features: { maxTextureSize: number } | null }).features;
  return features?.maxTextureSize ?? 0;
}

/** The most elements one gpu tensor may have: exact float32 indices, and the texture limit. */
export function maxElements(): number {
  const side = maxTextureSize();
  return Math.min(MAX_EXACT, side * side);
}

/**
 * The most elements one thread loops over. Mesa's llvmpipe silently ends a
 * shader's loops after 65535 iterations in all (one budget per invocation,
 * nested loops included), so longer reductions and products run in passes:
 * each thread folds one chunk of CHUNK elements into a partial result, and
 * the partials are folded again (kernels/reduce.ts). gpu.js caps loops whose
 * bound is an argument at loopMaxIterations, set to CHUNK.
 */
export const CHUNK = 4096;

// Some settings gpu.js honours are missing from its types (loopMaxIterations,
// fixIntegerDivisionAccuracy: exact quotients of integers), hence the cast.
const SETTINGS = {
  output: [1],
  dynamicOutput: true,
  dynamicArguments: true,
  precision: 'single',
  pipeline: true,
  immutable: true,
  loopMaxIterations: CHUNK,
  // highp everywhere: the automatic tactic picks lowp/mediump for small outputs.
  tactic: 'precision',
  fixIntegerDivisionAccuracy: true,
};

const cache = new Map<string, IKernelRunShortcut>();

/** A compiled kernel for `source` (a JS function text) with helper functions, cached by text. */
export function kernelFor(prim: string, source: string, functions: readonly string[] = []): IKernelRunShortcut {
  const key = `${functions.join('\n')}\n${source}`;
  let k = cache.get(key);
  if (k === undefined) {
    try {
      k = gpu().createKernel(source, { ...SETTINGS, functions: functions.slice() } as unknown as IGPUKernelSettings);
    } catch (e) {
      throw gpuError(prim, e);
    }
    cache.set(key, k);
  }
  return k;
}

/** Number of kernels compiled so far (for tests of the cache). */
export function cachedKernelCount(): number {
  return cache.size;
}

/**
 * Run a kernel over `size` output elements. The first call compiles it; any
 * gpu.js failure becomes an Error naming the primitive and gpu.js's message.
 */
export function runKernel(prim: string, k: IKernelRunShortcut, size: number, args: KernelVariable[]): GpuValue {
  let out: unknown;
  try {
    k.setOutput([size]);
    out = k(...args);
  } catch (e) {
    throw gpuError(prim, e);
  }
  return checkedOutput(prim, out, size);
}

function gpuError(prim: string, e: unknown): Error {
  const msg = e instanceof Error ? e.message : String(e);
  return new Error(`gpu kernel for ${prim}: gpu.js failed: ${msg}`, { cause: e });
}

// gpu.js has been seen to keep a stale output size after a resize; never
// hand out a value of the wrong length.
function checkedOutput(prim: string, out: unknown, size: number): GpuValue {
  if (out instanceof Texture) {
    const n = (out as unknown as { output: number[] }).output[0];
    if (n !== size) {
      out.delete();
      throw new Error(`gpu kernel for ${prim}: gpu.js returned ${n} values instead of ${size}`);
    }
    return out;
  }
  if (out instanceof Float32Array) {
    if (out.length !== size)
      throw new Error(`gpu kernel for ${prim}: gpu.js returned ${out.length} values instead of ${size}`);
    return out;
  }
  if (Array.isArray(out) && out.length === size) return Float32Array.from(out as number[]);
  throw new Error(`gpu kernel for ${prim}: gpu.js returned an unexpected ${Object.prototype.toString.call(out)}`);
}

/** The float32 values of a buffer value, as a new array. */
export function readValue(v: GpuValue, size: number): Float32Array {
  if (v instanceof Float32Array) return v.slice(0, size);
  const arr = v.toArray() as unknown;
  if (arr instanceof Float32Array) return arr.length === size ? arr : arr.slice(0, size);
  return Float32Array.from(arr as ArrayLike<number>, (x) => x).slice(0, size);
}
