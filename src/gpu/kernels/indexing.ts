// Indexing gpu kernels, on flat row-major values.
// - reverse: one strided read with negative strides (runMap).
// - concat: the output is [outer, W] with each input a band of columns
//   [outer, w_i]; one kernel joins up to GROUP inputs (one texture each, and
//   WebGL guarantees only 8 texture units), more are joined in a tree.
// - gather: one read per output element through the indices.
// - scatter_add: no atomics in WebGL, so each output element sums its own
//   updates: the indices are read back, sorted by target on the host (stable,
//   so the sum runs in the cpu's order), and each thread walks its segment,
//   CHUNK updates per pass (the loop cap), adding to the previous pass.
// gather and scatter_add read their indices back anyway to check them (a
// ValueError, never garbage); index values are exact since every tensor here
// has at most 2^24 elements, so no valid index reaches float32's inexact range.
import type { KernelVariable } from 'gpu.js';
import type { Kernel } from '../../core/backend.js';
import type { DType } from '../../core/dtype.js';
import { sizeOf, stridesOf } from '../../core/shape.js';
import { kernelFor, readValue, runKernel } from '../context.js';
import type { GpuData } from '../memory.js';
import { CHUNK, emptyData, IDIV, runMap, storeLine, toDevice, valueOf, WRAP, wrapValue } from './common.js';
import type { IndexingAttrs } from '../../core/primitives.js';
import { checkIndices } from '../../prims/index_check.js';

/** The most inputs one concat kernel reads. */
const GROUP = 8;

/** Join k bands of columns: widths w_i, band i starting at column b_i. */
function concatSource(k: number): string {
  const params = [...Array(k).keys()].map((i) => `x${i}`);
  params.push('W');
  for (let i = 1; i < k; i++) params.push(`b${i}`);
  for (let i = 0; i < k; i++) params.push(`w${i}`);
  let pick = `v = x${k - 1}[row * w${k - 1} + col - b${k - 1}];\n`;
  for (let i = k - 2; i >= 0; i--) {
    const start = i === 0 ? '' : ` - b${i}`;
    pick = `if (col < b${i + 1}) {\nv = x${i}[row * w${i} + col${start}];\n} else {\n${pick}}\n`;
  }
  const body = `const t = this.thread.x * 1.0;\nconst row = idiv(t, W);\nconst col = t - row * W;\nlet v = 0;\n${pick}return v;\n`;
  return `function (${params.join(', ')}) {\n${body}}`;
}

/** Join bands [outer, w_i] (all non-empty) into [outer, sum w_i]; frees nothing. */
function joinBands(bands: readonly GpuData[], outer: number): GpuData {
  const widths = bands.map((b) => b.size / outer);
  const W = widths.reduce((a, b) => a + b, 0);
  const args: KernelVariable[] = bands.map((b) => valueOf(b, 'concat') as KernelVariable);
  args.push(W);
  let at = 0;
  for (let i = 1; i < bands.length; i++) {
    at += widths[i - 1]!;
    args.push(at);
  }
  args.push(...widths);
  const fn = kernelFor('concat', concatSource(bands.length), [IDIV]);
  return wrapValue(runKernel('concat', fn, outer * W, args), [outer, W]);
}

/** Join any number of bands, GROUP at a time; intermediates are freed. */
function joinAll(bands: readonly GpuData[], outer: number): GpuData {
  let level = bands.slice();
  let owned = new Set<GpuData>();
  while (level.length > 1) {
    const next: GpuData[] = [];
    const made = new Set<GpuData>();
    for (let i = 0; i < level.length; i += GROUP) {
      const group = level.slice(i, i + GROUP);
      if (group.length === 1) {
        next.push(group[0]!);
        if (owned.has(group[0]!)) made.add(group[0]!);
        continue;
      }
      const joined = joinBands(group, outer);
      next.push(joined);
      made.add(joined);
    }
    for (const d of owned) if (!made.has(d)) d.buf.free();
    owned = made;
    level = next;
  }
  return level[0]!;
}

/** The indices as host numbers, checked against `dim`. */
function hostIndices(
  prim: string,
  idx: GpuData,
  dim: number,
  axis: number,
  target: string,
  targetShape: readonly number[]
): Float32Array {
  const values = idx.size === 0 ? new Float32Array(0) : readValue(valueOf(idx, prim), idx.size);
  checkIndices(prim, values, idx.shape, dim, axis, target, targetShape);
  return values;
}

const GATHER = `function (x0, ix, N, inner, dim) {
const t = this.thread.x * 1.0;
const blk = N * inner;
const b = idiv(t, blk);
const r = t - b * blk;
const j = idiv(r, inner);
const k = r - j * inner;
const id = ix[j];
return x0[(b * dim + id) * inner + k];
}`;

