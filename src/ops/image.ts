// Image helpers: zero padding of sequences, images and volumes; upsampling of
// images (nearest or bilinear) and volumes.
//
// Everything is a composition of the shape primitives (pad, slice, reshape,
// broadcast_to) and multiplies, so gradients of any order come from their VJPs.
import { needRank, options, type DataFormat } from '../core/args.js';
import { image_data_format } from '../core/config.js';
import { fmtShape, keras, typeError, valueError, runningName } from '../core/context.js';
import { toTensor, type TensorLike, showValue } from '../core/convert.js';
import { isFloat, MAX_ELEMENTS } from '../core/dtype.js';
import { UNKNOWN, isIntList } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import { nd } from '../core/ndarray.js';

type Pair = [number, number];

export interface TemporalPaddingOptions {
  padding?: readonly number[];
}
export interface SpatialPaddingOptions {
  padding?: readonly (readonly number[])[];
  data_format?: DataFormat | null;
}
export interface ResizeImagesOptions {
  data_format?: DataFormat | null;
  interpolation?: 'nearest' | 'bilinear';
}
export interface ResizeVolumesOptions {
  data_format?: DataFormat | null;
}

/**
 * Pads the middle axis (dim 1, the steps) of a 3D tensor with zeros:
 * padding[0] before and padding[1] after.
 *
 * @param x A 3-D tensor or variable.
 * @param padding Two non-negative integers (before, after), default [1, 1]. May also be given as an
 *   options object `{ padding }`.
 * @returns A 3-D tensor of x's dtype, dim 1 longer by padding[0] + padding[1].
 * @throws K.ValueError when x is not 3-D, or padding is not a pair of non-negative integers.
 * @throws K.TypeError when padding does not hold integers.
 * @example
 * ```ts
 * const x = K.ones([1, 2, 1]);
 * K.eval(K.temporal_padding(x, [1, 2])); // [[[0], [1], [1], [0], [0]]]
 * K.int_shape(K.temporal_padding(K.ones([4, 10, 8]))); // [4, 12, 8]
 * ```
 */
export function temporal_padding(x: TensorLike, padding?: readonly number[] | TemporalPaddingOptions): Tensor {
  return keras(temporal_padding, () => {
    const fn = 'temporal_padding';
    const o = options<TemporalPaddingOptions>(['padding'], [padding]);
    const p = pair(o.padding ?? [1, 1], 'padding');
    const t = toTensor(fn, x);
    needRank(t, 3);
    return lax.pad(t, [[0, 0], p, [0, 0]]);
  });
}

/**
 * Pads the two spatial axes of a 4D tensor with zeros: padding =
 * [[top, bottom], [left, right]]. Under 'channels_last' these are dims 1 and
 * 2, under 'channels_first' dims 2 and 3.
 *
 * @param x A 4-D tensor or variable.
 * @param padding Two pairs of non-negative integers, default [[1, 1], [1, 1]]. This and data_format
 *   may instead be given as one options object `{ padding, data_format }`.
 * @param data_format 'channels_last' or 'channels_first'; null (the default) means
 *   K.image_data_format().
 * @returns A padded 4-D tensor of x's dtype.
 * @throws K.ValueError when x is not 4-D, padding is not two pairs of non-negative integers, or
 *   data_format is unknown.
 * @throws K.TypeError when padding does not hold integers.
 * @example
 * ```ts
 * const x = K.ones([1, 1, 1, 1]);
 * K.eval(K.spatial_2d_padding(x, [[1, 0], [0, 1]])); // [[[[0], [0]], [[1], [0]]]]
 * K.int_shape(K.spatial_2d_padding(K.ones([2, 3, 4, 4]), { data_format: 'channels_first' })); // [2, 3, 6, 6]
 * ```
 */
export function spatial_2d_padding(
  x: TensorLike,
  padding?: readonly (readonly number[])[] | SpatialPaddingOptions,
  data_format?: DataFormat | null | SpatialPaddingOptions
): Tensor {
  return keras(spatial_2d_padding, () => spatialPadding(x, padding, data_format, 2));
}

