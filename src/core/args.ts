// Keras's keyword arguments: optional parameters may be passed positionally, or
// by name in one trailing plain object (CONVENTIONS.md).
import { fmtShape, runningName, typeError, valueError, showRaw } from './context.js';
import { describeValue, isNdArray, showValue, toTensor } from './convert.js';
import { image_data_format } from './config.js';
import { copyOut, type Nd } from './ndarray.js';
import { isInt, type DType } from './dtype.js';
import { Tensor } from './tensor.js';
import { range, isIntList, MAX_RANK } from './shape.js';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Merge positional optionals `given` (in the order of `names`) with an options
 * object found among them. Unknown option names are a TypeError.
 */
export function options<T extends object>(names: readonly (keyof T & string)[], given: readonly unknown[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < given.length; i++) {
    const v = given[i];
    if (isPlainObject(v)) {
      for (const rest of given.slice(i + 1)) {
        if (rest !== undefined) throw typeError(runningName(), 'the options object must be the last argument');
      }
      for (const [k, val] of Object.entries(v)) {
        if (!names.includes(k as keyof T & string)) {
          throw typeError(runningName(), `unknown option ${JSON.stringify(k)}; expected one of ${names.join(', ')}`);
        }
        if (k in out && out[k] !== undefined) throw typeError(runningName(), `${k} given both by position and by name`);
        out[k] = val;
      }
      break;
    }
    if (v !== undefined) out[names[i]!] = v;
  }
  return out as Partial<T>;
}

/** An optional boolean argument: null or undefined read as false. */
export function flag(v: unknown, arg: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw typeError(runningName(), `${arg} must be a boolean; got ${showRaw(v)}`);
  return v;
}

/** An optional name: null or undefined read as none. */
export function nameArg(name: unknown): string | null {
  if (name === null || name === undefined) return null;
  if (typeof name !== 'string') throw typeError(runningName(), `name must be a string; got ${describeValue(name)}`);
  return name;
}

/** A tensor argument of exactly `rank` dimensions. */
export function needRank(t: Tensor, rank: number, arg = 'x'): void {
  if (t.rank !== rank)
    throw valueError(runningName(), `${arg} must be a ${rank}D tensor; got shape ${fmtShape(t.shape)}`);
}

/** A tensor that stands for examples inside K.vmap has no value of its own to read. */
export function exampleError(arg: string, t: Tensor): Error {
  return valueError(
    runningName(),
    `${arg} (shape ${fmtShape(t.shape)}) stands for one example inside K.vmap and has no value of its own; ` +
      'return it from the vmapped function to read it'
  );
}

export function readOut(x: unknown, arg: string): Nd {
  const t = toTensor(runningName(), x, arg);
  if (t.batch !== null) throw exampleError(arg, t);
  if (t.isSymbolic) {
    throw valueError(
      runningName(),
      `${arg} is a symbolic tensor of shape ${fmtShape(t.shape)} and has no value; evaluate it with K.function`
    );
  }
  return copyOut(t.host(), t.dtype);
}

/**
 * The eager tensor for an initial value: plain values are converted to `dtype`;
 * a tensor must already have it (tf.convert_to_tensor refuses to cast).
 */
export function valueTensor(value: unknown, arg: string, dtype: DType, allowSymbolic = false): Tensor {
  if (!(value instanceof Tensor)) return toTensor(runningName(), value, arg, dtype);
  toTensor(runningName(), value, arg); // the brand check
  if (value.dtype !== dtype) {
    throw typeError(
      runningName(),
      `${arg} is a ${value.dtype} tensor of shape ${fmtShape(value.shape)}, but dtype ${dtype} was asked for; cast it first`
    );
  }
  if (value.isSymbolic && !allowSymbolic) {
    throw valueError(runningName(), `${arg} is a symbolic tensor of shape ${fmtShape(value.shape)} and has no value`);
  }
  return value;
}

export function axisOf(axis: unknown, t: Tensor, arg: string): number {
  if (typeof axis !== 'number' || !Number.isSafeInteger(axis))
    throw typeError(runningName(), `axis must be an integer; got ${describeValue(axis)}`);
  if (axis < -t.rank || axis >= t.rank) {
    throw valueError(
      runningName(),
      `axis ${axis} is out of range for ${arg} of shape ${fmtShape(t.shape)} (rank ${t.rank})`
    );
  }
  return axis < 0 ? axis + t.rank : axis;
}

/** null = every axis; an int or a list of ints, each at most once; sorted. */
export function axesOf(axis: unknown, t: Tensor): number[] {
  if (axis === null || axis === undefined) return range(t.rank);
  const list: unknown[] = Array.isArray(axis) ? axis : [axis];
  const out = list.map((a) => axisOf(a, t, 'x'));
  if (new Set(out).size !== out.length)
    throw valueError(runningName(), `axis ${showRaw(axis)} names an axis of x of shape ${fmtShape(t.shape)} twice`);
  return out.sort((p, q) => p - q);
}

