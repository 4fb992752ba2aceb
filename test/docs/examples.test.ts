// The @example of every exported function and class runs, and says what it
// computes: each line `expr; // value` is checked (a doctest). `value` is a JS
// literal as K.eval's ndarray reads as nested arrays (numbers to the precision
// written: 0.731 stands for anything that rounds to it), or `throws K.ValueError`
// (K.TypeError, ...; a bare `throws` takes any error). A comment that is not a
// literal (`// prints ...`, prose) is not checked. Each example runs after
// K.clear_session(), on the cpu device; all of them also type-check with tsc.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { testDevice } from '../helpers.js';
import { docBefore, publicApi, ROOT, source, where } from './jsdoc.js';

type Check = (line: number, f: () => unknown) => void;
interface Outcome {
  readonly value?: unknown;
  readonly error?: unknown;
}
interface Line {
  readonly text: string;
  readonly expr: string;
  readonly expected: string;
}

/** The code of an example's ```ts block, with each checked line turned into a __check call. */
function instrument(code: string): { body: string; lines: Line[] } {
  const lines: Line[] = [];
  const body = code
    .split('\n')
    .map((text) => {
      const m = /^(\s*)(.*?);\s*\/\/\s*(.+)$/.exec(text);
      if (m === null || /^\s*(\/\/|const\b|let\b|var\b|import\b|for\b|if\b|return\b|throw\b|\})/.test(text))
        return text;
      lines.push({ text: text.trim(), expr: m[2]!, expected: m[3]!.trim() });
      return `${m[1]}__check(${lines.length - 1}, () => (${m[2]}));`;
    })
    .join('\n');
  return { body, lines };
}

const LITERAL_WORDS = new Set(['NaN', 'Infinity', 'null', 'true', 'false', 'undefined']);
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|-?Infinity|NaN/gi;

