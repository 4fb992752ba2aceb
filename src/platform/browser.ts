// A browser's platform: settings from globalThis.KTAPE_ENV, the page's cores,
// the console, Web Workers started from a Blob, and call sites as the page's
// own URLs. Nothing here imports Node.
import { type Platform, registerPlatform, relaxedSimdValidates } from '../core/platform.js';

interface BrowserGlobals {
  KTAPE_ENV?: Record<string, string | undefined>;
  navigator?: { hardwareConcurrency?: number };
  crossOriginIsolated?: boolean;
  location?: { origin: string; href: string };
  document?: unknown;
  Worker?: new (url: string) => { postMessage(m: unknown): void; terminate(): void };
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL: { createObjectURL?(b: unknown): string };
}
const g = globalThis as unknown as BrowserGlobals;

const FRAME_FILE = /((?:https?|file|blob):\/\/?[^()\s]+?|[^()\s]+?):\d+:\d+\)?$/;

/**
 * Which frames are ktape's: the file this module runs from. Unbundled (a dev
 * server serving src/), that is every file under its source root; bundled, the
 * bundle itself (the user's script is another file).
 */
function ownFiles(): (file: string) => boolean {
  const here = FRAME_FILE.exec(new Error().stack?.split('\n')[1]?.trim() ?? '')?.[1] ?? import.meta.url;
  const clean = here.replace(/[?#].*$/, '');
  if (/\/platform\/browser\.(ts|js)$/.test(clean)) {
    const root = clean.replace(/\/platform\/browser\.(ts|js)$/, '/');
    return (file) => file.startsWith(root);
  }
  return (file) => file.replace(/[?#].*$/, '') === clean;
}
const isOwn = ownFiles();

export const browserPlatform: Platform = {
  name: 'browser',
  env: (name) => g.KTAPE_ENV?.[name],
  cores: () => g.navigator?.hardwareConcurrency ?? 1,
  print: (line) => console.log(line),
  warn: (message) => console.warn(`UserWarning: ${message}`),
  siteFile(file) {
    if (isOwn(file)) return null;
    // The page's own scripts by their path; others (another origin, a blob) in full.
    const origin = g.location?.origin;
    if (origin !== undefined && file.startsWith(`${origin}/`))
      return file.slice(origin.length + 1).replace(/[?#].*$/, '');
    return file;
  },
  sharedMemory: () => g.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function',
  // Current browsers have relaxed SIMD on.
  relaxedSimd: relaxedSimdValidates,
  // A page's main thread may not block; a worker (no document) may.
  canBlock: () => g.document === undefined,
  spawn(body, data) {
    if (g.Worker === undefined || g.Blob === undefined || g.URL.createObjectURL === undefined) return null;
    const source = `'use strict';\nonmessage = (e) => { onmessage = null; (${body})(e.data); };`;
    const worker = new g.Worker(g.URL.createObjectURL(new g.Blob([source], { type: 'text/javascript' })));
    worker.postMessage(data);
    return { terminate: () => worker.terminate() };
  },
};

registerPlatform(browserPlatform);
