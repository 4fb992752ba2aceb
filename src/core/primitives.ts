// The vocabulary of primitives: each one's name and the type of its
// attributes. The rules (shape/dtype rule, VJP) live in src/prims/, the
// kernels in src/cpu/ and src/gpu/; every layer above core names primitives
// through this file. It fills tensor.ts's `PrimAttrs` by declaration merging
// (see there), so a node is typed by its primitive without an import cycle.
import type { DType } from './dtype.js';
import type { Generator } from './random.js';
import type { Prim, Tensor } from './tensor.js';

/** What a shape rule knows of a tensor: its shape (-1 for unknown dims) and dtype. */
export interface Meta {
  readonly shape: number[];
  readonly dtype: DType;
}

export type Empty = Record<string, never>;

export interface ElementwiseAttrs {
  neg: Empty;
  abs: Empty;
  sign: Empty;
  round: Empty;
  exp: Empty;
  log: Empty;
  sqrt: Empty;
  sin: Empty;
  cos: Empty;
  tanh: Empty;
  sigmoid: Empty;
  softplus: Empty;
  add: Empty;
  sub: Empty;
  mul: Empty;
  div: Empty;
  pow: Empty;
  maximum: Empty;
  minimum: Empty;
  equal: Empty;
  not_equal: Empty;
  greater: Empty;
  greater_equal: Empty;
  less: Empty;
  less_equal: Empty;
  where: Empty;
  cast: { dtype: DType };
}

export interface ReduceAttrs {
  /**
   * `like`, in a gradient whose broadcast is known only at run time: the sum
   * runs (keepdims) over `axes` and also every axis where like's run-time dim
   * is 1 and x's is not, so the result broadcasts to like's shape.
   */
  sum: Reduction & { readonly like?: Tensor };
  max: Reduction;
  min: Reduction;
  prod: Reduction;
  argmax: { axis: number };
  argmin: { axis: number };
}

export interface Reduction {
  readonly axes: number[];
  readonly keepdims: boolean;
}

export interface ShapeAttrs {
  /**
   * Unknown (-1) dims of `shape` are filled at run time: from `like`'s dims by
   * position, or, with `from`, output axis i is the product of the input's own
   * axes `from[i]` (an empty list is 1: merging and inserting axes); one
   * unknown dim left follows from the number of values.
   */
  reshape: {
    shape: number[];
    like?: Tensor;
    from?: readonly (readonly number[] | null)[];
    /** With `from`: output axis i is like's run-time dim `fromLike[i]` (another tensor's, as K.shape(y)[k]). */
    fromLike?: readonly (number | null)[];
  };
  transpose: { perm: number[] };
  broadcast_to: { shape: number[]; like?: Tensor };
  /** `like`, when `size` has unknown (-1) entries: the tensor whose run-time dims they are, by position. */
  slice: {
    begin: number[];
    size: number[];
    like?: Tensor;
    /** Unknown (-1) sizes are the rest of x's run-time axis after `begin` (tf.slice's -1), not like's dims. */
    rest?: true;
  };
  /** `like`, when an after-padding is -1: pad up to its run-time dim, by position. */
  pad: { pads: [number, number][]; like?: Tensor };
}

export interface LinalgAttrs {
  matmul: Empty;
}

/**
 * A node whose gradient is a user's function. Its inputs are the tensors (and
 * variables) the user's function read, then last the value it computed; the
 * node passes that value through and sends `grad(g, i)` to input i.
 */
export interface CustomAttrs {
  /** What made it: 'custom_gradient' or 'checkpoint' (listings show it). */
  readonly kind: string;
  /** The cotangent for input i (not the last), or null when none flows. */
  readonly grad: (g: Tensor, index: number) => Tensor | null;
}

/**
 * A function of its inputs computed only when a graph runs (a loop whose
 * length is known only then): K.function calls `run` on the inputs' values.
 * Its gradient is the function's own, taken when the graph runs (`grad`
 * makes another such node), so every order follows.
 */
export interface CallAttrs {
  /** What it computes ('rnn', "rnn'" for its gradient): listings show it. */
  readonly kind: string;
  /** The output's shape (-1 where known only at run time) and dtype. */
  readonly meta: Meta;
  /** The value from the inputs' values (K ops). */
  readonly run: (inputs: readonly Tensor[]) => Tensor;
  /** The cotangent for input i, as another node of this kind, or null. */
  readonly grad: (g: Tensor, index: number) => Tensor | null;
}

export interface StateAttrs {
  read_variable: Empty;
  stop_gradient: Empty;
  custom: CustomAttrs;
  call: CallAttrs;
}

