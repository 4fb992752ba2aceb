// Keras 2.3.1 example programs ported line by line into examples/keras/ (each
// file names its source), run as written: graphs built in graph mode, trained
// through one K.function with Keras's own optimizers (examples/keras/optimizers.ts),
// the learning phase fed per call. Their numbers are checked against plain
// float64 JavaScript written here from the sources' formulas, and their
// training against what it must achieve on the small synthetic data.
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import {
  antirectifier,
  build as buildAntirectifier,
  run as runAntirectifier,
} from '../../examples/keras/antirectifier.js';
import { prototypes } from '../../examples/keras/layers.js';
import {
  accuracy,
  build as buildSiamese,
  contrastive_loss,
  euclidean_distance,
  run as runSiamese,
} from '../../examples/keras/mnist_siamese.js';
import { build as buildVae, run as runVae } from '../../examples/keras/variational_autoencoder.js';
import { generate_filter_image, normalize, vggLike } from '../../examples/keras/conv_filter_visualization.js';
import { build as buildDream, crop2, run as runDream } from '../../examples/keras/deep_dream.js';
import { lstm, run as runText } from '../../examples/keras/lstm_text_generation.js';
import { getwhere, run as runSwwae } from '../../examples/keras/mnist_swwae.js';
import { gru, run as runOcr, time_steps } from '../../examples/keras/image_ocr.js';
import {
  build as buildStyle,
  gram_matrix,
  run as runStyle,
  style_loss,
  total_variation_loss,
} from '../../examples/keras/neural_style_transfer.js';

type M = number[][];
const mat = (t: K.Tensor): M => t.toArray() as M;
const dot = (a: M, b: M): M => a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const addBias = (a: M, b: number[]): M => a.map((r) => r.map((v, j) => v + b[j]!));
const relu = (a: M): M => a.map((r) => r.map((v) => Math.max(v, 0)));
const denseRef = (x: M, w: K.Variable, b: K.Variable) => addBias(dot(x, mat(w)), b.toArray() as number[]);
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

function antirectifierRef(x: M): M {
  return x.map((r) => {
    const m = mean(r);
    const c = r.map((v) => v - m);
    const norm = Math.sqrt(
      Math.max(
        c.reduce((s, v) => s + v * v, 0),
        1e-12
      )
    );
    const n = c.map((v) => v / norm);
    return [...n.map((v) => Math.max(v, 0)), ...n.map((v) => Math.max(-v, 0))];
  });
}

const close = (got: number, want: number, rtol: number) =>
  expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(want)));

afterEach(() => {
  K.set_floatx('float32');
  K.clear_session();
});

describe('Keras 2.3.1 antirectifier.py (examples/keras/antirectifier.ts)', () => {
  it('the Antirectifier layer matches its formula (float64)', () => {
    K.set_floatx('float64');
    const x = K.random_normal([4, 6], 0, 1, 'float64', 1);
    const got = antirectifier(x).toArray() as M;
    antirectifierRef(x.toArray() as M).forEach((r, i) => r.forEach((v, j) => close(got[i]![j]!, v, 1e-12)));
  });

  it('in the test phase the model is the plain forward pass; training through the graph learns the classes', () => {
    const m = buildAntirectifier();
    const d = prototypes(20, 64, 10, 7, 1);
    const [loss] = m.evaluate([d.x, d.y, 0]);
    const [w1, b1, w2, b2, w3, b3] = m.weights as K.Variable[];
    let h = antirectifierRef(denseRef(d.x, w1!, b1!));
    h = antirectifierRef(denseRef(h, w2!, b2!));
    const logits = denseRef(h, w3!, b3!);
    const ce = logits.map((r, i) => {
      const mx = Math.max(...r);
      const lse = mx + Math.log(r.reduce((s, v) => s + Math.exp(v - mx), 0));
      return lse - r[d.labels[i]!]!;
    });
    close(loss!.get(), mean(ce), 1e-5);
    // The learning phase is an input: the training phase drops units (a different loss on the same batch).
    expect(m.evaluate([d.x, d.y, 1])[0]!.get()).not.toBe(loss!.get());
    const { before, after } = runAntirectifier({ epochs: 3 });
    expect(after[0]!).toBeLessThan(before[0]!);
    expect(after[1]!).toBeGreaterThanOrEqual(0.9);
  });
});

