// K.function's compiled form. On the first call for a set of input shapes
// (and dtypes, and device) the graph is planned once: every shape and
// attribute resolved, constants folded, the kernel list put in order, each
// value's last use noted so it is dropped as soon as nothing needs it, and
// chains of elementwise primitives joined into one fused kernel where the
// device has one (fuse.ts). Later calls replay the list: each step is the
// device's kernel on the values in hand, with no shape rule, no attribute
// resolution and no recording.
//
// The plan is an optimisation only: every step runs the same kernel apply
// would run, so results are bit-identical to the evaluator's (evaluate.ts),
// except in fused chains: on the cpu they round as the unfused wasm maps do
// (a fused whole sum may add in another order), on the gpu within float32
// rounding (the shader compiler may reorder a chain's ops). Graphs whose shapes depend on values (a
// `call` loop, a shape given as a tensor) are not planned: they run on the
// evaluator, every call.
import { platform } from '../core/platform.js';
import { Placeholder, Tensor, Variable } from '../core/tensor.js';
import type { Meta, Prim } from '../core/primitives.js';
import { apply, readVariable, withoutRecording } from '../prims/apply.js';
import { specOf } from '../prims/table.js';
import { currentDevice, dispatch } from '../device/dispatcher.js';
import { bufferOf, type GraphPlan, resolveAttrs } from './evaluate.js';
import { fuseSteps } from './fuse.js';
import type { Program, Step } from './program.js';

export type { Program, Step } from './program.js';

/** Primitives never folded into constants: each run draws or prints. */
const EVERY_CALL = new Set<Prim>(['random', 'print']);

let compiling = platform().env('KTAPE_PLAN') !== '0';

/** Whether K.function plans its graphs (KTAPE_PLAN=0 turns it off); returns the previous setting. Tests compare both. */
export function setPlanning(on: boolean): boolean {
  const was = compiling;
  compiling = on;
  return was;
}

export function planning(): boolean {
  return compiling;
}

/** Thrown inside planning where a shape depends on values: the graph is left to the evaluator. */
class Dynamic extends Error {}

/**
 * Plan `outputs` for feeds of these metas, or null where the graph's shapes
 * depend on values. Errors a call would raise (a bad shape) are not raised
 * here: planning gives up and the evaluator raises them.
 */
export function planGraph(
  outputs: readonly Tensor[],
  feeds: ReadonlyMap<Tensor, Meta>,
  plan: GraphPlan
): Program | null {
  try {
    return build(outputs, feeds, plan);
  } catch {
    return null;
  }
}

