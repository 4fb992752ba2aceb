// Control flow on a condition, and the learning phase (0 = test, 1 = train).
// A concrete scalar condition picks a branch on the host when switch is called,
// so a callable branch not taken is never called (TF's eager cond); a graph that
// K.function runs later keeps that choice, even where the condition was computed
// from variables. A symbolic condition (made from a placeholder) builds both
// branches and selects with `where`, so K.function picks at run time.
// Gradients flow to the selected entries only; the condition gets none.
import { options } from '../core/args.js';
import { fmtShape, keras, typeError, userCode, valueError, runningName, synchronous } from '../core/context.js';
import { toTensor, toTensorLike, type TensorLike } from '../core/convert.js';
import { Placeholder, Tensor, hostTensor } from '../core/tensor.js';
import { eagerly } from '../core/mode.js';
import * as lax from '../prims/lax.js';
import { describeValue as describe } from '../core/convert.js';
import { warnUser } from '../core/context.js';
import { compatible, broadcastable } from '../core/shape.js';

/** A branch of `switch`: a tensor-like, or a function returning one. */
export type Branch = TensorLike | (() => TensorLike);

/**
 * Chooses between two expressions by a condition (K.switch). A scalar condition
 * chooses a whole branch; branches may be functions, and the one not taken is
 * never called (with a concrete condition). A condition of rank >= 1 chooses
 * element-wise: rank 1 broadcasts as numpy does (TF2's where), and higher ranks
 * are padded with trailing 1-dims to the branches' rank, aligning with their
 * leading axes, as Keras's source does. A symbolic condition builds both
 * branches and selects when K.function runs. Gradients flow to the selected
 * entries only.
 *
 * @param condition  a tensor-like (cast to bool: non-zero is true).
 * @param then_expression  a tensor-like, or a function returning one: the value where the condition holds.
 * @param else_expression  a tensor-like, or a function returning one: the value elsewhere.
 * @returns a tensor.
 * @throws K.ValueError when the condition's rank exceeds the branches', or the shapes do not broadcast.
 * @throws K.TypeError when the branches differ in dtype, or a branch is (or returns) null.
 * @example
 * ```ts
 * const a = K.constant([1, 2, 3]);
 * const b = K.constant([10, 20, 30]);
 * K.eval(K.switch(K.constant(1), a, () => b)); // [1, 2, 3]
 * K.eval(K.switch(K.greater(a, 1), a, b)); // [10, 2, 3]
 * ```
 */
export function kswitch(condition: TensorLike, then_expression: Branch, else_expression: Branch): Tensor {
  return keras(kswitch, () => {
    let c = toTensor('switch', condition, 'condition');
    if (c.dtype !== 'bool') c = lax.cast(c, 'bool');
    if (c.rank === 0 && !c.isSymbolic) {
      const h = c.host();
      if (h.data[h.offset]) {
        checkUntaken(else_expression, 'else_expression');
        return branch(then_expression, 'then_expression');
      }
      checkUntaken(then_expression, 'then_expression');
      return branch(else_expression, 'else_expression');
    }
    const [a, b] = branches(then_expression, else_expression);
    if (a.dtype !== b.dtype) {
      throw typeError(
        'switch',
        `then_expression and else_expression must have the same dtype; got ${a.dtype} ${fmtShape(a.shape)} and ${b.dtype} ${fmtShape(b.shape)}`
      );
    }
    if (c.rank === 0) {
      // tf.cond returns one branch's own shape; a graph here has one static shape, so both must agree.
      if (!compatible(a.shape, b.shape)) {
        throw valueError(
          'switch',
          `with a symbolic scalar condition, then_expression ${fmtShape(a.shape)} and else_expression ${fmtShape(b.shape)} must have the same shape`
        );
      }
      return lax.where(c, a, b);
    }
    if (c.rank > a.rank) {
      throw valueError(
        'switch',
        'Rank of `condition` should be less than or equal to rank of `then_expression` and ' +
          `\`else_expression\`. ndim(condition)=${c.rank}, ndim(then_expression)=${a.rank}`
      );
    }
    if (c.rank > 1) c = lax.reshape(c, [...c.shape, ...new Array<number>(a.rank - c.rank).fill(1)], c);
    if (!broadcastable(c.shape, a.shape) || !broadcastable(c.shape, b.shape) || !broadcastable(a.shape, b.shape)) {
      throw valueError(
        'switch',
        `condition ${fmtShape(c.shape)} cannot select between then_expression ${fmtShape(a.shape)} ` +
          `and else_expression ${fmtShape(b.shape)}: shapes are not broadcastable`
      );
    }
    return lax.where(c, a, b);
  });
}

