// Tensor and Variable. A tensor is immutable: it holds its value (on a device,
// or none when symbolic) and the node that made it. A Variable is a mutable
// cell whose value is swapped, never written into, so recorded nodes keep theirs.
import type { Nd } from './ndarray.js';
import { fmtShape, scopedName } from './context.js';
import type { DType, TypedArray } from './dtype.js';
import { cpuStorage, hostOf, type Storage } from './storage.js';
import { nd } from './ndarray.js';

let nextId = 1;
let nextNodeId = 1;

/**
 * The primitives' names and attribute types. Empty here: src/core/primitives.ts
 * fills it by declaration merging, so that a node can be typed by primitive
 * without this file importing the vocabulary (which itself mentions Tensor).
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in primitives.ts
export interface PrimAttrs {}
export type Prim = keyof PrimAttrs;

/**
 * A node of the graph: one primitive call, its inputs, attributes and output.
 * The graph is held by references (output -> node -> inputs), so it lives exactly
 * as long as some tensor still needs it; there is no global tape to clear.
 */
export class Node<P extends Prim = Prim> {
  readonly id = nextNodeId++;
  /** Set once the output tensor exists (it points back here). */
  output!: Tensor;
  /** The user's line that made this node ('file:line:col'), when call sites are being recorded. */
  site: string | null = null;

  constructor(
    readonly prim: P,
    readonly inputs: readonly Tensor[],
    readonly attrs: PrimAttrs[P],
    /** The Keras function the user called, for error messages and tape listings. */
    readonly fn: string | null
  ) {}
}

/** What a tensor inside K.vmap stands for: one example of `value` along `axis`, at one vmap level. */
export interface Batched {
  readonly value: Tensor;
  readonly axis: number;
  readonly level: BatchLevel;
}

/** One K.vmap call: its batch size. Levels nest; src/core/batch.ts keeps the stack of live ones. */
export interface BatchLevel {
  readonly id: number;
  readonly size: number;
}

/** Chainable methods (x.add(y)) are filled in by src/ops/math.ts, which owns them. */
export interface TensorMethods {
  add(x: Tensor, y: unknown): Tensor;
  sub(x: Tensor, y: unknown): Tensor;
  mul(x: Tensor, y: unknown): Tensor;
  div(x: Tensor, y: unknown): Tensor;
  neg(x: Tensor): Tensor;
}
export const methods: Partial<TensorMethods> = {};

/** Told of every tensor made (K.track_tensors' registry); null in normal runs, which pay one branch. */
let onCreate: ((t: Tensor) => void) | null = null;

export function setTensorCreationHook(hook: ((t: Tensor) => void) | null): void {
  onCreate = hook;
}

/**
 * An immutable n-dimensional array: a shape, a dtype, a value on a device (none for
 * a symbolic tensor made from a placeholder), and the node of the recorded
 * graph that made it. Every K function returns tensors; make them with
 * K.constant or K.variable rather than with `new`. The chainable methods
 * `x.add(y)`, `x.sub(y)`, `x.mul(y)`, `x.div(y)` and `x.neg()` are K.add,
 * K.subtract, K.multiply, K.divide and K.negative.
 *
 * @example
 * ```ts
 * const x = K.constant([[1, 2], [3, 4]]);
 * x.shape; // [2, 2]
 * x.dtype; // 'float32'
 * x.mul(2).add(1).toArray(); // [[3, 5], [7, 9]]
 * String(x); // 'Tensor(shape=(2, 2), dtype=float32, [[1,2],[3,4]])'
 * ```
 */
export class Tensor {
  /**
   * `instanceof Tensor` (and Variable, Placeholder) is a brand check: only
   * objects the constructor made pass, not ones made to look like tensors
   * (Object.create(Tensor.prototype)), whose missing fields would fail deep inside.
   */
  static [Symbol.hasInstance](x: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class asked about (Variable, Placeholder inherit this)
    return typeof x === 'object' && x !== null && #made in x && Function.prototype[Symbol.hasInstance].call(this, x);
  }

  // The brand: a private field only the constructor installs (a WeakSet of
  // every tensor cost ~12% of a small-op rnn's time and weighed on each GC).
  readonly #made = true;