export interface IndexingAttrs {
  concat: { axis: number };
  reverse: { axes: number[] };
  gather: { axis: number };
  /** `like`, when `size` is -1: the tensor whose run-time dim along `axis` it is. */
  scatter_add: { axis: number; size: number; like?: Tensor };
}

/** A scan along `axis`: exclusive leaves x_i out of output i; reverse runs from the end. */
export interface Scan {
  readonly axis: number;
  readonly exclusive: boolean;
  readonly reverse: boolean;
}

export interface ScanAttrs {
  cumsum: Scan;
  cumprod: Scan;
  affine_scan: { readonly axis: number; readonly reverse: boolean };
}

export interface PrintAttrs {
  print: { readonly message: string; readonly summarize: number };
}

/** Where the windows sit: per spatial axis, and how channels split into groups. */
export interface ConvGeometry {
  readonly strides: readonly number[];
  readonly dilation: readonly number[];
  readonly pads: readonly (readonly [number, number])[];
  /** Input and output channels split into this many independent groups. */
  readonly groups: number;
  /**
   * 'same' padding over spatial sizes known only at run time (a graph fed
   * images of several sizes): the pads are computed then from the input's
   * sizes, as TF's 'SAME' (the `pads` given stand for nothing until then).
   */
  readonly same?: boolean;
}

export interface ConvAttrs {
  /** x (N, *S, C), w (*K, C / groups, F) -> (N, *O, F). */
  conv: ConvGeometry;
  /** g (N, *O, F), w (*K, C / groups, F) -> dx (N, *inputSize, C). */
  conv_backprop_input: ConvGeometry & {
    readonly inputSize: readonly number[];
    /** When inputSize has unknown (-1) entries: the conv's x, whose run-time spatial dims they are. */
    readonly like?: Tensor;
  };
  /** x (N, *S, C), g (N, *O, F) -> dw (*kernelSize, C / groups, F). */
  conv_backprop_filter: ConvGeometry & { readonly kernelSize: readonly number[] };
}

/** The distributions a random draw samples (src/core/random.ts `sample`). */
export type Distribution = 'normal' | 'truncated_normal' | 'uniform' | 'uniform_int' | 'bernoulli' | 'keep';

/**
 * One random op. Its node is drawn again each time it runs (in K.function, at
 * every call), from `stream`: a seeded op owns its generator, so the same seed
 * gives the same sequence of draws; an unseeded op reads the shared one.
 */
export interface RandomDraw {
  readonly dist: Distribution;
  /** normal: mean, stddev; uniform(_int): minval, maxval; bernoulli: p; keep: the drop rate. */
  readonly a: number;
  readonly b: number;
  /** -1 where the dim is known only when the graph runs (from the shape input, or from `like`). */
  readonly shape: number[];
  readonly dtype: DType;
  /** `seeded`: the op's own generator (a seed given), so each eager call repeats its values. */
  readonly stream: { readonly generator: () => Generator; readonly seeded: boolean };
  /** dropout's flags on a symbolic x: the tensor whose run-time dims fill unknown entries, by position. */
  readonly like?: Tensor;
}

export interface RandomAttrs {
  /** Inputs: none, or one 1-D integer tensor holding the shape when it is known only at run time. */
  random: RandomDraw;
  /** x's shape as a 1-D int32 tensor; `dims` holds -1 for dims known only at run time. */
  shape_of: { readonly dims: number[] };
}

export interface PoolWindow {
  /** Window size per spatial axis. */
  readonly window: number[];
  /** Step per spatial axis. */
  readonly strides: number[];
  readonly padding: 'SAME' | 'VALID';
}

export interface AvgPoolGrad extends PoolWindow {
  /** The shape of avg_pool's input (the result's shape). */
  readonly shape: number[];
  /** When `shape` has unknown (-1) dims: the tensor whose run-time dims they are, by position. */
  readonly like?: Tensor;
}

export interface PoolAttrs {
  max_pool: PoolWindow;
  max_pool_argmax: PoolWindow;
  avg_pool: PoolWindow;
  avg_pool_grad: AvgPoolGrad;
}

export interface ActivationAttrs {
  softmax: { axis: number };
  sigmoid_grad: Empty;
  tanh_grad: Empty;
}

const COMPARISONS = ['equal', 'not_equal', 'less', 'less_equal', 'greater', 'greater_equal'] as const;

/** The elementwise primitives a fused kernel runs (float32 in and out, or bool between a comparison and a where; exact or the wasm maps' rounding). */
export const FUSABLE = [
  'neg',
  'abs',
  'sqrt',
  'exp',
  'log',
  'tanh',
  'sigmoid',
  'softplus',
  'add',
  'sub',
  'mul',
  'div',
  'maximum',
  'minimum',
  'sigmoid_grad',
  'tanh_grad',
  // Comparisons give bool lane masks that only a `where` inside the chain reads.
  ...COMPARISONS,
  'where',
] as const;
export type FusablePrim = (typeof FUSABLE)[number];
/** The fusable primitives whose result is bool. */
export const FUSED_COMPARISONS: ReadonlySet<FusablePrim> = new Set(COMPARISONS);

