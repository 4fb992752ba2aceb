// Connectionist temporal classification (Graves et al. 2006): dense labels to
// sparse, the CTC loss and the greedy / beam-search decoders, as keras.backend.
//
// Label and length tensors are read on the host: which states of the CTC
// lattice exist depends on their values, so they must be concrete. The loss is
// the forward (alpha) recursion in log space as recorded K ops over time, so it
// runs on either device and its gradient with respect to y_pred is backprop
// through the recursion. The decoders are CPU-side: both are sequential over
// time with data-dependent branching (beam search keeps a map of prefixes).
import { options } from '../core/args.js';
import { epsilon } from '../core/config.js';
import { fmtShape, keras, typeError, valueError, runningName, showRaw } from '../core/context.js';
import { toFloatTensor, toTensor, type TensorLike } from '../core/convert.js';
import { isFloat, type DType } from '../core/dtype.js';
import { SparseTensor } from '../core/sparse.js';
import { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import { callNode } from '../grad/call.js';

/**
 * Log-space "minus infinity": finite, so exp(NEG - m) underflows to an exact 0
 * and no inf - inf = NaN can reach the values or their gradients.
 */
const NEG = -1e30;

/** Row-major host values of a concrete tensor. */
function hostValues(t: Tensor, arg: string): number[] {
  if (t.isSymbolic)
    throw valueError(
      runningName(),
      `${arg} must have concrete values (they decide the CTC lattice); got a symbolic tensor of shape ${fmtShape(t.shape)}`
    );
  const h = t.host();
  const out: number[] = [];
  const walk = (dim: number, off: number): void => {
    if (dim === h.shape.length) out.push(Number(h.data[off]));
    else for (let i = 0; i < h.shape[dim]!; i++) walk(dim + 1, off + i * h.stride[dim]!);
  };
  walk(0, h.offset);
  return out;
}

function intTensor(x: TensorLike, arg: string): Tensor {
  const t = toTensor(runningName(), x, arg, x instanceof Tensor ? undefined : 'int32');
  if (t.dtype === 'bool')
    throw typeError(runningName(), `${arg} must be integer; got bool of shape ${fmtShape(t.shape)}`);
  return t;
}

function integers(arg: string, vs: number[]): number[] {
  for (const v of vs) if (!Number.isInteger(v)) throw valueError(runningName(), `${arg} must hold integers; got ${v}`);
  return vs;
}

/** Lengths of shape (samples,) or (samples, 1) (ctc_batch_cost's). */
function lengths(x: TensorLike, arg: string, samples: number, allowColumn: boolean, of: string): number[] {
  const t = intTensor(x, arg);
  const ok = t.rank === 1 || (allowColumn && t.rank === 2 && t.shape[1] === 1);
  if (!ok) {
    throw valueError(
      runningName(),
      `${arg} must have shape (samples,)${allowColumn ? ' or (samples, 1)' : ''}; got ${fmtShape(t.shape)}`
    );
  }
  if (t.shape[0] !== samples) {
    throw valueError(
      runningName(),
      `${arg} has ${t.shape[0]} samples but ${of} has ${samples} (shape ${fmtShape(t.shape)})`
    );
  }
  return integers(arg, hostValues(t, arg));
}

/** The labels and their lengths, checked: labels rank 2, lengths within [0, max labels]. */
function denseLabels(
  labels: TensorLike,
  labelLengths: TensorLike,
  larg: string,
  lenArg: string,
  allowColumn: boolean
): { t: Tensor; values: number[]; lens: number[] } {
  const t = intTensor(labels, larg);
  if (t.rank !== 2)
    throw valueError(runningName(), `${larg} must have rank 2 (samples, max_labels); got shape ${fmtShape(t.shape)}`);
  const [b, m] = t.shape as [number, number];
  const lens = lengths(labelLengths, lenArg, b, allowColumn, larg);
  lens.forEach((l, i) => {
    if (l < 0 || l > m)
      throw valueError(
        runningName(),
        `${lenArg}[${i}] = ${l} is outside [0, ${m}] (${larg} has shape ${fmtShape(t.shape)})`
      );
  });
  return { t, values: isFloat(t.dtype) ? integers(larg, hostValues(t, larg)) : hostValues(t, larg), lens };
}

/**
 * Converts dense CTC labels to sparse: the first label_lengths[b] labels of
 * each row b as a SparseTensor (indices int64 [nnz, 2] in row-major order,
 * values of labels' dtype, dense_shape labels' shape), as Keras's
 * scan/boolean_mask construction. Computed on the host from the values, so
 * labels and label_lengths must be concrete (not placeholders).
 *
 * @param labels Dense labels (samples, max_labels), integers.
 * @param label_lengths The number of labels of each sample, (samples,), each in [0, max_labels].
 * @returns A SparseTensor of labels' shape and dtype.
 * @throws K.ValueError when labels is not 2-D, label_lengths has the wrong shape or a length out of
 *   range, a value is not an integer, or a value is symbolic.
 * @throws K.TypeError when labels or label_lengths is bool.
 * @example
 * ```ts
 * const labels = K.constant([[1, 2, 0], [3, 0, 0]], 'int32');
 * const sp = K.ctc_label_dense_to_sparse(labels, K.constant([2, 1], 'int32'));
 * K.eval(sp.indices); // [[0, 0], [0, 1], [1, 0]]
 * K.eval(sp.values); // [1, 2, 3]
 * K.eval(K.to_dense(sp)); // [[1, 2, 0], [3, 0, 0]]
 * ```
 */
export function ctc_label_dense_to_sparse(labels: TensorLike, label_lengths: TensorLike): SparseTensor {
  const fn = 'ctc_label_dense_to_sparse';
  return keras(ctc_label_dense_to_sparse, () => {
    const { t, values, lens } = denseLabels(labels, label_lengths, 'labels', 'label_lengths', false);
    const m = t.shape[1]!;
    const idx: number[][] = [];
    const vals: number[] = [];
    lens.forEach((l, b) => {
      for (let j = 0; j < l; j++) {
        idx.push([b, j]);
        vals.push(values[b * m + j]!);
      }
    });
    const indices = lax.reshape(toTensor(fn, idx.flat(), 'indices', 'int64'), [idx.length, 2]);
    const v = toTensor(fn, vals, 'values', t.dtype);
    return new SparseTensor(indices, v, t.shape.slice());
  });
}

/** y_pred (samples, time, classes), float, with known dims. */
function predictions(y: TensorLike, unknownBatch = false): Tensor {
  const t = toFloatTensor(runningName(), y, 'y_pred');
  if (t.rank !== 3)
    throw valueError(
      runningName(),
      `y_pred must have rank 3 (samples, time_steps, num_categories); got shape ${fmtShape(t.shape)}`
    );
  if (t.shape.some((d, i) => d < 0 && !(unknownBatch && i === 0)))
    throw valueError(
      runningName(),
      `y_pred must have known ${unknownBatch ? 'time steps and categories' : 'dims'}; got shape ${fmtShape(t.shape)}`
    );
  if (t.shape[2]! < 1)
    throw valueError(runningName(), `y_pred needs at least one class (the blank); got shape ${fmtShape(t.shape)}`);
  return t;
}

function inputLengths(x: TensorLike, samples: number, time: number, allowColumn: boolean): number[] {
  const ls = lengths(x, 'input_length', samples, allowColumn, 'y_pred');
  ls.forEach((l, i) => {
    if (l < 0 || l > time)
      throw valueError(runningName(), `input_length[${i}] = ${l} is outside [0, ${time}] (time_steps of y_pred)`);
  });
  return ls;
}

/** Log-sum-exp of same-shaped tensors, elementwise; the max shift is a constant, so every order of derivative is exact. */
function logSumExp(xs: Tensor[]): Tensor {
  let m = xs[0]!;
  for (const x of xs.slice(1)) m = lax.maximum(m, x);
  m = lax.stopGradient(m);
  let s = lax.exp(lax.sub(xs[0]!, m));
  for (const x of xs.slice(1)) s = lax.add(s, lax.exp(lax.sub(x, m)));
  return lax.add(m, lax.log(s));
}

function constant(values: number[] | boolean[], shape: number[], dtype: DType): Tensor {
  return lax.reshape(toTensor(runningName(), values, 'constant', dtype), shape);
}

/**
 * The CTC loss of each sample, (samples, 1): -log p(labels | y_pred), with
 * y_pred (samples, time_steps, num_categories) softmax outputs (log(y_pred +
 * epsilon()) as keras, read as logits by ctc_loss: each step's row is
 * normalised over the classes), blank = num_categories - 1, input_length and
 * label_length of shape (samples, 1) (or (samples,)). As TF's ctc_loss, a
 * label sequence that needs more steps than input_length (its length plus one
 * blank per adjacent repeat) is an error (TF: InvalidArgumentError "Not enough
 * time for target transition sequence"), so the loss is always finite.
 * Concrete labels and lengths are checked on the host. Labels and lengths fed
 * at run time (placeholders, as Keras's image_ocr feeds them; the batch may be
 * unknown too) build the lattice as graph ops: values cannot be checked then,
 * so an invalid label gives a NaN loss and labels that cannot fit their input
 * length +Infinity (-log 0), where TF's kernel fails at run time. The loss is
 * differentiable with respect to y_pred.
 *
 * @param y_true The labels (samples, max_string_length), integers in [0, num_categories - 1).
 * @param y_pred Softmax outputs (samples, time_steps, num_categories), float.
 * @param input_length The number of valid time steps of each sample, (samples, 1) or (samples,).
 * @param label_length The number of labels of each sample, (samples, 1) or (samples,).
 * @returns The loss of each sample, (samples, 1), of y_pred's dtype.
 * @throws K.ValueError when a shape or the number of samples disagrees, or (concrete values) a length is
 *   out of range, a label is the blank or out of range, or the labels do not fit in input_length.
 * @throws K.TypeError when a label or length tensor is bool.
 * @example
 * ```ts
 * // one sample, 2 steps, classes {0, blank}: "0" comes from (0,0), (0,-), (-,0): p = 3/4
 * const yPred = K.constant([[[0.5, 0.5], [0.5, 0.5]]]);
 * const loss = K.ctc_batch_cost(K.constant([[0]], 'int32'), yPred, K.constant([[2]], 'int32'), K.constant([[1]], 'int32'));
 * K.eval(loss); // [[0.28768]] (-log(0.75))
 * ```
 */
export function ctc_batch_cost(
  y_true: TensorLike,
  y_pred: TensorLike,
  input_length: TensorLike,
  label_length: TensorLike
): Tensor {
  const fn = 'ctc_batch_cost';
  return keras(ctc_batch_cost, () => {
    const raw = toFloatTensor(fn, y_pred, 'y_pred');
    if (raw.rank === 3 && raw.shape[1]! < 0) {
      // Time known only when the graph runs: the whole loss is one node run then on the values (as
      // TF's while_loop); concrete labels are checked then, as TF's kernel checks them.
      const parts = [
        raw,
        ...[y_true, input_length, label_length].map((t, i) =>
          intTensor(t, ['y_true', 'input_length', 'label_length'][i]!)
        ),
      ];
      return callNode('ctc_batch_cost', parts, { shape: [raw.shape[0]!, 1], dtype: raw.dtype }, ([p, t, i, l]) =>
        ctc_batch_cost(t!, p!, i!, l!)
      );
    }
    const yp = predictions(y_pred, true);
    const [B, T] = yp.shape as [number, number, number];
    if (T < 1) throw valueError(fn, `y_pred needs at least one time step; got shape ${fmtShape(yp.shape)}`);
    // The seed passes log(y_pred + epsilon) to ctc_loss, which reads its input as
    // logits and normalises them over the classes (a log-softmax): with
    // q = y_pred + epsilon, log_softmax(log q) = log q - log sum_c q.
    const dt = yp.dtype;
    const q = lax.add(yp, lax.scalar(epsilon(), dt));
    const logp = lax.sub(lax.log(q), lax.log(lax.sum(q, [2], true)));
    const symbolic = [y_true, input_length, label_length].some((t) => t instanceof Tensor && t.isSymbolic);
    if (symbolic || B < 0) return lossOf(runTimeLattice(logp, y_true, input_length, label_length), logp);
    return lossOf(hostLattice(logp, y_true, input_length, label_length), logp);
  });
}

/** The CTC lattice of a batch: emission log-probs per state and the masks of the recursion. */
interface Lattice {
  /** (B, T, S) log-probabilities of each state's class at each step. */
  readonly emit: Tensor;
  /** (B, S) where a path may start (at step 0), and the log-alpha of samples with no steps. */
  readonly start: Tensor;
  readonly empty: Tensor;
  /** (B, S) states reachable from two back (a blank skipped between different labels). */
  readonly skip: Tensor;
  /** (B, S) the states a complete path ends in. */
  readonly final: Tensor;
  /** (B, 1) bool: whether step t is within each sample's input_length (null: every sample's is). */
  readonly activeAt: (t: number) => Tensor | null;
  /** (B, 1) bool, false where a sample's labels are invalid (known only at run time): its loss is NaN. */
  readonly valid: Tensor | null;
}

/** The lattice from concrete labels and lengths, checked on the host (invalid ones are errors now). */
function hostLattice(logp: Tensor, y_true: TensorLike, input_length: TensorLike, label_length: TensorLike): Lattice {
  const fn = runningName();
  const [B, T, C] = logp.shape as [number, number, number];
  const { t: yt, values, lens } = denseLabels(y_true, label_length, 'y_true', 'label_length', true);
  if (yt.shape[0] !== B)
    throw valueError(
      fn,
      `y_true has ${yt.shape[0]} samples but y_pred has ${B} (shapes ${fmtShape(yt.shape)} and ${fmtShape(logp.shape)})`
    );
  const ins = inputLengths(input_length, B, T, true);
  const M = yt.shape[1]!;
  const blank = C - 1;
  const labelsOf = (b: number) => values.slice(b * M, b * M + lens[b]!);
  for (let b = 0; b < B; b++) {
    const l = labelsOf(b);
    l.forEach((v, j) => {
      if (v < 0 || v >= blank) {
        throw valueError(
          fn,
          `y_true[${b}, ${j}] = ${v} is not a label: labels must be in [0, ${blank - 1}] (${blank} = num_categories - 1 is the blank)`
        );
      }
    });
    const repeats = l.filter((v, j) => j > 0 && v === l[j - 1]).length;
    if (l.length + repeats > ins[b]!) {
      throw valueError(
        fn,
        `sample ${b}: label_length ${l.length} (with ${repeats} repeat(s) needing a blank between) does not fit in input_length ${ins[b]}`
      );
    }
  }
  // Extended sequence per sample: blank, l1, blank, l2, ..., blank (S = 2M + 1 states).
  const S = 2 * M + 1;
  const ext: number[][] = [];
  for (let b = 0; b < B; b++) {
    const l = labelsOf(b);
    ext.push(Array.from({ length: S }, (_, s) => (s % 2 === 1 && (s - 1) / 2 < l.length ? l[(s - 1) / 2]! : blank)));
  }
  const dt = logp.dtype;
  // Emission log-probs per state: logp (B, T, C) @ one-hot (B, C, S) -> (B, T, S).
  const onehot: number[] = [];
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++) for (let s = 0; s < S; s++) onehot.push(ext[b]![s] === c ? 1 : 0);
  // Before step 0 only the empty prefix (state 0, log 1) exists; a sample of
  // input_length 0 keeps that (its label must then be empty: loss 0).
  const start: boolean[] = [];
  const empty: number[] = [];
  const skip: boolean[] = [];
  const final: boolean[] = [];
  for (let b = 0; b < B; b++) {
    const L = lens[b]!;
    for (let s = 0; s < S; s++) {
      start.push(ins[b]! > 0 && (s === 0 || (s === 1 && L > 0)));
      empty.push(ins[b]! === 0 && s === 0 ? 0 : NEG);
      // s - 2 -> s skips a blank only between different labels.
      skip.push(s % 2 === 1 && s >= 2 && ext[b]![s] !== ext[b]![s - 2]);
      final.push(s === 2 * L || (L > 0 && s === 2 * L - 1));
    }
  }
  return {
    emit: lax.matmul(logp, constant(onehot, [B, C, S], dt)),
    start: constant(start, [B, S], 'bool'),
    empty: constant(empty, [B, S], dt),
    skip: constant(skip, [B, S], 'bool'),
    final: constant(final, [B, S], 'bool'),
    // Past its input_length a sample keeps its alpha: those steps are padding.
    activeAt: (t) => {
      const active = ins.map((n) => t < n);
      return active.every(Boolean) ? null : constant(active, [B, 1], 'bool');
    },
    valid: null,
  };
}

