// The code each pool thread runs, as a string the platform starts a worker on:
// plain JavaScript with no import of ours, so it runs alike from src/ (tsx,
// vitest) and from a compiled dist/ or a bundle, with no worker file to find.
//
// The control block (an Int32Array on a SharedArrayBuffer) is laid out as
// below; a thread's part is at SLOT0 + slot * SLOT_SIZE: the job's address,
// its scratch's, and a state: OFFERED by the main thread, TAKEN by the
// worker (which then must finish before the main thread returns), or back
// to IDLE, by the worker when done or by the main thread withdrawing an offer
// no worker took in time (the main thread ran out of blocks first).

export const CTL = {
  /** Bumped by the main thread for each job. */
  GEN: 0,
  /** Threads still working on the current job. */
  PENDING: 1,
  /** Errors raised in threads (a failed instantiation, a trap). */
  ERRORS: 2,
  /** Threads that have instantiated the module. */
  READY: 3,
  SLOT0: 16,
  SLOT_SIZE: 4,
  STATE: 2,
  IDLE: 0,
  OFFERED: 1,
  TAKEN: 2,
} as const;

/**
 * The thread's body: the source of a function of its data (the module, the
 * shared memory, the control block and its slot), which the platform starts
 * with that data (worker_threads' workerData in Node, a first message in a
 * browser). A Web Worker may block in Atomics.wait, as a Node thread may.
 */
export const WORKER_BODY = `(data) => {
  const { module, memory, ctl, slot } = data;
  let run = null;
  try {
    run = new WebAssembly.Instance(module, { env: { memory } }).exports.run;
  } catch (e) {
    Atomics.add(ctl, ${CTL.ERRORS}, 1);
  }
  Atomics.add(ctl, ${CTL.READY}, 1);
  Atomics.notify(ctl, ${CTL.READY});
  const p = ${CTL.SLOT0} + slot * ${CTL.SLOT_SIZE};
  let gen = data.gen;
  for (;;) {
    Atomics.wait(ctl, ${CTL.GEN}, gen);
    gen = Atomics.load(ctl, ${CTL.GEN});
    if (Atomics.compareExchange(ctl, p + ${CTL.STATE}, ${CTL.OFFERED}, ${CTL.TAKEN}) !== ${CTL.OFFERED}) continue;
    try {
      run(ctl[p], ctl[p + 1]);
    } catch (e) {
      Atomics.add(ctl, ${CTL.ERRORS}, 1);
    }
    Atomics.store(ctl, p + ${CTL.STATE}, ${CTL.IDLE});
    if (Atomics.sub(ctl, ${CTL.PENDING}, 1) === 1) Atomics.notify(ctl, ${CTL.PENDING});
  }
}`;