/**
 * Pads the depth, height and width axes of a 5D tensor with zeros: padding =
 * [[d0, d1], [h0, h1], [w0, w1]], zeros before and after each. Under
 * 'channels_last' these are dims 1 to 3, under 'channels_first' dims 2 to 4.
 *
 * @param x A 5-D tensor or variable.
 * @param padding Three pairs of non-negative integers, default [[1, 1], [1, 1], [1, 1]]. This and
 *   data_format may instead be given as one options object `{ padding, data_format }`.
 * @param data_format 'channels_last' or 'channels_first'; null (the default) means
 *   K.image_data_format().
 * @returns A padded 5-D tensor of x's dtype.
 * @throws K.ValueError when x is not 5-D, padding is not three pairs of non-negative integers, or
 *   data_format is unknown.
 * @throws K.TypeError when padding does not hold integers.
 * @example
 * ```ts
 * const x = K.ones([1, 2, 2, 2, 3]);
 * K.int_shape(K.spatial_3d_padding(x)); // [1, 4, 4, 4, 3]
 * K.int_shape(K.spatial_3d_padding(x, [[0, 0], [1, 0], [0, 2]], 'channels_last')); // [1, 2, 3, 4, 3]
 * ```
 */
export function spatial_3d_padding(
  x: TensorLike,
  padding?: readonly (readonly number[])[] | SpatialPaddingOptions,
  data_format?: DataFormat | null | SpatialPaddingOptions
): Tensor {
  return keras(spatial_3d_padding, () => spatialPadding(x, padding, data_format, 3));
}

function spatialPadding(x: TensorLike, padding: unknown, dataFormat: unknown, dims: number): Tensor {
  const o = options<SpatialPaddingOptions>(['padding', 'data_format'], [padding, dataFormat]);
  const given: unknown = o.padding ?? Array.from({ length: dims }, () => [1, 1]);
  if (!Array.isArray(given) || given.length !== dims) {
    throw valueError(
      runningName(),
      `padding must be ${dims} pairs (before, after), one per spatial axis; got ${showValue(given)}`
    );
  }
  const pairs = given.map((p, i) => pair(p, `padding[${i}]`));
  const format = toDataFormat(o.data_format, true);
  const t = toTensor(runningName(), x);
  needRank(t, dims + 2);
  const none: Pair = [0, 0];
  return lax.pad(t, format === 'channels_first' ? [none, none, ...pairs] : [none, ...pairs, none]);
}

/**
 * Resizes the images of a 4D tensor by integer factors: rows times
 * height_factor, columns times width_factor. 'nearest' repeats each pixel;
 * 'bilinear' is TensorFlow 2's tf.image.resize (half-pixel centres, edges
 * clamped). Bilinear gives float32 for integer images (as TF) and keeps
 * float64 (TF's kernel would round it to float32). data_format is required,
 * as in Keras.
 *
 * @param x A 4-D tensor or variable (not bool).
 * @param height_factor A positive integer.
 * @param width_factor A positive integer.
 * @param data_format 'channels_last' (x is (batch, rows, cols, channels)) or 'channels_first'
 *   ((batch, channels, rows, cols)). This and interpolation may instead be given as one options
 *   object `{ data_format, interpolation }`.
 * @param interpolation 'nearest' (the default) or 'bilinear'.
 * @returns The resized 4-D tensor.
 * @throws K.ValueError when x is not 4-D, data_format or interpolation is unknown, or a factor is < 1.
 * @throws K.TypeError when a factor is not an integer, or x is bool.
 * @example
 * ```ts
 * const x = K.reshape(K.constant([1, 2, 3, 4]), [1, 2, 2, 1]);
 * K.eval(K.resize_images(x, 1, 2, 'channels_last')); // [[[[1], [1], [2], [2]], [[3], [3], [4], [4]]]]
 * const row = K.reshape(K.constant([0, 4]), [1, 1, 2, 1]);
 * K.eval(K.resize_images(row, 1, 2, { data_format: 'channels_last', interpolation: 'bilinear' })); // [[[[0], [1], [3], [4]]]]
 * ```
 */
export function resize_images(
  x: TensorLike,
  height_factor: number,
  width_factor: number,
  data_format?: DataFormat | null | ResizeImagesOptions,
  interpolation?: 'nearest' | 'bilinear' | ResizeImagesOptions
): Tensor {
  return keras(resize_images, () => {
    const fn = 'resize_images';
    const o = options<ResizeImagesOptions>(['data_format', 'interpolation'], [data_format, interpolation]);
    const format = toDataFormat(o.data_format, false);
    const fh = factor(height_factor, 'height_factor');
    const fw = factor(width_factor, 'width_factor');
    const method: unknown = o.interpolation ?? 'nearest';
    if (method !== 'nearest' && method !== 'bilinear') {
      throw valueError(fn, `interpolation should be one of "nearest" or "bilinear"; got ${showValue(method)}`);
    }
    let t = toTensor(fn, x);
    needRank(t, 4);
    if (t.dtype === 'bool') throw typeError(fn, `x must be numeric; got bool of shape ${fmtShape(t.shape)}`);
    const [rows, cols] = format === 'channels_first' ? [2, 3] : [1, 2];
    if (method === 'nearest') return repeatAxis(repeatAxis(t, rows, fh), cols, fw);
    if (!isFloat(t.dtype)) t = lax.cast(t, 'float32');
    return bilinearAxis(bilinearAxis(t, cols, fw), rows, fh);
  });
}

