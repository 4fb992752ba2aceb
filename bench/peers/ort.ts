// ONNX Runtime (onnxruntime-node, its package's own CPU binaries) for the
// inference workloads: W1's matmul, W2f's MLP forward and W3f's conv forward,
// each a small ONNX graph built here (onnx_model.ts) with the weights as
// initializers, run on one intra-op and one inter-op thread with every graph
// optimisation on. A run is asynchronous (the native side works off the JS
// thread); each timed step awaits it and reads the output, which ONNX Runtime
// has already copied into a JS typed array. The conv graph takes NCHW images
// and OIHW kernels (ONNX's layout), laid out once in set-up.
import * as ort from 'onnxruntime-node';
import type { MatmulData } from '../workloads/w1_matmul.js';
import type { MlpData } from '../workloads/w2_mlp.js';
import type { ConvData } from '../workloads/w3_conv.js';
import type { Runner } from '../types.js';
import { onnxModel, type OnnxGraph } from './onnx_model.js';

export function ortVersion(): string {
  return ort.env.versions.node ?? ort.env.versions.common;
}

async function session(g: OnnxGraph): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(onnxModel(g), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
  });
}

const tensor = (data: Float32Array, shape: number[]) => new ort.Tensor('float32', data, shape);

/** A runner that feeds `feeds` to `s` and reads output `out`. */
function runner(
  s: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  out: string,
  view = (y: Float32Array) => y
): Runner {
  const run = async () => (await s.run(feeds))[out]!.data as Float32Array;
  return {
    step: async () => {
      await run();
    },
    outputs: async () => ({ [out]: Float32Array.from(view(await run())) }),
    dispose: () => void s.release(),
  };
}

export async function ortMatmul(d: MatmulData): Promise<Runner> {
  const { n } = d;
  const s = await session({
    inputs: [
      { name: 'a', shape: [n, n] },
      { name: 'b', shape: [n, n] },
    ],
    outputs: [{ name: 'c', shape: [n, n] }],
    initializers: [],
    nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] }],
  });
  return runner(s, { a: tensor(d.a, [n, n]), b: tensor(d.b, [n, n]) }, 'c');
}

export async function ortMlpForward(d: MlpData): Promise<Runner> {
  const s = await session({
    inputs: [{ name: 'x', shape: [d.batch, d.inputs] }],
    outputs: [{ name: 'p', shape: [d.batch, d.classes] }],
    initializers: [
      { name: 'w1', shape: [d.inputs, d.hidden], data: d.w1 },
      { name: 'b1', shape: [d.hidden], data: new Float32Array(d.hidden) },
      { name: 'w2', shape: [d.hidden, d.classes], data: d.w2 },
      { name: 'b2', shape: [d.classes], data: new Float32Array(d.classes) },
    ],
    nodes: [
      { op: 'Gemm', inputs: ['x', 'w1', 'b1'], outputs: ['z'] },
      { op: 'Relu', inputs: ['z'], outputs: ['h'] },
      { op: 'Gemm', inputs: ['h', 'w2', 'b2'], outputs: ['logits'] },
      { op: 'Softmax', inputs: ['logits'], outputs: ['p'], attrs: { axis: -1 } },
    ],
  });
  return runner(s, { x: tensor(d.x, [d.batch, d.inputs]) }, 'p');
}

/** `data` in `shape` with its axes permuted (the layout change done once in set-up). */
export function permute(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const out = new Float32Array(data.length);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const outShape = perm.map((p) => shape[p]!);
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < perm.length; k++) src += idx[k]! * strides[perm[k]!]!;
    out[o] = data[src]!;
    for (let k = perm.length - 1; k >= 0; k--) {
      if (++idx[k]! < outShape[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

export async function ortConvForward(d: ConvData): Promise<Runner> {
  const [b, h, w, c] = d.xShape;
  const [kh, kw, , f] = d.kShape;
  const s = await session({
    inputs: [{ name: 'x', shape: [b, c, h, w] }],
    outputs: [{ name: 'y', shape: [b, f, h, w] }],
    initializers: [{ name: 'k', shape: [f, c, kh, kw], data: permute(d.k, d.kShape, [3, 2, 0, 1]) }],
    nodes: [
      {
        op: 'Conv',
        inputs: ['x', 'k'],
        outputs: ['y'],
        attrs: {
          kernel_shape: [kh, kw],
          pads: [(kh - 1) / 2, (kw - 1) / 2, (kh - 1) / 2, (kw - 1) / 2],
          strides: [1, 1],
        },
      },
    ],
  });
  return runner(s, { x: tensor(permute(d.x, d.xShape, [0, 3, 1, 2]), [b, c, h, w]) }, 'y', (y) =>
    permute(y, [b, f, h, w], [0, 2, 3, 1])
  );
}
