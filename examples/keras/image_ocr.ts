// Keras 2.3.1's examples/image_ocr.py, ported line by line
// (https://github.com/keras-team/keras/blob/2.3.1/examples/image_ocr.py):
// conv/pool layers, a Dense, two layers of bidirectional GRUs (Keras's GRU
// cell: hard_sigmoid gates, reset before the recurrent product) and a softmax
// over the alphabet and the blank, trained on the CTC loss computed inside the
// graph (`ctc_lambda_func`: `K.ctc_batch_cost` on y_pred[:, 2:, :] with the
// labels, input lengths and label lengths fed as inputs) by SGD (nesterov,
// clipnorm) through one K.function; words are read back by best-path decoding.
// Cairo's rendering of words is not available: a word here is a row of small
// fixed glyphs, one per character, at sizes that keep `npm test` fast.
// Run: npx tsx examples/keras/image_ocr.ts
import type { NdArray } from 'ndarray';
import { pathToFileURL } from 'node:url';
import * as K from '../../src/index.js';
import type { Tensor, Variable } from '../../src/index.js';
import { generator } from './layers.js';
import { SGD } from './optimizers.js';

export const alphabet = 'abc ';
const [img_w, img_h, glyph] = [32, 8, 6];
const [conv_filters, kernel_size, pool_size, time_dense_size, rnn_size] = [4, 3, 2, 8, 8];
const absolute_max_string_len = 4;
/** Time steps the RNN sees: img_w / pool_size^2; the CTC loss skips the first 2. */
export const time_steps = img_w / pool_size ** 2;

/** Keras's he_normal (a normal of stddev sqrt(2 / fan_in), truncated at 2 stddev), from a seeded generator. */
function heNormal(shape: number[], fanIn: number, next: () => number): Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  const sd = Math.sqrt(2 / fanIn);
  const draw = () => {
    for (;;) {
      const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      if (Math.abs(z) <= 2) return z * sd;
    }
  };
  return K.variable(K.reshape(K.constant(Array.from({ length: n }, draw)), shape));
}

/**
 * Keras 2.3.1's GRU layer (reset_after=False, return_sequences=True):
 * z = hs(x Wz + h Uz + bz), r = hs(x Wr + h Ur + br), hh = tanh(x Wh + (r h) Uh + bh),
 * h' = z h + (1 - z) hh. With go_backwards the outputs come in reversed time, as Keras returns them.
 */
export function gru(inputDim: number, units: number, next: () => number, weights: Variable[], go_backwards = false) {
  const kernel = [0, 1, 2].map(() => heNormal([inputDim, units], inputDim, next));
  const recurrent = [0, 1, 2].map(() => heNormal([units, units], units, next));
  const bias = [0, 1, 2].map(() => K.zeros([units]));
  weights.push(...kernel, ...recurrent, ...bias);
  const step = (x: Tensor, states: Tensor[]): [Tensor, Tensor[]] => {
    const h_tm1 = states[0]!;
    const proj = (g: number, h: Tensor) => K.add(K.bias_add(K.dot(x, kernel[g]!), bias[g]!), K.dot(h, recurrent[g]!));
    const z = K.hard_sigmoid(proj(0, h_tm1));
    const r = K.hard_sigmoid(proj(1, h_tm1));
    const hh = K.tanh(proj(2, K.multiply(r, h_tm1)));
    const h = K.add(K.multiply(z, h_tm1), K.multiply(K.subtract(1, z), hh));
    return [h, [h]];
  };
  const call = (x: Tensor) => {
    const initial = K.tile(K.expand_dims(K.sum(K.zeros_like(x), [1, 2]), 1), [1, units]);
    return K.rnn(step, x, [initial], go_backwards)[1];
  };
  return { call, step, kernel, recurrent, bias };
}

/** the actual loss calc occurs here despite it not being an internal Keras loss function */
export function ctc_lambda_func([y_pred, labels, input_length, label_length]: [Tensor, Tensor, Tensor, Tensor]) {
  // the 2 is critical here since the first couple outputs of the RNN tend to be garbage:
  y_pred = K.slice(y_pred, [0, 2, 0], [-1, -1, -1]);
  return K.ctc_batch_cost(labels, y_pred, input_length, label_length);
}

