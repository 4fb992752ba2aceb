// Gradcheck cases for src/ops/ctc.ts. y_pred is a softmax of the sampled
// logits (CTC needs probabilities); labels and lengths are fixed constants.
// The loss is smooth (log-sum-exps of sums of logs; the max shift is a
// constant), so both orders are checked.
import * as K from '../../src/index.js';
import type { GradCase } from '../case.js';

export const ctcCases: GradCase[] = [
  {
    op: 'ctc_batch_cost',
    variant: 'batch 2, T=4, 3 classes, repeated label, input_length < T',
    inputs: [{ shape: [2, 4, 3], low: -1, high: 1 }],
    fn: (x) =>
      K.ctc_batch_cost(
        [
          [1, 1],
          [0, 1],
        ],
        K.softmax(x),
        [[4], [3]],
        [[2], [2]]
      ),
  },
  {
    op: 'ctc_batch_cost',
    variant: 'batch 2, T=5, 4 classes, label_length < max',
    inputs: [{ shape: [2, 5, 4], low: -1, high: 1 }],
    fn: (x) =>
      K.ctc_batch_cost(
        [
          [2, 0, 1],
          [1, 0, 0],
        ],
        K.softmax(x),
        [[5], [5]],
        [[3], [1]]
      ),
  },
  {
    op: 'ctc_batch_cost',
    variant: 'direct probabilities in (0.2, 0.9), empty label',
    inputs: [{ shape: [2, 4, 3], low: 0.2, high: 0.9 }],
    fn: (x) =>
      K.ctc_batch_cost(
        [
          [0, 1],
          [1, 0],
        ],
        x,
        [[4], [4]],
        [[2], [0]]
      ),
  },
];
