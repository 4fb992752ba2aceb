// Sparse tensors (src/ops/sparse.ts and the sparse branches of variable,
// placeholder, K.function, int_shape/ndim/dtype, dot and concatenate).
// Reference values are numpy's, on the dense matrices written inline.
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { expectClose, expectError } from '../helpers.js';

afterEach(() => {
  K.set_floatx('float32');
});

// D = [[0, 1.5, 0, 0], [0, 0, 0, -2], [3, 0, 0.5, 0]] in COO form.
const IDX = [
  [0, 1],
  [1, 3],
  [2, 0],
  [2, 2],
];
const VALS = [1.5, -2, 3, 0.5];
const DENSE = [
  [0, 1.5, 0, 0],
  [0, 0, 0, -2],
  [3, 0, 0.5, 0],
];
const Y = [
  [1, 2],
  [3, 4],
  [5, 6],
  [7, 8],
];
const W = [
  [1, -1],
  [2, 0.5],
  [-3, 1],
];

const sparseD = (dtype: K.DType = 'float32') => K.variable({ indices: IDX, values: VALS, dense_shape: [3, 4] }, dtype);

describe('is_sparse', () => {
  it('doctest: a dense placeholder is not sparse, a sparse one is', () => {
    const a = K.placeholder([2, 2], null, null, false);
    expect(K.is_sparse(a)).toBe(false);
    const b = K.placeholder([2, 2], null, null, true);
    expect(K.is_sparse(b)).toBe(true);
  });

  it('eager tensors, variables and plain values are not sparse; a COO variable is', () => {
    expect(K.is_sparse(K.constant([1, 2]))).toBe(false);
    expect(K.is_sparse(K.variable([1, 2]))).toBe(false);
    expect(K.is_sparse([1, 2])).toBe(false);
    expect(K.is_sparse(sparseD())).toBe(true);
  });
});

describe('to_dense', () => {
  it('doctest: to_dense of a sparse placeholder is not sparse', () => {
    const b = K.placeholder([2, 2], { sparse: true });
    expect(K.is_sparse(b)).toBe(true);
    const c = K.to_dense(b);
    expect(K.is_sparse(c)).toBe(false);
    expect(K.int_shape(c)).toEqual([2, 2]);
  });

  it('scatters the values into zeros (float32 and float64)', () => {
    for (const d of ['float32', 'float64'] as const) {
      const t = K.to_dense(sparseD(d));
      expect(t.dtype).toBe(d);
      expectClose(t, DENSE);
    }
  });

  it('works for rank 1 and rank 3, and with no values at all', () => {
    expectClose(K.to_dense(K.variable({ indices: [[3], [0]], values: [2, 5], dense_shape: [5] })), [5, 0, 0, 2, 0]);
    const r3 = K.to_dense(
      K.variable({
        indices: [
          [1, 0, 2],
          [0, 1, 0],
        ],
        values: [4, -1],
        dense_shape: [2, 2, 3],
      })
    );
    expectClose(r3, [
      [
        [0, 0, 0],
        [-1, 0, 0],
      ],
      [
        [0, 0, 4],
        [0, 0, 0],
      ],
    ]);
    expectClose(K.to_dense(K.variable({ row: [], col: [], data: [], shape: [2, 2] })), [
      [0, 0],
      [0, 0],
    ]);
  });

  it('int32 values stay int32', () => {
    const t = K.to_dense(K.variable({ indices: [[0, 1]], values: [7], dense_shape: [2, 2] }, 'int32'));
    expect(t.dtype).toBe('int32');
    expect(t.toArray()).toEqual([
      [0, 7],
      [0, 0],
    ]);
  });

  it('a dense tensor is returned as is', () => {
    const x = K.constant([[1, 2]]);
    expect(K.to_dense(x)).toBe(x);
  });

  it('gradient w.r.t. values is the upstream gradient at the indices (the dense computation)', () => {
    const sp = sparseD('float64');
    const g = K.gradients(
      K.sum(
        K.multiply(
          K.to_dense(sp),
          K.constant(
            [
              [1, 2, 3, 4],
              [5, 6, 7, 8],
              [9, 10, 11, 12],
            ],
            'float64'
          )
        )
      ),
      [sp.values]
    )[0]!;
    // d/dD of sum(D * M) is M; at IDX: M[0,1], M[1,3], M[2,0], M[2,2].
    expectClose(g, [2, 8, 9, 11]);
  });
});