/**
 * The lattice as graph ops on labels and lengths known only when the graph
 * runs (Keras's image_ocr feeds them), or a batch of unknown size. Their shapes
 * are checked now; their values cannot be: a label outside [0, blank) gives a
 * NaN loss and a label sequence that cannot fit its input length +Infinity
 * (-log 0: no path), where TF's kernel raises at run time.
 */
function runTimeLattice(logp: Tensor, y_true: TensorLike, input_length: TensorLike, label_length: TensorLike): Lattice {
  const fn = runningName();
  const [B, , C] = logp.shape as [number, number, number];
  const labels = lax.cast(intTensor(y_true, 'y_true'), 'int32');
  if (labels.rank !== 2)
    throw valueError(fn, `y_true must have rank 2 (samples, max_labels); got shape ${fmtShape(labels.shape)}`);
  const column = (x: TensorLike, arg: string): Tensor => {
    const t = lax.cast(intTensor(x, arg), 'int32');
    if (!(t.rank === 1 || (t.rank === 2 && t.shape[1] === 1)))
      throw valueError(fn, `${arg} must have shape (samples,) or (samples, 1); got ${fmtShape(t.shape)}`);
    return t.rank === 1 ? lax.mergeAxes(t, [[0], []]) : t;
  };
  const L = column(label_length, 'label_length');
  const ins = column(input_length, 'input_length');
  for (const [t, arg] of [
    [labels, 'y_true'],
    [L, 'label_length'],
    [ins, 'input_length'],
  ] as const) {
    if (B >= 0 && t.shape[0]! >= 0 && t.shape[0] !== B)
      throw valueError(fn, `${arg} has ${t.shape[0]} samples but y_pred has ${B} (shape ${fmtShape(t.shape)})`);
  }
  const M = labels.shape[1]!;
  if (M < 0) throw valueError(fn, `y_true must have a known number of labels; got shape ${fmtShape(labels.shape)}`);
  const S = 2 * M + 1;
  const i32 = (v: number) => lax.scalar(v, 'int32');
  const blank = i32(C - 1);
  const j = lax.aranged(M, 1, 2, 'int32');
  const inLabel = lax.less(j, L);
  // Labels past each sample's length are blanks; interleave blanks: (B, M, 2) -> (B, 2M), then a final blank.
  const masked = lax.where(inLabel, labels, blank);
  const blanks = lax.add(lax.mul(masked, i32(0)), blank);
  const pairs = lax.concat([lax.mergeAxes(blanks, [[0], [1], []]), lax.mergeAxes(masked, [[0], [1], []])], 2);
  const blankColumn = lax.add(lax.mul(ins, i32(0)), blank);
  const ext = M === 0 ? blankColumn : lax.concat([lax.mergeAxes(pairs, [[0], [1, 2]]), blankColumn], 1);
  const dt = logp.dtype;
  const onehot = lax.cast(lax.equal(lax.mergeAxes(ext, [[0], [], [1]]), lax.aranged(C, 1, 3, 'int32')), dt);
  const s = lax.aranged(S, 1, 2, 'int32');
  const isS = (k: number) => lax.equal(s, i32(k));
  const and = (a: Tensor, b: Tensor) => lax.mul(lax.cast(a, 'int32'), lax.cast(b, 'int32'));
  const truth = (t: Tensor) => lax.greater(t, i32(0));
  const or = (a: Tensor, b: Tensor) => truth(lax.add(lax.cast(a, 'int32'), lax.cast(b, 'int32')));
  const hasLabels = lax.greater(L, i32(0));
  const started = truth(and(lax.greater(ins, i32(0)), or(isS(0), truth(and(isS(1), hasLabels)))));
  const none = truth(and(lax.equal(ins, i32(0)), isS(0)));
  // s - 2 -> s skips a blank only between different labels (odd s >= 2).
  const oddFrom2 = constant(
    Array.from({ length: S }, (_, k) => k % 2 === 1 && k >= 2),
    [1, S],
    'bool'
  );
  const skip =
    S > 2
      ? truth(
          and(
            oddFrom2,
            lax.notEqual(ext, lax.concat([blankColumn, blankColumn, lax.sliceToEnd(ext, [0, 0], [-1, S - 2])], 1))
          )
        )
      : oddFrom2;
  const twoL = lax.mul(L, i32(2));
  const final = or(lax.equal(s, twoL), truth(and(hasLabels, lax.equal(s, lax.sub(twoL, i32(1))))));
  // Labels in [0, blank) and a lattice that fits: repeats need a blank between.
  const bad = lax.sum(
    lax.cast(and(inLabel, or(lax.less(labels, i32(0)), lax.greaterEqual(labels, blank))), 'int32'),
    [1],
    true
  );
  return {
    emit: lax.matmul(logp, onehot),
    start: started,
    empty: lax.where(none, lax.scalar(0, dt), lax.scalar(NEG, dt)),
    skip,
    final,
    activeAt: (t) => lax.less(i32(t), ins),
    valid: lax.equal(bad, i32(0)),
  };
}

