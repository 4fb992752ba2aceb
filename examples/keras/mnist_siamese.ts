// Keras 2.3.1's examples/mnist_siamese.py, ported line by line
// (https://github.com/keras-team/keras/blob/2.3.1/examples/mnist_siamese.py):
// one base network applied to both inputs of a pair, the Euclidean distance
// of the two embeddings, the contrastive loss (margin 1) and Keras's RMSprop,
// trained through one K.function built in graph mode, fed the learning phase
// (the base network has Dropout). Layers are written as their math
// (examples/keras/layers.ts); MNIST is replaced by a small synthetic stand-in.
// Run: npx tsx examples/keras/mnist_siamese.ts
import { pathToFileURL } from 'node:url';
import * as K from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { dense, dropout, generator, prototypes } from './layers.js';
import { RMSprop } from './optimizers.js';

export function euclidean_distance([x, y]: [Tensor, Tensor]): Tensor {
  const sum_square = K.sum(K.square(K.subtract(x, y)), 1, true);
  return K.sqrt(K.maximum(sum_square, K.epsilon()));
}

/** Contrastive loss from Hadsell-et-al.'06 (http://yann.lecun.com/exdb/publis/pdf/hadsell-chopra-lecun-06.pdf). */
export function contrastive_loss(y_true: Tensor, y_pred: Tensor): Tensor {
  const margin = 1;
  const square_pred = K.square(y_pred);
  const margin_square = K.square(K.maximum(K.subtract(margin, y_pred), 0));
  return K.mean(K.add(K.multiply(y_true, square_pred), K.multiply(K.subtract(1, y_true), margin_square)));
}

/** Positive and negative pair creation: alternates between positive and negative pairs. */
export function create_pairs(x: number[][], digit_indices: number[][], next: () => number): [number[][][], number[]] {
  const pairs: number[][][] = [];
  const labels: number[] = [];
  const num_classes = digit_indices.length;
  const n = Math.min(...digit_indices.map((d) => d.length)) - 1;
  for (let d = 0; d < num_classes; d++) {
    for (let i = 0; i < n; i++) {
      const [z1, z2] = [digit_indices[d]![i]!, digit_indices[d]![i + 1]!];
      pairs.push([x[z1]!, x[z2]!]);
      const inc = 1 + Math.floor(next() * (num_classes - 1));
      const dn = (d + inc) % num_classes;
      pairs.push([x[digit_indices[d]![i]!]!, x[digit_indices[dn]![i]!]!]);
      labels.push(1, 0);
    }
  }
  return [pairs, labels];
}

/** Base network to be shared (eq. to feature extraction). */
function create_base_network(input_dim: number, width: number) {
  const layers = [
    dense(input_dim, width, 21, 'base/dense_1', K.relu),
    dense(width, width, 22, 'base/dense_2', K.relu),
    dense(width, width, 23, 'base/dense_3', K.relu),
  ];
  const drop = dropout(0.1);
  const net = (t: Tensor) => layers[2]!(drop(layers[1]!(drop(layers[0]!(K.batch_flatten(t))))));
  return { net, weights: layers.flatMap((l) => [l.kernel, l.bias]) };
}

/** Classification accuracy with a fixed threshold on distances (the source's Keras metric). */
export function accuracy(y_true: Tensor, y_pred: Tensor): Tensor {
  return K.mean(K.cast(K.equal(y_true, K.cast(K.less(y_pred, 0.5), K.dtype(y_true))), K.floatx()));
}

export function build(input_dim = 64, width = 32) {
  return K.graph_mode(() => {
    const base = create_base_network(input_dim, width);
    const input_a = K.placeholder([null, input_dim]);
    const input_b = K.placeholder([null, input_dim]);
    // because we re-use the same instance `base_network`, the weights of the network will be shared across the two branches
    const processed_a = base.net(input_a);
    const processed_b = base.net(input_b);
    const distance = euclidean_distance([processed_a, processed_b]);
    const y_true = K.placeholder([null, 1]);
    const loss = contrastive_loss(y_true, distance);
    const acc = accuracy(y_true, distance);
    const rms = new RMSprop();
    const phase = K.learning_phase() as K.Placeholder;
    const train = K.function([input_a, input_b, y_true, phase], [loss, acc], rms.get_updates(loss, base.weights));
    const predict = K.function([input_a, input_b, phase], [distance]);
    return { train, predict, weights: base.weights, distance, loss };
  });
}

/** Training at a small size; the test pairs' accuracy before and after (compute_accuracy, as the source's). */
export function run(o: { epochs?: number; batch_size?: number } = {}) {
  const m = build();
  const next = generator(3);
  const split = (s: number) => {
    const d = prototypes(100, 64, 5, 9, s);
    const digit_indices = Array.from({ length: 5 }, (_, c) => d.labels.flatMap((l, i) => (l === c ? [i] : [])));
    return create_pairs(d.x, digit_indices, next);
  };
  const [tr_pairs, tr_y] = split(0);
  const [te_pairs, te_y] = split(1);
  const compute_accuracy = () => {
    const [dist] = m.predict([te_pairs.map((p) => p[0]!), te_pairs.map((p) => p[1]!), 0]);
    const pred = Array.from(dist!.data as Float32Array, (v) => v < 0.5);
    return pred.filter((p, i) => p === (te_y[i] === 1)).length / pred.length;
  };
  const before = compute_accuracy();
  const batch = o.batch_size ?? 16;
  for (let epoch = 0; epoch < (o.epochs ?? 10); epoch++) {
    for (let i = 0; i < tr_pairs.length; i += batch) {
      const b = tr_pairs.slice(i, i + batch);
      m.train([b.map((p) => p[0]!), b.map((p) => p[1]!), tr_y.slice(i, i + batch).map((v) => [v]), 1]);
    }
  }
  return { before, after: compute_accuracy(), model: m };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { before, after } = run({ epochs: 20 });
  console.log(`* Accuracy on test set: ${(100 * before).toFixed(2)}% -> ${(100 * after).toFixed(2)}%`);
}
