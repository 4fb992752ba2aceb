// One fuzz case: rebuild it from (seed, index), run it, judge the outcome.
import * as K from '../../src/index.js';
import { Draw, type Slot } from './draw.js';
import { type Hostile, hostileFor } from './hostile.js';
import { SIGNATURES, type Signature } from './signatures.js';

export const NAMES = Object.keys(SIGNATURES).sort();

type Impl = Record<string, unknown>;

/** What a run calls: the signature table and the functions it names (K itself, or a planted fake in the fuzzer's own test). */
export interface Subject {
  table: Record<string, Signature>;
  impl: Impl;
}
const REAL: Subject = { table: SIGNATURES, impl: K as unknown as Impl };

export interface Outcome {
  index: number;
  fn: string;
  mode: 'valid' | 'hostile';
  /** The hostile class and the slot it replaced. */
  cls?: string;
  slot?: number;
  ok: boolean;
  /** For a case that is not ok: what went wrong. */
  why?: string;
  /** For a hostile case: whether it ended in K.ValueError or K.TypeError. */
  error?: 'ValueError' | 'TypeError';
  compared?: boolean;
}

/** The case's own seed: a 32-bit mix of the run's seed and the index. */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) | 0;
}

interface Plan {
  fn: string;
  sig: Signature;
  hostile?: { slot: number; h: Hostile };
}

/**
 * Functions in turn, so each is covered evenly: in every third round of the
 * table each function is called validly, in the other two with one hostile
 * argument (functions without arguments are always called validly).
 */
function plan(subject: Subject, index: number, d: Draw, slots: Slot[]): Plan {
  const names = Object.keys(subject.table).sort();
  const fn = names[index % names.length] as string;
  const sig = subject.table[fn] as Signature;
  const mutable = slots.flatMap((s, i) => hostileFor(s).map((h) => ({ slot: i, h })));
  if (mutable.length === 0 || Math.floor(index / names.length) % 3 === 0) return { fn, sig };
  return { fn, sig, hostile: mutable[d.int(0, mutable.length - 1)] as { slot: number; h: Hostile } };
}

interface Globals {
  floatx: string;
  epsilon: number;
  format: string;
  phase: unknown;
  eager: boolean;
  device: string;
  threads: number;
  proto: string;
}
function globals(): Globals {
  return {
    floatx: K.floatx(),
    epsilon: K.epsilon(),
    format: K.image_data_format(),
    phase: K.learning_phase(),
    eager: K.executing_eagerly(),
    device: K.get_device(),
    threads: K.get_num_threads(),
    proto: Object.getOwnPropertyNames(Object.prototype).sort().join(','),
  };
}
function restore(g: Globals): void {
  K.set_floatx(g.floatx);
  K.set_epsilon(g.epsilon);
  K.set_image_data_format(g.format);
  if (!g.eager) K.disable_eager_execution();
  else K.enable_eager_execution();
  K.set_device(g.device as 'cpu' | 'gpu');
  K.set_num_threads(g.threads);
  K.track_tensors(false);
}
function changed(before: Globals, after: Globals): string | undefined {
  for (const k of Object.keys(before) as (keyof Globals)[]) {
    if (before[k] !== after[k]) return `${k} changed from ${String(before[k])} to ${String(after[k])}`;
  }
  if ((Object.prototype as Record<string, unknown>).polluted !== undefined) return 'Object.prototype polluted';
  return undefined;
}

function snapshot(vs: K.Variable[]): number[][] {
  return vs.map((v) => Array.from(K.get_value(v).data as ArrayLike<number>));
}

/** Every tensor in a result (arrays, tuples and sparse tensors searched). */
function tensorsIn(x: unknown, out: K.Tensor[] = [], depth = 0): K.Tensor[] {
  if (depth > 8) return out;
  if (x instanceof K.Tensor) out.push(x);
  else if (x instanceof K.SparseTensor) {
    out.push(x.indices, x.values);
  } else if (Array.isArray(x)) for (const e of x) tensorsIn(e, out, depth + 1);
  return out;
}

function checkResult(fn: string, sig: Signature, args: unknown[], result: unknown): string | undefined {
  const ts = tensorsIn(result);
  for (const t of ts) {
    if (!t.shape.every((s) => s === null || (Number.isSafeInteger(s) && (s as number) >= 0))) {
      return `result shape ${JSON.stringify(t.shape)} is not a shape`;
    }
    if (t.isSymbolic) continue;
    const v = K.eval(t);
    const n = t.shape.reduce<number>((a, b) => a * (b as number), 1);
    if (v.size !== n) return `result reads ${v.size} values for shape ${JSON.stringify(t.shape)}`;
  }
  const first = ts[0];
  if (sig.shape && first && result instanceof K.Tensor) {
    const want = sig.shape(args);
    if (JSON.stringify(want) !== JSON.stringify(first.shape)) {
      return `${fn} gave shape ${JSON.stringify(first.shape)}; expected ${JSON.stringify(want)}`;
    }
  }
  if (sig.dtype && first && result instanceof K.Tensor && first.dtype !== sig.dtype) {
    return `${fn} gave dtype ${first.dtype}; expected ${sig.dtype}`;
  }
  return undefined;
}

function values(result: unknown): { shape: number[]; dtype: string; data: number[] }[] {
  return tensorsIn(result)
    .filter((t) => !t.isSymbolic)
    .map((t) => ({
      shape: t.shape as number[],
      dtype: t.dtype,
      data: Array.from(K.eval(t).data as ArrayLike<number>, Number),
    }));
}

