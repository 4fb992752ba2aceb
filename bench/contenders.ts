// The contenders: ktape's devices and TensorFlow.js's backends.
import os from 'node:os';
import * as K from '../src/index.js';
import type { TfjsPeer } from './cases.js';
import type { CaseSides, ContenderId, Runner } from './types.js';

export interface Contender {
  id: ContenderId;
  label: string;
  lib: 'ktape' | 'tfjs';
  activate(): Promise<void>;
  build(sides: CaseSides): Runner;
}

export const LABELS: Record<ContenderId, string> = {
  cpu: 'ktape cpu',
  'cpu-mt': 'ktape cpu, all cores',
  gpu: 'ktape gpu',
  'tfjs-cpu': 'tfjs-cpu',
  'tfjs-wasm': 'tfjs-wasm',
};

type ThreadSetter = (n: number) => unknown;

/**
 * ktape's thread-count setter, where the cpu kernels have one
 * (K.set_num_threads(n)); null until then, and the all-cores figures are n/a.
 */
export function threadSetter(): ThreadSetter | null {
  const f = (K as unknown as Record<string, unknown>).set_num_threads;
  return typeof f === 'function' ? (n: number) => (f as ThreadSetter)(n) : null;
}

export function cores(): number {
  return os.availableParallelism?.() ?? os.cpus().length;
}

export function ktapeContender(id: 'cpu' | 'cpu-mt' | 'gpu'): Contender {
  const threads = threadSetter();
  const device = id === 'gpu' ? 'gpu' : 'cpu';
  return {
    id,
    label: LABELS[id],
    lib: 'ktape',
    async activate() {
      K.set_device(device);
      // A setter that starts workers may return a promise.
      if (device === 'cpu' && threads !== null) await threads(id === 'cpu-mt' ? cores() : 1);
    },
    build: (sides) => sides.ktape(device),
  };
}

export function tfjsContender(id: 'tfjs-cpu' | 'tfjs-wasm', peer: TfjsPeer): Contender {
  const backend = id === 'tfjs-cpu' ? 'cpu' : 'wasm';
  return {
    id,
    label: LABELS[id],
    lib: 'tfjs',
    activate: () => peer.activateTfjs(backend),
    build: (sides) => sides.tfjs(),
  };
}
