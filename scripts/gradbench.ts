// npm run gradbench -- --checkout DIR [--small | --mid] [--record] [--pytorch] [eval ...]
//
// Runs gradbench's own eval programs (Python, unchanged, from a checkout of
// github.com/gradbench/gradbench) against ktape's tool (gradbench/tool.ts):
// this script stands where gradbench's Rust runner stands, passing each
// message the eval prints to the tool and each answer back, and collecting
// the eval's analysis of every answer (valid or not, against its C++
// reference `manual`). Prerequisites (Debian): python3-numpy,
// python3-pydantic, python3-scipy, python3-dataclasses-json, g++, make,
// nlohmann-json3-dev; gradbench/py/sitecustomize.py lets Debian's pydantic 1
// answer the pydantic 2 calls the evals make.
//   --small    the evals' smallest sizes (a quick run)
//   --mid      the lower part of the default sizes where the full sweep takes hours here
//   --pytorch  also time gradbench's PyTorch tool on the same messages (Debian's python3-torch)
//   --record   also write gradbench/fixtures/<eval>.json: the inputs and
//              manual's outputs, which `npm test` replays against the tool
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { EVALS } from '../gradbench/protocol.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Each eval's arguments for --small: its smallest sizes, one run each. */
const SMALL: Record<string, string[]> = {
  hello: [],
  llsq: ['-n', '16', '64', '256', '-m', '8', '--min-seconds', '0'],
  lse: ['-n', '100', '1000', '--min-seconds', '0'],
  kmeans: ['-k', '5', '20', '-n', '200', '-d', '4', '--min-seconds', '0'],
  det: ['-l', '4', '5', '6', '7', '--min-seconds', '0'],
  gmm: ['-d', '2', '5', '-k', '3', '5', '-n', '50', '--min-seconds', '0'],
  lstm: ['-l', '2', '-c', '64', '--min-seconds', '0'],
  ba: ['--min', '1', '--max', '1', '--min-seconds', '0'],
  ode: ['-n', '10', '100', '-s', '1', '10', '--min-seconds', '0'],
  saddle: ['--min-seconds', '0'],
  particle: ['--min-seconds', '0'],
  ht: ['--min', '1', '--max', '1', '--model', 'small', '--min-seconds', '0'],
};

/**
 * Default runs: the eval's own defaults, except ht's --max 12, one past the
 * last hand file its data has (hand11), where run.py would stop on a missing file.
 */
const DEFAULT: Record<string, string[]> = {
  ht: ['--max', '11'],
};

/**
 * --mid: the evals whose full default sweep runs for hours here (gmm up to
 * d = 64, k = 100; lstm to 8192 characters; ba to 1.25 million
 * observations; ht's Jacobian with gradbench's PyTorch tool, one backward pass
 * a row, minutes beyond hand5) at the lower part of their default sizes; the
 * others at their defaults.
 */
const MID: Record<string, string[]> = {
  kmeans: ['-k', '10', '100', '-n', '1000', '10000', '-d', '8'],
  gmm: ['-d', '2', '10', '20', '-k', '5', '10', '25'],
  lstm: ['-l', '2', '4', '-c', '1024'],
  ba: ['--min', '1', '--max', '3'],
  ht: ['--min', '1', '--max', '5'],
};

/** The evals gradbench's PyTorch tool has a module for (python/gradbench/gradbench/tools/pytorch). */
const PYTORCH = new Set(['hello', 'kmeans', 'lse', 'gmm', 'lstm', 'ba', 'ht']);

/** A second tool (gradbench's PyTorch one) answering the same messages, for its timings. */
interface Peer {
  send(line: string): Promise<{ success?: boolean; timings?: { nanoseconds: number }[] }>;
  close(): void;
}

