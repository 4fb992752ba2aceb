// Products: dot and batch_dot, lowered to the matmul primitive as Keras's TF backend does.
import { options } from '../core/args.js';
import { fmtShape, keras, typeError, valueError } from '../core/context.js';
import { toPair, type TensorLike } from '../core/convert.js';
import { isKnown, range, UNKNOWN, isIntList } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import { SparseTensor } from '../core/sparse.js';
import { sparseDenseMatmul } from './sparse.js';
import { showValue as describe } from '../core/convert.js';

/**
 * Dot product of two tensors, as numpy.dot for an N-D `x` and an M-D `y` (M >= 2):
 * a sum over the last axis of `x` and the second-to-last axis of `y`, giving
 * shape `x.shape[:-1] + y.shape[:-2] + y.shape[-1:]`. When neither input has more
 * than 2 axes it is the matrix product tf.matmul, which takes 2-D inputs only. A
 * SparseTensor `x` is multiplied by a dense `y` (tf.sparse.sparse_dense_matmul).
 *
 * @param x  a tensor-like (at least 1-D), or a SparseTensor.
 * @param y  a tensor-like (2-D when `x` is 2-D; at least 2-D otherwise), dense.
 * @returns a tensor of the common dtype.
 * @throws K.ValueError when the contracted axes differ in length, or the ranks do not fit the rules above.
 * @throws K.TypeError when the dtypes differ, are bool, or `y` is sparse.
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [3, 4]]);
 * K.eval(K.dot(x, K.constant([[1], [1]]))); // [[3], [7]]
 * K.int_shape(K.dot(K.placeholder([32, 28, 3]), K.placeholder([3, 4]))); // [32, 28, 4]
 * K.int_shape(K.dot(K.ones([2, 3]), K.ones([4, 3, 5]))); // [2, 4, 5]
 * ```
 */
export function dot(x: TensorLike | SparseTensor, y: TensorLike): Tensor {
  return keras(dot, () => {
    if (x instanceof SparseTensor) return sparseDenseMatmul(x, y);
    if ((y as unknown) instanceof SparseTensor)
      throw typeError(
        'dot',
        'y must be dense (tf.sparse.sparse_dense_matmul takes a sparse x only); use K.to_dense(y)'
      );
    const [a, b] = toPair('dot', x, y);
    checkDot(a, b);
    if (a.rank <= 2 && b.rank <= 2) return lax.matmul(a, b);
    // Keras's rule: x as rows of its last axis, y with its second-to-last axis moved
    // first and the others flattened into columns, one matmul, then the shape back.
    const ys = b.shape,
      n = b.rank;
    const lead = a.shape.slice(0, -1);
    const perm = [n - 2, ...range(n).filter((i) => i !== n - 2)];
    const xt = lax.mergeAxes(a, [range(a.rank - 1), [a.rank - 1]]);
    const yp = n === 2 ? b : lax.transpose(b, perm);
    const yt = lax.mergeAxes(yp, [[0], range(n).slice(1)]);
    // x gives the run-time dims of the leading axes by position (y's others must be known for that).
    const like = [...ys.slice(0, -2), ys[n - 1]!].every((d) => d !== UNKNOWN) ? a : undefined;
    return lax.reshape(lax.matmul(xt, yt), [...lead, ...ys.slice(0, -2), ys[n - 1]!], like);
  });
}

function checkDot(a: Tensor, b: Tensor): void {
  const shapes = `x of shape ${fmtShape(a.shape)} and y of shape ${fmtShape(b.shape)}`;
  if (a.dtype !== b.dtype) throw typeError('dot', `x and y must have the same dtype; got ${a.dtype} and ${b.dtype}`);
  if (a.dtype === 'bool') throw typeError('dot', 'x and y must be numeric; got bool');
  if (a.rank > 2 || b.rank > 2) {
    // In Keras these fail inside the reshape rule (an IndexError); say why instead.
    if (a.rank === 0) throw valueError('dot', `x must have at least 1 dimension; got ${shapes}`);
    if (b.rank < 2)
      throw valueError('dot', `y must have at least 2 dimensions when x or y has more than 2; got ${shapes}`);
  } else if (a.rank !== 2 || b.rank !== 2) {
    throw valueError(
      'dot',
      `x and y must both be 2-D when neither has more than 2 dimensions (tf.matmul); got ${shapes}`
    );
  }
  const k = a.shape[a.rank - 1]!,
    l = b.shape[b.rank - 2]!;
  if (k !== l && k !== UNKNOWN && l !== UNKNOWN) {
    throw valueError(
      'dot',
      `the last axis of x (${k}) does not match the second-to-last axis of y (${l}); got ${shapes}`
    );
  }
}

