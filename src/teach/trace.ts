// K.trace: the tape as a value to look at. Runs the user's function with call
// sites on, collects every node recorded while it runs (through apply's
// observer), and lays them out as a Wengert list, Graphviz DOT and SVG.
import { keras as kerasFn, typeError, userCode } from '../core/context.js';
import { isNdArray, toTensor, type TensorLike } from '../core/convert.js';
import { SparseTensor } from '../core/sparse.js';
import type { DType } from '../core/dtype.js';
import { Tensor, type Node } from '../core/tensor.js';
import { observing } from '../prims/apply.js';
import { withSites } from '../core/site.js';
import { isNest, tensorsIn } from '../core/nest.js';
import { PRIMS } from '../prims/table.js';
import type { Prim } from '../core/primitives.js';
import {
  attrsText,
  ByteCounter,
  callText,
  fmtBytes,
  kerasShape,
  keras,
  leafDetail,
  leafKind,
  Namer,
  originText,
  typeText,
  type LeafKind,
} from './format.js';

/** Where a node's input comes from: an earlier node of the tape, or a leaf (input, variable, placeholder, constant). */
export type TapeRef = { readonly kind: 'node' | 'leaf'; readonly index: number };

/** A tensor the tape starts from: an input of the traced function, a variable, a placeholder or a constant. */
export interface TapeLeaf {
  /** Position in `tape.leaves`. */
  readonly index: number;
  /** Its name in the listing: x0.. for inputs, a variable's or placeholder's name, c0.. for constants. */
  readonly name: string;
  readonly kind: LeafKind;
  /** Which tensor argument of the traced function it is (null for any other leaf). */
  readonly input: number | null;
  /** 'input 0', "variable 'w'", 'constant 2', ... */
  readonly detail: string;
  /** As K.int_shape gives it (null for an unknown dimension). */
  readonly shape: (number | null)[];
  readonly dtype: DType;
  readonly tensor: Tensor;
}

/** One recorded primitive call. */
export interface TapeNode {
  /** Position in `tape.nodes` (recording order); its name is v<index + 1>. */
  readonly index: number;
  readonly name: string;
  /** The primitive. */
  readonly op: Prim;
  /** What the primitive computes (its table entry's doc). */
  readonly doc: string;
  /** The Keras function the user called that made it (for a `custom` node: custom_gradient or checkpoint), or null. */
  readonly fn: string | null;
  /** The attributes as text ('axes=[0], keepdims=false'), '' when none. */
  readonly attrs: string;
  readonly inputs: readonly TapeRef[];
  readonly inputShapes: readonly (number | null)[][];
  readonly inputDtypes: readonly DType[];
  readonly shape: (number | null)[];
  readonly dtype: DType;
  /**
   * Bytes of values this node keeps alive for the backward pass: the storages
   * of its inputs and output, each storage counted once across the tape (at the
   * first node that holds it), at its logical size; 0 for symbolic tensors.
   */
  readonly savedBytes: number;
  /** The user's line that made it ('file:line:col', relative to the working directory), when known. */
  readonly site: string | null;
  /** The listing's line for it. */
  readonly text: string;
  readonly output: Tensor;
}

let vizInstance: Promise<{ renderString(dot: string, options: { format: string }): string }> | null = null;

/** The recorded tape of one function call (made by K.trace). */
export class Tape<R = unknown> {
  /** The nodes in recording order. */
  readonly nodes: readonly TapeNode[];
  /** Every leaf: the inputs first (argument order), then other leaves in order of first use. */
  readonly leaves: readonly TapeLeaf[];
  /** The leaves that are the traced function's tensor arguments, in order. */
  readonly inputs: readonly TapeLeaf[];
  /** The tensors the function returned. */
  readonly outputs: readonly TapeRef[];
  /** What the function returned. */
  readonly result: R;
  /** Total bytes the tape keeps alive (the sum of its nodes' savedBytes). */
  readonly savedBytes: number;
  private readonly names: Namer;