function value(x: Branch, arg: string): TensorLike {
  const v = typeof x === 'function' ? userCode(x) : x;
  if (v === undefined || v === null)
    throw typeError('switch', `${arg} must be a tensor or return one; got ${String(v)}`);
  return v;
}

/** A branch not taken is never called, but a value given for it must still be a tensor-like. */
function checkUntaken(x: Branch, arg: string): void {
  if (typeof x !== 'function') branch(x, arg);
}

function branch(x: Branch, arg: string): Tensor {
  return toTensor('switch', value(x, arg), arg);
}

/** Both branches as tensors; a plain value takes the other's dtype, as tf.where's operands do. */
function branches(then_expression: Branch, else_expression: Branch): [Tensor, Tensor] {
  const x = value(then_expression, 'then_expression');
  const y = value(else_expression, 'else_expression');
  if (x instanceof Tensor) return [x, toTensorLike('switch', y, x, 'else_expression')];
  if (y instanceof Tensor) return [toTensorLike('switch', x, y, 'then_expression'), y];
  const a = toTensor('switch', x, 'then_expression');
  return [a, toTensorLike('switch', y, a, 'else_expression')];
}

// The learning phase. Keras keeps it per graph; ktape has one graph, so one
// value: null until set, which reads 0 eagerly and, while a graph is built,
// the graph input below (TF's placeholder_with_default(False)).
let phase: 0 | 1 | null = null;
let input: Placeholder | null = null;

/** Back to unset (clear_session). */
export function resetLearningPhase(): void {
  phase = null;
  input = null;
}

/** The learning phase as a graph input: a bool scalar placeholder, false (test) unless fed. */
function phaseInput(): Placeholder {
  input ??= new Placeholder([], 'bool', 'keras_learning_phase', hostTensor(Uint8Array.of(0), [], 'bool'));
  return input;
}

/**
 * The learning phase: 0 (test) or 1 (train). It is 0 until set, and again after
 * K.clear_session, as in TensorFlow 2. K.in_train_phase and K.in_test_phase
 * read it when given no `training` flag. While a graph is built (K.graph_mode,
 * K.disable_eager_execution) and no phase was set, it is a graph input instead,
 * as in TF1: a bool scalar placeholder that K.function takes among its inputs
 * and feeds 0 or 1 per call (false when not fed), so K.in_train_phase and
 * K.dropout choose at run time.
 *
 * @returns 0 or 1, or the learning-phase placeholder while a graph is built.
 * @example
 * ```ts
 * K.learning_phase(); // 0
 * K.learning_phase_scope(1, () => K.learning_phase()); // 1
 * K.graph_mode(() => K.is_keras_tensor(K.learning_phase() as K.Tensor)); // true
 * ```
 */
export function learning_phase(): 0 | 1 | Placeholder {
  if (phase === null) return eagerly() ? 0 : phaseInput();
  return phase;
}

const warned = new Set<string>();

/** Python's warnings.warn shows a warning once per call site; here once per function. */
function deprecated(): void {
  if (warned.has(runningName())) return;
  warned.add(runningName());
  const message =
    `\`tf.keras.backend.${runningName()}\` is deprecated and will be removed after 2020-10-11. To update it, ` +
    'simply pass a True/False value to the `training` argument of the `__call__` method of your layer or model.';
  warnUser(message);
}

/** Python's `value not in {0, 1}`: True and False count as 1 and 0. */
function phaseValue(value: unknown): 0 | 1 {
  if (value === 0 || value === false) return 0;
  if (value === 1 || value === true) return 1;
  throw valueError(runningName(), `Expected learning phase to be 0 or 1; value is ${describe(value)}`);
}

/**
 * Sets the learning phase to 0 (test) or 1 (train). Deprecated in Keras (pass a
 * `training` flag instead), and it warns so once, as there.
 *
 * @param value  0 or 1 (false and true count as 0 and 1).
 * @throws K.ValueError when `value` is anything else.
 * @example
 * ```ts
 * K.set_learning_phase(1);
 * K.learning_phase(); // 1
 * K.set_learning_phase(0);
 * ```
 */
