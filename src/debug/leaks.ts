// The leak report: while tracking is on, every tensor made is registered
// (weakly) with the user's line that made it; the report groups the live ones
// by that line, so a training loop whose memory grows points at the line that
// keeps tensors alive.
import { fmtShape, typeError, valueError } from '../core/context.js';
import type { DeviceName, Storage } from '../core/storage.js';
import { setTensorCreationHook, type Tensor } from '../core/tensor.js';
import { callSite, setSitesAlwaysOn } from '../core/site.js';
import { backendOf } from '../device/dispatcher.js';

interface Entry {
  readonly ref: WeakRef<Tensor>;
  readonly site: string | null;
  readonly seq: number;
}

// Keyed by creation number, so iteration runs oldest first.
const entries = new Map<number, Entry>();
const collected = new FinalizationRegistry<number>((seq) => entries.delete(seq));
let created = 0;
let tracking = false;

function register(t: Tensor): void {
  const seq = ++created;
  entries.set(seq, { ref: new WeakRef(t), site: callSite(), seq });
  collected.register(t, seq);
}

/**
 * Turn tensor tracking on (or off): while on, every tensor made is registered
 * with its creation site (the user's 'file:line:col'), held weakly so that
 * tracking keeps nothing alive, and call sites are recorded on graph nodes
 * too. Each tensor made costs a stack capture (microseconds), so this is a
 * debugging mode. Turning it off stops registering new tensors; those already
 * registered stay in K.leak_report until they are collected.
 *
 * @param on  true (the default) to start tracking, false to stop.
 * @example
 * ```ts
 * K.track_tensors();
 * const mark = K.leak_mark();
 * // ... a few training steps ...
 * console.log(K.leak_report({ since: mark }).toString());
 * K.track_tensors(false);
 * ```
 */
export function track_tensors(on = true): void {
  if (typeof on !== 'boolean') throw typeError('track_tensors', `on must be a boolean; got ${typeof on}`);
  if (on === tracking) return;
  tracking = on;
  setSitesAlwaysOn(on);
  setTensorCreationHook(on ? register : null);
}

/**
 * A mark in the sequence of tracked tensors: `K.leak_report({ since: mark })`
 * lists only the live tensors made after it. Take one before a loop, report
 * after it: what the loop keeps alive is what remains.
 *
 * @returns the number of tensors tracked so far (marks increase).
 * @example
 * ```ts
 * K.track_tensors();
 * const mark = K.leak_mark();
 * const kept = [K.constant([1, 2, 3])];
 * K.leak_report({ since: mark }).tensors; // 1
 * K.track_tensors(false);
 * ```
 */
export function leak_mark(): number {
  return created;
}

/** Live tracked tensors made at one line of the user's code. */
export interface LeakSite {
  /** 'file:line:col' (relative to the working directory), or '(unknown)'. */
  readonly site: string;
  /** How many tensors made there are alive. */
  readonly count: number;
  /**
   * How many of them no other live tracked tensor's node takes as input: the
   * ones code holds directly (an array that grows, a cache), while the rest are
   * kept alive by a graph hanging from one of those.
   */
  readonly roots: number;
  /** Memory they hold, in bytes: values on every device, each buffer counted once in the report. */
  readonly bytes: number;
  /** How many of them hold their value on each device ('symbolic': no value). */
  readonly devices: Readonly<Partial<Record<DeviceName | 'symbolic', number>>>;
  /** gpu buffers (textures in GL modes) among that memory, and their bytes. */
  readonly gpuBuffers: number;
  readonly gpuBytes: number;
  /** Up to three distinct 'shape dtype' of the tensors, e.g. '(64, 10) float32', then '...' if there are more. */
  readonly shapes: readonly string[];
}

/** What K.leak_report returns: a value to assert on, printable with toString(). */
export interface LeakReport {
  /** The mark given in `since`, or null for every tracked tensor. */
  readonly since: number | null;
  /** Live tracked tensors listed, and the bytes they hold. */
  readonly tensors: number;
  readonly bytes: number;
  /** Grouped by creation site, most bytes first (then most tensors). */
  readonly sites: readonly LeakSite[];
  /** gpu buffers held by the listed tensors, and all gpu buffers alive (tracked or not). */
  readonly gpu: {
    readonly buffers: number;
    readonly bytes: number;
    readonly liveBuffers: number;
    readonly liveBytes: number;
  };
  /** Whether tracking is on now. */
  readonly tracking: boolean;
  /** A table: one line per site. */
  toString(): string;
}

