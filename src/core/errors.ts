// Keras's ValueError and TypeError, raised at the API boundary before any state changes.

/**
 * Keras's ValueError: an argument has the right type but a bad value (shapes that
 * do not match or broadcast, an axis out of range, an unknown padding or
 * data_format). Thrown at the call, before any computation or state change;
 * the message names the function, the argument and the shapes.
 *
 * @example
 * ```ts
 * K.sum(K.constant([1, 2]), 3); // throws K.ValueError: sum: axis 3 is out of range for x of shape (2,) (rank 1)
 * ```
 */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/**
 * Keras's TypeError: an argument of the wrong kind or dtype (two tensors of
 * different dtypes, a non-integer axis, an unknown option). Thrown at the call,
 * before any computation or state change. It is `K.TypeError`, not the global
 * `TypeError`; both extend `Error`.
 *
 * @example
 * ```ts
 * K.add(K.constant([1, 2]), K.constant([1, 2], 'int32')); // throws K.TypeError: add: x and y must have the same dtype; got float32 (2,) and int32 (2,)
 * ```
 */
export class TypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TypeError';
  }
}
