// K.explain: the backward pass told step by step. It runs the same backprop as
// K.gradients, with an observer that writes down, for each node in reverse
// order, the cotangent arriving, the VJP formula per input and what it sends.
import { fmtShape, keras as kerasFn, typeError, valueError } from '../core/context.js';
import { isPlainObject, options as readOptions } from '../core/args.js';
import { isFloat } from '../core/dtype.js';
import { Tensor } from '../core/tensor.js';
import { toTensor } from '../core/convert.js';
import { backprop, topoOrder, type BackpropStep } from '../grad/backprop.js';
import * as lax from '../prims/lax.js';
import { PRIMS } from '../prims/table.js';
import { callText, keras, leafKind, Namer, originText, typeText, valueText } from './format.js';
import { Tape } from './trace.js';
import type { CustomAttrs } from '../core/primitives.js';

/** K.explain's options. */
export interface ExplainOptions {
  /** Print the explanation with console.log (default true); false only returns it. */
  print?: boolean;
  /** Name tensors as this tape's listing does (x0, w, v3), when the loss was computed inside K.trace. */
  tape?: Tape;
  /** Tensors with at most this many elements are shown in full, larger ones summarised (default 12). */
  maxValues?: number;
}

/** One step of the backward pass, as K.explain prints it (a stepper shows these one by one). */
export interface ExplainStep {
  /** The node's output name: the tape's (v3, t2) when the `tape` option is given, so a drawing can be matched. */
  readonly node: string;
  /** The primitive, and what it computes. */
  readonly op: string;
  readonly doc: string;
  /** The node as a line: `v3 = sum(v2, axes=[0], keepdims=false)`. */
  readonly call: string;
  /** The cotangent g = d loss / d (its output), shown, and how many uses' contributions it sums. */
  readonly cotangent: string;
  readonly contributions: number;
  /** What it sends each input: the VJP formula and its value (null where no gradient flows). */
  readonly sends: readonly { input: string; index: number; formula: string; value: string | null }[];
  /** The step's lines of the printed text. */
  readonly text: string;
}

/** What K.explain returns. */
export interface Explanation {
  /** The explanation, as printed. */
  readonly text: string;
  /** The backward pass step by step, in the order it ran (the text's numbered blocks). */
  readonly steps: readonly ExplainStep[];
  /** d loss / d x for each x (null where the loss does not depend on it): the same as K.gradients(loss, xs). */
  readonly gradients: (Tensor | null)[];
}

/** The formula a custom node's VJP applies, in words: whose code computes it. */
function customFormula(kind: string, last: boolean): string {
  if (last)
    return "none: the value the user's function computed is passed through; its own graph is not differentiated";
  if (kind === 'checkpoint')
    return 'recompute the checkpointed function from its saved inputs, then backprop g through it (K.checkpoint)';
  return "grad_fn(g): the user's gradient function (K.custom_gradient)";
}

/** Names for every tensor of the graph behind `ys`: the tape's names first, then x0.. for xs, v1.. for nodes. */
function graphNames(ys: readonly Tensor[], xs: readonly Tensor[], tape: Tape | undefined): (t: Tensor) => string {
  const names = new Namer(tape === undefined ? 'v' : 't');
  const order = topoOrder(ys);
  if (tape !== undefined) {
    for (const t of [...order, ...xs]) {
      const n = tape.nameOf(t);
      if (n !== null) names.set(t, n);
    }
  }
  // Plain tensors differentiated against are the inputs x<i>; variables and placeholders keep their names.
  xs.forEach((x, i) => {
    if (names.has(x) || x.node !== null) return;
    const kind = leafKind(x);
    if (kind === 'constant') names.leaf(x, 'input', i);
    else names.leaf(x, kind);
  });
  for (const t of order) {
    if (names.has(t)) continue;
    if (t.node === null) names.leaf(t, leafKind(t));
    else names.node(t);
  }
  return (t) => names.get(t) ?? (t.node === null ? names.leaf(t, leafKind(t)) : names.node(t));
}