function compare(a: ReturnType<typeof values>, b: ReturnType<typeof values>): string | undefined {
  if (a.length !== b.length) return `the devices gave ${a.length} and ${b.length} tensors`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as (typeof a)[number];
    const y = b[i] as (typeof b)[number];
    if (JSON.stringify(x.shape) !== JSON.stringify(y.shape) || x.dtype !== y.dtype) {
      return `the devices disagree on result ${i}: ${x.dtype}${JSON.stringify(x.shape)} and ${y.dtype}${JSON.stringify(y.shape)}`;
    }
    for (let j = 0; j < x.data.length; j++) {
      const p = x.data[j] as number;
      const q = y.data[j] as number;
      if (Number.isNaN(p) && Number.isNaN(q)) continue;
      if (p === q) continue;
      if (!(Math.abs(p - q) <= 1e-4 + 1e-3 * Math.abs(p))) {
        return `the devices disagree on result ${i} at ${j}: ${p} and ${q}`;
      }
    }
  }
  return undefined;
}

function call(impl: Impl, fn: string, sig: Signature, args: unknown[]): unknown {
  const f = impl[fn] as (...a: unknown[]) => unknown;
  const out = f(...args);
  return sig.followUp ? sig.followUp(out, args) : out;
}

function describeError(e: unknown): string {
  if (e instanceof Error) {
    // Replaying one case (npm run fuzz -- --case N) shows where it was thrown.
    const where = process.env.KTAPE_FUZZ_STACK ? `\n${e.stack?.split('\n').slice(1, 8).join('\n')}` : '';
    return `${e.constructor.name}: ${e.message.slice(0, 300)}${where}`;
  }
  return `a thrown ${typeof e}`;
}

/** Problems with a K error's message: it must name the function, briefly, without internals. */
function messageProblem(fn: string, message: string): string | undefined {
  if (!message.startsWith(`${fn}: `)) return `the message does not start with "${fn}: "`;
  if (message.length > 2000) return `the message is ${message.length} characters long`;
  if (/\[object |Float(32|64)Array\(|undefined\.|\bfunction ?\([^)]*\) ?\{|=> ?\{/.test(message))
    return 'the message shows internals';
  return undefined;
}

/**
 * Runs case `index` of the run seeded `seed` on the current device; `other`
 * names the device valid results are compared with, if there is one.
 */
export function runCase(seed: number, index: number, other?: 'cpu' | 'gpu', subject: Subject = REAL): Outcome {
  const d = Draw.of(caseSeed(seed, index));
  const before = globals();
  const names = Object.keys(subject.table).sort();
  const slots = (subject.table[names[index % names.length] as string] as Signature).args(d);
  const p = plan(subject, index, d, slots);
  const args = slots.map((s) => s.value);
  const base: Outcome = { index, fn: p.fn, mode: p.hostile ? 'hostile' : 'valid', ok: true };
  try {
    if (p.hostile) {
      const { slot, h } = p.hostile;
      args[slot] = h.make();
      Object.assign(base, { cls: h.cls, slot });
      const vars = snapshot(d.variables);
      let result: unknown;
      try {
        result = call(subject.impl, p.fn, p.sig, args);
      } catch (e) {
        const kind = e instanceof K.ValueError ? 'ValueError' : e instanceof K.TypeError ? 'TypeError' : undefined;
        if (!kind) return { ...base, ok: false, why: `not a K error: ${describeError(e)}` };
        const problem = messageProblem(p.fn, (e as Error).message);
        if (problem) return { ...base, ok: false, why: `${problem}: ${(e as Error).message.slice(0, 300)}` };
        const moved = changed(before, globals());
        if (moved) return { ...base, ok: false, why: `a failed call changed state: ${moved}` };
        const after = snapshot(d.variables);
        if (JSON.stringify(after) !== JSON.stringify(vars))
          return { ...base, ok: false, why: 'a failed call changed a variable' };
        return { ...base, error: kind };
      }
      void result;
      return { ...base, ok: false, why: `accepted ${h.cls} in argument ${slot}` };
    }
    let result: unknown;
    try {
      result = call(subject.impl, p.fn, p.sig, args);
    } catch (e) {
      return { ...base, ok: false, why: `a valid call was refused: ${describeError(e)}` };
    }
    const problem = checkResult(p.fn, p.sig, args, result);
    if (problem) return { ...base, ok: false, why: problem };
    if (!p.sig.global) {
      const moved = changed(before, globals());
      if (moved) return { ...base, ok: false, why: `the call changed state: ${moved}` };
    }
    if (other && !p.sig.random && !p.sig.global) {
      const mine = values(result);
      const here = K.get_device();
      K.set_device(other);
      try {
        const d2 = Draw.of(caseSeed(seed, index));
        const slots2 = p.sig.args(d2);
        const theirs = values(
          call(
            subject.impl,
            p.fn,
            p.sig,
            slots2.map((s) => s.value)
          )
        );
        const diff = compare(mine, theirs);
        if (diff) return { ...base, ok: false, why: `${diff} (${here} vs ${other})` };
      } catch (e) {
        return { ...base, ok: false, why: `the ${other} device refused a valid call: ${describeError(e)}` };
      } finally {
        K.set_device(here as 'cpu' | 'gpu');
      }
      return { ...base, compared: true };
    }
    return base;
  } finally {
    restore(before);
  }
}
