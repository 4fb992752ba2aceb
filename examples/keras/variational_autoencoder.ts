// Keras 2.3.1's examples/variational_autoencoder.py, ported line by line
// (https://github.com/keras-team/keras/blob/2.3.1/examples/variational_autoencoder.py):
// an MLP encoder to z_mean and z_log_var, the reparameterisation trick with
// `K.random_normal(shape=(K.shape(z_mean)[0], latent_dim))`, an MLP decoder,
// and the loss binary_crossentropy * original_dim + KL, trained with Keras's
// Adam through one K.function built in graph mode, so the noise is drawn anew
// at every step. Layers are written as their math (examples/keras/layers.ts);
// MNIST is replaced by a small synthetic stand-in. The one addition: an
// optional `seed` for the sampling (the source has none), for reproducible tests.
// Run: npx tsx examples/keras/variational_autoencoder.ts
import { pathToFileURL } from 'node:url';
import * as K from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { dense, prototypes } from './layers.js';
import { Adam } from './optimizers.js';

export interface VaeOptions {
  original_dim?: number;
  intermediate_dim?: number;
  latent_dim?: number;
  /** The sampling's seed (null, the source's: unseeded). */
  seed?: number | null;
}

/** keras.losses.binary_crossentropy: the backend's, averaged over the last axis. */
const binary_crossentropy = (y_true: Tensor, y_pred: Tensor) => K.mean(K.binary_crossentropy(y_true, y_pred), -1);

export function build(o: VaeOptions = {}) {
  const original_dim = o.original_dim ?? 64;
  const intermediate_dim = o.intermediate_dim ?? 32;
  const latent_dim = o.latent_dim ?? 2;

  // reparameterization trick: instead of sampling from Q(z|X), sample epsilon = N(0, I),
  // then z = z_mean + sqrt(var) * epsilon
  const sampling = ([z_mean, z_log_var]: [Tensor, Tensor]) => {
    const batch = K.gather(K.shape(z_mean), 0);
    const dim = K.int_shape(z_mean)[1]!;
    // by default, random_normal has mean = 0 and std = 1.0
    const epsilon = K.random_normal([batch, dim], { seed: o.seed ?? null });
    return K.add(z_mean, K.multiply(K.exp(K.multiply(0.5, z_log_var)), epsilon));
  };

  return K.graph_mode(() => {
    // build encoder model
    const inputs = K.placeholder([null, original_dim], null, null, false, 'encoder_input');
    const enc = dense(original_dim, intermediate_dim, 11, 'encoder/dense', K.relu);
    const mean = dense(intermediate_dim, latent_dim, 12, 'z_mean');
    const logVar = dense(intermediate_dim, latent_dim, 13, 'z_log_var');
    const x = enc(inputs);
    const z_mean = mean(x);
    const z_log_var = logVar(x);
    const z = sampling([z_mean, z_log_var]);

    // build decoder model
    const dec = dense(latent_dim, intermediate_dim, 14, 'decoder/dense', K.relu);
    const out = dense(intermediate_dim, original_dim, 15, 'decoder/out', K.sigmoid);
    const decoder = (t: Tensor) => out(dec(t));
    const outputs = decoder(z);

    // VAE loss = mse_loss or xent_loss + kl_loss
    const reconstruction_loss = K.multiply(binary_crossentropy(inputs, outputs), original_dim);
    let kl_loss = K.subtract(K.subtract(K.add(1, z_log_var), K.square(z_mean)), K.exp(z_log_var));
    kl_loss = K.sum(kl_loss, -1);
    kl_loss = K.multiply(kl_loss, -0.5);
    const vae_loss = K.mean(K.add(reconstruction_loss, kl_loss));

    const weights = [enc, mean, logVar, dec, out].flatMap((l) => [l.kernel, l.bias]);
    const updates = new Adam().get_updates(vae_loss, weights);
    const train = K.function([inputs], [vae_loss], updates);
    const encode = K.function([inputs], [z_mean]);
    const sample = K.function([inputs], [z]);
    const latent = K.placeholder([null, latent_dim]);
    const generate = K.function([latent], [decoder(latent)]);
    return { inputs, z_mean, z_log_var, outputs, vae_loss, weights, train, encode, sample, generate };
  });
}

/** vae.fit at a small size: the mean training loss of the first and of the last epoch. */
export function run(o: VaeOptions & { samples?: number; batch_size?: number; epochs?: number } = {}) {
  const m = build(o);
  const data = prototypes(o.samples ?? 120, o.original_dim ?? 64, 4, 5);
  const batch = o.batch_size ?? 20;
  const epochLosses: number[] = [];
  for (let epoch = 0; epoch < (o.epochs ?? 5); epoch++) {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < data.x.length; i += batch, n++) sum += m.train([data.x.slice(i, i + batch)])[0]!.get();
    epochLosses.push(sum / n);
  }
  return { first: epochLosses[0]!, last: epochLosses.at(-1)!, model: m };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { first, last } = run({ epochs: 30 });
  console.log(`vae loss: first epoch ${first.toFixed(3)}, last epoch ${last.toFixed(3)}`);
}