/** K.leak_report's options. */
export interface LeakReportOptions {
  /** A K.leak_mark(): only tensors made after it are listed. */
  readonly since?: number;
  /** At most this many sites in toString() (all are in `sites`); default 20. */
  readonly top?: number;
}

interface Block {
  readonly key: object;
  readonly bytes: number;
  readonly gpu: boolean;
}

/** The memory a storage holds: its value and its cached copies on other devices. */
function blocksOf(s: Storage, out: Block[]): void {
  if (s.disposed) return;
  const block = backendOf(s.device)?.block?.(s.data) ?? null;
  if (block !== null) out.push({ ...block, gpu: s.device === 'gpu' });
  for (const c of Object.values(s.copies ?? {})) blocksOf(c, out);
}

/**
 * The live tensors made while K.track_tensors was on (or only those made after
 * `since`), grouped by the line of the user's code that made them, with how
 * many, the bytes they hold and on which device, and the gpu buffers (textures)
 * among them; most bytes first. Memory shared by several tensors (a reshape,
 * a variable's snapshot) counts once, for the oldest. Tensors whose value was
 * K.dispose'd hold nothing and are left out. `roots` counts the tensors of a
 * site that no other listed tensor's graph uses: what the code holds directly.
 *
 * A tensor is live until the garbage collector takes it, and V8 keeps alive
 * until the end of the current synchronous job every object a WeakRef was
 * made for in it: report after an `await` (a timer turn) and, for exact
 * counts, a collection (`node --expose-gc`, then `gc()`); or compare two
 * reports taken the same way, a few steps apart: what grows is the leak.
 *
 * @param options.since  a K.leak_mark(): list only tensors made after it.
 * @param options.top  sites shown by toString() (default 20; `sites` has all).
 * @returns a K.LeakReport, readable with toString().
 * @example
 * ```ts
 * K.track_tensors();
 * const mark = K.leak_mark();
 * const history: K.Tensor[] = [];
 * for (let i = 0; i < 100; i++) history.push(K.random_normal([256])); // leaks
 * console.log(K.leak_report({ since: mark }).toString());
 * // ktape leak report: 100 live tensors made since mark 0, 100.0 KiB
 * //        bytes  tensors  roots  device   site
 * //    100.0 KiB      100    100  cpu:100  train.ts:4:51  (256,) float32
 * // gpu buffers: 0 (0 B) held by these tensors; 0 (0 B) alive in all
 * K.track_tensors(false);
 * ```
 */
