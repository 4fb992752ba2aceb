// A small pool of worker_threads for the wasm gemm. Every thread instantiates
// the same module on the same shared memory; for a job each thread calls
// run(job), taking blocks of C until none are left, the main thread too,
// which then waits for the others with Atomics.wait, so the API stays
// synchronous. Workers start on the first job that wants them (about 20 ms,
// once), are unref'd so they never keep the process alive, and sleep in
// Atomics.wait between jobs.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WasmGemm } from './module.js';
import { CTL, WORKER_SOURCE } from './worker.js';

export const MAX_THREADS = 64;
/** How long the first job waits for new threads to instantiate the module before going without them. */
const START_TIMEOUT_MS = 10_000;

/**
 * The default: KTAPE_THREADS when it is a positive integer, else the cores
 * up to 4. The gemm splits C into one block per thread with no shared writes,
 * so it scales with cores; past 4 the duplicated packing and the per-job
 * wake-up cost more than they save on the sizes Keras models use, and the rest
 * of the process (the JS kernels between matmuls) keeps a core to itself.
 */
function defaultThreads(): number {
  const env = typeof process === 'undefined' ? undefined : process.env?.KTAPE_THREADS;
  if (env !== undefined && /^\s*\d+\s*$/.test(env) && Number(env) >= 1) return Math.min(Number(env), MAX_THREADS);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 4));
}

let threads = defaultThreads();

export function getThreads(): number {
  return threads;
}

export function setThreads(n: number): void {
  threads = Math.min(n, MAX_THREADS);
}

interface Pool {
  ctl: Int32Array;
  workers: Worker[];
  /** A thread failed to start or to instantiate: the pool runs nothing more. */
  broken: boolean;
}

let pool: Pool | null = null;

/** Make sure `count` worker threads are running (blocking until they are ready); returns how many are. */
function ensure(w: WasmGemm, count: number): number {
  pool ??= {
    ctl: new Int32Array(new SharedArrayBuffer(4 * (CTL.SLOT0 + CTL.SLOT_SIZE * MAX_THREADS))),
    workers: [],
    broken: false,
  };
  const p = pool;
  if (p.broken) return 0;
  const before = p.workers.length;
  try {
    while (p.workers.length < count) {
      const slot = p.workers.length;
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module: w.module, memory: w.memory, ctl: p.ctl, slot, gen: Atomics.load(p.ctl, CTL.GEN) },
      });
      worker.unref();
      p.workers.push(worker);
    }
  } catch {
    p.broken = true;
  }
  if (p.workers.length > before) {
    const deadline = performance.now() + START_TIMEOUT_MS;
    let ready: number;
    while ((ready = Atomics.load(p.ctl, CTL.READY)) < p.workers.length) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      Atomics.wait(p.ctl, CTL.READY, ready, left);
    }
    if (Atomics.load(p.ctl, CTL.READY) < p.workers.length || Atomics.load(p.ctl, CTL.ERRORS) > 0) p.broken = true;
  }
  if (p.broken) {
    for (const worker of p.workers) void worker.terminate();
    p.workers = [];
    return 0;
  }
  return Math.min(count, p.workers.length);
}

/** Threads a job may use now (the main thread included): up to `want`, at least 1. */
export function available(w: WasmGemm, want: number): number {
  const n = Math.min(want, threads);
  return n <= 1 ? 1 : 1 + ensure(w, n - 1);
}

/**
 * Run the job at `job` (set up and prepared) on this thread and on one worker
 * per further scratch in `works` (at most available() - 1 of them): each runs
 * blocks until none are left. Returns when all are done.
 */
export function runJob(w: WasmGemm, job: number, works: readonly number[]): void {
  const run = w.exports.run;
  if (works.length === 1 || pool === null) {
    run(job, works[0]!);
    return;
  }
  const ctl = pool.ctl;
  if (works.length - 1 > pool.workers.length)
    throw new Error(`gemm pool: ${works.length} threads wanted, ${pool.workers.length + 1} running`);
  for (let t = 1; t < works.length; t++) {
    const s = CTL.SLOT0 + (t - 1) * CTL.SLOT_SIZE;
    ctl[s] = job;
    ctl[s + 1] = works[t]!;
    Atomics.store(ctl, s + CTL.STATE, CTL.OFFERED);
  }
  Atomics.store(ctl, CTL.PENDING, works.length - 1);
  Atomics.add(ctl, CTL.GEN, 1);
  Atomics.notify(ctl, CTL.GEN);
  let failure: unknown = null;
  try {
    run(job, works[0]!);
  } catch (e) {
    failure = e;
  }
  // Offers still open were not taken: no blocks are left for them. Wait for
  // the workers that took theirs, even after a failure here: they may be
  // writing to the memory.
  for (let t = 1; t < works.length; t++) {
    const s = CTL.SLOT0 + (t - 1) * CTL.SLOT_SIZE + CTL.STATE;
    if (Atomics.compareExchange(ctl, s, CTL.OFFERED, CTL.IDLE) === CTL.OFFERED) Atomics.sub(ctl, CTL.PENDING, 1);
  }
  let left: number;
  while ((left = Atomics.load(ctl, CTL.PENDING)) !== 0) Atomics.wait(ctl, CTL.PENDING, left);
  if (failure !== null) throw failure;
  if (Atomics.load(ctl, CTL.ERRORS) > 0) {
    pool.broken = true;
    throw new Error('gemm pool: a worker thread failed');
  }
}

/** Worker threads started so far (tests check they start lazily). */
export function workerCount(): number {
  return pool?.workers.length ?? 0;
}
