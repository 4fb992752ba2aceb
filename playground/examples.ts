// The playground's starting examples, as the code a student edits. Each is
// the body of an async function given K; it returns the function to trace
// (its result is the loss), its inputs, and the tensors to differentiate by.
// They follow examples/explain/ (npm run explain).

export interface PlaygroundExample {
  name: string;
  about: string;
  code: string;
}

export const EXAMPLES: PlaygroundExample[] = [
  {
    name: 'mlp',
    about: "a 2-3-1 tanh network's mean squared error (the README's MLP)",
    code: `// A 2-3-1 tanh network and its mean squared error on 4 samples.
const w1 = K.variable([[0.5, -0.3, 0.8], [0.2, 0.7, -0.5]], null, 'w1');
const b1 = K.variable([0.1, 0, -0.1], null, 'b1');
const w2 = K.variable([[0.6], [-0.4], [0.3]], null, 'w2');
const b2 = K.variable([0.05], null, 'b2');
const x = K.constant([[0, 1], [1, 0], [1, 1], [0.5, -1]]);
const y = K.constant([[1], [0], [1], [0]]);

function loss(x, y) {
  const h = K.tanh(K.bias_add(K.dot(x, w1), b1));
  const out = K.bias_add(K.dot(h, w2), b2);
  return K.mean(K.square(K.subtract(out, y)));
}

// Trace loss(x, y); differentiate it by the weights.
return { f: loss, inputs: [x, y], wrt: [w1, b1, w2, b2] };
`,
  },
  {
    name: 'custom gradient',
    about: 'softplus with a hand-written gradient (K.custom_gradient)',
    code: `// softplus(x) = log(1 + e^x), its gradient sigmoid(x) written by hand:
// the tape holds one custom node where the formula's own graph would be.
const softplus = K.custom_gradient((x) => {
  const y = K.log(K.add(K.exp(x), 1));
  return [y, (dy) => K.multiply(dy, K.sigmoid(x))];
});
const w = K.variable([0.5, -1.5, 2], null, 'w');

function loss(x) {
  return K.sum(softplus(K.multiply(w, x)));
}

return { f: loss, inputs: [K.constant([1, 2, -0.5])], wrt: [w] };
`,
  },
  {
    name: 'rnn',
    about: 'a tanh cell run by K.rnn over 3 steps (the loop unrolled on the tape)',
    code: `// A tanh cell over 3 time steps of one sample; the loss is the sum of the last state.
const u = K.variable([[0.4, -0.2], [0.3, 0.5]], null, 'u');
const v = K.variable([[0.8, -0.6]], null, 'v');

function loss(x) {
  const step = (xt, states) => {
    const h = K.tanh(K.add(K.dot(states[0], u), K.dot(xt, v)));
    return [h, [h]];
  };
  const [last] = K.rnn(step, x, [K.constant([[0, 0]])]);
  return K.sum(last);
}

return { f: loss, inputs: [K.reshape(K.constant([1, -0.5, 0.25]), [1, 3, 1])], wrt: [u, v] };
`,
  },
];
