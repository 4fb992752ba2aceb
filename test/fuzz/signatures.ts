// How to call every exported K function validly, slot by slot: the fuzzer
// calls each as given (checking shapes, dtypes and the other device) and with
// one slot replaced by a hostile value of that slot's kind (hostile.ts).
import * as K from '../../src/index.js';
import { A, AS, B, BR, D, type Draw, E, F, I, IS, N, O, S, type Slot, T, TS, V, VAL, X } from './draw.js';

export interface Signature {
  /** Valid arguments, drawn from `d`. */
  args: (d: Draw) => Slot[];
  /** What the result's shape must be, given the valid arguments' values. */
  shape?: (args: unknown[]) => number[];
  /** The result's dtype, if fixed. */
  dtype?: string;
  /** Draws random numbers: results are not compared across devices. */
  random?: true;
  /** Changes global state: the case restores it before checking. */
  global?: true;
  /** Follow-up on a call's result (call the function K.function returned...). */
  followUp?: (out: unknown, args: unknown[]) => unknown;
}

const shapeOf = (x: unknown): number[] => {
  if (x instanceof K.Tensor) return [...x.shape];
  if (Array.isArray(x)) return x.length === 0 ? [0] : [x.length, ...shapeOf(x[0])];
  if (x !== null && typeof x === 'object' && 'shape' in x) return [...(x as { shape: number[] }).shape];
  return [];
};
const same = (args: unknown[]) => shapeOf(args[0]);
const broadcast = (args: unknown[]) => {
  const a = shapeOf(args[0]);
  const b = shapeOf(args[1]);
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, i) => {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    return x === 1 ? y : x;
  });
};
const reduced = (args: unknown[]) => {
  const s = shapeOf(args[0]);
  const axis = args[1];
  const keep = args[2] === true;
  const axes =
    axis == null
      ? s.map((_, i) => i)
      : (Array.isArray(axis) ? axis : [axis]).map((a: number) => (a < 0 ? a + s.length : a));
  return keep ? s.map((d, i) => (axes.includes(i) ? 1 : d)) : s.filter((_, i) => !axes.includes(i));
};

