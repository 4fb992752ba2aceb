// The worker pool behind the wasm gemm, and K.set_num_threads /
// K.get_num_threads: the same bits for every thread count, workers started
// lazily that never keep the process alive, the KTAPE_THREADS default.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { gemmWasm, THREAD_MIN_FLOPS, type Matrix32 } from '../../src/cpu/wasm/gemm.js';
import { workerCount } from '../../src/cpu/wasm/threads.js';
import { wasmGemm } from '../../src/cpu/wasm/module.js';
import { expectError, fixtureTensor } from '../helpers.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const initial = K.get_num_threads();
afterEach(() => K.set_num_threads(initial));

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

function matrix(batch: number, rows: number, cols: number, transposed: boolean, rand: () => number): Matrix32 {
  const data = new Float32Array(batch * rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rand();
  return transposed
    ? { data, offset: 0, rs: 1, cs: rows, bs: rows * cols }
    : { data, offset: 0, rs: cols, cs: 1, bs: rows * cols };
}

/** C computed with `threads` threads. */
function product(
  threads: number,
  batch: number,
  m: number,
  k: number,
  n: number,
  xt: boolean,
  yt: boolean
): Float32Array {
  const rand = rng(m * 31 + k * 17 + n);
  const x = matrix(batch, m, k, xt, rand),
    y = matrix(batch, k, n, yt, rand);
  const c = new Float32Array(batch * m * n);
  expect(gemmWasm(x, y, c, 0, batch, m, k, n, threads)).toBe(true);
  return c;
}

/** Run a script (ESM TypeScript, through tsx) in a fresh node; returns its stdout. */
const scratch = mkdtempSync(join(os.tmpdir(), 'ktape-threads-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
function runScript(name: string, code: string, env: Record<string, string | undefined> = {}): string {
  const file = join(scratch, `${name}.mts`);
  writeFileSync(file, code.replaceAll('SRC/', SRC));
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  return execFileSync(process.execPath, ['--import', 'tsx', file], {
    encoding: 'utf8',
    env: childEnv,
    timeout: 60_000,
  });
}

describe('set_num_threads', () => {
  it('doctest: sets the count get_num_threads reports', () => {
    K.set_num_threads(1);
    expect(K.get_num_threads()).toBe(1);
    K.set_num_threads(2);
    expect(K.get_num_threads()).toBe(2);
    const r = K.eval(K.dot(K.ones([512, 512]), K.ones([512, 512])));
    expect(r.get(0, 0)).toBe(512);
    expect(r.get(511, 511)).toBe(512);
  });

  it('bad counts raise, naming the function and argument, and change nothing', () => {
    K.set_num_threads(3);
    for (const bad of [0, -1, 1.5, 65, NaN, Infinity]) {
      expectError(() => K.set_num_threads(bad), K.ValueError, 'set_num_threads', 'n must be a whole number');
    }
    expectError(
      () => K.set_num_threads('2' as unknown as number),
      K.TypeError,
      'set_num_threads',
      'n must be a number'
    );
    expect(K.get_num_threads()).toBe(3);
  });

  it('every thread count gives the same bits (K.dot, K.batch_dot)', () => {
    const rand = rng(5);
    const x = fixtureTensor(Array.from({ length: 300 * 200 }, rand), [300, 200], 'float32');
    const y = fixtureTensor(Array.from({ length: 200 * 260 }, rand), [200, 260], 'float32');
    const b = fixtureTensor(Array.from({ length: 6 * 40 * 50 }, rand), [6, 40, 50], 'float32');
    const runs = [1, 2, 3].map((t) => {
      K.set_num_threads(t);
      const d = K.eval(K.dot(K.transpose(x), K.transpose(K.transpose(x)))).data;
      const e = K.eval(K.dot(x, y)).data;
      const f = K.eval(K.batch_dot(b, b, [2, 2])).data;
      return [d, e, f];
    });
    for (const r of runs.slice(1)) r.forEach((a, i) => expect(a).toEqual(runs[0]![i]));
  });
});

describe('get_num_threads', () => {
  it('defaults to KTAPE_THREADS, else the cores up to 4', () => {
    const code = `import * as K from 'SRC/index.ts';\nconsole.log(K.get_num_threads());\n`;
    expect(runScript('env3', code, { KTAPE_THREADS: '3' }).trim()).toBe('3');
    const cores = Math.max(1, Math.min(os.availableParallelism(), 4));
    expect(runScript('envunset', code, { KTAPE_THREADS: undefined }).trim()).toBe(String(cores));
    expect(runScript('envbad', code, { KTAPE_THREADS: 'lots' }).trim()).toBe(String(cores));
  });
});

describe('gemm thread pool', () => {
  it('splits by columns or rows with identical results for 1 to 4 threads', () => {
    const shapes: [number, number, number, number, boolean, boolean][] = [
      [1, 300, 300, 300, false, false], // columns
      [1, 257, 100, 513, true, false], // columns, edge tiles
      [1, 2000, 144, 32, false, false], // rows (an im2col product)
      [1, 1001, 370, 9, false, true], // rows, edge tiles
      [4, 90, 100, 70, true, true], // batched
    ];
    K.set_num_threads(4);
    for (const [batch, m, k, n, xt, yt] of shapes) {
      expect(2 * batch * m * n * k).toBeGreaterThanOrEqual(THREAD_MIN_FLOPS);
      const one = product(1, batch, m, k, n, xt, yt);
      for (const t of [2, 3, 4])
        expect(product(t, batch, m, k, n, xt, yt), `${t} threads, ${batch} x ${m}x${k}x${n}`).toEqual(one);
    }
    expect(workerCount()).toBe(3);
  });

  it('workers keep working after the shared memory grows under them', () => {
    K.set_num_threads(2);
    product(2, 1, 200, 100, 200, false, false);
    expect(workerCount()).toBeGreaterThanOrEqual(1);
    const before = wasmGemm()!.memory.buffer.byteLength;
    const one = product(1, 1, 1500, 64, 1400, false, true);
    expect(wasmGemm()!.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(product(2, 1, 1500, 64, 1400, false, true)).toEqual(one);
  });

  it('starts workers only on the first product big enough, and they never keep the process alive', () => {
    const code = [
      `import * as K from 'SRC/index.ts';`,
      `import { workerCount } from 'SRC/cpu/wasm/threads.ts';`,
      `K.set_num_threads(2);`,
      `const before = workerCount();`,
      `K.eval(K.dot(K.ones([8, 8]), K.ones([8, 8])));`,
      `const small = workerCount();`,
      `const r = K.eval(K.dot(K.ones([256, 256]), K.ones([256, 256])));`,
      `console.log(JSON.stringify([before, small, workerCount(), r.get(3, 4)]));`,
      // No explicit exit: the process must end by itself with the workers asleep.
    ].join('\n');
    const t0 = performance.now();
    const out = runScript('lazy', code);
    expect(JSON.parse(out.trim())).toEqual([0, 0, 1, 256]);
    expect(performance.now() - t0).toBeLessThan(30_000);
  });

  it('without the SharedArrayBuffer global (a page without isolation) products run on one thread, never an error', () => {
    const code = [
      // Deleted before ktape loads, as a page lacks it; shared WebAssembly memory is still made.
      `delete globalThis.SharedArrayBuffer;`,
      `const K = await import('SRC/index.ts');`,
      `const { workerCount } = await import('SRC/cpu/wasm/threads.ts');`,
      `K.set_num_threads(2);`,
      `const r = K.eval(K.dot(K.ones([512, 512]), K.ones([512, 512])));`,
      `console.log(JSON.stringify([workerCount(), r.get(3, 4), await K.init_threads()]));`,
    ].join('\n');
    expect(JSON.parse(runScript('nosab', code).trim())).toEqual([0, 512, 1]);
  });
});

describe('init_threads', () => {
  it('starts the threads set_num_threads asked for and resolves with the count products use', async () => {
    K.set_num_threads(2);
    expect(await K.init_threads()).toBe(wasmGemm() === null ? 1 : 2);
    K.set_num_threads(1);
    expect(await K.init_threads()).toBe(1);
  });
});
