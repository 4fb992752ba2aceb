// Threads of the cpu device (ktape additions): how many threads its float32
// matrix products (K.dot, K.batch_dot, convolutions, recurrent steps) may use.
import { keras, typeError, valueError } from '../core/context.js';
import type { Backend } from '../core/backend.js';
import { backendOf } from '../device/dispatcher.js';

/** The cpu backend's thread control (its gemm's worker pool). */
function threads(): NonNullable<Backend<unknown>['threads']> {
  const t = backendOf('cpu')?.threads;
  if (t === undefined) throw new Error('ktape: the cpu backend has no thread control');
  return t;
}

/**
 * Sets how many threads the cpu device's float32 matrix products may use (a
 * ktape addition): the calling thread plus up to n - 1 worker threads, started
 * on the first product big enough to share (a few MFLOP) and kept asleep
 * between products. Results are identical for every thread count: each
 * thread computes its own block of the product in the same order.
 * The default is the KTAPE_THREADS environment variable when set, else the
 * number of cores up to 4. Where WebAssembly or worker threads are
 * unavailable, products run on the calling thread whatever n is.
 *
 * @param n A whole number from 1 (no worker threads) to 64.
 * @returns Nothing.
 * @throws K.TypeError when n is not a number; K.ValueError when it is not a whole number in [1, 64].
 * @example
 * ```ts
 * K.set_num_threads(1); // every product on the calling thread
 * K.get_num_threads(); // 1
 * K.set_num_threads(2);
 * K.dot(K.ones([512, 512]), K.ones([512, 512])); // computed by 2 threads
 * ```
 */
export function set_num_threads(n: number): void {
  keras(set_num_threads, () => {
    if (typeof n !== 'number') throw typeError('set_num_threads', `n must be a number; got ${typeof n}`);
    if (!Number.isInteger(n) || n < 1 || n > threads().max) {
      throw valueError('set_num_threads', `n must be a whole number from 1 to ${threads().max}; got ${n}`);
    }
    threads().set(n);
  });
}

/**
 * How many threads the cpu device's float32 matrix products may use (a ktape
 * addition), as last set by {@link set_num_threads} or by default the
 * KTAPE_THREADS environment variable, else the number of cores up to 4.
 *
 * @returns The thread count, at least 1.
 * @example
 * ```ts
 * K.set_num_threads(2);
 * K.get_num_threads(); // 2
 * ```
 */
export function get_num_threads(): number {
  return threads().get();
}

/**
 * Starts the cpu device's worker threads now and resolves once they are
 * ready (a ktape addition). In Node the first large product starts them
 * anyway (blocking about 20 ms, once). A browser page's main thread may not
 * block, so there threads start in the background and products use those
 * already running: await this once before heavy work to have them all.
 * Threads need shared memory: a page must be cross-origin isolated (the
 * COOP/COEP headers); elsewhere this resolves with 1 and products run on the
 * calling thread.
 *
 * @returns A promise of the threads products will use, the calling thread included.
 * @example
 * ```ts
 * K.set_num_threads(2);
 * void K.init_threads().then((n) => console.log(n)); // logs 2 where threads can run, else 1
 * ```
 */
export function init_threads(): Promise<number> {
  return threads().init();
}
