// Keras 2.3.1's examples/antirectifier.py, ported line by line
// (https://github.com/keras-team/keras/blob/2.3.1/examples/antirectifier.py):
// the Antirectifier layer (a mean-centred, L2-normalised input split into its
// positive and negative parts), in a Dense-Antirectifier-Dropout MLP trained
// with RMSprop on categorical crossentropy. Keras's layers are written as
// their math (examples/keras/layers.ts); the model trains as Keras 2 trains it,
// through one K.function built in graph mode, fed the learning phase.
// MNIST is replaced by a small synthetic stand-in (layers.ts `prototypes`).
// Run: npx tsx examples/keras/antirectifier.ts
import { pathToFileURL } from 'node:url';
import * as K from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { dense, dropout, prototypes } from './layers.js';
import { RMSprop } from './optimizers.js';

/** The Antirectifier layer's call, as the source writes it. */
export function antirectifier(inputs: Tensor): Tensor {
  inputs = K.subtract(inputs, K.mean(inputs, 1, true));
  inputs = K.l2_normalize(inputs, 1);
  const pos = K.relu(inputs);
  const neg = K.relu(K.negative(inputs));
  return K.concatenate([pos, neg], 1);
}

export interface AntirectifierOptions {
  inputs?: number;
  hidden?: number;
  classes?: number;
  samples?: number;
  batch_size?: number;
  epochs?: number;
}

export function build(o: AntirectifierOptions = {}) {
  const [inputs, hidden, num_classes] = [o.inputs ?? 64, o.hidden ?? 32, o.classes ?? 10];
  return K.graph_mode(() => {
    const x = K.placeholder([null, inputs]);
    const y = K.placeholder([null, num_classes]);
    const dense_1 = dense(inputs, hidden, 1, 'dense_1');
    const dense_2 = dense(2 * hidden, hidden, 2, 'dense_2');
    const dense_3 = dense(2 * hidden, num_classes, 3, 'dense_3');
    const layers: ((t: Tensor) => Tensor)[] = [
      dense_1,
      antirectifier,
      dropout(0.1),
      dense_2,
      antirectifier,
      dropout(0.1),
      dense_3,
      (t) => K.softmax(t),
    ];
    const out = layers.reduce((t, layer) => layer(t), x as Tensor);
    const weights = [dense_1, dense_2, dense_3].flatMap((l) => [l.kernel, l.bias]);
    // model.compile(loss='categorical_crossentropy', optimizer='rmsprop', metrics=['accuracy'])
    const loss = K.mean(K.categorical_crossentropy(y, out));
    const acc = K.mean(K.cast(K.equal(K.argmax(y, -1), K.argmax(out, -1)), K.floatx()));
    const updates = new RMSprop().get_updates(loss, weights);
    const phase = K.learning_phase() as K.Placeholder;
    const train = K.function([x, y, phase], [loss, acc], updates);
    const evaluate = K.function([x, y, phase], [loss, acc]);
    return { x, y, out, weights, train, evaluate };
  });
}

/** model.fit then model.evaluate, at a small size; returns the test loss and accuracy before and after. */
export function run(o: AntirectifierOptions = {}) {
  const m = build(o);
  const [inputs, classes] = [o.inputs ?? 64, o.classes ?? 10];
  const train = prototypes(o.samples ?? 200, inputs, classes, 7);
  const test = prototypes(100, inputs, classes, 7, 1);
  const before = m.evaluate([test.x, test.y, 0]).map((a) => a.get());
  const batch = o.batch_size ?? 20;
  for (let epoch = 0; epoch < (o.epochs ?? 3); epoch++) {
    for (let i = 0; i < train.x.length; i += batch) {
      m.train([train.x.slice(i, i + batch), train.y.slice(i, i + batch), 1]);
    }
  }
  const after = m.evaluate([test.x, test.y, 0]).map((a) => a.get());
  return { before, after };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { before, after } = run({ epochs: 5 });
  console.log(`test loss ${before[0]!.toFixed(4)} -> ${after[0]!.toFixed(4)}, accuracy ${before[1]} -> ${after[1]}`);
}
