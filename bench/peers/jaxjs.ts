// jax-js (@jax-js/jax) on the same workloads, written as a competent jax-js
// user would: its Wasm backend, each workload a pure function of its arrays,
// run eagerly or through `jit` (traced and compiled untimed in set-up, by the
// first call), gradients by `valueAndGrad`, the training step (loss, gradient
// and update) one jitted function, and its ownership rules kept: every array
// passed in is given up, so the arrays a runner keeps are passed as `.ref`.
// Node has no Web Worker, so its Wasm backend runs on one thread here.
// Images are NCHW and kernels OIHW, the layout jax-js's conv takes, laid out
// once in set-up; the outputs are put back in ktape's layout to compare.
import { defaultDevice, grad, init, jit, lax, nn, numpy as np, valueAndGrad } from '@jax-js/jax';
import type { MatmulData } from '../workloads/w1_matmul.js';
import { checkedLosses, lossFell, type MlpData } from '../workloads/w2_mlp.js';
import type { ConvData } from '../workloads/w3_conv.js';
import type { RnnData } from '../workloads/w4_rnn.js';
import type { ElementwiseData } from '../workloads/w5_elementwise.js';
import type { SoftmaxData } from '../workloads/w6_softmax.js';
import type { TinyData } from '../workloads/w7_tiny.js';
import type { Runner } from '../types.js';

type A = np.Array;

/** Start the Wasm backend and make it the default device. */
export async function initJaxjs(): Promise<string> {
  const got = await init('wasm');
  if (!got.includes('wasm')) throw new Error('jax-js: its wasm backend did not start');
  defaultDevice('wasm');
  return 'wasm';
}

const arr = (data: Float32Array, shape: number[]): A => np.array(data as Float32Array<ArrayBuffer>).reshape(shape);

/**
 * The whole result read back (this ends a timed step). jax-js runs lazily: a
 * read of one corner could be served by a kernel that computes only that
 * corner, so the whole array is read.
 */
function read(a: A): Float32Array {
  return a.dataSync() as Float32Array;
}

function readAll(xs: A[]): number {
  let s = 0;
  for (const x of xs) s += read(x)[0]!;
  return s;
}

/** `f` itself (eager) or its jit-compiled form. */
function maybeJit<F extends (...args: A[]) => A | A[]>(f: F, compiled: boolean): F {
  return compiled ? (jit(f as never) as unknown as F) : f;
}

/** NHWC data as NCHW, HWIO kernels as OIHW (set-up, untimed). */
function toNchw(x: Float32Array, shape: number[]): A {
  return np.transpose(arr(x, shape), [0, 3, 1, 2]);
}

function values(a: A): Float32Array {
  return Float32Array.from(read(a));
}

export function jaxMatmul(d: MatmulData, compiled: boolean): Runner {
  const a = arr(d.a, [d.n, d.n]);
  const b = arr(d.b, [d.n, d.n]);
  const mm = maybeJit((x: A, y: A) => np.matmul(x, y), compiled);
  return {
    step: () => {
      read(mm(a.ref, b.ref));
    },
    outputs: () => ({ c: values(mm(a.ref, b.ref)) }),
    dispose: () => {
      a.dispose();
      b.dispose();
    },
  };
}

type MlpParams = [A, A, A, A];

function mlpLogits([w1, b1, w2, b2]: MlpParams, x: A): A {
  const h = nn.relu(np.matmul(x, w1).add(b1));
  return np.matmul(h, w2).add(b2);
}

