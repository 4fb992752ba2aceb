// ktape in a real browser (Debian's Chromium, headless, driven by
// puppeteer-core; .ci/run installs it). The core test families run in a page
// on both devices, from the same test files as in Node (test/browser/build.ts
// bundles them with stand-ins for vitest, node:fs and process), on a page
// served with cross-origin isolation; a page script checks what differs from
// Node (threads with and without isolation, call sites, tf.print, the
// Graphviz renderer loaded on first use, the gpu device on WebGL2).
import { existsSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKtape, buildTests } from './build.js';
import { serve, type StaticServer } from '../../scripts/serve.js';
import type { CaseResult } from './vitest.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const underCI = Boolean(process.env.CI);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The test files the page runs: the core families (Node-only files are listed with why they stay out). */
export const BROWSER_FILES = [
  'test/core/config.test.ts',
  'test/core/context.test.ts',
  'test/core/convert.test.ts',
  'test/core/conv_kernels.test.ts',
  'test/prims/table.test.ts',
  'test/prims/batching.test.ts',
  'test/property/broadcast.test.ts',
  'test/property/reduce.test.ts',
  'test/property/shape.test.ts',
  ...[
    'cast',
    'control',
    'conv',
    'creation',
    'ctc',
    'device',
    'execution',
    'graph',
    'image',
    'indexing',
    'linalg',
    'local_conv',
    'losses',
    'math',
    'nn',
    'normalization',
    'phase',
    'pool',
    'print',
    'queries',
    'random',
    'reduce',
    'scan',
    'session',
    'shape',
    'sparse',
    'special_values',
    'symbolic',
    'variables',
  ].map((f) => `test/ops/${f}.test.ts`),
  ...['checker', 'custom', 'explain', 'gradcheck', 'gradients', 'transforms', 'vmap'].map(
    (f) => `test/grad/${f}.test.ts`
  ),
];
// Left out: test/grad/trace.test.ts (call sites as Node paths: the page script below checks sites in a page),
// test/core/wasm*.test.ts (Node worker_threads and child processes), test/gpu (headless-gl internals),
// test/fuzz, test/stress, test/layers, test/docs, test/package (child processes, the file system, gc).

let dir = '';
let browser: Browser | undefined;
const servers: StaticServer[] = [];
// The page runs: both devices with cross-origin isolation (threads on), and the cpu device
// without it (one thread; the gpu device does not depend on isolation).
type PageRun = 'cpu' | 'gpu' | 'cpu, not isolated';
const results: Record<PageRun, CaseResult[]> = { cpu: [], gpu: [], 'cpu, not isolated': [] };
let platformIsolated: Record<string, unknown> = {};
let platformPlain: Record<string, unknown> = {};

async function runPage(url: string, done: string, timeoutMs: number): Promise<unknown> {
  if (browser === undefined) throw new Error('no browser');
  const page = await browser.newPage();
  // An error thrown at the page's top level ends the wait at once.
  const failed = new Promise<never>((_, reject) =>
    page.on('pageerror', (e) => reject(new Error(`the page failed: ${String(e)}`)))
  );
  try {
    await page.goto(url);
    await Promise.race([
      page.waitForFunction(`globalThis.${done} === true`, { timeout: timeoutMs, polling: 1000 }),
      failed,
    ]);
    return await Promise.race([
      page.evaluate(done === '__done' ? 'globalThis.__results' : 'globalThis.__platform()'),
      failed,
    ]);
  } finally {
    await page.close();
  }
}

