// A small pool of worker threads for the wasm gemm. Every thread instantiates
// the same module on the same shared memory; for a job each thread calls
// run(job), taking blocks of C until none are left, the main thread too,
// which then waits for the others, so the API stays synchronous.
//
// In Node, workers start on the first job that wants them (about 20 ms, once,
// blocking until they are ready), are unref'd so they never keep the process
// alive, and sleep in Atomics.wait between jobs. A page's main thread may not
// block and a Worker cannot start while it does: there, workers start in the
// background (or with an awaited K.init_threads()), jobs use those already
// ready, and the main thread spins instead of waiting. Without shared memory
// (a page without cross-origin isolation) everything runs on one thread.
import { platform, type PlatformWorker } from '../../core/platform.js';
import type { WasmGemm } from './module.js';
import { CTL, WORKER_BODY } from './worker.js';

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
  const env = platform().env('KTAPE_THREADS');
  if (env !== undefined && /^\s*\d+\s*$/.test(env) && Number(env) >= 1) return Math.min(Number(env), MAX_THREADS);
  return Math.max(1, Math.min(platform().cores(), 4));
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
  workers: PlatformWorker[];
  /** A thread failed to start or to instantiate: the pool runs nothing more. */
  broken: boolean;
}

let pool: Pool | null = null;

/** Start workers until `count` run: the pool (broken when one cannot start), or null without shared memory. */
function start(w: WasmGemm, count: number): Pool | null {
  if (!platform().sharedMemory()) return null;
  try {
    pool ??= {
      ctl: new Int32Array(new SharedArrayBuffer(4 * (CTL.SLOT0 + CTL.SLOT_SIZE * MAX_THREADS))),
      workers: [],
      broken: false,
    };
  } catch {
    return null;
  }
  const p = pool;
  if (p.broken) return p;
  try {
    while (p.workers.length < count) {
      const slot = p.workers.length;
      const data = { module: w.module, memory: w.memory, ctl: p.ctl, slot, gen: Atomics.load(p.ctl, CTL.GEN) };
      const worker = platform().spawn(WORKER_BODY, data);
      if (worker === null) throw new Error('no workers here');
      p.workers.push(worker);
    }
  } catch {
    p.broken = true;
  }
  return p;
}

function breakPool(p: Pool): void {
  p.broken = true;
  for (const worker of p.workers) worker.terminate();
  p.workers = [];
}

/** Workers that have instantiated the module (and so may take blocks). */
function ready(p: Pool): number {
  if (Atomics.load(p.ctl, CTL.ERRORS) > 0) breakPool(p);
  return p.broken ? 0 : Math.min(Atomics.load(p.ctl, CTL.READY), p.workers.length);
}

/**
 * Make sure `count` worker threads run; returns how many are ready. Where this
 * thread may block (Node), new workers are waited for; elsewhere they start in
 * the background and only those ready count.
 */
function ensure(w: WasmGemm, count: number): number {
  const before = pool?.workers.length ?? 0;
  const p = start(w, count);
  if (p === null || p.broken) {
    if (p !== null) breakPool(p);
    return 0;
  }
  if (p.workers.length > before && platform().canBlock()) {
    const deadline = performance.now() + START_TIMEOUT_MS;
    let n: number;
    while ((n = Atomics.load(p.ctl, CTL.READY)) < p.workers.length) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      Atomics.wait(p.ctl, CTL.READY, n, left);
    }
    if (Atomics.load(p.ctl, CTL.READY) < p.workers.length) breakPool(p);
  }
  return Math.min(count, ready(p));
}

/**
 * Start the threads set_num_threads asked for and wait, without blocking,
 * until they are ready (a page calls this once before heavy work; in Node the
 * first job starts them anyway). Resolves with the threads jobs will use,
 * the calling thread included: 1 where shared memory or workers are missing.
 */
export async function initThreads(w: WasmGemm | null): Promise<number> {
  if (w === null || threads <= 1) return 1;
  const p = start(w, threads - 1);
  if (p === null || p.broken) {
    if (p !== null) breakPool(p);
    return 1;
  }
  const deadline = performance.now() + START_TIMEOUT_MS;
  while (Atomics.load(p.ctl, CTL.READY) < p.workers.length && Atomics.load(p.ctl, CTL.ERRORS) === 0) {
    if (performance.now() > deadline) {
      breakPool(p);
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return 1 + Math.min(threads - 1, ready(p));
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
  if (works.length - 1 > ready(pool))
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
  if (platform().canBlock()) {
    while ((left = Atomics.load(ctl, CTL.PENDING)) !== 0) Atomics.wait(ctl, CTL.PENDING, left);
  } else {
    // A page's main thread spins: the workers' blocks are short.
    while (Atomics.load(ctl, CTL.PENDING) !== 0);
  }
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
