// The primitive table's arity (src/core/primitives.ts ARITY): rules, VJPs and
// kernels take tuples of each primitive's arity, so a missing VJP or kernel
// input is a compile error (the @ts-expect-error lines fail `tsc -p .` the day
// they stop being errors), and apply refuses a wrong count at run time.
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../src/core/backend.js';
import type { Nd } from '../../src/core/ndarray.js';
import { ARITY, type Prim } from '../../src/core/primitives.js';
import type { Tensor } from '../../src/core/tensor.js';
import { apply } from '../../src/prims/apply.js';
import * as lax from '../../src/prims/lax.js';
import { type OpSpec, vjp } from '../../src/prims/spec.js';
import { PRIMS } from '../../src/prims/table.js';
import * as K from '../../src/index.js';

describe('primitive arity', () => {
  it('is declared for every primitive of the table, and the table has no other', () => {
    expect(Object.keys(ARITY).sort()).toEqual(Object.keys(PRIMS).sort());
    for (const [prim, spec] of Object.entries(PRIMS)) {
      const n = ARITY[prim as Prim];
      if ('nonDifferentiable' in spec.vjp) continue;
      if (n === 'n') expect('variadic' in spec.vjp, prim).toBe(true);
      else expect((spec.vjp as readonly unknown[]).length, prim).toBe(n);
    }
  });

  it('makes a rule with a VJP too few, or a kernel reading an input too many, a compile error', () => {
    const mul: OpSpec<'mul'> = {
      doc: 'x * y',
      infer: ([x]) => x,
      // @ts-expect-error: mul has two inputs, so it needs two VJP entries
      vjp: [vjp('g * y', (g, c) => lax.mul(g, c.inputs[1]))],
    };
    // @ts-expect-error: exp has one input; there is no inputs[1]
    const exp: Kernel<'exp', Nd> = ([x, y]) => y ?? x;
    const add: Kernel<'add', Nd> = ([x, y]) => (x.size > 0 ? x : y); // both inputs typed, no `!`
    // The check is tsc's (`npm test` runs it first): each @ts-expect-error above fails the build the day its
    // line compiles. This line only uses the declarations.
    expect([mul.doc, typeof exp, typeof add]).toEqual(['x * y', 'function', 'function']);
  });

  it('is checked by apply at run time: a wrong count is an error before anything runs', () => {
    const x = K.constant([1, 2]);
    expect(() => apply('add', [x] as unknown as [Tensor, Tensor], {})).toThrow(
      /add takes 2 input\(s\); it was given 1/
    );
    expect(() => apply('neg', [x, x] as unknown as [Tensor], {})).toThrow(/neg takes 1 input/);
    expect(Array.from(K.eval(apply('concat', [x, x, x], { axis: 0 })).data)).toEqual([1, 2, 1, 2, 1, 2]);
  });
});
