// Where in the user's code a node or tensor was made: the first stack frame
// outside ktape. Reading a stack costs microseconds, so it is taken only while
// someone asked for it (K.trace, K.detect_anomaly, the leak tracker).
// Which frames are ktape's, and how a file is shown, is the platform's to say.
import { platform } from './platform.js';

let capturing = 0;

export function sitesOn(): boolean {
  return capturing > 0;
}

/** Run `body` with call sites recorded on every node and tensor made inside it. */
export function withSites<T>(body: () => T): T {
  capturing++;
  try {
    return body();
  } finally {
    capturing--;
  }
}

/** Keep call sites on (or off again) until told otherwise: the leak tracker's mode. */
export function setSitesAlwaysOn(on: boolean): void {
  capturing += on ? 1 : -1;
  if (capturing < 0) capturing = 0;
}

const FRAME = /\(?((?:(?:file|https?|blob):\/\/?)?[^()\s]+?):(\d+):(\d+)\)?$/;

/** 'file:line:col' of the innermost frame outside ktape and the runtime (a path relative to the cwd in Node, the page's path in a browser). */
export function callSite(): string | null {
  // The default limit (10 frames) is used up inside ktape in a backward pass or a nested Keras function.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  let stack: string[];
  try {
    stack = new Error().stack?.split('\n') ?? [];
  } finally {
    Error.stackTraceLimit = limit;
  }
  for (const line of stack.slice(1)) {
    const m = FRAME.exec(line.trim());
    if (m === null) continue;
    const file = platform().siteFile(m[1]!);
    if (file === null) continue;
    return `${file}:${m[2]}:${m[3]}`;
  }
  return null;
}
