// What every gpu kernel shares: flat row-major values, strided reads (one
// kernel serves every shape: dims and strides are arguments, and adjacent axes
// that read contiguously are merged first, so most calls are rank 1 or 2),
// integer wrapping, and the float32 helpers that fix GLSL's edge cases.
//
// Kernel sources are JS text: gpu.js translates them to GLSL or WebAssembly.
// All numbers in them are float32; indices are exact below 2^24 (MAX_EXACT).
import type { KernelVariable } from 'gpu.js';
import type { DType } from '../../core/dtype.js';
import { sizeOf, stridesOf } from '../../core/shape.js';
import { disposedError } from '../../core/context.js';
import { kernelFor, runKernel, usesTextures } from '../context.js';
import { GpuBuffer, type GpuData, type GpuValue } from '../memory.js';

export { CHUNK } from '../context.js';

/** The highest rank the kernels take (refuse() sends anything higher to the cpu). */
export const MAX_RANK = 6;

/** A strided read of a flat buffer in the output's index space (stride 0 repeats). */
export interface Read {
  readonly data: GpuData;
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Read `data` (row-major) broadcast to `shape`: stride 0 on repeated or missing axes. */
export function broadcastRead(data: GpuData, shape: readonly number[]): Read {
  const own = stridesOf(data.shape);
  const lead = shape.length - data.shape.length;
  const strides = shape.map((d, i) => (i < lead || data.shape[i - lead] !== d ? 0 : own[i - lead]!));
  return { data, strides, offset: 0 };
}

export function wrapValue(value: GpuValue, shape: readonly number[]): GpuData {
  const size = sizeOf(shape);
  return { buf: new GpuBuffer(value, size * 4), shape: shape.slice(), size };
}

export function emptyData(shape: readonly number[]): GpuData {
  return wrapValue(new Float32Array(0), shape);
}

/** The device value to pass to a kernel; throws if the buffer was freed. */
export function valueOf(d: GpuData, prim: string): GpuValue {
  if (d.buf.isFreed) {
    throw disposedError(prim, d.shape, 'float32');
  }
  return d.size === 0 ? placeholder() : d.buf.value;
}

let dummy: GpuValue | null = null;
/** A one-element value standing in for an empty input (kernels never read it). */
function placeholder(): GpuValue {
  if (dummy === null) dummy = toDevice(new Float32Array(1));
  return dummy;
}

const UPLOAD = 'function (a) { return a[this.thread.x]; }';

/** Host float32 values onto the device: a texture in GL modes, the array itself otherwise. */
export function toDevice(values: Float32Array): GpuValue {
  if (!usesTextures()) return values;
  return runKernel('upload', kernelFor('upload', UPLOAD), values.length, [values]);
}

/**
 * Merge adjacent axes that every read walks contiguously and drop axes of
 * length 1. Returns at least one axis.
 */
export function collapse(
  shape: readonly number[],
  strides: readonly (readonly number[])[]
): { dims: number[]; strides: number[][] } {
  const dims: number[] = [];
  const out: number[][] = strides.map(() => []);
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    const d = shape[ax]!;
    if (d === 1) continue;
    if (dims.length > 0 && strides.every((s, k) => s[ax] === out[k]![0]! * dims[0]!)) {
      dims[0]! *= d;
      continue;
    }
    dims.unshift(d);
    strides.forEach((s, k) => out[k]!.unshift(s[ax]!));
  }
  if (dims.length === 0) return { dims: [1], strides: strides.map(() => [0]) };
  return { dims, strides: out };
}

/**
 * Source lines that split the flat output index into coordinates c0..c{r-1}
 * over dims d0..d{r-1} (d0 is never needed). `idx` names the flat index.
 */