/** A comment read as a literal, with each number's written precision; null when it is not one. */
function literal(comment: string): { value: unknown; numbers: string[] } | null {
  const candidates = [comment];
  for (let c = comment; c.includes(' ('); ) candidates.push((c = c.slice(0, c.lastIndexOf(' ('))));
  candidates.push(comment.split('  ')[0]!);
  for (const c of candidates) {
    const bare = c.replace(/'[^']*'|"[^"]*"/g, '""');
    if (!/^[\s\w.,+\-[\]"]*$/.test(bare)) continue;
    if ((bare.match(/[A-Za-z_]\w*/g) ?? []).some((w) => !LITERAL_WORDS.has(w) && !/^e\d+$/i.test(w))) continue;
    try {
      const value: unknown = new Function(`return (${c});`)();
      return { value, numbers: bare.match(NUMBER) ?? [] };
    } catch {
      // not this prefix
    }
  }
  return null;
}

/** A result as plain data: ndarrays and tensors as nested arrays. */
function plain(v: unknown): unknown {
  if (v instanceof K.Tensor) return v.isSymbolic ? v : v.toArray();
  if (v !== null && typeof v === 'object' && 'data' in v && 'shape' in v && 'stride' in v && 'offset' in v) {
    const nd = v as { data: ArrayLike<number>; shape: number[]; stride: number[]; offset: number };
    const walk = (d: number, off: number): unknown => {
      if (d === nd.shape.length) return Number(nd.data[off]);
      return Array.from({ length: nd.shape[d]! }, (_, i) => walk(d + 1, off + i * nd.stride[d]!));
    };
    return walk(0, nd.offset);
  }
  return Array.isArray(v) ? v.map(plain) : v;
}

/** Within the precision `written` shows: half a unit of its last digit (integers: float32 rounding). */
function tolerance(written: string, e: number): number {
  const m = /^-?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(written);
  if (m === null || (m[2] === undefined && m[3] === undefined)) return 1e-6 * Math.max(1, Math.abs(e));
  const decimals = (m[2] ?? '').length - Number(m[3] ?? 0);
  return 0.5 * 10 ** -decimals + 1e-6 * Math.abs(e);
}

/** Where `actual` differs from `expected`, or null. */
function differs(actual: unknown, expected: unknown, numbers: string[], path = 'result'): string | null {
  const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v));
  if (typeof expected === 'number') {
    const a = typeof actual === 'boolean' ? Number(actual) : actual;
    const written = numbers.shift() ?? String(expected);
    if (typeof a !== 'number') return `${path}: expected ${written}, got ${show(actual)}`;
    if (Number.isNaN(expected)) return Number.isNaN(a) ? null : `${path}: expected NaN, got ${a}`;
    if (!Number.isFinite(expected)) return a === expected ? null : `${path}: expected ${expected}, got ${a}`;
    return Math.abs(a - expected) <= tolerance(written, expected) ? null : `${path}: expected ${written}, got ${a}`;
  }
  if (typeof expected === 'boolean') {
    const a = typeof actual === 'number' && (actual === 0 || actual === 1) ? actual === 1 : actual;
    return a === expected ? null : `${path}: expected ${expected}, got ${show(actual)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length)
      return `${path}: expected ${show(expected)}, got ${show(actual)}`;
    for (let i = 0; i < expected.length; i++) {
      const d = differs(actual[i], expected[i], numbers, `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (typeof expected === 'string' && typeof actual !== 'string' && actual !== null && typeof actual === 'object') {
    return String(actual) === expected ? null : `${path}: expected ${show(expected)}, got ${show(String(actual))}`;
  }
  return actual === expected || (actual === undefined && expected === null)
    ? null
    : `${path}: expected ${show(expected)}, got ${show(actual)}`;
}

/** What is wrong with one checked line, or null. */
function verdict(line: Line, outcome: Outcome | undefined): string | null {
  if (outcome === undefined) return 'never reached';
  // `throws K.ValueError ...` wants that class; a bare `throws ...` any error.
  const throws = /^throws\b(?:\s+(?:K\.)?([A-Z]\w*))?/.exec(line.expected);
  if (throws !== null) {
    const err = outcome.error as Error | undefined;
    const want = throws[1];
    if (err !== undefined && (want === undefined || err.name === want)) return null;
    return `expected ${want ?? 'an error'} to be thrown; got ${err !== undefined ? `${err.name}: ${err.message}` : JSON.stringify(plain(outcome.value))}`;
  }
  if ('error' in outcome) return `threw ${String(outcome.error)}`;
  const lit = literal(line.expected);
  return lit === null ? null : differs(plain(outcome.value), lit.value, lit.numbers);
}

interface Example {
  readonly where: string;
  readonly code: string;
}

function examples(): Example[] {
  const seen = new Set<string>();
  const out: Example[] = [];
  for (const d of publicApi().decls) {
    if (d.kind !== 'function' && d.kind !== 'class') continue;
    const key = `${d.file}#${d.local}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const code = /```ts\n([\s\S]*?)```/.exec(docBefore(source(d.file), d.at)?.example ?? '')?.[1];
    if (code !== undefined) out.push({ where: where(d), code });
  }
  return out;
}

describe.skipIf(testDevice() === 'gpu')(
  'API documentation examples (the cpu project only: they show values, not devices)',
  () => {
    const all = examples();
    // The examples become one TypeScript module, transformed as the tests are: they may use types.
    const instrumented = all.map((e) => instrument(e.code));
    let dir = '';
    let file = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'ktape-examples-'));
      file = join(dir, 'examples.ts');
      writeFileSync(
        file,
        [
          `import * as K from ${JSON.stringify(join(ROOT, 'src/index.ts'))};`,
          'type Check = (line: number, f: () => unknown) => void;',
          'export const runs: ((__check: Check) => void)[] = [',
          ...instrumented.map((e) => `  (__check: Check) => {\n${e.body}\n  },`),
          '];',
          'void K;',
        ].join('\n')
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('finds the examples, and checks their lines as intended', () => {
      expect(all.length).toBeGreaterThan(100);
      const { body } = instrument(
        'const x = K.constant([1]);\nK.eval(x); // [1]\n// K.eval(x); // [2]\nf(x); // prints 1'
      );
      expect(body).toBe(
        'const x = K.constant([1]);\n__check(0, () => (K.eval(x)));\n// K.eval(x); // [2]\n__check(1, () => (f(x)));'
      );
      const line = (expected: string): Line => ({ text: '', expr: '', expected });
      // Numbers to the precision written; integers as float32 rounds them.
      expect(verdict(line('[0.269, 0.5] (float32)'), { value: [0.26894, 0.5] })).toBeNull();
      expect(verdict(line('[0.732]'), { value: [0.73106] })).toMatch(/expected 0\.732/);
      expect(verdict(line('[2, 1e-7]'), { value: [2.0000001, 1e-7] })).toBeNull();
      expect(verdict(line('[2]'), { value: [2.001] })).toMatch(/expected 2/);
      expect(verdict(line('[1, 0]'), { value: [true, false] })).toBeNull();
      expect(verdict(line("'float32'"), { value: 'float64' })).toMatch(/expected "float32"/);
      expect(verdict(line('[null, 3]'), { value: [null, 3] })).toBeNull();
      expect(verdict(line('throws K.ValueError'), { error: new K.ValueError('x') })).toBeNull();
      expect(verdict(line('throws K.ValueError'), { value: 1 })).toMatch(/expected ValueError/);
      expect(verdict(line('throws K.ValueError'), { error: new K.TypeError('x') })).toMatch(/expected ValueError/);
      expect(verdict(line('throws (disposed)'), { error: new Error('x') })).toBeNull();
      expect(verdict(line('throws (disposed)'), { value: 1 })).toMatch(/expected an error/);
      expect(verdict(line('[1]'), { error: new K.TypeError('x') })).toMatch(/threw/);
      // Prose is not a literal, and nothing in a comment runs but a literal.
      expect(literal('prints "x = [1 2]"')).toBeNull();
      expect(literal('process.exit(1)')).toBeNull();
    });

    it('type-checks every example against the public API', () => {
      // Each example in its own block of one file, which tsc checks with the project's settings.
      const starts: number[] = [];
      const parts = [`import * as K from ${JSON.stringify(join(ROOT, 'src/index.js'))};`];
      let line = 2;
      for (const e of all) {
        starts.push(line);
        const block = `{\n${e.code}}`;
        parts.push(block);
        line += block.split('\n').length;
      }
      writeFileSync(join(dir, 'typed.ts'), `${parts.join('\n')}\n`);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          extends: join(ROOT, 'tsconfig.json'),
          // An example may name a value only to show it; unused names are no error there.
          compilerOptions: { typeRoots: [join(ROOT, 'node_modules/@types')], noUnusedLocals: false },
          include: ['typed.ts'],
        })
      );
      let output = '';
      try {
        execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], {
          encoding: 'utf8',
          stdio: 'pipe',
        });
      } catch (err) {
        output = String((err as { stdout?: string }).stdout ?? err);
      }
      const errors = [...output.matchAll(/typed\.ts\((\d+),\d+\): (error TS\d+: .*)/g)].map((m) => {
        const n = Number(m[1]);
        let k = starts.length - 1;
        while (k > 0 && starts[k]! > n) k--;
        return `${all[k]!.where}, line ${n - starts[k]!}: ${m[2]}`;
      });
      expect(errors).toEqual([]);
      // Anything else tsc said (a bad setup) is a failure too.
      if (errors.length === 0) expect(output).toBe('');
    });

    it.each(all.map((e, i) => [e.where, i] as const))('%s', async (_, i) => {
      const { runs } = (await import(/* @vite-ignore */ file)) as { runs: ((check: Check) => void)[] };
      const outcomes = new Map<number, Outcome>();
      const check: Check = (line, f) => {
        try {
          outcomes.set(line, { value: f() });
        } catch (error) {
          outcomes.set(line, { error });
        }
      };
      const saved = [K.floatx(), K.epsilon(), K.image_data_format()] as const;
      K.clear_session();
      try {
        runs[i]!(check);
      } finally {
        K.set_floatx(saved[0]);
        K.set_epsilon(saved[1]);
        K.set_image_data_format(saved[2]);
      }
      const wrong = instrumented[i]!.lines.flatMap((line, k) => {
        const v = verdict(line, outcomes.get(k));
        return v === null ? [] : [`${line.text}  ->  ${v}`];
      });
      expect(wrong).toEqual([]);
    });
  }
);
