// Keras 2.3.1's examples/deep_dream.py, ported line by line
// (https://github.com/keras-team/keras/blob/2.3.1/examples/deep_dream.py):
// the loss is a weighted sum of the mean squared activations of several layers
// (border pixels left out, scaled by `K.prod(K.cast(K.shape(x), 'float32'))`),
// its gradient w.r.t. the image normalised by its mean absolute value, and one
// K.function fetches both for images of several sizes (octaves: the network's
// input has unknown spatial sizes). InceptionV3's ImageNet weights are not
// available offline: the network is a small stack of conv blocks with random
// weights whose outputs stand for 'mixed2'..'mixed5'; scipy's zoom is a
// nearest-neighbour resize; Python's `x[:, 2:-2, 2:-2, :]` is `crop2`.
// Run: npx tsx examples/keras/deep_dream.ts
import { pathToFileURL } from 'node:url';
import * as K from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { generator } from './layers.js';

/** Python's `x[:, 2:-2, 2:-2, :]` on channels_last x: tf.slice from 2, then the same from the far end. */
export function crop2(x: Tensor): Tensor {
  const from2 = (t: Tensor) => K.slice(t, [0, 2, 2, 0], [-1, -1, -1, -1]);
  return K.reverse(from2(K.reverse(from2(x), [1, 2])), [1, 2]);
}

/** A small conv net standing in for InceptionV3: four blocks, each output a 'mixed' layer. */
export function inceptionLike(seed = 1) {
  const next = generator(seed);
  const conv = (cin: number, cout: number) => {
    const limit = Math.sqrt(6 / (9 * cin + 9 * cout));
    return K.variable(
      K.reshape(K.constant(Array.from({ length: 9 * cin * cout }, () => (2 * next() - 1) * limit)), [3, 3, cin, cout])
    );
  };
  const dream = K.placeholder([null, null, null, 3], null, null, false, 'input_1');
  const layer_dict: Record<string, Tensor> = {};
  let x: Tensor = dream;
  let cin = 3;
  for (const [name, cout] of [
    ['mixed2', 6],
    ['mixed3', 8],
    ['mixed4', 8],
    ['mixed5', 10],
  ] as const) {
    x = K.relu(K.conv2d(x, conv(cin, cout), [1, 1], 'same'));
    layer_dict[name] = x;
    cin = cout;
  }
  return { dream, layer_dict };
}

const settings = { features: { mixed2: 0.2, mixed3: 0.5, mixed4: 2, mixed5: 1.5 } as Record<string, number> };

export function build(seed = 1) {
  return K.graph_mode(() => {
    K.set_learning_phase(0);
    const { dream, layer_dict } = inceptionLike(seed);
    // Define the loss.
    let loss: Tensor = K.variable(0);
    for (const layer_name of Object.keys(settings.features)) {
      // Add the L2 norm of the features of a layer to the loss.
      const coeff = settings.features[layer_name]!;
      const x = layer_dict[layer_name]!;
      // We avoid border artifacts by only involving non-border pixels in the loss.
      const scaling = K.prod(K.cast(K.shape(x), 'float32'));
      loss = K.add(loss, K.divide(K.multiply(coeff, K.sum(K.square(crop2(x)))), scaling));
    }
    // Compute the gradients of the dream wrt the loss.
    let grads = K.gradients(loss, [dream])[0]!;
    // Normalize gradients.
    grads = K.divide(grads, K.maximum(K.mean(K.abs(grads)), K.epsilon()));
    // Set up function to retrieve the value of the loss and gradients given an input image.
    const outputs = [loss, grads];
    const fetch_loss_and_grads = K.function([dream], outputs);
    return { dream, loss, fetch_loss_and_grads };
  });
}

type Image = Float32Array;

/** scipy.ndimage.zoom's stand-in: nearest-neighbour resize of a (1, h, w, 3) image. */
function resize_img(img: Image, from: number[], to: number[]): Image {
  const out = new Float32Array(to[0]! * to[1]! * 3);
  for (let i = 0; i < to[0]!; i++)
    for (let j = 0; j < to[1]!; j++)
      for (let c = 0; c < 3; c++) {
        const si = Math.floor((i * from[0]!) / to[0]!);
        const sj = Math.floor((j * from[1]!) / to[1]!);
        out[(i * to[1]! + j) * 3 + c] = img[(si * from[1]! + sj) * 3 + c]!;
      }
  return out;
}

export function run(o: { size?: [number, number]; iterations?: number; step?: number; seed?: number } = {}) {
  const { fetch_loss_and_grads } = build(o.seed ?? 1);
  const eval_loss_and_grads = (x: Image, shape: number[]) => {
    const outs = fetch_loss_and_grads([K.reshape(K.constant(x), [1, shape[0]!, shape[1]!, 3])]);
    return [outs[0]!.get(), outs[1]!.data as Float32Array] as const;
  };
  const losses: number[][] = [];
  const gradient_ascent = (x: Image, shape: number[], iterations: number, step: number, max_loss: number) => {
    const seen: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const [loss_value, grad_values] = eval_loss_and_grads(x, shape);
      if (loss_value > max_loss) break;
      seen.push(loss_value);
      x = x.map((v, k) => v + step * grad_values[k]!);
    }
    losses.push(seen);
    return x;
  };
  const [step, num_octave, octave_scale, iterations, max_loss] = [o.step ?? 0.01, 3, 1.4, o.iterations ?? 10, 10];
  const original_shape = o.size ?? [28, 28];
  const next = generator(9);
  let img: Image = Float32Array.from({ length: original_shape[0] * original_shape[1] * 3 }, () => 2 * next() - 1);
  const successive_shapes = [original_shape as number[]];
  for (let i = 1; i < num_octave; i++)
    successive_shapes.push(original_shape.map((dim) => Math.trunc(dim / octave_scale ** i)));
  successive_shapes.reverse();
  const original_img = img.slice();
  let shrunk_original_img = resize_img(img, original_shape, successive_shapes[0]!);
  let current = original_shape as number[];
  for (const shape of successive_shapes) {
    img = resize_img(img, current, shape);
    current = shape;
    img = gradient_ascent(img, shape, iterations, step, max_loss);
    const upscaled_shrunk_original_img = resize_img(
      shrunk_original_img,
      successive_shapes[successive_shapes.indexOf(shape) - 1] ?? shape,
      shape
    );
    const same_size_original = resize_img(original_img, original_shape, shape);
    img = img.map((v, k) => v + same_size_original[k]! - upscaled_shrunk_original_img[k]!);
    shrunk_original_img = resize_img(original_img, original_shape, shape);
  }
  return { shapes: successive_shapes, losses, img };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { shapes, losses } = run();
  shapes.forEach((s, i) =>
    console.log(
      `Processing image shape ${JSON.stringify(s)}: loss ${losses[i]![0]!.toFixed(4)} -> ${losses[i]!.at(-1)!.toFixed(4)}`
    )
  );
}