export function coordLines(
  rank: number,
  idx: string,
  dim: (i: number) => string,
  coord: (i: number) => string
): string {
  if (rank === 1) return `const ${coord(0)} = ${idx};\n`;
  let s = `let rest = ${idx};\n`;
  for (let i = rank - 1; i >= 1; i--) {
    s += `const q${i} = idiv(rest, ${dim(i)});\nconst ${coord(i)} = rest - q${i} * ${dim(i)};\nrest = q${i};\n`;
  }
  return `${s}const ${coord(0)} = rest;\n`;
}

/** floor(x / d) for integers 0 <= x < 2^24, d >= 1, exact whatever the division's rounding. */
export const IDIV = `function idiv(x, d) {
  let q = Math.floor(x / d);
  if (q * d > x) { q = q - 1; }
  if ((q + 1) * d <= x) { q = q + 1; }
  return q;
}`;

/**
 * Store into an integer dtype as the cpu's typed arrays do: NaN and
 * infinities give 0, fractions truncate toward zero, the rest wraps modulo
 * 2^bits (`m`) into [h - m, h) (h = m/2 signed, h = m unsigned). The
 * remainder is taken centred on 0 (t / m rounded half up, in exact steps),
 * where it has at most 24 significant bits and so is exact for every float32
 * (the residue in [0, 2^32) of a small negative number is not).
 */
export const WRAP = `function wrapInt(x, m, h) {
  if (!(Math.abs(x) <= 3.4028234663852886e38)) { return 0; }
  const t = Math.trunc(x);
  const q = t / m;
  let k = Math.floor(q);
  if (q - k >= 0.5) { k = k + 1; }
  let r = t - m * k;
  if (r < h - m) { r = r + m; }
  return r;
}`;

const WRAPS: Partial<Record<DType, [number, number]>> = {
  int8: [256, 128],
  uint8: [256, 256],
  int16: [65536, 32768],
  uint16: [65536, 65536],
  int32: [4294967296, 2147483648],
};

/** Source line that makes `v` a value of `dtype` (wrapping for the fixed-width integers). */
export function storeLine(dtype: DType): string {
  const w = WRAPS[dtype];
  return w === undefined ? '' : `v = wrapInt(v, ${w[0]}, ${w[1]});\n`;
}

/**
 * Run an elementwise kernel: each output element reads every input at its
 * strided offset into a0, a1, ... and the body sets `v`; the result is
 * stored as `out.dtype`. `nan` is an argument so that bodies can return NaN
 * (a GLSL constant 0/0 is undefined).
 */
export function runMap(
  prim: string,
  outShape: readonly number[],
  outDtype: DType,
  reads: readonly Read[],
  body: string,
  functions: readonly string[] = []
): GpuData {
  const size = sizeOf(outShape);
  if (size === 0) return emptyData(outShape);
  const { dims, strides } = collapse(
    outShape,
    reads.map((r) => r.strides)
  );
  const rank = dims.length;
  const n = reads.length;
  const params: string[] = [];
  const args: KernelVariable[] = [];
  reads.forEach((r, k) => {
    params.push(`x${k}`);
    args.push(valueOf(r.data, prim));
  });
  for (let i = 1; i < rank; i++) {
    params.push(`d${i}`);
    args.push(dims[i]!);
  }
  let src = coordLines(
    rank,
    'this.thread.x * 1.0',
    (i) => `d${i}`,
    (i) => `c${i}`
  );
  for (let k = 0; k < n; k++) {
    let off = `o${k}`;
    for (let i = 0; i < rank; i++) {
      params.push(`s${k}_${i}`);
      args.push(strides[k]![i]!);
      off += ` + c${i} * s${k}_${i}`;
    }
    params.push(`o${k}`);
    args.push(reads[k]!.offset);
    src += `const a${k} = x${k}[${off}];\n`;
  }
  params.push('nan');
  args.push(NaN);
  src += `let v = 0;\n${body}\n${storeLine(outDtype)}return v;\n`;
  const source = `function (${params.join(', ')}) {\n${src}}`;
  const fns = [IDIV, WRAP, ...functions];
  return wrapValue(runKernel(prim, kernelFor(prim, source, fns), size, args), outShape);
}