  /** @internal Made by K.trace. */
  constructor(nodes: readonly Node[], inputs: readonly Tensor[], result: R) {
    this.result = result;
    const names = (this.names = new Namer());
    const leaves: TapeLeaf[] = [];
    const refs = new Map<Tensor, TapeRef>();
    const addLeaf = (t: Tensor, input: number | null, detail?: string) => {
      const kind = input !== null ? 'input' : leafKind(t);
      const name = names.leaf(t, kind, input);
      const leaf: TapeLeaf = {
        index: leaves.length,
        name,
        kind,
        input,
        detail: detail ?? leafDetail(t, kind, input),
        shape: kerasShape(t.shape),
        dtype: t.dtype,
        tensor: t,
      };
      refs.set(t, { kind: 'leaf', index: leaf.index });
      leaves.push(leaf);
    };
    inputs.forEach((t, i) => {
      if (!refs.has(t)) addLeaf(t, i);
    });
    nodes.forEach((n, index) => {
      n.inputs.forEach((t, i) => {
        if (refs.has(t)) return;
        // A custom node's last input is the value the user's function computed: a leaf when it ran unrecorded (K.checkpoint).
        const value = n.prim === 'custom' && i === n.inputs.length - 1;
        addLeaf(t, null, value ? `value of f (${keras(n)}, unrecorded)` : undefined);
      });
      refs.set(n.output, { kind: 'node', index });
      names.node(n.output);
    });
    const outs = tensorsIn(result);
    for (const t of outs) if (!refs.has(t)) addLeaf(t, null);

    const nameOf = (t: Tensor) => names.get(t) ?? `<${typeText(t)}>`;
    const bytes = new ByteCounter();
    this.nodes = nodes.map((n, index) => ({
      index,
      name: nameOf(n.output),
      op: n.prim,
      doc: PRIMS[n.prim].doc,
      fn: keras(n),
      attrs: attrsText(n, nameOf),
      inputs: n.inputs.map((t) => refs.get(t)!),
      inputShapes: n.inputs.map((t) => kerasShape(t.shape)),
      inputDtypes: n.inputs.map((t) => t.dtype),
      shape: kerasShape(n.output.shape),
      dtype: n.output.dtype,
      savedBytes: bytes.add([...n.inputs, n.output]),
      site: n.site,
      text: callText(n, nameOf),
      output: n.output,
    }));
    this.leaves = leaves;
    this.inputs = leaves.filter((l) => l.input !== null);
    this.outputs = outs.map((t) => refs.get(t)!);
    this.savedBytes = this.nodes.reduce((s, n) => s + n.savedBytes, 0);
  }

  /** The listing's name of a tensor on this tape (x0, w, c1, v3), or null when the tape does not hold it. */
  nameOf(t: Tensor): string | null {
    return this.names.get(t) ?? null;
  }

  private refName(r: TapeRef): string {
    return r.kind === 'node' ? this.nodes[r.index]!.name : this.leaves[r.index]!.name;
  }

  /**
   * The tape as a Wengert list: the leaves, then one line per node
   * (`v3 = mul(v1, v2)   (3,) float32   saves 12 B   <- K.multiply at file:line:col`),
   * then the outputs.
   */
  toString(): string {
    const rows: [string, string, string, string][] = [
      ...this.leaves.map((l): [string, string, string, string] => [
        `${l.name} = ${l.detail}`,
        typeText(l.tensor),
        '',
        '',
      ]),
      ...this.nodes.map((n): [string, string, string, string] => [
        n.text,
        typeText(n.output),
        `saves ${fmtBytes(n.savedBytes)}`,
        originText(n.fn, n.site),
      ]),
    ];
    const width = (k: number) => Math.max(0, ...rows.map((r) => r[k]!.length));
    const [w0, w1, w2] = [width(0), width(1), width(2)];
    const lines = rows.map(([a, b, c, d]) => [a.padEnd(w0), b.padEnd(w1), c.padStart(w2), d].join('   ').trimEnd());
    const head = `# tape: ${this.nodes.length} node${this.nodes.length === 1 ? '' : 's'}, ${this.leaves.length} lea${this.leaves.length === 1 ? 'f' : 'ves'}; saves ${fmtBytes(this.savedBytes)}`;
    const outs = `# outputs: ${this.outputs.length === 0 ? 'none' : this.outputs.map((r) => this.refName(r)).join(', ')}`;
    return [head, ...lines, outs].join('\n');
  }

