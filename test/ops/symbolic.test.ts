// Every Keras function of ktape that takes tensors, built on placeholders: the
// symbolic result has the int_shape and dtype of the eager result on concrete
// values, K.function on the placeholders returns the eager values, and
// K.gradients of a scalar made from it, evaluated through K.function, is the
// eager gradient. Each case runs twice: placeholders whose batch dimension
// (axis 0 of the inputs marked `batch`) is null, then fed with two batch sizes;
// and placeholders with every dimension known.
// Random ops (random_*, dropout) are excepted: they draw on the host when
// called and again at every K.function call (checked below and in random.test.ts);
// they take shapes, not tensors, except dropout.
import ndarray, { type NdArray } from 'ndarray';
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import type { DType } from '../../src/index.js';
import { allocate, isFloat } from '../../src/core/dtype.js';
import * as conv from '../../src/ops/conv.js';
import * as image from '../../src/ops/image.js';
import * as indexing from '../../src/ops/indexing.js';
import * as linalg from '../../src/ops/linalg.js';
import * as math from '../../src/ops/math.js';
import * as nn from '../../src/ops/nn.js';
import * as pool from '../../src/ops/pool.js';
import * as reduce from '../../src/ops/reduce.js';
import * as scan from '../../src/ops/scan.js';
import * as shape from '../../src/ops/shape.js';
import * as variables from '../../src/ops/variables.js';
import * as creation from '../../src/ops/creation.js';
import * as queries from '../../src/ops/queries.js';
import * as castOps from '../../src/ops/cast.js';
import { expectClose, expectError, tolFor } from '../helpers.js';

interface In {
  /** The concrete shape (batch first where `batch`). */
  shape: number[];
  dtype?: DType;
  /** Whether axis 0 is the batch, null in the unknown-batch variant (default: true for rank >= 1). */
  batch?: boolean;
  /** Uniform in [low, high] for floats (default [-2, 2]); integers in [low, high] inclusive (default [0, 3]). */
  low?: number;
  high?: number;
}

interface Case {
  fn: string;
  variant?: string;
  inputs: In[];
  build: (...xs: K.Tensor[]) => K.Tensor | K.Tensor[];
  /** Why the gradient is not compared (when a float result has one). */
  noGrad?: string;
  /** Why the unknown-batch variant is not fed a second batch size. */
  fixedBatch?: string;
  /** Tolerance (relative, with an absolute floor) when the symbolic path computes differently (default tolFor(dtype)). */
  tol?: number;
}

/** Which dims of the `batch` inputs are null: none, the batch (axis 0), or all of them. */
type Unknown = 'none' | 'batch' | 'all';

const f64 = (shape: number[], o: Partial<In> = {}): In => ({ shape, dtype: 'float64', ...o });
const i32 = (shape: number[], low = 0, high = 3, o: Partial<In> = {}): In => ({
  shape,
  dtype: 'int32',
  low,
  high,
  ...o,
});
const fixed = (shape: number[], o: Partial<In> = {}): In => ({ shape, batch: false, ...o });
const pos = (shape: number[], o: Partial<In> = {}): In => ({ shape, low: 0.5, high: 2, ...o });
const prob = (shape: number[], o: Partial<In> = {}): In => ({ shape, low: 0.1, high: 0.9, ...o });
const bool = (shape: number[], o: Partial<In> = {}): In => ({ shape, dtype: 'bool', ...o });

const X = [3, 4];

