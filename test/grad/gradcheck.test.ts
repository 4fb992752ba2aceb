// Every gradcheck case, first and second order, as one parametrised sweep;
// the last test proves the sweep ran every VJP rule of the primitive table in
// a check of each order (gradient-as-function cases in gradcheck/cases/reach.ts
// reach the primitives that otherwise appear only inside VJPs).
import { describe, expect, it } from 'vitest';
import type { GradCase } from '../../gradcheck/case.js';
import { ALL_CASES } from '../../gradcheck/cases/index.js';
import { caseProblems, checkCase, deviceNamed, type Order } from '../../gradcheck/check.js';
import { testDevice } from '../helpers.js';
import { observingRules } from '../../src/grad/backprop.js';
import { PRIMS } from '../../src/prims/table.js';

// This project's device: float64 inputs on the cpu, float32 and the looser table on the gpu.
const device = deviceNamed(testDevice());

describe('gradcheck case table', () => {
  it('every case has sound inputs and a unique op and variant', () => {
    expect(caseProblems(ALL_CASES)).toEqual([]);
  });
});

/** The VJP rules the checks ran, as 'prim#input' (or 'prim#combine': many nodes' cotangents summed at once), by order. */
const reached: Record<Order, Set<string>> = { 1: new Set(), 2: new Set() };

const byOp = new Map<string, GradCase[]>();
for (const c of ALL_CASES) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);

for (const [op, cases] of byOp) {
  describe(op, () => {
    for (const c of cases) {
      for (const order of [1, 2] as const satisfies readonly Order[]) {
        const title = `${c.variant ?? op}, order ${order}`;
        if (order === 2 && c.firstOrderOnly !== undefined) {
          it.skip(`${title} (${c.firstOrderOnly})`, () => {});
          continue;
        }
        it(title, () => {
          const r = observingRules(
            (prim, i) => reached[order].add(`${prim}#${i}`),
            () => checkCase(c, order, { device })
          );
          expect(r.ok, r.message).toBe(true);
        });
      }
    }
  });
}

describe('gradcheck reach', () => {
  it('ran every differentiable rule of the primitive table at orders 1 and 2', () => {
    const rules: string[] = [];
    for (const [prim, spec] of Object.entries(PRIMS)) {
      const vjp = spec.vjp as { nonDifferentiable?: string; variadic?: unknown } | readonly unknown[];
      if ('nonDifferentiable' in vjp) continue;
      if ('variadic' in vjp) rules.push(`${prim}#0`);
      else (vjp as readonly unknown[]).forEach((r, i) => r !== null && rules.push(`${prim}#${i}`));
      if ('combine' in spec) rules.push(`${prim}#combine`);
    }
    expect(rules.length).toBeGreaterThan(60);
    for (const order of [1, 2] as const) {
      expect(
        rules.filter((r) => !reached[order].has(r)),
        `rules no order-${order} check ran`
      ).toEqual([]);
    }
  });
});
