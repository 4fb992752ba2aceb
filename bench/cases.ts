// The measured cases (rows) of W1-W8 at the sizes, or smaller ones for --quick.
// rtol bounds how far a contender's outputs may be from the reference's
// (relative to their largest magnitude): float32 sums in other orders differ
// by ~1e-6; tfjs-wasm's tanh/sigmoid approximations by up to ~5e-5 (W4, W5).
import { FLOOR_MEASURE } from './report.js';
import type { Case, CaseSides, Runner, WorkloadId } from './types.js';
import { ktapeMatmul, matmulData } from './workloads/w1_matmul.js';
import { ktapeMlp, ktapeMlpForward, ktapeMlpGraph, mlpData, mlpFlops } from './workloads/w2_mlp.js';
import { convData, convFlops, ktapeConv, ktapeConvForward, ktapeConvGraph } from './workloads/w3_conv.js';
import { ktapeRnn, ktapeRnnGraph, rnnData } from './workloads/w4_rnn.js';
import { elementwiseData, ktapeElementwise, ktapeElementwiseGraph } from './workloads/w5_elementwise.js';
import { ktapeSoftmax, softmaxData } from './workloads/w6_softmax.js';
import { ktapeTiny, tinyData } from './workloads/w7_tiny.js';
import { jacobianData, ktapeJacobian, ktapePerExample, perExampleFloor } from './workloads/w8_vmap.js';

/** The tfjs peer's runner factories (loaded only when a tfjs backend is measured). */
export type TfjsPeer = typeof import('./peers/tfjs.js');
export type JaxPeer = typeof import('./peers/jaxjs.js');
export type OrtPeer = typeof import('./peers/ort.js');

/** The peers' modules, each loaded only when it is measured. */
export interface Peers {
  tfjs: TfjsPeer | null;
  jax: JaxPeer | null;
  ort: OrtPeer | null;
}

export interface Sizes {
  matmul: number[];
  batch: number;
  convBatch: number;
  rnn: { batch: number; steps: number };
  /** Steps of the long rnn (one sample, 14 units, the input differentiated too). */
  longRnnSteps: number;
  elements: number;
  softmaxRows: number;
  tinyOps: number;
  /** W2 steps before the first and before the second resident-size reading. */
  memorySteps: [number, number];
  /** W8's Jacobian: inputs = outputs. */
  jacobian: number;
}

export const FULL: Sizes = {
  matmul: [128, 512, 1024],
  batch: 128,
  convBatch: 16,
  rnn: { batch: 32, steps: 50 },
  longRnnSteps: 4000,
  elements: 1_000_000,
  softmaxRows: 1024,
  tinyOps: 10_000,
  memorySteps: [50, 300],
  jacobian: 256,
};

export const QUICK: Sizes = {
  matmul: [64, 128],
  batch: 32,
  convBatch: 2,
  rnn: { batch: 8, steps: 10 },
  longRnnSteps: 200,
  elements: 100_000,
  softmaxRows: 128,
  tinyOps: 2_000,
  memorySteps: [10, 40],
  jacobian: 64,
};

function noPeer(): Runner {
  throw new Error('the tfjs peer is not loaded');
}