const unary = (lo = -3, hi = 3): Signature => ({ args: (d) => [T(d.tensor(d.dims(0, 4), lo, hi))], shape: same });
const binary = (): Signature => ({
  args: (d) => {
    const s = d.dims(0, 3);
    const t = d.pick(
      ...s.map((_, i) => s.slice(i)),
      s.map((x) => d.pick(1, x))
    );
    // One operand a float tensor, so that an int32 tensor in the other is a dtype clash (TF refuses it).
    const [a, b] = d.bool() ? [s, t] : [t, s];
    return [T(d.constant(a)), { ...T(d.tensor(b)), sameDtype: true }];
  },
  shape: broadcast,
});
const compare = (): Signature => ({ ...binary(), dtype: 'bool' });
const reduce = (dtype?: string): Signature => ({
  args: (d) => {
    const s = d.dims(1, 4);
    const axis = d.pick<number | number[] | null>(null, d.int(-s.length, s.length - 1), [d.int(0, s.length - 1)]);
    return [T(d.tensor(s)), A(axis), B(d.bool())];
  },
  shape: reduced,
  ...(dtype ? { dtype } : {}),
});
const argReduce = (): Signature => ({
  args: (d) => {
    const s = d.dims(1, 4);
    return [T(d.tensor(s)), A(d.int(-s.length, s.length - 1))];
  },
  shape: (args) => reduced([args[0], args[1], false]),
  dtype: 'int64',
});
const scan = (): Signature => ({
  args: (d) => {
    const s = d.dims(1, 3);
    return [T(d.tensor(s)), A(d.int(-s.length, s.length - 1))];
  },
  shape: same,
});
const filled = (): Signature => ({
  args: (d) => [S(d.dims(0, 3)), D(d.pick('float32', 'float64', 'int32')), N('w')],
  shape: (args) => args[0] as number[],
});
const filledLike = (): Signature => ({
  args: (d) => [T(d.tensor(d.dims(0, 3))), D(d.pick('float32', 'int32')), N('w')],
  shape: same,
});
const randomOf = (a: number, b: number): Signature => ({
  args: (d) => [S(d.dims(0, 3)), X(a), X(b), D(d.pick('float32', 'float64')), I(d.int(0, 1000))],
  shape: (args) => args[0] as number[],
  random: true,
});
const bernoulli = (): Signature => ({
  args: (d) => [S(d.dims(0, 3)), X(0.5), D('float32'), I(d.int(0, 1000))],
  shape: (args) => args[0] as number[],
  random: true,
});
const randomVariable = (): Signature => ({
  args: (d) => [S(d.dims(0, 3)), X(0), X(1), D('float32'), N('w'), I(d.int(0, 1000))],
  shape: (args) => args[0] as number[],
  random: true,
});
const crossentropy = (sparse: boolean): Signature => ({
  args: (d) => {
    const s = d.dims(1, 3, 4, 2);
    const classes = s[s.length - 1] as number;
    const output = d.constant(s, 0.05, 0.95);
    const target = sparse ? d.labels(s.slice(0, -1), classes) : K.softmax(d.constant(s));
    return [T(target), T(output), B(d.bool()), A(-1)];
  },
  shape: (args) => shapeOf(args[1]).slice(0, -1),
});
const update = (): Signature => ({
  args: (d) => {
    const s = d.dims(0, 2);
    return [V(d.variable(d.floats(s.reduce((a, b) => a * b, 1)), s)), T(d.tensor(s))];
  },
  shape: same,
});
const pad = (dims: 1 | 2 | 3): Signature => ({
  args: (d) => {
    const s = [d.int(1, 2), ...d.dims(dims, dims, 3), d.int(1, 2)];
    const padding = Array.from({ length: dims }, () => [d.int(0, 2), d.int(0, 2)]);
    if (dims === 1) return [T(d.tensor(s)), IS(padding[0])];
    return [T(d.tensor(s)), IS(padding), E('channels_last')];
  },
});
const conv = (dims: 1 | 2 | 3): Signature => ({
  args: (d) => {
    const cin = d.int(1, 3);
    const k = Array.from({ length: dims }, () => d.int(1, 2));
    const x = [d.int(1, 2), ...k.map((kk) => kk + d.int(0, 3)), cin];
    return [
      T(d.tensor(x)),
      T(d.tensor([...k, cin, d.int(1, 3)])),
      IS(new Array(dims).fill(d.int(1, 2))),
      E(d.pick('valid', 'same')),
      E('channels_last'),
    ];
  },
});
const pool = (dims: 2 | 3): Signature => ({
  args: (d) => {
    const size = Array.from({ length: dims }, () => d.int(1, 2));
    const x = [d.int(1, 2), ...size.map((p) => p + d.int(0, 3)), d.int(1, 3)];
    return [
      T(d.tensor(x)),
      IS(size),
      IS(size),
      E(d.pick('valid', 'same')),
      E('channels_last'),
      E(d.pick('max', 'avg')),
    ];
  },
});
const fold = (): Signature => ({
  args: (d) => {
    const s = [d.int(1, 4), ...d.dims(0, 2)];
    return [F((a: K.Tensor, e: K.Tensor) => K.add(a, e)), T(d.tensor(s)), T(d.tensor(s.slice(1))), N('fold')];
  },
  shape: (args) => shapeOf(args[1]).slice(1),
});

