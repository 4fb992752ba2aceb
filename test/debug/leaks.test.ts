// K.track_tensors / K.leak_mark / K.leak_report: a loop that keeps tensors is
// traced to the line that makes them, one that does not shows no growth once the
// collector has run. Expected lines are found by reading this file for the
// marker comments, not by the engine.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { sitesOn } from '../../src/core/site.js';
import { expectError, testDevice } from '../helpers.js';

const FILE = 'test/debug/leaks.test.ts';
const SOURCE = readFileSync(new URL('./leaks.test.ts', import.meta.url), 'utf8').split('\n');

/** 'test/debug/leaks.test.ts:<line>:' of the line holding `// @<marker>`. */
function siteOf(marker: string): string {
  const i = SOURCE.findIndex((l) => l.includes(`// @${marker}`) && !l.includes('siteOf('));
  if (i < 0) throw new Error(`no line marked ${marker}`);
  return `${FILE}:${i + 1}:`;
}

/**
 * The collector, on demand: the gpu project runs node with --expose-gc; in the
 * cpu project the flag is set at run time and `gc` read from a fresh context.
 */
const gc: () => void =
  (globalThis as { gc?: () => void }).gc ??
  (() => {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  })();

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Let the collector take what is unreachable. A WeakRef keeps its target for
 * the rest of the current job, so wait a turn first; finalizers (which free
 * gpu buffers) run a turn after the collection.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await tick();
    gc();
  }
  await tick();
}

function siteIn(r: K.LeakReport, marker: string): K.LeakSite | undefined {
  return r.sites.find((s) => s.site.startsWith(siteOf(marker)));
}

/** The sites of one line (one per column: K.mean(K.square(K.dot(...))) is three) added up. */
function lineIn(r: K.LeakReport, marker: string): { count: number; roots: number; bytes: number } {
  const sites = r.sites.filter((s) => s.site.startsWith(siteOf(marker)));
  const sum = (f: (s: K.LeakSite) => number) => sites.reduce((a, s) => a + f(s), 0);
  return { count: sum((s) => s.count), roots: sum((s) => s.roots), bytes: sum((s) => s.bytes) };
}

afterEach(() => K.track_tensors(false));

describe('track_tensors', () => {
  it('records call sites while on and turns them off again; calling it twice is harmless', () => {
    expect(sitesOn()).toBe(false);
    K.track_tensors();
    K.track_tensors(true);
    expect(sitesOn()).toBe(true);
    expect(K.leak_report().tracking).toBe(true);
    K.track_tensors(false);
    K.track_tensors(false);
    expect(sitesOn()).toBe(false);
    expect(K.leak_report().tracking).toBe(false);
  });

  it('registers nothing while off', () => {
    const mark = K.leak_mark();
    const kept = [K.ones([3]), K.zeros([2])];
    expect(K.leak_mark()).toBe(mark);
    expect(K.leak_report({ since: mark }).tensors).toBe(0);
    expect(kept.length).toBe(2);
  });

  it('rejects a non-boolean', () => {
    expectError(
      () => K.track_tensors('yes' as unknown as boolean),
      K.TypeError,
      'track_tensors',
      'on must be a boolean'
    );
    expect(sitesOn()).toBe(false);
  });
});

describe('leak_mark', () => {
  it('counts the tensors tracked so far, so later ones are told apart', () => {
    K.track_tensors();
    const a = K.leak_mark();
    const t = K.ones([2]);
    const b = K.leak_mark();
    expect(b).toBeGreaterThan(a);
    expect(K.leak_report({ since: a }).tensors).toBeGreaterThanOrEqual(1);
    expect(K.leak_report({ since: b }).tensors).toBe(0);
    expect(t.shape).toEqual([2]);
  });
});

