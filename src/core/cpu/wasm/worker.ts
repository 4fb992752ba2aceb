// The code each pool thread runs, as a string for `new Worker(code, { eval: true })`:
// plain JavaScript with no import of ours, so it runs alike from src/ (tsx,
// vitest) and from a compiled dist/ or a bundle, with no worker file to find.
//
// The control block (an Int32Array on a SharedArrayBuffer) is laid out as
// below; a thread's job is 16 int32 at SLOT0 + slot * SLOT_SIZE: the 16
// arguments of gemmBatch in order, its `batch` (index 14) 0 when idle.

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
  SLOT_SIZE: 16,
  BATCH: 14,
} as const;

export const WORKER_SOURCE = `'use strict';
const { workerData } = require('node:worker_threads');
const { module, memory, ctl, slot } = workerData;
let run = null;
try {
  run = new WebAssembly.Instance(module, { env: { memory } }).exports.gemmBatch;
} catch (e) {
  Atomics.add(ctl, ${CTL.ERRORS}, 1);
}
Atomics.add(ctl, ${CTL.READY}, 1);
Atomics.notify(ctl, ${CTL.READY});
const p = ${CTL.SLOT0} + slot * ${CTL.SLOT_SIZE};
let gen = workerData.gen;
for (;;) {
  Atomics.wait(ctl, ${CTL.GEN}, gen);
  gen = Atomics.load(ctl, ${CTL.GEN});
  if (ctl[p + ${CTL.BATCH}] === 0) continue;
  try {
    run(ctl[p], ctl[p + 1], ctl[p + 2], ctl[p + 3], ctl[p + 4], ctl[p + 5], ctl[p + 6], ctl[p + 7],
      ctl[p + 8], ctl[p + 9], ctl[p + 10], ctl[p + 11], ctl[p + 12], ctl[p + 13], ctl[p + 14], ctl[p + 15]);
  } catch (e) {
    Atomics.add(ctl, ${CTL.ERRORS}, 1);
  }
  ctl[p + ${CTL.BATCH}] = 0;
  if (Atomics.sub(ctl, ${CTL.PENDING}, 1) === 1) Atomics.notify(ctl, ${CTL.PENDING});
}
`;