function build(outputs: readonly Tensor[], feeds: ReadonlyMap<Tensor, Meta>, plan: GraphPlan): Program {
  const slotOf = new Map<Tensor, number>();
  const metas = new Map<Tensor, Meta>();
  const steps: Step[] = [];
  /** Slots holding the same value every call (constant folding's inputs). */
  const fixed = new Map<number, Tensor>();
  let folded = 0;
  const fill = (t: Tensor, meta: Meta) => {
    const slot = slotOf.size;
    slotOf.set(t, slot);
    metas.set(t, meta);
    return slot;
  };
  const shapeOf = (t: Tensor) => metas.get(t)!.shape;
  const noValues = () => {
    throw new Dynamic();
  };
  for (const t of plan.order) {
    if (metas.has(t)) continue;
    const fed = feeds.get(t);
    const node = t.node;
    if (fed !== undefined) {
      steps.push({ kind: 'feed', slot: fill(t, fed), meta: fed, tensor: t });
    } else if (node === null) {
      if (t instanceof Placeholder) {
        if (t.fallback === null) throw new Dynamic(); // not fed: the evaluator says so
        const meta = { shape: t.fallback.shape, dtype: t.dtype };
        steps.push({ kind: 'fallback', slot: fill(t, meta), meta, tensor: t });
      } else {
        const meta = { shape: t.shape, dtype: t.dtype };
        const slot = fill(t, meta);
        if (t instanceof Variable) steps.push({ kind: 'variable', slot, meta, variable: t });
        else {
          fixed.set(slot, t);
          steps.push({ kind: 'constant', slot, meta, value: t });
        }
      }
    } else if (node.prim === 'read_variable') {
      const v = node.inputs[0] as Variable;
      const meta = { shape: v.shape, dtype: v.dtype };
      steps.push({ kind: 'variable', slot: fill(t, meta), meta, variable: v });
    } else if (node.prim === 'call') {
      throw new Dynamic(); // its shape is known only when it has run
    } else {
      const ins = node.inputs.map((i) => metas.get(i)!);
      const attrs = resolveAttrs(node.prim, node.attrs, ins, shapeOf, noValues);
      const meta = specOf(node.prim).infer(ins, attrs);
      if (!plan.values.has(t)) {
        metas.set(t, meta); // needed for its shape only
        continue;
      }
      const inputs = node.inputs.map((i) => slotOf.get(i)!);
      if (!EVERY_CALL.has(node.prim) && inputs.every((s) => fixed.has(s))) {
        // Constant folding: every input is the same each call, so is the result.
        const value = withoutRecording(() =>
          apply(node.prim, inputs.map((s) => fixed.get(s)!) as never, attrs as never)
        );
        const slot = fill(t, meta);
        fixed.set(slot, value);
        steps.push({ kind: 'constant', slot, meta, value });
        folded++;
        continue;
      }
      steps.push({ kind: 'op', slot: fill(t, meta), meta, prim: node.prim, inputs, attrs });
    }
  }
  const outs = outputs.map((t) => slotOf.get(t)!);
  const fusedSteps = fuseSteps(steps, outs);
  const kernels = fusedSteps.steps.filter((s) => s.kind === 'op').length;
  return {
    steps: fusedSteps.steps,
    drops: lastUses(fusedSteps.steps, outs),
    outputs: outs,
    slots: slotOf.size,
    stats: { kernels, fused: fusedSteps.fused, folded },
  };
}

/** For each step, the slots read for the last time there (outputs are kept). */
function lastUses(steps: readonly Step[], outputs: readonly number[]): number[][] {
  const last = new Map<number, number>();
  steps.forEach((s, i) => {
    if (s.kind === 'op') for (const j of s.inputs) last.set(j, i);
  });
  for (const o of outputs) last.delete(o);
  const drops = steps.map(() => [] as number[]);
  for (const [slot, i] of last) drops[i]!.push(slot);
  return drops;
}

/**
 * Run a plan on `feeds`. `outside` collects the buffers of values that came
 * from outside the graph (feeds, constants, variables), as the evaluator's does.
 */
export function runProgram(p: Program, feeds: ReadonlyMap<Tensor, Tensor>, outside?: Set<unknown>): Tensor[] {
  const vals = new Array<Tensor | null>(p.slots).fill(null);
  const from = (v: Tensor) => {
    outside?.add(bufferOf(v));
    return v;
  };
  withoutRecording(() => {
    const { steps, drops } = p;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      switch (s.kind) {
        case 'feed':
          vals[s.slot] = from(feeds.get(s.tensor)!);
          break;
        case 'constant':
          vals[s.slot] = from(s.value);
          break;
        case 'fallback':
          vals[s.slot] = from(s.tensor.fallback!);
          break;
        case 'variable':
          vals[s.slot] = from(readVariable(s.variable));
          break;
        case 'op': {
          const ins = s.inputs.map((j) => vals[j]!);
          vals[s.slot] = new Tensor(s.meta.shape, s.meta.dtype, dispatch(s.prim, ins, s.attrs, s.meta), null);
          for (const j of drops[i]!) vals[j] = null;
        }
      }
    }
  });
  return p.outputs.map((j) => vals[j]!);
}

/** The signature a plan is kept under: the feeds' shapes and dtypes, and the device. */
export function signature(feeds: ReadonlyMap<Tensor, Tensor>, order: readonly Tensor[]): string {
  const parts: string[] = [currentDevice()];
  for (const t of order) {
    const v = feeds.get(t);
    if (v !== undefined) parts.push(`${v.dtype}[${v.shape.join(',')}]`);
  }
  return parts.join(';');
}

/** The values' metas, for planning. */
export function metasOf(feeds: ReadonlyMap<Tensor, Tensor>): Map<Tensor, Meta> {
  return new Map([...feeds].map(([k, v]) => [k, { shape: v.shape, dtype: v.dtype }]));
}
