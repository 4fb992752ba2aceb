// gmm: the log-posterior of a Gaussian mixture (ADBench's objective: n points
// in d dimensions, k components with log-weights alpha, means mu and inverse
// covariance factors Q_k = diag(exp(q_k)) + L_k, L_k strictly lower
// triangular from l_k in column-major order, under a Wishart prior), and its
// gradient with respect to alpha, mu, q and l by K.gradients.
import * as K from '../../src/index.js';
import { multipleRuns, type Runs } from '../protocol.js';

interface Input extends Runs {
  d: number;
  k: number;
  n: number;
  x: number[][];
  m: number;
  gamma: number;
  alpha: number[];
  mu: number[][];
  q: number[][];
  l: number[][];
}

/** ln Gamma(z) for z > 0 (Lanczos, g = 7): the Wishart prior's constant only, no gradient. */
function lgamma(z: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lgamma(1 - z);
  const x = z - 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The multivariate log-gamma function ln Gamma_p(a). */
function multigammaln(a: number, p: number): number {
  let s = ((p * (p - 1)) / 4) * Math.log(Math.PI);
  for (let j = 1; j <= p; j++) s += lgamma(a + (1 - j) / 2);
  return s;
}

/** Where each entry of a d x d matrix comes from in [0, l_k...]: 0 on and above the diagonal, 1 + l's index below it. */
function lowerIndex(d: number): K.Tensor {
  const at: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  let ii = 0;
  for (let c = 0; c < d; c++) for (let r = c + 1; r < d; r++) at[r]![c] = 1 + ii++;
  return K.constant(at, 'int32');
}

/** log(sum(exp(x))) along `axis`, shifted by the (constant) maximum for range. */
function logsumexp(x: K.Tensor, axis: number): K.Tensor {
  const m = K.stop_gradient(K.max(x, axis, true));
  return K.squeeze(K.add(m, K.log(K.sum(K.exp(K.subtract(x, m)), axis, true))), axis);
}

interface Params {
  alpha: K.Tensor;
  mu: K.Tensor;
  q: K.Tensor;
  l: K.Tensor;
}

function logPosterior(input: Input, x: K.Tensor, p: Params, lower: K.Tensor): K.Tensor {
  const { d, k, n, m, gamma } = input;
  const qdiags = K.exp(p.q);
  const sumQs = K.sum(p.q, 1);
  // L_k: l_k's entries below the diagonal, zeros elsewhere, (k, d, d).
  const padded = K.concatenate([K.zeros([k, 1], 'float64'), p.l], 1);
  const ls = K.reshape(K.gather(K.transpose(padded), lower), [d, d, k]);
  const lsT = K.permute_dimensions(ls, [2, 1, 0]); // (k, d, d): L_k^T
  // x - mu for every point and component, components first: (k, n, d).
  const centered = K.subtract(K.expand_dims(x, 0), K.expand_dims(p.mu, 1));
  // Q_k (x - mu_k) = exp(q_k) * (x - mu_k) + L_k (x - mu_k): rows times L_k^T.
  const lx = K.add(K.multiply(K.expand_dims(qdiags, 1), centered), K.batch_dot(centered, lsT, [2, 1]));
  const inner = K.subtract(K.expand_dims(K.add(p.alpha, sumQs), 1), K.multiply(K.sum(K.square(lx), 2), 0.5));
  const slse = K.sum(logsumexp(inner, 0));
  const constant = -n * d * 0.5 * Math.log(2 * Math.PI);
  // The Wishart prior.
  const nw = d + m + 1;
  const out = K.sum(
    K.subtract(
      K.multiply(K.add(K.sum(K.square(qdiags), 1), K.sum(K.square(p.l), 1)), 0.5 * gamma * gamma),
      K.multiply(sumQs, m)
    )
  );
  const c = nw * d * Math.log(gamma / Math.SQRT2);
  const prior = K.add(K.negative(out), k * (c - multigammaln(0.5 * nw, d)));
  return K.add(K.subtract(K.add(slse, constant), K.multiply(logsumexp(p.alpha, 0), n)), prior);
}

function prepare(input: Input, variables: boolean) {
  const t = (v: number[] | number[][]) => (variables ? K.variable(v, 'float64') : K.constant(v, 'float64'));
  const params = { alpha: t(input.alpha), mu: t(input.mu), q: t(input.q), l: t(input.l) };
  return { x: K.constant(input.x, 'float64'), params, lower: lowerIndex(input.d) };
}

export const objective = multipleRuns((input: Input) => {
  const { x, params, lower } = prepare(input, false);
  return () => K.eval(logPosterior(input, x, params, lower)).get();
});

export const jacobian = multipleRuns((input: Input) => {
  const { x, params, lower } = prepare(input, true);
  const list = [params.alpha, params.mu, params.q, params.l];
  return () => {
    const [alpha, mu, q, l] = K.gradients(logPosterior(input, x, params, lower), list).map((g) => g!.toArray());
    return { alpha, mu, q, l };
  };
});
