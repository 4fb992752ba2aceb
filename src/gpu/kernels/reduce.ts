// Reductions over any axes, in passes: each thread folds one chunk of at most
// CHUNK reduced elements of one output element (walking the reduced axes,
// collapsed where contiguous, with an odometer: no division per element);
// when an output has more than one chunk, the partial results are folded
// again. Sums add in groups of 64 inside a chunk, so float32 rounding grows
// with 64 + 64 + (number of chunks) rather than with n.
//
// As the cpu kernels: NaN wins max/min; argmax/argmin return the first index
// of the extreme, or 0 when the first element is NaN (nothing beats it).
import type { KernelVariable } from 'gpu.js';
import type { Kernel, KernelOf } from '../../core/backend.js';
import { highest, lowest, type DType } from '../../core/dtype.js';
import { sizeOf, stridesOf } from '../../core/shape.js';
import { kernelFor, runKernel } from '../context.js';
import type { GpuData } from '../memory.js';
import { CHUNK, collapse, coordLines, emptyData, IDIV, storeLine, valueOf, WRAP, wrapValue } from './common.js';
import type { ReduceAttrs, Reduction } from '../../core/primitives.js';

type FoldName = 'sum' | 'prod' | 'max' | 'min' | 'nanmax' | 'nanmin' | 'first';

interface Fold {
  /** Declarations before the loop (acc starts at the argument `init`). */
  readonly start: string;
  /** One step with the element `xv` at reduced index `j` (`m`: the reference value). */
  readonly step: string;
  /** After the loop: leave the result in `acc`. */
  readonly finish: string;
  /** How partial results of chunks combine. */
  readonly combine: FoldName;
}

const FOLDS: Record<FoldName, Fold> = {
  sum: {
    start: 'let part = 0;\nlet cnt = 0;\n',
    step: 'part = part + xv;\ncnt = cnt + 1;\nif (cnt === 64) { acc = acc + part; part = 0; cnt = 0; }\n',
    finish: 'acc = acc + part;\n',
    combine: 'sum',
  },
  prod: { start: '', step: 'acc = acc * xv;\n', finish: '', combine: 'prod' },
  max: { start: '', step: 'if (xv > acc || xv !== xv) { acc = xv; }\n', finish: '', combine: 'max' },
  min: { start: '', step: 'if (xv < acc || xv !== xv) { acc = xv; }\n', finish: '', combine: 'min' },
  // The extreme of the values other than NaN.
  nanmax: { start: '', step: 'if (xv > acc) { acc = xv; }\n', finish: '', combine: 'nanmax' },
  nanmin: { start: '', step: 'if (xv < acc) { acc = xv; }\n', finish: '', combine: 'nanmin' },
  // The first index holding `m`, or 0 if the first element is NaN; `count` (init) if none.
  first: {
    start: '',
    step: 'if (acc === count && (xv === m || (j === 0 && xv !== xv))) { acc = j; }\n',
    finish: '',
    combine: 'min',
  },
};

/** Step the offset to the next reduced element: axis i advances, carrying into i - 1. */
function advance(i: number): string {
  if (i === 0) return 'off = off + t0;\n';
  return `off = off + t${i};\nr${i} = r${i} + 1;\nif (r${i} === e${i}) {\nr${i} = 0;\noff = off - e${i} * t${i};\n${advance(i - 1)}}\n`;
}

/**
 * One pass: thread (o, ch) folds chunk ch of output element o. Arguments: x0,
 * [ref], kept dims d1.. and strides s0.., reduced dims e0.. and strides t0..,
 * the reduced count, the chunks per output, init.
 */
