// The cpu backend: every primitive's kernel on scijs ndarray.
import type { Backend, Kernels } from '../core/backend.js';
import { fusedByOps } from '../core/fused.js';
import { cpuFused } from './fused.js';
import { MAX_THREADS, getThreads, initThreads, setThreads } from './wasm/threads.js';
import { wasmGemm } from './wasm/module.js';
import { cpuActivation, cpuElementwise } from './elementwise.js';
import { cpuIndexing } from './indexing.js';
import { cpuScan } from './scan.js';
import { cpuPrint } from './print.js';
import { cpuConv } from './conv.js';
import { cpuPool } from './pool.js';
import { cpuRandom } from './random.js';
import { cpuLinalg } from './linalg.js';
import type { Nd } from '../core/ndarray.js';
import { cpuReduce } from './reduce.js';
import { cpuShape } from './shape.js';

const kernels: Kernels<Nd> = {
  // A plan's fused chain: one wasm pass where it applies, else op by op on the kernels below.
  fused: (ins, a, out) => cpuFused(ins, a, out) ?? fusedByOps(kernels, ins, a, out),
  ...cpuElementwise,
  ...cpuReduce,
  ...cpuShape,
  ...cpuLinalg,
  ...cpuIndexing,
  ...cpuScan,
  ...cpuPrint,
  ...cpuConv,
  ...cpuPool,
  ...cpuActivation,
  ...cpuRandom,
};

export const cpuBackend: Backend<Nd> = {
  name: 'cpu',
  kernels,
  upload: (host) => host,
  download: (data) => data,
  block: (data) => ({ key: data.data, bytes: data.data.byteLength }),
  threads: { max: MAX_THREADS, get: getThreads, set: setThreads, init: () => initThreads(wasmGemm()) },
};
