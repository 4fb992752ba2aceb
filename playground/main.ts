// The playground: edit an example, Run it, see its tape drawn, step through
// the backward pass (each step of K.explain highlights its node and shows the
// cotangent, the VJP formula and what it sends), and check the gradients
// against central differences. Everything runs in the page; nothing is sent.
import { javascript } from '@codemirror/lang-javascript';
import { basicSetup, EditorView } from 'codemirror';
import * as K from '../src/browser.js';
import { EXAMPLES } from './examples.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface Program {
  f: (...inputs: unknown[]) => K.Tensor;
  inputs?: unknown[];
  wrt: K.Tensor[];
}
interface Run {
  program: Program;
  tape: K.Tape<K.Tensor>;
  explanation: K.Explanation;
  step: number;
}

let current: Run | null = null;

const editor = new EditorView({ doc: EXAMPLES[0]!.code, extensions: [basicSetup, javascript()], parent: $('editor') });
const select = $<HTMLSelectElement>('example');
for (const [i, e] of EXAMPLES.entries()) select.add(new Option(e.name, String(i)));
function showExample(i: number): void {
  const e = EXAMPLES[i]!;
  $('about').textContent = e.about;
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: e.code } });
}
select.addEventListener('change', () => showExample(Number(select.value)));
showExample(0);

function status(text: string): void {
  $('status').textContent = text;
}

/** The editor's code as an async function of K, its frames named example.js (so call sites read example.js:line). */
async function evaluate(code: string): Promise<Program> {
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (k: typeof K) => Promise<unknown>;
  const out = (await new AsyncFunction('K', `${code}\n//# sourceURL=example.js`)(K)) as Partial<Program> | undefined;
  if (typeof out?.f !== 'function') throw new Error('the example must return { f, inputs, wrt }: f is the function to trace');
  if (!Array.isArray(out.wrt) || !out.wrt.every((t) => t instanceof K.Tensor))
    throw new Error('wrt must be a list of tensors (variables) to differentiate by');
  return out as Program;
}

async function run(): Promise<void> {
  $('error').hidden = true;
  $<HTMLButtonElement>('check').disabled = true;
  status('running...');
  try {
    const program = await evaluate(editor.state.doc.toString());
    const tape = K.trace(program.f, ...(program.inputs ?? [])) as K.Tape<K.Tensor>;
    if (!(tape.result instanceof K.Tensor)) throw new Error('f must return the loss, a tensor');
    const explanation = K.explain(tape.result, program.wrt, { tape, print: false });
    current = { program, tape, explanation, step: 0 };
    $('listing').textContent = tape.toString();
    $('drawing').innerHTML = await tape.toSVG();
    showGradients(null);
    showStep();
    $<HTMLButtonElement>('check').disabled = false;
    status(`loss = ${K.eval(tape.result).data[0]}; ${explanation.steps.length} backward steps`);
  } catch (e) {
    current = null;
    $('error').hidden = false;
    $('error').textContent = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    status('failed');
  }
}

function nodeElements(name: string): Element[] {
  return [...document.querySelectorAll('#drawing g.node')].filter((g) => g.querySelector('title')?.textContent === name);
}

function showStep(): void {
  const r = current;
  if (r === null) return;
  const steps = r.explanation.steps;
  const s = steps[r.step];
  for (const g of document.querySelectorAll('#drawing g.node')) g.classList.remove('active', 'receives');
  $('position').textContent = steps.length === 0 ? '(no steps)' : `(step ${r.step + 1} of ${steps.length})`;
  $<HTMLButtonElement>('prev').disabled = r.step === 0;
  $<HTMLButtonElement>('next').disabled = r.step >= steps.length - 1;
  const box = $('step');
  box.textContent = '';
  if (s === undefined) return;
  for (const g of nodeElements(s.node)) g.classList.add('active');
  for (const send of s.sends) for (const g of nodeElements(send.input)) g.classList.add('receives');
  const line = (text: string, cls?: string) => {
    const div = document.createElement('div');
    div.textContent = text;
    if (cls) div.className = cls;
    box.append(div);
  };
  line(s.call);
  line(`${s.op}: ${s.doc}`);
  line(`g = ${s.cotangent}${s.contributions > 1 ? `   (the sum of ${s.contributions} contributions)` : ''}`);
  if (s.sends.length === 0) line('(no input needs a gradient)');
  for (const send of s.sends) {
    line(`-> ${send.input} (input ${send.index}): ${send.formula}${send.value === null ? '' : ` = ${send.value}`}`, 'sends');
  }
}

