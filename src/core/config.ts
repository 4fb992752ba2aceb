// backend_config: epsilon, floatx, image_data_format, and the uid counters.
import { typeError, valueError, showRaw } from './context.js';

let eps = 1e-7;
let floatType: 'float32' | 'float64' = 'float32';
let dataFormat: 'channels_last' | 'channels_first' = 'channels_last';
const uids = new Map<string, number>();

/**
 * The fuzz factor used in numeric expressions (the crossentropies' clipping, for
 * one); 1e-7 until changed with K.set_epsilon.
 *
 * @returns the current epsilon.
 * @example
 * ```ts
 * K.epsilon(); // 1e-7
 * ```
 */
export function epsilon(): number {
  return eps;
}

/**
 * Sets the fuzz factor returned by K.epsilon().
 *
 * @param value  a positive finite number.
 * @throws K.ValueError when `value` is not a positive finite number.
 * @example
 * ```ts
 * K.set_epsilon(1e-5);
 * K.epsilon(); // 1e-5
 * K.set_epsilon(1e-7);
 * ```
 */
export function set_epsilon(value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw valueError('set_epsilon', `value must be a positive finite number; got ${String(value)}`);
  }
  eps = value;
}

/**
 * The default float dtype, `'float32'` until changed with K.set_floatx. Plain
 * numbers and arrays become tensors of this dtype.
 *
 * @returns `'float32'` or `'float64'`.
 * @example
 * ```ts
 * K.floatx(); // 'float32'
 * K.dtype(K.constant(1)); // 'float32'
 * ```
 */
export function floatx(): 'float32' | 'float64' {
  return floatType;
}

/**
 * Sets the default float dtype. Keras also accepts `'float16'`; ktape has no
 * float16 (typed arrays and gpu.js do not), so it is refused.
 *
 * @param value  `'float32'` or `'float64'`.
 * @throws K.ValueError when `value` is any other string.
 * @example
 * ```ts
 * K.set_floatx('float64');
 * K.dtype(K.constant(1)); // 'float64'
 * K.set_floatx('float32');
 * ```
 */
export function set_floatx(value: string): void {
  // Keras accepts float16 too; gpu.js and typed arrays have no float16, so it is refused clearly.
  if (value !== 'float32' && value !== 'float64') {
    throw valueError('set_floatx', `unknown floatx type: ${showRaw(value)}; expected 'float32' or 'float64'`);
  }
  floatType = value;
}

/**
 * The default data format of image ops (convolutions, pooling, bias_add, padding):
 * `'channels_last'` (NHWC) until changed with K.set_image_data_format.
 *
 * @returns `'channels_last'` or `'channels_first'`.
 * @example
 * ```ts
 * K.image_data_format(); // 'channels_last'
 * ```
 */
export function image_data_format(): 'channels_last' | 'channels_first' {
  return dataFormat;
}

/**
 * Sets the default data format of image ops.
 *
 * @param data_format  `'channels_last'` or `'channels_first'`.
 * @throws K.ValueError when `data_format` is any other string.
 * @example
 * ```ts
 * K.set_image_data_format('channels_first');
 * K.image_data_format(); // 'channels_first'
 * K.set_image_data_format('channels_last');
 * ```
 */
export function set_image_data_format(data_format: string): void {
  if (data_format !== 'channels_last' && data_format !== 'channels_first') {
    throw valueError(
      'set_image_data_format',
      `unknown data_format: ${showRaw(data_format)}; expected 'channels_last' or 'channels_first'`
    );
  }
  dataFormat = data_format;
}

/**
 * A per-prefix counter, as Keras uses for unique layer names: the first call for a
 * prefix returns 1, the next 2, and so on. K.reset_uids and K.clear_session
 * start every prefix again.
 *
 * @param prefix  the counter's name (default `''`).
 * @returns the next number for `prefix`.
 * @throws K.TypeError when `prefix` is not a string.
 * @example
 * ```ts
 * K.get_uid('dense'); // 1
 * K.get_uid('dense'); // 2
 * K.get_uid('conv'); // 1
 * ```
 */
export function get_uid(prefix = ''): number {
  if (typeof prefix !== 'string') throw typeError('get_uid', `prefix must be a string; got ${typeof prefix}`);
  const n = (uids.get(prefix) ?? 0) + 1;
  uids.set(prefix, n);
  return n;
}

/**
 * Resets every K.get_uid counter, so each prefix starts again at 1.
 *
 * @example
 * ```ts
 * K.get_uid('dense'); // 1
 * K.reset_uids();
 * K.get_uid('dense'); // 1
 * ```
 */
export function reset_uids(): void {
  uids.clear();
}

/**
 * The name of the backend, for code that checks it: `'tensorflow'`, since ktape
 * follows the TensorFlow backend of Keras.
 *
 * @returns `'tensorflow'`.
 * @example
 * ```ts
 * K.backend(); // 'tensorflow'
 * ```
 */
export function backend(): string {
  return 'tensorflow';
}
