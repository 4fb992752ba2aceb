// Gradcheck cases for src/ops/phase.ts: switch (scalar and element-wise
// conditions, broadcasting branches, lower-rank conditions tiled as the source
// does), in_train_phase and in_test_phase. Conditions are constants, or made
// from inputs with fixed values at least 0.2 from the comparison's tie, so no
// entry changes branch within a finite-difference step. Branches are nonlinear
// so that second order checks more than zeros.
import * as K from '../../src/index.js';
import type { GradCase } from '../case.js';

const bools = (values: boolean[], shape: number[]) => K.constant(values, 'bool', shape);
// Away from 0, both signs (the tie of greater(x, 0)).
const SIGNED = [-1.7, -0.6, -0.2, 0.3, 0.9, 1.8];

export const phaseCases: GradCase[] = [
  {
    op: 'switch',
    variant: 'scalar true: then only (else unconnected)',
    inputs: [{ shape: [2, 3] }, { shape: [2, 3] }],
    fn: (x, y) => K.switch(true, K.multiply(K.sin(x), y), K.square(x)),
  },
  {
    op: 'switch',
    variant: 'scalar int tensor 0, callables: else only',
    inputs: [{ shape: [2, 3] }, { shape: [3] }],
    fn: (x, y) =>
      K.switch(
        K.constant(0, 'int32'),
        () => K.square(x),
        () => K.multiply(K.exp(y), x)
      ),
  },
  {
    op: 'switch',
    variant: 'element-wise, same shape',
    inputs: [{ shape: [2, 3] }, { shape: [2, 3] }],
    fn: (x, y) =>
      K.switch(bools([true, false, false, true, true, false], [2, 3]), K.pow(x, 3), K.multiply(K.sin(y), x)),
  },
  {
    op: 'switch',
    variant: 'rank-1 condition (3,) broadcast over (2, 3)',
    inputs: [{ shape: [2, 3] }, { shape: [2, 3] }],
    fn: (x, y) => K.switch(bools([false, true, true], [3]), K.multiply(x, y), K.square(y)),
  },
  {
    op: 'switch',
    variant: 'condition (2, 3) tiled over (2, 3, 2)',
    inputs: [{ shape: [2, 3, 2] }, { shape: [2, 3, 2] }],
    fn: (x, y) => K.switch(bools([true, false, true, false, false, true], [2, 3]), K.tanh(x), K.multiply(x, K.cos(y))),
  },
  {
    op: 'switch',
    variant: 'condition (2, 1) over (2, 3, 2), else (2,) broadcast',
    inputs: [{ shape: [2, 3, 2] }, { shape: [2] }],
    fn: (x, y) => K.switch(bools([false, true], [2, 1]), K.square(x), K.exp(y)),
  },
  {
    op: 'switch',
    variant: 'then (2, 3), else scalar',
    inputs: [{ shape: [2, 3] }, { shape: [] }],
    fn: (x, y) => K.switch(bools([true, true, false, false, true, false], [2, 3]), K.sin(x), K.square(y)),
  },
  {
    op: 'switch',
    variant: 'condition greater(x, 0) from an input (values away from 0)',
    inputs: [{ shape: [2, 3], values: SIGNED }, { shape: [2, 3] }],
    fn: (x, y) => K.switch(K.greater(x, 0), K.multiply(K.square(x), y), K.multiply(x, K.sin(y))),
  },
  {
    op: 'in_train_phase',
    variant: 'training=1, callables',
    inputs: [{ shape: [2, 3] }, { shape: [2, 3] }],
    fn: (x, y) =>
      K.in_train_phase(
        () => K.multiply(x, K.sin(y)),
        () => K.square(y),
        1
      ),
  },
  {
    op: 'in_train_phase',
    variant: 'training=0',
    inputs: [{ shape: [2, 3] }, { shape: [2, 3] }],
    fn: (x, y) => K.in_train_phase(K.multiply(x, K.sin(y)), K.multiply(K.square(y), x), 0),
  },
  {
    op: 'in_train_phase',
    variant: 'training a scalar bool tensor',
    inputs: [{ shape: [3] }],
    fn: (x) =>
      K.in_train_phase(
        () => K.pow(x, 3),
        () => K.sin(x),
        K.constant(true, 'bool')
      ),
  },
  {
    op: 'in_test_phase',
    variant: 'training=0 (x)',
    inputs: [{ shape: [2, 3] }, { shape: [3] }],
    fn: (x, y) =>
      K.in_test_phase(
        () => K.multiply(K.exp(x), y),
        () => K.square(x),
        0
      ),
  },
  {
    op: 'in_test_phase',
    variant: 'training=true (alt)',
    inputs: [{ shape: [2, 3] }, { shape: [3] }],
    fn: (x, y) => K.in_test_phase(K.exp(x), K.multiply(K.square(x), y), true),
  },
];