/**
 * A chain of elementwise primitives as one kernel (K.function's plans make
 * them; src/grad/fuse.ts). Operand j < inputs is input j; operand inputs + k
 * is op k's result. The last op's result, summed over `sum.axes` where `sum`
 * is set, is the output.
 */
export interface FusedAttrs {
  fused: {
    readonly ops: readonly { readonly prim: FusablePrim; readonly args: readonly number[] }[];
    /** The inputs' shapes: each the chain's shape, or one element broadcast. */
    readonly inputs: readonly (readonly number[])[];
    /** The elementwise result's shape. */
    readonly shape: readonly number[];
    readonly sum: Reduction | null;
  };
}

/** How many inputs a primitive takes: 1, 2 or 3, or 'n' for any number (concat, custom). */
export type Arity = 1 | 2 | 3 | 'n';

/**
 * Each primitive's arity. The shape rules, VJPs and kernels take their inputs
 * as tuples of this length (Inputs), so a rule or kernel that forgets an input
 * does not compile; apply checks the count at run time.
 */
export const ARITY = {
  neg: 1,
  abs: 1,
  sign: 1,
  round: 1,
  exp: 1,
  log: 1,
  sqrt: 1,
  sin: 1,
  cos: 1,
  tanh: 1,
  sigmoid: 1,
  softplus: 1,
  add: 2,
  sub: 2,
  mul: 2,
  div: 2,
  pow: 2,
  maximum: 2,
  minimum: 2,
  equal: 2,
  not_equal: 2,
  greater: 2,
  greater_equal: 2,
  less: 2,
  less_equal: 2,
  where: 3,
  cast: 1,
  sum: 1,
  max: 1,
  min: 1,
  prod: 1,
  argmax: 1,
  argmin: 1,
  reshape: 1,
  transpose: 1,
  broadcast_to: 1,
  slice: 1,
  pad: 1,
  matmul: 2,
  read_variable: 1,
  stop_gradient: 1,
  custom: 'n',
  call: 'n',
  concat: 'n',
  reverse: 1,
  gather: 2,
  scatter_add: 2,
  cumsum: 1,
  cumprod: 1,
  affine_scan: 2,
  print: 1,
  conv: 2,
  conv_backprop_input: 2,
  conv_backprop_filter: 2,
  max_pool: 1,
  max_pool_argmax: 1,
  avg_pool: 1,
  avg_pool_grad: 1,
  softmax: 1,
  sigmoid_grad: 2,
  tanh_grad: 2,
  random: 'n',
  shape_of: 1,
  fused: 'n',
} as const satisfies { readonly [P in Prim]: Arity };

export type ArityOf<P extends Prim> = (typeof ARITY)[P];

/**
 * Primitives whose value is one of their inputs' unchanged (graph plumbing:
 * a variable's snapshot, stop_gradient, a custom gradient's pass-through of
 * its value). No kernel runs: the dispatcher shares that input's value, on
 * whatever device it is, so the backends have no kernel for them.
 */
export const PASS_THROUGH = {
  read_variable: 'first',
  stop_gradient: 'first',
  custom: 'last',
} as const satisfies { readonly [P in Prim]?: 'first' | 'last' };

/** The primitives a backend computes: all but the pass-throughs and `call` (the dispatcher runs its function). */
export type KernelPrim = Exclude<Prim, keyof typeof PASS_THROUGH | 'call'>;

/** `N` items of `T` as a tuple (any number for 'n'). */
export type Tuple<N extends Arity, T> = N extends 1
  ? readonly [T]
  : N extends 2
    ? readonly [T, T]
    : N extends 3
      ? readonly [T, T, T]
      : readonly T[];

/** A primitive's inputs (tensors, metas or device values) as a tuple of its arity. */
export type Inputs<P extends Prim, T> = Tuple<ArityOf<P>, T>;

declare module './tensor.js' {
  interface PrimAttrs
    extends ElementwiseAttrs,
      ReduceAttrs,
      ShapeAttrs,
      LinalgAttrs,
      StateAttrs,
      IndexingAttrs,
      ScanAttrs,
      PrintAttrs,
      ConvAttrs,
      PoolAttrs,
      ActivationAttrs,
      RandomAttrs,
      FusedAttrs {}
}

export type { Prim, PrimAttrs } from './tensor.js';
