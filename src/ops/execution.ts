// Eager execution or graph building, as Keras 2 programs choose it: TF2's
// tf.compat.v1.disable_eager_execution() for the rest of a program, or a scope
// (K.graph_mode; Keras 2.3.1's K.symbolic decorator) around the code that
// builds a training graph. What changes while a graph is built is in
// src/core/mode.ts.
import { keras, typeError, userCode, synchronous } from '../core/context.js';
import { describeValue as describe } from '../core/convert.js';
import { eagerly, inMode, setGraphBuilding } from '../core/mode.js';

/**
 * Whether ops run eagerly: true (the default) unless a graph is being built
 * (inside K.graph_mode, or after K.disable_eager_execution()).
 *
 * @returns true when executing eagerly.
 * @example
 * ```ts
 * K.executing_eagerly(); // true
 * K.graph_mode(() => K.executing_eagerly()); // false
 * ```
 */
export function executing_eagerly(): boolean {
  return keras(executing_eagerly, () => eagerly());
}

/**
 * Builds graphs from now on, as TF2 after tf.compat.v1.disable_eager_execution()
 * (TF1's behaviour, which Keras 2 programs expect): an update with a concrete
 * operand (`K.update_add(iterations, 1)`) returns an UpdateOp that runs at each
 * call of the K.function given it, instead of assigning at once; K.learning_phase()
 * is a graph input fed 0 or 1 per call; K.eval runs the graph anew. Random
 * ops draw again at each run in either mode.
 *
 * @example
 * ```ts
 * K.disable_eager_execution();
 * const it = K.variable(0, 'int64');
 * const op = K.update_add(it, 1); // an UpdateOp: nothing changes yet
 * const f = K.function([], [], [op]);
 * f([]); f([]);
 * K.eval(it); // 2
 * K.enable_eager_execution();
 * ```
 */
export function disable_eager_execution(): void {
  keras(disable_eager_execution, () => setGraphBuilding(true));
}

/**
 * Back to eager execution (the default) after K.disable_eager_execution().
 *
 * @example
 * ```ts
 * K.disable_eager_execution();
 * K.enable_eager_execution();
 * K.executing_eagerly(); // true
 * ```
 */
export function enable_eager_execution(): void {
  keras(enable_eager_execution, () => setGraphBuilding(false));
}

/**
 * Runs `body` building a graph (see K.disable_eager_execution) and returns what it
 * returns; the mode before is restored afterwards, even if `body` throws. The
 * graph's K.function may be called outside the scope.
 *
 * @param body  a synchronous function (an async one would end the scope at its first await, so it is refused).
 * @returns what `body` returns.
 * @throws K.TypeError when `body` is not a function, or returns a promise.
 * @example
 * ```ts
 * const v = K.variable(1);
 * const op = K.graph_mode(() => K.update_add(v, 2)); // an UpdateOp: nothing changes yet
 * K.eval(v); // 1
 * K.function([], [], [op])([]);
 * K.eval(v); // 3
 * ```
 */
export function graph_mode<T>(body: () => T): T {
  keras(graph_mode, () => {
    if (typeof body !== 'function') throw typeError('graph_mode', `body must be a function; got ${describe(body)}`);
  });
  return inMode(true, () => synchronous('graph_mode', userCode(body)));
}

/**
 * Keras 2.3.1's `K.symbolic` decorator: `fn` runs building a graph at each call
 * (as K.graph_mode), so code written for TF1, such as an optimizer's
 * `get_updates`, records its updates for K.function.
 *
 * @param fn  the function to wrap.
 * @returns a function with the same arguments and result.
 * @throws K.TypeError when `fn` is not a function.
 * @example
 * ```ts
 * const v = K.variable(0);
 * const step = K.symbolic(() => [K.update_add(v, 1)]);
 * const f = K.function([], [], step());
 * f([]);
 * K.eval(v); // 1
 * ```
 */
export function symbolic<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return keras(symbolic, () => {
    if (typeof fn !== 'function') throw typeError('symbolic', `fn must be a function; got ${describe(fn)}`);
    return (...args: A) => graph_mode(() => fn(...args));
  });
}
