// Tables (console and markdown), the issue's targets, and the JSON record.
import { LABELS } from './contenders.js';
import { table } from './timing.js';
import type { CaseResult, ContenderId, Limits, Measurement, MemoryResult, RunReport, Target } from './types.js';

const KTAPE: ContenderId[] = ['cpu', 'cpu-mt', 'gpu'];
const PEERS: ContenderId[] = ['tfjs-cpu', 'tfjs-wasm', 'jaxjs', 'jaxjs-jit', 'ort'];

/** What ratios compare: microseconds per op for per-op cases (contenders may run different counts), else ms. */
function value(m: Measurement | undefined, perOp: boolean): number {
  if (m === undefined || m.error !== undefined) return NaN;
  return perOp ? (m.usPerOp ?? NaN) : m.medianMs;
}

export function ratio(c: CaseResult, k: ContenderId, p: ContenderId): number {
  return value(c.measurements[k], c.perOp) / value(c.measurements[p], c.perOp);
}

function fmtMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

function cell(c: CaseResult, id: ContenderId): string {
  const m = c.measurements[id];
  if (m === undefined) return '';
  if (m.error !== undefined) return 'failed';
  if (c.perOp) return `${(m.usPerOp ?? NaN).toFixed(2)} us/op`;
  const t = `${fmtMs(m.medianMs)} ms`;
  return c.workload === 'W1' && m.gflops !== undefined ? `${t}, ${m.gflops.toFixed(2)} GFLOP/s` : t;
}

const fmtRatio = (r: number) => (Number.isFinite(r) ? r.toFixed(r < 0.1 ? 3 : 2) : '');

export function resultsTable(cases: CaseResult[], contenders: ContenderId[]): string {
  const ks = KTAPE.filter((k) => contenders.includes(k));
  const ps = PEERS.filter((p) => contenders.includes(p));
  // Every ktape contender against tfjs-wasm (issue 9's reference); only ktape cpu against the other peers.
  const pairs = ks.flatMap((k) => ps.filter((p) => p === 'tfjs-wasm' || k === 'cpu').map((p) => [k, p] as const));
  const limits = cases.some((c) => c.limitMs !== undefined);
  const header = [
    '',
    'workload',
    'measure',
    ...contenders.map((c) => LABELS[c]),
    ...(limits ? ['limit', 'cpu / limit'] : []),
    ...pairs.map(([k, p]) => `${k} / ${p}`),
    'check',
  ];
  const rows = cases.map((c) => [
    c.workload,
    c.title,
    c.measure,
    ...contenders.map((id) => cell(c, id)),
    ...(limits
      ? c.limitMs === undefined
        ? ['', '']
        : [`${fmtMs(c.limitMs)} ms`, fmtRatio(value(c.measurements.cpu, false) / c.limitMs)]
      : []),
    ...pairs.map(([k, p]) => fmtRatio(ratio(c, k, p))),
    c.ok ? '✓' : '✗',
  ]);
  return table(header, rows);
}

export function memoryTable(memory: MemoryResult[]): string {
  const rows = memory.map((m) =>
    m.error !== undefined
      ? [LABELS[m.contender], 'failed', '', '', '', '', m.error]
      : [
          LABELS[m.contender],
          `${m.rssMB[0].toFixed(1)} MB`,
          `${m.rssMB[1].toFixed(1)} MB`,
          `${m.growthMB >= 0 ? '+' : ''}${m.growthMB.toFixed(1)} MB`,
          `${(m.heapMB[1] - m.heapMB[0]).toFixed(1)} MB`,
          `${(m.arrayBuffersMB[1] - m.arrayBuffersMB[0]).toFixed(1)} MB`,
          m.tensors ? `tfjs tensors ${m.tensors[0]} -> ${m.tensors[1]}` : '',
        ]
  );
  const [a, b] = memory[0]?.steps ?? [0, 0];
  return table(
    ['contender', `rss after ${a} W2 steps`, `after ${b}`, 'growth', 'JS heap growth', 'array buffers growth', ''],
    rows
  );
}