export function leak_report(options?: LeakReportOptions): LeakReport {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw typeError(
      'leak_report',
      `options must be a plain object; got ${Array.isArray(options) ? 'an array' : typeof options}`
    );
  }
  for (const k of Object.keys(options ?? {})) {
    if (k !== 'since' && k !== 'top')
      throw typeError('leak_report', `unknown option ${JSON.stringify(k)}; expected since, top`);
  }
  const since = options?.since ?? null;
  if (since !== null && (!Number.isSafeInteger(since) || since < 0)) {
    throw valueError('leak_report', `since must be a mark from K.leak_mark(); got ${String(since)}`);
  }
  const top = options?.top ?? 20;
  if (!Number.isSafeInteger(top) || top < 1)
    throw valueError('leak_report', `top must be a positive integer; got ${String(top)}`);

  const alive: Entry[] = [];
  const used = new Set<Tensor>();
  for (const e of entries.values()) {
    const t = e.ref.deref();
    if (t === undefined || t.storage?.disposed === true) continue;
    alive.push(e);
    for (const i of t.node?.inputs ?? []) used.add(i);
  }
  const owned = new Set<object>();
  const groups = new Map<
    string,
    {
      count: number;
      roots: number;
      bytes: number;
      devices: Record<string, number>;
      gpuBuffers: number;
      gpuBytes: number;
      shapes: Set<string>;
      moreShapes: boolean;
    }
  >();
  let tensors = 0;
  let bytes = 0;
  let gpuBuffers = 0;
  let gpuBytes = 0;
  for (const e of alive) {
    const t = e.ref.deref()!;
    const blocks: Block[] = [];
    if (t.storage !== null) blocksOf(t.storage, blocks);
    // Oldest holder first (entries run in creation order), listed or not.
    const mine = blocks.filter((b) => !owned.has(b.key));
    for (const b of mine) owned.add(b.key);
    if (since !== null && e.seq <= since) continue;
    const site = e.site ?? '(unknown)';
    let g = groups.get(site);
    if (g === undefined)
      groups.set(
        site,
        (g = {
          count: 0,
          roots: 0,
          bytes: 0,
          devices: {},
          gpuBuffers: 0,
          gpuBytes: 0,
          shapes: new Set(),
          moreShapes: false,
        })
      );
    const device = t.storage === null ? 'symbolic' : t.storage.device;
    g.count++;
    if (!used.has(t)) g.roots++;
    g.devices[device] = (g.devices[device] ?? 0) + 1;
    const shape = `${fmtShape(t.shape)} ${t.dtype}`;
    if (g.shapes.size < 3) g.shapes.add(shape);
    else if (!g.shapes.has(shape)) g.moreShapes = true;
    for (const b of mine) {
      g.bytes += b.bytes;
      if (b.gpu) {
        g.gpuBuffers++;
        g.gpuBytes += b.bytes;
      }
    }
    tensors++;
  }
  const sites: LeakSite[] = [...groups].map(([site, g]) => ({
    site,
    count: g.count,
    roots: g.roots,
    bytes: g.bytes,
    devices: g.devices,
    gpuBuffers: g.gpuBuffers,
    gpuBytes: g.gpuBytes,
    shapes: g.moreShapes ? [...g.shapes, '...'] : [...g.shapes],
  }));
  sites.sort((a, b) => b.bytes - a.bytes || b.count - a.count || (a.site < b.site ? -1 : 1));
  for (const s of sites) {
    bytes += s.bytes;
    gpuBuffers += s.gpuBuffers;
    gpuBytes += s.gpuBytes;
  }
  const live = backendOf('gpu')?.live?.() ?? { count: 0, bytes: 0 };
  const report: LeakReport = {
    since,
    tensors,
    bytes,
    sites,
    tracking,
    gpu: { buffers: gpuBuffers, bytes: gpuBytes, liveBuffers: live.count, liveBytes: live.bytes },
    toString: () => format(report, top),
  };
  return report;
}

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

function format(r: LeakReport, top: number): string {
  const scope = r.since === null ? 'tracked' : `made since mark ${r.since}`;
  const lines = [
    `ktape leak report: ${r.tensors} live tensor${r.tensors === 1 ? '' : 's'} ${scope}, ${fmtBytes(r.bytes)}${r.tracking ? '' : ' (tracking is off)'}`,
  ];
  if (r.sites.length > 0) {
    const rows = r.sites.slice(0, top).map((s) => [
      fmtBytes(s.bytes),
      String(s.count),
      String(s.roots),
      Object.entries(s.devices)
        .map(([d, n]) => `${d}:${n}`)
        .join(' ') + (s.gpuBuffers > 0 ? ` (${s.gpuBuffers} gpu buf)` : ''),
      `${s.site}  ${s.shapes.join(', ')}`,
    ]);
    const head = ['bytes', 'tensors', 'roots', 'device', 'site'];
    const w = [0, 1, 2, 3].map((i) => Math.max(head[i]!.length, ...rows.map((row) => row[i]!.length)));
    const line = (row: string[]) =>
      `  ${row[0]!.padStart(w[0]!)}  ${row[1]!.padStart(w[1]!)}  ${row[2]!.padStart(w[2]!)}  ${row[3]!.padEnd(w[3]!)}  ${row[4]}`;
    lines.push(line(head), ...rows.map(line));
    if (r.sites.length > top) lines.push(`  ... ${r.sites.length - top} more sites`);
  }
  lines.push(
    `gpu buffers: ${r.gpu.buffers} (${fmtBytes(r.gpu.bytes)}) held by these tensors; ${r.gpu.liveBuffers} (${fmtBytes(r.gpu.liveBytes)}) alive in all`
  );
  return lines.join('\n');
}
