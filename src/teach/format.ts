// Shared text for K.trace and K.explain: names for the tensors of a graph,
// one-line descriptions of nodes, and short renderings of values.
import { fmtShape } from '../core/context.js';
import { allocate } from '../core/dtype.js';
import { isNdArray } from '../core/convert.js';
import { sizeOf } from '../core/shape.js';
import type { Storage } from '../core/storage.js';
import { Placeholder, Tensor, Variable, type Node } from '../core/tensor.js';
import type { CustomAttrs } from '../core/primitives.js';

/** Shapes as K.int_shape gives them: null for an unknown dimension. */
export function kerasShape(shape: readonly number[]): (number | null)[] {
  return shape.map((d) => (d < 0 ? null : d));
}

/** '(2, 3) float32' */
export function typeText(t: Tensor): string {
  return `${fmtShape(t.shape)} ${t.dtype}`;
}

/** 4 significant digits, without trailing zeros: enough to follow a worked example. */
export function fmtNum(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const r = Number(v.toPrecision(4));
  return Object.is(r, -0) ? '0' : String(r);
}

function nested(x: unknown): string {
  return Array.isArray(x) ? `[${x.map(nested).join(', ')}]` : fmtNum(Number(x));
}

/**
 * A tensor's value for a listing: in full up to `maxValues` elements, otherwise
 * its shape, dtype and min/max/mean; 'symbolic' for a graph tensor.
 */
export function valueText(t: Tensor, maxValues: number): string {
  if (t.storage === null) return `symbolic ${typeText(t)}`;
  if (t.storage.disposed) return `disposed ${typeText(t)}`;
  const n = sizeOf(t.shape);
  if (n <= maxValues) return t.rank === 0 ? nested(t.toArray()) : `${nested(t.toArray())}  ${typeText(t)}`;
  const h = t.host();
  let min = Infinity,
    max = -Infinity,
    total = 0,
    nans = 0;
  const walk = (dim: number, off: number) => {
    if (dim === h.shape.length) {
      const v = Number(h.data[off]);
      if (Number.isNaN(v)) nans++;
      else {
        if (v < min) min = v;
        if (v > max) max = v;
        total += v;
      }
      return;
    }
    for (let i = 0; i < h.shape[dim]!; i++) walk(dim + 1, off + i * h.stride[dim]!);
  };
  walk(0, h.offset);
  const stats = `${typeText(t)}  min ${fmtNum(min)}  max ${fmtNum(max)}  mean ${fmtNum(total / (n - nans))}`;
  return nans > 0 ? `${stats}  (${nans} NaN)` : stats;
}

/** What two tensors sharing memory have in common: the ndarray's buffer, or the device value. */
function storageKey(s: Storage): unknown {
  const d = s.data;
  return isNdArray(d) ? d.data : d;
}

/**
 * Bytes a set of tensors keeps alive, each storage counted once: the logical
 * size (elements x the dtype's host width) of the first tensor seen on it.
 * Symbolic tensors hold nothing.
 */
export class ByteCounter {
  private readonly seen = new Set<unknown>();

  /** Bytes of `ts` not counted before. */
  add(ts: readonly Tensor[]): number {
    let bytes = 0;
    for (const t of ts) {
      if (t.storage === null) continue;
      const key = storageKey(t.storage);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      bytes += sizeOf(t.shape) * allocate(t.dtype, 0).BYTES_PER_ELEMENT;
    }
    return bytes;
  }
}

