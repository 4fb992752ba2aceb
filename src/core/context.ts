// Which Keras function is running, so that errors raised deep inside a shape
// rule still name the function the user called.
import { TypeError, ValueError } from './errors.js';

let current: string | null = null;

/** Run `body` as the Keras function `name`; the outermost name wins. */
export function keras<T>(name: string, body: () => T): T {
  if (current !== null) return body();
  current = name;
  try {
    return body();
  } finally {
    current = null;
  }
}

/** Run a user callback (a switch branch, a step function) as the user's own code: its ops and errors name themselves. */
export function userCode<T>(body: () => T): T {
  const outer = current;
  current = null;
  try {
    return body();
  } finally {
    current = outer;
  }
}

/** The Keras function being run, or `fallback` (a primitive's name). */
export function callerName(fallback: string): string {
  return current ?? fallback;
}

export function valueError(fn: string, message: string): ValueError {
  return new ValueError(`${callerName(fn)}: ${message}`);
}

export function typeError(fn: string, message: string): TypeError {
  return new TypeError(`${callerName(fn)}: ${message}`);
}

/**
 * The one error for a value freed by K.dispose: a K.ValueError naming the
 * running Keras function (or `fn`, a primitive or reader, outside one).
 */
export function disposedError(fn: string, shape: readonly number[], dtype: string): ValueError {
  return valueError(
    fn,
    `a tensor of shape ${fmtShape(shape)} and dtype ${dtype} was disposed (K.dispose) and cannot be used`
  );
}

/** Format a shape the way numpy prints it: (2, 3), (3,), (). */
export function fmtShape(shape: readonly number[]): string {
  const dims = shape.map((d) => (d < 0 ? 'None' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/** The Keras function being run, for the argument helpers' errors ('ktape' outside one). */
export function runningName(): string {
  return current ?? 'ktape';
}

/** The Keras function being run, if any (recorded on nodes for listings). */
export function currentName(): string | null {
  return current;
}

// The name scope (K.name_scope): a prefix ending in '/', or '' at the top. Names
// given to variables, placeholders and tensors made inside it carry it.
let scope = '';

export function nameScope(): string {
  return scope;
}

export function setNameScope(s: string): void {
  scope = s;
}

/** `name` under the current name scope ('block/inner/name'). */
export function scopedName(name: string): string {
  return scope + name;
}

/** A Python-style UserWarning (Keras's deprecation notices), on process warnings where there are any. */
export function warnUser(message: string): void {
  if (typeof process !== 'undefined' && typeof process.emitWarning === 'function')
    process.emitWarning(message, 'UserWarning');
  else console.warn(`UserWarning: ${message}`);
}
