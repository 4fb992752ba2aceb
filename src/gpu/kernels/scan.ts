// Scan gpu kernels, on flat row-major values viewed as [outer, n, inner].
//
// A blocked scan: the axis is cut into blocks of BLOCK elements. One pass
// folds each block into a total; the totals (a tensor [outer, blocks, inner])
// are scanned exclusively by the same code, recursively; a last pass gives
// each element its block's carry folded with the elements of its block up to
// it. No thread loops more than BLOCK times (far below llvmpipe's 65,535
// iterations per invocation) and the work is about BLOCK/2 steps per element.
// Nothing is divided, so products with zeros are exact.
//
// affine_scan (h_i = a_i h_{i-1} + b_i) composes affine maps: a block's total
// is the pair (prod a, the block's scan from 0), and the carry into a block is
// the exclusive affine scan of those pairs.
//
// reverse runs the same logic on the mirrored index (k -> n - 1 - k); the
// totals are kept in scan order. Integer dtypes wrap at every step, as the
// cpu kernels do.
import type { KernelVariable } from 'gpu.js';
import type { Kernel, KernelOf } from '../../core/backend.js';
import type { DType } from '../../core/dtype.js';
import { isFloat } from '../../core/dtype.js';
import { kernelFor, runKernel } from '../context.js';
import type { GpuData } from '../memory.js';
import { emptyData, IDIV, storeLine, valueOf, WRAP, wrapValue } from './common.js';
import type { Scan, ScanAttrs } from '../../core/primitives.js';
import { lineShape } from '../../core/shape.js';

/** Elements per block. */
export const BLOCK = 64;

type Mode = 'sum' | 'prod' | 'affine';

const STEP: Record<Mode, string> = {
  sum: 'acc = acc + x0[idx];\n',
  prod: 'acc = acc * x0[idx];\n',
  affine: 'acc = x0[idx] * acc + x1[idx];\n',
};

const IDENTITY: Record<Mode, number> = { sum: 0, prod: 1, affine: 0 };

/** The step, wrapping the running value into `dtype` (integers) after each one. */
function step(mode: Mode, dtype: DType): string {
  const wrap = storeLine(dtype).replace(/\bv\b/g, 'acc');
  return STEP[mode] + wrap;
}

function inputs(mode: Mode): string[] {
  return mode === 'affine' ? ['x0', 'x1'] : ['x0'];
}

/** The flat index of scan position j of line (o, r), mirrored when rev = 1. */
const INDEX = 'let jp = j;\nif (rev === 1) { jp = n - 1 - j; }\nconst idx = (o * n + jp) * inner + r;\n';

/** Thread (o, blk, r) folds block blk of line (o, r) from the identity. */
function totalsSource(mode: Mode, dtype: DType): string {
  const params = [...inputs(mode), 'n', 'inner', 'nb', 'rev', 'init'];
  const body =
    'const t = this.thread.x * 1.0;\nconst q = idiv(t, inner);\nconst r = t - q * inner;\n' +
    'const o = idiv(q, nb);\nconst blk = q - o * nb;\n' +
    `const start = blk * ${BLOCK};\nlet cnt = n - start;\nif (cnt > ${BLOCK}) { cnt = ${BLOCK}; }\n` +
    'let acc = init;\n' +
    `for (let jj = 0; jj < cnt; jj++) {\nconst j = start + jj;\n${INDEX}${step(mode, dtype)}}\n` +
    'return acc;\n';
  return `function (${params.join(', ')}) {\n${body}}`;
}

/**
 * Thread (o, k, r) (k the stored position): the carry of its block (or init),
 * then the block's elements before it (exclusive) or up to it.
 */