/**
 * Step through the backward pass of `loss` with respect to `xs` and explain it.
 *
 * Reverse mode walks the recorded graph from the loss back to its inputs. For
 * each node, in the order the backward pass processes them (reverse
 * topological), the explanation shows the node (as K.trace's listing does),
 * the cotangent g arriving at its output (d loss / d output; summed when the
 * output was used more than once), and for each input that needs a gradient
 * the VJP formula from the primitive's table and the gradient it sends. A
 * `custom` node's formula is the user's grad_fn (K.custom_gradient) or a
 * recomputation of the checkpointed function (K.checkpoint). Small tensors are
 * shown in full, larger ones as shape, dtype, min, max and mean, symbolic ones
 * as shape and dtype. Last come the final gradients, which equal
 * `K.gradients(loss, xs)` (the loss is summed when it is not a scalar, as there).
 *
 * @param loss  a float tensor computed from `xs` (or a list of them, summed)
 * @param xs  the tensors or variables to differentiate with respect to (one, or a list)
 * @param options  `{print, tape, maxValues}`
 * @param options.print  print the explanation with console.log (default true)
 * @param options.tape  a K.trace tape whose names (x0, w, v3) the explanation should use
 * @param options.maxValues  show tensors of at most this many elements in full (default 12)
 * @returns `{text, gradients}`: the explanation and the gradients, one per x (null where the loss does not depend on it)
 * @example
 * ```ts
 * const w = K.variable([0.5, -1], null, 'w');
 * const loss = K.sum(K.square(w));
 * const { gradients } = K.explain(loss, [w]);
 * // ...
 * // [2] v2 = mul(v1, v1)   (2,) float32   <- K.square
 * //     mul: x * y
 * //     g = [1, 1]  (2,) float32
 * //     -> v1 (input 0): g * y = [0.5, -1]  (2,) float32
 * //     -> v1 (input 1): g * x = [0.5, -1]  (2,) float32
 * //
 * // [3] v1 = read_variable(w)   (2,) float32
 * //     read_variable: the current value of a variable
 * //     g = [1, -2]  (2,) float32   (the sum of 2 contributions)
 * //     -> w (input 0): g = [1, -2]  (2,) float32
 * //
 * // gradients:
 * //   d loss / d w = [1, -2]  (2,) float32
 * gradients[0]; // [1, -2]
 * // Names and call sites as in a listing: trace first, then explain its result.
 * const tape = K.trace((x: K.Tensor) => K.sum(K.multiply(x, w)), [1, 2]);
 * K.explain(tape.result, [w], { tape, print: false }).text;
 * ```
 */
