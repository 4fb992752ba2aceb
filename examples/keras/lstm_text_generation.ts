// Keras 2.3.1's examples/lstm_text_generation.py, ported line by line
// (https://github.com/keras-team/keras/blob/2.3.1/examples/lstm_text_generation.py):
// a character-level LSTM(128) -> Dense(softmax) model trained with
// RMSprop(learning_rate=0.01) on semi-redundant sequences of maxlen
// characters, then sampled with a temperature. Keras 2.3.1's LSTM layer is
// written as its math (gates i, f, c, o; recurrent activation hard_sigmoid;
// kernel glorot_uniform, recurrent kernel orthogonal, unit forget bias) over
// K.rnn, and the model trains through one K.function built in graph mode.
// Nietzsche's text is not available offline: a short text stands in, with
// smaller sizes (maxlen 8, 32 units).
// Run: npx tsx examples/keras/lstm_text_generation.ts
import { pathToFileURL } from 'node:url';
import * as K from '../../src/index.js';
import type { Tensor, Variable } from '../../src/index.js';
import { dense, generator, glorotUniform } from './layers.js';
import { RMSprop } from './optimizers.js';

export const TEXT =
  'the quick brown fox jumps over the lazy dog. the dog sleeps, the fox runs. ' +
  'a quick fox and a lazy dog meet at the river; the fox jumps and the dog sleeps.';

/** Keras's orthogonal initializer: Q of the QR decomposition of a normal matrix (Gram-Schmidt), sign-fixed. */
function orthogonal(n: number, cols: number, seed: number, name: string): Variable {
  const next = generator(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const vs: number[][] = [];
  for (let j = 0; j < cols; j++) {
    let v = Array.from({ length: n }, normal);
    for (const u of vs) {
      const d = v.reduce((s, x, k) => s + x * u[k]!, 0);
      v = v.map((x, k) => x - d * u[k]!);
    }
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    vs.push(v.map((x) => x / norm));
  }
  return K.variable(
    Array.from({ length: n }, (_, i) => vs.map((v) => v[i]!)),
    null,
    name
  );
}

/** Keras 2.3.1's LSTM layer (return_sequences=False): the last output over K.rnn. */
export function lstm(inputDim: number, units: number, seed: number) {
  // kernel: (input_dim, 4 units), recurrent_kernel: (units, 4 units), bias: forget gate ones.
  const kernel = glorotUniform(inputDim, 4 * units, seed, 'lstm/kernel');
  const recurrent_kernel = K.concatenate(
    [0, 1, 2, 3].map((g) => orthogonal(units, units, seed + 1 + g, `lstm/recurrent_kernel_${g}`)),
    1
  );
  const recurrent = K.variable(K.eval(recurrent_kernel), null, 'lstm/recurrent_kernel');
  const bias = K.variable(
    Array.from({ length: 4 * units }, (_, i) => (i >= units && i < 2 * units ? 1 : 0)),
    null,
    'lstm/bias'
  );
  const gate = (t: Tensor, g: number) => K.slice(t, [0, g * units], [-1, units]);
  const step = (inputs: Tensor, states: Tensor[]): [Tensor, Tensor[]] => {
    const [h_tm1, c_tm1] = states as [Tensor, Tensor];
    const z = K.add(K.bias_add(K.dot(inputs, kernel), bias), K.dot(h_tm1, recurrent));
    const i = K.hard_sigmoid(gate(z, 0));
    const f = K.hard_sigmoid(gate(z, 1));
    const c = K.add(K.multiply(f, c_tm1), K.multiply(i, K.tanh(gate(z, 2))));
    const o = K.hard_sigmoid(gate(z, 3));
    const h = K.multiply(o, K.tanh(c));
    return [h, [h, c]];
  };
  const call = (x: Tensor) => {
    // Keras's initial state: zeros of (samples, units), made from the input.
    const initial_state = K.tile(K.expand_dims(K.sum(K.zeros_like(x), [1, 2]), 1), [1, units]);
    const [last] = K.rnn(step, x, [initial_state, initial_state]);
    return last;
  };
  return { call, step, weights: [kernel, recurrent, bias] };
}

export function build(o: { maxlen?: number; units?: number } = {}) {
  const chars = [...new Set(TEXT)].sort();
  const maxlen = o.maxlen ?? 8;
  const units = o.units ?? 32;
  return K.graph_mode(() => {
    const x = K.placeholder([null, maxlen, chars.length]);
    const y = K.placeholder([null, chars.length]);
    const layer = lstm(chars.length, units, 31);
    const out = dense(units, chars.length, 37, 'dense', (t) => K.softmax(t));
    const preds = out(layer.call(x));
    const loss = K.mean(K.categorical_crossentropy(y, preds));
    const optimizer = new RMSprop(0.01);
    const weights = [...layer.weights, out.kernel, out.bias];
    const train = K.function([x, y], [loss], optimizer.get_updates(loss, weights));
    const predict = K.function([x], [preds]);
    return { chars, maxlen, x, preds, layer, weights, train, predict };
  });
}

/** The source's vectorisation: one-hot sentences of maxlen characters and their next characters (step 1 here: the text is short). */
export function vectorize(chars: string[], maxlen: number, step = 1) {
  const char_indices = new Map(chars.map((c, i) => [c, i]));
  const sentences: string[] = [];
  const next_chars: string[] = [];
  for (let i = 0; i < TEXT.length - maxlen; i += step) {
    sentences.push(TEXT.slice(i, i + maxlen));
    next_chars.push(TEXT[i + maxlen]!);
  }
  const oneHot = (c: string) => chars.map((_, j) => (j === char_indices.get(c) ? 1 : 0));
  return { x: sentences.map((s) => [...s].map(oneHot)), y: next_chars.map(oneHot) };
}

/** helper function to sample an index from a probability array */
export function sample(preds: ArrayLike<number>, temperature: number, next: () => number): number {
  const logs = Array.from(preds, (p) => Math.log(p) / temperature);
  const exps = logs.map(Math.exp);
  const total = exps.reduce((s, v) => s + v, 0);
  let u = next() * total;
  for (let i = 0; i < exps.length; i++) if ((u -= exps[i]!) <= 0) return i;
  return exps.length - 1;
}

export function run(o: { epochs?: number; batch_size?: number } = {}) {
  const m = build();
  const data = vectorize(m.chars, m.maxlen);
  const batch = o.batch_size ?? 16;
  const epochLosses: number[] = [];
  for (let epoch = 0; epoch < (o.epochs ?? 20); epoch++) {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < data.x.length; i += batch, n++)
      sum += m.train([data.x.slice(i, i + batch), data.y.slice(i, i + batch)])[0]!.get();
    epochLosses.push(sum / n);
  }
  // Generate text from a seed sentence, as on_epoch_end does.
  const next = generator(17);
  let sentence = TEXT.slice(0, m.maxlen);
  let generated = sentence;
  for (let i = 0; i < 40; i++) {
    const x_pred = [[...sentence].map((c) => m.chars.map((ch) => (ch === c ? 1 : 0)))];
    const preds = m.predict([x_pred])[0]!.data as Float32Array;
    const next_char = m.chars[sample(preds, 0.2, next)]!;
    generated += next_char;
    sentence = sentence.slice(1) + next_char;
  }
  return { first: epochLosses[0]!, last: epochLosses.at(-1)!, generated, model: m };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { first, last, generated } = run({ epochs: 30 });
  console.log(
    `loss ${first.toFixed(3)} -> ${last.toFixed(3)}\n----- Generating with seed: "${TEXT.slice(0, 8)}"\n${generated}`
  );
}
