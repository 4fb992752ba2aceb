// TensorFlow.js on the same workloads, written as a careful tfjs user would:
// tf.tidy around every step, tf.grads / tf.variableGrads for gradients,
// variable.assign for updates, tf.customGrad where the wasm backend's own
// gradient kernels are slow or missing, each iteration ending with
// dataSync() of a value it computed. Inputs are the workloads' own arrays,
// so the results can be compared with ktape's.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { MatmulData } from '../workloads/w1_matmul.js';
import { checkedLosses, lossFell, type MlpData } from '../workloads/w2_mlp.js';
import type { ConvData } from '../workloads/w3_conv.js';
import type { RnnData } from '../workloads/w4_rnn.js';
import type { ElementwiseData } from '../workloads/w5_elementwise.js';
import type { SoftmaxData } from '../workloads/w6_softmax.js';
import type { TinyData } from '../workloads/w7_tiny.js';
import type { Runner } from '../types.js';

export type TfBackend = 'cpu' | 'wasm';

export interface TfjsInfo {
  version: string;
  /** The .wasm file the wasm backend loaded (tfjs picks it from the SIMD and threads probes). */
  wasmBinary: string | null;
  wasmSimd: boolean;
  wasmThreadsSupported: boolean;
  wasmThreads: number;
}

const WASM_BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/**
 * Register both backends. The wasm backend loads its binary from the
 * package's own dist/ folder; the file map's getters record which of the
 * three binaries tfjs asked for.
 */
export async function initTfjs(backends: TfBackend[]): Promise<TfjsInfo> {
  // Production mode only silences tfjs's console advice (to install tfjs-node).
  tf.enableProdMode();
  const dir = path.dirname(
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')
  );
  let armed = false;
  let requested: string | null = null;
  const files: Record<string, string> = {};
  for (const name of WASM_BINARIES) {
    Object.defineProperty(files, name, {
      enumerable: true,
      get() {
        if (armed) requested = name;
        return path.join(dir, name);
      },
    });
  }
  setWasmPaths(files);
  armed = true;
  for (const b of backends) {
    if (!(await tf.setBackend(b))) throw new Error(`tfjs backend ${b} failed to initialise`);
  }
  const wasm = backends.includes('wasm');
  return {
    version: tf.version.tfjs,
    wasmBinary: requested,
    wasmSimd: wasm && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
    wasmThreadsSupported: wasm && (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true,
    wasmThreads: wasm ? getThreadsCount() : 0,
  };
}

/** Make `b` the backend for what follows (cheap once it is initialised). */
export async function activateTfjs(b: TfBackend): Promise<void> {
  if (tf.getBackend() !== b) await tf.setBackend(b);
}

/** Live tfjs tensors and the bytes they hold (a leak shows here). */
export function tfjsMemory(): { tensors: number; bytes: number } {
  const m = tf.memory();
  return { tensors: m.numTensors, bytes: m.numBytes };
}

/** Read one element back (the end of a timed iteration). */
function first(t: tf.Tensor): number {
  const corner =
    t.rank === 0
      ? t
      : tf.slice(
          t,
          t.shape.map(() => 0),
          t.shape.map(() => 1)
        );
  return corner.dataSync()[0]!;
}

function values(t: tf.Tensor): Float32Array {
  return Float32Array.from(t.dataSync());
}

// Where the wasm backend's gradient kernels are slow or missing, a careful
// user profiles and writes the gradient with its fast kernels (Conv2D and
// untransposed BatchMatMul, both XNNPACK) through tf.customGrad. On this
// machine its BatchMatMul with transposeA/transposeB (what tf.matMul's stock
// gradient runs) is ~13x slower than without, its Conv2DBackpropInput ~12x
// slower than Conv2D, and it has no Conv2DBackpropFilter at all.
// `--tfjs-stock` measures tfjs's own gradients instead (W3 on wasm still
// needs the filter gradient written out).

let tuned = true;

/** Use tfjs's own gradients on the wasm backend (see above). */
export function useStockGradients(stock: boolean): void {
  tuned = !stock;
}

/** Whether the runners built now take the hand-written gradients. */
function tunedHere(): boolean {
  return tuned && tf.getBackend() === 'wasm';
}

/** a b with its gradient from untransposed products of explicit transposes. */
const matMulT = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [as, bs] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, tf.transpose(bs)), tf.matMul(tf.transpose(as), g)];
    },
  };
});

function matMulFor(): (a: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  return tunedHere() ? (a, b) => matMulT(a, b) : (a, b) => tf.matMul(a, b);
}

