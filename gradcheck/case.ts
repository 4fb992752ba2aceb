// A gradcheck case: a function of float64 tensors and how to sample its inputs.
import type { Tensor } from '../src/index.js';

export interface InputSpec {
  readonly shape: number[];
  /** Sample uniformly from [low, high] (default [-2, 2]); keep away from kinks and poles. */
  readonly low?: number;
  readonly high?: number;
  /** Fixed values instead of sampling (row-major). */
  readonly values?: number[];
  /** Pass the input as a K.variable: its gradient flows through the variable's read. */
  readonly variable?: boolean;
}

export interface GradCase {
  /** The Keras function checked (one row per case and order in the table). */
  readonly op: string;
  /** What distinguishes this case from others of the same op (e.g. 'axis=1, keepdims'). */
  readonly variant?: string;
  readonly inputs: readonly InputSpec[];
  /** Every input is differentiated; the output may have any shape. */
  readonly fn: (...xs: Tensor[]) => Tensor;
  /** Skip the second-order check, saying why (e.g. a piecewise-linear op whose second derivative is 0 a.e. is still checked; only say why when impossible). */
  readonly firstOrderOnly?: string;
  /** Looser tolerances than the device's, and why (a float32 intermediate in a float64 check). */
  readonly tolerance?: { readonly why: string; readonly eps: number; readonly atol: number; readonly rtol: number };
}
