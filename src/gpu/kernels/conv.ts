// Convolution gpu kernels: one thread per output element, reading its sum
// directly (no col buffer). Every convolution is seen with 3 spatial axes
// (1-d and 2-d lead with axes of length 1), so each primitive compiles one
// kernel whatever its rank or shape: sizes, strides, dilations and paddings
// are arguments.
//
// Each thread walks its reduction with an odometer (the fastest index steps
// by one; carries recompute where the window reads, so there is no division
// per term) and skips the terms that fall in the padding. Reductions longer
// than CHUNK run in passes (llvmpipe's loop budget, see context.ts): thread
// (o, ch) sums chunk ch of output o, and the partial sums are added by the
// sum reduction. Terms are added in runs of 64, as reduce.ts does, so float32
// rounding grows with 64 + len / 64 rather than with len.
//
// Layouts (row-major, channels last): x (N, D, H, W, C), w (KD, KH, KW, cg, F),
// g and y (N, OD, OH, OW, F); cg = C / groups input and fg = F / groups output
// channels per group.
import type { KernelVariable } from 'gpu.js';
import type { Kernel } from '../../core/backend.js';
import { sizeOf } from '../../core/shape.js';
import { kernelFor, runKernel } from '../context.js';
import type { GpuData } from '../memory.js';
import { CHUNK, emptyData, IDIV, valueOf, wrapValue } from './common.js';
import { combine } from './reduce.js';
import type { ConvAttrs, ConvGeometry, Meta } from '../../core/primitives.js';

/** The geometry arguments every kernel takes, in this order. */
const GEOMETRY = [
  'N',
  'D',
  'H',
  'W',
  'OD',
  'OH',
  'OW',
  'KD',
  'KH',
  'KW',
  'sd',
  'sh',
  'sw',
  'dd',
  'dh',
  'dw',
  'pd',
  'ph',
  'pw',
  'C',
  'F',
  'cg',
  'fg',
];

/** Split `idx` into coordinates, last name fastest: [name, dim] pairs (`tag` keeps temporaries apart). */
function split(idx: string, tag: string, parts: readonly (readonly [string, string])[]): string {
  let s = `let r${tag} = ${idx};\n`;
  for (let i = parts.length - 1; i >= 1; i--) {
    const [name, dim] = parts[i]!;
    s += `const q${tag}${i} = idiv(r${tag}, ${dim});\nlet ${name} = r${tag} - q${tag}${i} * ${dim};\nr${tag} = q${tag}${i};\n`;
  }
  return `${s}let ${parts[0]![0]} = r${tag};\n`;
}

/** Thread -> (output element o, chunk ch) and this chunk's range [j0, j0 + len) of the reduction. */
const HEAD = `const tid = this.thread.x * 1.0;
const o = idiv(tid, chunks);
const ch = tid - o * chunks;
const j0 = ch * ${CHUNK};
let len = count - j0;
if (len > ${CHUNK}) { len = ${CHUNK}; }
`;

const SUM = {
  start: 'let acc = 0;\nlet part = 0;\nlet cnt = 0;\n',
  add: (term: string) =>
    `part = part + ${term};\ncnt = cnt + 1;\nif (cnt === 64) { acc = acc + part; part = 0; cnt = 0; }\n`,
  end: 'return acc + part;\n',
};

/** ok = 1 when input position (id, ih, iw) lies inside x. */
const INSIDE = 'ok = 1;\nif (id < 0 || id >= D || ih < 0 || ih >= H || iw < 0 || iw >= W) { ok = 0; }\n';

