// The checker itself: it must fail on wrong gradients, say where, and pass right ones.
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import type { GradCase } from '../../gradcheck/case.js';
import { caseProblems, checkCase, FLOAT32_TOL, FLOAT64_TOL, sampleKey, type Device } from '../../gradcheck/check.js';
import { hashSeed, rng, sampleInputs } from '../../gradcheck/sample.js';
import * as lax from '../../src/prims/lax.js';
import { PRIMS } from '../../src/prims/table.js';
import { vjp, type Vjp } from '../../src/prims/spec.js';

const sq = (x: K.Tensor) => K.multiply(x, x);
/** x * x with one factor hidden from the tape: analytic d/dx = x, true 2x. */
const halfSquare = (x: K.Tensor) => K.multiply(x, K.stop_gradient(x));

describe('checkCase, first order', () => {
  it('reports a wrong gradient with the entry furthest out of tolerance', () => {
    const c: GradCase = { op: 'half_square', inputs: [{ shape: [3], values: [0.5, -1.5, 1.0] }], fn: halfSquare };
    const r = checkCase(c, 1);
    expect(r.ok).toBe(false);
    expect(r.worst).toMatchObject({ output: 0, outIndex: [1], input: 0, inIndex: [1] });
    expect(r.worst!.analytic).toBeCloseTo(-1.5, 12);
    expect(r.worst!.numeric).toBeCloseTo(-3, 6);
    expect(r.maxAbs).toBeCloseTo(1.5, 6);
    expect(r.maxRel).toBeCloseTo(0.5, 6);
    expect(r.message).toContain('half_square order 1 on cpu');
    expect(r.message).toContain('d out[1] / d x0[1]');
  });

  it('locates a wrong entry in the second input and off the diagonal', () => {
    // out[i, j] = a[i] * b[j]; hiding b from the tape leaves d out[i, j] / d b[j] = a[i] unseen.
    const c: GradCase = {
      op: 'outer',
      inputs: [
        { shape: [2, 1], values: [1, 3] },
        { shape: [1, 2], values: [0.25, 0.75] },
      ],
      fn: (a, b) => K.multiply(a, b),
    };
    expect(checkCase(c, 1).ok).toBe(true);
    const r = checkCase({ ...c, fn: (a, b) => K.multiply(a, K.stop_gradient(b)) }, 1);
    expect(r.ok).toBe(false);
    const w = r.worst!;
    expect(w).toMatchObject({ input: 1, analytic: 0 });
    expect(w.outIndex[0]).toBe(1); // where a is 3
    expect(w.inIndex).toEqual([0, w.outIndex[1]]);
    expect(w.numeric).toBeCloseTo(3, 6);
    expect(r.message).toContain(`d out[1, ${w.outIndex[1]}] / d x1[0, ${w.outIndex[1]}]`);
    expect(r.message).toContain('a null gradient');
  });

  it('passes a correct function, with errors at rounding level', () => {
    const r = checkCase({ op: 'square', inputs: [{ shape: [2, 3] }], fn: sq }, 1);
    expect(r.ok, r.message).toBe(true);
    expect(r.mode).toBe('full');
    expect(r.maxAbs).toBeLessThan(1e-8);
    expect(r.message).toBe('');
  });

  it('fails a null gradient where the numeric one is not zero', () => {
    const r = checkCase({ op: 'stopped', inputs: [{ shape: [2] }], fn: (x) => K.stop_gradient(x) }, 1);
    expect(r.ok).toBe(false);
    expect(r.message).toContain('a null gradient where the numeric one is not zero');
    expect(r.message).toContain('analytic null');
  });

  it('accepts a null gradient where the numeric one is zero (an unused input)', () => {
    const r = checkCase({ op: 'unused', inputs: [{ shape: [2] }, { shape: [3] }], fn: (x) => K.multiply(x, 2) }, 1);
    expect(r.ok, r.message).toBe(true);
  });

  it('reports an exception as a failure naming it', () => {
    const r = checkCase({ op: 'broken', inputs: [{ shape: [2] }, { shape: [3] }], fn: (x, y) => K.add(x, y) }, 1);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^broken order 1 on cpu: threw ValueError: add/);
  });

  it('refuses a non-float output', () => {
    const r = checkCase({ op: 'compare', inputs: [{ shape: [2] }], fn: (x) => K.greater(x, 0) }, 1);
    expect(r.ok).toBe(false);
    expect(r.message).toContain('output 0 has dtype bool');
  });

  it('uses random projections for big cases and shows the full Jacobian when they disagree', () => {
    const good = checkCase({ op: 'big_square', inputs: [{ shape: [12, 20] }], fn: sq }, 1);
    expect(good.ok, good.message).toBe(true);
    expect(good.mode).toBe('fast');
    const bad = checkCase({ op: 'big_half_square', inputs: [{ shape: [12, 20] }], fn: halfSquare }, 1);
    expect(bad.ok).toBe(false);
    expect(bad.mode).toBe('full');
    expect(bad.message).toContain('random projections v^T J u disagreed');
    const w = bad.worst!;
    expect(w.outIndex).toEqual(w.inIndex); // the Jacobian is diagonal; only the diagonal is wrong
    expect(w.numeric).toBeCloseTo(2 * w.analytic, 5);
  });

  it('samples deterministically, and a seed picks other inputs', () => {
    const c: GradCase = { op: 'cube', inputs: [{ shape: [4] }], fn: (x) => K.multiply(sq(x), x) };
    const a = checkCase(c, 1);
    expect(checkCase(c, 1).maxAbs).toBe(a.maxAbs);
    expect(checkCase(c, 1, { seed: 7 }).maxAbs).not.toBe(a.maxAbs);
    expect(sampleInputs(c.inputs, 'k')).toEqual(sampleInputs(c.inputs, 'k'));
    const draws = sampleInputs([{ shape: [1000], low: 0.5, high: 1.5 }], 'range')[0]!;
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...draws)).toBeLessThanOrEqual(1.5);
    const r = rng(hashSeed('mean'));
    let s = 0;
    for (let i = 0; i < 10000; i++) s += r();
    expect(s / 10000).toBeCloseTo(0.5, 1);
  });
});