/** The issue's targets: ktape cpu against tfjs-wasm, same run. */
export function targets(
  cases: CaseResult[],
  memory: MemoryResult[],
  sizes: { matmul: number[] },
  hasThreads: boolean
): Target[] {
  const out: Target[] = [];
  const find = (w: string, match: (c: CaseResult) => boolean) => cases.find((c) => c.workload === w && match(c));
  const versus = (target: string, c: CaseResult | undefined, k: ContenderId, goal: number) => {
    const g = `<= ${goal.toFixed(1)}`;
    if (k === 'cpu-mt' && !hasThreads) {
      out.push({ target, goal: g, measured: 'n/a (ktape has no K.set_num_threads yet)', status: 'n/a' });
      return;
    }
    const r = c === undefined ? NaN : ratio(c, k, 'tfjs-wasm');
    if (!Number.isFinite(r)) {
      out.push({ target, goal: g, measured: '', status: 'not run' });
      return;
    }
    const ms = (id: ContenderId) => fmtMs(c!.measurements[id]!.medianMs);
    out.push({
      target,
      goal: g,
      measured: `${r.toFixed(2)} (${ms(k)} vs ${ms('tfjs-wasm')} ms)`,
      status: r <= goal ? 'met' : 'missed',
    });
  };
  for (const n of [512, 1024]) {
    const c = find('W1', (x) => x.title.startsWith(`matmul ${n}x${n}`));
    versus(`W1 matmul n=${n}, one thread`, c, 'cpu', 1.0);
    versus(`W1 matmul n=${n}, both cores (ktape cpu, all cores)`, c, 'cpu-mt', 0.6);
  }
  versus(
    'W2 MLP training step',
    find('W2', (r) => r.measure === 'training step'),
    'cpu',
    1.0
  );
  versus(
    'W3 conv2d forward + backward',
    find('W3', () => true),
    'cpu',
    0.5
  );
  versus(
    'W4 K.rnn forward + gradients',
    find('W4', () => true),
    'cpu',
    1.0
  );
  versus(
    'W5 elementwise forward',
    find('W5', (c) => c.measure === 'forward'),
    'cpu',
    1.0
  );
  versus(
    'W5 elementwise forward + gradient',
    find('W5', (c) => c.measure === 'forward + gradient'),
    'cpu',
    1.0
  );
  versus(
    'W6 softmax + reductions',
    find('W6', () => true),
    'cpu',
    1.0
  );
  for (const [measure, goal] of [
    ['add', 3],
    ['add + its gradient', 10],
  ] as const) {
    const us = value(find('W7', (c) => c.measure === measure)?.measurements.cpu, true);
    out.push({
      target: `W7 ${measure}, ktape cpu`,
      goal: `<= ${goal} us/op`,
      measured: Number.isFinite(us) ? `${us.toFixed(2)} us/op` : '',
      status: Number.isFinite(us) ? (us <= goal ? 'met' : 'missed') : 'not run',
    });
  }
  const m = memory.find((x) => x.contender === 'cpu' && x.error === undefined);
  out.push({
    target: m
      ? `resident growth, ${m.steps[0]} -> ${m.steps[1]} W2 steps, ktape cpu`
      : 'resident growth over W2 steps, ktape cpu',
    goal: '<= 5 MB',
    measured: m ? `${m.growthMB.toFixed(1)} MB` : '',
    status: m ? (m.growthMB <= 5 ? 'met' : 'missed') : 'not run',
  });
  if (!sizes.matmul.includes(512)) {
    for (const t of out) if (t.status === 'met' || t.status === 'missed') t.status = 'quick sizes';
  }
  return out;
}

/**
 * Issue 17's targets: ktape cpu on one thread against jax-js's jit, ONNX
 * Runtime, tfjs-wasm and the machine's limits, same run. Issue 9's targets
 * (above) must all still be met.
 */