describe('Keras 2.3.1 variational_autoencoder.py (examples/keras/variational_autoencoder.ts)', () => {
  it("the first step's loss is the formula's on the seed's first normal draws; later steps draw anew", () => {
    const seed = 21;
    const m = buildVae({ seed });
    const d = prototypes(8, 64, 4, 5);
    const eps = mat(K.random_normal([8, 2], 0, 1, null, seed));
    const [we, be, wm, bm, wv, bv, wd, bd, wo, bo] = m.weights as K.Variable[];
    const h = relu(denseRef(d.x, we!, be!));
    const zMean = denseRef(h, wm!, bm!);
    const zLogVar = denseRef(h, wv!, bv!);
    const z = zMean.map((r, i) => r.map((v, j) => v + Math.exp(0.5 * zLogVar[i]![j]!) * eps[i]![j]!));
    const logits = denseRef(relu(denseRef(z, wd!, bd!)), wo!, bo!);
    // binary_crossentropy of a sigmoid output is computed from its logits (the backend's rule).
    const xent = logits.map(
      (r, i) => mean(r.map((v, j) => Math.max(v, 0) - v * d.x[i]![j]! + Math.log1p(Math.exp(-Math.abs(v))))) * 64
    );
    const kl = zMean.map(
      (r, i) => -0.5 * r.reduce((s, v, j) => s + 1 + zLogVar[i]![j]! - v * v - Math.exp(zLogVar[i]![j]!), 0)
    );
    const [loss] = m.train([d.x]);
    close(loss!.get(), mean(xent.map((v, i) => v + kl[i]!)), 1e-5);
    // The sampling node draws anew at every call (issue 14's frozen-noise bug).
    const a = Array.from(m.sample([d.x])[0]!.data as Float32Array);
    const b = Array.from(m.sample([d.x])[0]!.data as Float32Array);
    expect(a).not.toEqual(b);
  });

  it('trains with Adam through one K.function: the loss falls', () => {
    const { first, last } = runVae({ epochs: 20, seed: 3 });
    expect(last).toBeLessThan(0.75 * first);
  });
});

describe('Keras 2.3.1 mnist_siamese.py (examples/keras/mnist_siamese.ts)', () => {
  it('euclidean_distance, contrastive_loss and accuracy match their formulas', () => {
    K.set_floatx('float64');
    const x = K.random_normal([5, 3], 0, 1, 'float64', 4);
    const y = K.random_normal([5, 3], 0, 1, 'float64', 5);
    const t = K.constant([[1], [0], [1], [0], [0]], 'float64');
    const dist = euclidean_distance([x, y]);
    const [xs, ys, ts] = [mat(x), mat(y), mat(t)];
    const want = xs.map((r, i) =>
      Math.sqrt(
        Math.max(
          r.reduce((s, v, j) => s + (v - ys[i]![j]!) ** 2, 0),
          1e-7
        )
      )
    );
    mat(dist).forEach((r, i) => close(r[0]!, want[i]!, 1e-12));
    const loss = want.map((dv, i) => (ts[i]![0]! === 1 ? dv * dv : Math.max(1 - dv, 0) ** 2));
    close(K.eval(contrastive_loss(t, dist)).get(), mean(loss), 1e-12);
    const acc = want.filter((dv, i) => (dv < 0.5 ? 1 : 0) === ts[i]![0]!).length / 5;
    close(K.eval(accuracy(t, dist)).get(), acc, 1e-12);
  });

  it('trains the shared network with RMSprop through one K.function, fed the learning phase', () => {
    const { after } = runSiamese({ epochs: 6 });
    expect(after).toBeGreaterThanOrEqual(0.9);
    expect(buildSiamese().weights.length).toBe(6);
  });
});