export function jaxMlp(d: MlpData, compiled: boolean): Runner & { losses: number[] } {
  const x = arr(d.x, [d.batch, d.inputs]);
  const y = arr(d.y, [d.batch, d.classes]);
  let params: MlpParams = [
    arr(d.w1, [d.inputs, d.hidden]),
    np.zeros([d.hidden]),
    arr(d.w2, [d.hidden, d.classes]),
    np.zeros([d.classes]),
  ];
  const loss = (p: MlpParams, xs: A, ys: A): A =>
    np.mean(np.sum(ys.mul(nn.logSoftmax(mlpLogits(p, xs), -1)), -1).mul(-1));
  const update = (p: MlpParams, xs: A, ys: A): [A, ...MlpParams] => {
    const [l, g] = valueAndGrad(loss)(p.map((w) => w.ref) as MlpParams, xs, ys);
    return [l, ...(p.map((w, i) => w.sub(g[i]!.mul(d.lr))) as MlpParams)];
  };
  const step = compiled ? (jit(update as never) as unknown as typeof update) : update;
  const losses: number[] = [];
  return {
    losses,
    step() {
      const [l, ...next] = step(params, x.ref, y.ref);
      params = next as MlpParams;
      read(params[3].ref);
      losses.push(read(l)[0]!);
    },
    outputs: () => ({ losses: checkedLosses(losses) }),
    verify: () => lossFell(losses),
    dispose: () => {
      for (const a of [x, y, ...params]) a.dispose();
    },
  };
}

export function jaxMlpForward(d: MlpData, compiled: boolean): Runner {
  const x = arr(d.x, [d.batch, d.inputs]);
  const p: MlpParams = [
    arr(d.w1, [d.inputs, d.hidden]),
    np.zeros([d.hidden]),
    arr(d.w2, [d.hidden, d.classes]),
    np.zeros([d.classes]),
  ];
  const forward = maybeJit(
    (xs: A, w1: A, b1: A, w2: A, b2: A) => nn.softmax(mlpLogits([w1, b1, w2, b2], xs), -1),
    compiled
  );
  const run = () => forward(x.ref, ...(p.map((a) => a.ref) as MlpParams));
  return {
    step: () => {
      read(run());
    },
    outputs: () => ({ p: values(run()) }),
    dispose: () => {
      for (const a of [x, ...p]) a.dispose();
    },
  };
}

const conv = (x: A, k: A) => lax.conv(x, k, [1, 1], 'SAME');

export function jaxConvForward(d: ConvData, compiled: boolean): Runner {
  const x = toNchw(d.x, d.xShape);
  const k = np.transpose(arr(d.k, d.kShape), [3, 2, 0, 1]);
  const f = maybeJit(conv, compiled);
  return {
    step: () => {
      read(f(x.ref, k.ref));
    },
    outputs: () => ({ y: values(np.transpose(f(x.ref, k.ref), [0, 2, 3, 1])) }),
    dispose: () => {
      x.dispose();
      k.dispose();
    },
  };
}

export function jaxConv(d: ConvData, compiled: boolean): Runner {
  const x = toNchw(d.x, d.xShape);
  const k = np.transpose(arr(d.k, d.kShape), [3, 2, 0, 1]);
  const r = toNchw(d.r, [...d.xShape.slice(0, 3), d.kShape[3]]);
  const loss = (xs: A, ks: A, rs: A) => np.sum(conv(xs, ks).mul(rs));
  const grads = (xs: A, ks: A, rs: A): A[] => grad(loss, { argnums: [0, 1] })(xs, ks, rs);
  const f = maybeJit(grads, compiled);
  return {
    step() {
      readAll(f(x.ref, k.ref, r.ref));
    },
    outputs() {
      const [dx, dk] = f(x.ref, k.ref, r.ref) as [A, A];
      return {
        y: values(np.transpose(conv(x.ref, k.ref), [0, 2, 3, 1])),
        dx: values(np.transpose(dx, [0, 2, 3, 1])),
        dk: values(np.transpose(dk, [2, 3, 1, 0])),
      };
    },
    dispose: () => {
      for (const a of [x, k, r]) a.dispose();
    },
  };
}