describe.skipIf(CHROMIUM === undefined && !underCI)('ktape in Chromium', () => {
  beforeAll(async () => {
    if (CHROMIUM === undefined) throw new Error("CI needs Debian's chromium (.ci/run installs it)");
    dir = mkdtempSync(path.join(os.tmpdir(), 'ktape-browser-'));
    await buildKtape(dir);
    await buildTests(dir, BROWSER_FILES);
    copyFileSync(path.join(ROOT, 'test/browser/platform.js'), path.join(dir, 'platform.js'));
    writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><meta charset="utf-8"><title>ktape tests</title><script type="module" src="tests.js"></script>'
    );
    writeFileSync(
      path.join(dir, 'platform.html'),
      '<!doctype html><meta charset="utf-8"><title>ktape platform</title><script type="module" src="platform.js"></script>'
    );
    writeFileSync(path.join(dir, 'favicon.ico'), '');
    const isolated = await serve(dir, true);
    const plain = await serve(dir, false);
    servers.push(isolated, plain);
    const puppeteer = (await import('puppeteer-core')).default;
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      protocolTimeout: 1_200_000,
      // WebGL on a machine without a GPU is software GL, which Chromium blocks unless told not to.
      args: ['--no-sandbox', '--ignore-gpu-blocklist', '--enable-unsafe-swiftshader'],
    });
    platformIsolated = (await runPage(`${isolated.url}/platform.html`, '__ready', 120_000)) as Record<string, unknown>;
    platformPlain = (await runPage(`${plain.url}/platform.html`, '__ready', 120_000)) as Record<string, unknown>;
    for (const device of ['cpu', 'gpu'] as const) {
      results[device] = (await runPage(
        `${isolated.url}/index.html?device=${device}`,
        '__done',
        1_200_000
      )) as CaseResult[];
    }
    results['cpu, not isolated'] = (await runPage(
      `${plain.url}/index.html?device=cpu`,
      '__done',
      1_200_000
    )) as CaseResult[];
  }, 1_800_000);

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const device of ['cpu', 'gpu', 'cpu, not isolated'] as const) {
    for (const file of BROWSER_FILES) {
      it(`${device} device: ${file} passes in the page`, () => {
        const mine = results[device].filter((r) => r.file === file);
        expect(mine.length, `no results from ${file}`).toBeGreaterThan(0);
        const failed = mine.filter((r) => r.state === 'fail').map((r) => `${r.name}: ${r.error?.split('\n')[0]}`);
        expect(failed).toEqual([]);
      });
    }
    it(`${device} device: every test of the files ran, or was skipped for a stated reason`, () => {
      const skipped = results[device].filter((r) => r.state === 'skip' && r.error !== undefined);
      expect(skipped.length).toBeLessThanOrEqual(2);
      expect(results[device].filter((r) => r.state === 'pass').length).toBeGreaterThan(2000);
    });
  }

  it("the gpu device runs on the browser's WebGL2 and names its renderer", () => {
    const gpu = platformIsolated.gpu as { mode: string; renderer: string | null; y: number[] };
    expect(gpu.mode).toBe('webgl2');
    expect(gpu.y).toEqual([2, 4, 6]);
    // The unmasked renderer (WEBGL_debug_renderer_info), not the masked 'WebKit WebGL'.
    expect(gpu.renderer).not.toMatch(/^WebKit WebGL/);
    expect(gpu.renderer).toMatch(/SwiftShader|ANGLE|llvmpipe|Mesa|NVIDIA|AMD|Intel|Apple/);
  });

  it('threads: Web Workers on a cross-origin isolated page, one thread without isolation, never an error', () => {
    expect(platformIsolated.isolated).toBe(true);
    expect(platformIsolated.threads).toBe(2);
    expect(platformIsolated.dot).toBe(512);
    expect(platformPlain.isolated).toBe(false);
    expect(platformPlain.threads).toBe(1);
    expect(platformPlain.dot).toBe(512);
  });

  it("call sites name the page's script lines (K.trace, K.detect_anomaly)", () => {
    expect(platformIsolated.tape).toMatch(/<- K\.square at platform\.js:\d+:\d+/);
    expect(platformIsolated.anomaly).toMatch(/^AnomalyError: .*log.*platform\.js:\d+:\d+/s);
    expect(platformIsolated.error).toBe('ValueError: sum: axis 3 is out of range for x of shape (2,) (rank 1)');
  });

  it('tf.print writes to the console; Graphviz loads on the first toSVG only', () => {
    expect(platformIsolated.printed).toEqual(['x = [1 2]']);
    expect(platformIsolated.vizBefore).toBe(false);
    expect(platformIsolated.vizAfter).toBe(true);
    expect(platformIsolated.svg).toMatch(/<svg/);
  });
});
