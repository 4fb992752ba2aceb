// The vocabulary of primitives: each one's name and the type of its
// attributes. The rules (shape/dtype rule, VJP) live in src/prims/, the
// kernels in src/cpu/ and src/gpu/; every layer above core names primitives
// through this file. It fills tensor.ts's `PrimAttrs` by declaration merging
// (see there), so a node is typed by its primitive without an import cycle.
import type { DType } from './dtype.js';
import type { Tensor } from './tensor.js';

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
  sum: Reduction;
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
  /** `like`, when the shape has unknown (-1) dims: the tensor whose run-time dims fill them, by position. */
  reshape: { shape: number[]; like?: Tensor };
  transpose: { perm: number[] };
  broadcast_to: { shape: number[]; like?: Tensor };
  /** `like`, when `size` has unknown (-1) entries: the tensor whose run-time dims they are, by position. */
  slice: { begin: number[]; size: number[]; like?: Tensor };
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

export interface StateAttrs {
  read_variable: Empty;
  stop_gradient: Empty;
  custom: CustomAttrs;
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
  print: { readonly message: string; readonly summarize: number };
}

/** Where the windows sit: per spatial axis, and how channels split into groups. */
export interface ConvGeometry {
  readonly strides: readonly number[];
  readonly dilation: readonly number[];
  readonly pads: readonly (readonly [number, number])[];
  /** Input and output channels split into this many independent groups. */
  readonly groups: number;
}

export interface ConvAttrs {
  /** x (N, *S, C), w (*K, C / groups, F) -> (N, *O, F). */
  conv: ConvGeometry;
  /** g (N, *O, F), w (*K, C / groups, F) -> dx (N, *inputSize, C). */
  conv_backprop_input: ConvGeometry & { readonly inputSize: readonly number[] };
  /** x (N, *S, C), g (N, *O, F) -> dw (*kernelSize, C / groups, F). */
  conv_backprop_filter: ConvGeometry & { readonly kernelSize: readonly number[] };
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

declare module './tensor.js' {
  interface PrimAttrs
    extends ElementwiseAttrs,
      ReduceAttrs,
      ShapeAttrs,
      LinalgAttrs,
      StateAttrs,
      IndexingAttrs,
      ScanAttrs,
      ConvAttrs,
      PoolAttrs,
      ActivationAttrs {}
}

export type { Prim, PrimAttrs } from './tensor.js';