/** y[n, od, oh, ow, f]: the reduction runs over (kd, kh, kw, c), c fastest, as w is laid out. */
function forwardSource(): string {
  const where =
    'id = od * sd - pd + kd * dd;\nih = oh * sh - ph + kh * dh;\niw = ow * sw - pw + kw * dw;\n' +
    INSIDE +
    'xo = (((n * D + id) * H + ih) * W + iw) * C + cbase;\n';
  const body =
    HEAD +
    split('o', 'o', [
      ['n', 'N'],
      ['od', 'OD'],
      ['oh', 'OH'],
      ['ow', 'OW'],
      ['f', 'F'],
    ]) +
    split('j0', 'j', [
      ['kd', 'KD'],
      ['kh', 'KH'],
      ['kw', 'KW'],
      ['c', 'cg'],
    ]) +
    'const cbase = idiv(f, fg) * cg;\nlet id = 0;\nlet ih = 0;\nlet iw = 0;\nlet ok = 0;\nlet xo = 0;\n' +
    where +
    'let wo = j0 * F + f;\n' +
    SUM.start +
    'for (let jj = 0; jj < len; jj++) {\n' +
    `if (ok === 1) {\n${SUM.add('x[xo + c] * w[wo]')}}\n` +
    'wo = wo + F;\nc = c + 1;\n' +
    'if (c === cg) {\nc = 0;\nkw = kw + 1;\nif (kw === KW) { kw = 0; kh = kh + 1; if (kh === KH) { kh = 0; kd = kd + 1; } }\n' +
    where +
    '}\n' +
    '}\n' +
    SUM.end;
  return `function (x, w, ${GEOMETRY.join(', ')}, count, chunks) {\n${body}}`;
}

/** dw[kd, kh, kw, c, f]: the reduction runs over the output positions (n, od, oh, ow), ow fastest. */
function filterSource(): string {
  const rows = 'id = od * sd - pd + kd * dd;\nih = oh * sh - ph + kh * dh;\n';
  const cols = `iw = ow * sw - pw + kw * dw;\n${INSIDE}xo = (((n * D + id) * H + ih) * W + iw) * C + channel;\n`;
  const body =
    HEAD +
    split('o', 'o', [
      ['kd', 'KD'],
      ['kh', 'KH'],
      ['kw', 'KW'],
      ['c', 'cg'],
      ['f', 'F'],
    ]) +
    split('j0', 'j', [
      ['n', 'N'],
      ['od', 'OD'],
      ['oh', 'OH'],
      ['ow', 'OW'],
    ]) +
    'const channel = idiv(f, fg) * cg + c;\nlet id = 0;\nlet ih = 0;\nlet iw = 0;\nlet ok = 0;\nlet xo = 0;\n' +
    rows +
    cols +
    'let go = j0 * F + f;\n' +
    SUM.start +
    'for (let jj = 0; jj < len; jj++) {\n' +
    `if (ok === 1) {\n${SUM.add('x[xo] * g[go]')}}\n` +
    'go = go + F;\now = ow + 1;\n' +
    'if (ow === OW) {\now = 0;\noh = oh + 1;\nif (oh === OH) { oh = 0; od = od + 1; if (od === OD) { od = 0; n = n + 1; } }\n' +
    rows +
    '}\n' +
    cols +
    '}\n' +
    SUM.end;
  return `function (x, g, ${GEOMETRY.join(', ')}, count, chunks) {\n${body}}`;
}

/**
 * dx[n, id, ih, iw, ci]: the reduction runs over (kd, kh, kw, f) within ci's
 * group, f fastest. Tap k reaches output t / s along an axis when t = i + p -
 * k * dilation is a non-negative multiple of s below the output size.
 */
function inputSource(): string {
  const axis = (o: string, i: string, p: string, k: string, d: string, s: string, O: string) =>
    `t = ${i} + ${p} - ${k} * ${d};\n${o} = -1;\nif (t >= 0) { const q = idiv(t, ${s}); if (q * ${s} === t && q < ${O}) { ${o} = q; } }\n`;
  const where =
    axis('od', 'id', 'pd', 'kd', 'dd', 'sd', 'OD') +
    axis('oh', 'ih', 'ph', 'kh', 'dh', 'sh', 'OH') +
    axis('ow', 'iw', 'pw', 'kw', 'dw', 'sw', 'OW') +
    'ok = 1;\nif (od < 0 || oh < 0 || ow < 0) { ok = 0; }\n' +
    'go = (((n * OD + od) * OH + oh) * OW + ow) * F + fbase + fi;\n' +
    'wo = ((((kd * KH + kh) * KW + kw) * cg) + cc) * F + fbase + fi;\n';
  const body =
    HEAD +
    split('o', 'o', [
      ['n', 'N'],
      ['id', 'D'],
      ['ih', 'H'],
      ['iw', 'W'],
      ['ci', 'C'],
    ]) +
    split('j0', 'j', [
      ['kd', 'KD'],
      ['kh', 'KH'],
      ['kw', 'KW'],
      ['fi', 'fg'],
    ]) +
    'const grp = idiv(ci, cg);\nconst cc = ci - grp * cg;\nconst fbase = grp * fg;\n' +
    'let t = 0;\nlet od = 0;\nlet oh = 0;\nlet ow = 0;\nlet ok = 0;\nlet go = 0;\nlet wo = 0;\n' +
    where +
    SUM.start +
    'for (let jj = 0; jj < len; jj++) {\n' +
    `if (ok === 1) {\n${SUM.add('g[go] * w[wo]')}}\n` +
    'go = go + 1;\nwo = wo + 1;\nfi = fi + 1;\n' +
    'if (fi === fg) {\nfi = 0;\nkw = kw + 1;\nif (kw === KW) { kw = 0; kh = kh + 1; if (kh === KH) { kh = 0; kd = kd + 1; } }\n' +
    where +
    '}\n' +
    '}\n' +
    SUM.end;
  return `function (g, w, ${GEOMETRY.join(', ')}, count, chunks) {\n${body}}`;
}

