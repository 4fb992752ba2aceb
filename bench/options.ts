// Command line of `npm run bench -- [options] [contenders...]`.
import type { ContenderId, WorkloadId } from './types.js';

export const USAGE = `npm run bench -- [options] [contender ...]
  contenders: cpu, cpu-mt, gpu, tfjs-cpu, tfjs-wasm, jaxjs, jaxjs-jit, ort,
              or the groups ktape, tfjs, jax, peers (default: all)
  --quick            smaller sizes and fewer runs (a smoke run)
  --only W1,W5       only these workloads (W1..W8, W2f, W3f; memory: 'mem')
  --devices a,b      the same as naming contenders
  --no-gpu           leave the gpu device out
  --no-tfjs          leave TensorFlow.js out
  --no-peers         leave jax-js and ONNX Runtime out
  --no-memory        skip the resident-size measurement
  --tfjs-stock       tfjs's own gradients on wasm, not the hand-written fast ones
  --runs N           timed rounds at least (default 7, quick 3)
  --write            write bench/last-run.{json,md} (default for a full, unfiltered run)
  --no-write         do not write them
  --render           only rewrite bench/last-run.md from bench/last-run.json
  --memory-child ID  (internal) measure one contender's resident size and print it as JSON`;

/** A bad command line: main prints the message alone. */
export class UsageError extends Error {}

export interface Options {
  quick: boolean;
  workloads: Set<WorkloadId> | null;
  memory: boolean;
  /** Named contenders (null: all), before --no-gpu / --no-tfjs. */
  contenders: Set<ContenderId> | null;
  /** Whether the gpu was asked for by name (then it runs even off a GL display). */
  gpuNamed: boolean;
  noGpu: boolean;
  noTfjs: boolean;
  noPeers: boolean;
  /** tfjs-wasm with tfjs's own gradient kernels (slow transposed matmuls, conv2dTranspose). */
  tfjsStock: boolean;
  minRuns: number | null;
  write: boolean | null;
  render: boolean;
  /** Run as the child process that measures this contender's resident size. */
  memoryChild: ContenderId | null;
}

export const ALL: ContenderId[] = ['cpu', 'cpu-mt', 'gpu', 'tfjs-cpu', 'tfjs-wasm', 'jaxjs', 'jaxjs-jit', 'ort'];
const GROUPS: Record<string, ContenderId[]> = {
  ktape: ['cpu', 'cpu-mt', 'gpu'],
  tfjs: ['tfjs-cpu', 'tfjs-wasm'],
  wasm: ['tfjs-wasm'],
  jax: ['jaxjs', 'jaxjs-jit'],
  peers: ['jaxjs', 'jaxjs-jit', 'ort'],
};

function contendersOf(word: string): ContenderId[] {
  const w = word.toLowerCase();
  if ((ALL as string[]).includes(w)) return [w as ContenderId];
  const g = GROUPS[w];
  if (g === undefined) throw new UsageError(`unknown contender '${word}'\n${USAGE}`);
  return g;
}

export function parseOptions(argv: string[]): Options {
  const o: Options = {
    quick: false,
    workloads: null,
    memory: true,
    contenders: null,
    gpuNamed: false,
    noGpu: false,
    noTfjs: false,
    noPeers: false,
    tfjsStock: false,
    minRuns: null,
    write: null,
    render: false,
    memoryChild: null,
  };
  const named = (words: string[]) => {
    o.contenders ??= new Set();
    for (const w of words) for (const c of contendersOf(w)) o.contenders.add(c);
    if (words.some((w) => w.toLowerCase() === 'gpu')) o.gpuNamed = true;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a === '--quick') o.quick = true;
    else if (a === '--no-gpu') o.noGpu = true;
    else if (a === '--no-tfjs') o.noTfjs = true;
    else if (a === '--no-peers') o.noPeers = true;
    else if (a === '--no-memory') o.memory = false;
    else if (a === '--tfjs-stock') o.tfjsStock = true;
    else if (a === '--write') o.write = true;
    else if (a === '--no-write') o.write = false;
    else if (a === '--render') o.render = true;
    else if (a === '--memory-child') {
      const id = value();
      if (!(ALL as string[]).includes(id)) throw new UsageError(`unknown contender '${id}'\n${USAGE}`);
      o.memoryChild = id as ContenderId;
    } else if (a === '--runs') {
      o.minRuns = Number(value());
      if (!Number.isInteger(o.minRuns) || o.minRuns < 1)
        throw new UsageError(`--runs takes a positive integer\n${USAGE}`);
    } else if (a === '--only') {
      const words = value()
        .split(',')
        .map((w) => w.trim().toUpperCase())
        .filter((w) => w !== '');
      o.workloads = new Set();
      o.memory = false;
      for (const w of words) {
        if (w === 'MEM' || w === 'MEMORY') o.memory = true;
        else if (/^W[1-8]$/.test(w)) o.workloads.add(w as WorkloadId);
        else if (w === 'W2F' || w === 'W3F') o.workloads.add(`${w.slice(0, 2)}f` as WorkloadId);
        else throw new UsageError(`unknown workload '${w}' (W1..W8, W2f, W3f or mem)\n${USAGE}`);
      }
    } else if (a === '--devices')
      named(
        value()
          .split(',')
          .map((w) => w.trim())
          .filter((w) => w !== '')
      );
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}\n${USAGE}`);
    else named([a]);
  }
  return o;
}