  /**
   * The tape as a Graphviz digraph: leaves as ellipses (inputs blue, variables
   * orange, placeholders green, constants grey), nodes as boxes with their
   * shape, dtype, Keras function and call site; outputs drawn with a double border.
   */
  toDot(): string {
    const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    const label = (...lines: string[]) => q(lines.filter((l) => l !== '').join('\n')).replace(/\n/g, '\\n');
    const isOut = new Set(this.outputs.map((r) => `${r.kind}${r.index}`));
    const outAttr = (r: TapeRef) => (isOut.has(`${r.kind}${r.index}`) ? ', peripheries=2' : '');
    const fill: Record<LeafKind, string> = {
      input: '#cfe3ff',
      variable: '#ffd9a8',
      placeholder: '#d4f2d0',
      constant: '#e6e6e6',
    };
    const lines = [
      'digraph tape {',
      '  graph [rankdir=TB, fontname="Courier", nodesep=0.3, ranksep=0.35];',
      '  node [fontname="Courier", fontsize=10, margin="0.15,0.05"];',
      '  edge [fontname="Courier", fontsize=9, color="#555555"];',
    ];
    for (const l of this.leaves) {
      lines.push(
        `  ${q(l.name)} [shape=ellipse, style=filled, fillcolor="${fill[l.kind]}", label=${label(l.name, l.detail, typeText(l.tensor))}${outAttr({ kind: 'leaf', index: l.index })}];`
      );
    }
    for (const n of this.nodes) {
      const head = `${n.name} = ${n.op}${n.attrs === '' ? '' : ` (${n.attrs})`}`;
      const from = [n.fn === null ? '' : `K.${n.fn}`, n.site ?? ''].filter((s) => s !== '').join(' at ');
      const style = n.op === 'custom' ? 'rounded,filled,dashed' : 'rounded,filled';
      lines.push(
        `  ${q(n.name)} [shape=box, style="${style}", fillcolor="#fafafa", label=${label(head, `${typeText(n.output)}, saves ${fmtBytes(n.savedBytes)}`, from)}${outAttr({ kind: 'node', index: n.index })}];`
      );
    }
    for (const n of this.nodes) {
      n.inputs.forEach((r, i) => {
        const attrs: string[] = [];
        if (n.inputs.length > 1) attrs.push(`label="${i}"`);
        // A custom node's last input is the value its function computed: passed through, not differentiated.
        if (n.op === 'custom' && i === n.inputs.length - 1) attrs.push('style=dashed');
        lines.push(`  ${q(this.refName(r))} -> ${q(n.name)}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`);
      });
    }
    lines.push('}');
    return lines.join('\n');
  }

  /**
   * The tape drawn by Graphviz (the `@viz-js/viz` WebAssembly build, loaded on
   * first use): a self-contained `<svg>` document string.
   */
  async toSVG(): Promise<string> {
    vizInstance ??= import('@viz-js/viz').then((m) => m.instance());
    const svg = (await vizInstance).renderString(this.toDot(), { format: 'svg' });
    return svg.slice(svg.indexOf('<svg'));
  }
}

/** Arguments of the traced function: a tensor parameter may be given any tensor-like value. */
export type TraceInputs<A extends unknown[]> = { [K in keyof A]: A[K] extends Tensor ? TensorLike : A[K] };

/** A value trace treats as a tensor input: a tensor (or one made to look like it), a number, an array, an ndarray... */
function tensorLike(x: unknown): boolean {
  const t = typeof x;
  if (t === 'number' || t === 'boolean' || t === 'bigint' || t === 'symbol') return true;
  if (t !== 'object' || x === null) return false;
  return (
    Array.isArray(x) ||
    ArrayBuffer.isView(x) ||
    x instanceof SparseTensor ||
    isNdArray(x) ||
    Object.prototype.isPrototypeOf.call(Tensor.prototype, x as object)
  );
}

