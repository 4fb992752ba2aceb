// Pool gpu kernels, on flat row-major channels_last values [batch, ...spatial,
// channels], 1 to 3 spatial axes (one kernel source per count, every size an
// argument).
// - max_pool, max_pool_argmax, avg_pool: one thread per output element walks
//   its window in row-major order with an odometer (no division per step),
//   skipping cells outside the input, as the cpu kernels do (first max wins,
//   NaN wins; avg divides by the cells inside).
// - avg_pool_grad: one thread per input element sums g / count over the
//   windows that hold it (at most prod ceil(k / s) of them); no atomics needed.
// A thread loops at most prod(window) times; the backend refuses windows of
// more than CHUNK cells (gpu.js caps argument-bounded loops there, and llvmpipe
// ends a shader after 65535 iterations), so the dispatcher runs those on the cpu.
import type { KernelVariable } from 'gpu.js';
import type { Kernel, KernelOf } from '../../core/backend.js';
import { sizeOf, stridesOf } from '../../core/shape.js';
import { kernelFor, runKernel } from '../context.js';
import type { GpuData } from '../memory.js';
import { coordLines, emptyData, IDIV, valueOf, wrapValue } from './common.js';
import type { PoolAttrs, PoolWindow } from '../../core/primitives.js';
import { poolGeometry } from '../../prims/pool_geometry.js';

type Mode = 'max' | 'argmax' | 'avg';

const range = (r: number) => [...Array(r).keys()].map((i) => i + 1);

/** Source lines that step the odometer w1..wr (wr fastest) through a box of sides k1..kr. */
function odometer(
  r: number,
  w: (i: number) => string,
  reset: (i: number) => string,
  done: (i: number) => string
): string {
  const step = (i: number): string => {
    const inc = `${w(i)} = ${w(i)} + 1;\n`;
    if (i === 1) return inc;
    return `${inc}if (${done(i)}) {\n${w(i)} = ${reset(i)};\n${step(i - 1)}}\n`;
  };
  return step(r);
}

/**
 * Thread: one output element. Arguments: x, C, tn (x's batch stride), K (cells
 * per window), then per spatial axis i: O (output size), I (input size), k, s,
 * b (padding before), t (x's stride).
 */
function forwardSource(r: number, mode: Mode): string {
  const per = ['O', 'I', 'k', 's', 'b', 't'];
  const params = ['x', 'C', 'tn', 'K', ...range(r).flatMap((i) => per.map((p) => `${p}${i}`))];
  let body = 'const tid = this.thread.x * 1.0;\n';
  body += coordLines(
    r + 2,
    'tid',
    (i) => (i <= r ? `O${i}` : 'C'),
    (i) => `c${i}`
  );
  body += `const base = c0 * tn + c${r + 1};\n`;
  for (const i of range(r)) body += `const st${i} = c${i} * s${i} - b${i};\nlet w${i} = 0;\n`;
  body += 'let best = 0;\nlet bestAt = -1;\nlet sum = 0;\nlet cnt = 0;\n';
  body += 'for (let j = 0; j < K; j++) {\n';
  for (const i of range(r)) body += `const p${i} = st${i} + w${i};\n`;
  const inside = range(r)
    .map((i) => `p${i} >= 0 && p${i} < I${i}`)
    .join(' && ');
  body += `if (${inside}) {\nconst at = base + ${range(r)
    .map((i) => `p${i} * t${i}`)
    .join(' + ')};\nconst v = x[at];\n`;
  body +=
    mode === 'avg'
      ? 'sum = sum + v;\ncnt = cnt + 1;\n'
      : 'if (bestAt < 0) {\nbest = v;\nbestAt = at;\n} else if (best === best && (v > best || v !== v)) {\nbest = v;\nbestAt = at;\n}\n';
  body += '}\n';
  body += odometer(
    r,
    (i) => `w${i}`,
    () => '0',
    (i) => `w${i} === k${i}`
  );
  body += '}\n';
  body += mode === 'avg' ? 'return sum / cnt;\n' : mode === 'max' ? 'return best;\n' : 'return bestAt;\n';
  return `function (${params.join(', ')}) {\n${body}}`;
}

