// npm run bench [-- options]: ktape (cpu and gpu devices) against TensorFlow.js
// (cpu and wasm backends), jax-js (eager and jit) and ONNX Runtime on the
// workloads of issues 9 and 17, interleaved in one run, with ratios ktape /
// peer, each row's limit on this machine, and the issues' targets.
// `npm run bench -- --help`.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as K from '../src/index.js';
import { cases, FULL, QUICK, type Peers, type Sizes, type TfjsPeer } from './cases.js';
import {
  type Contender,
  cores,
  jaxContender,
  ktapeContender,
  LABELS,
  ortContender,
  tfjsContender,
  threadSetter,
} from './contenders.js';
import { limitMs, measureLimits } from './limits.js';
import { ALL } from './options.js';
import { parseOptions, UsageError } from './options.js';
import {
  headerLines,
  markdown,
  memoryTable,
  resultsTable,
  targets,
  targets17,
  targets19,
  targetsTable,
} from './report.js';
import { roundRobin, type RoundOptions } from './timing.js';
import type {
  Case,
  CaseResult,
  ContenderId,
  Measurement,
  Meta,
  MemoryResult,
  Outputs,
  RunReport,
  Runner,
} from './types.js';
import { ktapeMlp, mlpData } from './workloads/w2_mlp.js';

const gc = (globalThis as { gc?: () => void }).gc;
const log = (s: string) => process.stderr.write(`${s}\n`);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Collect garbage, let finalizers run and V8's helper threads finish sweeping: before a resident-size reading, and after a slow step. */
async function settle(): Promise<void> {
  gc?.();
  await new Promise((r) => setTimeout(r, 10));
  gc?.();
  await new Promise((r) => setTimeout(r, 10));
}

/** Resident size after `steps[0]` and after `steps[1]` W2 steps of one contender. */
async function measureMemory(c: Contender, sizes: Sizes, peer: TfjsPeer | null): Promise<MemoryResult> {
  const steps = sizes.memorySteps;
  const res: MemoryResult = {
    contender: c.id,
    steps,
    rssMB: [NaN, NaN],
    heapMB: [NaN, NaN],
    arrayBuffersMB: [NaN, NaN],
    growthMB: NaN,
  };
  let runner: Runner | null = null;
  try {
    await c.activate();
    const d = mlpData(sizes.batch);
    runner = await c.build({ ktape: (dev) => ktapeMlp(d, dev), tfjs: () => peer!.tfjsMlp(d) });
    if (runner === null) throw new Error('no W2 side');
    // The resident size moves by several MB between settled readings of an
    // unchanged heap (the C allocator keeps or returns freed array buffers as
    // it sees fit): each figure is the median of SAMPLES readings, one step
    // apart, ending at the step count it is reported for.
    const SAMPLES = 5;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const reading = async (i: 0 | 1, from: number) => {
      const rss: number[] = [],
        heap: number[] = [],
        buffers: number[] = [];
      for (let k = 0; k < SAMPLES; k++) {
        if (k > 0) await (runner!.step() as Promise<void> | void);
        await settle();
        const m = process.memoryUsage();
        rss.push(m.rss / 2 ** 20);
        heap.push(m.heapUsed / 2 ** 20);
        buffers.push(m.arrayBuffers / 2 ** 20);
      }
      res.rssMB[i] = median(rss);
      res.heapMB[i] = median(heap);
      res.arrayBuffersMB[i] = median(buffers);
      if (c.lib === 'tfjs' && peer !== null) (res.tensors ??= [0, 0])[i] = peer.tfjsMemory().tensors;
      return from + SAMPLES - 1;
    };
    let done = 0;
    for (; done < steps[0] - (SAMPLES - 1); done++) await (runner.step() as Promise<void> | void);
    done = await reading(0, done);
    for (; done < steps[1] - (SAMPLES - 1); done++) await (runner.step() as Promise<void> | void);
    await reading(1, done);
    res.growthMB = res.rssMB[1] - res.rssMB[0];
    const bad = runner.verify?.() ?? null;
    if (bad !== null) res.error = bad;
  } catch (e) {
    res.error = message(e);
  } finally {
    runner?.dispose?.();
  }
  return res;
}

/**
 * measureMemory in a fresh process of its own (this script, --memory-child),
 * so that no other contender's heap or leftovers count, with glibc's mmap
 * threshold fixed at 4 KiB. By default glibc raises that threshold as blocks
 * are freed and serves later ones from heaps that fragment and are trimmed
 * as it sees fit: the resident size of an unchanged JS heap then moved by up
 * to 29 MB between readings, and with a 64 KiB threshold it still crept up
 * 5 to 10 MB over W2's first 300 steps as the small blocks fragmented (and
 * levelled off near step 900 of 3000). With 4 KiB every buffer of a page or
 * more is its own mapping, returned to the system when freed, so the
 * resident size follows what is alive (three runs: +0.5, +1.7, +1.0 MB).
 */
