// Runs a seeded fuzz run in child processes: each case is bounded in time
// (a case that does not answer is killed with its process and reported as a
// hang) and in memory (a process that dies is reported as a crash); the run
// then goes on from the next case in a fresh process.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NAMES, type Outcome } from './case.js';

export interface FuzzOptions {
  seed: number;
  cases: number;
  device: 'cpu' | 'gpu';
  compare?: boolean;
  /** Longest a case may take before it counts as a hang. */
  timeoutMs?: number;
  /** Heap limit of each worker process. */
  heapMb?: number;
  /** The fuzzer's own test: a case planted to hang or crash. */
  plant?: { index: number; kind: 'hang' | 'crash' };
  /** Called as cases end (progress for long runs). */
  onOutcome?: (o: Outcome) => void;
}

export interface FuzzReport {
  seed: number;
  device: 'cpu' | 'gpu';
  cases: number;
  valid: number;
  hostile: number;
  /** Valid cases whose results were compared with the other device. */
  compared: number;
  /** The other device valid results were compared with, if any. */
  other: string | null;
  gpuMode: string | null;
  notOk: Outcome[];
  /** Hostile cases by class: how many, and how many ended in each K error. */
  classes: Record<string, { cases: number; ValueError: number; TypeError: number }>;
  functions: number;
  /** Cases per function, valid and hostile. */
  byFunction: Record<string, { valid: number; hostile: number }>;
  ms: number;
}

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

export async function fuzz(o: FuzzOptions): Promise<FuzzReport> {
  const t0 = Date.now();
  const report: FuzzReport = {
    seed: o.seed,
    device: o.device,
    cases: 0,
    valid: 0,
    hostile: 0,
    compared: 0,
    other: null,
    gpuMode: null,
    notOk: [],
    classes: {},
    functions: NAMES.length,
    byFunction: {},
    ms: 0,
  };
  const record = (x: Outcome) => {
    report.cases++;
    if (x.mode === 'valid') report.valid++;
    else report.hostile++;
    if (x.compared) report.compared++;
    const f = (report.byFunction[x.fn] ??= { valid: 0, hostile: 0 });
    f[x.mode]++;
    if (x.cls !== undefined) {
      const c = (report.classes[x.cls] ??= { cases: 0, ValueError: 0, TypeError: 0 });
      c.cases++;
      if (x.error) c[x.error]++;
    }
    if (!x.ok) report.notOk.push(x);
    o.onOutcome?.(x);
  };
  let next = 0;
  while (next < o.cases) {
    next = await runWorker(o, next, record, report);
  }
  report.ms = Date.now() - t0;
  return report;
}

/** One worker from case `from` on; resolves with the index to go on from. */
function runWorker(o: FuzzOptions, from: number, record: (x: Outcome) => void, report: FuzzReport): Promise<number> {
  const timeoutMs = o.timeoutMs ?? 30_000;
  return new Promise((resolve) => {
    const job = { seed: o.seed, from, to: o.cases, device: o.device, compare: o.compare ?? true, plant: o.plant };
    const child: ChildProcess = fork(CHILD, [], {
      execArgv: ['--import', 'tsx', `--max-old-space-size=${o.heapMb ?? 2048}`, '--stack-size=984'],
      env: { ...process.env, KTAPE_FUZZ_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-2000);
    });
    let current: number | null = null;
    let last = from - 1;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (at: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(at);
    };
    const fail = (why: string) => {
      const index = current ?? last + 1;
      if (index < o.cases) {
        record({ index, fn: NAMES[index % NAMES.length] as string, mode: 'valid', ok: false, why });
      }
      return index + 1;
    };
    const arm = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(fail(`hang: no answer in ${ms / 1000} s (case ${current ?? 'start-up'})`));
      }, ms);
    };
    arm(Math.max(timeoutMs, 120_000)); // start-up: tsx, ktape and, on the gpu, WebGL
    child.on(
      'message',
      (m: { ready?: true; gpuMode?: string; other?: string | null; start?: number; done?: Outcome }) => {
        if (m.ready) {
          report.gpuMode = m.gpuMode ?? null;
          report.other = m.other ?? null;
        } else if (m.start !== undefined) {
          current = m.start;
          arm(timeoutMs);
        } else if (m.done) {
          record(m.done);
          last = m.done.index;
          current = null;
          arm(timeoutMs);
        }
      }
    );
    child.on('exit', (code, signal) => {
      if (settled) return;
      if (last + 1 >= o.cases && current === null) finish(o.cases);
      else
        finish(fail(`crash: the worker exited (${signal ?? code}) ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

/** The report as text: totals, classes, and each case that was not ok with the command that replays it. */
export function formatReport(r: FuzzReport): string {
  const lines = [
    `fuzz: seed ${r.seed}, ${r.cases} cases on the ${r.device} device (gpu.js mode ${r.gpuMode ?? '?'}), ${r.functions} functions, ${(r.ms / 1000).toFixed(1)} s`,
    `  valid calls: ${r.valid} (${r.compared} compared with the ${r.other ?? 'other'} device)`,
    `  hostile calls: ${r.hostile} in ${Object.keys(r.classes).length} classes`,
    `  not ok: ${r.notOk.length}`,
  ];
  for (const x of r.notOk.slice(0, 50)) {
    lines.push(
      `  - case ${x.index} (${x.fn}, ${x.mode}${x.cls ? `: ${x.cls} in argument ${x.slot}` : ''}): ${x.why}`,
      `    replay: npm run fuzz -- --seed ${r.seed} --case ${x.index} --device ${r.device}`
    );
  }
  return lines.join('\n');
}