  /** A number unique to this tensor in the process. */
  readonly id = nextId++;
  /** The name given at creation (K.variable, K.constant, K.placeholder), or null. */
  name: string | null = null;
  /**
   * Inside K.vmap: this tensor stands for one example of `value`, whose batch
   * axis is `axis` (src/core/batch.ts). Such a tensor has no storage of its
   * own; null for every other tensor. @internal
   */
  batch: Batched | null = null;

  /**
   * Made by the K functions; user code calls K.constant or K.variable instead.
   *
   * @param shape  the dimensions; -1 for a dimension unknown until a graph runs.
   * @param dtype  the dtype of the elements.
   * @param storage  the value on its device; null for a symbolic tensor.
   * @param node  the node whose primitive produced this tensor; null for a leaf.
   * @internal
   */
  constructor(
    /** The dimensions, outermost first (-1 for a dimension unknown until a graph runs; see K.int_shape). */
    readonly shape: number[],
    /** The dtype of the elements. */
    readonly dtype: DType,
    /** The value on its device; null for a symbolic tensor (placeholder graph). @internal */
    public storage: Storage | null,
    /** The node whose primitive produced this tensor; null for a leaf. @internal */
    readonly node: Node | null
  ) {
    if (onCreate !== null) onCreate(this);
  }

  /** The number of axes (K.ndim). */
  get rank(): number {
    return this.shape.length;
  }

  /** Whether the tensor has no value: it was made from a placeholder (K.is_keras_tensor). */
  get isSymbolic(): boolean {
    return this.storage === null;
  }

  /**
   * The value as a host ndarray, which may be a view of the tensor's own storage:
   * do not write into it (K.eval returns a copy).
   *
   * @returns an ndarray of the tensor's values.
   * @internal
   */
  host(): Nd {
    if (this.storage === null) {
      throw new Error(
        `tensor ${this.name ?? this.id} of shape ${fmtShape(this.shape)} is symbolic and has no value; evaluate it with K.function`
      );
    }
    return hostOf(this.storage, this.shape, this.dtype);
  }

  /**
   * The value as nested JS arrays (a number for a scalar); bools are 0 and 1.
   *
   * @returns nested arrays of numbers, row-major.
   */
  toArray(): NestedArray {
    const h = this.host();
    const walk = (dim: number, offset: number): NestedArray => {
      if (dim === h.shape.length) return h.data[offset] as number;
      const out: NestedArray[] = [];
      for (let i = 0; i < h.shape[dim]!; i++) out.push(walk(dim + 1, offset + i * h.stride[dim]!));
      return out;
    };
    return walk(0, h.offset);
  }

  /** The shape, dtype and values, as `Tensor(shape=(2, 2), dtype=float32, [[1,2],[3,4]])`. */
  toString(): string {
    const body = this.storage === null ? 'symbolic' : showValues(this.toArray());
    return `Tensor(shape=${fmtShape(this.shape)}, dtype=${this.dtype}, ${body})`;
  }

  /**
   * `this + y`, as K.add.
   *
   * @param y  a tensor-like; broadcasts against this tensor.
   */
  add(y: unknown): Tensor {
    return methods.add!(this, y);
  }
  /**
   * `this - y`, as K.subtract.
   *
   * @param y  a tensor-like; broadcasts against this tensor.
   */
  sub(y: unknown): Tensor {
    return methods.sub!(this, y);
  }
  /**
   * `this * y`, as K.multiply.
   *
   * @param y  a tensor-like; broadcasts against this tensor.
   */
  mul(y: unknown): Tensor {
    return methods.mul!(this, y);
  }
  /**
   * `this / y`, as K.divide (true division).
   *
   * @param y  a tensor-like; broadcasts against this tensor.
   */
  div(y: unknown): Tensor {
    return methods.div!(this, y);
  }
  /** `-this`, as K.negative. */
  neg(): Tensor {
    return methods.neg!(this);
  }
}

export type NestedArray = number | NestedArray[];