/**
 * conv2d (stride 1, 'same', odd kernel sides: W3's case) with its gradient
 * written out: the kernel's gradient
 * dk[i, j, c, f] = sum over (b, h, w) of xpad[b, h + i, w + j, c] dy[b, h, w, f]
 * is a 'valid' conv2d of x transposed to [c, H + 2p, W + 2p, b] by dy
 * transposed to [H, W, b, f]; the images' gradient is a 'same' conv2d of dy by
 * the kernel flipped in space with its channel axes swapped (tuned), or
 * conv2dTranspose (stock).
 */
function conv2dSameGrad(flipped: boolean) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, k, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x, k]);
    return {
      value: tf.conv2d(x, k, 1, 'same'),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, ks] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [ph, pw] = [(ks.shape[0] - 1) / 2, (ks.shape[1] - 1) / 2];
        const dx = flipped
          ? tf.conv2d(dy, tf.transpose(tf.reverse(ks, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D, 1, 'same')
          : tf.conv2dTranspose(dy, ks, xs.shape, 1, 'same');
        const xt = tf.transpose(
          tf.pad(xs, [
            [0, 0],
            [ph, ph],
            [pw, pw],
            [0, 0],
          ]),
          [3, 1, 2, 0]
        ) as tf.Tensor4D;
        const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
        return [dx, tf.transpose(tf.conv2d(xt, dyt, 1, 'valid'), [1, 2, 0, 3])];
      },
    };
  });
}

/** Whether the current backend has a kernel for conv2d's filter gradient. */
export function hasConvFilterGrad(): boolean {
  return tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) !== undefined;
}

export function tfjsMatmul(d: MatmulData): Runner {
  const a = tf.tensor2d(d.a, [d.n, d.n]);
  const b = tf.tensor2d(d.b, [d.n, d.n]);
  return {
    step: () => tf.tidy(() => first(tf.matMul(a, b))),
    outputs: () => tf.tidy(() => ({ c: values(tf.matMul(a, b)) })),
    dispose: () => tf.dispose([a, b]),
  };
}

export function tfjsMlp(d: MlpData): Runner & { losses: number[] } {
  const x = tf.tensor2d(d.x, [d.batch, d.inputs]);
  const y = tf.tensor2d(d.y, [d.batch, d.classes]);
  const w1 = tf.variable(tf.tensor2d(d.w1, [d.inputs, d.hidden])),
    b1 = tf.variable(tf.zeros([d.hidden]));
  const w2 = tf.variable(tf.tensor2d(d.w2, [d.hidden, d.classes])),
    b2 = tf.variable(tf.zeros([d.classes]));
  const params = [w1, b1, w2, b2];
  const matMul = matMulFor();
  const loss = (): tf.Scalar => {
    const h = tf.relu(tf.add(matMul(x, w1), b1));
    const logits = tf.add(matMul(h, w2), b2);
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  };
  const losses: number[] = [];
  return {
    losses,
    step() {
      losses.push(
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(loss, params);
          for (const p of params) p.assign(tf.sub(p, tf.mul(grads[p.name]!, d.lr)));
          first(b2);
          return value.dataSync()[0]!;
        })
      );
    },
    outputs: () => ({ losses: checkedLosses(losses) }),
    verify: () => lossFell(losses),
    dispose: () => tf.dispose([x, y, ...params]),
  };
}

/** W2's forward pass alone (inference): what a tfjs user runs inside tf.tidy. */
export function tfjsMlpForward(d: MlpData): Runner {
  const x = tf.tensor2d(d.x, [d.batch, d.inputs]);
  const w1 = tf.tensor2d(d.w1, [d.inputs, d.hidden]),
    b1 = tf.zeros([d.hidden]);
  const w2 = tf.tensor2d(d.w2, [d.hidden, d.classes]),
    b2 = tf.zeros([d.classes]);
  const forward = () => tf.softmax(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2));
  return {
    step: () =>
      tf.tidy(() => {
        first(forward());
      }),
    outputs: () => tf.tidy(() => ({ p: values(forward()) })),
    dispose: () => tf.dispose([x, w1, b1, w2, b2]),
  };
}

/** W3f: the convolution forward alone, the output read back. */
export function tfjsConvForward(d: ConvData): Runner {
  const x = tf.tensor4d(d.x, d.xShape);
  const k = tf.tensor4d(d.k, d.kShape);
  const forward = () => tf.conv2d(x, k, 1, 'same');
  return {
    step: () => tf.tidy(() => first(forward())),
    outputs: () => tf.tidy(() => ({ y: values(forward()) })),
    dispose: () => tf.dispose([x, k]),
  };
}