/**
 * Run `fn(...inputs)` and return the tape it recorded, as a value to look at.
 *
 * Every primitive recorded while `fn` runs becomes a node, in recording order,
 * with its input references, shapes, dtypes, the Keras function that made it,
 * the user's call site, and the bytes it keeps alive for the backward pass
 * (its inputs' and output's storages, each storage counted once across the
 * tape). Variables appear as leaves read through `read_variable` nodes;
 * constants as leaves too. Tensor, variable and placeholder inputs are passed
 * as they are; plain values (numbers, booleans, numeric arrays, typed arrays,
 * ndarrays) become constant tensors first (floatx for numbers), so they are
 * inputs of the tape; anything else (a string, an options object) is passed
 * unchanged, so keep settings such as an axis in a closure. Works on symbolic
 * inputs (placeholders: shapes with None, no values, 0 bytes saved). Nothing
 * recorded outside `fn` is changed; the result is `tape.result`.
 *
 * @param fn  the function to trace; its tensor operations are recorded
 * @param inputs  its arguments: tensor-likes (converted, or refused with a K error), structures of
 *   tensors, and other values (strings, functions, plain objects) passed to fn as they are
 * @returns the tape: `toString()` (a Wengert list), `toDot()`, `await toSVG()`, `nodes`, `leaves`, `savedBytes`
 * @example
 * ```ts
 * const tape = K.trace((x: K.Tensor) => K.sum(K.square(x)), [1, 2, 3]);
 * console.log(tape.toString());
 * // # tape: 2 nodes, 1 leaf; saves 28 B
 * // x0 = input 0                             (3,) float32
 * // v1 = mul(x0, x0)                         (3,) float32   saves 24 B   <- K.square at demo.ts:2:47
 * // v2 = sum(v1, axes=[0], keepdims=false)   () float32      saves 4 B   <- K.sum at demo.ts:2:41
 * // # outputs: v2
 * tape.nodes[0]!.op; // 'mul'
 * tape.nodes[0]!.fn; // 'square'
 * tape.savedBytes; // 28
 * tape.toDot().startsWith('digraph tape {'); // true
 * void tape.toSVG(); // a Promise of the drawing: '<svg ...>...</svg>'
 * ```
 */
export function trace<A extends unknown[], R>(fn: (...args: A) => R, ...inputs: TraceInputs<A>): Tape<R> {
  const [args, tensors] = kerasFn(trace, () => {
    if (typeof fn !== 'function')
      throw typeError('trace', `fn must be a function; got ${fn === null ? 'null' : typeof fn}`);
    const tensors: Tensor[] = [];
    const args = (inputs as unknown[]).map((x, i) => {
      const inner = Array.isArray(x) ? tensorsIn(x) : [];
      if (inner.length === 0) {
        // Strings, functions, plain objects and null are fn's other arguments (a label, a config), passed as they are.
        if (!tensorLike(x)) return x;
        // A tensor or a value meant as one: converted (or refused) here, not deep inside fn.
        const t = toTensor('trace', x, `inputs[${i}]`);
        tensors.push(t);
        return x instanceof Tensor ? x : t;
      }
      // Structures of tensors (a list of states) are passed as they are; their tensors are inputs.
      if (!isNest(x)) {
        throw typeError(
          'trace',
          `inputs[${i}] holds tensors, so it must be a structure (nested lists) of tensors only`
        );
      }
      for (const [j, t] of inner.entries()) toTensor('trace', t, `inputs[${i}]'s tensor ${j}`);
      tensors.push(...inner);
      return x;
    });
    return [args as A, tensors] as const;
  });
  const nodes: Node[] = [];
  const seen = new Set<Node>();
  const add = (n: Node) => {
    if (!seen.has(n)) {
      seen.add(n);
      nodes.push(n);
    }
  };
  const result = withSites(() =>
    observing(
      (out, _prim, ins) => {
        if (out.node === null) return;
        // A variable's read node is made on its first use, outside apply's observers.
        for (const t of ins) if (t.node !== null && t.node.prim === 'read_variable') add(t.node);
        add(out.node);
      },
      () => userCode(() => fn(...args))
    )
  );
  return new Tape(nodes, tensors, result);
}
