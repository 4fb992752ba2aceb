// What differs between Node and a browser, behind one interface: the entry
// point registers its platform (src/index.ts Node's, src/browser.ts the
// browser's) before anything else runs, so no Node built-in is reachable from
// the browser entry. Until one registers (a test importing a module directly),
// a neutral platform answers.

/** A worker thread running the body given to spawn. */
export interface PlatformWorker {
  terminate(): void;
}

export interface Platform {
  readonly name: 'node' | 'browser' | 'neutral';
  /** A KTAPE_* setting (an environment variable in Node, a page's globalThis.KTAPE_ENV in a browser). */
  env(name: string): string | undefined;
  /** Logical cores. */
  cores(): number;
  /** One line to standard output (tf.print). */
  print(line: string): void;
  /** A Python-style UserWarning (Node's process warnings, a browser's console). */
  warn(message: string): void;
  /** A stack frame's file as the user reads it, or null when the frame is ktape's own or the runtime's. */
  siteFile(file: string): string | null;
  /** Whether shared memory can be handed to workers (SharedArrayBuffer; a browser page needs cross-origin isolation). */
  sharedMemory(): boolean;
  /**
   * Whether WebAssembly relaxed SIMD validates here (turning it on first where
   * the engine keeps it behind a flag: Node 20's V8). Feature-detected.
   */
  relaxedSimd(): boolean;
  /** Whether this thread may block in Atomics.wait (not a page's main thread). */
  canBlock(): boolean;
  /**
   * A worker running `body`, the source of a function `(data) => void` in plain
   * JavaScript, called with `data` (structured-cloned; WebAssembly modules and
   * shared memory are shared). Null where workers cannot start.
   */
  spawn(body: string, data: unknown): PlatformWorker | null;
}

const neutral: Platform = {
  name: 'neutral',
  env: (name) => (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name],
  cores: () => (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1,
  print: (line) => console.log(line),
  warn: (message) => {
    const p = (globalThis as { process?: { emitWarning?: (m: string, type: string) => void } }).process;
    if (typeof p?.emitWarning === 'function') p.emitWarning(message, 'UserWarning');
    else console.warn(`UserWarning: ${message}`);
  },
  siteFile: (file) => file,
  sharedMemory: () => false,
  relaxedSimd: () => relaxedSimdValidates(),
  canBlock: () => false,
  spawn: () => null,
};

let current: Platform = neutral;

export function registerPlatform(p: Platform): void {
  current = p;
}

export function platform(): Platform {
  return current;
}

// (module (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd))
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2,
  253, 133, 2, 11,
]);

/** Whether this engine validates a module using f32x4.relaxed_madd. */
export function relaxedSimdValidates(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}
