// ktape's gradbench tool (gradbench/): its protocol, and its answers replayed
// against gradbench's C++ reference. gradbench/fixtures/<eval>.json holds
// inputs an eval sent and what `manual` answered (recorded by
// `npm run gradbench -- --checkout DIR --small --record`); each is checked
// with gradbench's own tolerance, |a - b| / max(1, |a| + |b|) <= 1e-4.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVALS } from '../../gradbench/protocol.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** gradbench's comparison (comparison.py): every mismatch, as a path and the two values. */
function mismatches(expected: unknown, actual: unknown, at = ''): string[] {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const d = Math.abs(expected - actual) / Math.max(1, Math.abs(expected) + Math.abs(actual));
    return d <= 1e-4 ? [] : [`${at}: expected ${expected}, got ${actual}`];
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) return [`${at}: length ${actual.length}, expected ${expected.length}`];
    return expected.flatMap((e, i) => mismatches(e, actual[i], `${at}[${i}]`));
  }
  if (typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null) {
    return Object.keys(expected).flatMap((k) =>
      mismatches((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], `${at}.${k}`)
    );
  }
  return expected === actual ? [] : [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

interface Recorded {
  function: string;
  input: Record<string, unknown>;
  expected: unknown;
}

describe('gradbench comparison', () => {
  it('passes values within the tolerance and names those outside it', () => {
    expect(mismatches([1, 2, { a: 3 }], [1 + 1e-5, 2, { a: 3 }])).toEqual([]);
    expect(mismatches([1, 2], [1, 2.01])).toEqual(['[1]: expected 2, got 2.01']);
    expect(mismatches(5, [5]).length).toBe(1);
  });
});

describe('gradbench tool protocol', () => {
  it('answers start, define and evaluate with the ids it was sent, and reports failures', () => {
    const lines = [
      { id: 0, kind: 'start', eval: 'hello' },
      { id: 1, kind: 'define', module: 'hello' },
      { id: 2, kind: 'evaluate', module: 'hello', function: 'square', input: 3 },
      { id: 3, kind: 'evaluate', module: 'hello', function: 'double', input: 9 },
      { id: 4, kind: 'define', module: 'nosuch' },
      { id: 5, kind: 'evaluate', module: 'hello', function: 'cube', input: 2 },
    ];
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'gradbench/tool.ts')], {
      cwd: ROOT,
      input: lines.map((l) => JSON.stringify(l)).join('\n'),
      encoding: 'utf8',
    });
    const answers = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(answers.map((a) => a.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(answers[0]!.tool).toBe('ktape');
    expect(answers[1]!.success).toBe(true);
    expect(answers[2]!.output).toBe(9);
    expect(answers[3]!.output).toBe(18);
    expect(answers[4]!.success).toBe(false);
    expect(answers[5]!.success).toBe(false);
    expect(String(answers[5]!.error)).toContain('no function cube');
  });
});

/**
 * Functions replayed per eval where not all are: the nested solvers take
 * seconds each (saddle: rr and fr, about 4 s each here), particle's whole
 * solve half a minute or more per function (its trajectory's gradient in
 * every mode is checked below instead; `npm run gradbench` runs the eval).
 */
const REPLAYED: Partial<Record<string, readonly string[]>> = { saddle: ['rr', 'fr'], particle: [] };

for (const name of EVALS) {
  describe(`gradbench ${name} against manual (or the eval's own values)`, () => {
    const recorded = JSON.parse(
      readFileSync(path.join(ROOT, 'gradbench/fixtures', `${name}.json`), 'utf8')
    ) as Recorded[];
    it('has recorded evaluations of every function', () => {
      expect(recorded.length).toBeGreaterThan(1);
      expect(new Set(recorded.map((r) => r.function)).size).toBeGreaterThan(1);
    });
    it("matches manual's outputs within gradbench's tolerance", async () => {
      const m = (await import(`../../gradbench/evals/${name}.ts`)) as Record<
        string,
        (input: unknown) => { output: unknown; timings?: unknown[] }
      >;
      for (const r of recorded) {
        if (REPLAYED[name] !== undefined && !REPLAYED[name]!.includes(r.function)) continue;
        const input =
          typeof r.input === 'object' && r.input !== null ? { ...r.input, min_runs: 1, min_seconds: 0 } : r.input;
        const { output, timings } = m[r.function]!(input);
        expect(mismatches(r.expected, output), `${name} ${r.function}`).toEqual([]);
        if (typeof r.input === 'object') expect(timings?.length).toBe(1);
      }
    });
  });
}

describe('gradbench particle: the trajectory and its nested gradients', () => {
  it('gives the miss distance a gradient in w equal to central differences, in every pair of modes', async () => {
    const K = await import('../../src/index.js');
    const { miss } = await import('../../gradbench/evals/particle.js');
    const { forward, reverse } = await import('../../gradbench/gd.js');
    const at = (w: number) => Number(K.eval(miss(K.constant([w], 'float64'), reverse)).data[0]);
    const h = 1e-6;
    const numeric = (at(0.1 + h) - at(0.1 - h)) / (2 * h);
    for (const outer of [forward, reverse])
      for (const inner of [forward, reverse]) {
        const g = outer((w) => miss(w, inner), K.constant([0.1], 'float64'));
        expect(Math.abs(Number(K.eval(g).data[0]) - numeric)).toBeLessThan(1e-5 * (1 + Math.abs(numeric)));
      }
  });
});

describe('gradbench ht: the simple variant (vertices, no us)', () => {
  it("gives a Jacobian equal to the objective's central differences in theta", async () => {
    const ht = await import('../../gradbench/evals/ht.js');
    const [recorded] = (
      JSON.parse(readFileSync(path.join(ROOT, 'gradbench/fixtures/ht.json'), 'utf8')) as Recorded[]
    ).filter((r) => r.function === 'jacobian');
    // The same model and points, each point's correspondence a vertex (its triangle's number, modulo the vertices).
    const data = recorded!.input.data as { correspondences: number[]; model: { base_positions: unknown[] } };
    const vertices = data.model.base_positions.length;
    const input = {
      ...recorded!.input,
      data: { ...data, correspondences: data.correspondences.map((c) => c % vertices) },
      us: [],
      min_runs: 1,
      min_seconds: 0,
    } as unknown as { theta: number[] };
    const f = (theta: number[]) => ht.objective({ ...input, theta } as never).output as number[];
    const J = ht.jacobian(input as never).output as number[][];
    const rows = f(input.theta).length;
    expect(J.length).toBe(rows);
    expect(J[0]!.length).toBe(input.theta.length);
    const h = 1e-6;
    for (let j = 0; j < input.theta.length; j++) {
      const step = (s: number) => f(input.theta.map((t, i) => (i === j ? t + s : t)));
      const [up, down] = [step(h), step(-h)];
      for (let i = 0; i < rows; i++) expect(J[i]![j]!).toBeCloseTo((up[i]! - down[i]!) / (2 * h), 5);
    }
  });
});