function pytorchPeer(checkout: string, env: NodeJS.ProcessEnv): Peer {
  // Its modules are named by eval ('lse'), found on the path from its own folder.
  const own = path.join(checkout, 'python/gradbench/gradbench/tools/pytorch');
  const proc = spawn('/usr/bin/python3', ['-m', 'gradbench.tools.pytorch.run'], {
    cwd: checkout,
    env: { ...env, PYTHONPATH: [env.PYTHONPATH, own].filter(Boolean).join(':') },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  return {
    async send(line) {
      proc.stdin.write(`${line}\n`);
      const next = await lines.next();
      if (next.done) throw new Error('the PyTorch tool stopped');
      return JSON.parse(next.value) as { success?: boolean; timings?: { nanoseconds: number }[] };
    },
    close: () => proc.stdin.end(),
  };
}

interface Row {
  eval: string;
  function: string;
  description: string;
  valid: boolean | null;
  error?: string;
  ms: number | null;
  /** manual's median on the same input (null for evals without timings). */
  manualMs: number | null;
  /** The PyTorch tool's median on the same input (--pytorch; null where it has no module or failed). */
  pytorchMs: number | null;
}

interface Recorded {
  function: string;
  input: unknown;
  expected: unknown;
}

function usage(): never {
  console.error('usage: npm run gradbench -- --checkout DIR [--small | --mid] [--record] [--pytorch] [eval ...]');
  process.exit(2);
}

/** Debian's nlohmann-json3-dev: the header gradbench's cpp/Makefile would download. */
const JSON_HPP = '/usr/include/nlohmann/json.hpp';

function buildManual(checkout: string, evalName: string): void {
  if (existsSync(path.join(checkout, 'tools/manual/bin', evalName))) return;
  const header = path.join(checkout, 'cpp/json.hpp');
  if (!existsSync(header) && existsSync(JSON_HPP)) copyFileSync(JSON_HPP, header);
  for (const args of [
    ['-C', 'cpp'],
    ['-C', 'tools/manual', `bin/${evalName}`, 'NATIVE=no', 'MULTITHREADED=no'],
  ]) {
    const r = spawnSync('make', args, { cwd: checkout, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`make ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  }
}

/**
 * Manual's output for one evaluation (what the eval's validator compares
 * with) and the median of its own timings: min_runs as the eval asked, for
 * at most 20 ms in all.
 */
function manual(
  checkout: string,
  evalName: string,
  fn: string,
  input: unknown
): { output: unknown; ms: number | null } {
  const file = path.join(checkout, `.ktape-input-${process.pid}.json`);
  // manual prints a line per run: a fast function run for the eval's whole min_seconds prints millions.
  const timed = typeof input === 'object' && input !== null;
  writeFileSync(
    file,
    JSON.stringify(
      timed ? { ...input, min_seconds: Math.min(0.02, (input as { min_seconds?: number }).min_seconds ?? 0) } : input
    )
  );
  const r = spawnSync(path.join(checkout, 'tools/manual/bin', evalName), [file, fn], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  rmSync(file, { force: true });
  if (r.status !== 0) throw new Error(`manual ${evalName} ${fn} failed: ${r.stderr}`);
  const [first, ...rest] = r.stdout.trim().split('\n');
  const ts = rest.map((l) => (JSON.parse(l) as { nanoseconds: number }).nanoseconds / 1e6).sort((a, b) => a - b);
  return { output: JSON.parse(first!), ms: ts.length > 0 ? ts[Math.floor(ts.length / 2)]! : null };
}

/**
 * The lstm eval reads its text from evals/lstm/data/lstm_full.txt, a file a
 * snapshot of the repository may lack (stored out of line). Then Debian's
 * GPL-3 text (base-files) stands in: the eval, ktape and manual all read the
 * same characters, so validity is unaffected; the figures are for that text.
 */
function lstmText(checkout: string): void {
  const file = path.join(checkout, 'evals/lstm/data/lstm_full.txt');
  if (existsSync(file)) return;
  const standIn = '/usr/share/common-licenses/GPL-3';
  mkdirSync(path.dirname(file), { recursive: true });
  copyFileSync(standIn, file);
  console.error(`gradbench: ${file} is missing from the checkout; ${standIn} stands in for it`);
}

/**
 * Evals gradbench has no `manual` for: their validator holds the expected
 * values itself. Nothing is built or timed for them; recording keeps the
 * tool's outputs that the eval judged valid.
 */
const NO_MANUAL = new Set(['saddle', 'particle']);

async function runEval(
  checkout: string,
  evalName: string,
  sizes: 'small' | 'mid' | 'default',
  record: boolean,
  withPytorch: boolean
): Promise<Row[]> {
  const hasManual = !NO_MANUAL.has(evalName);
  if (hasManual) buildManual(checkout, evalName);
  if (evalName === 'lstm') lstmText(checkout);
  const env = {
    ...process.env,
    PYTHONPATH: [path.join(checkout, 'python/gradbench'), path.join(ROOT, 'gradbench/py')].join(':'),
  };
  const script = path.join(checkout, 'python/gradbench/gradbench/evals', evalName, 'run.py');
  const args =
    sizes === 'small' ? (SMALL[evalName] ?? []) : sizes === 'mid' ? (MID[evalName] ?? []) : (DEFAULT[evalName] ?? []);
  const ev = spawn('/usr/bin/python3', [script, ...args], {
    cwd: checkout,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const tool = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'gradbench/tool.ts')], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const answers = createInterface({ input: tool.stdout })[Symbol.asyncIterator]();
  const peer = withPytorch && PYTORCH.has(evalName) ? pytorchPeer(checkout, env) : null;
  const rows = new Map<number, Row>();
  const recorded: Recorded[] = [];
  /** Without manual: each evaluation's input and output, recorded when the eval's analysis finds it valid. */
  const pending = new Map<number, Recorded>();
  for await (const line of createInterface({ input: ev.stdout })) {
    if (line.trim() === '') continue;
    const message = JSON.parse(line) as {
      id: number;
      kind: string;
      function?: string;
      input?: unknown;
      description?: string;
      of?: number;
      valid?: boolean;
      error?: string;
    };
    if (message.kind === 'analysis') {
      const row = rows.get(message.of!);
      if (row !== undefined) {
        row.valid = message.valid!;
        if (message.error !== undefined) row.error = message.error;
      }
      const mine = pending.get(message.of!);
      if (mine !== undefined && message.valid === true) recorded.push(mine);
      ev.stdin.write(`${JSON.stringify({ id: message.id })}\n`);
      continue;
    }
    tool.stdin.write(`${line}\n`);
    const peerAnswer = peer === null ? null : await peer.send(line);
    const next = await answers.next();
    if (next.done) throw new Error(`the tool stopped before answering message ${message.id}`);
    const answer = JSON.parse(next.value) as {
      success?: boolean;
      error?: string;
      output?: unknown;
      timings?: { nanoseconds: number }[];
    };
    if (message.kind === 'evaluate') {
      const ts = (answer.timings ?? []).map((t) => t.nanoseconds / 1e6).sort((a, b) => a - b);
      const timed = typeof message.input === 'object' && message.input !== null;
      const ref =
        hasManual && answer.success !== false && (timed || record)
          ? manual(checkout, evalName, message.function!, message.input)
          : null;
      rows.set(message.id, {
        eval: evalName,
        function: message.function!,
        description: message.description ?? '',
        valid: answer.success === false ? false : null,
        ...(answer.success === false ? { error: answer.error ?? 'failed' } : {}),
        ms: ts.length > 0 ? ts[Math.floor(ts.length / 2)]! : null,
        manualMs: timed ? (ref?.ms ?? null) : null,
        pytorchMs: (() => {
          const pts = (peerAnswer?.success === false ? [] : (peerAnswer?.timings ?? [])).map(
            (t) => t.nanoseconds / 1e6
          );
          pts.sort((a, b) => a - b);
          return timed && pts.length > 0 ? pts[Math.floor(pts.length / 2)]! : null;
        })(),
      });
      const small = timed ? { ...(message.input as object), min_runs: 1, min_seconds: 0 } : message.input;
      if (record && ref !== null) recorded.push({ function: message.function!, input: small, expected: ref.output });
      if (record && !hasManual && answer.success !== false)
        pending.set(message.id, { function: message.function!, input: small, expected: answer.output });
    }
    ev.stdin.write(`${next.value}\n`);
  }
  tool.stdin.end();
  peer?.close();
  if (record) {
    mkdirSync(path.join(ROOT, 'gradbench/fixtures'), { recursive: true });
    writeFileSync(path.join(ROOT, 'gradbench/fixtures', `${evalName}.json`), `${JSON.stringify(recorded)}\n`);
  }
  return [...rows.values()];
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let checkout: string | null = null;
  let sizes: 'small' | 'mid' | 'default' = 'default';
  let record = false;
  let withPytorch = false;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--checkout') checkout = argv[++i] ?? usage();
    else if (a === '--small') sizes = 'small';
    else if (a === '--mid') sizes = 'mid';
    else if (a === '--record') record = true;
    else if (a === '--pytorch') withPytorch = true;
    else if (a.startsWith('-')) usage();
    else names.push(a);
  }
  if (checkout === null) usage();
  const evals = names.length > 0 ? names : [...EVALS];
  const rows: Row[] = [];
  for (const e of evals) {
    if (!(EVALS as readonly string[]).includes(e)) throw new Error(`ktape's tool has no module for eval ${e}`);
    rows.push(...(await runEval(path.resolve(checkout), e, sizes, record, withPytorch)));
  }
  const torch = withPytorch ? ' PyTorch ms | ktape / PyTorch |' : '';
  console.log(`| eval | function | size | valid | ktape ms | manual ms | ktape / manual |${torch}`);
  console.log(
    `|------|----------|------|-------|----------|-----------|----------------|${withPytorch ? '---|---|' : ''}`
  );
  const fmt = (x: number | null) => (x === null ? '' : x.toFixed(3));
  const over = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? (a / b).toFixed(1) : '');
  for (const r of rows) {
    const peer = withPytorch ? ` ${fmt(r.pytorchMs)} | ${over(r.ms, r.pytorchMs)} |` : '';
    console.log(
      `| ${r.eval} | ${r.function} | ${r.description} | ${r.valid === true ? '✓' : '✗'} | ${fmt(r.ms)} | ${fmt(r.manualMs)} | ${over(r.ms, r.manualMs)} |${peer}`
    );
  }
  const bad = rows.filter((r) => r.valid !== true);
  for (const r of bad) console.log(`\n${r.eval} ${r.function} ${r.description}: ${r.error ?? 'no analysis'}`);
  console.log(`\n${rows.length - bad.length} valid, ${bad.length} not`);
  if (bad.length > 0) process.exitCode = 1;
}

await main();