/**
 * One pass of scatter_add: output element (b, r, k) adds updates
 * [b, perm[s], k] for s in its segment's chunk `ch` (segment r is
 * perm[ends[r-1] .. ends[r]]) to `prev` (the last pass; unread when first).
 */
function scatterSource(dtype: DType): string {
  return `function (x0, perm, ends, prev, first, ch, size, inner, N) {
const e = this.thread.x * 1.0;
const blk = size * inner;
const b = idiv(e, blk);
const rem = e - b * blk;
const r = idiv(rem, inner);
const k = rem - r * inner;
let s0 = 0;
if (r > 0) { s0 = ends[r - 1]; }
s0 = s0 + ch * ${CHUNK};
let n = ends[r] - s0;
if (n > ${CHUNK}) { n = ${CHUNK}; }
let acc = 0;
if (first === 0) { acc = prev[e]; }
for (let jj = 0; jj < n; jj++) {
const j = perm[s0 + jj];
acc = acc + x0[(b * N + j) * inner + k];
}
let v = acc;
${storeLine(dtype)}return v;
}`;
}

export const gpuIndexing: { [P in keyof IndexingAttrs]: Kernel<P, GpuData> } = {
  reverse: ([x], { axes }, out) => {
    const strides = stridesOf(x.shape);
    let offset = 0;
    for (const ax of axes) {
      const d = x.shape[ax]!;
      if (d > 0) offset += (d - 1) * strides[ax]!;
      strides[ax] = -strides[ax]!;
    }
    return runMap('reverse', out.shape, out.dtype, [{ data: x, strides, offset }], 'v = a0;');
  },
  concat: (xs, { axis }, out) => {
    const size = sizeOf(out.shape);
    if (size === 0) return emptyData(out.shape);
    const outer = sizeOf(out.shape.slice(0, axis));
    const joined = joinAll(
      xs.filter((x) => x.size > 0),
      outer
    );
    return { buf: joined.buf, shape: out.shape.slice(), size };
  },
  gather: ([ref, idx], { axis }, out) => {
    const r = ref;
    const dim = r.shape[axis]!;
    hostIndices('gather', idx, dim, axis, 'reference', r.shape);
    const size = sizeOf(out.shape);
    if (size === 0) return emptyData(out.shape);
    const inner = sizeOf(r.shape.slice(axis + 1));
    const args: KernelVariable[] = [valueOf(r, 'gather'), valueOf(idx, 'gather'), idx.size, inner, dim];
    return wrapValue(runKernel('gather', kernelFor('gather', GATHER, [IDIV]), size, args), out.shape);
  },
  scatter_add: ([u, idx], { axis, size }, out) => {
    const ids = hostIndices('scatter_add', idx, size, axis, 'the result', out.shape);
    const total = sizeOf(out.shape);
    if (total === 0) return emptyData(out.shape);
    // Counting sort of the update positions by target: ends[r] closes segment r.
    const n = ids.length;
    const ends = new Float32Array(size);
    for (let j = 0; j < n; j++) ends[ids[j]!]!++;
    let longest = 0;
    for (let r = 0, acc = 0; r < size; r++) {
      longest = Math.max(longest, ends[r]!);
      acc += ends[r]!;
      ends[r] = acc;
    }
    const perm = new Float32Array(Math.max(n, 1));
    const fill = new Float32Array(size);
    for (let j = 0; j < n; j++) {
      const r = ids[j]!;
      perm[(r > 0 ? ends[r - 1]! : 0) + fill[r]!++] = j;
    }
    const permData = wrapValue(toDevice(perm), [perm.length]);
    const endsData = wrapValue(toDevice(ends), [size]);
    const inner = sizeOf(out.shape.slice(axis + 1));
    const fn = kernelFor('scatter_add', scatterSource(out.dtype), [IDIV, WRAP]);
    const passes = Math.max(1, Math.ceil(longest / CHUNK));
    let prev: GpuData | null = null;
    try {
      for (let ch = 0; ch < passes; ch++) {
        const args: KernelVariable[] = [
          valueOf(u, 'scatter_add'),
          valueOf(permData, 'scatter_add'),
          valueOf(endsData, 'scatter_add'),
          valueOf(prev ?? permData, 'scatter_add'),
          prev === null ? 1 : 0,
          ch,
          size,
          inner,
          n,
        ];
        const next = wrapValue(runKernel('scatter_add', fn, total, args), out.shape);
        prev?.buf.free();
        prev = next;
      }
    } catch (e) {
      prev?.buf.free();
      throw e;
    } finally {
      permData.buf.free();
      endsData.buf.free();
    }
    return prev!;
  },
};