/**
 * Thread: one element of avg_pool's input. Arguments: g, C, gn (g's batch
 * stride), then per spatial axis i: I, O, k, s, b, u (g's stride). Window o
 * holds cell p when o s - b <= p < o s - b + k, i.e. o from
 * floor((p + b - k) / s) + 1 to floor((p + b) / s), clipped to [0, O).
 */
function gradSource(r: number): string {
  const per = ['I', 'O', 'k', 's', 'b', 'u'];
  const params = ['g', 'C', 'gn', ...range(r).flatMap((i) => per.map((p) => `${p}${i}`))];
  let body = 'const tid = this.thread.x * 1.0;\n';
  body += coordLines(
    r + 2,
    'tid',
    (i) => (i <= r ? `I${i}` : 'C'),
    (i) => `c${i}`
  );
  body += `const base = c0 * gn + c${r + 1};\nlet m = 1;\n`;
  for (const i of range(r)) {
    body +=
      `const z${i} = c${i} + b${i};\nlet lo${i} = 0;\nif (z${i} - k${i} >= 0) { lo${i} = idiv(z${i} - k${i}, s${i}) + 1; }\n` +
      `let hi${i} = idiv(z${i}, s${i});\nif (hi${i} > O${i} - 1) { hi${i} = O${i} - 1; }\n` +
      `if (hi${i} < lo${i}) { m = 0; } else { m = m * (hi${i} - lo${i} + 1); }\nlet o${i} = lo${i};\n`;
  }
  body += 'let acc = 0;\nfor (let j = 0; j < m; j++) {\nlet count = 1;\n';
  for (const i of range(r)) {
    body +=
      `const a${i} = o${i} * s${i} - b${i};\nlet e${i} = a${i} + k${i};\nif (e${i} > I${i}) { e${i} = I${i}; }\n` +
      `let f${i} = a${i};\nif (f${i} < 0) { f${i} = 0; }\ncount = count * (e${i} - f${i});\n`;
  }
  body += `acc = acc + g[base + ${range(r)
    .map((i) => `o${i} * u${i}`)
    .join(' + ')}] / count;\n`;
  body += odometer(
    r,
    (i) => `o${i}`,
    (i) => `lo${i}`,
    (i) => `o${i} > hi${i}`
  );
  body += '}\nreturn acc;\n';
  return `function (${params.join(', ')}) {\n${body}}`;
}

function forward(prim: 'max_pool' | 'max_pool_argmax' | 'avg_pool', mode: Mode): KernelOf<1, PoolWindow, GpuData> {
  return ([x], a, out) => {
    if (sizeOf(out.shape) === 0) return emptyData(out.shape);
    const K = sizeOf(a.window);
    const spatial = x.shape.slice(1, -1);
    const r = spatial.length;
    const { out: outSp, before } = poolGeometry(spatial, a);
    const strides = stridesOf(x.shape);
    const args: KernelVariable[] = [valueOf(x, prim), x.shape.at(-1)!, strides[0]!, K];
    for (let i = 0; i < r; i++)
      args.push(outSp[i]!, spatial[i]!, a.window[i]!, a.strides[i]!, before[i]!, strides[i + 1]!);
    const fn = kernelFor(prim, forwardSource(r, mode), [IDIV]);
    return wrapValue(runKernel(prim, fn, sizeOf(out.shape), args), out.shape);
  };
}

export const gpuPool: { [P in keyof PoolAttrs]: Kernel<P, GpuData> } = {
  max_pool: forward('max_pool', 'max'),
  max_pool_argmax: forward('max_pool_argmax', 'argmax'),
  avg_pool: forward('avg_pool', 'avg'),
  avg_pool_grad: ([g], a, out) => {
    if (sizeOf(out.shape) === 0) return emptyData(out.shape);
    const spatial = a.shape.slice(1, -1);
    const r = spatial.length;
    const { out: outSp, before } = poolGeometry(spatial, a);
    const gStrides = stridesOf(g.shape);
    const args: KernelVariable[] = [valueOf(g, 'avg_pool_grad'), a.shape.at(-1)!, gStrides[0]!];
    for (let i = 0; i < r; i++)
      args.push(spatial[i]!, outSp[i]!, a.window[i]!, a.strides[i]!, before[i]!, gStrides[i + 1]!);
    const fn = kernelFor('avg_pool_grad', gradSource(r), [IDIV]);
    return wrapValue(runKernel('avg_pool_grad', fn, sizeOf(out.shape), args), out.shape);
  },
};