const SOURCES = { conv: forwardSource(), conv_backprop_input: inputSource(), conv_backprop_filter: filterSource() };

const lift = (v: readonly number[], fill: number) => [...Array<number>(3 - v.length).fill(fill), ...v];

/** The GEOMETRY arguments, from the input (x) and output (g/y) shapes and the kernel's spatial sizes. */
function geometryArgs(
  a: ConvGeometry,
  xShape: readonly number[],
  gShape: readonly number[],
  ks: readonly number[]
): number[] {
  const ins = lift(xShape.slice(1, -1), 1),
    outs = lift(gShape.slice(1, -1), 1),
    k = lift(ks, 1);
  const c = xShape.at(-1)!,
    f = gShape.at(-1)!;
  return [
    xShape[0]!,
    ...ins,
    ...outs,
    ...k,
    ...lift(a.strides, 1),
    ...lift(a.dilation, 1),
    ...lift(
      a.pads.map((p) => p[0]),
      0
    ),
    c,
    f,
    c / a.groups,
    f / a.groups,
  ];
}

/** Run one of the three kernels over `out`, in passes when the reduction (`count` terms) is longer than CHUNK. */
function run(prim: keyof ConvAttrs, p: GpuData, q: GpuData, geometry: number[], count: number, out: Meta): GpuData {
  const size = sizeOf(out.shape);
  if (size === 0) return emptyData(out.shape);
  const chunks = Math.max(1, Math.ceil(count / CHUNK));
  const args: KernelVariable[] = [valueOf(p, prim), valueOf(q, prim), ...geometry, count, chunks];
  const value = runKernel(prim, kernelFor(prim, SOURCES[prim], [IDIV]), size * chunks, args);
  if (chunks === 1) return wrapValue(value, out.shape);
  return combine(prim, 'sum', wrapValue(value, [size, chunks]), 0, out.shape, out.dtype);
}

/** The number of terms in each output element's sum (refuse() sizes the partial sums with it). */
export function convTerms(
  prim: keyof ConvAttrs,
  inputs: readonly { readonly shape: readonly number[] }[],
  out: { readonly shape: readonly number[] }
): number {
  const q = inputs[1]!.shape;
  if (prim === 'conv_backprop_input') {
    // w (*K, cg, F) and dx (..., C): groups = C / cg, so each dx element sums K x F / groups terms.
    const groups = out.shape.at(-1)! / q.at(-2)!;
    return groups > 0 ? sizeOf(q.slice(0, -2)) * (q.at(-1)! / groups) : 0;
  }
  // conv: the window x cg (w without F); conv_backprop_filter: every output position of g.
  return sizeOf(q.slice(0, -1));
}

export const gpuConv: { [P in keyof ConvAttrs]: Kernel<P, GpuData> } = {
  conv: ([x, w], a, out) =>
    run('conv', x, w, geometryArgs(a, x.shape, out.shape, w.shape.slice(0, -2)), convTerms('conv', [x, w], out), out),
  conv_backprop_input: ([g, w], a, out) =>
    run(
      'conv_backprop_input',
      g,
      w,
      geometryArgs(a, out.shape, g.shape, w.shape.slice(0, -2)),
      convTerms('conv_backprop_input', [g, w], out),
      out
    ),
  conv_backprop_filter: ([x, g], a, out) =>
    run(
      'conv_backprop_filter',
      x,
      g,
      geometryArgs(a, x.shape, g.shape, a.kernelSize),
      convTerms('conv_backprop_filter', [x, g], out),
      out
    ),
};