describe('Keras 2.3.1 conv_filter_visualization.py (examples/keras/conv_filter_visualization.ts)', () => {
  it('normalize is x / (rms(x) + epsilon); the gradient fed images of two sizes matches central differences (float64)', () => {
    K.set_floatx('float64');
    const x = K.random_normal([2, 3], 0, 1, 'float64', 3);
    const xs = mat(x).flat();
    const rms = Math.sqrt(mean(xs.map((v) => v * v)));
    mat(normalize(x))
      .flat()
      .forEach((v, i) => close(v, xs[i]! / (rms + 1e-7), 1e-12));
    const m = vggLike(2);
    const loss = K.mean(K.slice(m.layers.block2_conv2, [0, 0, 0, 1], [-1, -1, -1, 1]));
    const f = K.function([m.input_img], [loss, K.gradients(loss, [m.input_img])[0]!]);
    for (const [h, w] of [
      [6, 6],
      [9, 7],
    ]) {
      const img = K.random_uniform([1, h!, w!, 3], 0, 1, 'float64', h! + w!);
      const [, g] = f([img]);
      const at = (k: number, d: number) => {
        const v = Float64Array.from(K.eval(img).data as Float64Array);
        v[k]! += d;
        return f([K.reshape(K.constant(Array.from(v), 'float64'), [1, h!, w!, 3])])[0]!.get();
      };
      for (const k of [0, 17, h! * w! * 3 - 1]) {
        const fd = (at(k, 1e-6) - at(k, -1e-6)) / 2e-6;
        close((g!.data as Float64Array)[k]!, fd, 1e-6);
      }
    }
  });

  it('gradient ascent through one K.function fed the upscaled image: the activation grows', () => {
    const m = vggLike();
    const r = generate_filter_image(m.input_img, m.layers.block2_conv2, 1);
    expect(r).not.toBeNull();
    expect(r!.sizes).toEqual([
      [13, 13],
      [16, 16],
      [20, 20],
    ]);
    expect(r!.losses.at(-1)!).toBeGreaterThan(r!.losses[0]!);
  });
});

describe('Keras 2.3.1 deep_dream.py (examples/keras/deep_dream.ts)', () => {
  it("crop2 is Python's x[:, 2:-2, 2:-2, :], also on unknown sizes", () => {
    const v = K.reshape(K.arange(0, 2 * 6 * 7, 1, 'float32'), [1, 6, 7, 2]);
    const want = (v.toArray() as number[][][][]).map((b) => b.slice(2, -2).map((r) => r.slice(2, -2)));
    expect(crop2(v).toArray()).toEqual(want);
    const x = K.placeholder([null, null, null, 2]);
    expect(K.function([x], [crop2(x)])([v])[0]!.shape).toEqual([1, 2, 3, 2]);
  });

  it("the loss's gradient, fed images of two sizes, matches central differences along random directions", () => {
    // The source casts its scaling to float32, so the check runs in float32: directional derivatives.
    const { dream, loss } = buildDream(3);
    const f = K.function([dream as K.Placeholder], [loss, K.gradients(loss, [dream])[0]!]);
    for (const [h, w] of [
      [7, 7],
      [10, 8],
    ]) {
      const n = h! * w! * 3;
      const img = Array.from(K.eval(K.random_uniform([n], -1, 1, 'float64', h!)).data as Float64Array);
      const feed = (v: number[]) => [K.reshape(K.constant(v), [1, h!, w!, 3])];
      const [, g] = f(feed(img));
      for (const seed of [1, 2]) {
        const u = Array.from(K.eval(K.random_normal([n], 0, 1, 'float64', seed)).data as Float64Array);
        const at = (t: number) => f(feed(img.map((v, k) => v + t * u[k]!)))[0]!.get();
        const fd = (at(1e-3) - at(-1e-3)) / 2e-3;
        const dir = u.reduce((acc, uk, k) => acc + uk * (g!.data as Float32Array)[k]!, 0);
        expect(Math.abs(fd - dir), `${fd} vs ${dir}`).toBeLessThanOrEqual(2e-2 * Math.abs(dir) + 1e-5);
      }
    }
  });

  it('gradient ascent over three octaves through one K.function: the loss grows at each size', () => {
    const { shapes, losses } = runDream({ iterations: 6 });
    expect(shapes).toEqual([
      [14, 14],
      [20, 20],
      [28, 28],
    ]);
    for (const l of losses) expect(l.at(-1)!).toBeGreaterThan(l[0]!);
  });
});