$('prev').addEventListener('click', () => {
  if (current && current.step > 0) current.step--;
  showStep();
});
$('next').addEventListener('click', () => {
  if (current && current.step < current.explanation.steps.length - 1) current.step++;
  showStep();
});

/** Central differences of the loss by each element of each variable in wrt (up to 64 elements each). */
function finiteDifferences(r: Run): (number[] | null)[] {
  const lossAt = () => K.no_grad(() => Number(K.eval(r.program.f(...(r.program.inputs ?? []))).data[0]));
  return r.program.wrt.map((w) => {
    if (!(w instanceof K.Variable)) return null;
    const base = Array.from(K.get_value(w).data as ArrayLike<number>);
    const out: number[] = [];
    for (let i = 0; i < Math.min(base.length, 64); i++) {
      const h = 1e-2 * Math.max(1, Math.abs(base[i]!));
      const at = (d: number) => {
        const v = base.slice();
        v[i] = base[i]! + d;
        K.set_value(w, K.reshape(K.constant(v, w.dtype), w.shape as number[]));
        return lossAt();
      };
      out.push((at(h) - at(-h)) / (2 * h));
    }
    K.set_value(w, K.reshape(K.constant(base, w.dtype), w.shape as number[]));
    return out;
  });
}

function showGradients(fd: (number[] | null)[] | null): void {
  const r = current;
  const table = $<HTMLTableElement>('gradients');
  table.textContent = '';
  if (r === null) return;
  const head = table.insertRow();
  for (const h of ['tensor', 'd loss / d tensor (backprop)', ...(fd ? ['central differences', 'max |difference|', ''] : [])]) {
    const th = document.createElement('th');
    th.textContent = h;
    head.append(th);
  }
  r.program.wrt.forEach((w, i) => {
    const row = table.insertRow();
    const g = r.explanation.gradients[i] ?? null;
    const gv = g === null ? null : Array.from(K.eval(g).data as ArrayLike<number>);
    row.insertCell().textContent = w.name ?? `wrt[${i}]`;
    row.insertCell().textContent = gv === null ? 'None' : fmt(gv);
    if (fd) {
      const d = fd[i] ?? null;
      row.insertCell().textContent = d === null ? '(not a variable: not perturbed)' : fmt(d);
      if (d !== null && gv !== null) {
        const err = Math.max(...d.map((v, j) => Math.abs(v - gv[j]!)));
        const scale = Math.max(1, ...gv.map(Math.abs));
        row.insertCell().textContent = err.toExponential(2);
        const verdict = row.insertCell();
        const ok = err <= 2e-3 * scale;
        verdict.textContent = ok ? 'agrees' : 'DIFFERS';
        verdict.className = ok ? 'ok' : 'bad';
      }
    }
  });
}

function fmt(v: number[]): string {
  const shown = v.slice(0, 8).map((x) => Number(x.toPrecision(4)));
  return `[${shown.join(', ')}${v.length > 8 ? ', ...' : ''}]`;
}

$('run').addEventListener('click', () => void run());
$('check').addEventListener('click', () => {
  if (current === null) return;
  status('checking against central differences...');
  showGradients(finiteDifferences(current));
  status('checked: central differences, h = 0.01 max(1, |x|), float32');
});

(globalThis as { __playgroundReady?: boolean }).__playgroundReady = true;