/** batch_dot's axes: one axis for both inputs, an [x axis, y axis] pair, or null (Keras's default). */
export type BatchDotAxes = number | readonly number[] | null;
export interface BatchDotOptions {
  axes?: BatchDotAxes;
}

/**
 * Batchwise dot product: for every batch entry b, `x[b]` and `y[b]` are multiplied
 * and summed over axis `axes[0]` of `x` and axis `axes[1]` of `y` (axis 0 is the
 * batch and cannot be contracted). The result's shape is that of `x` without the
 * summed axis, followed by that of `y` without its batch and summed axes; a
 * result of rank 1 is reshaped to `(batch, 1)`.
 *
 * Shape inference, as Keras's docstring walks it: x of shape (100, 20), y of
 * shape (100, 30, 20), axes (1, 2):
 * - x.shape[0] = 100: appended (the batch);
 * - x.shape[1] = 20: not appended, summed over (axes[0] = 1);
 * - y.shape[0] = 100: not appended, y's batch axis is always dropped;
 * - y.shape[1] = 30: appended;
 * - y.shape[2] = 20: not appended, summed over (axes[1] = 2);
 *
 * so the result has shape (100, 30). As Keras's TF source: both inputs become
 * rank 3 (x with its contracted axis last, y with it at 1), one batched matmul,
 * then the shape back.
 *
 * @param x  a tensor-like with ndim >= 2.
 * @param y  a tensor-like with ndim >= 2 and the batch size of `x`.
 * @param axes  an integer (the same axis of both), an `[x axis, y axis]` pair, or null
 *   (default): the last axis of `x` and the last of `y` when `y` is 2-D, else its
 *   second-to-last. Also `options.axes`.
 * @returns a tensor of the common dtype.
 * @throws K.ValueError when a rank is below 2, the batch sizes or the contracted lengths differ, an axis is out of range or is the batch axis.
 * @throws K.TypeError when the dtypes differ or are bool, or `axes` is not an integer or pair.
 * @example
 * ```ts
 * const xBatch = K.ones([32, 20, 1]);
 * const yBatch = K.ones([32, 30, 20]);
 * K.int_shape(K.batch_dot(xBatch, yBatch, [1, 2])); // [32, 1, 30]
 * const x = K.constant([[1, 2], [3, 4]]);
 * K.eval(K.batch_dot(x, x, 1)); // [[5], [25]]
 * ```
 */
export function batch_dot(x: TensorLike, y: TensorLike, axes?: BatchDotAxes | BatchDotOptions): Tensor {
  return keras(batch_dot, () => {
    const o = options<BatchDotOptions>(['axes'], [axes]);
    const [a, b] = toPair('batch_dot', x, y);
    const [ax, ay] = batchDotAxes(a, b, o.axes ?? null);
    const xr = a.rank,
      yr = b.rank;

    // Rank 2 becomes 3: x (batch, 1, k), y (batch, k, 1); the 1 is squeezed at the end.
    let xt = xr === 2 ? lax.mergeAxes(a, [[0], [], [1]]) : a;
    let yt = yr === 2 ? lax.mergeAxes(b, [[0], [1], []]) : b;
    const px = xr === 2 ? 2 : ax;
    // x's contracted axis last and y's at 1, the other axes keeping their order.
    const xn = xt.rank,
      yn = yt.rank;
    if (px !== xn - 1) xt = lax.transpose(xt, [...range(xn).filter((i) => i !== px), px]);
    if (ay !== 1) yt = lax.transpose(yt, [0, ay, ...range(yn).filter((i) => i !== 0 && i !== ay)]);

    // Squash x's middle axes into one, and y's trailing ones, for a rank-3 matmul.
    const xMid = xt.shape.slice(1, -1),
      yTrail = yt.shape.slice(2);
    const [xPre, yPre] = [xt, yt];
    if (xn > 3) xt = lax.mergeAxes(xt, [[0], range(xn - 1).slice(1), [xn - 1]]);
    if (yn > 3) yt = lax.mergeAxes(yt, [[0], [1], range(yn).slice(2)]);
    let out = lax.matmul(xt, yt);
    // Split the merged axes back, their run-time dims taken from the operands before merging.
    if (xn > 3) {
      const shape = [out.shape[0]!, ...xMid, out.shape[2]!];
      out = isKnown(shape)
        ? lax.reshape(out, shape)
        : lax.reshapeFrom(
            out,
            shape,
            shape.map((_, i) => (i === 0 ? [0] : i === shape.length - 1 ? [2] : null)),
            { like: xPre, fromLike: shape.map((_, i) => (i === 0 || i === shape.length - 1 ? null : i)) }
          );
    }
    if (yn > 3) {
      const k = out.rank - 1;
      const shape = [...out.shape.slice(0, k), ...yTrail];
      out = isKnown(shape)
        ? lax.reshape(out, shape)
        : lax.reshapeFrom(
            out,
            shape,
            shape.map((_, i) => (i < k ? [i] : null)),
            { like: yPre, fromLike: shape.map((_, i) => (i < k ? null : 2 + i - k)) }
          );
    }

    // Drop the added axis of 1 (the others keep their run-time dims).
    if (xr === 2)
      return lax.mergeAxes(
        out,
        range(out.rank)
          .filter((i) => i !== 1)
          .map((i) => [i])
      );
    if (yr === 2)
      return lax.mergeAxes(
        out,
        range(out.rank - 1).map((i) => [i])
      );
    return out;
  });
}