const CASES: Case[] = [
  // ---- math: arithmetic and comparisons --------------------------------------
  { fn: 'add', variant: 'broadcast (4,)', inputs: [{ shape: X }, fixed([4])], build: (x, y) => K.add(x, y) },
  { fn: 'add', variant: 'int32', inputs: [i32(X), i32(X)], build: (x, y) => K.add(x, y) },
  {
    fn: 'subtract',
    variant: 'broadcast (3, 1)',
    inputs: [{ shape: X }, { shape: [3, 1] }],
    build: (x, y) => K.subtract(x, y),
  },
  { fn: 'multiply', inputs: [{ shape: X }, { shape: X }], build: (x, y) => K.multiply(x, y) },
  { fn: 'multiply', variant: 'a number', inputs: [{ shape: X }], build: (x) => K.multiply(x, 3) },
  { fn: 'divide', inputs: [{ shape: X }, pos(X)], build: (x, y) => K.divide(x, y) },
  {
    fn: 'divide',
    variant: 'int32 becomes float64',
    inputs: [i32(X, -5, 5), i32(X, 1, 4)],
    build: (x, y) => K.divide(x, y),
  },
  { fn: 'negative', inputs: [{ shape: X }], build: (x) => K.negative(x) },
  { fn: 'abs', inputs: [{ shape: X }], build: (x) => K.abs(x) },
  { fn: 'sign', inputs: [{ shape: X }], build: (x) => K.sign(x) },
  { fn: 'square', inputs: [{ shape: X }], build: (x) => K.square(x) },
  { fn: 'pow', variant: 'a number', inputs: [pos(X)], build: (x) => K.pow(x, 2.5) },
  { fn: 'pow', variant: 'a tensor', inputs: [pos(X), fixed([4], { low: -1, high: 2 })], build: (x, a) => K.pow(x, a) },
  {
    fn: 'pow',
    variant: 'int32 (no host-side check on a symbolic exponent)',
    inputs: [i32(X, -3, 3), i32(X, 0, 3)],
    build: (x, a) => K.pow(x, a),
  },
  { fn: 'round', inputs: [{ shape: X }], build: (x) => K.round(x) },
  { fn: 'exp', inputs: [{ shape: X }], build: (x) => K.exp(x) },
  { fn: 'log', inputs: [pos(X)], build: (x) => K.log(x) },
  { fn: 'sqrt', inputs: [pos(X)], build: (x) => K.sqrt(x) },
  { fn: 'sin', inputs: [{ shape: X }], build: (x) => K.sin(x) },
  { fn: 'cos', inputs: [{ shape: X }], build: (x) => K.cos(x) },
  { fn: 'tanh', inputs: [{ shape: X }], build: (x) => K.tanh(x) },
  { fn: 'sigmoid', inputs: [{ shape: X }], build: (x) => K.sigmoid(x) },
  { fn: 'hard_sigmoid', inputs: [{ shape: X, low: -4, high: 4 }], build: (x) => K.hard_sigmoid(x) },
  { fn: 'softplus', inputs: [{ shape: X }], build: (x) => K.softplus(x) },
  { fn: 'softsign', inputs: [{ shape: X }], build: (x) => K.softsign(x) },
  { fn: 'relu', inputs: [{ shape: X }], build: (x) => K.relu(x) },
  { fn: 'relu', variant: 'alpha', inputs: [{ shape: X }], build: (x) => K.relu(x, 0.1) },
  {
    fn: 'relu',
    variant: 'max_value, threshold',
    inputs: [{ shape: X }],
    build: (x) => K.relu(x, { alpha: 0.2, max_value: 1.5, threshold: 0.3 }),
  },
  { fn: 'relu', variant: 'relu6', inputs: [{ shape: X, low: -4, high: 8 }], build: (x) => K.relu(x, { max_value: 6 }) },
  { fn: 'elu', inputs: [{ shape: X }], build: (x) => K.elu(x, 0.5) },
  { fn: 'clip', inputs: [{ shape: X }], build: (x) => K.clip(x, -0.5, 0.7) },
  {
    fn: 'clip',
    variant: 'tensor bounds, one null',
    inputs: [{ shape: X }, fixed([4], { low: -1, high: 0 })],
    build: (x, lo) => K.clip(x, lo, null),
  },
  { fn: 'maximum', inputs: [{ shape: X }, { shape: X }], build: (x, y) => K.maximum(x, y) },
  { fn: 'minimum', inputs: [{ shape: X }, fixed([4])], build: (x, y) => K.minimum(x, y) },
  { fn: 'equal', inputs: [i32(X), i32(X)], build: (x, y) => K.equal(x, y) },
  { fn: 'not_equal', inputs: [i32(X), i32([4], 0, 3, { batch: false })], build: (x, y) => K.not_equal(x, y) },
  { fn: 'greater', inputs: [{ shape: X }, { shape: X }], build: (x, y) => K.greater(x, y) },
  { fn: 'greater_equal', inputs: [i32(X), i32(X)], build: (x, y) => K.greater_equal(x, y) },
  { fn: 'less', inputs: [{ shape: X }], build: (x) => K.less(x, 0.5) },
  { fn: 'less_equal', inputs: [{ shape: X }, { shape: X }], build: (x, y) => K.less_equal(x, y) },
  { fn: 'Tensor methods', inputs: [{ shape: X }, pos(X)], build: (x, y) => x.add(y).sub(x.mul(y)).div(y).neg() },

  // ---- reductions ------------------------------------------------------------
  { fn: 'sum', inputs: [{ shape: X }], build: (x) => K.sum(x) },
  { fn: 'sum', variant: 'over the batch', inputs: [{ shape: X }], build: (x) => K.sum(x, 0) },
  { fn: 'sum', variant: 'axis 1, keepdims', inputs: [{ shape: X }], build: (x) => K.sum(x, 1, true) },
  { fn: 'mean', inputs: [{ shape: X }], build: (x) => K.mean(x) },
  {
    fn: 'mean',
    variant: 'over the batch, keepdims',
    inputs: [{ shape: [3, 2, 2] }],
    build: (x) => K.mean(x, [0, 2], true),
  },
  { fn: 'mean', variant: 'int32', inputs: [i32(X, -9, 9)], build: (x) => K.mean(x, 0) },
  { fn: 'mean', variant: 'bool', inputs: [bool(X)], build: (x) => K.mean(x, 1) },
  { fn: 'max', inputs: [{ shape: X }], build: (x) => K.max(x, 1) },
  { fn: 'max', variant: 'over the batch', inputs: [{ shape: X }], build: (x) => K.max(x, 0, true) },
  { fn: 'min', inputs: [{ shape: X }], build: (x) => K.min(x) },
  { fn: 'prod', inputs: [{ shape: X }], build: (x) => K.prod(x, 1) },
  { fn: 'prod', variant: 'over the batch', inputs: [{ shape: X }], build: (x) => K.prod(x, 0) },
  { fn: 'prod', variant: 'all axes', inputs: [{ shape: X, low: 0.5, high: 1.5 }], build: (x) => K.prod(x) },
  { fn: 'prod', variant: 'axes [0, 2]', inputs: [{ shape: [3, 2, 2] }], build: (x) => K.prod(x, [0, 2]) },
  { fn: 'var', inputs: [{ shape: X }], build: (x) => K.var(x, 0) },
  { fn: 'var', variant: 'all axes', inputs: [{ shape: X }], build: (x) => K.var(x) },
  { fn: 'std', inputs: [{ shape: X }], build: (x) => K.std(x, 1, true) },
  { fn: 'std', variant: 'over the batch', inputs: [{ shape: X }], build: (x) => K.std(x, 0) },
  { fn: 'any', inputs: [bool(X)], build: (x) => K.any(x, 1) },
  { fn: 'any', variant: 'float, over the batch', inputs: [i32(X, 0, 1)], build: (x) => K.any(x, 0) },
  { fn: 'all', inputs: [bool(X)], build: (x) => K.all(x, 0) },
  { fn: 'argmax', inputs: [{ shape: X }], build: (x) => K.argmax(x) },
  { fn: 'argmin', variant: 'over the batch', inputs: [{ shape: X }], build: (x) => K.argmin(x, 0) },

  // ---- shapes ----------------------------------------------------------------
  { fn: 'reshape', variant: '-1 for the batch', inputs: [{ shape: [3, 2, 3] }], build: (x) => K.reshape(x, [-1, 6]) },
  { fn: 'reshape', variant: 'split an axis', inputs: [{ shape: [3, 6] }], build: (x) => K.reshape(x, [-1, 2, 3]) },
  { fn: 'transpose', inputs: [{ shape: [3, 2, 4] }], build: (x) => K.transpose(x) },
  { fn: 'permute_dimensions', inputs: [{ shape: [3, 2, 4] }], build: (x) => K.permute_dimensions(x, [2, 0, 1]) },
  { fn: 'expand_dims', inputs: [{ shape: X }], build: (x) => K.expand_dims(x, 1) },
  { fn: 'expand_dims', variant: 'axis 0', inputs: [{ shape: X }], build: (x) => K.expand_dims(x, 0) },
  { fn: 'squeeze', inputs: [{ shape: [3, 1, 4] }], build: (x) => K.squeeze(x, 1) },
  { fn: 'slice', inputs: [{ shape: [3, 5] }], build: (x) => K.slice(x, [1, 1], [2, 3]) },
  { fn: 'slice', variant: 'size -1', inputs: [{ shape: [3, 5] }], build: (x) => K.slice(x, [0, 2], [2, -1]) },
  {
    fn: 'slice',
    variant: 'size -1 from 0 along the batch',
    inputs: [{ shape: [3, 5] }],
    build: (x) => K.slice(x, [0, 1], [-1, 3]),
  },

  // ---- products --------------------------------------------------------------
  { fn: 'dot', variant: '2-D', inputs: [{ shape: [3, 2] }, fixed([2, 4])], build: (x, y) => K.dot(x, y) },
  { fn: 'dot', variant: '3-D x', inputs: [{ shape: [3, 2, 3] }, fixed([3, 4])], build: (x, y) => K.dot(x, y) },
  { fn: 'dot', variant: '3-D y', inputs: [{ shape: [3, 2] }, fixed([2, 2, 4])], build: (x, y) => K.dot(x, y) },
  {
    fn: 'batch_dot',
    variant: '2-D, axes 1',
    inputs: [{ shape: [3, 2] }, { shape: [3, 2] }],
    build: (x, y) => K.batch_dot(x, y, 1),
  },
  {
    fn: 'batch_dot',
    variant: '3-D',
    inputs: [{ shape: [3, 2, 3] }, { shape: [3, 3, 4] }],
    build: (x, y) => K.batch_dot(x, y),
  },
  {
    fn: 'batch_dot',
    variant: '3-D and 2-D',
    inputs: [{ shape: [3, 2, 3] }, { shape: [3, 3] }],
    build: (x, y) => K.batch_dot(x, y, [2, 1]),
  },
  {
    fn: 'batch_dot',
    variant: '4-D and 3-D',
    inputs: [{ shape: [3, 2, 2, 3] }, { shape: [3, 3, 2] }],
    build: (x, y) => K.batch_dot(x, y, [3, 1]),
  },

  // ---- nn ----------------------------------------------------------------------
  { fn: 'softmax', inputs: [{ shape: X }], build: (x) => K.softmax(x) },
  { fn: 'softmax', variant: 'over the batch', inputs: [{ shape: X }], build: (x) => K.softmax(x, 0) },
  { fn: 'binary_crossentropy', inputs: [prob(X), prob(X)], build: (z, p) => K.binary_crossentropy(z, p) },
  {
    fn: 'binary_crossentropy',
    variant: 'from_logits',
    inputs: [prob(X), { shape: X }],
    build: (z, x) => K.binary_crossentropy(z, x, true),
  },
  {
    fn: 'binary_crossentropy',
    variant: 'of a sigmoid (graph mode uses its logits)',
    inputs: [prob(X), { shape: X }],
    build: (z, x) => K.binary_crossentropy(z, K.sigmoid(x)),
    tol: 1e-5,
  },
  { fn: 'categorical_crossentropy', inputs: [prob(X), prob(X)], build: (z, p) => K.categorical_crossentropy(z, p) },
  {
    fn: 'categorical_crossentropy',
    variant: 'from_logits, axis 0',
    inputs: [prob(X), { shape: X }],
    build: (z, x) => K.categorical_crossentropy(z, x, true, 0),
  },
  {
    fn: 'categorical_crossentropy',
    variant: 'of a softmax (graph mode uses its logits)',
    inputs: [prob(X), { shape: X }],
    build: (z, x) => K.categorical_crossentropy(z, K.softmax(x)),
    tol: 1e-5,
  },
  {
    fn: 'sparse_categorical_crossentropy',
    inputs: [i32([3]), prob(X)],
    build: (z, p) => K.sparse_categorical_crossentropy(z, p),
  },
  {
    fn: 'sparse_categorical_crossentropy',
    variant: 'from_logits, labels (batch, 1)',
    inputs: [i32([3, 1]), { shape: X }],
    build: (z, x) => K.sparse_categorical_crossentropy(z, x, true),
  },
  {
    fn: 'sparse_categorical_crossentropy',
    variant: 'of a softmax',
    inputs: [i32([3]), { shape: X }],
    build: (z, x) => K.sparse_categorical_crossentropy(z, K.softmax(x)),
    tol: 1e-5,
  },
  { fn: 'l2_normalize', inputs: [{ shape: X }], build: (x) => K.l2_normalize(x, -1) },
  { fn: 'l2_normalize', variant: 'all axes', inputs: [{ shape: X }], build: (x) => K.l2_normalize(x) },
  { fn: 'in_top_k', inputs: [{ shape: X }, i32([3])], build: (p, t) => K.in_top_k(p, t, 2) },
  { fn: 'bias_add', inputs: [{ shape: [3, 2, 4] }, fixed([4])], build: (x, b) => K.bias_add(x, b) },
  {
    fn: 'bias_add',
    variant: 'channels_first',
    inputs: [{ shape: [3, 4, 2] }, fixed([4])],
    build: (x, b) => K.bias_add(x, b, 'channels_first'),
  },
  {
    fn: 'bias_add',
    variant: 'bias of rank ndim - 1',
    inputs: [{ shape: [3, 2, 4] }, fixed([2, 4])],
    build: (x, b) => K.bias_add(x, b),
  },
  {
    fn: 'batch_normalization',
    inputs: [{ shape: X }, fixed([4]), pos([4], { batch: false }), fixed([4]), fixed([4])],
    build: (x, m, v, b, g) => K.batch_normalization(x, m, v, b, g),
  },
  {
    fn: 'batch_normalization',
    variant: '4-D (fused)',
    inputs: [{ shape: [3, 2, 2, 4] }, fixed([4]), pos([4], { batch: false }), fixed([4]), fixed([4])],
    build: (x, m, v, b, g) => K.batch_normalization(x, m, v, b, g, -1, 1e-3),
  },
  {
    fn: 'normalize_batch_in_training',
    variant: 'over the batch',
    inputs: [{ shape: X }, fixed([4]), fixed([4])],
    build: (x, g, b) => K.normalize_batch_in_training(x, g, b, [0]),
  },
  {
    fn: 'normalize_batch_in_training',
    variant: '4-D fused, [0, 1, 2]',
    inputs: [{ shape: [3, 2, 2, 4] }, fixed([4]), fixed([4])],
    build: (x, g, b) => K.normalize_batch_in_training(x, g, b, [0, 1, 2]),
  },
  {
    fn: 'normalize_batch_in_training',
    variant: 'axes [0, 2]',
    inputs: [{ shape: [3, 4, 2] }, fixed([4, 1]), fixed([4, 1])],
    build: (x, g, b) => K.normalize_batch_in_training(x, g, b, [0, 2]),
  },

  // ---- indexing ------------------------------------------------------------------
  { fn: 'concatenate', inputs: [{ shape: [3, 2] }, { shape: [3, 3] }], build: (x, y) => K.concatenate([x, y]) },
  {
    fn: 'concatenate',
    variant: 'along the batch',
    inputs: [{ shape: [3, 2] }, fixed([2, 2])],
    build: (x, y) => K.concatenate([y, x], 0),
  },
  { fn: 'stack', inputs: [{ shape: X }, { shape: X }], build: (x, y) => K.stack([x, y], 1) },
  { fn: 'flatten', inputs: [{ shape: [3, 2, 2] }], build: (x) => K.flatten(x) },
  { fn: 'batch_flatten', inputs: [{ shape: [3, 2, 2] }], build: (x) => K.batch_flatten(x) },
  { fn: 'tile', inputs: [{ shape: [3, 2] }], build: (x) => K.tile(x, [2, 3]) },
  { fn: 'repeat', inputs: [{ shape: [3, 2] }], build: (x) => K.repeat(x, 3) },
  { fn: 'repeat_elements', inputs: [{ shape: [3, 2] }], build: (x) => K.repeat_elements(x, 2, 1) },
  {
    fn: 'repeat_elements',
    variant: 'along the batch',
    inputs: [{ shape: [3, 2] }],
    build: (x) => K.repeat_elements(x, 2, 0),
  },
  { fn: 'reverse', inputs: [{ shape: [3, 2, 2] }], build: (x) => K.reverse(x, [0, 2]) },
  { fn: 'gather', inputs: [fixed([5, 2]), i32([3], 0, 4)], build: (r, i) => K.gather(r, i) },
  {
    fn: 'gather',
    variant: 'reference with the batch',
    inputs: [{ shape: [3, 2] }, i32([4], 0, 2, { batch: false })],
    build: (r, i) => K.gather(r, i),
  },
  { fn: 'one_hot', inputs: [i32([3], -1, 4)], build: (i) => K.one_hot(i, 4) },

  // ---- scans -------------------------------------------------------------------
  { fn: 'cumsum', inputs: [{ shape: X }], build: (x) => K.cumsum(x, 1) },
  { fn: 'cumsum', variant: 'over the batch', inputs: [{ shape: X }], build: (x) => K.cumsum(x) },
  { fn: 'cumprod', inputs: [{ shape: X }], build: (x) => K.cumprod(x, -1) },
  { fn: 'cumprod', variant: 'over the batch', inputs: [{ shape: X }], build: (x) => K.cumprod(x, 0) },

  // ---- image -------------------------------------------------------------------
  { fn: 'temporal_padding', inputs: [{ shape: [3, 2, 2] }], build: (x) => K.temporal_padding(x, [1, 2]) },
  {
    fn: 'spatial_2d_padding',
    inputs: [{ shape: [3, 2, 2, 1] }],
    build: (x) =>
      K.spatial_2d_padding(x, [
        [1, 0],
        [0, 2],
      ]),
  },
  {
    fn: 'spatial_2d_padding',
    variant: 'channels_first',
    inputs: [{ shape: [3, 1, 2, 2] }],
    build: (x) =>
      K.spatial_2d_padding(
        x,
        [
          [1, 1],
          [1, 1],
        ],
        'channels_first'
      ),
  },
  { fn: 'spatial_3d_padding', inputs: [{ shape: [3, 2, 1, 2, 1] }], build: (x) => K.spatial_3d_padding(x) },
  { fn: 'resize_images', inputs: [{ shape: [3, 2, 2, 1] }], build: (x) => K.resize_images(x, 2, 3, 'channels_last') },
  {
    fn: 'resize_images',
    variant: 'bilinear',
    inputs: [{ shape: [3, 2, 3, 1] }],
    build: (x) => K.resize_images(x, 3, 2, 'channels_last', 'bilinear'),
  },
  {
    fn: 'resize_volumes',
    inputs: [{ shape: [3, 1, 2, 2, 1] }],
    build: (x) => K.resize_volumes(x, 2, 1, 2, 'channels_last'),
  },
  { fn: 'print_tensor', inputs: [{ shape: [3, 2] }], build: (x) => K.print_tensor(x, 'symbolic sweep:') },

  // ---- convolutions and pooling ----------------------------------------------
  { fn: 'conv1d', inputs: [{ shape: [3, 5, 2] }, fixed([3, 2, 4])], build: (x, k) => K.conv1d(x, k, 1, 'same') },
  {
    fn: 'conv1d',
    variant: 'causal, dilated',
    inputs: [{ shape: [3, 6, 2] }, fixed([2, 2, 3])],
    build: (x, k) => K.conv1d(x, k, { padding: 'causal', dilation_rate: 2 }),
  },
  {
    fn: 'conv2d',
    inputs: [{ shape: [3, 5, 5, 2] }, fixed([3, 3, 2, 3])],
    build: (x, k) => K.conv2d(x, k, [2, 2], 'same'),
  },
  {
    fn: 'conv2d',
    variant: 'channels_first, valid',
    inputs: [{ shape: [3, 2, 4, 4] }, fixed([2, 2, 2, 3])],
    build: (x, k) => K.conv2d(x, k, 1, 'valid', 'channels_first'),
  },
  { fn: 'conv3d', inputs: [{ shape: [3, 3, 3, 3, 2] }, fixed([2, 2, 2, 2, 2])], build: (x, k) => K.conv3d(x, k) },
  {
    fn: 'conv2d_transpose',
    inputs: [{ shape: [3, 3, 3, 2] }, fixed([3, 3, 4, 2])],
    build: (x, k) => K.conv2d_transpose(x, k, [null, 6, 6, 4], [2, 2], 'same'),
  },
  {
    fn: 'depthwise_conv2d',
    inputs: [{ shape: [3, 4, 4, 2] }, fixed([3, 3, 2, 2])],
    build: (x, k) => K.depthwise_conv2d(x, k, [1, 1], 'same'),
  },
  {
    fn: 'separable_conv2d',
    inputs: [{ shape: [3, 4, 4, 2] }, fixed([2, 2, 2, 2]), fixed([1, 1, 4, 3])],
    build: (x, d, p) => K.separable_conv2d(x, d, p, [1, 1], 'valid'),
  },
  {
    fn: 'pool2d',
    inputs: [{ shape: [3, 4, 4, 2] }],
    build: (x) => K.pool2d(x, [2, 2], [2, 2], 'valid', 'channels_last', 'max'),
  },
  {
    fn: 'pool2d',
    variant: 'avg, same, channels_first',
    inputs: [{ shape: [3, 2, 5, 5] }],
    build: (x) => K.pool2d(x, [3, 3], [2, 2], 'same', 'channels_first', 'avg'),
  },
  {
    fn: 'pool3d',
    inputs: [{ shape: [3, 2, 4, 4, 1] }],
    build: (x) => K.pool3d(x, [2, 2, 2], [1, 2, 2], 'valid', 'channels_last', 'avg'),
  },
  {
    fn: 'local_conv1d',
    inputs: [{ shape: [3, 4, 2] }, fixed([3, 4, 3])],
    build: (x, k) => K.local_conv1d(x, k, [2], [1], 'channels_last'),
  },
  {
    fn: 'local_conv2d',
    inputs: [{ shape: [3, 3, 3, 2] }, fixed([4, 8, 2])],
    build: (x, k) => K.local_conv2d(x, k, [2, 2], [1, 1], [2, 2], 'channels_last'),
  },

  // ---- state -------------------------------------------------------------------
  { fn: 'cast', inputs: [{ shape: X }], build: (x) => K.cast(x, 'int32') },
  { fn: 'cast', variant: 'to float64', inputs: [{ shape: X }], build: (x) => K.cast(x, 'float64') },
  { fn: 'cast_to_floatx', inputs: [f64(X)], build: (x) => K.cast_to_floatx(x) },
  { fn: 'zeros_like', inputs: [{ shape: X }], build: (x) => K.zeros_like(x, 'int32') },
  { fn: 'ones_like', inputs: [{ shape: X }], build: (x) => K.add(K.ones_like(x), x) },
  // K.constant of a symbolic tensor is refused, as tf.constant refuses a graph tensor (test/ops/creation.test.ts).
  { fn: 'stop_gradient', inputs: [{ shape: X }], build: (x) => K.multiply(K.stop_gradient(x), x) },
];

