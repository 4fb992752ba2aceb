// Which Keras function is running, so that errors raised deep inside a shape
// rule still name the function the user called.
import { TypeError, ValueError } from './errors.js';
import { platform } from './platform.js';

let current: string | null = null;

/** A Keras function itself (its public name is looked up), or a name. */
// biome-ignore lint/suspicious/noExplicitAny: any function's own reference names it, whatever its parameters
export type KerasName = string | ((...args: any[]) => unknown);

/** The public names of the Keras functions, by function (src/index.ts registers its exports). */
const publicNames = new WeakMap<object, string>();

/** Record the public name of every function among `exports` (a module's, or aliases as { switch: kswitch }). */
export function nameKerasFunctions(exports: Readonly<Record<string, unknown>>): void {
  for (const [name, f] of Object.entries(exports)) {
    if (typeof f === 'function' && !publicNames.has(f)) publicNames.set(f, name);
  }
}

/** The public name registered for `fn`, if any (tests check each is its export name). */
export function publicNameOf(fn: object): string | undefined {
  return publicNames.get(fn);
}

/**
 * Run `body` as a Keras function; the outermost wins. A function names itself
 * (`keras(abs, () => ...)` inside `abs`): its public name as exported (K.switch
 * for kswitch), else its own name, so no name is written twice.
 */
export function keras<T>(fn: KerasName, body: () => T): T {
  if (current !== null) return body();
  const name = typeof fn === 'string' ? fn : (publicNames.get(fn) ?? fn.name);
  current = name;
  try {
    return body();
  } finally {
    current = null;
  }
}

/**
 * A scope's body must be synchronous: an async one would leave the scope at its
 * first await (the rest would run with the scope undone), so its promise is
 * refused, naming the scope (the part before its first await has run).
 */
export function synchronous<T>(fn: string, result: T): T {
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
    // Keep an async body's later rejection from going unhandled: the TypeError is what the user sees.
    (result as unknown as Promise<unknown>).then(undefined, () => undefined);
    throw typeError(
      fn,
      'the body returned a promise; a scope cannot wait for it (it would end at the first await), so pass a synchronous function'
    );
  }
  return result;
}

/**
 * Run a user callback (a switch branch, a step function) as the user's own
 * code: its ops and errors name themselves. With `where` ("map_fn's fn"), a K
 * error from inside also says which callback of which function it came from.
 */
export function userCode<T>(body: () => T, where?: string): T {
  const outer = current;
  current = null;
  try {
    return body();
  } catch (e) {
    if (where !== undefined && (e instanceof ValueError || e instanceof TypeError) && !e.message.includes(' (in ')) {
      e.message += ` (in ${where})`;
    }
    throw e;
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
export function disposedError(fn: string, shape: readonly number[], dtype: string, arg?: string): ValueError {
  return valueError(
    fn,
    `${arg === undefined ? '' : `${arg}: `}a tensor of shape ${fmtShape(shape)} and dtype ${dtype} was disposed (K.dispose) and cannot be used`
  );
}

/** Format a shape the way numpy prints it: (2, 3), (3,), (). */
export function fmtShape(shape: readonly number[]): string {
  const dims = shape.map((d) => (d < 0 ? 'None' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/** The Keras function being run, for the argument helpers' errors ('ktape' outside one). */
export function runningName(): string {
  return callerName('ktape');
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

/** A Python-style UserWarning (Keras's deprecation notices): Node's process warnings, a browser's console. */
export function warnUser(message: string): void {
  platform().warn(message);
}

/**
 * A plain value for an error message, short and safe: numbers as JS writes
 * them (NaN, Infinity), BigInts with their n, strings quoted and cut, lists
 * cut at 8 entries and 3 levels, objects by class (never their insides).
 */
export function showRaw(v: unknown, depth = 0): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) {
    if (depth >= 3) return v.length === 0 ? '[]' : '[...]';
    const shown: string[] = [];
    for (let i = 0; i < Math.min(v.length, 8); i++) shown.push(i in v ? showRaw(v[i], depth + 1) : '<hole>');
    if (v.length > 8) shown.push(`... ${v.length} entries`);
    return `[${shown.join(',')}]`;
  }
  const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
}