/** -log p(labels | y_pred): the forward recursion in log space over the lattice. */
function lossOf(lat: Lattice, logp: Tensor): Tensor {
  const dt = logp.dtype;
  const T = logp.shape[1]!;
  const { emit } = lat;
  const S = emit.shape[2]!;
  // Shapes of (B, k) whose batch is emit's at run time.
  const neg = (k: number) => lax.broadcastTo(lax.scalar(NEG, dt), [emit.shape[0]!, k], emit);
  const negBS = lax.broadcastTo(lax.scalar(NEG, dt), [emit.shape[0]!, S], lat.start);
  const at = (t: number) => lax.mergeAxes(lax.sliceToEnd(emit, [0, t, 0], [-1, 1, S]), [[0], [1, 2]]);
  let alpha = lax.where(lat.start, at(0), lat.empty);
  for (let t = 1; t < T; t++) {
    const a1 = S > 1 ? lax.concat([neg(1), lax.sliceToEnd(alpha, [0, 0], [-1, S - 1])], 1) : neg(1);
    const terms = [alpha, a1];
    if (S > 2)
      terms.push(lax.where(lat.skip, lax.concat([neg(2), lax.sliceToEnd(alpha, [0, 0], [-1, S - 2])], 1), negBS));
    const next = lax.add(logSumExp(terms), at(t));
    // Past its input_length a sample keeps its alpha: those steps are padding.
    const active = lat.activeAt(t);
    alpha = active === null ? next : lax.where(active, next, alpha);
  }
  const ends = lax.where(lat.final, alpha, negBS);
  const m = lax.stopGradient(lax.max(ends, [1], true));
  let loss = lax.neg(lax.add(m, lax.log(lax.sum(lax.exp(lax.sub(ends, m)), [1], true))));
  if (lat.valid !== null) {
    // Known only at run time: no path (every end at NEG) is -log 0, invalid labels NaN.
    const noPath = lax.lessEqual(m, lax.scalar(NEG / 2, dt));
    loss = lax.where(noPath, lax.scalar(Infinity, dt), loss);
    loss = lax.where(lat.valid, loss, lax.scalar(NaN, dt));
  }
  return loss;
}