/** '96 B', '1.5 KiB', '2.3 MiB' */
export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${fmtNum(n / 1024)} KiB`;
  return `${fmtNum(n / (1024 * 1024))} MiB`;
}

/** A leaf's kind. */
export type LeafKind = 'input' | 'variable' | 'placeholder' | 'constant';

/**
 * Names for the tensors of one graph: x0.. for inputs, a variable's or
 * placeholder's own name (made an identifier, and unique), c0.. for constants,
 * v1.. for node outputs in the order they are named.
 */
export class Namer {
  private readonly names = new Map<Tensor, string>();
  private readonly used = new Set<string>();
  private nodes = 0;
  private constants = 0;

  constructor(private readonly nodePrefix = 'v') {}

  get(t: Tensor): string | undefined {
    return this.names.get(t);
  }

  has(t: Tensor): boolean {
    return this.names.has(t);
  }

  /** Take `name` for `t` as it is (names from a tape). */
  set(t: Tensor, name: string): void {
    this.names.set(t, name);
    this.used.add(name);
  }

  /** The next node name. */
  node(t: Tensor): string {
    let name: string;
    do name = `${this.nodePrefix}${++this.nodes}`;
    while (this.used.has(name));
    this.set(t, name);
    return name;
  }

  /** A leaf's name: `input` gives x<input>; otherwise by kind. */
  leaf(t: Tensor, kind: LeafKind, input: number | null = null): string {
    let name: string;
    if (input !== null) name = this.unique(`x${input}`, true);
    else if (kind === 'constant') {
      do name = `c${this.constants++}`;
      while (this.used.has(name));
    } else name = this.unique(ownName(t) ?? (kind === 'variable' ? 'w' : 'p'));
    this.set(t, name);
    return name;
  }

  /** `base`, or base_2, base_3..; a user's name may not look like a generated one (v3). */
  private unique(base: string, generated = false): string {
    if (!this.used.has(base) && (generated || !/^[vcxt]\d+$/.test(base))) return base;
    for (let k = 2; ; k++) if (!this.used.has(`${base}_${k}`)) return `${base}_${k}`;
  }
}

/** A variable's or placeholder's name as an identifier ('block/w' -> 'block_w'). */
function ownName(t: Tensor): string | null {
  if (t.name === null || t.name === '') return null;
  const id = t.name.replace(/\W/g, '_');
  return /^\d/.test(id) ? `_${id}` : id;
}

/** What kind of leaf a tensor is (when it is not one of the inputs). */
export function leafKind(t: Tensor): LeafKind {
  if (t instanceof Variable) return 'variable';
  if (t instanceof Placeholder) return 'placeholder';
  return 'constant';
}

/** A leaf described: "variable 'w'", "placeholder 'x'", "constant 2". */
export function leafDetail(t: Tensor, kind: LeafKind, input: number | null): string {
  const own =
    t instanceof Variable ? `variable '${t.name}'` : t instanceof Placeholder ? `placeholder '${t.name}'` : null;
  if (input !== null) return own === null ? `input ${input}` : `input ${input} (${own})`;
  if (kind !== 'constant') return own ?? kind;
  if (t.node !== null) return `computed before the trace (by ${t.node.prim})`;
  if (t.storage !== null && !t.storage.disposed && sizeOf(t.shape) <= 6)
    return `constant ${valueText(t, 6).split('  ')[0]}`;
  return 'constant';
}

/** A primitive's attributes as 'key=value' text (functions left out, tensors by name). */
export function attrsText(node: Node, nameOf: (t: Tensor) => string): string {
  const render = (v: unknown): string | null => {
    if (v === undefined || typeof v === 'function') return null;
    if (v instanceof Tensor) return nameOf(v);
    if (Array.isArray(v)) return `[${v.map((e) => render(e) ?? '?').join(', ')}]`;
    if (typeof v === 'number') return v < 0 && Number.isInteger(v) ? String(v) : fmtNum(v);
    if (v !== null && typeof v === 'object') {
      const parts = Object.entries(v)
        .map(([k, e]) => [k, render(e)] as const)
        .filter(([, e]) => e !== null);
      return `{${parts.map(([k, e]) => `${k}: ${e}`).join(', ')}}`;
    }
    return String(v);
  };
  const parts: string[] = [];
  for (const [k, v] of Object.entries(node.attrs as object)) {
    const r = render(v);
    if (r !== null) parts.push(`${k}=${r}`);
  }
  return parts.join(', ');
}

/** 'v3 = mul(v1, v2)' or 'v4 = sum(v3, axes=[0], keepdims=false)'. */
export function callText(node: Node, nameOf: (t: Tensor) => string): string {
  const args = node.inputs.map(nameOf);
  const attrs = attrsText(node, nameOf);
  if (attrs !== '') args.push(attrs);
  return `${nameOf(node.output)} = ${node.prim}(${args.join(', ')})`;
}

/** The Keras function a node came from: its own, or for a `custom` node the wrapper that made it. */
export function keras(node: Node): string | null {
  if (node.fn !== null) return node.fn;
  if (node.prim === 'custom') return (node.attrs as CustomAttrs).kind;
  return null;
}

/** '<- K.multiply at examples/x.ts:12:7', or '' when neither is known. */
export function originText(fn: string | null, site: string | null): string {
  if (fn === null && site === null) return '';
  return `<- ${[fn === null ? null : `K.${fn}`, site === null ? null : `at ${site}`].filter((s) => s !== null).join(' ')}`;
}