describe('leak_report', () => {
  const kept: K.Tensor[] = [];
  function leakyLoop(x: K.Tensor, n: number): void {
    for (let i = 0; i < n; i++) {
      kept.push(K.exp(x)); // @leak
    }
  }

  it('traces a loop that keeps its results to that line, growing by one tensor per iteration', async () => {
    K.track_tensors();
    const x = K.constant(new Float32Array(16).fill(0.5));
    const mark = K.leak_mark();
    leakyLoop(x, 5);
    await settle();
    const r5 = K.leak_report({ since: mark });
    leakyLoop(x, 5);
    await settle();
    const r10 = K.leak_report({ since: mark });
    const s5 = siteIn(r5, 'leak')!;
    const s10 = siteIn(r10, 'leak')!;
    expect(s5.site).toMatch(new RegExp(`^${siteOf('leak')}\\d+$`));
    expect([s5.count, s5.roots, s5.bytes]).toEqual([5, 5, 5 * 16 * 4]);
    expect([s10.count, s10.roots, s10.bytes]).toEqual([10, 10, 10 * 16 * 4]);
    expect(s10.shapes).toEqual(['(16,) float32']);
    // It is the only growth, and the top of the report.
    expect(r10.sites[0]!.site).toBe(s10.site);
    expect(r10.tensors - r5.tensors).toBe(5);
    expect(r10.bytes).toBe(10 * 16 * 4);
    expect(s10.devices).toEqual({ [testDevice()]: 10 });
    const text = r10.toString();
    expect(text).toContain(`ktape leak report: 10 live tensors made since mark ${mark}, 640 B`);
    expect(text).toMatch(
      new RegExp(`640 B\\s+10\\s+10\\s+${testDevice()}:10.*${siteOf('leak')}\\d+\\s+\\(16,\\) float32`)
    );
    // On the gpu device each holds a gpu buffer (a texture in GL modes).
    const onGpu = testDevice() === 'gpu';
    expect([s10.gpuBuffers, s10.gpuBytes]).toEqual(onGpu ? [10, 640] : [0, 0]);
    expect(r10.gpu.liveBuffers).toBeGreaterThanOrEqual(r10.gpu.buffers);
    const liveBefore = K.memory_info().gpuBuffers;
    // Let go of them: they are collected and leave the report, and their textures are freed.
    kept.length = 0;
    await settle();
    const r0 = K.leak_report({ since: mark });
    expect(siteIn(r0, 'leak')).toBeUndefined();
    expect(liveBefore - K.memory_info().gpuBuffers).toBe(onGpu ? 10 : 0);
    expect(r0.gpu.liveBuffers).toBe(K.memory_info().gpuBuffers);
  });

  it('shows no growth for a training loop that keeps nothing, after the collector ran', async () => {
    const w = K.variable(K.random_normal([8, 4], 0, 1, 'float32', 1));
    const xs = K.random_normal([16, 8], 0, 1, 'float32', 2);
    const losses: number[] = [];
    function train(n: number): void {
      for (let i = 0; i < n; i++) {
        const loss = K.mean(K.square(K.dot(xs, w))); // @loss
        const [g] = K.gradients(loss, [w]);
        K.update_sub(w, K.multiply(g!, 0.01));
        losses.push(loss.toArray() as number);
      }
    }
    K.track_tensors();
    const mark = K.leak_mark();
    train(5);
    await settle();
    const a = K.leak_report({ since: mark });
    const gpuA = K.memory_info().gpuBuffers;
    train(20);
    await settle();
    const b = K.leak_report({ since: mark });
    expect(K.leak_mark() - mark).toBeGreaterThan(25 * 10); // it did make many tensors
    expect(b.tensors).toBeLessThanOrEqual(a.tensors);
    expect(b.bytes).toBeLessThanOrEqual(a.bytes);
    expect(lineIn(b, 'loss').count).toBeLessThanOrEqual(lineIn(a, 'loss').count);
    expect(K.memory_info().gpuBuffers).toBeLessThanOrEqual(gpuA);
    expect(losses.length).toBe(25);
  });

  it('shows a training loop that keeps its loss tensors: the loss line holds the roots, its graph the rest', async () => {
    const w = K.variable(K.random_normal([8, 4], 0, 1, 'float32', 1));
    const xs = K.random_normal([16, 8], 0, 1, 'float32', 2);
    const history: K.Tensor[] = [];
    function train(n: number): void {
      for (let i = 0; i < n; i++) {
        const loss = K.mean(K.square(K.dot(xs, w))); // @kept
        const [g] = K.gradients(loss, [w]);
        K.update_sub(w, K.multiply(g!, 0.01));
        history.push(loss);
      }
    }
    K.track_tensors();
    const mark = K.leak_mark();
    train(4);
    await settle();
    const a = lineIn(K.leak_report({ since: mark }), 'kept');
    train(4);
    await settle();
    const r = K.leak_report({ since: mark });
    const b = lineIn(r, 'kept');
    expect([a.roots, b.roots]).toEqual([4, 8]);
    // Each kept loss keeps its forward graph (dot, square, mean's parts) alive: the same tensors per step.
    expect(b.count).toBe(2 * a.count);
    expect(b.count).toBeGreaterThan(b.roots);
    expect(b.bytes).toBeGreaterThanOrEqual(8 * 16 * 4 * 4); // eight dot results of (16, 4)
    expect(r.toString()).toContain(siteOf('kept'));
    history.length = 0;
  });

  it('counts memory shared by several tensors once, leaves out disposed tensors, and lists gpu buffers', async () => {
    K.track_tensors();
    const mark = K.leak_mark();
    const v = K.variable(new Float32Array(32).fill(1)); // @var
    const y = K.exp(v); // @read
    // K.variable's converted input is garbage now.
    await settle();
    const r = K.leak_report({ since: mark });
    const sv = siteIn(r, 'var')!;
    const sy = siteIn(r, 'read')!;
    // The variable's value is counted for it (with the host copy the gpu device keeps of an
    // uploaded value); its snapshot (made at the read) shares it.
    const copies = Object.keys(v.storage!.copies ?? {}).length;
    expect([sv.count, sv.bytes]).toEqual([1, 32 * 4 * (1 + copies)]);
    expect([sy.count, sy.bytes]).toEqual([2, 32 * 4]);
    expect(sy.roots).toBe(1);
    const onGpu = testDevice() === 'gpu';
    expect(sy.gpuBuffers).toBe(onGpu ? 1 : 0);
    expect(r.gpu.buffers).toBe(onGpu ? 2 : 0);
    expect(r.gpu.liveBuffers).toBeGreaterThanOrEqual(r.gpu.buffers);
    expect(r.gpu.liveBytes).toBeGreaterThanOrEqual(r.gpu.bytes);
    // The variable's value may have been made on the cpu; the read and exp run on the gpu.
    if (onGpu) expect(r.toString()).toContain(`gpu:1 (1 gpu buf)  ${siteOf('read')}`);
    // Disposed: the exp result holds nothing and is left out.
    K.dispose(y);
    const after = siteIn(K.leak_report({ since: mark }), 'read')!;
    expect([after.count, after.bytes, after.gpuBuffers]).toEqual([1, 0, 0]);
    await settle();
    expect(v.shape).toEqual([32]);
  });

  it('lists only tracked tensors: those made before tracking are not in it', () => {
    const before = K.ones([10]);
    K.track_tensors();
    const r = K.leak_report();
    expect(r.since).toBeNull();
    expect(r.sites.some((s) => s.shapes.includes('(10,) float32') && s.site.startsWith(FILE))).toBe(false);
    expect(before.shape).toEqual([10]);
  });

  it('prints at most `top` sites', () => {
    K.track_tensors();
    const mark = K.leak_mark();
    const a = K.ones([1]); // @one
    const b = K.ones([2]); // @two
    const text = K.leak_report({ since: mark, top: 1 }).toString();
    expect(text).toContain(siteOf('two'));
    expect(text).not.toContain(siteOf('one'));
    expect(text).toContain('... 1 more sites');
    expect(a.shape.concat(b.shape)).toEqual([1, 2]);
  });

  it('rejects unknown options and bad marks', () => {
    expectError(() => K.leak_report({ sinc: 1 } as unknown as K.LeakReportOptions), K.TypeError, 'leak_report', 'sinc');
    expectError(() => K.leak_report({ since: -1 }), K.ValueError, 'leak_report', 'since');
    expectError(() => K.leak_report({ top: 0 }), K.ValueError, 'leak_report', 'top');
    expectError(() => K.leak_report([] as unknown as K.LeakReportOptions), K.TypeError, 'leak_report', 'options');
  });
});