function memoryInChild(id: ContenderId, quick: boolean): MemoryResult {
  const args = [...process.execArgv, process.argv[1]!, '--memory-child', id, id, ...(quick ? ['--quick'] : [])];
  const r = spawnSync(process.execPath, args, {
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '4096' },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as MemoryResult;
  } catch {
    const why = `measuring process failed (status ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / ')}`;
    return {
      contender: id,
      steps: (quick ? QUICK : FULL).memorySteps,
      rssMB: [NaN, NaN],
      heapMB: [NaN, NaN],
      arrayBuffersMB: [NaN, NaN],
      growthMB: NaN,
      error: why,
    };
  }
}

/** Largest |a - ref| over the largest |ref|, per output; NaN where they cannot be compared. */
function relDiff(ref: Outputs, got: Outputs): { worst: number; notes: string[] } {
  let worst = 0;
  const notes: string[] = [];
  for (const [key, r] of Object.entries(ref)) {
    const g = got[key];
    if (g === undefined || g.length !== r.length) {
      notes.push(`output ${key}: length ${g?.length ?? 'missing'} vs ${r.length}`);
      worst = NaN;
      continue;
    }
    let scale = 0,
      diff = 0;
    for (let i = 0; i < r.length; i++) {
      scale = Math.max(scale, Math.abs(r[i]!));
      diff = Math.max(diff, Math.abs(g[i]! - r[i]!));
      if (!Number.isFinite(g[i]!) || !Number.isFinite(r[i]!)) diff = NaN;
    }
    const rel = scale > 0 ? diff / scale : diff;
    worst = Number.isNaN(rel) || Number.isNaN(worst) ? NaN : Math.max(worst, rel);
  }
  return { worst, notes };
}