function source(fold: Fold, keptRank: number, redRank: number, withRef: boolean, dtype: DType): string {
  const params = withRef ? ['x0', 'ref'] : ['x0'];
  for (let i = 1; i < keptRank; i++) params.push(`d${i}`);
  for (let i = 0; i < keptRank; i++) params.push(`s${i}`);
  for (let i = 0; i < redRank; i++) params.push(`e${i}`);
  for (let i = 0; i < redRank; i++) params.push(`t${i}`);
  params.push('count', 'chunks', 'init');
  let body = 'const tid = this.thread.x * 1.0;\nconst o = idiv(tid, chunks);\nconst ch = tid - o * chunks;\n';
  body += coordLines(
    keptRank,
    'o',
    (i) => `d${i}`,
    (i) => `c${i}`
  );
  body += `let off = ${[...Array(keptRank).keys()].map((i) => `c${i} * s${i}`).join(' + ')};\n`;
  if (withRef) body += 'const m = ref[o];\n';
  body += `const j0 = ch * ${CHUNK};\nlet n = count - j0;\nif (n > ${CHUNK}) { n = ${CHUNK}; }\nlet restR = j0;\n`;
  for (let i = redRank - 1; i >= 1; i--)
    body += `const g${i} = idiv(restR, e${i});\nlet r${i} = restR - g${i} * e${i};\nrestR = g${i};\noff = off + r${i} * t${i};\n`;
  body += 'off = off + restR * t0;\n';
  body += `let acc = init;\n${fold.start}`;
  body += `for (let jj = 0; jj < n; jj++) {\nconst j = j0 + jj;\nconst xv = x0[off];\n${fold.step}${advance(redRank - 1)}}\n`;
  body += `${fold.finish}let v = acc;\n${storeLine(dtype)}return v;\n`;
  return `function (${params.join(', ')}) {\n${body}}`;
}

/**
 * Fold `axes` of `x` into `outShape` (its size = the product of the kept
 * axes); `init` is the empty fold's value; `ref` holds one reference value
 * per output element (for 'first').
 */
export function reduceRun(
  prim: string,
  name: FoldName,
  x: GpuData,
  axes: readonly number[],
  init: number,
  outShape: readonly number[],
  dtype: DType,
  ref?: GpuData
): GpuData {
  const outSize = sizeOf(outShape);
  if (outSize === 0) return emptyData(outShape);
  const strides = stridesOf(x.shape);
  const kept = [...x.shape.keys()].filter((i) => !axes.includes(i));
  const k = collapse(
    kept.map((i) => x.shape[i]!),
    [kept.map((i) => strides[i]!)]
  );
  const r = collapse(
    axes.map((i) => x.shape[i]!),
    [axes.map((i) => strides[i]!)]
  );
  const count = sizeOf(axes.map((i) => x.shape[i]!));
  const chunks = Math.max(1, Math.ceil(count / CHUNK));
  const fold = FOLDS[name];
  const args: KernelVariable[] = [valueOf(x, prim)];
  if (ref !== undefined) args.push(valueOf(ref, prim));
  args.push(...k.dims.slice(1), ...k.strides[0]!, ...r.dims, ...r.strides[0]!, count, chunks, init);
  const fn = kernelFor(prim, source(fold, k.dims.length, r.dims.length, ref !== undefined, dtype), [IDIV, WRAP]);
  const value = runKernel(prim, fn, outSize * chunks, args);
  if (chunks === 1) return wrapValue(value, outShape);
  return combine(prim, fold.combine, wrapValue(value, [outSize, chunks]), init, outShape, dtype);
}

/** Fold the partial results (one row of chunks per output element), then free them. */
export function combine(
  prim: string,
  name: FoldName,
  partials: GpuData,
  init: number,
  outShape: readonly number[],
  dtype: DType
): GpuData {
  try {
    return reduceRun(prim, name, partials, [1], init, outShape, dtype);
  } finally {
    partials.buf.free();
  }
}

function fold(name: 'sum' | 'prod' | 'max' | 'min', init: (d: DType) => number): KernelOf<1, Reduction, GpuData> {
  // Over no axes the value is x's own (values are immutable, so its buffer is a correct result).
  return ([x], attrs, out) =>
    attrs.axes.length === 0 ? x : reduceRun(name, name, x, attrs.axes, init(out.dtype), out.shape, out.dtype);
}

/** The extreme without NaN, then the first index holding it. */
function argFold(prim: 'argmax' | 'argmin'): KernelOf<1, { axis: number }, GpuData> {
  return ([x], { axis }, out) => {
    const extreme =
      prim === 'argmax'
        ? reduceRun(prim, 'nanmax', x, [axis], -Infinity, out.shape, 'float32')
        : reduceRun(prim, 'nanmin', x, [axis], Infinity, out.shape, 'float32');
    try {
      return reduceRun(prim, 'first', x, [axis], x.shape[axis]!, out.shape, out.dtype, extreme);
    } finally {
      extreme.buf.free();
    }
  };
}

export const gpuReduce: { [P in keyof ReduceAttrs]: Kernel<P, GpuData> } = {
  sum: fold('sum', () => 0),
  prod: fold('prod', () => 1),
  max: fold('max', lowest),
  min: fold('min', highest),
  argmax: argFold('argmax'),
  argmin: argFold('argmin'),
};
