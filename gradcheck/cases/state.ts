// Gradcheck cases for src/ops/state.ts. Most of its functions are not
// differentiable (creation, assignment, shape queries); cast is, but only
// between float dtypes, and a float32 round trip would drown finite differences
// in rounding, so only a cast to the input's own dtype is checked (float64 ->
// float64 on the cpu, float32 -> float32 on the gpu). cast_to_floatx
// on float64 inputs is a float32 cast: not meaningful here for the same reason.
// Gradients through variable reads and past updates are tested in
// test/ops/variables.test.ts; cast is checked by gradcheck/cases/reach.ts with float32 tolerances.
import * as K from '../../src/index.js';
import type { GradCase } from '../case.js';

export const stateCases: GradCase[] = [
  { op: 'cast', variant: 'to its own dtype (identity)', inputs: [{ shape: [2, 3] }], fn: (x) => K.cast(x, x.dtype) },
  {
    op: 'cast',
    variant: 'to its own dtype inside x * cast(x)^2',
    inputs: [{ shape: [3] }],
    fn: (x) => K.multiply(x, K.multiply(K.cast(x, x.dtype), K.cast(x, x.dtype))),
  },
];
