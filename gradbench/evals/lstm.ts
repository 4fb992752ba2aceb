// lstm: ADBench's LSTM objective. l layers of a diagonal LSTM (each gate an
// elementwise product of [x, h, x, h] with its weight row, plus bias) read a
// one-hot-bit text one character at a time and predict the next; the
// objective is minus the mean log-likelihood (ADBench normalises by
// log(2 + sum(exp(y))), kept as written). The gradient with respect to the
// main and extra parameters, flattened in that order, by K.gradients.
import * as K from '../../src/index.js';
import { multipleRuns, type Runs } from '../protocol.js';

interface Input extends Runs {
  main_params: number[][];
  extra_params: number[][];
  state: number[][];
  sequence: number[][];
}

const row = (t: K.Tensor, i: number) => K.gather(t, i);

function loss(main: K.Tensor, extra: K.Tensor, state: K.Tensor, sequence: K.Tensor): K.Tensor {
  const layers = main.shape[0]! / 2;
  const b = state.shape[1]!;
  const steps = sequence.shape[0]! - 1;
  // Each layer's weight and bias rows, and the extra rows, read once.
  const weights = Array.from({ length: layers }, (_, i) => row(main, 2 * i));
  const biases = Array.from({ length: layers }, (_, i) => row(main, 2 * i + 1));
  const [w0, w1, w2] = [row(extra, 0), row(extra, 1), row(extra, 2)];
  let hidden = Array.from({ length: layers }, (_, i) => row(state, 2 * i));
  let cell = Array.from({ length: layers }, (_, i) => row(state, 2 * i + 1));
  const golds = Array.from({ length: steps + 1 }, (_, t) => row(sequence, t));
  let input = golds[0]!;
  let total: K.Tensor | null = null;
  for (let t = 0; t < steps; t++) {
    let x = K.multiply(input, w0);
    const nextH: K.Tensor[] = [];
    const nextC: K.Tensor[] = [];
    for (let i = 0; i < layers; i++) {
      const gates = K.add(K.multiply(K.concatenate([x, hidden[i]!, x, hidden[i]!], 0), weights[i]!), biases[i]!);
      const forget = K.sigmoid(K.slice(gates, [0], [b]));
      const ingate = K.sigmoid(K.slice(gates, [b], [b]));
      const outgate = K.sigmoid(K.slice(gates, [2 * b], [b]));
      const change = K.tanh(K.slice(gates, [3 * b], [b]));
      const c = K.add(K.multiply(cell[i]!, forget), K.multiply(ingate, change));
      const h = K.multiply(outgate, K.tanh(c));
      nextH.push(h);
      nextC.push(c);
      x = h;
    }
    hidden = nextH;
    cell = nextC;
    const ypred = K.add(K.multiply(x, w1), w2);
    const ynorm = K.subtract(ypred, K.log(K.add(K.sum(K.exp(ypred)), 2)));
    const gold = golds[t + 1]!;
    const term = K.sum(K.multiply(gold, ynorm));
    total = total === null ? term : K.add(total, term);
    input = gold;
  }
  return K.divide(K.negative(total!), steps * b);
}

function prepare(input: Input, variables: boolean) {
  const t = (v: number[][]) => (variables ? K.variable(v, 'float64') : K.constant(v, 'float64'));
  return {
    main: t(input.main_params),
    extra: t(input.extra_params),
    state: K.constant(input.state, 'float64'),
    sequence: K.constant(input.sequence, 'float64'),
  };
}

export const objective = multipleRuns((input: Input) => {
  const { main, extra, state, sequence } = prepare(input, false);
  return () => K.eval(loss(main, extra, state, sequence)).get();
});

export const jacobian = multipleRuns((input: Input) => {
  const { main, extra, state, sequence } = prepare(input, true);
  return () => {
    const [gm, ge] = K.gradients(loss(main, extra, state, sequence), [main, extra]);
    return [...(K.eval(gm!).data as Float64Array), ...(K.eval(ge!).data as Float64Array)];
  };
});