export function jaxRnn(d: RnnData, compiled: boolean): Runner {
  const { batch, steps, units } = d;
  const x = arr(d.x, [batch, steps, units]);
  const r = arr(d.r, [batch, steps, units]);
  const w = arr(d.w, [units, units]),
    u = arr(d.u, [units, units]),
    b = arr(d.b, [units]);
  const loss = (ws: A, us: A, bs: A, xs: A, rs: A): A => {
    let h: A = np.zeros([batch, units]);
    const outs: A[] = [];
    for (let t = 0; t < steps; t++) {
      h = np.tanh(np.matmul(xs.ref.slice([], t), ws.ref).add(np.matmul(h, us.ref)).add(bs.ref));
      outs.push(h.ref);
    }
    h.dispose();
    for (const a of [ws, us, bs, xs]) a.dispose();
    return np.sum(np.stack(outs, 1).mul(rs));
  };
  const argnums = d.wrtInput ? [0, 1, 2, 3] : [0, 1, 2];
  const run = maybeJit((ws: A, us: A, bs: A, xs: A, rs: A): A[] => {
    const [l, g] = valueAndGrad(loss, { argnums })(ws, us, bs, xs, rs);
    return [l, ...(g as A[])];
  }, compiled);
  const call = () => run(w.ref, u.ref, b.ref, x.ref, r.ref);
  return {
    step: () => {
      readAll(call());
    },
    outputs() {
      const [l, dw, du, db, dx] = call() as A[];
      const out = { loss: values(l!), dw: values(dw!), du: values(du!), db: values(db!) };
      return dx === undefined ? out : { ...out, dx: values(dx) };
    },
    dispose: () => {
      for (const a of [x, r, w, u, b]) a.dispose();
    },
  };
}

export function jaxElementwise(d: ElementwiseData, compiled: boolean, gradient: boolean): Runner {
  const x = arr(d.x, [d.x.length]);
  const f = (xs: A): A => np.sum(nn.sigmoid(xs.ref.mul(2).add(1)).mul(np.tanh(xs)));
  const g = maybeJit(gradient ? (xs: A): A => grad(f)(xs) : f, compiled);
  return {
    step: () => {
      read(g(x.ref));
    },
    outputs: () => ({ [gradient ? 'dx' : 'f']: values(g(x.ref)) }),
    dispose: () => x.dispose(),
  };
}

export function jaxSoftmax(d: SoftmaxData, compiled: boolean): Runner {
  const x = arr(d.x, [d.rows, d.cols]);
  const f = maybeJit((xs: A): A[] => {
    const p = nn.softmax(xs.ref, -1);
    return [np.max(p.ref, -1), np.mean(p, 0), np.sum(xs, -1)];
  }, compiled);
  const run = () => {
    const [rowMax, colMean, rowSum] = f(x.ref) as [A, A, A];
    return { rowMax: values(rowMax), colMean: values(colMean), rowSum: values(rowSum) };
  };
  return { step: run, outputs: run, dispose: () => x.dispose() };
}

/** W7 eagerly (per-op cost); under jit a chain of adds of one array compiles to nothing worth timing. */
export function jaxTiny(d: TinyData, gradient: boolean): Runner {
  const a = np.array(d.a as Float32Array<ArrayBuffer>);
  const add = (x: A) => x.ref.add(x);
  const dadd = grad((x: A) => np.sum(add(x)));
  const gradOnce = () => dadd(a.ref);
  return gradient
    ? {
        ops: d.ops,
        step() {
          for (let i = 1; i < d.ops; i++) gradOnce().dispose();
          read(gradOnce());
        },
        outputs: () => ({ dx: values(gradOnce()) }),
        dispose: () => a.dispose(),
      }
    : {
        ops: d.ops,
        step() {
          for (let i = 1; i < d.ops; i++) add(a.ref).dispose();
          read(add(a.ref));
        },
        outputs: () => ({ y: values(add(a.ref)) }),
        dispose: () => a.dispose(),
      };
}
