// Keras 2.3.1's examples/conv_filter_visualization.py, ported line by line
// (https://github.com/keras-team/keras/blob/2.3.1/examples/conv_filter_visualization.py):
// gradient ascent on an input image to maximise the mean activation of one
// filter of a convolutional layer, with the normalised gradient, starting from
// a small noisy grey image and upscaling it between rounds, so one K.function
// is fed images of several sizes (the network's input has unknown spatial
// sizes, as VGG16's with include_top=False). VGG16's ImageNet weights are not
// available offline: the network here is a small VGG-like stack of K ops with
// random weights, and PIL's bicubic resize is a nearest-neighbour one.
// Run: npx tsx examples/keras/conv_filter_visualization.ts
import { pathToFileURL } from 'node:url';
import * as K from '../../src/index.js';
import type { Tensor, Variable } from '../../src/index.js';
import { generator } from './layers.js';

/** utility function to normalize a tensor. */
export function normalize(x: Tensor): Tensor {
  return K.divide(x, K.add(K.sqrt(K.mean(K.square(x))), K.epsilon()));
}

/** A VGG-like feature extractor: [conv3x3-relu x2, maxpool] x2, channels_last, input (None, None, None, 3). */
export function vggLike(seed = 1) {
  const next = generator(seed);
  const conv = (cin: number, cout: number, name: string): Variable => {
    const limit = Math.sqrt(6 / (9 * cin + 9 * cout));
    const w = Array.from({ length: 9 * cin * cout }, () => (2 * next() - 1) * limit);
    return K.variable(K.reshape(K.constant(w), [3, 3, cin, cout]), null, name);
  };
  const ws = [
    conv(3, 8, 'block1_conv1'),
    conv(8, 8, 'block1_conv2'),
    conv(8, 16, 'block2_conv1'),
    conv(16, 16, 'block2_conv2'),
  ];
  const input_img = K.placeholder([null, null, null, 3], null, null, false, 'input_1');
  const c = (x: Tensor, w: Variable) => K.relu(K.conv2d(x, w, [1, 1], 'same'));
  const block1 = K.pool2d(c(c(input_img, ws[0]!), ws[1]!), [2, 2], [2, 2]);
  const block2_conv2 = c(c(block1, ws[2]!), ws[3]!);
  return { input_img, layers: { block2_conv2 }, weights: ws };
}

/** Nearest-neighbour resize of an (h, w, 3) image (PIL's bicubic in the source). */
function resize(img: number[][][], h: number, w: number): number[][][] {
  return Array.from({ length: h }, (_, i) =>
    Array.from({ length: w }, (_, j) =>
      img[Math.floor((i * img.length) / h)]![Math.floor((j * img[0]!.length) / w)]!.slice()
    )
  );
}

export interface VisualizeOptions {
  step?: number;
  epochs?: number;
  upscaling_steps?: number;
  upscaling_factor?: number;
  output_dim?: [number, number];
  seed?: number;
}

/** _generate_filter_image: the image, its loss before and after, and the sizes fed; null when the filter is stuck at 0. */
export function generate_filter_image(
  input_img: Tensor,
  layer_output: Tensor,
  filter_index: number,
  o: VisualizeOptions = {}
) {
  const [step, epochs, upscaling_steps, upscaling_factor] = [
    o.step ?? 1,
    o.epochs ?? 15,
    o.upscaling_steps ?? 3,
    o.upscaling_factor ?? 1.2,
  ];
  const output_dim = o.output_dim ?? [24, 24];
  // we build a loss function that maximizes the activation of the nth filter of the layer considered
  const loss = K.mean(K.slice(layer_output, [0, 0, 0, filter_index], [-1, -1, -1, 1]));
  // we compute the gradient of the input picture wrt this loss
  let grads = K.gradients(loss, [input_img])[0]!;
  // normalization trick: we normalize the gradient
  grads = normalize(grads);
  // this function returns the loss and grads given the input picture
  const iterate = K.function([input_img as K.Placeholder], [loss, grads]);

  // we start from a gray image with some random noise
  let dim = output_dim.map((x) => Math.trunc(x / upscaling_factor ** upscaling_steps));
  const next = generator(o.seed ?? 5);
  let img = Array.from({ length: dim[0]! }, () =>
    Array.from({ length: dim[1]! }, () => Array.from({ length: 3 }, () => (next() - 0.5) * 20 + 128))
  );
  const sizes: number[][] = [];
  const losses: number[] = [];
  // Slowly upscaling towards the original size prevents a dominating high-frequency of the to visualized structure
  for (let up = upscaling_steps - 1; up >= 0; up--) {
    // we run gradient ascent for e.g. 20 steps
    for (let e = 0; e < epochs; e++) {
      const [loss_value, grads_value] = iterate([[img]]);
      const g = grads_value!.data as Float32Array;
      img = img.map((row, i) =>
        row.map((px, j) => px.map((v, ch) => v + g[(i * img[0]!.length + j) * 3 + ch]! * step))
      );
      losses.push(loss_value!.get());
      // some filters get stuck to 0, we can skip them
      if (loss_value!.get() <= K.epsilon()) return null;
    }
    sizes.push([img.length, img[0]!.length]);
    // Calculate upscaled dimension, and upscale
    dim = output_dim.map((x) => Math.trunc(x / upscaling_factor ** up));
    img = resize(img, dim[0]!, dim[1]!);
  }
  return { img, losses, sizes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const m = vggLike();
  for (let f = 0; f < 4; f++) {
    const r = generate_filter_image(m.input_img, m.layers.block2_conv2, f);
    console.log(
      r === null
        ? `filter ${f}: stuck at 0`
        : `filter ${f}: loss ${r.losses[0]!.toFixed(3)} -> ${r.losses.at(-1)!.toFixed(3)}, sizes ${JSON.stringify(r.sizes)}`
    );
  }
}
