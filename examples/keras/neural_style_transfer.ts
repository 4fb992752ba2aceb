// Keras 2.3.1's examples/neural_style_transfer.py, ported line by line
// (https://github.com/keras-team/keras/blob/2.3.1/examples/neural_style_transfer.py):
// the base and style images are variables and the combination image a
// placeholder, concatenated into one batch through a conv net; the loss is the
// content loss at a deep layer, the style loss (Gram matrices) at several
// layers and the total variation of the combination; one K.function returns
// the loss and its gradient, and L-BFGS minimises it over the image pixels.
// VGG19's ImageNet weights and the photos are not available offline: the net
// is a small VGG-like stack with random weights, the images are small
// synthetic ones, and scipy's fmin_l_bfgs_b is a compact L-BFGS written here.
// Run: npx tsx examples/keras/neural_style_transfer.ts
import { pathToFileURL } from 'node:url';
import * as K from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { generator } from './layers.js';

const [img_nrows, img_ncols] = [12, 12];
const [total_variation_weight, style_weight, content_weight] = [1.0, 1.0, 0.025];

/** Python's `x[i, :, :, :]`: one image of a (batch, rows, cols, channels) tensor. */
const pick = (t: Tensor, i: number) => K.reshape(K.slice(t, [i, 0, 0, 0], [1, -1, -1, -1]), t.shape.slice(1));

/** the gram matrix of an image tensor (feature-wise outer product) */
export function gram_matrix(x: Tensor): Tensor {
  const features = K.batch_flatten(K.permute_dimensions(x, [2, 0, 1]));
  return K.dot(features, K.transpose(features));
}

/** the "style loss" is designed to maintain the style of the reference image in the generated image. */
export function style_loss(style: Tensor, combination: Tensor): Tensor {
  const S = gram_matrix(style);
  const C = gram_matrix(combination);
  const channels = 3;
  const size = img_nrows * img_ncols;
  return K.divide(K.sum(K.square(K.subtract(S, C))), 4.0 * channels ** 2 * size ** 2);
}

/** an auxiliary loss function designed to maintain the "content" of the base image in the generated image */
export function content_loss(base: Tensor, combination: Tensor): Tensor {
  return K.sum(K.square(K.subtract(combination, base)));
}

/** the 3rd loss function, total variation loss, designed to keep the generated image locally coherent */
export function total_variation_loss(x: Tensor): Tensor {
  const crop = (r: number, c: number) => K.slice(x, [0, r, c, 0], [-1, img_nrows - 1, img_ncols - 1, -1]);
  const a = K.square(K.subtract(crop(0, 0), crop(1, 0)));
  const b = K.square(K.subtract(crop(0, 0), crop(0, 1)));
  return K.sum(K.pow(K.add(a, b), 1.25));
}

/** A VGG-like stand-in for VGG19: named conv layers, channels_last. */
function vggLike(input: Tensor, seed: number): Record<string, Tensor> {
  const next = generator(seed);
  const outputs_dict: Record<string, Tensor> = {};
  let x = input;
  let cin = 3;
  for (const [name, cout, pool] of [
    ['block1_conv1', 6, false],
    ['block2_conv1', 8, true],
    ['block3_conv1', 8, true],
    ['block5_conv2', 8, false],
  ] as const) {
    if (pool) x = K.pool2d(x, [2, 2], [2, 2], 'valid', null, 'avg');
    const limit = Math.sqrt(6 / (9 * (cin + cout)));
    const w = K.variable(
      K.reshape(K.constant(Array.from({ length: 9 * cin * cout }, () => (2 * next() - 1) * limit)), [3, 3, cin, cout])
    );
    x = K.relu(K.conv2d(x, w, [1, 1], 'same'));
    outputs_dict[name] = x;
    cin = cout;
  }
  return outputs_dict;
}

/** A small synthetic image (1, rows, cols, 3): smooth colour waves of the given frequency. */
export function image(freq: number, phase: number): number[][][][] {
  return [
    Array.from({ length: img_nrows }, (_, i) =>
      Array.from({ length: img_ncols }, (_, j) => [0, 1, 2].map((c) => Math.sin(freq * (i + 2 * j) + phase + c)))
    ),
  ];
}

