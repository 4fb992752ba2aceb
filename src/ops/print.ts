// print_tensor: tf.print's output as a primitive that passes x through, so a
// graph prints each time it runs and gradients flow as through an identity.
import { options } from '../core/args.js';
import { keras, typeError } from '../core/context.js';
import { toTensor, type TensorLike, showValue } from '../core/convert.js';
import type { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';

export interface PrintTensorOptions {
  message?: string;
  summarize?: number | null;
}

/**
 * Prints `message` and the values of x on stdout (as tf.print: a space between
 * them, the first and last `summarize` entries of each axis) and returns a
 * tensor equal to x, which must be used in the following code for the print to
 * happen when a graph holding it is evaluated. The printing is a primitive, so
 * it happens each time the value is computed; gradients pass through.
 *
 * @param x A tensor or variable.
 * @param message Text printed before the values, default ''. This and summarize may instead be
 *   given as one options object `{ message, summarize }`.
 * @param summarize Entries shown at each end of every axis; null (the default) means 3, -1 means all.
 * @returns A tensor with x's values, shape and dtype.
 * @throws K.TypeError when message is not a string or summarize not an integer.
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [3, 4]]);
 * const y = K.print_tensor(K.flatten(x), 'x ='); // prints "x = [1 2 3 4]"
 * K.eval(y); // [1, 2, 3, 4]
 * K.print_tensor(K.arange(10), { message: 'r:', summarize: 2 }); // prints "r: [0 1 ... 8 9]"
 * ```
 */
export function print_tensor(
  x: TensorLike,
  message?: string | PrintTensorOptions,
  summarize?: number | null | PrintTensorOptions
): Tensor {
  return keras(print_tensor, () => {
    const fn = 'print_tensor';
    const o = options<PrintTensorOptions>(['message', 'summarize'], [message, summarize]);
    const msg: unknown = o.message ?? '';
    if (typeof msg !== 'string') throw typeError(fn, `message must be a string; got ${showValue(msg)}`);
    const n: unknown = o.summarize ?? 3;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < -1)
      throw typeError(fn, `summarize must be a non-negative integer or -1 (for all); got ${showValue(n)}`);
    return lax.print(toTensor(fn, x), msg, n);
  });
}