async function runCase(
  c: Case,
  contenders: Contender[],
  timing: RoundOptions,
  limits: Meta['limits']
): Promise<CaseResult> {
  const rtol = c.rtol ?? 1e-4;
  const res: CaseResult = {
    workload: c.workload,
    title: c.title,
    measure: c.measure,
    perOp: c.perOp ?? false,
    measurements: {},
    ok: true,
    maxRelDiff: {},
    reference: null,
    rtol,
    notes: [],
  };
  if (c.flops !== undefined) res.flops = c.flops;
  if (c.bytes !== undefined) res.bytes = c.bytes;
  const limit = limits === undefined ? undefined : limitMs(limits, c);
  if (limit !== undefined) res.limitMs = limit;
  const sides = c.setup();
  const built: { c: Contender; r: Runner }[] = [];
  for (const k of contenders) {
    try {
      await k.activate();
      const r = await k.build(sides);
      if (r !== null) built.push({ c: k, r });
    } catch (e) {
      res.measurements[k.id] = { medianMs: NaN, runs: 0, error: message(e) };
    }
  }
  const times = await roundRobin(
    built.map(({ c: k, r }) => ({ activate: () => k.activate(), step: () => r.step() })),
    timing
  );
  built.forEach(({ c: k, r }, i) => {
    const t = times[i]!;
    const m: Measurement = { medianMs: t.medianMs, runs: t.runs };
    if (t.error !== undefined) m.error = t.error;
    if (r.ops !== undefined) m.usPerOp = (t.medianMs * 1000) / r.ops;
    if (c.flops !== undefined) m.gflops = c.flops / t.medianMs / 1e6;
    res.measurements[k.id] = m;
  });
  // Once per case: every contender's outputs against the first's, on the same inputs.
  let ref: Outputs | null = null;
  for (const { c: k, r } of built) {
    const m = res.measurements[k.id]!;
    if (m.error !== undefined) {
      res.ok = false;
      res.notes.push(`${LABELS[k.id]} failed: ${m.error}`);
      continue;
    }
    try {
      await k.activate();
      const bad = r.verify?.() ?? null;
      if (bad !== null) {
        res.ok = false;
        res.notes.push(`${LABELS[k.id]}: ${bad}`);
      }
      const out = await r.outputs();
      if (ref === null) {
        ref = out;
        res.reference = k.id;
        res.maxRelDiff[k.id] = relDiff(out, out).worst;
        continue;
      }
      const { worst, notes } = relDiff(ref, out);
      res.maxRelDiff[k.id] = worst;
      res.notes.push(...notes);
      if (!(worst <= rtol)) {
        res.ok = false;
        res.notes.push(
          `${LABELS[k.id]} differs from ${LABELS[res.reference!]} by ${worst.toExponential(1)} of the largest magnitude (tolerance ${rtol})`
        );
      }
    } catch (e) {
      res.ok = false;
      res.notes.push(`${LABELS[k.id]} check failed: ${message(e)}`);
    }
  }
  for (const { r } of built) r.dispose?.();
  return res;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** An installed package's version (its package.json). */
function peerVersion(name: string): string {
  try {
    const file = path.join(HERE, '..', 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const opts = parseOptions(process.argv.slice(2));
  if (opts.render) {
    const report = JSON.parse(readFileSync(path.join(HERE, 'last-run.json'), 'utf8')) as RunReport;
    writeFileSync(path.join(HERE, 'last-run.md'), markdown(report));
    console.log('wrote bench/last-run.md from bench/last-run.json');
    return;
  }
  const sizes = opts.quick ? QUICK : FULL;
  const notes: string[] = [];
  const threads = threadSetter();
  let ids: ContenderId[] = [...ALL];
  if (opts.contenders !== null) ids = ids.filter((id) => opts.contenders!.has(id));
  if (opts.noGpu) ids = ids.filter((id) => id !== 'gpu');
  if (opts.noTfjs) ids = ids.filter((id) => !id.startsWith('tfjs'));
  if (opts.noPeers) ids = ids.filter((id) => !id.startsWith('jaxjs') && id !== 'ort');
  if (ids.includes('cpu-mt') && (threads === null || cores() < 2)) {
    ids = ids.filter((id) => id !== 'cpu-mt');
    notes.push(
      threads === null
        ? 'ktape on all cores: n/a (ktape has no K.set_num_threads yet)'
        : 'ktape on all cores: n/a (one core)'
    );
  }
  let gpuMode: string | undefined;
  if (ids.includes('gpu')) {
    K.set_device('gpu');
    gpuMode = K.gpu_mode();
    K.set_device('cpu');
    if (!['headlessgl', 'webgl', 'webgl2'].includes(gpuMode) && !opts.gpuNamed) {
      ids = ids.filter((id) => id !== 'gpu');
      notes.push(
        `ktape gpu left out: gpu.js found no GL display (mode ${gpuMode}); run under \`xvfb-run -a\`, or name gpu to run it anyway`
      );
      gpuMode = undefined;
    }
  }
  let peer: TfjsPeer | null = null;
  let tfjsInfo: Meta['tfjs'];
  const backends = (['cpu', 'wasm'] as const).filter((b) => ids.includes(`tfjs-${b}`));
  if (backends.length > 0) {
    peer = await import('./peers/tfjs.js');
    tfjsInfo = { ...(await peer.initTfjs([...backends])), gradients: opts.tfjsStock ? 'stock' : 'tuned' };
    peer.useStockGradients(opts.tfjsStock);
    if (backends.includes('wasm')) {
      notes.push(
        opts.tfjsStock
          ? "tfjs-wasm runs tfjs's own gradients (--tfjs-stock), except W3's kernel gradient, which it has no kernel for (a conv2d of transposed tensors)"
          : 'tfjs-wasm (W2-W4) takes gradients written with tf.customGrad on its fast kernels: matmul gradients as untransposed products of ' +
              'explicit transposes, conv2d gradients as conv2ds (its transposed BatchMatMul and Conv2DBackpropInput are ~12x slower, and it has ' +
              'no Conv2DBackpropFilter); `--tfjs-stock` measures its own'
      );
    }
  }
  const peers: Peers = { tfjs: peer, jax: null, ort: null };
  const versions: Record<string, string> = {};
  if (ids.some((id) => id.startsWith('jaxjs'))) {
    peers.jax = await import('./peers/jaxjs.js');
    await peers.jax.initJaxjs();
    versions['jax-js'] = peerVersion('@jax-js/jax');
    notes.push(
      'jax-js runs on its Wasm backend, on one thread (Node has no Web Worker for its pool); under jit each workload is compiled by an untimed first call, ' +
        'the training step (loss, gradient, update) is one jitted function; its lazy arrays are read back whole at the end of a step'
    );
  }
  if (ids.includes('ort')) {
    peers.ort = await import('./peers/ort.js');
    versions.onnxruntime = peers.ort.ortVersion();
    notes.push(
      "onnxruntime-node (its package's CPU binaries) runs the inference rows only (W1, W2f, W3f), one intra-op and one inter-op thread, every graph optimisation on"
    );
  }
  const contenders: Contender[] = ids.map((id) =>
    id.startsWith('tfjs')
      ? tfjsContender(id as 'tfjs-cpu' | 'tfjs-wasm', peer!)
      : id.startsWith('jaxjs')
        ? jaxContender(id as 'jaxjs' | 'jaxjs-jit')
        : id === 'ort'
          ? ortContender()
          : ktapeContender(id as 'cpu' | 'cpu-mt' | 'gpu')
  );
  if (opts.memoryChild !== null) {
    const c = contenders.find((x) => x.id === opts.memoryChild);
    if (c === undefined) throw new UsageError(`--memory-child ${opts.memoryChild}: that contender cannot run here`);
    process.stdout.write(`${JSON.stringify(await measureMemory(c, sizes, peer))}\n`);
    return;
  }
  if (gc === undefined) notes.push('node ran without --expose-gc: resident sizes are read without a forced collection');

  const meta: Meta = {
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    node: process.version,
    cpu: os.cpus()[0]?.model.trim() ?? 'cpu',
    cores: cores(),
    quick: opts.quick,
    gc: gc !== undefined,
    contenders: ids,
    peers: versions,
    limits: measureLimits(),
    ktapeThreads: threads === null ? '1 (no K.set_num_threads)' : `1, and ${cores()} for ktape cpu, all cores`,
    notes,
  };
  if (gpuMode !== undefined) meta.gpuMode = gpuMode;
  if (tfjsInfo !== undefined) meta.tfjs = tfjsInfo;
  log(headerLines({ meta, cases: [], memory: [], targets: [] }).join('\n'));

  const memory: MemoryResult[] = [];
  if (opts.memory) {
    for (const c of contenders.filter((x) => ['cpu', 'tfjs-cpu', 'tfjs-wasm'].includes(x.id))) {
      const m = memoryInChild(c.id, opts.quick);
      memory.push(m);
      log(`memory ${c.label}: ${m.error ?? `${m.rssMB.map((x) => x.toFixed(1)).join(' -> ')} MB`}`);
    }
  }

  const minRuns = opts.minRuns ?? (opts.quick ? 3 : 7);
  const timing: RoundOptions = opts.quick
    ? { warmup: 1, minRuns, maxRuns: Math.max(minRuns, 5), budgetMs: 300 }
    : { warmup: 1, minRuns, maxRuns: Math.max(minRuns, 21), budgetMs: 3000 };
  // (Forcing a collection before every step instead would free what the
  // allocator keeps for reuse: measured on W3, ktape on both cores 11.0 ms a
  // step in a loop, 13.5 ms straight after a forced collection.)
  timing.leadInBelowMs = 200;
  timing.afterSlowStep = settle;
  const results: CaseResult[] = [];
  for (const c of cases(sizes, peers)) {
    if (opts.workloads !== null && !opts.workloads.has(c.workload)) continue;
    const r = await runCase(c, contenders, timing, meta.limits);
    results.push(r);
    log(
      `${r.workload} ${r.title}, ${r.measure}: ${ids
        .map((id) => {
          const m = r.measurements[id];
          if (m === undefined) return `${id} -`;
          return `${id} ${m.error !== undefined ? 'failed' : r.perOp ? `${m.usPerOp!.toFixed(2)} us/op` : `${m.medianMs.toFixed(2)} ms`}`;
        })
        .join(', ')} ${r.ok ? '✓' : `✗ ${r.notes.join('; ')}`}`
    );
  }
  if (ids.includes('gpu')) meta.gpuRenderer = K.gpu_renderer();
  K.set_device('cpu');
  meta.seconds = Math.round((performance.now() - t0) / 1000);

  const report: RunReport = {
    meta,
    cases: results,
    memory,
    targets: targets(results, memory, sizes, ids.includes('cpu-mt')),
    targets17: targets17(results, meta.limits, opts.quick),
    targets19: targets19(results, opts.quick),
  };
  console.log(`\nktape bench: ${headerLines(report).join('\n')}\n`);
  console.log(resultsTable(results, ids));
  if (memory.length > 0) console.log(`\n${memoryTable(memory)}`);
  console.log(`\n${targetsTable(report.targets)}`);
  console.log(`\n${targetsTable(report.targets17!, 'ktape cpu, one thread')}`);
  console.log(`\n${targetsTable(report.targets19!, 'ktape cpu, one thread: ratios of times')}`);
  const allNotes = [...notes, ...results.flatMap((c) => c.notes.map((n) => `${c.workload} ${c.measure}: ${n}`))];
  if (allNotes.length > 0) console.log(`\n${allNotes.map((n) => `- ${n}`).join('\n')}`);
  console.log(`\n${meta.seconds} s`);

  const write = opts.write ?? (!opts.quick && opts.workloads === null && opts.memory && opts.contenders === null);
  if (write) {
    writeFileSync(path.join(HERE, 'last-run.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(HERE, 'last-run.md'), markdown(report));
    console.log('wrote bench/last-run.json and bench/last-run.md');
  }
  if (results.some((r) => !r.ok) || memory.some((m) => m.error !== undefined)) process.exitCode = 1;
}

try {
  await main();
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(e.message);
  process.exitCode = 2;
}