/** Run `body` with exp's VJP replaced (a broken primitive the checker must catch). */
function withExpVjp(rule: Vjp<'exp'>, body: () => void): void {
  const spec = PRIMS.exp as { vjp: unknown };
  const saved = spec.vjp;
  spec.vjp = [rule];
  try {
    body();
  } finally {
    spec.vjp = saved;
  }
}

describe('checkCase, a broken backward', () => {
  const c: GradCase = { op: 'exp', inputs: [{ shape: [3] }], fn: (x) => K.exp(x) };

  it('catches a backward that differs between two runs', () => {
    let calls = 0;
    withExpVjp(
      vjp('g * y, drifting', (g, ctx) => lax.mul(g, lax.mul(ctx.out, lax.scalar(1 + 1e-9 * ++calls, 'float64')))),
      () => {
        const r = checkCase(c, 1);
        expect(r.ok).toBe(false);
        expect(r.message).toMatch(/^exp order 1 on cpu: backward is not deterministic: input 0 element \[\d\]/);
      }
    );
  });

  it('catches a backward that is not linear in the cotangent', () => {
    withExpVjp(
      vjp('g * y + 0.001', (g, ctx) => lax.add(lax.mul(g, ctx.out), lax.scalar(1e-3, 'float64'))),
      () => {
        const r = checkCase(c, 1);
        expect(r.ok).toBe(false);
        expect(r.message).toContain('a zero cotangent gives 0.001 at input 0 element [0]: backward is not linear');
      }
    );
  });

  it('catches a wrong second derivative when the first is right', () => {
    // y' = e^x, computed as g * e^x with e^x held constant: right values, but the tape sees no x.
    withExpVjp(
      vjp('g * stop(y)', (g, ctx) => lax.mul(g, lax.stopGradient(ctx.out))),
      () => {
        expect(checkCase(c, 1).ok).toBe(true);
        const r = checkCase(c, 2);
        expect(r.ok).toBe(false);
        expect(r.message).toContain('a null gradient where the numeric one is not zero');
        expect(r.message).toContain('grad_xi is K.gradients(sum(f(x) * v), xi)');
      }
    );
    expect(checkCase(c, 2).ok).toBe(true);
  });
});