/**
 * Resizes the volumes of a 5D tensor by integer factors, repeating each voxel
 * (repeat_elements on the depth, height and width axes). data_format is
 * required, as in Keras.
 *
 * @param x A 5-D tensor or variable.
 * @param depth_factor A positive integer.
 * @param height_factor A positive integer.
 * @param width_factor A positive integer.
 * @param data_format 'channels_last' (x is (batch, depth, rows, cols, channels)) or
 *   'channels_first' ((batch, channels, depth, rows, cols)); may also be given as an options object
 *   `{ data_format }`.
 * @returns The resized 5-D tensor, of x's dtype.
 * @throws K.ValueError when x is not 5-D, data_format is unknown, or a factor is < 1.
 * @throws K.TypeError when a factor is not an integer.
 * @example
 * ```ts
 * const x = K.ones([1, 3, 1, 2, 2]);
 * K.int_shape(K.resize_volumes(x, 2, 3, 1, 'channels_first')); // [1, 3, 2, 6, 2]
 * K.int_shape(K.resize_volumes(x, 2, 3, 1, 'channels_last')); // [1, 6, 3, 2, 2]
 * ```
 */
export function resize_volumes(
  x: TensorLike,
  depth_factor: number,
  height_factor: number,
  width_factor: number,
  data_format?: DataFormat | null | ResizeVolumesOptions
): Tensor {
  return keras(resize_volumes, () => {
    const fn = 'resize_volumes';
    const o = options<ResizeVolumesOptions>(['data_format'], [data_format]);
    const format = toDataFormat(o.data_format, false);
    const fs = [
      factor(depth_factor, 'depth_factor'),
      factor(height_factor, 'height_factor'),
      factor(width_factor, 'width_factor'),
    ];
    const t = toTensor(fn, x);
    needRank(t, 5);
    const first = format === 'channels_first' ? 2 : 1;
    return fs.reduce((acc, f, i) => repeatAxis(acc, first + i, f), t);
  });
}

// ---------------------------------------------------------------- helpers

/** A (before, after) pair of non-negative integers. */
function pair(v: unknown, arg: string): Pair {
  if (!Array.isArray(v) || v.length !== 2)
    throw valueError(runningName(), `${arg} must be a pair (before, after); got ${showValue(v)}`);
  if (!isIntList(v)) throw typeError(runningName(), `${arg} must hold integers; got ${showValue(v)}`);
  if (v.some((d: number) => d < 0)) throw valueError(runningName(), `${arg} must not be negative; got ${showValue(v)}`);
  return [v[0] as number, v[1] as number];
}

/** data_format: null means K.image_data_format() where the source says so; otherwise required. */
function toDataFormat(v: unknown, defaulted: boolean): DataFormat {
  const f = (v === null || v === undefined) && defaulted ? image_data_format() : v;
  if (f !== 'channels_first' && f !== 'channels_last') {
    throw valueError(
      runningName(),
      `Unknown data_format: ${showValue(f ?? null)} (expected "channels_first" or "channels_last")`
    );
  }
  return f;
}

function factor(v: unknown, arg: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    throw typeError(runningName(), `${arg} must be a positive integer; got ${showValue(v)}`);
  if (v < 1 || v > MAX_ELEMENTS)
    throw valueError(runningName(), `${arg} must be a positive integer up to ${MAX_ELEMENTS}; got ${v}`);
  return v;
}

/** x with a new axis of length 1 after `axis`. */
function splitAfter(t: Tensor, axis: number): Tensor {
  const axes = t.shape.map((_d, i) => [i]);
  return lax.mergeAxes(t, [...axes.slice(0, axis + 1), [], ...axes.slice(axis + 1)]);
}

/** [..., n, f, ...] merged back into [..., n * f, ...]. */
function merge(t: Tensor, axis: number): Tensor {
  const axes = t.shape.map((_d, i) => [i]);
  return lax.mergeAxes(t, [...axes.slice(0, axis), [axis, axis + 1], ...axes.slice(axis + 2)]);
}