/** Every exported function (src/index.ts), by its public name. */
export const SIGNATURES: Record<string, Signature> = {
  // elementwise
  abs: unary(),
  negative: unary(),
  square: unary(),
  sqrt: unary(0.1, 3),
  exp: unary(),
  log: unary(0.1, 3),
  round: unary(),
  sign: unary(),
  sin: unary(),
  cos: unary(),
  tanh: unary(),
  sigmoid: unary(),
  hard_sigmoid: unary(),
  softplus: unary(),
  softsign: unary(),
  elu: { args: (d) => [T(d.tensor(d.dims(0, 3))), X(d.pick(0.5, 1))], shape: same },
  relu: {
    args: (d) => [T(d.tensor(d.dims(0, 3))), X(d.pick(0, 0.1)), X(d.pick(null, 2)), X(d.pick(0, 0.5))],
    shape: same,
  },
  clip: { args: (d) => [T(d.tensor(d.dims(0, 3))), X(-1), X(1)], shape: same },
  pow: { args: (d) => [T(d.tensor(d.dims(0, 3), 0.1, 3)), X(d.pick(2, 0.5, 3))], shape: same },
  add: binary(),
  subtract: binary(),
  multiply: binary(),
  divide: binary(),
  maximum: binary(),
  minimum: binary(),
  equal: compare(),
  not_equal: compare(),
  greater: compare(),
  greater_equal: compare(),
  less: compare(),
  less_equal: compare(),
  // reductions and scans
  sum: reduce(),
  prod: reduce(),
  mean: reduce(),
  max: reduce(),
  min: reduce(),
  std: reduce(),
  var: reduce(),
  all: reduce('bool'),
  any: reduce('bool'),
  argmax: argReduce(),
  argmin: argReduce(),
  cumsum: scan(),
  cumprod: scan(),
  // shapes
  reshape: {
    args: (d) => {
      const s = d.dims(1, 3);
      return [T(d.tensor(s)), IS([s.reduce((a, b) => a * b, 1)])];
    },
    shape: (args) => args[1] as number[],
  },
  permute_dimensions: {
    args: (d) => {
      const s = d.dims(1, 4);
      const p = s.map((_, i) => i);
      for (let i = p.length - 1; i > 0; i--) {
        const j = d.int(0, i);
        [p[i], p[j]] = [p[j] as number, p[i] as number];
      }
      return [T(d.tensor(s)), IS(p)];
    },
    shape: (args) => (args[1] as number[]).map((i) => shapeOf(args[0])[i] as number),
  },
  transpose: { args: (d) => [T(d.tensor(d.dims(0, 3)))], shape: (args) => shapeOf(args[0]).reverse() },
  expand_dims: {
    args: (d) => {
      const s = d.dims(0, 3);
      return [T(d.tensor(s)), A(d.int(-s.length - 1, s.length))];
    },
  },
  squeeze: {
    args: (d) => {
      const s = d.dims(0, 3);
      const at = d.int(0, s.length);
      return [T(d.tensor([...s.slice(0, at), 1, ...s.slice(at)])), A(at)];
    },
  },
  flatten: { args: (d) => [T(d.tensor(d.dims(0, 3)))] },
  batch_flatten: { args: (d) => [T(d.tensor(d.dims(1, 4)))] },
  concatenate: {
    args: (d) => {
      const s = d.dims(1, 3);
      const axis = d.int(0, s.length - 1);
      const other = s.map((x, i) => (i === axis ? d.int(1, 3) : x));
      // I, not A: Keras's concatenate takes a negative axis modulo the rank, so -99 is valid.
      return [TS([d.tensor(s), d.tensor(other)], true), I(axis)];
    },
  },
  stack: {
    args: (d) => {
      const s = d.dims(0, 3);
      return [TS([d.tensor(s), d.tensor(s)]), A(d.int(0, s.length))];
    },
  },
  tile: {
    args: (d) => {
      const s = d.dims(1, 3);
      return [T(d.tensor(s)), IS(s.map(() => d.int(1, 3)))];
    },
  },
  repeat: { args: (d) => [T(d.tensor([d.int(1, 3), d.int(1, 3)])), I(d.int(1, 3))] },
  repeat_elements: {
    args: (d) => {
      const s = d.dims(1, 3);
      return [T(d.tensor(s)), I(d.int(1, 3)), A(d.int(0, s.length - 1))];
    },
  },
  reverse: {
    args: (d) => {
      const s = d.dims(1, 3);
      return [T(d.tensor(s)), AS([d.int(0, s.length - 1)])];
    },
    shape: same,
  },
  slice: {
    args: (d) => {
      const s = d.dims(1, 3);
      const start = s.map((x) => d.int(0, x - 1));
      return [T(d.tensor(s)), IS(start), IS(s.map((x, i) => d.int(1, x - (start[i] as number))))];
    },
    shape: (args) => args[2] as number[],
  },
  gather: {
    args: (d) => {
      const s = d.dims(1, 3);
      return [T(d.tensor(s)), T(d.labels([d.int(1, 4)], s[0] as number))];
    },
  },
  one_hot: {
    args: (d) => {
      const n = d.int(1, 5);
      return [T(d.labels(d.dims(0, 2), n)), I(n)];
    },
  },
  temporal_padding: pad(1),
  spatial_2d_padding: pad(2),
  spatial_3d_padding: pad(3),
  resize_images: {
    args: (d) => [
      T(d.tensor([1, d.int(1, 3), d.int(1, 3), d.int(1, 2)])),
      I(d.int(1, 3)),
      I(d.int(1, 3)),
      E('channels_last'),
      E(d.pick('nearest', 'bilinear')),
    ],
  },
  resize_volumes: {
    args: (d) => [
      T(d.tensor([1, d.int(1, 2), d.int(1, 2), d.int(1, 2), d.int(1, 2)])),
      I(d.int(1, 2)),
      I(d.int(1, 2)),
      I(d.int(1, 2)),
      E('channels_last'),
    ],
  },
  // linear algebra and nn
  dot: {
    args: (d) => {
      const [m, k, n] = [d.int(1, 4), d.int(1, 4), d.int(1, 4)];
      return [T(d.tensor([m, k]), true), T(d.tensor([k, n]))];
    },
    shape: (args) => [shapeOf(args[0])[0] as number, shapeOf(args[1])[1] as number],
  },
  batch_dot: {
    args: (d) => {
      const [b, m, k, n] = [d.int(1, 3), d.int(1, 3), d.int(1, 3), d.int(1, 3)];
      return [T(d.tensor([b, m, k])), T(d.tensor([b, k, n])), IS([2, 1])];
    },
  },
  softmax: {
    args: (d) => {
      const s = d.dims(1, 3);
      return [T(d.tensor(s)), A(d.int(-s.length, s.length - 1))];
    },
    shape: same,
  },
  in_top_k: {
    args: (d) => {
      const [b, c] = [d.int(1, 4), d.int(1, 5)];
      return [T(d.tensor([b, c])), T(d.labels([b], c)), I(d.int(1, c))];
    },
    dtype: 'bool',
  },
  bias_add: {
    args: (d) => {
      const s = d.dims(2, 4);
      return [T(d.tensor(s)), T(d.tensor([s[s.length - 1] as number])), E('channels_last')];
    },
    shape: same,
  },
  l2_normalize: {
    args: (d) => {
      const s = d.dims(1, 3);
      return [T(d.tensor(s)), A(d.int(0, s.length - 1))];
    },
    shape: same,
  },
  batch_normalization: {
    args: (d) => {
      const s = d.dims(2, 3);
      const c = [s[s.length - 1] as number];
      return [T(d.tensor(s)), T(d.tensor(c)), T(d.tensor(c, 0.5, 2)), T(d.tensor(c)), T(d.tensor(c)), A(-1), X(0.001)];
    },
    shape: same,
  },
  normalize_batch_in_training: {
    args: (d) => {
      const s = d.dims(2, 3);
      const c = [s[s.length - 1] as number];
      return [T(d.tensor(s)), T(d.tensor(c)), T(d.tensor(c)), AS(s.slice(0, -1).map((_, i) => i)), X(0.001)];
    },
  },
  binary_crossentropy: {
    args: (d) => {
      const s = d.dims(1, 3);
      return [T(d.tensor(s, 0, 1)), T(d.tensor(s, 0.05, 0.95)), B(false)];
    },
    shape: same,
  },
  categorical_crossentropy: crossentropy(false),
  sparse_categorical_crossentropy: crossentropy(true),
  dropout: {
    args: (d) => [T(d.tensor(d.dims(1, 3))), X(d.pick(0, 0.5)), X(null), I(d.int(0, 100))],
    shape: same,
    random: true,
  },
  conv1d: conv(1),
  conv2d: conv(2),
  conv3d: conv(3),
  conv2d_transpose: {
    args: (d) => {
      const [b, h, w, cin, cout] = [d.int(1, 2), d.int(1, 3), d.int(1, 3), d.int(1, 2), d.int(1, 2)];
      return [
        T(d.tensor([b, h, w, cin])),
        T(d.tensor([2, 2, cout, cin])),
        IS([b, h + 1, w + 1, cout]),
        IS([1, 1]),
        E('valid'),
      ];
    },
  },
  depthwise_conv2d: {
    args: (d) => {
      const c = d.int(1, 2);
      return [
        T(d.tensor([1, d.int(2, 4), d.int(2, 4), c])),
        T(d.tensor([2, 2, c, d.int(1, 2)])),
        IS([1, 1]),
        E(d.pick('valid', 'same')),
      ];
    },
  },
  separable_conv2d: {
    args: (d) => {
      const [c, m] = [d.int(1, 2), d.int(1, 2)];
      return [
        T(d.tensor([1, d.int(2, 4), d.int(2, 4), c])),
        T(d.tensor([2, 2, c, m])),
        T(d.tensor([1, 1, c * m, d.int(1, 2)])),
        IS([1, 1]),
        E(d.pick('valid', 'same')),
      ];
    },
  },
  local_conv1d: {
    args: (d) => {
      const [l, c, f] = [d.int(2, 4), d.int(1, 2), d.int(1, 2)];
      return [T(d.tensor([1, l, c])), T(d.tensor([l - 1, 2 * c, f])), IS([2]), IS([1]), E('channels_last')];
    },
  },
  local_conv2d: {
    args: (d) => {
      const [h, w, c, f] = [d.int(2, 3), d.int(2, 3), d.int(1, 2), d.int(1, 2)];
      return [
        T(d.tensor([1, h, w, c])),
        T(d.tensor([(h - 1) * (w - 1), 4 * c, f])),
        IS([2, 2]),
        IS([1, 1]),
        IS([h - 1, w - 1]),
        E('channels_last'),
      ];
    },
  },
  pool2d: pool(2),
  pool3d: pool(3),
  ctc_label_dense_to_sparse: {
    args: (d) => {
      const b = d.int(1, 3);
      return [T(d.labels([b, 3], 4)), T(K.constant(new Array(b).fill(d.int(1, 3)), 'int32'))];
    },
  },
  ctc_batch_cost: {
    args: (d) => {
      const [b, t, c] = [d.int(1, 2), d.int(3, 5), d.int(2, 4)];
      return [
        T(d.labels([b, 2], c - 1)),
        T(K.softmax(d.constant([b, t, c]))),
        T(K.constant(new Array(b).fill([t]), 'int32')),
        T(K.constant(new Array(b).fill([d.int(1, 2)]), 'int32')),
      ];
    },
    shape: (args) => [shapeOf(args[1])[0] as number, 1],
  },
  ctc_decode: {
    args: (d) => {
      const [b, t, c] = [d.int(1, 2), d.int(2, 4), d.int(2, 4)];
      return [T(K.softmax(d.constant([b, t, c]))), T(K.constant(new Array(b).fill(t), 'int32')), B(true)];
    },
  },
  // creation, variables, reads
  constant: {
    args: (d) => {
      const s = d.dims(0, 3);
      return [VAL(d.tensor(s)), D('float32'), S(s), N('c')];
    },
    shape: (args) => args[2] as number[],
  },
  variable: {
    args: (d) => [VAL(d.tensor(d.dims(0, 3))), D('float32'), N('v')],
    shape: same,
  },
  zeros: filled(),
  ones: filled(),
  eye: { args: (d) => [I(d.int(0, 4)), D('float32'), N('eye')] },
  zeros_like: filledLike(),
  ones_like: filledLike(),
  arange: { args: (d) => [X(d.int(-3, 3)), X(d.int(4, 8)), X(d.pick(1, 2)), D('int32')] },
  cast: { args: (d) => [T(d.tensor(d.dims(0, 3))), D(d.pick('float64', 'int32', 'bool', 'float32'))], shape: same },
  cast_to_floatx: { args: (d) => [T(d.tensor(d.dims(0, 3)))], shape: same, dtype: 'float32' },
  get_value: { args: (d) => [VAL(d.tensor(d.dims(0, 3)))] },
  eval: { args: (d) => [VAL(d.tensor(d.dims(0, 3)))] },
  batch_get_value: { args: (d) => [TS([d.tensor(d.dims(0, 2)), d.tensor(d.dims(0, 2))])] },
  set_value: update(),
  batch_set_value: {
    args: (d) => {
      const s = d.dims(0, 2);
      return [X([[d.variable(0, s), d.tensor(s)]])];
    },
  },
  update: update(),
  update_add: update(),
  update_sub: update(),
  moving_average_update: {
    args: (d) => {
      const s = d.dims(0, 2);
      return [V(d.variable(0, s)), T(d.tensor(s)), X(0.9)];
    },
  },
  count_params: { args: (d) => [T(d.tensor(d.dims(0, 3)))] },
  int_shape: { args: (d) => [T(d.tensor(d.dims(0, 3)), true)] },
  ndim: { args: (d) => [T(d.tensor(d.dims(0, 3)), true)] },
  dtype: { args: (d) => [T(d.tensor(d.dims(0, 3)), true)] },
  shape: { args: (d) => [T(d.tensor(d.dims(0, 3)))] },
  is_sparse: { args: (d) => [X(d.tensor(d.dims(0, 2)))] },
  is_keras_tensor: { args: (d) => [X(d.constant(d.dims(0, 2)))] },
  to_dense: { args: (d) => [T(d.tensor(d.dims(0, 2)), true)] },
  random_normal: randomOf(0, 1),
  truncated_normal: randomOf(0, 1),
  random_uniform: randomOf(-1, 1),
  random_bernoulli: bernoulli(),
  random_binomial: bernoulli(),
  random_normal_variable: randomVariable(),
  random_uniform_variable: randomVariable(),
  print_tensor: { args: (d) => [T(d.tensor(d.dims(0, 2))), N('x = '), I(3)], shape: same },
  stop_gradient: { args: (d) => [X(d.constant(d.dims(0, 2)))], shape: same },
  // phases, control flow
  learning_phase: { args: () => [] },
  set_learning_phase: { args: (d) => [X(d.pick(0, 1))], global: true },
  learning_phase_scope: { args: (d) => [X(d.pick(0, 1)), F(() => K.learning_phase())] },
  in_train_phase: { args: (d) => [BR(d.constant([2])), BR(d.constant([2])), X(d.pick(0, 1))] },
  in_test_phase: { args: (d) => [BR(d.constant([2])), BR(d.constant([2])), X(d.pick(0, 1))] },
  switch: {
    args: (d) => [T(K.constant(d.bool(), 'bool')), BR(d.constant([2])), BR(d.constant([2]))],
  },
  map_fn: {
    args: (d) => [F((e: K.Tensor) => K.square(e)), T(d.tensor([d.int(1, 4), ...d.dims(0, 2)])), N('map')],
    shape: (args) => shapeOf(args[1]),
  },
  foldl: fold(),
  foldr: fold(),
  rnn: {
    args: (d) => {
      const [b, t, u] = [d.int(1, 2), d.int(1, 4), d.int(1, 3)];
      const step = (x: K.Tensor, s: K.Tensor[]) => {
        const h = K.tanh(K.add(x, s[0] as K.Tensor));
        return [h, [h]];
      };
      return [F(step), T(d.tensor([b, t, u])), TS([d.constant([b, u])]), B(d.bool())];
    },
  },
  // gradients and transforms
  gradients: {
    args: (d) => {
      const x = d.variable(d.floats(3), [3]);
      return [X(K.sum(K.square(x))), TS([x])];
    },
  },
  vjp: { args: (d) => [F((x: K.Tensor) => K.sin(x)), T(d.tensor([3]))] },
  jvp: { args: (d) => [F((x: K.Tensor) => K.sin(x)), T(d.tensor([3])), T(d.tensor([3]))] },
  jacobian: { args: (d) => [F((x: K.Tensor) => K.sin(x)), T(d.tensor([3]))], shape: () => [3, 3] },
  hessian: { args: (d) => [F((x: K.Tensor) => K.sum(K.exp(x))), T(d.tensor([3]))], shape: () => [3, 3] },
  hessian_vector_product: {
    args: (d) => [F((x: K.Tensor) => K.sum(K.exp(x))), T(d.tensor([3])), T(d.tensor([3]))],
  },
  custom_gradient: {
    args: () => [F((x: K.Tensor) => [K.square(x), (g: K.Tensor) => K.multiply(g, K.multiply(2, x))])],
    followUp: (f, _) => (f as (x: K.Tensor) => K.Tensor)(K.constant([1, 2])),
  },
  checkpoint: {
    args: () => [F((x: K.Tensor) => K.sin(x))],
    followUp: (f) => (f as (x: K.Tensor) => K.Tensor)(K.constant([1])),
  },
  vmap: {
    args: () => [F((x: K.Tensor) => K.sum(K.square(x)))],
    followUp: (f) =>
      (f as (x: K.Tensor) => K.Tensor)(
        K.constant([
          [1, 2],
          [3, 4],
        ])
      ),
  },
  per_example_gradients: {
    args: (d) => {
      const w = d.variable(d.floats(3), [3]);
      return [F((p: K.Tensor[], x: K.Tensor) => K.sum(K.multiply(K.sum(p[0]!), x))), TS([w]), T(d.tensor([2, 3]))];
    },
  },
  no_grad: { args: () => [F(() => K.exp(K.constant([1])))] },
  detect_anomaly: { args: () => [F(() => K.exp(K.constant([1])))] },
  trace: { args: (d) => [F((x: K.Tensor) => K.sum(K.square(x))), { ...T(d.tensor(d.dims(0, 2))), passThrough: true }] },
  explain: {
    args: (d) => {
      const x = d.variable(d.floats(3), [3]);
      return [X(K.sum(K.square(x))), TS([x]), O({ print: false })];
    },
  },
  symbolic: { args: () => [F((x: unknown) => x)], followUp: (f) => (f as (x: number) => number)(1) },
  // graphs
  placeholder: { args: (d) => [S(d.dims(0, 3)), X(null), D('float32'), B(false), N('p')] },
  function: {
    args: (d) => {
      const s = d.dims(1, 2);
      const p = K.placeholder(s);
      return [TS([p]), TS([K.exp(p)]), X([]), N('f')];
    },
    followUp: (f, args) => {
      const p = (args[0] as K.Placeholder[])[0] as K.Placeholder;
      return (f as (v: unknown[]) => unknown[])([K.ones(p.shape as number[])]);
    },
  },
  graph_mode: { args: () => [F(() => K.placeholder([2]))] },
  executing_eagerly: { args: () => [] },
  disable_eager_execution: { args: () => [], global: true },
  enable_eager_execution: { args: () => [], global: true },
  name_scope: { args: () => [N('block'), F(() => K.constant([1]))] },
  get_session: { args: () => [] },
  set_session: { args: () => [X(null)], global: true },
  clear_session: { args: () => [], global: true },
  manual_variable_initialization: { args: () => [B(false)], global: true },
  // configuration
  epsilon: { args: () => [] },
  set_epsilon: { args: () => [X(1e-5)], global: true },
  floatx: { args: () => [] },
  set_floatx: { args: (d) => [E(d.pick('float32', 'float64'))], global: true },
  image_data_format: { args: () => [] },
  set_image_data_format: { args: (d) => [E(d.pick('channels_last', 'channels_first'))], global: true },
  backend: { args: () => [] },
  get_uid: { args: () => [N('dense')] },
  reset_uids: { args: () => [], global: true },
  // devices, threads, memory, debugging
  get_device: { args: () => [] },
  set_device: { args: () => [E('cpu')], global: true },
  gpu_mode: { args: () => [] },
  gpu_renderer: { args: () => [] },
  init_threads: { args: () => [] },
  memory_info: { args: () => [] },
  get_num_threads: { args: () => [] },
  set_num_threads: { args: () => [I(1)], global: true },
  dispose: { args: (d) => [X(d.constant([2]))] },
  track_tensors: { args: () => [B(false)], global: true },
  leak_mark: { args: () => [] },
  leak_report: { args: () => [O({})] },
};