/** Validate x, y and axes as Keras's source does; the contracted axes, normalised. */
function batchDotAxes(a: Tensor, b: Tensor, axes: unknown): [number, number] {
  const xs = a.shape,
    ys = b.shape;
  const shapes = `x of shape ${fmtShape(xs)} and y of shape ${fmtShape(ys)}`;
  if (a.dtype !== b.dtype)
    throw typeError('batch_dot', `x and y must have the same dtype; got ${a.dtype} and ${b.dtype}`);
  if (a.dtype === 'bool') throw typeError('batch_dot', 'x and y must be numeric; got bool');
  if (xs.length < 2 || ys.length < 2) throw valueError('batch_dot', `x and y must have rank >= 2; got ${shapes}`);
  if (xs[0] !== ys[0] && xs[0] !== UNKNOWN && ys[0] !== UNKNOWN) {
    throw valueError('batch_dot', `x and y must have the same batch size (axis 0); got ${shapes}`);
  }

  let pair: unknown[];
  if (axes === null) pair = ys.length === 2 ? [xs.length - 1, 1] : [xs.length - 1, ys.length - 2];
  else if (typeof axes === 'number') pair = [axes, axes];
  else if (Array.isArray(axes)) pair = axes;
  else throw typeError('batch_dot', `axes must be null, an integer or a pair of integers; got ${describe(axes)}`);
  if (pair.some((p) => Array.isArray(p))) {
    throw valueError(
      'batch_dot',
      `multiple target dimensions are not supported: axes must be null, an integer or a pair of integers; got ${describe(axes)}`
    );
  }
  if (pair.length !== 2) throw valueError('batch_dot', `axes must be a pair [x axis, y axis]; got ${describe(axes)}`);
  if (!isIntList(pair)) {
    throw typeError('batch_dot', `axes must be null, an integer or a pair of integers; got ${describe(axes)}`);
  }
  const given = `axes ${describe(axes)}`;
  const [ax, ay] = [pair[0] as number, pair[1] as number].map((p, i) => {
    const rank = i === 0 ? xs.length : ys.length;
    if (p < -rank || p >= rank) {
      throw valueError(
        'batch_dot',
        `${given}: axis ${p} is out of range for ${i === 0 ? 'x' : 'y'} of rank ${rank}; got ${shapes}`
      );
    }
    return p < 0 ? p + rank : p;
  }) as [number, number];
  if (ax === 0 || ay === 0) {
    throw valueError(
      'batch_dot',
      `${given}: cannot contract over axis 0, the batch axis (add a batch axis with K.expand_dims(x, 0) if the inputs are not batched); got ${shapes}`
    );
  }
  const dx = xs[ax]!,
    dy = ys[ay]!;
  if (dx !== dy && dx !== UNKNOWN && dy !== UNKNOWN) {
    throw valueError('batch_dot', `${given}: x.shape[${ax}] != y.shape[${ay}] (${dx} != ${dy}); got ${shapes}`);
  }
  return [ax, ay];
}