export interface CtcDecodeOptions {
  greedy?: boolean;
  beam_width?: number;
  top_paths?: number;
}

/**
 * Decodes softmax outputs y_pred (samples, time_steps, num_categories) with
 * input_length (samples,): returns [decoded, log_probabilities] where decoded
 * holds top_paths int64 tensors (samples, time_steps) padded with -1 and
 * log_probabilities is (samples, top_paths). Greedy (best path): the best class
 * per step, repeats merged, blanks (num_categories - 1) dropped; its log
 * probability is, as TF's greedy decoder, minus the sum of the best log-probs.
 * Beam search: CTC prefix beam search over the log-softmax of log(y_pred +
 * epsilon()) (TF's beam decoder normalises its inputs); as tf.compat.v1's
 * default merge_repeated=True, repeated labels in an output path are merged. A
 * path slot the beam never filled (fewer distinct prefixes than top_paths) is
 * all -1 with log probability -Infinity (probability 0).
 * Runs on the host: both decoders are sequential over time.
 *
 * @param y_pred Softmax outputs (samples, time_steps, num_categories), float, concrete.
 * @param input_length The number of valid time steps of each sample, (samples,).
 * @param greedy Best-path decoding (default true); false uses beam search. This and the following
 *   optional arguments may instead be given as one options object `{ greedy, beam_width, top_paths }`.
 * @param beam_width The beam width of the beam search, default 100.
 * @param top_paths How many of the most probable paths the beam search returns, default 1.
 * @returns `[decoded, log_probabilities]`: top_paths int64 tensors (samples, time_steps) padded with
 *   -1 (one when greedy), and (samples, top_paths).
 * @throws K.ValueError when y_pred is not 3-D, input_length has the wrong shape or a length out of
 *   range, beam_width or top_paths is < 1, or top_paths > beam_width.
 * @throws K.TypeError when greedy is not a boolean, or beam_width or top_paths is not an integer.
 * @example
 * ```ts
 * // 4 steps over classes {0, 1, blank}: best path 0, 0, blank, 1 -> [0, 1]
 * const y = K.constant([[[0.6, 0.3, 0.1], [0.5, 0.1, 0.4], [0.2, 0.2, 0.6], [0.1, 0.8, 0.1]]]);
 * const [decoded, logp] = K.ctc_decode(y, K.constant([4], 'int32'));
 * K.eval(decoded[0]!); // [[0, 1, -1, -1]]
 * K.eval(logp); // [[1.93794]] (-(log 0.6 + log 0.5 + log 0.6 + log 0.8))
 * const [beams] = K.ctc_decode(y, [4], { greedy: false, beam_width: 4, top_paths: 2 });
 * K.eval(beams[1]!); // [[1, 0, 1, -1]] (the second most probable labelling)
 * ```
 */