/** np.repeat(x, f, axis): each entry f times in a row. */
function repeatAxis(t: Tensor, axis: number, f: number): Tensor {
  if (f === 1) return t;
  const s = t.shape;
  const split = splitAfter(t, axis);
  // `split` gives the run-time batch of a placeholder (same positions).
  return merge(lax.broadcastTo(split, [...s.slice(0, axis + 1), f, ...s.slice(axis + 1)], split), axis);
}

/**
 * TF2's half-pixel bilinear resize along one axis by an integer factor f.
 * Output y = f*i + r samples the input at i + d_r, d_r = (r + 0.5)/f - 0.5 in
 * (-1/2, 1/2). With TF's lerp formula a + (b - a) * w: phases left of the
 * pixel (d_r < 0) lerp from its left neighbour, prev + (x - prev) * (1 + d_r);
 * the centre phase of an odd f (and f = 1) lerps x with itself, x + (x - x) * 0;
 * the rest lerp towards the right neighbour, x + (next - x) * d_r. Neighbours
 * past an edge are the edge itself (TF clamps the indices). Being TF's own
 * arithmetic, it turns non-finite pixels into NaN where TF does; resize_images
 * lerps along the width first, then the height, as TF's kernel does.
 */
function bilinearAxis(t: Tensor, axis: number, f: number): Tensor {
  const m = Math.floor(f / 2);
  const offset = (r: number) => (r + 0.5) / f - 0.5;
  const ones = t.shape.slice(axis + 1).map(() => 1);
  const weights = (w: number[]) =>
    toTensor('resize_images', nd(Float64Array.from(w), [w.length, ...ones]), 'weights', t.dtype);
  const lerp = (a: Tensor, b: Tensor, phases: number[], w: (r: number) => number) => ({
    value: lax.add(a, lax.mul(lax.sub(b, a), weights(phases.map(w)))),
    phases: phases.length,
  });
  const phases = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
  const self = splitAfter(t, axis);
  const groups = [
    lerp(splitAfter(neighbour(t, axis, 'prev'), axis), self, phases(0, m), (r) => 1 + offset(r)),
    lerp(self, self, phases(m, f - m), () => 0),
    lerp(self, splitAfter(neighbour(t, axis, 'next'), axis), phases(f - m, f), offset),
  ].filter((g) => g.phases > 0);
  // Each group fills its run of phases; zeros elsewhere, then the groups are added.
  let before = 0;
  const placed = groups.map((g) => {
    const pads = self.shape.map((_, k): Pair => (k === axis + 1 ? [before, f - before - g.phases] : [0, 0]));
    before += g.phases;
    return groups.length === 1 ? g.value : lax.pad(g.value, pads);
  });
  return merge(
    placed.reduce((acc, v) => lax.add(acc, v)),
    axis
  );
}

/** Index `i` along `axis`, 0 elsewhere. */
const at0 = (t: Tensor, axis: number, i: number) => t.shape.map((_, k) => (k === axis ? i : 0));

/** Each entry's neighbour along `axis` (before or after it), the edge entry standing in past the edge. */
function neighbour(t: Tensor, axis: number, dir: 'prev' | 'next'): Tensor {
  const n = t.shape[axis]!;
  if (n === UNKNOWN) {
    // Known only at run time: the edge entry, then all but the last (or all but the first, then the edge).
    const from = (u: Tensor, i: number) =>
      lax.sliceToEnd(
        u,
        at0(u, axis, i),
        u.shape.map(() => -1)
      );
    const firstOf = (u: Tensor) =>
      lax.sliceToEnd(
        u,
        at0(u, axis, 0),
        u.shape.map((_, k) => (k === axis ? 1 : -1))
      );
    const back = lax.reverse(t, [axis]);
    if (dir === 'prev') return lax.concat([firstOf(t), lax.reverse(from(back, 1), [axis])], axis);
    return lax.concat([from(t, 1), firstOf(back)], axis);
  }
  if (n <= 1) return t;
  const at = (i: number) => t.shape.map((_, k) => (k === axis ? i : 0));
  const len = (m: number) => t.shape.map((d, k) => (k === axis ? m : d));
  const pads = (before: number, after: number) => t.shape.map((_, k): Pair => (k === axis ? [before, after] : [0, 0]));
  // `t` gives the run-time sizes of the other axes (a placeholder's batch).
  const cut = (from: number, m: number) => lax.slice(t, at(from), len(m), t);
  if (dir === 'prev') return lax.add(lax.pad(cut(0, n - 1), pads(1, 0)), lax.pad(cut(0, 1), pads(0, n - 1)));
  return lax.add(lax.pad(cut(1, n - 1), pads(0, 1)), lax.pad(cut(n - 1, 1), pads(n - 1, 0)));
}
