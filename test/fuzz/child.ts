// A fuzz worker process: runs cases [from, to) of a seeded run on one device,
// telling the parent when each starts and how it ended, so that the parent can
// bound each case in time (a case that hangs is killed with its process).
import * as K from '../../src/index.js';
import { runCase } from './case.js';

interface Job {
  seed: number;
  from: number;
  to: number;
  device: 'cpu' | 'gpu';
  /** Compare valid results with the other device when it runs real WebGL. */
  compare: boolean;
  /** The fuzzer's own test: make this case hang or crash, to see the driver bound it. */
  plant?: { index: number; kind: 'hang' | 'crash' };
}

const job = JSON.parse(process.env.KTAPE_FUZZ_JOB ?? '{}') as Job;
const send = (m: unknown) => new Promise<void>((resolve) => process.send?.(m, () => resolve()));

async function main(): Promise<void> {
  K.set_device(job.device);
  const realGl = ['headlessgl', 'webgl2', 'webgl'].includes(K.gpu_mode());
  const other = job.compare && realGl ? (job.device === 'cpu' ? 'gpu' : 'cpu') : undefined;
  await send({ ready: true, gpuMode: K.gpu_mode(), other: other ?? null });
  for (let i = job.from; i < job.to; i++) {
    await send({ start: i });
    if (job.plant?.index === i) {
      if (job.plant.kind === 'crash') process.exit(70);
      for (;;); // a hang
    }
    const outcome = runCase(job.seed, i, other);
    await send({ done: outcome });
  }
  process.disconnect?.();
}

void main();
