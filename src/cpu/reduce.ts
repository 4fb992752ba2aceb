// Reductions over any set of axes: the reduced axes are moved last (a view),
// made contiguous once, and folded row by row.
import type { Kernel, KernelOf } from '../core/backend.js';
import { highest, lowest, type DType } from '../core/dtype.js';
import { alloc, contiguous, isContiguous, type Nd } from '../core/ndarray.js';
import { perKind } from './strided.js';
import { wasmCols, wasmRows, type ColOp, type RowOp } from './wasm/elementwise.js';
import type { ReduceAttrs, Reduction, Meta } from '../core/primitives.js';

/** Rows of `inner` values to fold, one row per output element. */
function rows(a: Nd, dtype: DType, axes: readonly number[]): { data: Nd['data']; offset: number; inner: number } {
  const kept = [...a.shape.keys()].filter((i) => !axes.includes(i));
  const moved = a.shape.length === 0 ? a : a.transpose(...kept, ...axes);
  const c = contiguous(moved, dtype);
  let inner = 1;
  for (const ax of axes) inner *= a.shape[ax]!;
  return { data: c.data, offset: c.offset, inner };
}

/**
 * The loops of one reduction, specialised per operation (one compiled loop per
 * op keeps V8's inlining; a shared loop calling a step closure does not):
 * `rows` folds each contiguous row of `inner` values into one output; `cols`
 * folds `outer` rows of `inner` values element-wise (reducing a leading axis
 * reads memory in order, with no transposed copy). Accumulation is in float64.
 */
interface Loops {
  rows(o: Nd['data'], n: number, d: Nd['data'], off: number, inner: number, start: number): void;
  cols(o: Nd['data'], acc: Float64Array, d: Nd['data'], off: number, outer: number, inner: number): void;
}

function loops(step: string): Loops {
  // `a` is the accumulator, `v` the value; the same text builds both loops.
  const rows = perKind(
    () =>
      new Function(
        'o',
        'n',
        'd',
        'off',
        'inner',
        'start',
        `
    for (let r = 0; r < n; r++) {
      let a = start;
      const base = off + r * inner;
      for (let j = 0; j < inner; j++) { const v = d[base + j]; a = ${step}; }
      o[r] = a;
    }`
      ) as Loops['rows']
  );
  // Each column's accumulator is its own: four columns a turn keep every column's order.
  const column = (at: string) => `{ const a = acc[${at}], v = d[base + ${at}]; acc[${at}] = ${step}; }`;
  const cols = perKind(
    () =>
      new Function(
        'o',
        'acc',
        'd',
        'off',
        'outer',
        'inner',
        `
    for (let r = 0; r < outer; r++) {
      const base = off + r * inner;
      let j = 0;
      for (; j + 3 < inner; j += 4) { ${column('j')} ${column('j + 1')} ${column('j + 2')} ${column('j + 3')} }
      for (; j < inner; j++) ${column('j')}
    }
    for (let j = 0; j < inner; j++) o[j] = acc[j];`
      ) as Loops['cols']
  );
  // One copy of each loop per combination of array kinds (strided.ts): V8's accesses stay monomorphic.
  return {
    rows: (o, n, d, off, inner, start) => rows(o, d)(o, n, d, off, inner, start),
    cols: (o, acc, d, off, outer, inner) => cols(o, d)(o, acc, d, off, outer, inner),
  };
}

/** The wasm loops of a fold for float32 (wasm/elementwise.ts), where it has them. */
interface WasmFold {
  readonly rows: RowOp;
  readonly cols: ColOp;
}

function fold(init: (dtype: DType) => number, step: string, wasm?: WasmFold): KernelOf<1, Reduction, Nd> {
  const run = loops(step);
  return ([a], attrs, out: Meta) => {
    const x = a;
    // Over no axes the value is x's own (values are immutable, so sharing it is safe).
    if (attrs.axes.length === 0) return x;
    const start = init(out.dtype);
    const o = alloc(out.dtype, out.shape);
    const axes = attrs.axes;
    const f32 =
      wasm !== undefined && out.dtype === 'float32' && x.data instanceof Float32Array && o.data instanceof Float32Array;
    const lead = axes.length > 0 && axes.every((ax, i) => ax === i);
    if (lead && axes.length < x.shape.length && isContiguous(x)) {
      // Leading axes of a row-major array: fold whole rows into the output, in order.
      let outer = 1;
      for (const ax of axes) outer *= x.shape[ax]!;
      const inner = o.data.length;
      if (f32 && wasmCols(wasm.cols, o.data as Float32Array, x.data as Float32Array, x.offset, outer, inner, start))
        return o;
      const acc = new Float64Array(inner).fill(start);
      run.cols(o.data, acc, x.data, x.offset, outer, inner);
      return o;
    }
    const { data, offset, inner } = rows(x, out.dtype, axes);
    if (
      f32 &&
      data instanceof Float32Array &&
      wasmRows(wasm.rows, o.data as Float32Array, data, offset, o.data.length, inner)
    )
      return o;
    run.rows(o.data, o.data.length, data, offset, inner, start);
    return o;
  };
}

function argFold(better: (v: number, best: number) => boolean): KernelOf<1, { axis: number }, Nd> {
  return ([a], attrs, out: Meta) => {
    const { data, offset, inner } = rows(a, dtypeOf(a), [attrs.axis]);
    const o = alloc(out.dtype, out.shape);
    for (let r = 0; r < o.data.length; r++) {
      const base = offset + r * inner;
      let best = 0;
      for (let j = 1; j < inner; j++) if (better(data[base + j]!, data[base + best]!)) best = j;
      o.data[r] = best;
    }
    return o;
  };
}

/** Any dtype with the same storage works for copying values out. */
function dtypeOf(a: Nd): DType {
  const d = a.dtype;
  return d === 'float32' ||
    d === 'float64' ||
    d === 'int32' ||
    d === 'int16' ||
    d === 'int8' ||
    d === 'uint8' ||
    d === 'uint16'
    ? d
    : 'float64';
}

export const cpuReduce: { [P in keyof ReduceAttrs]: Kernel<P, Nd> } = {
  // float32 in wasm: sums in float64 lanes (rows) or in row order (leading axes), max/min exact.
  sum: fold(() => 0, 'a + v', { rows: 'sumRows', cols: 'sumCols' }),
  prod: fold(() => 1, 'a * v'),
  // NaN wins, as in TensorFlow's reduce_max; an empty integer max is the dtype's lowest value.
  max: fold((d) => lowest(d), '(v > a || v !== v ? v : a)', { rows: 'maxRows', cols: 'maxCols' }),
  min: fold((d) => highest(d), '(v < a || v !== v ? v : a)', { rows: 'minRows', cols: 'minCols' }),
  // First index wins ties, as tf.argmax.
  argmax: argFold((v, best) => v > best),
  argmin: argFold((v, best) => v < best),
};