/** How images lay out channels (Keras's data_format). */
export type DataFormat = 'channels_first' | 'channels_last';

/** data_format: null or undefined means K.image_data_format(). */
export function dataFormat(v: unknown): DataFormat {
  const f = v ?? image_data_format();
  if (f !== 'channels_first' && f !== 'channels_last') {
    throw valueError(
      runningName(),
      `Unknown data_format: ${showValue(f)} (expected "channels_first" or "channels_last")`
    );
  }
  return f;
}

/** A tuple of `n` positive integers (a length other than n, or a value < 1: ValueError; not integers: TypeError). */
export function intTuple(v: unknown, n: number, arg: string): number[] {
  if (!Array.isArray(v))
    throw typeError(runningName(), `\`${arg}\` must be a tuple of ${n} integers; got ${showValue(v)}`);
  if (v.length !== n)
    throw valueError(runningName(), `\`${arg}\` must be a tuple of ${n} integers; got ${showValue(v)}`);
  if (!isIntList(v)) throw typeError(runningName(), `\`${arg}\` must be a tuple of ${n} integers; got ${showValue(v)}`);
  if (v.some((d: number) => d < 1))
    throw valueError(runningName(), `\`${arg}\` must be positive integers; got ${showValue(v)}`);
  return v.slice() as number[];
}

/**
 * A shape argument: a list whose entries are non-negative integers or scalar
 * integer tensors with a value (Keras writes `K.random_normal([K.shape(z)[0], 3])`),
 * one integer, or a 1-D integer tensor with a value.
 */
export function shapeArg(shape: unknown, arg = 'shape'): number[] {
  const fn = runningName();
  const bad = (what: string) =>
    valueError(fn, `${arg} must be a list of non-negative integers or scalar integer tensors; ${what}`);
  if (shape instanceof Tensor || isNdArray(shape)) {
    const t = toTensor(fn, shape, arg);
    if (t.isSymbolic || t.rank !== 1 || !isInt(t.dtype)) {
      throw bad(`got ${t.isSymbolic ? 'a symbolic' : 'a'} ${t.dtype} tensor of shape ${fmtShape(t.shape)}`);
    }
    return checkDims(Array.from(copyOut(t.host(), t.dtype).data), bad, showValue(shape));
  }
  const list = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(list)) throw bad(`got ${describeValue(shape)}`);
  const dims = list.map((d: unknown, i) => {
    if (!(d instanceof Tensor)) return d;
    if (d.isSymbolic) {
      throw bad(
        `${arg}[${i}] is a symbolic tensor, known only when a graph runs; shapes with run-time dims are not supported here yet`
      );
    }
    const v = scalarValue(d);
    if (v === null || !isInt(d.dtype)) {
      throw bad(`${arg}[${i}] is a ${d.dtype} tensor of shape ${fmtShape(d.shape)}, not a scalar integer`);
    }
    return v;
  });
  return checkDims(dims, bad, showValue(list));
}

function checkDims(list: unknown[], bad: (what: string) => Error, shown: string): number[] {
  if (!isIntList(list, (d) => d >= 0)) throw bad(`got ${shown}`);
  if (list.length > MAX_RANK) throw bad(`got ${list.length} dims (TF's largest rank is ${MAX_RANK})`);
  return list.slice() as number[];
}

/**
 * The value a scalar integer tensor is sure to have when a graph runs, where
 * its recorded ops decide it (TF's constant_value): a value it already has,
 * `K.shape(x)[i]` of a dim of x known now, and sums, differences and products
 * of such. null when it depends on run-time values.
 */
export function staticValue(t: Tensor): number | null {
  const known = scalarValue(t);
  if (known !== null) return known;
  const n = t.node;
  if (n === null || t.rank > 1) return null;
  const ins = n.inputs;
  switch (n.prim) {
    case 'gather': {
      const [s, idx] = ins as [Tensor, Tensor];
      if (s.node?.prim !== 'shape_of') return null;
      const i = scalarValue(idx);
      const x = s.node.inputs[0]!;
      const d = i === null ? undefined : x.shape[i < 0 ? i + x.rank : i];
      return d === undefined || d < 0 ? null : d;
    }
    case 'reshape':
    case 'cast':
      return staticValue(ins[0]!);
    case 'add':
    case 'sub':
    case 'mul': {
      const [a, b] = [staticValue(ins[0]!), staticValue(ins[1]!)];
      if (a === null || b === null) return null;
      return n.prim === 'add' ? a + b : n.prim === 'sub' ? a - b : a * b;
    }
    default:
      return null;
  }
}

/** The one value of a tensor holding a single element (rank 0 or 1) with a value; null otherwise. */
export function scalarValue(t: Tensor): number | null {
  if (t.isSymbolic || t.rank > 1 || t.shape.reduce((a, b) => a * b, 1) !== 1) return null;
  return copyOut(t.host(), t.dtype).data[0] ?? null;
}
