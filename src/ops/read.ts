// Reading a value out (K.eval, K.get_value, K.batch_get_value). Eagerly a
// tensor's value is the one computed when it was made. While a graph is built,
// as TF1's session.run, K.eval runs the graph anew: variables are read as they
// are now, random ops draw again, the learning phase takes its default.
import { exampleError, readOut } from '../core/args.js';
import { fmtShape, runningName, valueError } from '../core/context.js';
import { allocate } from '../core/dtype.js';
import { isKnown } from '../core/shape.js';
import { eagerly } from '../core/mode.js';
import { copyOut, type Nd, nd } from '../core/ndarray.js';
import type { SparseTensor } from '../core/sparse.js';
import { Tensor, Variable } from '../core/tensor.js';
import { evaluateGraph } from '../grad/evaluate.js';

/** A SparseTensor's value, as TF's SparseTensorValue: its three parts as ndarrays. */
export interface SparseTensorValue {
  readonly indices: Nd;
  readonly values: Nd;
  readonly dense_shape: Nd;
}

/** The value of `x` now, as a new row-major ndarray; `arg` names it in errors. */
export function readNow(x: unknown, arg: string): Nd {
  if (x instanceof Tensor && x.batch !== null) throw exampleError(arg, x);
  if (!eagerly() && x instanceof Tensor && !(x instanceof Variable) && x.node !== null) {
    const [v] = evaluateGraph([x], new Map());
    return copyOut(v!.host(), v!.dtype);
  }
  return readOut(x, arg);
}

/** A SparseTensor's value now: indices, values and the dense shape (int64, as TF's). */
export function readSparse(x: SparseTensor, arg: string): SparseTensorValue {
  if (!isKnown(x.dense_shape)) {
    throw valueError(
      runningName(),
      `${arg} is a sparse placeholder of dense shape ${fmtShape(x.dense_shape)} and has no value; evaluate it with K.function`
    );
  }
  const dims = allocate('int64', x.rank);
  x.dense_shape.forEach((d, i) => (dims[i] = d));
  return {
    indices: readNow(x.indices, `${arg}.indices`),
    values: readNow(x.values, `${arg}.values`),
    dense_shape: nd(dims, [x.rank]),
  };
}