export function build(seed = 1) {
  const next = generator(seed);
  return K.graph_mode(() => {
    const weights: Variable[] = [];
    const act = K.relu;
    const input_data = K.placeholder([null, img_w, img_h, 1], null, 'float32', false, 'the_input');
    const conv = (cin: number) => {
      const w = heNormal([kernel_size, kernel_size, cin, conv_filters], kernel_size * kernel_size * cin, next);
      const b = K.zeros([conv_filters]);
      weights.push(w, b);
      return (t: Tensor) => act(K.bias_add(K.conv2d(t, w, [1, 1], 'same'), b));
    };
    let inner = K.pool2d(conv(1)(input_data), [pool_size, pool_size], [pool_size, pool_size]);
    inner = K.pool2d(conv(conv_filters)(inner), [pool_size, pool_size], [pool_size, pool_size]);
    const conv_to_rnn_dims = [img_w / pool_size ** 2, (img_h / pool_size ** 2) * conv_filters];
    inner = K.reshape(inner, [-1, ...conv_to_rnn_dims]);
    // cuts down input size going into RNN:
    const dense = (fanIn: number, units: number) => {
      const w = heNormal([fanIn, units], fanIn, next);
      const b = K.zeros([units]);
      weights.push(w, b);
      return (t: Tensor) => K.bias_add(K.dot(t, w), b);
    };
    inner = act(dense(conv_to_rnn_dims[1]!, time_dense_size)(inner));
    // Two layers of bidirectional GRUs
    const gru_1 = gru(time_dense_size, rnn_size, next, weights).call(inner);
    const gru_1b = gru(time_dense_size, rnn_size, next, weights, true).call(inner);
    const gru1_merged = K.add(gru_1, gru_1b);
    const gru_2 = gru(rnn_size, rnn_size, next, weights).call(gru1_merged);
    const gru_2b = gru(rnn_size, rnn_size, next, weights, true).call(gru1_merged);
    // transforms RNN output to character activations:
    const output_size = alphabet.length + 1;
    const y_pred = K.softmax(dense(2 * rnn_size, output_size)(K.concatenate([gru_2, gru_2b])));

    const labels = K.placeholder([null, absolute_max_string_len], null, 'float32', false, 'the_labels');
    const input_length = K.placeholder([null, 1], null, 'int64', false, 'input_length');
    const label_length = K.placeholder([null, 1], null, 'int64', false, 'label_length');
    const loss_out = ctc_lambda_func([y_pred, labels, input_length, label_length]);
    // model.compile(loss={'ctc': lambda y_true, y_pred: y_pred}, optimizer=sgd): the mean of loss_out.
    const loss = K.mean(loss_out);
    // clipnorm seems to speeds up convergence
    const sgd = new SGD(0.02, 0.9, true, { decay: 1e-6, clipnorm: 5 });
    const train = K.function([input_data, labels, input_length, label_length], [loss], sgd.get_updates(loss, weights));
    const test_func = K.function([input_data], [y_pred]);
    return { train, test_func, weights, y_pred, loss_out };
  });
}

/** A word as an image (img_w, img_h, 1): one fixed random glyph per character, left to right. */
export function paint(word: string): number[][][] {
  const glyphs = [...alphabet].map((_, c) => {
    const g = generator(100 + c);
    return Array.from({ length: glyph }, () => Array.from({ length: img_h }, () => (g() < 0.5 ? 1 : 0)));
  });
  const img = Array.from({ length: img_w }, () => Array.from({ length: img_h }, () => [0]));
  [...word].forEach((ch, k) => {
    const rows = glyphs[alphabet.indexOf(ch)]!;
    rows.forEach((row, i) => row.forEach((v, j) => (img[2 + k * (glyph + 2) + i]![j]![0] = v)));
  });
  return img;
}

/** A batch of random words of 1 to 3 letters, with their labels, input and label lengths (the generator's). */
export function batch(n: number, next: () => number) {
  const words = Array.from({ length: n }, () => {
    const len = 1 + Math.floor(next() * 3);
    return Array.from({ length: len }, () => 'abc'[Math.floor(next() * 3)]!).join('');
  });
  return {
    words,
    the_input: words.map(paint),
    the_labels: words.map((w) =>
      Array.from({ length: absolute_max_string_len }, (_, i) => (i < w.length ? alphabet.indexOf(w[i]!) : -1))
    ),
    input_length: words.map(() => [time_steps - 2]),
    label_length: words.map((w) => [w.length]),
  };
}

/** decode_batch: best path per word (repeats merged, blanks dropped), from the third step on. */
export function decode_batch(test_func: (v: unknown[]) => NdArray[], word_batch: number[][][][]): string[] {
  const out = test_func([word_batch])[0]!;
  const [n, T, C] = out.shape as [number, number, number];
  const data = out.data as Float32Array;
  return Array.from({ length: n }, (_, j) => {
    const best: number[] = [];
    for (let t = 2; t < T; t++) {
      let arg = 0;
      for (let c = 1; c < C; c++) if (data[(j * T + t) * C + c]! > data[(j * T + t) * C + arg]!) arg = c;
      if (best.at(-1) !== arg) best.push(arg);
    }
    return best
      .filter((c) => c < alphabet.length)
      .map((c) => alphabet[c])
      .join('');
  });
}

export function run(o: { steps?: number; batch_size?: number } = {}) {
  const m = build();
  const next = generator(21);
  const losses: number[] = [];
  for (let s = 0; s < (o.steps ?? 200); s++) {
    const b = batch(o.batch_size ?? 16, next);
    losses.push(m.train([b.the_input, b.the_labels, b.input_length, b.label_length])[0]!.get());
  }
  const test = batch(20, generator(99));
  const decoded = decode_batch(m.test_func, test.the_input);
  const correct = decoded.filter((d, i) => d === test.words[i]).length / decoded.length;
  return { losses, correct, decoded, words: test.words, model: m };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { losses, correct, decoded, words } = run({ steps: 300 });
  const avg = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  console.log(
    `loss ${avg(losses.slice(0, 10)).toFixed(3)} -> ${avg(losses.slice(-10)).toFixed(3)}, words read ${100 * correct}%`
  );
  console.log(
    words
      .slice(0, 6)
      .map((w, i) => `${w}->${decoded[i]}`)
      .join(' ')
  );
}