export function targets17(cases: CaseResult[], limits: Limits | undefined, quick: boolean): Target[] {
  const out: Target[] = [];
  const find = (w: string, measure: string, title = '') =>
    cases.find((c) => c.workload === w && c.measure === measure && c.title.startsWith(title));
  const against = (target: string, c: CaseResult | undefined, p: ContenderId | 'limit', goal: number) => {
    const peerMs = p === 'limit' ? c?.limitMs : value(c?.measurements[p], false);
    const ms = value(c?.measurements.cpu, false);
    const r = peerMs === undefined ? NaN : ms / peerMs;
    const name = p === 'limit' ? 'its limit' : LABELS[p];
    if (!Number.isFinite(r)) {
      out.push({ target, goal: `<= ${goal} of ${name}`, measured: '', status: 'not run' });
      return;
    }
    out.push({
      target,
      goal: `<= ${goal} of ${name}`,
      measured: `${r.toFixed(2)} (${fmtMs(ms)} vs ${fmtMs(peerMs!)} ms)`,
      status: r <= goal ? 'met' : 'missed',
    });
  };
  against('W2 training step, one K.function', find('W2', 'training step, one K.function'), 'jaxjs-jit', 0.8);
  against('W4 K.rnn, one K.function', find('W4', 'forward + gradients, one K.function'), 'jaxjs-jit', 0.8);
  for (const m of ['forward', 'forward + gradient']) {
    const c = find('W5', `${m}, one K.function`);
    against(`W5 ${m}, one K.function`, c, 'limit', 2);
    against(`W5 ${m}, one K.function`, c, 'jaxjs-jit', 0.8);
  }
  for (const [w, measure] of [
    ['W2f', 'inference, K.no_grad'],
    ['W3f', 'forward (inference, output read back)'],
  ] as const) {
    const c = find(w, measure);
    against(`${w} ${measure}`, c, 'tfjs-wasm', 0.7);
    against(`${w} ${measure}`, c, 'ort', 2);
  }
  for (const n of [512, 1024]) {
    const c = find('W1', 'forward', `matmul ${n}x${n}`);
    const g = c?.measurements.cpu?.gflops;
    const ok = g !== undefined && limits !== undefined && c?.measurements.cpu?.error === undefined;
    out.push({
      target: `W1 matmul n=${n}, one thread, GFLOP/s`,
      goal: `>= 0.6 of the native sgemm`,
      measured: ok ? `${(g / limits.gflops).toFixed(2)} (${g.toFixed(1)} vs ${limits.gflops.toFixed(1)} GFLOP/s)` : '',
      status: ok ? (g / limits.gflops >= 0.6 ? 'met' : 'missed') : 'not run',
    });
  }
  against('W3 conv2d forward + backward, one thread', find('W3', 'forward + backward'), 'tfjs-wasm', 0.5);
  if (quick) for (const t of out) if (t.status === 'met' || t.status === 'missed') t.status = 'quick sizes';
  return out;
}

/** W8's floor row: what returning the per-example gradients costs before any arithmetic. */
export const FLOOR_MEASURE = 'floor: the per-example gradients written once into fresh memory (no arithmetic)';

/**
 * Issue 19's targets: K.vmap's batched passes against the ways they replace,
 * ktape cpu on one thread, same run.
 */
export function targets19(cases: CaseResult[], quick: boolean): Target[] {
  const ms = (measure: string, title: string) =>
    value(
      cases.find((c) => c.workload === 'W8' && c.measure === measure && c.title.startsWith(title))?.measurements.cpu,
      false
    );
  const vmapMs = ms('per-example gradients, K.vmap (K.per_example_gradients)', 'MLP');
  const loopMs = ms('per-example gradients, a loop of K.gradients calls', 'MLP');
  const batchedMs = ms('one batched gradient (the mean)', 'MLP');
  const jacMs = ms('K.jacobian (K.vmap over the basis)', 'jacobian');
  const rowsMs = ms('row by row (the K.jacobian before K.vmap: one reverse pass per row)', 'jacobian');
  const floorMs = ms(FLOOR_MEASURE, 'MLP');
  const ratio = (
    target: string,
    goal: string,
    a: number,
    b: number,
    ok: (r: number) => boolean,
    digits = 2
  ): Target => {
    const r = a / b;
    if (!Number.isFinite(r)) return { target, goal, measured: '', status: 'not run' };
    const status = quick ? 'quick sizes' : ok(r) ? 'met' : 'missed';
    return { target, goal, measured: `${r.toFixed(digits)} (${fmtMs(a)} vs ${fmtMs(b)} ms)`, status };
  };
  return [
    ratio('W8 per-example gradients (K.vmap) / one batched gradient', '<= 3', vmapMs, batchedMs, (r) => r <= 3),
    ratio('W8 a loop of K.gradients / per-example gradients (K.vmap)', '>= 10', loopMs, vmapMs, (r) => r >= 10),
    ratio('W8 jacobian row by row / K.jacobian (K.vmap)', '>= 10', rowsMs, jacMs, (r) => r >= 10),
    // Not a goal of the issue: how far the first goal is from what any way must pay to return the gradients.
    {
      ...ratio(
        'W8 floor (per-example gradients written to fresh memory) / one batched gradient',
        '',
        floorMs,
        batchedMs,
        () => true
      ),
      goal: 'a floor, for the first goal',
      status: Number.isFinite(floorMs / batchedMs) ? 'n/a' : 'not run',
    },
  ];
}

