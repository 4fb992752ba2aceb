// The session. TensorFlow's session runs a graph and holds its variables'
// values; in ktape tensors own their values and ops run when called, so what a
// session holds is bookkeeping: uids, the learning phase, the name scope, and
// the copies of values cached on other devices. `Session` only describes it.
import { options } from '../core/args.js';
import { reset_uids } from '../core/config.js';
import { keras, nameScope, setNameScope, typeError, synchronous } from '../core/context.js';
import { currentDevice, releaseCopies } from '../device/dispatcher.js';
import type { DeviceName } from '../core/storage.js';
import { Tensor } from '../core/tensor.js';
import { resetLearningPhase } from './phase.js';
import { describeValue as describe } from '../core/convert.js';

// Keras's default graph: ktape has one graph, made of the tensors themselves;
// clear_session starts a new generation of it, as reset_default_graph does.
let graphGeneration = 1;
let current: Session | null = null;
let manualInit = false;
let sessionsMade = 0;

/**
 * What K.get_session returns, in place of TensorFlow's session. It runs
 * nothing (ops run when called, on the device K.set_device chose); it tells
 * which default graph it was made for, and reports where ops run now and the
 * manual initialization flag. Get one from {@link get_session}.
 *
 * @example
 * ```ts
 * const s = K.get_session();
 * s === K.get_session(); // true
 * s.device; // 'cpu'
 * ```
 */
export class Session {
  /** The default graph's generation (each clear_session starts a new one). */
  readonly graph: number;
  /** Unique among the sessions of the process. */
  readonly id: number;

  constructor() {
    this.graph = graphGeneration;
    this.id = ++sessionsMade;
  }

  /** Where ops run now (K.get_device()). */
  get device(): DeviceName {
    return currentDevice();
  }

  /** The flag K.manual_variable_initialization set (it has no other effect in ktape). */
  get manual_variable_initialization(): boolean {
    return manualInit;
  }

  /**
   * A short description: 'Session(id=1, graph=1, device=cpu)'.
   *
   * @returns The description.
   */
  toString(): string {
    return `Session(id=${this.id}, graph=${this.graph}, device=${this.device})`;
  }
}

/**
 * Returns the global session, making one when there is none or when the one
 * set belongs to a graph that clear_session has since reset (Keras makes a new
 * session when the cached one's graph is not the current graph).
 * `op_input_list` (tensors) names the graph in Keras; ktape has one graph, so
 * it is only checked. Variables are initialized at creation, so nothing is
 * initialized here.
 *
 * @param op_input_list Tensors whose graph to use (checked only); default [].
 * @returns The global Session.
 * @throws K.TypeError when op_input_list is not a list of tensors.
 * @example
 * ```ts
 * const s = K.get_session();
 * s === K.get_session(); // true
 * K.clear_session();
 * s === K.get_session(); // false (a new graph, a new session)
 * ```
 */
export function get_session(op_input_list: readonly Tensor[] = []): Session {
  return keras(get_session, () => {
    if (!Array.isArray(op_input_list))
      throw typeError('get_session', `op_input_list must be a list of tensors; got ${describe(op_input_list)}`);
    op_input_list.forEach((t, i) => {
      if (!(t instanceof Tensor))
        throw typeError('get_session', `op_input_list[${i}] must be a tensor; got ${describe(t)}`);
    });
    if (current === null || current.graph !== graphGeneration) current = new Session();
    return current;
  });
}

/**
 * Sets the global session: get_session returns `session` while its graph is
 * current; null drops it, so the next get_session makes a new one. Only a
 * Session from get_session is accepted: ktape has no other kind.
 *
 * @param session A Session, or null.
 * @returns Nothing.
 * @throws K.TypeError when session is neither a Session nor null.
 * @example
 * ```ts
 * const s = K.get_session();
 * K.set_session(null);
 * K.get_session() === s; // false
 * K.set_session(s);
 * K.get_session() === s; // true
 * ```
 */
export function set_session(session: Session | null): void {
  keras(set_session, () => {
    if (session !== null && !(session instanceof Session)) {
      throw typeError(
        'set_session',
        `session must be a Session (from K.get_session) or null; got ${describe(session)}`
      );
    }
    current = session;
  });
}

/**
 * Resets all state Keras keeps: uids, the default graph (a new generation; the
 * session is dropped), the learning phase (0) and the name scope (top), and
 * free the device memory the session holds: every cached cross-device copy (a
 * cpu value uploaded to the gpu, or read back). Tensors and variables keep
 * their values; a copy is made again when needed. A name_scope being run
 * restores its own scope when it returns. Call it between models built in a
 * loop to start each from a blank state.
 *
 * @returns Nothing.
 * @example
 * ```ts
 * K.get_uid('dense'); // 1
 * K.set_learning_phase(1); // (deprecated, warns)
 * K.clear_session();
 * K.learning_phase(); // 0
 * K.get_uid('dense'); // 1 (uids start again)
 * ```
 */
export function clear_session(): void {
  reset_uids();
  graphGeneration++;
  current = null;
  resetLearningPhase();
  setNameScope('');
  releaseCopies();
}