export function ctc_decode(
  y_pred: TensorLike,
  input_length: TensorLike,
  greedy?: boolean | CtcDecodeOptions,
  beam_width?: number,
  top_paths?: number
): [Tensor[], Tensor] {
  const fn = 'ctc_decode';
  return keras(ctc_decode, () => {
    const o = options<CtcDecodeOptions>(['greedy', 'beam_width', 'top_paths'], [greedy, beam_width, top_paths]);
    const g = o.greedy ?? true;
    const width = o.beam_width ?? 100;
    const paths = o.top_paths ?? 1;
    if (typeof g !== 'boolean') throw typeError(fn, `greedy must be a boolean; got ${showRaw(g)}`);
    for (const [name, v] of [
      ['beam_width', width],
      ['top_paths', paths],
    ] as const) {
      if (typeof v !== 'number' || !Number.isSafeInteger(v))
        throw typeError(fn, `${name} must be an integer; got ${showRaw(v)}`);
      if (v < 1) throw valueError(fn, `${name} must be >= 1; got ${v}`);
    }
    if (!g && paths > width) throw valueError(fn, `top_paths (${paths}) must be <= beam_width (${width})`);
    const yp = predictions(y_pred);
    const [B, T, C] = yp.shape as [number, number, number];
    const ins = inputLengths(input_length, B, T, false);
    const y = hostValues(yp, 'y_pred');
    const eps = epsilon();
    const logRow = (b: number, t: number) =>
      Array.from({ length: C }, (_, c) => Math.log(y[(b * T + t) * C + c]! + eps));
    const blank = C - 1;
    const K = g ? 1 : paths;
    const seqs: number[][][] = []; // [sample][path] -> labels
    const scores: number[][] = [];
    for (let b = 0; b < B; b++) {
      const rows = Array.from({ length: ins[b]! }, (_, t) => logRow(b, t));
      if (g) {
        const [s, lp] = greedyDecode(rows, blank);
        seqs.push([s]);
        scores.push([lp]);
      } else {
        const top = beamDecode(rows, blank, width).slice(0, K);
        seqs.push(Array.from({ length: K }, (_, k) => top[k]?.labels ?? []));
        scores.push(Array.from({ length: K }, (_, k) => top[k]?.logp ?? -Infinity));
      }
    }
    const decoded = Array.from({ length: K }, (_, k) => {
      const flat: number[] = [];
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) flat.push(seqs[b]![k]![t] ?? -1);
      return constant(flat, [B, T], 'int64');
    });
    return [decoded, constant(scores.flat(), [B, K], yp.dtype)];
  });
}