describe('Keras 2.3.1 lstm_text_generation.py (examples/keras/lstm_text_generation.ts)', () => {
  it("the LSTM layer is Keras's cell (hard_sigmoid gates, unit forget bias) over K.rnn (float64)", () => {
    K.set_floatx('float64');
    const [units, dim, steps] = [3, 4, 5];
    const layer = lstm(dim, units, 7);
    const x = K.random_normal([2, steps, dim], 0, 1, 'float64', 8);
    const got = mat(layer.call(x));
    const [W, U, b] = layer.weights.map((w) => w.toArray()) as [M, M, number[]];
    const hs = (v: number) => Math.min(1, Math.max(0, 0.2 * v + 0.5));
    (x.toArray() as number[][][]).forEach((seq, n) => {
      let h = new Array<number>(units).fill(0);
      let c = new Array<number>(units).fill(0);
      for (const xt of seq) {
        const z = b.map(
          (bj, j) => bj + xt.reduce((s, v, k) => s + v * W[k]![j]!, 0) + h.reduce((s, v, k) => s + v * U[k]![j]!, 0)
        );
        const g = (k: number, u: number) => z[k * units + u]!;
        c = c.map((cu, u) => hs(g(1, u)) * cu + hs(g(0, u)) * Math.tanh(g(2, u)));
        h = c.map((cu, u) => hs(g(3, u)) * Math.tanh(cu));
      }
      h.forEach((v, u) => close(got[n]![u]!, v, 1e-12));
    });
    // The forget gate's bias starts at one, the others at zero.
    expect(b.slice(units, 2 * units)).toEqual([1, 1, 1]);
    expect(b.slice(0, units).concat(b.slice(2 * units))).toEqual(new Array(3 * units).fill(0));
  });

  it('trains with RMSprop through one K.function and generates the text it learnt', () => {
    const { first, last, generated } = runText({ epochs: 8 });
    expect(last).toBeLessThan(0.5 * first);
    expect(generated.startsWith('the quick')).toBe(true);
  });
});

describe('Keras 2.3.1 mnist_swwae.py (examples/keras/mnist_swwae.ts)', () => {
  it("getwhere is the max pooling's switches: one at each window's maximum", () => {
    K.set_floatx('float64');
    const x = K.random_normal([2, 4, 6, 3], 0, 1, 'float64', 12);
    const where = getwhere([x, K.pool2d(x, [2, 2], [2, 2])]).toArray() as number[][][][];
    (x.toArray() as number[][][][]).forEach((img, n) => {
      for (let i = 0; i < 4; i += 2)
        for (let j = 0; j < 6; j += 2)
          for (let c = 0; c < 3; c++) {
            const cells = [
              [i, j],
              [i, j + 1],
              [i + 1, j],
              [i + 1, j + 1],
            ];
            const best = cells.reduce((b, p) => (img[p[0]!]![p[1]!]![c]! > img[b[0]!]![b[1]!]![c]! ? p : b));
            for (const [a, b] of cells) expect(where[n]![a!]![b!]![c]).toBe(a === best[0] && b === best[1] ? 1 : 0);
          }
    });
  });

  it('trains with Adam through one K.function, differentiating the where masks again: the error falls', () => {
    const { first, last } = runSwwae({ epochs: 8 });
    expect(last).toBeLessThan(0.6 * first);
  });
});

