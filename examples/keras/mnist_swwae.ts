// Keras 2.3.1's examples/mnist_swwae.py, ported line by line
// (https://github.com/keras-team/keras/blob/2.3.1/examples/mnist_swwae.py):
// a stacked what-where autoencoder. The encoder's residual conv blocks are
// max-pooled; the 'where' of each pooling (which input held the max) is the
// gradient of the pooled sum w.r.t. its input, `K.gradients(K.sum(y_postpool),
// y_prepool)`, computed inside the model; the decoder upsamples and multiplies
// by it. Training with Adam on the mean squared error therefore differentiates
// that gradient again (second order through max pooling). Layers are written as
// their math (Conv2D, ELU, MaxPooling2D, UpSampling2D as K.conv2d, K.elu,
// K.pool2d, K.resize_images); MNIST is replaced by small synthetic images.
// Run: npx tsx examples/keras/mnist_swwae.ts
import { pathToFileURL } from 'node:url';
import * as K from '../../src/index.js';
import type { Tensor, Variable } from '../../src/index.js';
import { generator } from './layers.js';
import { Adam } from './optimizers.js';

/** Conv2D(nfeats, ksize, padding='same') with glorot_uniform kernel and zero bias. */
function conv2d(cin: number, nfeats: number, ksize: number, next: () => number, weights: Variable[]) {
  const limit = Math.sqrt(6 / (ksize * ksize * (cin + nfeats)));
  const kernel = K.variable(
    K.reshape(K.constant(Array.from({ length: ksize * ksize * cin * nfeats }, () => (2 * next() - 1) * limit)), [
      ksize,
      ksize,
      cin,
      nfeats,
    ])
  );
  const bias = K.zeros([nfeats]);
  weights.push(kernel, bias);
  return (x: Tensor) => K.bias_add(K.conv2d(x, kernel, [1, 1], 'same'), bias);
}

/** The proposed residual block from [4]. */
function convresblock(
  x: Tensor,
  cin: number,
  nfeats: number,
  ksize: number,
  nskipped: number,
  next: () => number,
  weights: Variable[]
) {
  const y0 = conv2d(cin, nfeats, ksize, next, weights)(x);
  let y = y0;
  for (let i = 0; i < nskipped; i++) {
    y = K.elu(y);
    y = conv2d(nfeats, nfeats, ksize, next, weights)(y);
  }
  return K.add(y0, y);
}

/**
 * Calculate the 'where' mask that contains switches indicating which index
 * contained the max value when MaxPool2D was applied. Using the gradient of
 * the sum is a nice trick to keep everything high level.
 */
export function getwhere([y_prepool, y_postpool]: [Tensor, Tensor]): Tensor {
  return K.gradients(K.sum(y_postpool), [y_prepool])[0]!;
}

export function build(o: { size?: number; nlayers?: number; seed?: number } = {}) {
  const img = o.size ?? 8;
  const nlayers = o.nlayers ?? 2;
  const pool_sizes = new Array<number>(nlayers).fill(2);
  const nfeats_all = [1, 4, 8, 8].slice(0, nlayers + 1);
  const [ksize, nskipped] = [3, 2];
  const next = generator(o.seed ?? 4);
  return K.graph_mode(() => {
    const weights: Variable[] = [];
    const input_img = K.placeholder([null, img, img, 1]);
    const wheres: Tensor[] = [];
    let y: Tensor = input_img;
    // We build the encoder, storing the 'where' masks
    for (let i = 0; i < nlayers; i++) {
      const y_prepool = convresblock(y, nfeats_all[i]!, nfeats_all[i + 1]!, ksize, nskipped, next, weights);
      y = K.pool2d(y_prepool, [pool_sizes[i]!, pool_sizes[i]!], [pool_sizes[i]!, pool_sizes[i]!]);
      wheres[i] = getwhere([y_prepool, y]);
    }
    // Now build the decoder, and use the stored 'where' masks to place the features
    for (let i = 0; i < nlayers; i++) {
      const ind = nlayers - 1 - i;
      y = K.resize_images(y, pool_sizes[ind]!, pool_sizes[ind]!, 'channels_last');
      y = K.multiply(y, wheres[ind]!);
      y = convresblock(y, nfeats_all[ind + 1]!, nfeats_all[ind]!, ksize, nskipped, next, weights);
    }
    // Use hard_simgoid to clip range of reconstruction
    y = K.hard_sigmoid(y);
    // Define the model and it's mean square error loss, and compile it with Adam
    const loss = K.mean(K.mean(K.square(K.subtract(y, input_img)), -1));
    const train = K.function([input_img], [loss], new Adam().get_updates(loss, weights));
    const reconstruct = K.function([input_img], [y]);
    const where = K.function([input_img], [wheres[0]!]);
    return { input_img, y, wheres, loss, weights, train, reconstruct, where };
  });
}

/** Small synthetic 'digits': bright bars at random places on a dark field, (n, size, size, 1). */
export function images(n: number, size: number, seed: number): number[][][][] {
  const next = generator(seed);
  return Array.from({ length: n }, () => {
    const [r, c, vertical] = [Math.floor(next() * size), Math.floor(next() * size), next() < 0.5];
    return Array.from({ length: size }, (_, i) =>
      Array.from({ length: size }, (_, j) => [(vertical ? j === c : i === r) ? 0.9 : 0.1])
    );
  });
}

export function run(o: { epochs?: number; batch_size?: number } = {}) {
  const m = build();
  const x = images(64, 8, 6);
  const batch = o.batch_size ?? 16;
  const losses: number[] = [];
  for (let epoch = 0; epoch < (o.epochs ?? 10); epoch++) {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < x.length; i += batch, n++) sum += m.train([x.slice(i, i + batch)])[0]!.get();
    losses.push(sum / n);
  }
  return { first: losses[0]!, last: losses.at(-1)!, model: m };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { first, last } = run({ epochs: 30 });
  console.log(`mse ${first.toFixed(4)} -> ${last.toFixed(4)}`);
}