function finalSource(mode: Mode, dtype: DType): string {
  const params = [...inputs(mode), 'p', 'n', 'inner', 'nb', 'rev', 'excl', 'carry', 'init'];
  const body =
    'const t = this.thread.x * 1.0;\nconst q = idiv(t, inner);\nconst r = t - q * inner;\n' +
    'const o = idiv(q, n);\nconst kp = q - o * n;\n' +
    'let k = kp;\nif (rev === 1) { k = n - 1 - kp; }\n' +
    `const blk = idiv(k, ${BLOCK});\nconst start = blk * ${BLOCK};\n` +
    'let acc = init;\nif (carry === 1) { acc = p[(o * nb + blk) * inner + r]; }\n' +
    'let cnt = k - start + 1;\nif (excl === 1) { cnt = cnt - 1; }\n' +
    `for (let jj = 0; jj < cnt; jj++) {\nconst j = start + jj;\n${INDEX}${step(mode, dtype)}}\n` +
    'return acc;\n';
  return `function (${params.join(', ')}) {\n${body}}`;
}

/** Running totals use float32 for floats; integers wrap into their own dtype. */
function runDType(dtype: DType): DType {
  return isFloat(dtype) ? 'float32' : dtype;
}

/**
 * The scan of `xs` (one input, or a and b for affine), each flat [outer, n,
 * inner]: inclusive or exclusive, forward or reversed. The inputs are not freed.
 */
function scanRun(
  prim: string,
  mode: Mode,
  xs: readonly GpuData[],
  outer: number,
  n: number,
  inner: number,
  excl: boolean,
  rev: boolean,
  dtype: DType,
  shape: readonly number[]
): GpuData {
  const size = outer * n * inner;
  if (size === 0) return emptyData(shape);
  const d = runDType(dtype);
  const vals = xs.map((x) => valueOf(x, prim) as KernelVariable);
  const nb = Math.ceil(n / BLOCK);
  const made: GpuData[] = [];
  try {
    let carry: GpuData | null = null;
    if (nb > 1) {
      const totals = (m: Mode, ins: KernelVariable[]): GpuData => {
        const fn = kernelFor(prim, totalsSource(m, d), [IDIV, WRAP]);
        const out = wrapValue(
          runKernel(prim, fn, outer * nb * inner, [...ins, n, inner, nb, rev ? 1 : 0, IDENTITY[m]]),
          [outer * nb * inner]
        );
        made.push(out);
        return out;
      };
      // The carry into block b is the exclusive scan of the block totals.
      const parts = mode === 'affine' ? [totals('prod', [vals[0]!]), totals('affine', vals)] : [totals(mode, vals)];
      carry = scanRun(prim, mode, parts, outer, nb, inner, true, false, d, [outer * nb * inner]);
      made.push(carry);
    }
    const fn = kernelFor(prim, finalSource(mode, dtype), [IDIV, WRAP]);
    const args: KernelVariable[] = [
      ...vals,
      carry === null ? vals[0]! : valueOf(carry, prim),
      n,
      inner,
      nb,
      rev ? 1 : 0,
      excl ? 1 : 0,
      carry === null ? 0 : 1,
      IDENTITY[mode],
    ];
    return wrapValue(runKernel(prim, fn, size, args), shape);
  } finally {
    for (const m of made) m.buf.free();
  }
}

function scanKernel(mode: 'sum' | 'prod'): KernelOf<1, Scan, GpuData> {
  return ([x], { axis, exclusive, reverse }, out) => {
    const { outer, n, inner } = lineShape(out.shape, axis);
    return scanRun(`cum${mode}`, mode, [x], outer, n, inner, exclusive, reverse, out.dtype, out.shape);
  };
}

export const gpuScan: { [P in keyof ScanAttrs]: Kernel<P, GpuData> } = {
  cumsum: scanKernel('sum'),
  cumprod: scanKernel('prod'),
  affine_scan: ([a, b], { axis, reverse }, out) => {
    const { outer, n, inner } = lineShape(out.shape, axis);
    return scanRun('affine_scan', 'affine', [a, b], outer, n, inner, false, reverse, out.dtype, out.shape);
  },
};