function greedyDecode(rows: number[][], blank: number): [number[], number] {
  const out: number[] = [];
  let prev = -1;
  let sum = 0;
  for (const r of rows) {
    let best = 0;
    for (let c = 1; c < r.length; c++) if (r[c]! > r[best]!) best = c;
    sum += r[best]!;
    if (best !== blank && best !== prev) out.push(best);
    prev = best;
  }
  return [out, -sum];
}

function lse2(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

interface Beam {
  labels: number[];
  blank: number; // log p(prefix, ending in blank)
  label: number; // log p(prefix, ending in its last label)
}

/** Prefix beam search; returns the beams best first with their merged output labels. */
function beamDecode(rows: number[][], blank: number, width: number): { labels: number[]; logp: number }[] {
  let beams: Beam[] = [{ labels: [], blank: 0, label: -Infinity }];
  for (const raw of rows) {
    const mx = Math.max(...raw);
    const z = mx + Math.log(raw.reduce((s, v) => s + Math.exp(v - mx), 0));
    const r = raw.map((v) => v - z);
    const next = new Map<string, Beam>();
    const get = (labels: number[]): Beam => {
      const key = labels.join(',');
      let e = next.get(key);
      if (e === undefined) next.set(key, (e = { labels, blank: -Infinity, label: -Infinity }));
      return e;
    };
    for (const p of beams) {
      const total = lse2(p.blank, p.label);
      const same = get(p.labels);
      same.blank = lse2(same.blank, total + r[blank]!);
      const last = p.labels[p.labels.length - 1];
      if (last !== undefined) same.label = lse2(same.label, p.label + r[last]!);
      for (let c = 0; c < r.length; c++) {
        if (c === blank) continue;
        const child = get([...p.labels, c]);
        // A repeat of the last label only extends through a blank.
        child.label = lse2(child.label, (c === last ? p.blank : total) + r[c]!);
      }
    }
    beams = [...next.values()]
      .filter((e) => lse2(e.blank, e.label) > -Infinity)
      .sort((a, b) => lse2(b.blank, b.label) - lse2(a.blank, a.label))
      .slice(0, width);
  }
  return beams.map((e) => ({
    labels: e.labels.filter((v, i) => i === 0 || v !== e.labels[i - 1]),
    logp: lse2(e.blank, e.label),
  }));
}
