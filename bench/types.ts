// The shapes shared by the runner, the workloads and the peers.

/** Who is measured: ktape's devices (cpu-mt: the cpu with every core) and TensorFlow.js's backends. */
export type ContenderId = 'cpu' | 'cpu-mt' | 'gpu' | 'tfjs-cpu' | 'tfjs-wasm';
export type WorkloadId = 'W1' | 'W2' | 'W2f' | 'W3' | 'W3f' | 'W4' | 'W5' | 'W6' | 'W7';

/** Named output arrays a contender computed, compared across contenders once per case. */
export type Outputs = Record<string, Float32Array>;

/** One contender's side of one case, built on the case's shared inputs. */
export interface Runner {
  /** One timed iteration; it ends by reading a value back, so queued device work is inside the timing. */
  step(): void;
  /** The results to compare with the other contenders' (called once, after the timed runs, untimed). */
  outputs(): Outputs;
  /** Why this contender's runs were not real work (a loss that did not fall), or null. */
  verify?(): string | null;
  /** Operations per iteration, for rows reported per op (W7). */
  ops?: number;
  /** Free what the runner holds (tfjs tensors, gpu buffers). */
  dispose?(): void;
}

/** ktape runners are built for one device. */
export type KtapeDevice = 'cpu' | 'gpu';

/** The two sides of a case, on inputs generated once. */
export interface CaseSides {
  ktape(device: KtapeDevice): Runner;
  tfjs(): Runner;
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

export interface RunReport {
  meta: Meta;
  cases: CaseResult[];
  memory: MemoryResult[];
  targets: Target[];
}
