// The contenders: ktape's devices, TensorFlow.js's backends, jax-js (eager and jit) and ONNX Runtime.
import os from 'node:os';
import * as K from '../src/index.js';
import type { TfjsPeer } from './cases.js';
import type { CaseSides, ContenderId, Runner } from './types.js';

export interface Contender {
  id: ContenderId;
  label: string;
  lib: 'ktape' | 'tfjs' | 'jaxjs' | 'ort';
  activate(): Promise<void>;
  /** This contender's runner for the case, or null where it has no side (ONNX Runtime trains nothing). */
  build(sides: CaseSides): Runner | null | Promise<Runner | null>;
}

export const LABELS: Record<ContenderId, string> = {
  cpu: 'ktape cpu',
  'cpu-mt': 'ktape cpu, all cores',
  gpu: 'ktape gpu',
  'tfjs-cpu': 'tfjs-cpu',
  'tfjs-wasm': 'tfjs-wasm',
  jaxjs: 'jax-js',
  'jaxjs-jit': 'jax-js jit',
  ort: 'onnxruntime',
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
    build: (sides) => sides.tfjs?.() ?? null,
  };
}

export function jaxContender(id: 'jaxjs' | 'jaxjs-jit'): Contender {
  return {
    id,
    label: LABELS[id],
    lib: 'jaxjs',
    activate: async () => {},
    build: (sides) => sides.jax?.(id === 'jaxjs-jit') ?? null,
  };
}

export function ortContender(): Contender {
  return {
    id: 'ort',
    label: LABELS.ort,
    lib: 'ort',
    activate: async () => {},
    build: (sides) => sides.ort?.() ?? null,
  };
}