describe('variable', () => {
  it('a scipy-style COO value (row, col, data, shape) gives a SparseTensor', () => {
    const v = K.variable({ row: [0, 1, 2, 2], col: [1, 3, 0, 2], data: VALS, shape: [3, 4] }, { name: 'sp' });
    expect(v).toBeInstanceOf(K.SparseTensor);
    expect(v.name).toBe('sp');
    expect(v.indices.dtype).toBe('int64');
    expect(v.indices.toArray()).toEqual(IDX);
    expectClose(K.to_dense(v), DENSE);
  });

  it('bad COO values are ValueErrors', () => {
    expectError(
      () => K.variable({ indices: [[0, 4]], values: [1], dense_shape: [3, 4] }),
      K.ValueError,
      'variable',
      'out of bounds',
      '(3, 4)'
    );
    expectError(
      () => K.variable({ indices: [[0, -1]], values: [1], dense_shape: [3, 4] }),
      K.ValueError,
      'variable',
      'out of bounds'
    );
    expectError(
      () => K.variable({ indices: [[0, 1, 0]], values: [1], dense_shape: [3, 4] }),
      K.ValueError,
      'variable',
      'indices must have shape [nnz, 2]'
    );
    expectError(
      () =>
        K.variable({
          indices: [
            [0, 1],
            [1, 1],
          ],
          values: [1],
          dense_shape: [3, 4],
        }),
      K.ValueError,
      'variable',
      '2 positions',
      '1'
    );
    expectError(
      () => K.variable({ indices: [[0, 1]], values: [[1]], dense_shape: [3, 4] }),
      K.ValueError,
      'variable',
      'values must be 1-D'
    );
    expectError(
      () => K.variable({ row: [0, 1], col: [0], data: [1, 2], shape: [2, 2] }),
      K.ValueError,
      'variable',
      'row has 2',
      'col has 1'
    );
    expectError(
      () =>
        K.variable({
          indices: [
            [0, 1],
            [0, 1],
          ],
          values: [1, 2],
          dense_shape: [3, 4],
        }),
      K.ValueError,
      'variable',
      'repeated'
    );
    expectError(
      () => K.variable({ indices: [[0, 1]], values: [1], dense_shape: [3, -4] }),
      K.ValueError,
      'variable',
      'dense shape'
    );
  });
});

describe('placeholder', () => {
  it('sparse=true gives a SparseTensor of placeholders with unknown nnz', () => {
    const p = K.placeholder([3, null], null, 'float64', true, 'sp');
    expect(p).toBeInstanceOf(K.SparseTensor);
    expect(p.name).toBe('sp');
    expect(K.int_shape(p.indices)).toEqual([null, 2]);
    expect(K.int_shape(p.values)).toEqual([null]);
    expect(p.dtype).toBe('float64');
    expect(p.isSymbolic).toBe(true);
  });

  it('to_dense of a placeholder with unknown dense dims is a ValueError', () => {
    const p = K.placeholder([3, null], { sparse: true });
    expectError(() => K.to_dense(p), K.ValueError, 'to_dense', '(3, None)');
  });
});

describe('int_shape', () => {
  it('the dense shape of a sparse tensor, null where unknown', () => {
    expect(K.int_shape(sparseD())).toEqual([3, 4]);
    expect(K.int_shape(K.placeholder([null, 5], { sparse: true }))).toEqual([null, 5]);
  });
});

describe('ndim', () => {
  it('the rank of the dense shape', () => {
    expect(K.ndim(sparseD())).toBe(2);
    expect(K.ndim(K.placeholder(null, 3, null, true))).toBe(3);
  });
});

describe('dtype', () => {
  it("the values' dtype", () => {
    expect(K.dtype(sparseD('float64'))).toBe('float64');
    expect(K.dtype(K.placeholder([2], { sparse: true, dtype: 'int32' }))).toBe('int32');
  });
});

describe('dot', () => {
  it('sparse x dense matches numpy on the dense matrix', () => {
    for (const d of ['float32', 'float64'] as const) {
      const out = K.dot(sparseD(d), K.constant(Y, d));
      expect(out.dtype).toBe(d);
      expectClose(out, [
        [4.5, 6],
        [-14, -16],
        [5.5, 9],
      ]);
    }
  });

  it('gradients w.r.t. values and y match the dense computation (numpy: W @ Y^T at the indices, D^T @ W)', () => {
    const sp = sparseD('float64');
    const y = K.variable(Y, 'float64');
    const loss = K.sum(K.multiply(K.dot(sp, y), K.constant(W, 'float64')));
    const [gv, gy] = K.gradients(loss, [sp.values, y]);
    expectClose(gv!, [-1, 18, -1, -9]);
    expectClose(gy!, [
      [-9, 3],
      [1.5, -1.5],
      [-1.5, 0.5],
      [-4, -1],
    ]);
  });

  it('bad shapes and dtypes are errors naming dot', () => {
    expectError(
      () =>
        K.dot(
          sparseD(),
          K.constant([
            [1, 2],
            [3, 4],
          ])
        ),
      K.ValueError,
      'dot',
      'last axis of x (4)',
      'first axis of y (2)'
    );
    expectError(() => K.dot(sparseD(), K.constant([1, 2, 3, 4])), K.ValueError, 'dot', '2-D');
    expectError(() => K.dot(sparseD('float64'), K.constant(Y, 'float32')), K.TypeError, 'dot', 'float64', 'float32');
    expectError(() => K.dot(K.constant(Y), sparseD() as unknown as K.Tensor), K.TypeError, 'dot', 'y must be dense');
  });
});