export function cases(s: Sizes, peers: Peers): Case[] {
  const peer = peers.tfjs;
  const tf =
    <T>(f: (p: TfjsPeer) => T): (() => T) =>
    () =>
      peer === null ? (noPeer() as T) : f(peer);
  const { jax: jp, ort: op } = peers;
  /** The jax-js side, where jax-js is measured. */
  const jx = (f: (p: JaxPeer, compiled: boolean) => Runner) =>
    jp === null ? {} : { jax: (compiled: boolean) => f(jp, compiled) };
  /** The ONNX Runtime side, where it is measured. */
  const ox = (f: (p: OrtPeer) => Promise<Runner>) => (op === null ? {} : { ort: () => f(op) });
  const make = (
    workload: WorkloadId,
    title: string,
    measure: string,
    setup: () => CaseSides,
    extra: Partial<Case> = {}
  ): Case => ({ workload, title, measure, setup, ...extra });
  const out: Case[] = [];
  for (const n of s.matmul) {
    out.push(
      make(
        'W1',
        `matmul ${n}x${n} (K.dot)`,
        'forward',
        () => {
          const d = matmulData(n);
          return {
            ktape: (dev) => ktapeMatmul(d, dev),
            tfjs: tf((p) => p.tfjsMatmul(d)),
            ...jx((p, c) => p.jaxMatmul(d, c)),
            ...ox((p) => p.ortMatmul(d)),
          };
        },
        { flops: 2 * n ** 3, rtol: 1e-4 }
      )
    );
  }
  {
    const d0 = mlpData(s.batch);
    out.push(
      make(
        'W2',
        `MLP 784-256-10, batch ${s.batch}`,
        'training step',
        () => {
          const d = mlpData(s.batch);
          return { ktape: (dev) => ktapeMlp(d, dev), tfjs: tf((p) => p.tfjsMlp(d)), ...jx((p, c) => p.jaxMlp(d, c)) };
        },
        { flops: mlpFlops(d0), rtol: 1e-3 }
      )
    );
    // The same step through one K.function (placeholders, updates): its cost beside the eager row.
    out.push(
      make(
        'W2',
        `MLP 784-256-10, batch ${s.batch}`,
        'training step, one K.function',
        () => {
          const d = mlpData(s.batch);
          return {
            ktape: (dev) => ktapeMlpGraph(d, dev),
            tfjs: tf((p) => p.tfjsMlp(d)),
            ...jx((p, c) => p.jaxMlp(d, c)),
          };
        },
        { flops: mlpFlops(d0), rtol: 1e-3 }
      )
    );
    // W2f (issue 17): W2's network forward, the output read back; recorded, and under K.no_grad.
    for (const noGrad of [false, true]) {
      out.push(
        make(
          'W2f',
          `MLP 784-256-10, batch ${s.batch}`,
          noGrad ? 'inference, K.no_grad' : 'inference, recorded',
          () => {
            const d = mlpData(s.batch);
            return {
              ktape: (dev) => ktapeMlpForward(d, dev, noGrad),
              tfjs: tf((p) => p.tfjsMlpForward(d)),
              ...jx((p, c) => p.jaxMlpForward(d, c)),
              ...ox((p) => p.ortMlpForward(d)),
            };
          },
          { flops: 2 * d0.batch * (d0.inputs * d0.hidden + d0.hidden * d0.classes), rtol: 1e-4 }
        )
      );
    }
  }
  {
    const d0 = convData(s.convBatch);
    out.push(
      make(
        'W3f',
        `conv2d ${s.convBatch}x32x32x16 * 3x3x16x32, same`,
        'forward (inference, output read back)',
        () => {
          const d = convData(s.convBatch);
          return {
            ktape: (dev) => ktapeConvForward(d, dev),
            tfjs: tf((p) => p.tfjsConvForward(d)),
            ...jx((p, c) => p.jaxConvForward(d, c)),
            ...ox((p) => p.ortConvForward(d)),
          };
        },
        { flops: convFlops(d0) / 3, rtol: 1e-4 }
      )
    );
    out.push(
      make(
        'W3',
        `conv2d ${s.convBatch}x32x32x16 * 3x3x16x32, same`,
        'forward + backward',
        () => {
          const d = convData(s.convBatch);
          return {
            ktape: (dev) => ktapeConv(d, dev),
            tfjs: tf((p) => p.tfjsConv(d)),
            ...jx((p, c) => p.jaxConv(d, c)),
          };
        },
        { flops: convFlops(d0), rtol: 1e-4 }
      )
    );
    out.push(
      make(
        'W3',
        `conv2d ${s.convBatch}x32x32x16 * 3x3x16x32, same`,
        'forward + backward, one K.function',
        () => {
          const d = convData(s.convBatch);
          return {
            ktape: (dev) => ktapeConvGraph(d, dev),
            tfjs: tf((p) => p.tfjsConv(d)),
            ...jx((p, c) => p.jaxConv(d, c)),
          };
        },
        { flops: convFlops(d0), rtol: 1e-4 }
      )
    );
  }
  {
    const { batch, steps } = s.rnn;
    out.push(
      make(
        'W4',
        `K.rnn tanh cell, batch ${batch}, ${steps} steps, 64->64`,
        'forward + gradients',
        () => {
          const d = rnnData(batch, steps);
          return { ktape: (dev) => ktapeRnn(d, dev), tfjs: tf((p) => p.tfjsRnn(d)), ...jx((p, c) => p.jaxRnn(d, c)) };
        },
        { rtol: 1e-3 }
      )
    );
    out.push(
      make(
        'W4',
        `K.rnn tanh cell, batch ${batch}, ${steps} steps, 64->64`,
        'forward + gradients, one K.function',
        () => {
          const d = rnnData(batch, steps);
          return {
            ktape: (dev) => ktapeRnnGraph(d, dev),
            tfjs: tf((p) => p.tfjsRnn(d)),
            ...jx((p, c) => p.jaxRnn(d, c)),
          };
        },
        { rtol: 1e-3 }
      )
    );
    // Backprop through T slices of one input is linear in T (issue 17).
    out.push(
      make(
        'W4',
        `K.rnn tanh cell, batch 1, ${s.longRnnSteps} steps, 14->14, x a variable`,
        'forward + gradients (x too)',
        () => {
          const d = rnnData(1, s.longRnnSteps, 14, true);
          // Not jax-js: it has no scan, its jit of the 4,000-step unrolled loop fails, and eagerly a step takes minutes.
          return { ktape: (dev) => ktapeRnn(d, dev), tfjs: tf((p) => p.tfjsRnn(d)) };
        },
        { rtol: 1e-3 }
      )
    );
  }
  for (const gradient of [false, true]) {
    const n = s.elements;
    out.push(
      make(
        'W5',
        `sum(sigmoid(2x+1)*tanh(x)), ${n.toExponential(0).replace('+', '')} floats`,
        gradient ? 'forward + gradient' : 'forward',
        () => {
          const d = elementwiseData(n);
          return {
            ktape: (dev) => ktapeElementwise(d, dev, gradient),
            tfjs: tf((p) => p.tfjsElementwise(d, gradient)),
            ...jx((p, c) => p.jaxElementwise(d, c, gradient)),
          };
        },
        // At the least: read x, and (with the gradient) write dx.
        { rtol: 1e-3, bytes: (gradient ? 8 : 4) * n }
      )
    );
    out.push(
      make(
        'W5',
        `sum(sigmoid(2x+1)*tanh(x)), ${n.toExponential(0).replace('+', '')} floats`,
        gradient ? 'forward + gradient, one K.function' : 'forward, one K.function',
        () => {
          const d = elementwiseData(n);
          return {
            ktape: (dev) => ktapeElementwiseGraph(d, dev, gradient),
            tfjs: tf((p) => p.tfjsElementwise(d, gradient)),
            ...jx((p, c) => p.jaxElementwise(d, c, gradient)),
          };
        },
        { rtol: 1e-3, bytes: (gradient ? 8 : 4) * n }
      )
    );
  }
  out.push(
    make(
      'W6',
      `softmax + reductions, [${s.softmaxRows}, 1000]`,
      'forward',
      () => {
        const d = softmaxData(s.softmaxRows);
        return {
          ktape: (dev) => ktapeSoftmax(d, dev),
          tfjs: tf((p) => p.tfjsSoftmax(d)),
          ...jx((p, c) => p.jaxSoftmax(d, c)),
        };
      },
      // At the least: read x once, write the three small results.
      { rtol: 1e-4, bytes: 4 * (s.softmaxRows * 1000 + 2 * s.softmaxRows + 1000) }
    )
  );
  for (const gradient of [false, true]) {
    out.push(
      make(
        'W7',
        `${s.tinyOps} adds of [4] tensors`,
        gradient ? 'add + its gradient' : 'add',
        () => {
          const d = tinyData(s.tinyOps);
          return {
            ktape: (dev) => ktapeTiny(d, dev, gradient),
            tfjs: tf((p) => p.tfjsTiny(d, gradient)),
            // Eager only: under jit a chain of adds of one array is no per-op cost to time.
            ...(jp === null ? {} : { jax: (c: boolean) => (c ? null : jp.jaxTiny(d, gradient)) }),
          };
        },
        { perOp: true, rtol: 1e-6 }
      )
    );
  }
  // W8 (issue 19): batching with K.vmap, ktape alone (tfjs has no batching transform).
  for (const [way, measure] of [
    ['vmap', 'per-example gradients, K.vmap (K.per_example_gradients)'],
    ['loop', 'per-example gradients, a loop of K.gradients calls'],
    ['batched', 'one batched gradient (the mean)'],
  ] as const) {
    out.push(
      make(
        'W8',
        `MLP 784-256-10, batch ${s.batch}`,
        measure,
        () => {
          const d = mlpData(s.batch);
          return { ktape: (dev) => ktapePerExample(d, dev, way) };
        },
        { rtol: 1e-4 }
      )
    );
  }
  out.push(
    make('W8', `MLP 784-256-10, batch ${s.batch}`, FLOOR_MEASURE, () => {
      const d = mlpData(s.batch);
      return { ktape: () => perExampleFloor(d) };
    })
  );
  for (const [way, measure] of [
    ['vmap', 'K.jacobian (K.vmap over the basis)'],
    ['rows', 'row by row (the K.jacobian before K.vmap: one reverse pass per row)'],
  ] as const) {
    out.push(
      make(
        'W8',
        `jacobian of tanh(x W + b), ${s.jacobian} -> ${s.jacobian}`,
        measure,
        () => {
          const d = jacobianData(s.jacobian);
          return { ktape: (dev) => ktapeJacobian(d, dev, way) };
        },
        { rtol: 1e-4 }
      )
    );
  }
  return out;
}