describe('Keras 2.3.1 neural_style_transfer.py (examples/keras/neural_style_transfer.ts)', () => {
  it('gram_matrix, style_loss and total_variation_loss match their formulas (float64)', () => {
    K.set_floatx('float64');
    const s = K.random_normal([12, 12, 3], 0, 1, 'float64', 1);
    const c = K.random_normal([12, 12, 3], 0, 1, 'float64', 2);
    const gram = (t: K.Tensor) => {
      const v = t.toArray() as number[][][];
      return [0, 1, 2].map((a) => [0, 1, 2].map((b) => v.flat().reduce((acc, px) => acc + px[a]! * px[b]!, 0)));
    };
    const [gs, gc] = [gram(s), gram(c)];
    mat(gram_matrix(s)).forEach((r, a) => r.forEach((v, b) => close(v, gs[a]![b]!, 1e-12)));
    const sl = gs.flat().reduce((acc, v, k) => acc + (v - gc.flat()[k]!) ** 2, 0) / (4 * 9 * 144 ** 2);
    close(K.eval(style_loss(s, c)).get(), sl, 1e-12);
    const x = K.random_normal([1, 12, 12, 3], 0, 1, 'float64', 3);
    const xv = (x.toArray() as number[][][][])[0]!;
    let tv = 0;
    for (let i = 0; i < 11; i++)
      for (let j = 0; j < 11; j++)
        for (let ch = 0; ch < 3; ch++) {
          const a = (xv[i]![j]![ch]! - xv[i + 1]![j]![ch]!) ** 2;
          const b = (xv[i]![j]![ch]! - xv[i]![j + 1]![ch]!) ** 2;
          tv += (a + b) ** 1.25;
        }
    close(K.eval(total_variation_loss(x)).get(), tv, 1e-12);
  });

  it("the loss's gradient w.r.t. the combination image matches central differences (float64)", () => {
    K.set_floatx('float64');
    const { f_outputs } = buildStyle();
    const x0 = Array.from(K.eval(K.random_uniform([432], -1, 1, 'float64', 5)).data as Float64Array);
    const feed = (v: number[]) => [K.reshape(K.constant(v, 'float64'), [1, 12, 12, 3])];
    const g = f_outputs(feed(x0))[1]!.data as Float64Array;
    for (const k of [0, 200, 431]) {
      const at = (d: number) => f_outputs(feed(x0.map((v, i) => (i === k ? v + d : v))))[0]!.get();
      close(g[k]!, (at(1e-6) - at(-1e-6)) / 2e-6, 1e-6);
    }
  });

  it('L-BFGS on the loss and gradient of one K.function: the loss falls', () => {
    const { losses } = runStyle({ iterations: 2, maxfun: 10 });
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
  });
});

describe('Keras 2.3.1 image_ocr.py (examples/keras/image_ocr.ts)', () => {
  it("Keras's GRU cell over K.rnn, forwards and go_backwards (float64)", () => {
    K.set_floatx('float64');
    const [units, dim, steps] = [3, 2, 4];
    const weights: K.Variable[] = [];
    let seed = 5;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const x = K.random_normal([2, steps, dim], 0, 1, 'float64', 6);
    for (const backwards of [false, true]) {
      const layer = gru(dim, units, next, weights, backwards);
      const got = layer.call(x).toArray() as number[][][];
      const [W, U] = [layer.kernel.map((w) => mat(w)), layer.recurrent.map((w) => mat(w))];
      const hs = (v: number) => Math.min(1, Math.max(0, 0.2 * v + 0.5));
      (x.toArray() as number[][][]).forEach((seq, n) => {
        let h = new Array<number>(units).fill(0);
        const order = backwards ? [...seq].reverse() : seq;
        order.forEach((xt, t) => {
          const proj = (g: number, hv: number[]) =>
            h.map(
              (_, u) =>
                xt.reduce((acc, v, k) => acc + v * W[g]![k]![u]!, 0) +
                hv.reduce((acc, v, k) => acc + v * U[g]![k]![u]!, 0)
            );
          const z = proj(0, h).map(hs);
          const r = proj(1, h).map(hs);
          const hh = proj(
            2,
            h.map((v, u) => r[u]! * v)
          ).map(Math.tanh);
          h = h.map((v, u) => z[u]! * v + (1 - z[u]!) * hh[u]!);
          h.forEach((v, u) => close(got[n]![t]![u]!, v, 1e-12));
        });
      });
    }
  });

  it('trains on the CTC loss computed inside the graph, labels and lengths fed per call: the loss falls', () => {
    const { losses } = runOcr({ steps: 20 });
    const avg = (a: number[]) => mean(a);
    expect(time_steps).toBe(8);
    expect(avg(losses.slice(-5))).toBeLessThan(0.8 * avg(losses.slice(0, 5)));
  });
});