export function tfjsConv(d: ConvData): Runner {
  const x = tf.tensor4d(d.x, d.xShape);
  const k = tf.tensor4d(d.k, d.kShape);
  const r = tf.tensor4d(d.r, [d.xShape[0], d.xShape[1], d.xShape[2], d.kShape[3]]);
  // The backend's own gradient kernels where they serve (tfjs-cpu); else the gradient written out.
  const written = tunedHere() || !hasConvFilterGrad() ? conv2dSameGrad(tunedHere()) : null;
  const conv =
    written === null
      ? (xs: tf.Tensor, ks: tf.Tensor) => tf.conv2d(xs as tf.Tensor4D, ks as tf.Tensor4D, 1, 'same')
      : (xs: tf.Tensor, ks: tf.Tensor) => written(xs, ks);
  const grads = tf.grads((xs: tf.Tensor, ks: tf.Tensor) => tf.sum(tf.mul(conv(xs, ks), r)));
  return {
    step: () =>
      tf.tidy(() => {
        const [dx, dk] = grads([x, k]);
        return first(dx!) + first(dk!);
      }),
    outputs: () =>
      tf.tidy(() => {
        const [dx, dk] = grads([x, k]);
        return { y: values(conv(x, k)), dx: values(dx!), dk: values(dk!) };
      }),
    dispose: () => tf.dispose([x, k, r]),
  };
}

export function tfjsRnn(d: RnnData): Runner {
  const { batch, steps, units } = d;
  const x = d.wrtInput ? tf.variable(tf.tensor3d(d.x, [batch, steps, units])) : tf.tensor3d(d.x, [batch, steps, units]);
  const r = tf.tensor3d(d.r, [batch, steps, units]);
  const w = tf.variable(tf.tensor2d(d.w, [units, units]));
  const u = tf.variable(tf.tensor2d(d.u, [units, units]));
  const b = tf.variable(tf.tensor1d(d.b));
  const h0 = tf.zeros([batch, units]);
  const matMul = matMulFor();
  // The same loop K.rnn runs: one tanh cell per time step, outputs stacked on axis 1.
  const loss = (): tf.Scalar => {
    let h = h0;
    const outputs: tf.Tensor[] = [];
    for (const xt of tf.unstack(x, 1)) {
      h = tf.tanh(tf.add(tf.add(matMul(xt, w), matMul(h, u)), b));
      outputs.push(h);
    }
    return tf.sum(tf.mul(tf.stack(outputs, 1), r));
  };
  const wrt = d.wrtInput ? [w, u, b, x as tf.Variable] : [w, u, b];
  const run = () => {
    const { value, grads } = tf.variableGrads(loss, wrt);
    return [value, ...wrt.map((v) => grads[v.name]!)] as const;
  };
  return {
    step: () => tf.tidy(() => run().reduce((s, t) => s + first(t), 0)),
    outputs: () =>
      tf.tidy(() => {
        const [loss, dw, du, db, dx] = run();
        const out = { loss: values(loss), dw: values(dw!), du: values(du!), db: values(db!) };
        return dx === undefined ? out : { ...out, dx: values(dx) };
      }),
    dispose: () => tf.dispose([x, r, w, u, b, h0]),
  };
}

export function tfjsElementwise(d: ElementwiseData, gradient: boolean): Runner {
  const x = tf.tensor1d(d.x);
  const f = (v: tf.Tensor) => tf.sum(tf.mul(tf.sigmoid(tf.add(tf.mul(v, 2), 1)), tf.tanh(v)));
  const df = tf.grad(f);
  return gradient
    ? {
        step: () => tf.tidy(() => first(df(x))),
        outputs: () => tf.tidy(() => ({ dx: values(df(x)) })),
        dispose: () => x.dispose(),
      }
    : {
        step: () => tf.tidy(() => first(f(x))),
        outputs: () => tf.tidy(() => ({ f: values(f(x)) })),
        dispose: () => x.dispose(),
      };
}

export function tfjsSoftmax(d: SoftmaxData): Runner {
  const x = tf.tensor2d(d.x, [d.rows, d.cols]);
  const read = () =>
    tf.tidy(() => {
      const p = tf.softmax(x);
      return { rowMax: values(tf.max(p, -1)), colMean: values(tf.mean(p, 0)), rowSum: values(tf.sum(x, -1)) };
    });
  return { step: read, outputs: read, dispose: () => x.dispose() };
}

export function tfjsTiny(d: TinyData, gradient: boolean): Runner {
  const a = tf.tensor1d(d.a);
  const add = (v: tf.Tensor) => tf.add(v, v);
  const grad = tf.grad(add);
  const loop = (f: (v: tf.Tensor) => tf.Tensor) =>
    tf.tidy(() => {
      let y = f(a);
      for (let i = 1; i < d.ops; i++) y = f(a);
      return first(y);
    });
  return gradient
    ? {
        ops: d.ops,
        step: () => loop(grad),
        outputs: () => tf.tidy(() => ({ dx: values(grad(a)) })),
        dispose: () => a.dispose(),
      }
    : {
        ops: d.ops,
        step: () => loop(add),
        outputs: () => tf.tidy(() => ({ y: values(add(a)) })),
        dispose: () => a.dispose(),
      };
}