/**
 * Sets Keras's manual variable initialization flag: whether variables are
 * initialized as they are made (false, the default) or by the user. ktape
 * variables always hold their value from creation (K.variable copies it in),
 * so there is nothing to defer: the flag is recorded
 * (Session.manual_variable_initialization) and has no other effect.
 *
 * @param value The flag.
 * @returns Nothing.
 * @throws K.TypeError when value is not a boolean.
 * @example
 * ```ts
 * K.manual_variable_initialization(true);
 * K.get_session().manual_variable_initialization; // true
 * K.manual_variable_initialization(false);
 * ```
 */
export function manual_variable_initialization(value: boolean): void {
  keras(manual_variable_initialization, () => {
    if (typeof value !== 'boolean')
      throw typeError('manual_variable_initialization', `value must be a boolean; got ${describe(value)}`);
    manualInit = value;
  });
}

export interface NameScopeOptions {
  /** The name used when `name` is null. */
  default_name?: string | null;
  /** Tensors the scope's ops use; TF checks they share a graph, and ktape has one. */
  values?: readonly Tensor[] | null;
}

/**
 * Runs `fn` inside a name scope (tf.compat.v1.name_scope, eager rules; the
 * Python context manager becomes a callback): names of variables,
 * placeholders, named constants and op results made inside are 'scope/name',
 * nested scopes join with '/'. A name ending in '/' is absolute (replaces the
 * scope), and '' (or null without a default_name) returns to the top. `fn`
 * gets the scope string ('outer/inner/'); the previous scope is restored
 * after, even if `fn` throws. Returns what `fn` returns. Keras's optional
 * default_name and values go between name and fn (the other two forms).
 *
 * @param name The scope's name; '' or null returns to the top scope.
 * @param fn The body, called with the scope string.
 * @returns fn's result.
 * @throws K.TypeError when fn is not a function or name is not a string.
 * @example
 * ```ts
 * K.name_scope('block', () => K.variable(1)).name; // 'block/Variable'
 * K.name_scope('outer', () => K.name_scope('inner', (scope) => scope)); // 'outer/inner/'
 * K.name_scope('outer', () => K.name_scope('top/', (scope) => scope)); // 'top/'
 * ```
 */
export function name_scope<T>(name: string | null, fn: (scope: string) => T): T;
/**
 * {@link name_scope} with a default name: the scope is `name`, or
 * `default_name` when name is null (as tf.compat.v1.name_scope).
 *
 * @param name The scope's name, or null to use default_name.
 * @param default_name The name used when `name` is null; or an options object
 *   `{ default_name, values }`.
 * @param fn The body, called with the scope string.
 * @returns fn's result.
 * @throws K.TypeError when fn is not a function, name or default_name is not a string, or values
 *   is not a list of tensors.
 * @example
 * ```ts
 * K.name_scope(null, 'dense', (scope) => scope); // 'dense/'
 * K.name_scope(null, { default_name: 'dense' }, (scope) => scope); // 'dense/'
 * ```
 */
export function name_scope<T>(
  name: string | null,
  default_name: string | null | NameScopeOptions,
  fn: (scope: string) => T
): T;
/**
 * {@link name_scope} with a default name and the tensors the scope's ops use
 * (TensorFlow checks they share a graph; ktape has one graph, so they are only
 * checked to be tensors).
 *
 * @param name The scope's name, or null to use default_name.
 * @param default_name The name used when `name` is null.
 * @param values Tensors the scope's ops use, or null.
 * @param fn The body, called with the scope string.
 * @returns fn's result.
 * @throws K.TypeError when fn is not a function, name or default_name is not a string, or values
 *   is not a list of tensors.
 * @example
 * ```ts
 * const a = K.constant([1, 2]);
 * K.name_scope(null, 'sum', [a], (scope) => scope); // 'sum/'
 * ```
 */
export function name_scope<T>(
  name: string | null,
  default_name: string | null,
  values: readonly Tensor[] | null,
  fn: (scope: string) => T
): T;
export function name_scope<T>(name: string | null, ...rest: unknown[]): T {
  // Only the arguments are checked as 'name_scope': the body runs as the user's own code.
  const [fn, scope] = keras(name_scope, () => {
    const fn = rest[rest.length - 1];
    if (typeof fn !== 'function')
      throw typeError(
        'name_scope',
        `the last argument must be a function (the body of the scope); got ${describe(fn)}`
      );
    const o = options<NameScopeOptions>(['default_name', 'values'], rest.slice(0, -1));
    if (rest.length > 3)
      throw typeError('name_scope', `takes name, default_name, values and fn; got ${rest.length + 1} arguments`);
    if (name != null && typeof name !== 'string')
      throw typeError('name_scope', `name must be a string or null; got ${describe(name)}`);
    if (o.default_name != null && typeof o.default_name !== 'string') {
      throw typeError(
        'name_scope',
        `default_name type (${describe(o.default_name)}) is not a string type. You likely meant to pass this into the values argument.`
      );
    }
    if (o.values != null && (!Array.isArray(o.values) || !o.values.every((t) => t instanceof Tensor))) {
      throw typeError('name_scope', `values must be a list of tensors; got ${describe(o.values)}`);
    }
    const n = name ?? o.default_name ?? '';
    const scope = n === '' ? '' : n.endsWith('/') ? n : `${nameScope()}${n}/`;
    return [fn as (scope: string) => T, scope] as const;
  });
  const previous = nameScope();
  setNameScope(scope);
  try {
    return synchronous('name_scope', fn(scope));
  } finally {
    setNameScope(previous);
  }
}
