// K.ctc_label_dense_to_sparse, K.ctc_batch_cost, K.ctc_decode. The seed has
// no doctests for them. Loss and decoder references are brute force from the
// CTC definition: every alignment (path of T classes) is enumerated, collapsed
// (repeats merged, blanks dropped) and its probability summed per label string.
import type { NdArray } from 'ndarray';
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { expectClose, expectError, tolFor } from '../helpers.js';

/** Deterministic softmax rows (samples, T, C) as nested arrays. */
function probs(B: number, T: number, C: number, seed: number, scale = 1.5): number[][][] {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: B }, () =>
    Array.from({ length: T }, () => {
      const e = Array.from({ length: C }, () => Math.exp(scale * (2 * rnd() - 1)));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / z);
    })
  );
}

/** A K.function's [loss, gradient] of ctc_batch_cost equal the eager ones on the same values. */
function expectLikeEager(
  [got, grad]: NdArray[],
  y: K.Tensor,
  [labels, inputLengths, labelLengths]: [number[][], number[][], number[] | number[][]]
): void {
  const args = [
    K.constant(labels, 'int32'),
    y,
    K.constant(inputLengths, 'int32'),
    K.constant(labelLengths, 'int32'),
  ] as const;
  expect(Array.from(got!.data as Float32Array)).toEqual(
    Array.from(K.eval(K.ctc_batch_cost(...args)).data as Float32Array)
  );
  const [want] = K.gradients(K.sum(K.ctc_batch_cost(...args)), [y]);
  expectClose(K.constant(grad!), want!.toArray(), tolFor('float32'));
}

/** Collapse an alignment: merge repeats, drop blanks. */
function collapse(path: number[], blank: number): number[] {
  return path.filter((c, i) => c !== blank && (i === 0 || c !== path[i - 1]));
}

/** Probability of every label string over the first n steps, by enumerating all C^n alignments. */
function labelProbs(rows: number[][], blank: number): Map<string, number> {
  const C = rows[0]!.length;
  const out = new Map<string, number>();
  const n = rows.length;
  for (let code = 0; code < C ** n; code++) {
    const path: number[] = [];
    let p = 1;
    for (let t = 0, k = code; t < n; t++, k = Math.floor(k / C)) {
      path.push(k % C);
      p *= rows[t]![k % C]!;
    }
    const key = collapse(path, blank).join(',');
    out.set(key, (out.get(key) ?? 0) + p);
  }
  return out;
}

const EPS = 1e-7; // K.epsilon()

/** -log p(labels) over all alignments, each step's row log(y + eps) normalised over the classes as ctc_loss does. */
function bruteLoss(rows: number[][], labels: number[]): number {
  const shifted = rows.map((r) => {
    const q = r.map((v) => v + EPS);
    const total = q.reduce((a, b) => a + b, 0);
    return q.map((v) => v / total);
  });
  return -Math.log(labelProbs(shifted, rows[0]!.length - 1).get(labels.join(',')) ?? 0);
}

function col(t: K.Tensor): number[] {
  return (t.toArray() as number[][]).map((r) => r[0]!);
}

describe('ctc_label_dense_to_sparse', () => {
  it('keeps the first label_lengths[b] labels of each row, row-major', () => {
    const labels = K.variable(
      [
        [1, 2, 0],
        [3, 0, 0],
        [4, 5, 6],
      ],
      'int32'
    );
    const sp = K.ctc_label_dense_to_sparse(labels, K.variable([2, 1, 3], 'int32'));
    expect(sp.indices.dtype).toBe('int64');
    expect(sp.indices.toArray()).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [2, 0],
      [2, 1],
      [2, 2],
    ]);
    expect(sp.values.dtype).toBe('int32');
    expect(sp.values.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sp.dense_shape).toEqual([3, 3]);
  });

  it('zero lengths give no entries', () => {
    const sp = K.ctc_label_dense_to_sparse(
      [
        [1, 2],
        [3, 4],
      ],
      [0, 0]
    );
    expect(sp.indices.shape).toEqual([0, 2]);
    expect(sp.values.shape).toEqual([0]);
    expect(sp.dense_shape).toEqual([2, 2]);
  });

  it('bad input -> ValueError naming the argument', () => {
    expectError(
      () => K.ctc_label_dense_to_sparse([1, 2], [1]),
      K.ValueError,
      'ctc_label_dense_to_sparse',
      'labels',
      'rank 2'
    );
    expectError(
      () => K.ctc_label_dense_to_sparse([[1, 2]], [1, 1]),
      K.ValueError,
      'ctc_label_dense_to_sparse',
      'label_lengths',
      'samples'
    );
    expectError(
      () => K.ctc_label_dense_to_sparse([[1, 2]], [3]),
      K.ValueError,
      'ctc_label_dense_to_sparse',
      'label_lengths[0] = 3'
    );
    expectError(
      () => K.ctc_label_dense_to_sparse([[1, 2]], [[1]]),
      K.ValueError,
      'ctc_label_dense_to_sparse',
      'label_lengths',
      '(samples,)'
    );
  });
});