export function targetsTable(ts: Target[], what = 'ktape cpu / tfjs-wasm time'): string {
  return table(
    [`target (${what})`, 'goal', 'measured', ''],
    ts.map((t) => [t.target, t.goal, t.measured, t.status])
  );
}

export function headerLines(r: RunReport): string[] {
  const m = r.meta;
  const lines = [
    `${m.date}, Node ${m.node}, ${m.cpu} x${m.cores}${m.quick ? ", --quick (smaller sizes: not the issue's workloads)" : ''}` +
      (m.seconds !== undefined ? `, the run took ${m.seconds} s` : ''),
    `ktape cpu threads: ${m.ktapeThreads}${m.gpuMode ? `; ktape gpu: gpu.js ${m.gpuMode}${m.gpuRenderer ? ` on ${m.gpuRenderer}` : ''}` : ''}`,
  ];
  if (m.peers !== undefined && Object.keys(m.peers).length > 0)
    lines.push(
      `Peers: ${Object.entries(m.peers)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`
    );
  if (m.limits !== undefined)
    lines.push(
      `Limits: ${m.limits.gflops.toFixed(1)} GFLOP/s (${m.limits.gflopsFrom}) for W1-W3; ` +
        `${m.limits.copyGBs.toFixed(1)} GB/s (a 256 MB copy on one thread, read + write) for W5-W6`
    );
  if (m.tfjs) {
    lines.push(
      `TensorFlow.js ${m.tfjs.version}; wasm backend: ${m.tfjs.wasmBinary ?? 'not loaded'} ` +
        `(SIMD ${m.tfjs.wasmSimd ? 'yes' : 'no'}, threads ${m.tfjs.wasmThreadsSupported ? `yes, ${m.tfjs.wasmThreads}` : `no (${m.tfjs.wasmThreads} thread)`}), ` +
        `${m.tfjs.gradients === 'tuned' ? 'hand-written gradients on its fast kernels' : "tfjs's own gradients"}`
    );
  }
  return lines;
}

/** Everything the console shows, as markdown (the README includes it). */
export function markdown(r: RunReport): string {
  const parts = [
    headerLines(r).join('  \n'),
    'Medians of interleaved timed rounds after warm-up; ratios are ktape time / peer time (below 1: ktape is faster).',
    resultsTable(r.cases, r.meta.contenders),
  ];
  if (r.memory.length > 0)
    parts.push(
      `Resident size (process.memoryUsage().rss; each contender in a fresh process, glibc's mmap threshold at 4 KiB; medians of 5 readings${r.meta.gc ? ', each after a forced gc' : ', no forced gc: run node with --expose-gc'}):`,
      memoryTable(r.memory)
    );
  parts.push('Targets of issue 9:', targetsTable(r.targets));
  if (r.targets17 !== undefined && r.targets17.length > 0)
    parts.push('Targets of issue 17:', targetsTable(r.targets17, 'ktape cpu, one thread'));
  if (r.targets19 !== undefined && r.targets19.length > 0)
    parts.push('Targets of issue 19:', targetsTable(r.targets19, 'ktape cpu, one thread: ratios of times'));
  const notes = [...r.meta.notes, ...r.cases.flatMap((c) => c.notes.map((n) => `${c.workload} ${c.measure}: ${n}`))];
  if (notes.length > 0) parts.push(notes.map((n) => `- ${n}`).join('\n'));
  return `${parts.join('\n\n')}\n`;
}
