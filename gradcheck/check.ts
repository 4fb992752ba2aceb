// The finite-difference gradient checker (PyTorch's gradcheck and JAX's
// check_grads, distilled). For a case f(x_0, ..., x_n) it compares the tape's
// Jacobian, built row by row from one-hot cotangents, with central differences
// over every element of every input; big cases compare random projections
// v^T J u instead, and fall back to the full Jacobian to show a failure. Order 2
// checks (x) -> vjp(f, x)(v) for a fixed random v the same way, so the tape
// differentiates its own gradients.
import ndarray from 'ndarray';
import * as K from '../src/index.js';
import { allocate, isFloat, type DType } from '../src/core/dtype.js';
import { backendOf, currentDevice, setCurrentDevice } from '../src/device/dispatcher.js';
import { cpuStorage, type DeviceName } from '../src/core/storage.js';
import type { GradCase, InputSpec } from './case.js';
import { allFixed, hashSeed, rng, sampleInputs, sampleSigned, sizeOfShape, type Rng } from './sample.js';

type Tensor = K.Tensor;

export interface Tolerance {
  /** Central-difference step. */
  readonly eps: number;
  /** An entry passes when |analytic - numeric| <= atol + rtol * |numeric|. */
  readonly atol: number;
  readonly rtol: number;
}

/** PyTorch's float64 defaults. */
export const FLOAT64_TOL: Tolerance = { eps: 1e-6, atol: 1e-5, rtol: 1e-3 };
/** For float32 devices (gpu.js computes in float32): a bigger step, looser bounds. */
export const FLOAT32_TOL: Tolerance = { eps: 1e-3, atol: 2e-3, rtol: 2e-3 };

/** Where a check runs: the device selected while it runs, its dtype and tolerances. */
export interface Device {
  readonly name: DeviceName;
  readonly dtype: 'float64' | 'float32';
  readonly tol: Tolerance;
}

/**
 * The cpu checks in float64. The gpu checks in float32 with the looser table:
 * float64 inputs would run on the cpu even with the gpu device selected.
 */
const ALL_DEVICES: readonly Device[] = [
  { name: 'cpu', dtype: 'float64', tol: FLOAT64_TOL },
  { name: 'gpu', dtype: 'float32', tol: FLOAT32_TOL },
];

/** Every device the sweep covers: those with a backend (src/index.ts registers them). */
export const DEVICES: readonly Device[] = ALL_DEVICES.filter((d) => backendOf(d.name) !== undefined);

/** The device entry for `name`; throws when it has no backend. */
export function deviceNamed(name: DeviceName): Device {
  const d = DEVICES.find((e) => e.name === name);
  if (d === undefined) throw new Error(`gradcheck: device ${name} has no backend`);
  return d;
}

export type Order = 1 | 2;

/** One entry of a Jacobian: output o at outIndex against input i at inIndex. */
export interface Location {
  /** Which output (order 2: the gradient with respect to input `output`). */
  readonly output: number;
  readonly outIndex: number[];
  readonly input: number;
  readonly inIndex: number[];
  readonly analytic: number;
  readonly numeric: number;
}

export interface CheckResult {
  readonly op: string;
  readonly variant: string;
  readonly order: Order;
  readonly device: DeviceName;
  readonly ok: boolean;
  /** Why the check was not run (a case's firstOrderOnly), else null. */
  readonly skipped: string | null;
  readonly maxAbs: number;
  /** Max over entries of |a - n| / max(|a|, |n|, atol): values below atol count as atol. */
  readonly maxRel: number;
  /** The entry furthest outside the tolerance (or closest to it when all pass). */
  readonly worst: Location | null;
  readonly mode: 'full' | 'fast';
  /** How many times the inputs were resampled because one-sided slopes disagreed (a kink). */
  readonly resampled: number;
  /** Empty when ok; otherwise what failed, where, and by how much. */
  readonly message: string;
  readonly ms: number;
}

export interface CheckOptions {
  readonly device?: Device;
  readonly tol?: Partial<Tolerance>;
  /** 'auto' (default): full Jacobians while inputs and outputs are small, projections beyond. */
  readonly mode?: 'auto' | 'full' | 'fast';
  /** Input samples to try while a kink sits within eps of the sample (default 4). */
  readonly attempts?: number;
  /** Mixed into every sampling seed, to try other inputs. */
  readonly seed?: number;
}

