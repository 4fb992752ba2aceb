// Gradcheck cases for src/ops/control.ts: backprop through time in K.rnn (to
// the inputs, the initial states, the constants and the weights a step
// function closes over, both the loop and the unrolled path), and through
// map_fn, foldl and foldr. Batch 2, time 3, units 2; inputs kept small so
// tanh stays away from saturation.
import * as K from '../../src/index.js';
import type { Nest, Tensor } from '../../src/index.js';
import type { GradCase, InputSpec } from '../case.js';

const X: InputSpec = { shape: [2, 3, 2], low: -1, high: 1 };
const STATE: InputSpec = { shape: [2, 2], low: -0.5, high: 0.5 };
const WEIGHT: InputSpec = { shape: [2, 2], low: -1, high: 1 };
// Not a prefix: sample 0 skips its middle step, sample 1 its first.
const MASK = [
  [1, 0, 1],
  [0, 1, 1],
];

/** h = tanh(x W + h U + k): the weights are closed over, k comes in as a constant. */
function cell(W: Tensor, U: Tensor) {
  return (x: Tensor, s: Tensor[]): [Tensor, Tensor[]] => {
    const h = K.tanh(K.add(K.add(K.dot(x, W), K.dot(s[0]!, U)), s[1]!));
    return [h, [h]];
  };
}

/** Everything rnn returns, flattened into one tensor. */
function all(r: [Tensor, Tensor, Tensor[]]): Tensor {
  const [last, outputs, states] = r;
  return K.concatenate([K.flatten(outputs), K.flatten(last), ...states.map((s) => K.flatten(s))], 0);
}

type RnnVariant = { name: string; opts: (x: Tensor) => K.RnnOptions };
const VARIANTS: RnnVariant[] = [
  { name: 'plain', opts: () => ({}) },
  { name: 'mask', opts: (x) => ({ mask: K.constant(MASK, x.dtype) }) },
  {
    name: 'mask, go_backwards, zero_output_for_mask',
    opts: (x) => ({ mask: K.constant(MASK, x.dtype), go_backwards: true, zero_output_for_mask: true }),
  },
  { name: 'go_backwards', opts: () => ({ go_backwards: true }) },
];

const rnnCases: GradCase[] = VARIANTS.flatMap((v) =>
  [false, true].map(
    (unroll): GradCase => ({
      op: 'rnn',
      variant: `${v.name}, ${unroll ? 'unrolled' : 'loop'}; w.r.t. inputs, initial state, constant, weights`,
      inputs: [X, STATE, STATE, WEIGHT, WEIGHT],
      fn: (x, h0, k, W, U) => all(K.rnn(cell(W, U), x, [h0], { ...v.opts(x), constants: [k], unroll })),
    })
  )
);

rnnCases.push(
  {
    op: 'rnn',
    variant: 'time_major, mask, loop',
    inputs: [{ shape: [3, 2, 2], low: -1, high: 1 }, STATE, STATE, WEIGHT, WEIGHT],
    fn: (x, h0, k, W, U) =>
      all(
        K.rnn(cell(W, U), x, [h0], {
          mask: K.transpose(K.constant(MASK, x.dtype)),
          constants: [k],
          time_major: true,
        })
      ),
  },
  {
    op: 'rnn',
    variant: 'input_length tensor, go_backwards, loop',
    inputs: [X, STATE, STATE, WEIGHT, WEIGHT],
    fn: (x, h0, k, W, U) =>
      all(
        K.rnn(cell(W, U), x, [h0], {
          input_length: K.constant([3, 2], 'int32'),
          go_backwards: true,
          constants: [k],
        })
      ),
  },
  {
    // Nested inputs [x1, x2] and states [h, [c]], output [h, c].
    op: 'rnn',
    variant: 'nested inputs, states and output, mask, unrolled',
    inputs: [X, { shape: [2, 3, 1], low: -1, high: 1 }, STATE, STATE, WEIGHT, { shape: [1, 2], low: -1, high: 1 }],
    fn: (x1, x2, h0, c0, W, V) => {
      const step = (xs: Nest, s: Nest[]): [Nest, Nest[]] => {
        const [a, b] = xs as Tensor[];
        const [h, [c]] = s as [Tensor, Tensor[]];
        const h2 = K.tanh(K.add(K.add(K.dot(a!, W), K.dot(b!, V)), K.multiply(K.add(h, c!), 0.5)));
        const c2 = K.add(K.multiply(c!, h2), h2);
        return [
          [h2, c2],
          [h2, [c2]],
        ];
      };
      const [last, outputs, states] = K.rnn(step, [x1, x2], [h0, [c0]], {
        mask: K.constant(MASK, x1.dtype),
        unroll: true,
      });
      const flat = (n: Nest): Tensor[] => (n instanceof K.Tensor ? [K.flatten(n)] : n.flatMap(flat));
      return K.concatenate([...flat(last), ...flat(outputs), ...states.flatMap(flat)], 0);
    },
  }
);

export const controlCases: GradCase[] = [
  ...rnnCases,
  {
    op: 'map_fn',
    variant: 'x sin(x) per row',
    inputs: [{ shape: [3, 2] }],
    fn: (x) => K.map_fn((r: Tensor) => K.multiply(r, K.sin(r)), x),
  },
  {
    op: 'map_fn',
    variant: 'nested elems and a closed-over weight',
    inputs: [{ shape: [3, 2] }, { shape: [3] }, { shape: [2] }],
    fn: (a, v, w) =>
      K.map_fn(
        (e: Nest) => {
          const [r, s] = e as Tensor[];
          return K.multiply(K.tanh(K.multiply(r!, s!)), w);
        },
        [a, v],
        null,
        a.dtype
      ) as Tensor,
  },
  ...(['foldl', 'foldr'] as const).flatMap((name): GradCase[] => {
    const fold = name === 'foldl' ? K.foldl : K.foldr;
    const fn = (acc: Tensor, e: Tensor) => K.add(K.multiply(acc, e), K.sin(e));
    return [
      {
        op: name,
        variant: 'no initializer',
        inputs: [{ shape: [4, 2], low: -1.5, high: 1.5 }],
        fn: (x) => fold(fn, x),
      },
      {
        op: name,
        variant: 'with initializer',
        inputs: [{ shape: [3, 2], low: -1.5, high: 1.5 }, { shape: [2] }],
        fn: (x, init) => fold(fn, x, init),
      },
      {
        op: name,
        variant: 'nested accumulator, initializer as an option',
        inputs: [{ shape: [3, 2], low: -1, high: 1 }, { shape: [2] }, { shape: [] }],
        fn: (x, s0, p0) => {
          const [s, p] = fold(
            (acc: Nest, e: Tensor) => {
              const [a, b] = acc as Tensor[];
              return [K.add(a!, K.multiply(e, b!)), K.multiply(b!, K.sum(K.cos(e)))];
            },
            x,
            { initializer: [s0, p0] }
          ) as Tensor[];
          return K.concatenate([s!, K.reshape(p!, [1])], 0);
        },
      },
    ];
  }),
];