/**
 * Why a case (its title, or its function for all of them) is not also built on
 * placeholders whose every dimension is null (K.placeholder(null, ndim), for the
 * `batch` inputs): each is a clear ValueError, checked under 'limits' below.
 */
const NDIM_LIMITS: Record<string, string> = {
  local_conv1d: 'the windows are cut at known offsets: only the batch may be unknown',
  local_conv2d: 'the windows are cut at known offsets: only the batch may be unknown',
};

/**
 * Functions of the families above that take no tensor to build a graph on,
 * or whose symbolic behaviour is checked on its own below.
 */
const EXCEPTED: Record<string, string> = {
  floatInput: 'an internal helper (exported from src/ops/math.ts), not a Keras function',
  arange: 'takes numbers, not tensors',
  variable: 'makes a variable from a value; a symbolic value is a ValueError (below)',
  constant:
    'copies a value; a symbolic value is a ValueError, as tf.constant refuses a graph tensor (test/ops/creation.test.ts)',
  evaluate: 'K.eval of a symbolic tensor is a ValueError (below)',
  get_value: 'of a symbolic tensor is a ValueError (below)',
  batch_get_value: 'of a symbolic tensor is a ValueError (below)',
  set_value: 'assigns a value; a symbolic value is a ValueError (below)',
  batch_set_value: 'assigns values; a symbolic value is a ValueError (below)',
  update: 'a symbolic operand makes an update op for K.function (test/ops/variables.test.ts)',
  update_add: 'a symbolic operand makes an update op for K.function (test/ops/variables.test.ts)',
  update_sub: 'a symbolic operand makes an update op for K.function (test/ops/variables.test.ts)',
  moving_average_update: 'a symbolic operand makes an update op for K.function (test/ops/variables.test.ts)',
  UpdateOp: 'the class of those update ops',
  zeros: 'takes a shape',
  ones: 'takes a shape',
  eye: 'takes a size',
  count_params: 'needs known dimensions: checked below',
  int_shape: 'checked below and by every case',
  ndim: 'checked below',
  dtype: 'checked below and by every case',
  shape: 'needs known dimensions: checked below',
};