describe('checkCase, kinks', () => {
  it('resamples when a kink sits at the sample, and passes on the next one', () => {
    const inputs = [{ shape: [1], low: -1, high: 1 }];
    // The first sample is exactly where |x - x0| bends, whatever it is.
    const x0 = sampleInputs(inputs, sampleKey('kinked', '', 1, 0))[0]![0]!;
    const c: GradCase = { op: 'kinked', inputs, fn: (x) => K.abs(K.subtract(x, x0)) };
    const r = checkCase(c, 1);
    expect(r.ok, r.message).toBe(true);
    expect(r.resampled).toBe(1);
  });

  it('reports a kink that every sample hits', () => {
    const c: GradCase = { op: 'abs_near_0', inputs: [{ shape: [3], low: -1e-7, high: 1e-7 }], fn: (x) => K.abs(x) };
    const r = checkCase(c, 1, { attempts: 3 });
    expect(r.ok).toBe(false);
    expect(r.resampled).toBe(2);
    expect(r.message).toContain('one-sided slopes disagree');
  });

  it('does not resample fixed inputs', () => {
    const c: GradCase = { op: 'abs_at_0', inputs: [{ shape: [1], values: [0] }], fn: (x) => K.abs(x) };
    expect(checkCase(c, 1).resampled).toBe(0);
  });
});

describe('checkCase, second order', () => {
  it('passes correct second derivatives, including mixed partials', () => {
    const cube = checkCase({ op: 'cube', inputs: [{ shape: [3] }], fn: (x) => K.multiply(sq(x), x) }, 2);
    expect(cube.ok, cube.message).toBe(true);
    const mixed = checkCase(
      { op: 'xy2', inputs: [{ shape: [2] }, { shape: [2] }], fn: (x, y) => K.multiply(K.exp(x), sq(y)) },
      2
    );
    expect(mixed.ok, mixed.message).toBe(true);
  });

  it('fails a gradient that is right but not differentiable by the tape', () => {
    // Value x^2, first derivative stop(x) + x = 2x (right), but its tape derivative is 1, not 2.
    const fn = (x: K.Tensor) =>
      K.add(K.multiply(K.stop_gradient(x), x), K.multiply(0.5, K.subtract(sq(x), sq(K.stop_gradient(x)))));
    const c: GradCase = { op: 'sneaky', inputs: [{ shape: [3] }], fn };
    expect(checkCase(c, 1).ok).toBe(true);
    const r = checkCase(c, 2);
    expect(r.ok).toBe(false);
    expect(r.worst!.numeric).toBeCloseTo(2 * r.worst!.analytic, 5);
    expect(r.worst!.output).toBe(r.worst!.input);
    expect(r.message).toContain('sneaky order 2 on cpu: d grad_x0[');
  });

  it('skips a case marked firstOrderOnly, keeping the reason', () => {
    const r = checkCase(
      { op: 'cube', inputs: [{ shape: [3] }], fn: (x) => K.multiply(sq(x), x), firstOrderOnly: 'because' },
      2
    );
    expect(r.skipped).toBe('because');
    expect(r.ok).toBe(true);
  });
});

describe('tolerances and devices', () => {
  it('uses PyTorch float64 defaults and a looser float32 table', () => {
    expect(FLOAT64_TOL).toEqual({ eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
    expect(FLOAT32_TOL).toEqual({ eps: 1e-3, atol: 2e-3, rtol: 2e-3 });
  });

  it('checks in float32 with the float32 table', () => {
    const f32: Device = { name: 'cpu', dtype: 'float32', tol: FLOAT32_TOL };
    const c: GradCase = { op: 'exp_sq', inputs: [{ shape: [2, 2] }], fn: (x) => K.exp(K.multiply(x, 0.5)) };
    const r = checkCase(c, 1, { device: f32 });
    expect(r.ok, r.message).toBe(true);
    expect(r.maxAbs).toBeGreaterThan(1e-9); // float32 rounding shows
    expect(checkCase({ ...c, fn: halfSquare }, 1, { device: f32 }).ok).toBe(false);
  });
});

describe('caseProblems', () => {
  it('finds bad input specs and duplicate names', () => {
    const fn = (x: K.Tensor) => x;
    const problems = caseProblems([
      { op: 'a', inputs: [{ shape: [2], values: [1] }], fn },
      { op: 'a', inputs: [{ shape: [2], low: 1, high: 1 }], fn },
      { op: 'b', variant: 'v', inputs: [{ shape: [1.5] }], fn },
      { op: 'b', variant: 'w', inputs: [], fn },
    ]);
    expect(problems).toEqual([
      'a: input 0 has 1 values for shape [2]',
      'a: two cases share this op and variant',
      'a: input 0 has an empty range [1, 1]',
      'b [v]: input 0 has shape [1.5]',
      'b [w]: no inputs to differentiate',
    ]);
    expect(caseProblems([{ op: 'ok', inputs: [{ shape: [2, 0] }, { shape: [], values: [3] }], fn }])).toEqual([]);
  });
});