describe('concatenate', () => {
  const B = () =>
    K.variable({
      indices: [
        [0, 2],
        [2, 0],
      ],
      values: [7, -1],
      dense_shape: [3, 3],
    });

  it('all sparse: a SparseTensor with shifted indices in row-major order (tf.sparse.concat)', () => {
    const c = K.concatenate([sparseD(), B()], -1);
    expect(K.is_sparse(c)).toBe(true);
    expect(K.int_shape(c)).toEqual([3, 7]);
    expect(c.indices.toArray()).toEqual([
      [0, 1],
      [0, 6],
      [1, 3],
      [2, 0],
      [2, 2],
      [2, 4],
    ]);
    expectClose(c.values, [1.5, 7, -2, 3, 0.5, -1]);
    expectClose(K.to_dense(c), [
      [0, 1.5, 0, 0, 0, 0, 7],
      [0, 0, 0, -2, 0, 0, 0],
      [3, 0, 0.5, 0, -1, 0, 0],
    ]);
  });

  it('all sparse along axis 0', () => {
    const c = K.concatenate([sparseD(), sparseD()], 0);
    expect(K.int_shape(c)).toEqual([6, 4]);
    expectClose(K.to_dense(c), [...DENSE, ...DENSE]);
  });

  it('mixed sparse and dense: densified', () => {
    const c = K.concatenate([sparseD(), K.constant([[1], [2], [3]])], 1);
    expect(K.is_sparse(c)).toBe(false);
    expectClose(c, [
      [0, 1.5, 0, 0, 1],
      [0, 0, 0, -2, 2],
      [3, 0, 0.5, 0, 3],
    ]);
  });

  it('gradient reaches each sparse part in its own order', () => {
    const a = sparseD('float64');
    const b = K.variable(
      {
        indices: [
          [0, 2],
          [2, 0],
        ],
        values: [7, -1],
        dense_shape: [3, 3],
      },
      'float64'
    );
    const c = K.concatenate([a, b], 1);
    const [ga, gb] = K.gradients(K.sum(K.multiply(c.values, K.constant([1, 2, 3, 4, 5, 6], 'float64'))), [
      a.values,
      b.values,
    ]);
    // c.values = [a0, b0, a1, a2, a3, b1].
    expectClose(ga!, [1, 3, 4, 5]);
    expectClose(gb!, [2, 6]);
  });

  it('mismatched dense shapes are ValueErrors', () => {
    expectError(
      () => K.concatenate([sparseD(), B()], 0),
      K.ValueError,
      'concatenate',
      'tensors[1]',
      '(3, 3)',
      '(3, 4)'
    );
    expectError(() => K.concatenate([sparseD(), B()], 2), K.ValueError, 'concatenate', 'axis 2');
  });
});

describe('function', () => {
  it('feeds a sparse placeholder from a COO value, in either form', () => {
    const p = K.placeholder([3, 4], null, null, true);
    const y = K.placeholder([4, 2]);
    const f = K.function([p, y], [K.to_dense(p), K.dot(p, y)]);
    for (const v of [
      { indices: IDX, values: VALS, dense_shape: [3, 4] },
      { row: [0, 1, 2, 2], col: [1, 3, 0, 2], data: VALS, shape: [3, 4] },
    ]) {
      const [dense, prod] = f([v, Y]);
      expectClose(K.constant(dense!), DENSE);
      expectClose(K.constant(prod!), [
        [4.5, 6],
        [-14, -16],
        [5.5, 9],
      ]);
    }
    // A different nnz on the next call.
    const [d2] = f([{ indices: [[2, 3]], values: [9], dense_shape: [3, 4] }, Y]);
    expectClose(K.constant(d2!), [
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 9],
    ]);
  });

  it('concatenate of sparse placeholders, densified at run time', () => {
    const p = K.placeholder([3, 4], { sparse: true });
    const q = K.placeholder([3, 3], { sparse: true });
    const c = K.concatenate([p, q], 1);
    expect(K.int_shape(c)).toEqual([3, 7]);
    const f = K.function([p, q], [K.to_dense(c)]);
    const [d] = f([
      { indices: IDX, values: VALS, dense_shape: [3, 4] },
      {
        indices: [
          [0, 2],
          [2, 0],
        ],
        values: [7, -1],
        dense_shape: [3, 3],
      },
    ]);
    expectClose(K.constant(d!), [
      [0, 1.5, 0, 0, 0, 0, 7],
      [0, 0, 0, -2, 0, 0, 0],
      [3, 0, 0.5, 0, -1, 0, 0],
    ]);
  });

  it('bad sparse feeds are errors', () => {
    const p = K.placeholder([3, 4], { sparse: true });
    const f = K.function([p], [K.to_dense(p)]);
    expectError(() => f([{ indices: [[3, 0]], values: [1], dense_shape: [3, 4] }]), K.ValueError, 'out of bounds');
    expectError(
      () => f([{ indices: [[0, 0]], values: [1], dense_shape: [2, 4] }]),
      K.ValueError,
      'does not fit',
      '(3, 4)'
    );
    expectError(() => f([{ indices: [[0, 0]], values: [1, 2], dense_shape: [3, 4] }]), K.ValueError, 'positions');
    expectError(() => f([[[1, 2, 3, 4]]]), K.TypeError, 'COO');
  });
});