export function explain(loss: Tensor | Tensor[], xs: Tensor | Tensor[], options?: ExplainOptions): Explanation {
  return kerasFn(explain, () => {
    if (options !== undefined && !isPlainObject(options))
      throw typeError('explain', `options must be an object {print, tape, maxValues}; got ${typeof options}`);
    const o = readOptions<ExplainOptions>(['print', 'tape', 'maxValues'], [options]);
    const ys = Array.isArray(loss) ? loss : [loss];
    const targets = Array.isArray(xs) ? xs : [xs];
    if (ys.length === 0) throw valueError('explain', 'loss must be a tensor or a non-empty list of tensors');
    ys.forEach((y, i) => {
      const arg = Array.isArray(loss) ? `loss[${i}]` : 'loss';
      if (!(y instanceof Tensor))
        throw typeError('explain', `${arg} must be a tensor; got ${y === null ? 'null' : typeof y}`);
      toTensor('explain', y, arg); // disposed?
      if (!isFloat(y.dtype))
        throw valueError(
          'explain',
          `${arg} must be a float tensor to be differentiated; got ${y.dtype} of shape ${fmtShape(y.shape)}`
        );
    });
    if (targets.length === 0) throw valueError('explain', 'xs must be a tensor or a non-empty list of tensors');
    targets.forEach((x, i) => {
      if (!(x instanceof Tensor))
        throw typeError(
          'explain',
          `${Array.isArray(xs) ? `xs[${i}]` : 'xs'} must be a tensor or variable; got ${x === null ? 'null' : typeof x}`
        );
      toTensor('explain', x, Array.isArray(xs) ? `xs[${i}]` : 'xs'); // disposed?
    });
    if (o.print !== undefined && typeof o.print !== 'boolean')
      throw typeError('explain', `options.print must be a boolean; got ${typeof o.print}`);
    if (o.tape !== undefined && !(o.tape instanceof Tape))
      throw typeError('explain', 'options.tape must be a tape made by K.trace');
    const maxValues = o.maxValues ?? 12;
    if (typeof maxValues !== 'number' || !Number.isSafeInteger(maxValues) || maxValues < 0) {
      throw valueError('explain', `options.maxValues must be a non-negative integer; got ${String(maxValues)}`);
    }

    const nameOf = graphNames(ys, targets, o.tape);
    const show = (t: Tensor) => valueText(t, maxValues);
    const lossName = ys.map(nameOf).join(' + ');
    const lines: string[] = [
      `# K.explain: the backward pass of ${lossName} with respect to ${targets.map(nameOf).join(', ')}`,
      '# Each node gets g = d loss / d (its output) and sends each input g times the local derivative (its VJP formula).',
      '# A tensor used more than once receives the sum of what its uses send.',
      '# In the formulas g is the cotangent, x and y (or c, x, y) the inputs, and y (one input) or z (two) the output.',
    ];
    for (const y of ys) lines.push(`seed: g(${nameOf(y)}) = ones_like(${nameOf(y)}) = ${show(lax.onesLike(y))}`);

    // How many gradients each tensor has received so far: more than one means a sum.
    const received = new Map<Tensor, number>(ys.map((y) => [y, 1]));
    let step = 0;
    const steps: ExplainStep[] = [];
    const observe = (s: BackpropStep) => {
      const node = s.node;
      const uses = received.get(node.output) ?? 1;
      const origin = originText(keras(node), node.site);
      const first = lines.length + 1;
      const sends: { input: string; index: number; formula: string; value: string | null }[] = [];
      const cotangent = show(s.cotangent);
      lines.push('');
      lines.push(
        `[${++step}] ${callText(node, nameOf)}   ${typeText(node.output)}${origin === '' ? '' : `   ${origin}`}`
      );
      lines.push(`    ${node.prim}: ${PRIMS[node.prim].doc}`);
      lines.push(`    g = ${cotangent}${uses > 1 ? `   (the sum of ${uses} contributions)` : ''}`);
      if (s.grads.length === 0) lines.push('    (no input needs a gradient)');
      for (const gr of s.grads) {
        let formula =
          node.prim === 'custom'
            ? customFormula((node.attrs as CustomAttrs).kind, gr.index === node.inputs.length - 1)
            : gr.formula;
        if (gr.summed) {
          formula += `, summed over the broadcast axes to ${fmtShape(gr.input.shape)}`;
        }
        const to = `-> ${nameOf(gr.input)} (input ${gr.index})`;
        const value = gr.grad === null ? null : show(gr.grad);
        sends.push({ input: nameOf(gr.input), index: gr.index, formula, value });
        if (value === null) lines.push(`    ${to}: ${formula}`);
        else {
          lines.push(`    ${to}: ${formula} = ${value}`);
          received.set(gr.input, (received.get(gr.input) ?? 0) + 1);
        }
      }
      steps.push({
        node: nameOf(node.output),
        op: node.prim,
        doc: PRIMS[node.prim].doc,
        call: callText(node, nameOf),
        cotangent,
        contributions: uses,
        sends,
        text: lines.slice(first).join('\n'),
      });
    };
    const gradients = backprop(
      ys,
      ys.map((y) => lax.onesLike(y)),
      targets,
      observe
    );

    lines.push('', 'gradients:');
    const d = ys.length === 1 ? 'd loss' : `d (${lossName})`;
    targets.forEach((x, i) => {
      const g = gradients[i]!;
      lines.push(
        `  ${d} / d ${nameOf(x)} = ${g === null ? `None (the loss does not depend on it through float ops; ${typeText(x)})` : show(g)}`
      );
    });
    const text = lines.join('\n');
    if (o.print ?? true) console.log(text);
    return { text, steps, gradients };
  });
}