// ---------------------------------------------------------------------------

/** A deterministic generator per case (mulberry32). */
function rng(seedText: string): () => number {
  let a = 0;
  for (const ch of seedText) a = (Math.imul(a, 31) + ch.charCodeAt(0)) | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dtypeOf = (s: In): DType => s.dtype ?? 'float32';
const isBatch = (s: In) => s.batch ?? s.shape.length > 0;

function sample(s: In, shapeNow: number[], next: () => number): NdArray {
  const d = dtypeOf(s);
  const n = shapeNow.reduce((p, q) => p * q, 1);
  const data = allocate(d, n);
  for (let i = 0; i < n; i++) {
    if (d === 'bool') data[i] = next() < 0.5 ? 1 : 0;
    else if (isFloat(d)) data[i] = (s.low ?? -2) + next() * ((s.high ?? 2) - (s.low ?? -2));
    else data[i] = (s.low ?? 0) + Math.floor(next() * ((s.high ?? 3) - (s.low ?? 0) + 1));
  }
  return ndarray(data, shapeNow);
}

const list = (r: K.Tensor | K.Tensor[]): K.Tensor[] => (Array.isArray(r) ? r : [r]);

/** A scalar of every float result, with a gradient that no normalisation cancels. */
function lossOf(outs: K.Tensor[]): K.Tensor | null {
  const parts = outs.filter((o) => isFloat(o.dtype)).map((o) => K.sum(K.square(o)));
  return parts.length === 0 ? null : parts.reduce((a, b) => K.add(a, b));
}

function expectValue(got: NdArray, want: K.Tensor, tol: number | undefined, what: string): void {
  expect(got.shape, `${what}: shape`).toEqual(want.shape);
  expectClose(K.constant(got, want.dtype), want.toArray(), tol ?? tolFor(want.dtype));
}

function check(c: Case, unknown: Unknown): void {
  const next = rng(`${c.fn} ${c.variant ?? ''}`);
  const nullAt = (s: In, k: number) => isBatch(s) && (unknown === 'all' || (unknown === 'batch' && k === 0));
  const phs = c.inputs.map((s) =>
    unknown === 'all' && isBatch(s)
      ? K.placeholder(null, s.shape.length, dtypeOf(s))
      : K.placeholder(
          s.shape.map((d, k) => (nullAt(s, k) ? null : d)),
          null,
          dtypeOf(s)
        )
  );
  const sym = list(c.build(...phs));
  const floats = c.inputs.map((s, i) => (isFloat(dtypeOf(s)) ? i : -1)).filter((i) => i >= 0);
  const loss = lossOf(sym);
  const symGrads =
    loss === null || c.noGrad !== undefined
      ? []
      : K.gradients(
          loss,
          floats.map((i) => phs[i]!)
        );
  const f = K.function(phs, sym);
  const g = K.function(
    phs,
    symGrads.filter((t): t is K.Tensor => t !== null)
  );

  const batches = unknown !== 'none' && c.fixedBatch === undefined ? [0, 1] : [0];
  for (const extra of batches) {
    const values = c.inputs.map((s) =>
      sample(
        s,
        s.shape.map((d, k) => (k === 0 && isBatch(s) ? d + extra : d)),
        next
      )
    );
    const eagerIn = values.map((v, i) => K.constant(v, dtypeOf(c.inputs[i]!)));
    const eager = list(c.build(...eagerIn));
    const what = `${c.fn} (${c.variant ?? 'default'}), batch + ${extra}`;
    expect(sym.length, what).toBe(eager.length);
    sym.forEach((t, k) => {
      const e = eager[k]!;
      expect(K.is_keras_tensor(t), `${what}: result ${k} is symbolic`).toBe(true);
      expect(K.dtype(t), `${what}: dtype`).toBe(K.dtype(e));
      const si = K.int_shape(t);
      const ei = K.int_shape(e);
      if (unknown !== 'none') {
        expect(si.length, `${what}: rank`).toBe(ei.length);
        expect(
          si.map((d, j) => d ?? ei[j]),
          `${what}: known dims of int_shape ${JSON.stringify(si)}`
        ).toEqual(ei);
      } else {
        expect(si, `${what}: int_shape`).toEqual(ei);
      }
    });
    f(values).forEach((v, k) => expectValue(v, eager[k]!, c.tol, `${what}: output ${k}`));

    if (loss === null || c.noGrad !== undefined) continue;
    const eagerGrads = K.gradients(
      lossOf(eager)!,
      floats.map((i) => eagerIn[i]!)
    );
    expect(
      symGrads.map((t) => t === null),
      `${what}: which gradients are null`
    ).toEqual(eagerGrads.map((t) => t === null));
    const got = g(values);
    eagerGrads
      .filter((t): t is K.Tensor => t !== null)
      .forEach((e, k) => expectValue(got[k]!, e, c.tol, `${what}: gradient ${k}`));
  }
}

describe('every Keras function on placeholders', () => {
  for (const c of CASES) {
    const title = `${c.fn}${c.variant === undefined ? '' : ` (${c.variant})`}`;
    it(`${title}: null batch, fed two batch sizes`, () => check(c, 'batch'));
    it(`${title}: every dimension known`, () => check(c, 'none'));
    if (NDIM_LIMITS[title] === undefined && NDIM_LIMITS[c.fn] === undefined)
      it(`${title}: every dimension null`, () => check(c, 'all'));
  }

  it('covers every function of the families that takes tensors', () => {
    const families = {
      math,
      reduce,
      shape,
      linalg,
      nn,
      indexing,
      scan,
      image,
      conv,
      pool,
      variables,
      creation,
      queries,
      cast: castOps,
    };
    const covered = new Set(CASES.map((c) => c.fn));
    const missing: string[] = [];
    for (const [family, mod] of Object.entries(families)) {
      for (const [name, v] of Object.entries(mod)) {
        // Only the Keras functions (exported by the package); a family's internal helpers need no sweep.
        if (typeof v !== 'function' || !(name in K) || covered.has(name) || name in EXCEPTED) continue;
        // K.var is exported from reduce.ts under its Keras name.
        missing.push(`${family}.${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('symbolic queries and values', () => {
  it('int_shape, ndim and dtype of placeholders and of results made from them', () => {
    const x = K.placeholder([null, 3, 2], null, 'float64');
    expect([K.int_shape(x), K.ndim(x), K.dtype(x)]).toEqual([[null, 3, 2], 3, 'float64']);
    const y = K.sum(K.batch_flatten(x), 1, true);
    expect([K.int_shape(y), K.ndim(y), K.dtype(y)]).toEqual([[null, 1], 2, 'float64']);
  });

  it('count_params needs known dimensions; shape of unknown ones is read when the graph runs', () => {
    const x = K.placeholder([null, 3]);
    expectError(() => K.count_params(x), K.ValueError, 'count_params', '(None, 3)');
    const known = K.placeholder([2, 3]);
    expect(K.count_params(known)).toBe(6);
    expect(K.shape(known).toArray()).toEqual([2, 3]);
    const s = K.shape(x);
    expect([s.isSymbolic, s.shape, s.dtype]).toEqual([true, [2], 'int32']);
    expect(K.function([x], [s])([K.ones([5, 3])])[0]!.data).toEqual(Int32Array.of(5, 3));
  });

  it('a symbolic tensor has no value to read or to assign: a ValueError naming the function', () => {
    const x = K.placeholder([2]);
    const y = K.exp(x);
    const v = K.variable([1, 2]);
    expectError(() => K.eval(y), K.ValueError, 'eval', 'symbolic');
    expectError(() => K.get_value(y), K.ValueError, 'get_value', 'symbolic');
    expectError(() => K.batch_get_value([v, y]), K.ValueError, 'batch_get_value', 'tensors[1]');
    expectError(() => K.variable(y), K.ValueError, 'variable', 'symbolic');
    expectError(() => K.set_value(v, y), K.ValueError, 'set_value', 'symbolic');
    expectError(() => K.batch_set_value([[v, y]]), K.ValueError, 'batch_set_value', 'symbolic');
    expect(K.eval(v).data).toEqual(new Float32Array([1, 2]));
  });

  it('dropout on a placeholder draws new flags at every K.function call', () => {
    const x = K.placeholder([null, 3]);
    const f = K.function([x], [K.dropout(x, 0.5)]);
    const ones = K.ones([40, 3]);
    const [a] = f([ones]);
    const [b] = f([ones]);
    expect(a!.shape).toEqual([40, 3]);
    expect(Array.from(a!.data as Float32Array)).not.toEqual(Array.from(b!.data as Float32Array));
  });
});

describe('more symbolic shapes', () => {
  it('dot of a (batch, time, features) sequence with both batch and time unknown, with its gradient', () => {
    const x = K.placeholder([null, null, 3]);
    const w = K.variable([
      [0.5, -1],
      [2, 0.25],
      [-0.5, 1],
    ]);
    const y = K.dot(x, w);
    expect(K.int_shape(y)).toEqual([null, null, 2]);
    const [gx, gw] = K.gradients(K.sum(K.square(y)), [x, w]);
    const f = K.function([x], [y, gx!, gw!]);
    for (const [b, t] of [
      [2, 3],
      [1, 5],
    ] as const) {
      const xs = ndarray(
        Float32Array.from({ length: b * t * 3 }, (_, i) => Math.cos(i) - 0.2),
        [b, t, 3]
      );
      const c = K.constant(xs);
      const [out, ox, ow] = f([xs]);
      const ey = K.dot(c, w);
      const [ex, ew] = K.gradients(K.sum(K.square(ey)), [c, w]);
      expectValue(out!, ey, undefined, 'dot');
      expectValue(ox!, ex!, undefined, 'd/dx');
      expectValue(ow!, ew!, undefined, 'd/dw');
    }
  });

  it("symbolic labels out of range give a NaN loss (TF's gpu kernel); eager ones are a ValueError", () => {
    const z = K.placeholder([null], null, 'int32');
    const p = K.placeholder([null, 3]);
    const f = K.function([z, p], [K.sparse_categorical_crossentropy(z, p, true)]);
    const [loss] = f([
      [0, 3],
      [
        [1, 2, 3],
        [1, 2, 3],
      ],
    ]);
    expect(Number.isFinite(loss!.get(0))).toBe(true);
    expect(loss!.get(1)).toBeNaN();
    expectError(
      () =>
        K.sparse_categorical_crossentropy(
          K.constant([0, 3], 'int32'),
          K.constant([
            [1, 2, 3],
            [1, 2, 3],
          ]),
          true
        ),
      K.ValueError,
      'sparse_categorical_crossentropy',
      '3'
    );
  });

  it('indices out of range fed to a gather are a ValueError when the graph runs', () => {
    const i = K.placeholder([null], null, 'int32');
    const f = K.function(
      [i],
      [
        K.gather(
          K.variable([
            [1, 2],
            [3, 4],
          ]),
          i
        ),
      ]
    );
    expect(f([[1]])[0]!.shape).toEqual([1, 2]);
    expectError(() => f([[2]]), K.ValueError, '2');
  });
});

describe('limits of symbolic graphs: clear ValueErrors', () => {
  it('a gradient through a broadcast that happens only at run time sums over it then', () => {
    const x = K.placeholder([null, 4]);
    const y = K.placeholder([null, 4]);
    const [gy, gx] = K.gradients(K.sum(K.square(K.subtract(x, y))), [y, x]);
    const f = K.function([x, y], [gy!, gx!]);
    const xs = K.reshape(K.arange(0, 12, 1, 'float32'), [3, 4]);
    for (const yv of [K.ones([3, 4]), K.ones([1, 4])]) {
      const [a, b] = f([xs, yv]);
      const [ea, eb] = K.gradients(K.sum(K.square(K.subtract(xs, yv))), [yv, xs]);
      expect([a!.shape, b!.shape]).toEqual([yv.shape, [3, 4]]);
      expect(Array.from(a!.data as Float32Array, (v) => v + 0)).toEqual(
        Array.from(K.eval(ea!).data as Float32Array, (v) => v + 0)
      );
      expect(Array.from(b!.data as Float32Array, (v) => v + 0)).toEqual(
        Array.from(K.eval(eb!).data as Float32Array, (v) => v + 0)
      );
    }
    // Every dim unknown: a (3, 1) y broadcasts along the last axis; second order through the run-time sum too.
    const [p, q] = [K.placeholder(null, 2), K.placeholder(null, 2)];
    const [gq] = K.gradients(K.sum(K.square(K.subtract(p, q))), [q]);
    const [hq] = K.gradients(K.sum(K.square(gq!)), [q]);
    const g = K.function([p, q], [gq!, hq!]);
    const pv = K.reshape(K.arange(0, 12, 1, 'float32'), [3, 4]);
    const qv = K.constant([[1], [2], [3]]);
    const [got, got2] = g([pv, qv]);
    const [want] = K.gradients(K.sum(K.square(K.subtract(pv, qv))), [qv]);
    const [want2] = K.gradients(K.sum(K.square(want!)), [qv]);
    expect(got!.shape).toEqual([3, 1]);
    expect(Array.from(got!.data as Float32Array, (v) => v + 0)).toEqual(
      Array.from(K.eval(want!).data as Float32Array, (v) => v + 0)
    );
    expect(Array.from(got2!.data as Float32Array, (v) => v + 0)).toEqual(
      Array.from(K.eval(want2!).data as Float32Array, (v) => v + 0)
    );
  });

  it('size -1 from a start > 0 along an axis of unknown length: the rest of it when the graph runs', () => {
    const x = K.placeholder([null, null]);
    const y = K.slice(x, [0, 2], [2, -1]);
    expect(K.int_shape(y)).toEqual([2, null]);
    expect(K.int_shape(K.slice(x, [0, 2], [-1, 1]))).toEqual([null, 1]);
    const [g] = K.gradients(K.sum(K.square(y)), [x]);
    const f = K.function([x], [y, g!]);
    const v = K.reshape(K.arange(0, 15, 1, 'float32'), [3, 5]);
    const [a, b] = f([v]);
    expect(a!.shape).toEqual([2, 3]);
    expect(Array.from(a!.data as Float32Array)).toEqual([2, 3, 4, 7, 8, 9]);
    expect(Array.from(b!.data as Float32Array)).toEqual([0, 0, 4, 6, 8, 0, 0, 14, 16, 18, 0, 0, 0, 0, 0]);
    // A start beyond the run-time length is a clear error when the graph runs.
    expectError(() => f([K.ones([3, 1])]), K.ValueError, 'function', 'size');
  });

  it('reshapes that merge axes of several unknown dims take them at run time (dot, batch_dot, batch_flatten, tile)', () => {
    const x = K.placeholder(null, 3);
    const f = K.function(
      [x],
      [
        K.batch_flatten(x),
        K.dot(x, K.variable([[1], [2], [3]])),
        K.tile(x, [2, 1, 1]),
        K.prod(x, [0, 2]),
        K.gradients(K.sum(K.prod(x, [0, 2])), [x])[0]!,
      ]
    );
    const v = K.reshape(K.arange(1, 25, 1, 'float32'), [2, 4, 3]);
    const [flat, d, t, p, g] = f([v]);
    expect([flat!.shape, d!.shape, t!.shape, p!.shape, g!.shape]).toEqual([
      [2, 12],
      [2, 4, 1],
      [4, 4, 3],
      [4],
      [2, 4, 3],
    ]);
    expect(Array.from(d!.data as Float32Array)).toEqual(
      Array.from(K.eval(K.dot(v, K.constant([[1], [2], [3]]))).data as Float32Array)
    );
    expect(Array.from(g!.data as Float32Array)).toEqual(
      Array.from(K.eval(K.gradients(K.sum(K.prod(v, [0, 2])), [v])[0]!).data as Float32Array)
    );
    expect(K.int_shape(K.batch_dot(K.placeholder(null, 2), K.placeholder(null, 2), 1))).toEqual([null, 1]);
  });

  it('an unknown number of classes (sparse_categorical_crossentropy, in_top_k): counted when the graph runs', () => {
    const labels = K.placeholder([null], null, 'int32');
    const logits = K.placeholder([null, null]);
    const loss = K.sparse_categorical_crossentropy(labels, logits, true);
    const top = K.in_top_k(logits, labels, 2);
    const [g] = K.gradients(K.sum(loss), [logits]);
    const f = K.function([labels, logits], [loss, top, g!]);
    for (const classes of [3, 5]) {
      const y = K.constant([0, classes - 1], 'int32');
      const z = K.random_normal([2, classes], 0, 1, null, classes);
      const [l, t, gz] = f([y, z]);
      expect(Array.from(l!.data as Float32Array)).toEqual(
        Array.from(K.eval(K.sparse_categorical_crossentropy(y, z, true)).data as Float32Array)
      );
      expect(Array.from(t!.data as Uint8Array)).toEqual(Array.from(K.eval(K.in_top_k(z, y, 2)).data as Uint8Array));
      expect(gz!.shape).toEqual([2, classes]);
    }
    // A label out of the run-time range gives NaN, as TF's gpu kernel (an eager label is a ValueError).
    expect(Number.isNaN((f([K.constant([0, 7], 'int32'), K.zeros([2, 3])])[0]!.data as Float32Array)[1]!)).toBe(true);
  });

  it('the gradient of a tensor concatenated after, or between, tensors of unknown length along the axis', () => {
    const [x, y] = [K.placeholder([2, null]), K.placeholder([2, 3])];
    const z = K.concatenate([x, y], 1);
    expect(K.int_shape(z)).toEqual([2, null]);
    expect(
      K.function(
        [x, y],
        [z]
      )([
        [[1], [2]],
        [
          [3, 4, 5],
          [6, 7, 8],
        ],
      ])[0]!.shape
    ).toEqual([2, 4]);
    // After it, y is cut from the end: its gradient exists; between two unknown lengths it cannot be placed.
    const [gz] = K.gradients(K.sum(K.square(z)), [y]);
    expect(
      K.constant(
        K.function(
          [x, y],
          [gz!]
        )([
          [[1], [2]],
          [
            [3, 4, 5],
            [6, 7, 8],
          ],
        ])[0]!
      ).toArray()
    ).toEqual([
      [6, 8, 10],
      [12, 14, 16],
    ]);
    // Between two of unknown length, it is cut where the graph finds it starts, to any order.
    const w = K.placeholder([2, null]);
    const zz = K.concatenate([x, y, w], 1);
    const [gyy] = K.gradients(K.sum(K.square(zz)), [y]);
    const [hyy] = K.gradients(K.sum(K.square(gyy!)), [y]);
    const [gv, hv] = K.function(
      [x, y, w],
      [gyy!, hyy!]
    )([
      [[1], [2]],
      [
        [3, 4, 5],
        [6, 7, 8],
      ],
      [
        [9, 9],
        [9, 9],
      ],
    ]);
    expect(K.constant(gv!).toArray()).toEqual([
      [6, 8, 10],
      [12, 14, 16],
    ]);
    // d/dy sum((2 y)^2) = 8 y
    expect(K.constant(hv!).toArray()).toEqual([
      [24, 32, 40],
      [48, 56, 64],
    ]);
    // Placed first, y starts at 0 and x after it: both gradients exist.
    const [gy, gx] = K.gradients(K.sum(K.square(K.concatenate([y, x], 1))), [y, x]);
    const [vy, vx] = K.function(
      [x, y],
      [gy!, gx!]
    )([
      [[1], [2]],
      [
        [3, 4, 5],
        [6, 7, 8],
      ],
    ]);
    expect(K.constant(vy!).toArray()).toEqual([
      [6, 8, 10],
      [12, 14, 16],
    ]);
    expect(K.constant(vx!).toArray()).toEqual([[2], [4]]);
  });

  it('unknown non-batch dims of local convolutions (their windows are cut at known offsets)', () => {
    const localKernel = K.reshape(K.variable(new Float32Array(36).fill(1)), [3, 4, 3]);
    expectError(
      () => K.local_conv1d(K.placeholder([null, null, 2]), localKernel, [2], [1], 'channels_last'),
      K.ValueError,
      'local_conv1d',
      'known dimensions'
    );
  });
});