describe('ctc_batch_cost', () => {
  it("normalises each step's log(y_pred + epsilon) over the classes, as ctc_loss reads logits (issue 14)", () => {
    // Rows that do not sum to one: TF gives 1.367 here; the unnormalised log-probabilities gave 0.431.
    const y = [
      [
        [0.2, 0.6, 0.9],
        [0.5, 0.5, 0.5],
      ],
    ];
    const loss = K.ctc_batch_cost(
      K.constant([[0]], 'int32'),
      K.constant(y, 'float64'),
      K.constant([[2]], 'int32'),
      K.constant([[1]], 'int32')
    );
    const got = col(loss)[0]!;
    expect(got).toBeCloseTo(1.367, 3);
    expect(got).toBeCloseTo(bruteLoss(y[0]!, [0]), 12);
  });

  it('matches the brute-force sum over alignments (repeats, label_length < max, input_length < T)', () => {
    const y = probs(4, 5, 4, 7);
    const labels = [
      [1, 1, 0],
      [0, 2, 0],
      [2, 0, 1],
      [1, 0, 0],
    ];
    const lens = [2, 2, 3, 0];
    const ins = [5, 4, 5, 3];
    const loss = K.ctc_batch_cost(
      K.variable(labels, 'int32'),
      K.variable(y, 'float32'),
      ins.map((n) => [n]),
      lens.map((n) => [n])
    );
    expect(loss.shape).toEqual([4, 1]);
    expect(loss.dtype).toBe('float32');
    const got = col(loss);
    for (let b = 0; b < 4; b++) {
      const ref = bruteLoss(y[b]!.slice(0, ins[b]), labels[b]!.slice(0, lens[b]));
      expect(got[b]).toBeCloseTo(ref, 4);
    }
  });

  it('float64 matches tightly; a label that exactly fills input_length with a repeat', () => {
    const y = probs(2, 4, 3, 11);
    const loss = K.ctc_batch_cost(
      [
        [1, 1],
        [0, 1],
      ],
      K.variable(y, 'float64'),
      [[3], [4]],
      [[2], [2]]
    );
    expect(loss.dtype).toBe('float64');
    const got = col(loss);
    expect(got[0]).toBeCloseTo(bruteLoss(y[0]!.slice(0, 3), [1, 1]), 9);
    expect(got[1]).toBeCloseTo(bruteLoss(y[1]!, [0, 1]), 9);
  });

  it('float labels (as Keras models pass them) and input_length 0 with an empty label (loss 0)', () => {
    const y = probs(2, 3, 3, 4);
    const loss = K.ctc_batch_cost(
      K.variable(
        [
          [1, 0],
          [0, 0],
        ],
        'float32'
      ),
      K.variable(y, 'float32'),
      [3, 0],
      [2, 0]
    );
    const got = col(loss);
    expect(got[0]).toBeCloseTo(bruteLoss(y[0]!, [1, 0]), 4);
    expect(got[1]).toBeCloseTo(0, 12);
    expectError(
      () => K.ctc_batch_cost(K.variable([[0.5, 0]], 'float32'), K.variable(probs(1, 3, 3, 4), 'float32'), [3], [1]),
      K.ValueError,
      'ctc_batch_cost',
      'y_true',
      'integers'
    );
  });

  it('symbolic y_pred: the recorded recursion evaluates through K.function', () => {
    const y = probs(2, 4, 3, 9);
    const p = K.placeholder([2, 4, 3]);
    const loss = K.ctc_batch_cost(
      [
        [1, 1],
        [0, 1],
      ],
      p,
      [[4], [3]],
      [[2], [2]]
    );
    expect(loss.isSymbolic).toBe(true);
    const [out] = K.function([p], [loss])([K.variable(y, 'float32')]);
    expect(out!.shape).toEqual([2, 1]);
    const got = [out!.get(0, 0), out!.get(1, 0)];
    expect(got[0]).toBeCloseTo(bruteLoss(y[0]!, [1, 1]), 4);
    expect(got[1]).toBeCloseTo(bruteLoss(y[1]!.slice(0, 3), [0, 1]), 4);
  });

  it('an unknown number of time steps: the loss is computed when the graph runs (values, gradients, checks)', () => {
    const yp = K.placeholder([null, null, 3]);
    const labels = K.placeholder([null, 2], null, 'int32');
    const il = K.placeholder([null, 1], null, 'int32');
    const ll = K.placeholder([null, 1], null, 'int32');
    const loss = K.ctc_batch_cost(labels, yp, il, ll);
    expect(K.int_shape(loss)).toEqual([null, 1]);
    const [g] = K.gradients(K.sum(loss), [yp]);
    const f = K.function([yp, labels, il, ll], [loss, g!]);
    for (const T of [3, 5]) {
      const y = K.variable(probs(2, T, 3, T), 'float32');
      const feeds: [number[][], number[][], number[][]] = [
        [
          [1, 1],
          [0, 1],
        ],
        [[T], [T - 1]],
        [[2], [2]],
      ];
      expectLikeEager(f([y, ...feeds]), y, feeds);
    }
    // Values fed are checked when the graph runs, as TF's kernel does.
    const y2 = K.variable(probs(2, 2, 3, 1), 'float32');
    expectError(
      () =>
        f([
          y2,
          [
            [1, 1],
            [0, 1],
          ],
          [[2], [2]],
          [[2], [2]],
        ]),
      K.ValueError,
      'function',
      'does not fit'
    );
  });

  it('labels and lengths fed at run time, with an unknown batch (as Keras image_ocr): the eager values and gradients (issue 14)', () => {
    const yp = K.placeholder([null, 4, 3]);
    const labels = K.placeholder([null, 2], null, 'int32');
    const il = K.placeholder([null, 1], null, 'int32');
    const ll = K.placeholder([null], null, 'int32');
    const loss = K.ctc_batch_cost(labels, yp, il, ll);
    expect(K.int_shape(loss)).toEqual([null, 1]);
    const [g] = K.gradients(K.sum(loss), [yp]);
    const f = K.function([yp, labels, il, ll], [loss, g!]);
    const y = K.variable(probs(3, 4, 3, 11), 'float32');
    const feeds: [number[][], number[][], number[]] = [
      [
        [1, 1],
        [0, 1],
        [1, 0],
      ],
      [[4], [3], [2]],
      [2, 2, 1],
    ];
    expectLikeEager(f([y, ...feeds]), y, feeds);
    // Values known only at run time cannot be refused when built: a label outside [0, blank) gives NaN,
    // labels that cannot fit their input length +Infinity (-log 0), as TF's kernel fails at run time.
    const [bad] = f([
      y,
      [
        [1, 2],
        [0, 1],
        [1, 1],
      ],
      [[4], [3], [2]],
      [2, 2, 2],
    ]);
    const b = Array.from(bad!.data as Float32Array);
    expect([Number.isNaN(b[0]!), Number.isFinite(b[1]!), b[2]]).toEqual([true, true, Infinity]);
  });

  it('gradient w.r.t. y_pred matches central differences of the brute force (float64)', () => {
    const y = probs(1, 4, 3, 5);
    const v = K.variable(y, 'float64');
    const [g] = K.gradients(K.sum(K.ctc_batch_cost([[0, 1]], v, [[4]], [[2]])), [v]);
    const ga = g!.toArray() as number[][][];
    const h = 1e-6;
    for (let t = 0; t < 4; t++)
      for (let c = 0; c < 3; c++) {
        const up = y[0]!.map((r) => r.slice());
        const dn = y[0]!.map((r) => r.slice());
        up[t]![c]! += h;
        dn[t]![c]! -= h;
        expect(ga[0]![t]![c]).toBeCloseTo((bruteLoss(up, [0, 1]) - bruteLoss(dn, [0, 1])) / (2 * h), 5);
      }
  });

  it('stable for long sequences: T=200 gives a finite loss and finite gradients', () => {
    const v = K.variable(probs(2, 200, 5, 3, 4), 'float32');
    const labels = Array.from({ length: 2 }, (_, b) => Array.from({ length: 60 }, (_, j) => (j * (b + 1)) % 4));
    const loss = K.ctc_batch_cost(labels, v, [[200], [150]], [[60], [40]]);
    const [g] = K.gradients(K.sum(loss), [v]);
    for (const l of col(loss)) {
      expect(Number.isFinite(l)).toBe(true);
      expect(l).toBeGreaterThan(50); // far below float32's smallest positive probability
    }
    const flat = (g!.toArray() as number[][][]).flat(2);
    expect(flat.every(Number.isFinite)).toBe(true);
    expect(flat.some((x) => x !== 0)).toBe(true);
  });

  it('bad input -> ValueError naming function and argument', () => {
    const y = K.variable(probs(2, 3, 3, 1), 'float32');
    const fn = 'ctc_batch_cost';
    expectError(
      () => K.ctc_batch_cost([[0, 2]], K.variable(probs(1, 3, 3, 1), 'float32'), [[3]], [[2]]),
      K.ValueError,
      fn,
      'y_true[0, 1] = 2',
      'blank'
    );
    expectError(
      () =>
        K.ctc_batch_cost(
          [
            [0, -1],
            [0, 0],
          ],
          y,
          [[3], [3]],
          [[2], [1]]
        ),
      K.ValueError,
      fn,
      'y_true[0, 1] = -1'
    );
    expectError(() => K.ctc_batch_cost([[0, 1]], y, [[3], [3]], [[2], [2]]), K.ValueError, fn, 'y_true', 'samples');
    expectError(
      () =>
        K.ctc_batch_cost(
          [
            [0, 1],
            [1, 0],
          ],
          y,
          [[3]],
          [[2], [2]]
        ),
      K.ValueError,
      fn,
      'input_length',
      'samples'
    );
    expectError(
      () =>
        K.ctc_batch_cost(
          [
            [0, 1],
            [1, 0],
          ],
          y,
          [[3], [3]],
          [[2]]
        ),
      K.ValueError,
      fn,
      'label_length',
      'samples'
    );
    expectError(
      () =>
        K.ctc_batch_cost(
          [
            [0, 1],
            [1, 0],
          ],
          y,
          [[3], [4]],
          [[2], [2]]
        ),
      K.ValueError,
      fn,
      'input_length[1] = 4'
    );
    expectError(
      () =>
        K.ctc_batch_cost(
          [
            [0, 1],
            [1, 0],
          ],
          y,
          [[3], [1]],
          [[2], [2]]
        ),
      K.ValueError,
      fn,
      'sample 1',
      'does not fit'
    );
    // A repeat needs a blank between: [1, 1] needs 3 steps.
    expectError(
      () =>
        K.ctc_batch_cost(
          [
            [1, 1],
            [1, 0],
          ],
          y,
          [[2], [3]],
          [[2], [2]]
        ),
      K.ValueError,
      fn,
      'sample 0',
      'repeat'
    );
    expectError(
      () =>
        K.ctc_batch_cost(
          [
            [0, 1],
            [1, 0],
          ],
          [[0.5, 0.5]],
          [[1], [1]],
          [[1], [1]]
        ),
      K.ValueError,
      fn,
      'y_pred',
      'rank 3'
    );
    expectError(() => K.ctc_batch_cost([0, 1], y, [[3], [3]], [[1], [1]]), K.ValueError, fn, 'y_true', 'rank 2');
    expectError(
      () =>
        K.ctc_batch_cost(
          [
            [0, 1],
            [1, 0],
          ],
          y,
          [[3], [3]],
          [[3], [1]]
        ),
      K.ValueError,
      fn,
      'label_length[0] = 3'
    );
  });
});