export function build(seed = 2) {
  return K.graph_mode(() => {
    // get tensor representations of our images
    const base_image = K.variable(image(0.3, 0));
    const style_reference_image = K.variable(image(1.3, 1));
    // this will contain our generated image
    const combination_image = K.placeholder([1, img_nrows, img_ncols, 3]);
    // combine the 3 images into a single Keras tensor
    const input_tensor = K.concatenate([base_image, style_reference_image, combination_image], 0);
    const outputs_dict = vggLike(input_tensor, seed);
    // combine these loss functions into a single scalar
    let loss: Tensor = K.variable(0.0);
    const layer_features = outputs_dict.block5_conv2!;
    const base_image_features = pick(layer_features, 0);
    const combination_features = pick(layer_features, 2);
    loss = K.add(loss, K.multiply(content_weight, content_loss(base_image_features, combination_features)));
    const feature_layers = ['block1_conv1', 'block2_conv1', 'block3_conv1'];
    for (const layer_name of feature_layers) {
      const lf = outputs_dict[layer_name]!;
      const style_reference_features = pick(lf, 1);
      const combination = pick(lf, 2);
      const sl = style_loss(style_reference_features, combination);
      loss = K.add(loss, K.multiply(style_weight / feature_layers.length, sl));
    }
    loss = K.add(loss, K.multiply(total_variation_weight, total_variation_loss(combination_image)));
    // get the gradients of the generated image wrt the loss
    const grads = K.gradients(loss, [combination_image]);
    const outputs = [loss, ...(grads as Tensor[])];
    const f_outputs = K.function([combination_image], outputs);
    return { f_outputs, combination_image, loss };
  });
}

/** fmin_l_bfgs_b's stand-in: L-BFGS (two-loop recursion, memory 5) with a backtracking Armijo line search. */
type Vec = Float64Array<ArrayBufferLike>;

export function lbfgs(f: (x: Vec) => [number, Vec], x0: Vec, maxfun: number): [Vec, number] {
  const m = 5;
  let x: Vec = x0.slice();
  let [fx, g]: [number, Vec] = f(x);
  const ss: Vec[] = [];
  const ys: Vec[] = [];
  const dot = (a: Vec, b: Vec) => a.reduce((s, v, i) => s + v * b[i]!, 0);
  let calls = 1;
  while (calls < maxfun) {
    // d = -H g by the two-loop recursion.
    const q = g.slice();
    const alphas: number[] = [];
    for (let k = ss.length - 1; k >= 0; k--) {
      const a = dot(ss[k]!, q) / dot(ys[k]!, ss[k]!);
      alphas[k] = a;
      for (let i = 0; i < q.length; i++) q[i]! -= a * ys[k]![i]!;
    }
    const gamma =
      ss.length > 0 ? dot(ss.at(-1)!, ys.at(-1)!) / dot(ys.at(-1)!, ys.at(-1)!) : 1 / Math.sqrt(dot(g, g) + 1e-300);
    for (let i = 0; i < q.length; i++) q[i]! *= gamma;
    for (let k = 0; k < ss.length; k++) {
      const b = dot(ys[k]!, q) / dot(ys[k]!, ss[k]!);
      for (let i = 0; i < q.length; i++) q[i]! += ss[k]![i]! * (alphas[k]! - b);
    }
    const d = q.map((v) => -v);
    let t = 1;
    let next: Vec;
    let fn: number;
    let gn: Vec;
    for (;;) {
      next = x.map((v, i) => v + t * d[i]!);
      [fn, gn] = f(next);
      calls++;
      if (fn <= fx + 1e-4 * t * dot(g, d) || calls >= maxfun) break;
      t /= 2;
    }
    ss.push(next.map((v, i) => v - x[i]!));
    ys.push(gn.map((v, i) => v - g[i]!));
    if (ss.length > m) {
      ss.shift();
      ys.shift();
    }
    [x, fx, g] = [next, fn, gn];
  }
  return [x, fx];
}

export function run(o: { iterations?: number; maxfun?: number } = {}) {
  const { f_outputs } = build();
  // The Evaluator: the loss and the gradients in one pass, as the source computes them.
  const evaluate = (x: Vec): [number, Vec] => {
    const outs = f_outputs([K.reshape(K.constant(Array.from(x)), [1, img_nrows, img_ncols, 3])]);
    return [outs[0]!.get(), Float64Array.from(outs[1]!.data as Float32Array)];
  };
  let x: Vec = Float64Array.from(image(0.3, 0).flat(3));
  const losses = [evaluate(x)[0]];
  for (let i = 0; i < (o.iterations ?? 3); i++) {
    let min_val: number;
    [x, min_val] = lbfgs(evaluate, x, o.maxfun ?? 20);
    losses.push(min_val);
  }
  return { losses };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { losses } = run({ iterations: 5 });
  losses.slice(1).forEach((l, i) => console.log(`Iteration ${i}: Current loss value: ${l.toFixed(4)}`));
}