export function set_learning_phase(value: 0 | 1 | boolean): void {
  keras(set_learning_phase, () => {
    deprecated();
    phase = phaseValue(value);
  });
}

/**
 * Runs `fn` with the learning phase set to `value` and returns its result (Python's
 * context manager). The previous phase is restored afterwards, even if `fn`
 * throws. Deprecated in Keras, and it warns so once, as there.
 *
 * @param value  0 or 1 (false and true count as 0 and 1).
 * @param fn  the body of the scope.
 * @returns what `fn` returns.
 * @throws K.ValueError when `value` is not 0 or 1.
 * @throws K.TypeError when `fn` is not a function.
 * @example
 * ```ts
 * K.learning_phase_scope(1, () => K.learning_phase()); // 1
 * K.learning_phase(); // 0
 * ```
 */
export function learning_phase_scope<T>(value: 0 | 1 | boolean, fn: () => T): T {
  // Only the arguments are checked as 'learning_phase_scope': the body runs as the user's own code.
  const next = keras(learning_phase_scope, () => {
    deprecated();
    const v = phaseValue(value);
    if (typeof fn !== 'function')
      throw typeError('learning_phase_scope', `fn must be a function (the body of the scope); got ${describe(fn)}`);
    return v;
  });
  const previous = phase;
  phase = next;
  try {
    return synchronous('learning_phase_scope', fn());
  } finally {
    phase = previous;
  }
}

/** A training flag: a number or boolean (0/1), a scalar tensor (chosen by switch), or null for learning_phase(). */
export type Training = number | boolean | Tensor | null;

export interface PhaseOptions {
  training?: Training;
}

/**
 * `x` in the training phase, `alt` otherwise. `training` defaults to
 * K.learning_phase(); a scalar tensor flag chooses through K.switch (so a
 * symbolic flag chooses when K.function runs). Branches may be functions; the
 * one not taken is not called.
 *
 * @param x  the training-phase value: a tensor-like, or a function returning one.
 * @param alt  the test-phase value: a tensor-like, or a function returning one.
 * @param training  0/1, a boolean, a scalar tensor, or null for K.learning_phase(). Also `options.training`.
 * @returns a tensor.
 * @throws K.ValueError when `training` is none of these.
 * @example
 * ```ts
 * const x = K.constant([1, 2]);
 * K.eval(K.in_train_phase(() => K.multiply(x, 10), x, 1)); // [10, 20]
 * K.eval(K.in_train_phase(() => K.multiply(x, 10), x)); // [1, 2]
 * ```
 */
export function in_train_phase(x: Branch, alt: Branch, training?: Training | PhaseOptions): Tensor {
  return keras(in_train_phase, () => select([x, 'x'], [alt, 'alt'], training));
}

/**
 * `x` in the test phase, `alt` otherwise: K.in_train_phase with the branches swapped.
 *
 * @param x  the test-phase value: a tensor-like, or a function returning one.
 * @param alt  the training-phase value: a tensor-like, or a function returning one.
 * @param training  0/1, a boolean, a scalar tensor, or null for K.learning_phase(). Also `options.training`.
 * @returns a tensor.
 * @throws K.ValueError when `training` is none of these.
 * @example
 * ```ts
 * const x = K.constant([1, 2]);
 * K.eval(K.in_test_phase(x, K.zeros([2]))); // [1, 2]
 * K.eval(K.in_test_phase(x, K.zeros([2]), { training: true })); // [0, 0]
 * ```
 */
export function in_test_phase(x: Branch, alt: Branch, training?: Training | PhaseOptions): Tensor {
  return keras(in_test_phase, () => select([alt, 'alt'], [x, 'x'], training));
}

/** The `train` branch in the train phase, else `test`; each with its argument name for errors. */
function select(
  train: [Branch, string],
  test: [Branch, string],
  training: Training | PhaseOptions | undefined
): Tensor {
  const t = options<PhaseOptions>(['training'], [training]).training ?? learning_phase();
  if (t instanceof Tensor) return kswitch(t, train[0], test[0]);
  if (t === 1 || t === true) {
    checkUntaken(...test);
    return branch(...train);
  }
  if (t === 0 || t === false) {
    checkUntaken(...train);
    return branch(...test);
  }
  // Keras hands anything else to switch, which needs a tensor (AttributeError in Python).
  throw valueError(runningName(), `training must be 0, 1, a boolean, a scalar tensor or null; got ${describe(t)}`);
}
