// The shapes shared by the runner, the workloads and the peers.

/**
 * Who is measured: ktape's devices (cpu-mt: the cpu with every core),
 * TensorFlow.js's backends, jax-js eager and under jit (its Wasm backend), and
 * ONNX Runtime (inference workloads only).
 */
export type ContenderId = 'cpu' | 'cpu-mt' | 'gpu' | 'tfjs-cpu' | 'tfjs-wasm' | 'jaxjs' | 'jaxjs-jit' | 'ort';
export type WorkloadId = 'W1' | 'W2' | 'W2f' | 'W3' | 'W3f' | 'W4' | 'W5' | 'W6' | 'W7' | 'W8';

/** Named output arrays a contender computed, compared across contenders once per case. */
export type Outputs = Record<string, Float32Array>;

/** One contender's side of one case, built on the case's shared inputs. */
export interface Runner {
  /** One timed iteration; it ends by reading a value back, so queued device work is inside the timing (ONNX Runtime's runs are asynchronous). */
  step(): unknown;
  /** The results to compare with the other contenders' (called once, after the timed runs, untimed). */
  outputs(): Outputs | Promise<Outputs>;
  /** Why this contender's runs were not real work (a loss that did not fall), or null. */
  verify?(): string | null;
  /** Operations per iteration, for rows reported per op (W7). */
  ops?: number;
  /** Free what the runner holds (tfjs tensors, gpu buffers). */
  dispose?(): void;
}

/** ktape runners are built for one device. */
export type KtapeDevice = 'cpu' | 'gpu';

/** The sides of a case, on inputs generated once (a peer without one does not run the case). */
export interface CaseSides {
  ktape(device: KtapeDevice): Runner;
  /** TensorFlow.js (absent: a ktape-only row, W8's batching, which tfjs has no transform for). */
  tfjs?(): Runner;
  /** jax-js, eager or jit-compiled (null: not this way). */
  jax?(compiled: boolean): Runner | null;
  /** ONNX Runtime: inference workloads only. */
  ort?(): Promise<Runner>;
}

/** One measured row. */
export interface Case {
  workload: WorkloadId;
  /** e.g. 'matmul 512x512' */
  title: string;
  /** e.g. 'forward + gradient' */
  measure: string;
  /** Floating-point operations per iteration, for a GFLOP/s column. */
  flops?: number;
  /** Report microseconds per op (Runner.ops) instead of milliseconds per iteration. */
  perOp?: boolean;
  /** Bytes the workload must move at the least (read its inputs, write its outputs once), for the limit column of memory-bound rows. */
  bytes?: number;
  /** Relative tolerance of the cross-contender comparison (of each output's largest magnitude). */
  rtol?: number;
  setup(): CaseSides;
}

/** One contender's figure on one case. */
export interface Measurement {
  medianMs: number;
  runs: number;
  /** Microseconds per op, for per-op cases. */
  usPerOp?: number;
  gflops?: number;
  error?: string;
}

export interface CaseResult {
  workload: WorkloadId;
  title: string;
  measure: string;
  perOp: boolean;
  flops?: number;
  bytes?: number;
  /** The least time this machine could take (ms): flops at the native sgemm's rate, or bytes at copy bandwidth. */
  limitMs?: number;
  measurements: Partial<Record<ContenderId, Measurement>>;
  /** The outputs agree across contenders (within rtol of each output's largest magnitude) and every verify() passed. */
  ok: boolean;
  /** Largest difference from the reference contender's outputs, relative to their largest magnitude. */
  maxRelDiff: Partial<Record<ContenderId, number>>;
  reference: ContenderId | null;
  rtol: number;
  notes: string[];
}

/** Resident size around W2 steps, for one contender. */
export interface MemoryResult {
  contender: ContenderId;
  steps: [number, number];
  rssMB: [number, number];
  heapMB: [number, number];
  /** process.memoryUsage().arrayBuffers: typed-array storage outside the JS heap. */
  arrayBuffersMB: [number, number];
  growthMB: number;
  /** Live tfjs tensors at the two readings. */
  tensors?: [number, number];
  error?: string;
}

export interface Target {
  target: string;
  goal: string;
  measured: string;
  status: 'met' | 'missed' | 'n/a' | 'not run' | 'quick sizes';
}

export interface Meta {
  date: string;
  node: string;
  cpu: string;
  cores: number;
  quick: boolean;
  gc: boolean;
  contenders: ContenderId[];
  /** Peer versions, e.g. { 'jax-js': '0.1.25', onnxruntime: '1.31.1' }. */
  peers?: Record<string, string>;
  /** What the limit column divides by: a native sgemm's GFLOP/s on one core, and a copy's bandwidth. */
  limits?: Limits;
  gpuMode?: string;
  gpuRenderer?: string | null;
  ktapeThreads: string;
  tfjs?: {
    version: string;
    wasmBinary: string | null;
    wasmSimd: boolean;
    wasmThreadsSupported: boolean;
    wasmThreads: number;
    /** 'tuned': W2-W4 on wasm take hand-written gradients from its fast kernels; 'stock': tfjs's own. */
    gradients: 'tuned' | 'stock';
  };
  notes: string[];
  seconds?: number;
}

export interface Limits {
  /** GFLOP/s of one core's float32 matrix product at its best (W1-W3's limit). */
  gflops: number;
  /** Where that figure came from (OpenBLAS through numpy, or the CPU's FMA peak). */
  gflopsFrom: string;
  /** GB/s of a large float32 copy on one thread, counting the bytes read and written (W5-W6's limit). */
  copyGBs: number;
}

export interface RunReport {
  meta: Meta;
  cases: CaseResult[];
  memory: MemoryResult[];
  targets: Target[];
  /** Issue 17's targets (absent in runs before it). */
  targets17?: Target[];
  /** Issue 19's targets, K.vmap against ktape's own other ways (absent in runs before it). */
  targets19?: Target[];
}
