// What this machine can do at best, for the limit column: a native float32
// matrix product on one core (OpenBLAS through Debian's numpy, where numpy is
// linked to it: `apt-get install libopenblas0-pthread`), else the CPU's
// fused multiply-add peak from its clock and flags; and the bandwidth of a
// large copy on one thread.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Limits } from './types.js';

// Best of ten 1024^3 float32 products on one OpenBLAS thread; prints nothing
// when numpy is not linked to OpenBLAS (the reference BLAS is no limit).
const SGEMM = `
import time
import numpy as np
maps = open('/proc/self/maps').read()
if 'openblas' in maps:
    n = 1024
    rng = np.random.default_rng(0)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    a @ b
    best = 1e9
    for _ in range(10):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    print(2 * n ** 3 / best / 1e9)
`;

function nativeSgemm(): number | null {
  const r = spawnSync('/usr/bin/python3', ['-c', SGEMM], {
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const v = Number.parseFloat(r.stdout ?? '');
  return r.status === 0 && Number.isFinite(v) && v > 0 ? v : null;
}

/** Clock (GHz) times float32 flops a cycle: two FMA pipes of 8 lanes (AVX2) at 2 flops each, 4 lanes with SSE only. */
function fmaPeak(): { gflops: number; from: string } {
  let flags = '';
  try {
    flags = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {}
  const ghz = Math.max(...os.cpus().map((c) => c.speed)) / 1000;
  const perCycle = /\bfma\b/.test(flags) && /\bavx2\b/.test(flags) ? 32 : 8;
  return {
    gflops: ghz * perCycle,
    from: `FMA peak: ${ghz.toFixed(2)} GHz x ${perCycle} float32 flops a cycle (no OpenBLAS-linked numpy found)`,
  };
}

/** GB/s of a 256 MB float32 copy (bytes read plus bytes written), best of five. */
function copyBandwidth(): number {
  const n = 1 << 26;
  const src = new Float32Array(n).fill(1);
  const dst = new Float32Array(n);
  dst.set(src);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    dst.set(src);
    best = Math.min(best, performance.now() - t);
  }
  return (2 * 4 * n) / (best / 1000) / 1e9;
}

export function measureLimits(): Limits {
  const native = nativeSgemm();
  const peak = native === null ? fmaPeak() : null;
  return {
    gflops: native ?? peak!.gflops,
    gflopsFrom: native !== null ? 'OpenBLAS sgemm, one thread, n = 1024 (numpy)' : peak!.from,
    copyGBs: copyBandwidth(),
  };
}

/** The least time (ms) for `flops` at the sgemm rate, or `bytes` at copy bandwidth. */
export function limitMs(l: Limits, c: { flops?: number; bytes?: number }): number | undefined {
  if (c.bytes !== undefined) return c.bytes / (l.copyGBs * 1e6);
  if (c.flops !== undefined) return c.flops / (l.gflops * 1e6);
  return undefined;
}