/** Full Jacobians up to this many input plus output elements; random projections beyond. */
export const FULL_LIMIT = 200;
const PROBES = 3;

/** A function of several tensors with several outputs (order 2 returns one gradient per input). */
type MultiFn = (xs: Tensor[]) => Tensor[];

class CheckFailure extends Error {}

/** Run one case at one order. Never throws: an exception becomes a failed result. */
export function checkCase(c: GradCase, order: Order, opts: CheckOptions = {}): CheckResult {
  const device = opts.device ?? DEVICES[0]!;
  // A case may loosen the device's tolerances (never tighten them), saying why.
  const d = device.tol;
  const t = c.tolerance;
  const looser =
    t === undefined
      ? d
      : { eps: Math.max(d.eps, t.eps), atol: Math.max(d.atol, t.atol), rtol: Math.max(d.rtol, t.rtol) };
  const tol: Tolerance = { ...looser, ...opts.tol };
  const variant = c.variant ?? '';
  const base = { op: c.op, variant, order, device: device.name };
  const t0 = performance.now();
  if (order === 2 && c.firstOrderOnly !== undefined) {
    return {
      ...base,
      ok: true,
      skipped: c.firstOrderOnly,
      maxAbs: 0,
      maxRel: 0,
      worst: null,
      mode: 'full',
      resampled: 0,
      message: '',
      ms: 0,
    };
  }
  const title = `${c.op}${variant ? ` [${variant}]` : ''} order ${order} on ${device.name}`;
  const attempts = Math.max(1, opts.attempts ?? 4);
  const fixed = allFixed(c.inputs);
  const f: MultiFn = (xs) => [c.fn(...xs)];
  const was = currentDevice();
  setCurrentDevice(device.name);
  try {
    let last: Outcome | null = null;
    let attempt = 0;
    for (; attempt < attempts; attempt++) {
      const key = sampleKey(c.op, variant, order, attempt, opts.seed);
      const round = device.dtype === 'float32' ? Math.fround : (x: number) => x;
      const values = sampleInputs(c.inputs, key).map((v) => v.map(round));
      const variables = c.inputs.map((s) => s.variable === true);
      const point: Point = { shapes: c.inputs.map((s) => s.shape), values, dtype: device.dtype, round, variables };
      const r = rng(hashSeed(`${key}|directions`));
      const g = order === 1 ? f : vjpOf(f, point, r);
      const label = order === 1 ? () => 'out' : (o: number) => `grad_x${o}`;
      const canResample = !fixed && attempt < attempts - 1;
      last = compare(g, point, tol, opts.mode ?? 'auto', r, label, canResample);
      if (last.kinks === 0 || !canResample) break;
    }
    const o = last!;
    const resampled = attempt;
    const notes: string[] = [];
    if (o.kinks > 0 && !o.ok)
      notes.push(
        `one-sided slopes disagree at ${o.kinks} entries after ${resampled + 1} samples: a kink within eps of the inputs`
      );
    if (o.fastFailed) notes.push('random projections v^T J u disagreed; the full Jacobian is shown');
    if (order === 2 && !o.ok)
      notes.push('grad_xi is K.gradients(sum(f(x) * v), xi) for a fixed random v, differentiated again');
    const message = o.ok ? '' : [`${title}: ${o.problem}`, ...notes].join('\n  ');
    return {
      ...base,
      ok: o.ok,
      skipped: null,
      maxAbs: o.maxAbs,
      maxRel: o.maxRel,
      worst: o.worst,
      mode: o.mode,
      resampled,
      message,
      ms: performance.now() - t0,
    };
  } catch (e) {
    const why =
      e instanceof CheckFailure ? e.message : `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
    return {
      ...base,
      ok: false,
      skipped: null,
      maxAbs: NaN,
      maxRel: NaN,
      worst: null,
      mode: 'full',
      resampled: 0,
      message: `${title}: ${why}`,
      ms: performance.now() - t0,
    };
  } finally {
    setCurrentDevice(was);
  }
}

/** The seed key of a case's inputs at one order and attempt. */
export function sampleKey(op: string, variant: string, order: Order, attempt: number, seed = 0): string {
  return `${op}|${variant}|${order}|${attempt}|${seed}`;
}

/** Where the inputs are: their shapes and values, and the dtype they are made in. */
interface Point {
  readonly shapes: readonly (readonly number[])[];
  readonly values: Float64Array[];
  readonly dtype: DType;
  /** To the nearest value of dtype (inputs perturbed in float32 move by the rounded step). */
  readonly round: (x: number) => number;
  /** Which inputs are passed as variables. */
  readonly variables: readonly boolean[];
}

interface Outcome {
  ok: boolean;
  problem: string;
  maxAbs: number;
  maxRel: number;
  worst: Location | null;
  mode: 'full' | 'fast';
  kinks: number;
  fastFailed: boolean;
}

/** A leaf tensor (no node) holding `values`. */
export function leaf(values: ArrayLike<number>, shape: readonly number[], dtype: DType): Tensor {
  const data = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) data[i] = values[i]!;
  return new K.Tensor(shape.slice(), dtype, cpuStorage(ndarray(data, shape.slice())), null);
}

function inputsAt(p: Point, values: readonly Float64Array[] = p.values): Tensor[] {
  return values.map((v, i) => {
    const x = leaf(v, p.shapes[i]!, p.dtype);
    return p.variables[i] === true ? K.variable(x, p.dtype) : x;
  });
}

function flatValues(t: Tensor): Float64Array {
  return Float64Array.from(K.eval(t).data as ArrayLike<number>);
}

function run(fn: MultiFn, xs: Tensor[]): Tensor[] {
  const ys = fn(xs);
  ys.forEach((y, o) => {
    if (!(y instanceof K.Tensor)) throw new CheckFailure(`output ${o} is not a tensor`);
    if (!isFloat(y.dtype))
      throw new CheckFailure(`output ${o} has dtype ${y.dtype}: only float outputs are differentiable`);
  });
  return ys;
}

/** All outputs, flattened and concatenated. */
function evalAt(fn: MultiFn, p: Point, values: readonly Float64Array[]): Float64Array {
  const parts = run(fn, inputsAt(p, values)).map(flatValues);
  const out = new Float64Array(parts.reduce((n, a) => n + a.length, 0));
  let off = 0;
  for (const a of parts) {
    out.set(a, off);
    off += a.length;
  }
  return out;
}

/**
 * Gradients of sum_o <ys_o, cot_o> with respect to xs, as flat arrays (null
 * where K.gradients says unconnected); checks each gradient's shape and dtype.
 */
function vjpValues(xs: Tensor[], ys: Tensor[], cot: (o: number) => Float64Array | null): (Float64Array | null)[] {
  let loss: Tensor | null = null;
  ys.forEach((y, o) => {
    const c = cot(o);
    if (c === null) return;
    const term = K.sum(K.multiply(y, leaf(c, y.shape, y.dtype)));
    loss = loss === null ? term : K.add(loss, term);
  });
  if (loss === null) return xs.map(() => null);
  const gs = K.gradients(loss, xs);
  if (gs.length !== xs.length)
    throw new CheckFailure(`K.gradients returned ${gs.length} gradients for ${xs.length} inputs`);
  return gs.map((g, i) => {
    if (g === null) return null;
    const x = xs[i]!;
    if (!sameShape(g.shape, x.shape))
      throw new CheckFailure(
        `the gradient of input ${i} has shape ${fmt(g.shape)}, but the input has shape ${fmt(x.shape)}`
      );
    if (g.dtype !== x.dtype)
      throw new CheckFailure(`the gradient of input ${i} has dtype ${g.dtype}, but the input is ${x.dtype}`);
    return flatValues(g);
  });
}

/**
 * Order 2: x -> (d/dx_i <f(x), v>)_i for a fixed random v, a null gradient
 * standing for zeros. Checking it differentiates the tape's own gradients.
 */
function vjpOf(f: MultiFn, p: Point, r: Rng): MultiFn {
  const ys = run(f, inputsAt(p));
  const vs = ys.map((y) => leaf(sampleSigned(sizeOfShape(y.shape), r), y.shape, y.dtype));
  return (xs) => {
    const outs = run(f, xs);
    outs.forEach((y, o) => {
      if (!sameShape(y.shape, vs[o]!.shape))
        throw new CheckFailure(`output ${o} changed shape from ${fmt(vs[o]!.shape)} to ${fmt(y.shape)}`);
    });
    const loss = outs.map((y, o) => K.sum(K.multiply(y, vs[o]!))).reduce((a, b) => K.add(a, b));
    return K.gradients(loss, xs).map(
      (g, i) => g ?? leaf(new Float64Array(sizeOfShape(xs[i]!.shape)), xs[i]!.shape, xs[i]!.dtype)
    );
  };
}

type Label = (output: number) => string;

/** Compare on one sample; `canResample` lets a kink end the comparison early. */
function compare(
  fn: MultiFn,
  p: Point,
  tol: Tolerance,
  mode: 'auto' | 'full' | 'fast',
  r: Rng,
  label: Label,
  canResample: boolean
): Outcome {
  const xs = inputsAt(p);
  const ys = run(fn, xs);
  const outSizes = ys.map((y) => sizeOfShape(y.shape));
  const nIn = p.values.reduce((n, v) => n + v.length, 0);
  const nOut = outSizes.reduce((a, b) => a + b, 0);
  checkBackward(xs, ys, r);
  const full = mode === 'full' || (mode === 'auto' && nIn + nOut <= FULL_LIMIT);
  if (full) return compareFull(fn, p, xs, ys, tol, label, canResample);
  const fast = compareFast(fn, p, xs, ys, tol, r, canResample);
  if (fast.ok || (fast.kinks > 0 && canResample)) return fast;
  const shown = compareFull(fn, p, xs, ys, tol, label, false);
  return shown.ok ? fast : { ...shown, fastFailed: true };
}

/** Backward must be deterministic (run twice, bit for bit) and linear: a zero cotangent gives zeros. */
function checkBackward(xs: Tensor[], ys: Tensor[], r: Rng): void {
  const cots = ys.map((y) => sampleSigned(sizeOfShape(y.shape), r));
  const a = vjpValues(xs, ys, (o) => cots[o]!);
  const b = vjpValues(xs, ys, (o) => cots[o]!);
  a.forEach((ga, i) => {
    const gb = b[i]!;
    if ((ga === null) !== (gb === null))
      throw new CheckFailure(`backward is not deterministic: input ${i} got a gradient in only one of two runs`);
    if (ga === null || gb === null) return;
    for (let k = 0; k < ga.length; k++) {
      if (!Object.is(ga[k], gb[k])) {
        throw new CheckFailure(
          `backward is not deterministic: input ${i} element ${fmt(unravel(k, xs[i]!.shape))} was ${ga[k]} then ${gb[k]}`
        );
      }
    }
  });
  const zero = vjpValues(xs, ys, (o) => new Float64Array(sizeOfShape(ys[o]!.shape)));
  zero.forEach((g, i) => {
    const k = g === null ? -1 : g.findIndex((v) => v !== 0);
    if (k >= 0)
      throw new CheckFailure(
        `a zero cotangent gives ${g![k]} at input ${i} element ${fmt(unravel(k, xs[i]!.shape))}: backward is not linear`
      );
  });
}

/** Tracks the entry furthest outside tolerance, and the max errors. */
class Tally {
  maxAbs = 0;
  maxRel = 0;
  badness = -1;
  worst: Location | null = null;
  nullWorst = false;
  constructor(private readonly tol: Tolerance) {}

  /** Returns whether the entry passes. */
  add(a: number, n: number, where: () => Omit<Location, 'analytic' | 'numeric'>, wasNull = false): boolean {
    const err = Math.abs(a - n);
    const finite = Number.isFinite(err);
    const rel = err === 0 ? 0 : err / Math.max(Math.abs(a), Math.abs(n), this.tol.atol);
    const bad = finite ? err / (this.tol.atol + this.tol.rtol * Math.abs(n)) : Infinity;
    this.maxAbs = Math.max(this.maxAbs, finite ? err : Infinity);
    this.maxRel = Math.max(this.maxRel, finite ? rel : Infinity);
    if (bad > this.badness) {
      this.badness = bad;
      this.worst = { ...where(), analytic: a, numeric: n };
      this.nullWorst = wasNull;
    }
    return bad <= 1;
  }

  get ok(): boolean {
    return this.badness <= 1;
  }
}

function describeWorst(t: Tally, tol: Tolerance, label: Label | null): string {
  const w = t.worst!;
  const analytic = t.nullWorst ? `analytic null (no gradient)` : `analytic ${w.analytic}`;
  const at = label === null ? 'v^T J u' : `d ${label(w.output)}${fmt(w.outIndex)} / d x${w.input}${fmt(w.inIndex)}`;
  return (
    `${at}: ${analytic} vs numeric ${w.numeric} (max abs err ${t.maxAbs.toExponential(3)}, max rel err ${t.maxRel.toExponential(3)}; ` +
    `allowed ${tol.atol.toExponential()} + ${tol.rtol.toExponential()}·|numeric|)`
  );
}

/** One-sided slopes (over steps hp, hm) that disagree by more than the tolerance: a kink within eps. */
function isKink(plus: number, base: number, minus: number, hp: number, hm: number, tol: Tolerance): boolean {
  const right = (plus - base) / hp;
  const left = (base - minus) / hm;
  return Math.abs(right - left) > 2 * (tol.atol + tol.rtol * Math.max(Math.abs(right), Math.abs(left)));
}

function compareFull(
  fn: MultiFn,
  p: Point,
  xs: Tensor[],
  ys: Tensor[],
  tol: Tolerance,
  label: Label,
  canResample: boolean
): Outcome {
  const outShapes = ys.map((y) => y.shape);
  const outSizes = outShapes.map(sizeOfShape);
  const nOut = outSizes.reduce((a, b) => a + b, 0);
  const outAt = (row: number): [number, number] => {
    let o = 0;
    while (row >= outSizes[o]!) row -= outSizes[o++]!;
    return [o, row];
  };

  // Numeric columns first: a kink means resampling, and the analytic rows can wait.
  const f0 = evalAt(fn, p, p.values);
  const numeric: Float64Array[][] = [];
  let kinks = 0;
  p.values.forEach((v, i) => {
    const cols: Float64Array[] = [];
    for (let k = 0; k < v.length; k++) {
      const moved = p.values.map((a) => a.slice());
      const xp = p.round(v[k]! + tol.eps);
      const xm = p.round(v[k]! - tol.eps);
      moved[i]![k] = xp;
      const fp = evalAt(fn, p, moved);
      moved[i]![k] = xm;
      const fm = evalAt(fn, p, moved);
      const col = new Float64Array(nOut);
      for (let j = 0; j < nOut; j++) {
        col[j] = (fp[j]! - fm[j]!) / (xp - xm);
        if (isKink(fp[j]!, f0[j]!, fm[j]!, xp - v[k]!, v[k]! - xm, tol)) kinks++;
      }
      cols.push(col);
    }
    numeric.push(cols);
  });
  if (kinks > 0 && canResample)
    return {
      ok: false,
      problem: 'kink',
      maxAbs: NaN,
      maxRel: NaN,
      worst: null,
      mode: 'full',
      kinks,
      fastFailed: false,
    };

  // Analytic rows from one-hot cotangents: row j of J is e_j^T J.
  const analytic: (Float64Array | null)[][] = p.values.map(() => []);
  for (let row = 0; row < nOut; row++) {
    const [o, j] = outAt(row);
    const gs = vjpValues(xs, ys, (q) => {
      if (q !== o) return null;
      const e = new Float64Array(outSizes[o]!);
      e[j] = 1;
      return e;
    });
    gs.forEach((g, i) => analytic[i]!.push(g));
  }

  const t = new Tally(tol);
  let nullBad = false;
  p.values.forEach((v, i) => {
    for (let k = 0; k < v.length; k++) {
      for (let row = 0; row < nOut; row++) {
        const g = analytic[i]![row]!;
        const a = g === null ? 0 : g[k]!;
        const passed = t.add(
          a,
          numeric[i]![k]![row]!,
          () => {
            const [o, j] = outAt(row);
            return { output: o, outIndex: unravel(j, outShapes[o]!), input: i, inIndex: unravel(k, p.shapes[i]!) };
          },
          g === null
        );
        if (!passed && g === null) nullBad = true;
      }
    }
  });
  const problem = t.ok
    ? ''
    : (nullBad ? 'a null gradient where the numeric one is not zero; ' : '') + describeWorst(t, tol, label);
  return {
    ok: t.ok,
    problem,
    maxAbs: t.maxAbs,
    maxRel: t.maxRel,
    worst: t.worst,
    mode: 'full',
    kinks,
    fastFailed: false,
  };
}

/** v^T J u against (v.f(x + eps u) - v.f(x - eps u)) / 2 eps, for a few random unit u and v. */
function compareFast(
  fn: MultiFn,
  p: Point,
  xs: Tensor[],
  ys: Tensor[],
  tol: Tolerance,
  r: Rng,
  canResample: boolean
): Outcome {
  const outSizes = ys.map((y) => sizeOfShape(y.shape));
  const nOut = outSizes.reduce((a, b) => a + b, 0);
  const f0 = evalAt(fn, p, p.values);
  const t = new Tally(tol);
  let kinks = 0;
  for (let probe = 0; probe < PROBES; probe++) {
    const u = unit(p.values.map((v) => sampleSigned(v.length, r)));
    const v = unit([sampleSigned(nOut, r)])[0]!;
    const dot = (f: Float64Array) => f.reduce((s, fj, j) => s + fj * v[j]!, 0);
    const fp = dot(
      evalAt(
        fn,
        p,
        p.values.map((x, i) => x.map((xk, k) => xk + tol.eps * u[i]![k]!))
      )
    );
    const fm = dot(
      evalAt(
        fn,
        p,
        p.values.map((x, i) => x.map((xk, k) => xk - tol.eps * u[i]![k]!))
      )
    );
    if (isKink(fp, dot(f0), fm, tol.eps, tol.eps, tol)) kinks++;
    if (kinks > 0 && canResample) break;
    let off = 0;
    const slices = outSizes.map((n) => v.subarray(off, (off += n)));
    const gs = vjpValues(xs, ys, (o) => slices[o]!);
    const analytic = gs.reduce((s, g, i) => s + (g === null ? 0 : g.reduce((a, gk, k) => a + gk * u[i]![k]!, 0)), 0);
    t.add(analytic, (fp - fm) / (2 * tol.eps), () => ({ output: -1, outIndex: [], input: -1, inIndex: [] }));
  }
  const problem = t.ok ? '' : describeWorst(t, tol, null);
  return {
    ok: t.ok,
    problem,
    maxAbs: t.maxAbs,
    maxRel: t.maxRel,
    worst: t.worst,
    mode: 'fast',
    kinks,
    fastFailed: false,
  };
}

/** Scale a vector split over several arrays to unit length. */
function unit(parts: Float64Array[]): Float64Array[] {
  const norm = Math.sqrt(parts.reduce((s, a) => s + a.reduce((t, x) => t + x * x, 0), 0)) || 1;
  return parts.map((a) => a.map((x) => x / norm));
}

/** The multi-index of flat index k in a row-major array of `shape`. */
export function unravel(k: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = k % shape[d]!;
    k = Math.floor(k / shape[d]!);
  }
  return idx;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function fmt(idx: readonly number[]): string {
  return `[${idx.join(', ')}]`;
}

/** Problems in a case table itself (shapes, values, ranges, duplicate names); empty when sound. */
export function caseProblems(cases: readonly GradCase[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const c of cases) {
    const name = `${c.op}${c.variant ? ` [${c.variant}]` : ''}`;
    if (seen.has(name)) problems.push(`${name}: two cases share this op and variant`);
    seen.add(name);
    if (typeof c.fn !== 'function') problems.push(`${name}: fn is not a function`);
    if (c.inputs.length === 0) problems.push(`${name}: no inputs to differentiate`);
    c.inputs.forEach((s: InputSpec, i) => {
      if (!s.shape.every((d) => Number.isInteger(d) && d >= 0))
        problems.push(`${name}: input ${i} has shape ${fmt(s.shape)}`);
      const n = sizeOfShape(s.shape);
      if (s.values !== undefined && s.values.length !== n)
        problems.push(`${name}: input ${i} has ${s.values.length} values for shape ${fmt(s.shape)}`);
      if (s.values !== undefined && (s.low !== undefined || s.high !== undefined))
        problems.push(`${name}: input ${i} has both values and a range`);
      if ((s.low ?? -2) >= (s.high ?? 2))
        problems.push(`${name}: input ${i} has an empty range [${s.low ?? -2}, ${s.high ?? 2}]`);
    });
  }
  return problems;
}