/**
 * A variable (K.variable, K.zeros, ...): a tensor whose value K.set_value and the
 * K.update* functions replace. Ops never read it directly; they read a snapshot
 * of its current version, so a later update cannot change a value that a
 * recorded graph (or a pending gradient) still needs.
 *
 * @example
 * ```ts
 * const v = K.variable([1, 2], 'float32', 'w');
 * const y = K.multiply(v, 2);
 * K.update_add(v, [1, 1]);
 * K.eval(y); // [2, 4]
 * K.eval(v); // [2, 3]
 * String(v); // 'Variable(name=w, shape=(2,), dtype=float32, [2,3])'
 * ```
 */
export class Variable extends Tensor {
  /** Bumped by every successful update. */
  version = 0;
  /** The read of the current version, shared by every op until the next update. @internal */
  snapshot: Tensor | null = null;

  /**
   * Made by K.variable and the other variable makers.
   *
   * @param shape  the dimensions.
   * @param dtype  the dtype of the elements.
   * @param storage  the initial value, owned by the variable.
   * @param name  the name, under the current K.name_scope.
   * @param constraint  the projection optimizers apply after an update, or null.
   * @internal
   */
  constructor(
    shape: number[],
    dtype: DType,
    storage: Storage,
    name: string,
    /** A projection for optimizers to apply after an update (K.variable's `constraint`), or null; no K.update* applies it. */
    readonly constraint: ((x: Tensor) => Tensor) | null = null
  ) {
    super(shape, dtype, storage, null);
    this.name = scopedName(name);
  }

  /**
   * Swap in a new value (already validated by the caller).
   *
   * @param storage  the new value, owned by the variable from now on.
   * @internal
   */
  replace(storage: Storage): void {
    this.storage = storage;
    this.version++;
    this.snapshot = null;
  }

  /** The name, shape, dtype and values, as `Variable(name=w, shape=(2,), dtype=float32, [2,3])`. */
  override toString(): string {
    return `Variable(name=${this.name}, shape=${fmtShape(this.shape)}, dtype=${this.dtype}, ${showValues(this.toArray())})`;
  }
}

/**
 * A symbolic input of a graph (K.placeholder): a shape (with -1 inside, null in
 * K.int_shape, for unknown dimensions) and a dtype, but no value. Ops on it
 * infer shapes without computing; K.function feeds it values.
 *
 * @example
 * ```ts
 * const p = K.placeholder({ shape: [null, 2], name: 'x' });
 * K.is_keras_tensor(p); // true
 * String(p); // 'Placeholder(name=x, shape=(None, 2), dtype=float32)'
 * ```
 */
export class Placeholder extends Tensor {
  /**
   * Made by K.placeholder.
   *
   * @param shape  the dimensions, -1 where unknown.
   * @param dtype  the dtype of the values it will be fed.
   * @param name  the name, under the current K.name_scope.
   * @internal
   */
  constructor(
    shape: number[],
    dtype: DType,
    name: string,
    /** The value used when K.function is not fed one (TF's placeholder_with_default), or null. */
    readonly fallback: Tensor | null = null
  ) {
    super(shape, dtype, null, null);
    this.name = scopedName(name);
  }

  /** The name, shape and dtype, as `Placeholder(name=x, shape=(None, 2), dtype=float32)`. */
  override toString(): string {
    return `Placeholder(name=${this.name}, shape=${fmtShape(this.shape)}, dtype=${this.dtype})`;
  }
}

/** An object made to look like a tensor: its prototype chain reaches Tensor's, but the constructor never made it. */
export function isForgedTensor(x: unknown): boolean {
  return (
    typeof x === 'object' &&
    x !== null &&
    !(x instanceof Tensor) &&
    Object.prototype.isPrototypeOf.call(Tensor.prototype, x)
  );
}

/** Nested values as JSON writes them, but NaN, ±Infinity and -0 written as numbers (JSON would write null and 0). */
function showValues(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(showValues).join(',')}]`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  return JSON.stringify(v);
}

/** A constant tensor on the host over `data`, row-major, `dtype`'s typed array (not copied). */
export function hostTensor(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(shape.slice(), dtype, cpuStorage(nd(data, shape)), null);
}