describe('ctc_decode', () => {
  it('greedy: best class per step, repeats merged, blanks dropped, padded with -1', () => {
    // Classes 0..2, blank 3. Best path sample 0: 1 1 3 1 0 -> [1, 1, 0]; sample 1 (3 steps): 2 3 3 -> [2].
    const P = (c: number) => [0, 1, 2, 3].map((k) => (k === c ? 0.7 : 0.1));
    const y = [
      [P(1), P(1), P(3), P(1), P(0)],
      [P(2), P(3), P(3), P(0), P(0)],
    ];
    const [dec, lp] = K.ctc_decode(K.variable(y, 'float32'), [5, 3]);
    expect(dec.length).toBe(1);
    expect(dec[0]!.dtype).toBe('int64');
    expect(dec[0]!.toArray()).toEqual([
      [1, 1, 0, -1, -1],
      [2, -1, -1, -1, -1],
    ]);
    expect(lp.shape).toEqual([2, 1]);
    const l7 = Math.log(0.7 + EPS);
    expect(col(lp)[0]).toBeCloseTo(-5 * l7, 4);
    expect(col(lp)[1]).toBeCloseTo(-3 * l7, 4);
  });

  it('beam search finds the most probable label strings (brute force), top_paths and their log probabilities', () => {
    const y = probs(2, 4, 3, 21, 1);
    const ins = [4, 3];
    const [dec, lp] = K.ctc_decode(K.variable(y, 'float64'), ins, false, 50, 3);
    expect(dec.length).toBe(3);
    expect(lp.shape).toEqual([2, 3]);
    const lpa = lp.toArray() as number[][];
    for (let b = 0; b < 2; b++) {
      const rows = y[b]!.slice(0, ins[b]).map((r) => {
        const z = r.reduce((a, v) => a + v + EPS, 0);
        return r.map((v) => (v + EPS) / z);
      });
      const ranked = [...labelProbs(rows, 2).entries()].sort((a, b2) => b2[1] - a[1]);
      for (let k = 0; k < 3; k++) {
        const labels = ranked[k]![0] === '' ? [] : ranked[k]![0].split(',').map(Number);
        // tf.compat.v1's default merge_repeated=True merges repeats in the output.
        const want = labels.filter((v, i) => i === 0 || v !== labels[i - 1]);
        const row = (dec[k]!.toArray() as number[][])[b]!;
        expect(row.slice(0, want.length)).toEqual(want);
        expect(row.slice(want.length).every((v) => v === -1)).toBe(true);
        expect(lpa[b]![k]).toBeCloseTo(Math.log(ranked[k]![1]), 6);
      }
    }
  });

  it('fewer distinct prefixes than top_paths: the extra path is all -1 with log probability -Infinity', () => {
    const [dec, lp] = K.ctc_decode(K.variable([[[0.3, 0.7]]], 'float64'), [1], false, 3, 3);
    expect(dec.map((d) => d.toArray())).toEqual([[[-1]], [[0]], [[-1]]]);
    const l = (lp.toArray() as number[][])[0]!;
    expect(l[0]).toBeCloseTo(Math.log((0.7 + EPS) / (1 + 2 * EPS)), 9);
    expect(l[1]).toBeCloseTo(Math.log((0.3 + EPS) / (1 + 2 * EPS)), 9);
    expect(l[2]).toBe(-Infinity);
  });

  it('options object; beam_width=1 still decodes', () => {
    const y = probs(1, 3, 3, 2);
    const [dec] = K.ctc_decode(y, [3], { greedy: false, beam_width: 1 });
    expect(dec[0]!.shape).toEqual([1, 3]);
    const [g] = K.ctc_decode(y, [3], { greedy: true });
    expect(g[0]!.shape).toEqual([1, 3]);
  });

  it('bad input -> ValueError / TypeError naming the argument', () => {
    const y = probs(2, 3, 3, 1);
    const fn = 'ctc_decode';
    expectError(() => K.ctc_decode(y, [3]), K.ValueError, fn, 'input_length', 'samples');
    expectError(() => K.ctc_decode(y, [3, 4]), K.ValueError, fn, 'input_length[1] = 4');
    expectError(() => K.ctc_decode(y, [[3], [3]]), K.ValueError, fn, 'input_length', '(samples,)');
    expectError(() => K.ctc_decode(y, [3, 3], false, 2, 3), K.ValueError, fn, 'top_paths');
    expectError(() => K.ctc_decode(y, [3, 3], false, 0), K.ValueError, fn, 'beam_width');
    expectError(() => K.ctc_decode(y, [3, 3], false, 1.5), K.TypeError, fn, 'beam_width');
    expectError(() => K.ctc_decode([[0.5, 0.5]], [1]), K.ValueError, fn, 'y_pred', 'rank 3');
    expectError(() => K.ctc_decode(y, [3, 3], { beam: 3 } as never), K.TypeError, fn);
  });
});
