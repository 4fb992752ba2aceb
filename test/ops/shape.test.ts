import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import ndarray from 'ndarray';
import * as K from '../../src/index.js';
import type { NestedArray } from '../../src/core/tensor.js';
import { expectClose, expectError } from '../helpers.js';

interface Chain {
  x: number[][] | number[][][];
  y?: number[][];
  out: number[][] | number[];
}
const chains = (
  JSON.parse(readFileSync(new URL('../fixtures/linalg.json', import.meta.url), 'utf8')) as {
    chains: Record<string, Chain>;
  }
).chains;

/** 0, 1, 2, ... laid out in `shape`, as a variable. */
function iota(shape: number[], dtype: K.DType = 'float64'): K.Variable {
  let n = 0;
  const build = (d: number): NestedArray =>
    d === shape.length ? n++ : Array.from({ length: shape[d]! }, () => build(d + 1));
  return K.variable(build(0), dtype);
}

/** Reference transpose by index arithmetic: out[i_0..i_n] = x[j] with j[perm[a]] = i[a]. */
function refPermute(x: NestedArray, shape: number[], perm: number[]): NestedArray {
  const at = (idx: number[]): number => idx.reduce<NestedArray>((v, i) => (v as NestedArray[])[i]!, x) as number;
  const outShape = perm.map((p) => shape[p]!);
  const build = (idx: number[]): NestedArray => {
    if (idx.length === outShape.length) {
      const src = new Array<number>(shape.length);
      perm.forEach((p, a) => (src[p] = idx[a]!));
      return at(src);
    }
    return Array.from({ length: outShape[idx.length]! }, (_, i) => build([...idx, i]));
  };
  return build([]);
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)])
  );
}

/** Gradient of sum(f(x) * w) for a fixed w of f(x)'s shape: what the VJP sends back. */
function gradOf(f: (x: K.Tensor) => K.Tensor, x: K.Tensor, w: NestedArray): K.Tensor {
  const [g] = K.gradients(K.sum(K.multiply(f(x), w)), [x]);
  return g!;
}

describe('reshape', () => {
  it('in a graph takes run-time dims, as Keras writes K.reshape(x, (K.shape(x)[0], -1)) (issue 14)', () => {
    const x = K.placeholder([null, 4, 3]);
    const rows = K.reshape(x, [K.gather(K.shape(x), 0), -1]);
    const back = K.reshape(rows, [K.gather(K.shape(rows), 0), 4, -1]);
    const a = K.placeholder([null, null]);
    const swapped = K.reshape(a, [K.gather(K.shape(a), 1), K.gather(K.shape(a), 0)]);
    const [g] = K.gradients(K.sum(K.square(rows)), [x]);
    const f = K.function([x, a], [rows, back, swapped, g!]);
    const v = K.reshape(K.arange(0, 24, 1, 'float32'), [2, 4, 3]);
    const [r, b, s, grad] = f([v, K.ones([2, 5])]);
    expect([r!.shape, b!.shape, s!.shape, grad!.shape]).toEqual([
      [2, 12],
      [2, 4, 3],
      [5, 2],
      [2, 4, 3],
    ]);
    expect(Array.from(grad!.data as Float32Array)).toEqual(Array.from(K.eval(v).data as Float32Array, (t) => 2 * t));
    // A scalar tensor with a value is its value; another tensor's run-time dim cannot be placed.
    expect(K.int_shape(K.reshape(K.ones([2, 6]), [K.constant(3, 'int32'), -1]))).toEqual([3, 4]);
    // Another tensor's run-time dim (one other tensor): K.reshape(y, [K.shape(x)[0], ...]).
    const y = K.placeholder([null, 12]);
    const byX = K.reshape(y, [K.gather(K.shape(x), 0), K.gather(K.shape(x), 1), -1]);
    expect(K.function([x, y], [byX])([v, K.ones([2, 12])])[0]!.shape).toEqual([2, 4, 3]);
    // Dims computed from run-time values (two tensors', or a product): the reshape runs with the graph.
    const merged = K.reshape(x, [K.multiply(K.gather(K.shape(x), 0), K.gather(K.shape(x), 1)), -1]);
    expect(K.int_shape(merged)).toEqual([null, null]);
    const [gm] = K.gradients(K.sum(K.square(merged)), [x]);
    const [mv, gmv] = K.function([x], [merged, gm!])([v]);
    expect([mv!.shape, gmv!.shape]).toEqual([
      [8, 3],
      [2, 4, 3],
    ]);
    expect(Array.from(gmv!.data as Float32Array)).toEqual(Array.from(K.eval(v).data as Float32Array, (t) => 2 * t));
    expectError(() => K.reshape(x, [K.constant(1.5), -1]), K.TypeError, 'reshape', 'shape[0]', 'float32');
  });

  it('doctest: reshapes int32 (4, 3) to (2, 6)', () => {
    const a = K.variable(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
        [10, 11, 12],
      ],
      'int32'
    );
    const r = K.reshape(a, [2, 6]);
    expect(r.shape).toEqual([2, 6]);
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([
      [1, 2, 3, 4, 5, 6],
      [7, 8, 9, 10, 11, 12],
    ]);
  });

  it('infers one -1 dimension', () => {
    const x = iota([2, 6]);
    expect(K.reshape(x, [3, -1]).shape).toEqual([3, 4]);
    expect(K.reshape(x, [-1, 2, 2]).toArray()).toEqual([
      [
        [0, 1],
        [2, 3],
      ],
      [
        [4, 5],
        [6, 7],
      ],
      [
        [8, 9],
        [10, 11],
      ],
    ]);
    expect(K.reshape(x, [-1]).toArray()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('reshapes scalars and empty tensors', () => {
    const one = K.reshape(7, [1, 1]);
    expect(one.toArray()).toEqual([[7]]);
    expect(one.dtype).toBe('float32');
    const s = K.reshape(one, []);
    expect(s.shape).toEqual([]);
    expect(s.toArray()).toBe(7);
    expect(K.reshape(K.reshape([], [0, 3]), [-1, 5]).shape).toEqual([0, 5]);
  });

  it('takes the shape as a 1-D int32 tensor', () => {
    const shape = K.reshape(Int32Array.from([3, 2]), [-1]);
    expect(K.reshape(iota([6]), shape).toArray()).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });

  it('keeps every dtype', () => {
    for (const d of ['float32', 'float64', 'int32', 'int16', 'int8', 'uint8', 'uint16', 'bool'] as const) {
      const r = K.reshape(
        K.variable(
          [
            [1, 0],
            [1, 1],
          ],
          d
        ),
        [4]
      );
      expect(r.dtype).toBe(d);
      expect(r.toArray()).toEqual([1, 0, 1, 1]);
    }
  });

  it('sends the gradient back in the shape of x', () => {
    const x = iota([2, 3]);
    expectClose(
      gradOf((t) => K.reshape(t, [3, -1]), x, [
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      [
        [1, 2, 3],
        [4, 5, 6],
      ]
    );
  });

  it('gives a copy on eval: changing it leaves x as it was', () => {
    const x = iota([2, 3]);
    const e = K.eval(K.reshape(x, [6]));
    e.data[0] = 100;
    expect(x.toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('rejects sizes that do not match, naming both shapes', () => {
    const x = iota([2, 3]);
    expectError(() => K.reshape(x, [4, 2]), K.ValueError, 'reshape', '(2, 3)', '(4, 2)');
    expectError(() => K.reshape(x, [4, -1]), K.ValueError, 'reshape', '(2, 3)', '(4, -1)', 'multiple');
    expectError(() => K.reshape(x, [0, -1]), K.ValueError, 'reshape', '(0, -1)');
    expect(x.toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('rejects two -1s and entries below -1', () => {
    const x = iota([2, 3]);
    expectError(() => K.reshape(x, [-1, -1]), K.ValueError, 'reshape', '(-1, -1)', 'only one');
    expectError(() => K.reshape(x, [-2, -3]), K.ValueError, 'reshape', '(-2, -3)');
  });

  it('rejects a shape that is not a list of integers', () => {
    const x = iota([2, 3]);
    expectError(() => K.reshape(x, 6 as unknown as number[]), K.TypeError, 'reshape', 'shape');
    expectError(() => K.reshape(x, [2, 1.5] as number[]), K.TypeError, 'reshape', 'shape');
    expectError(() => K.reshape(x, [3, null] as unknown as number[]), K.TypeError, 'reshape', 'shape');
    expectError(() => K.reshape(x, K.variable([3, 2])), K.TypeError, 'reshape', 'shape', 'float32');
    expectError(() => K.reshape('abc' as unknown as number, [1]), K.TypeError, 'reshape', 'x');
  });
});

describe('transpose', () => {
  it('doctest: transposes a (2, 3) variable', () => {
    const v = K.variable([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(K.eval(v).shape).toEqual([2, 3]);
    const t = K.transpose(v);
    expect(t.dtype).toBe('float32');
    expect(K.eval(t).shape).toEqual([3, 2]);
    expect(t.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it('doctest: transpose of placeholder((2, 3)) is a KerasTensor of shape (3, 2)', () => {
    const input = K.placeholder([2, 3]);
    expect([K.int_shape(input), K.dtype(input)]).toEqual([[2, 3], 'float32']);
    const inputTransposed = K.transpose(input);
    expect([K.is_keras_tensor(inputTransposed), K.int_shape(inputTransposed), K.dtype(inputTransposed)]).toEqual([
      true,
      [3, 2],
      'float32',
    ]);
    const [out] = K.function(
      [input],
      [inputTransposed]
    )([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ]);
    expect(K.constant(out!).toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it('doctest (eager form): a (2, 3) tensor becomes (3, 2)', () => {
    expect(K.transpose(K.reshape(iota([6]), [2, 3])).shape).toEqual([3, 2]);
  });

  it('reverses all axes of a rank-3 tensor', () => {
    const x = iota([2, 3, 4], 'int32');
    const t = K.transpose(x);
    expect(t.shape).toEqual([4, 3, 2]);
    expect(t.dtype).toBe('int32');
    expect(t.toArray()).toEqual(refPermute(x.toArray(), [2, 3, 4], [2, 1, 0]));
  });

  it('leaves scalars and vectors as they are', () => {
    expect(K.transpose(3).toArray()).toBe(3);
    expect(K.transpose([1, 2, 3]).toArray()).toEqual([1, 2, 3]);
  });

  it('sends the gradient back transposed', () => {
    expectClose(
      gradOf(K.transpose, iota([2, 3]), [
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      [
        [1, 3, 5],
        [2, 4, 6],
      ]
    );
  });

  it('rejects what is not a tensor', () => {
    expectError(() => K.transpose({} as unknown as number), K.TypeError, 'transpose', 'x');
  });
});

describe('permute_dimensions', () => {
  it('doctest: pattern (1, 0) on int32 (4, 3)', () => {
    const a = K.variable(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
        [10, 11, 12],
      ],
      'int32'
    );
    const p = K.permute_dimensions(a, [1, 0]);
    expect(p.dtype).toBe('int32');
    expect(p.toArray()).toEqual([
      [1, 4, 7, 10],
      [2, 5, 8, 11],
      [3, 6, 9, 12],
    ]);
  });

  it('matches index arithmetic for every pattern of ranks 3 and 4', () => {
    for (const shape of [
      [2, 3, 4],
      [2, 1, 3, 2],
    ]) {
      const x = iota(shape);
      for (const perm of permutations(shape.length)) {
        const p = K.permute_dimensions(x, perm);
        expect(p.shape).toEqual(perm.map((i) => shape[i]));
        expect(p.toArray(), JSON.stringify(perm)).toEqual(refPermute(x.toArray(), shape, perm));
      }
    }
  });

  it('takes the pattern as an int32 tensor', () => {
    const x = iota([2, 3, 4]);
    const pattern = K.reshape(Int32Array.from([2, 0, 1]), [3]);
    expect(K.permute_dimensions(x, pattern).toArray()).toEqual(refPermute(x.toArray(), [2, 3, 4], [2, 0, 1]));
  });

  it('sends the gradient back through the inverse pattern', () => {
    const x = iota([2, 3, 4]);
    const w = iota([4, 2, 3]).toArray();
    expectClose(
      gradOf((t) => K.permute_dimensions(t, [2, 0, 1]), x, w),
      refPermute(w, [4, 2, 3], [1, 2, 0])
    );
  });

  it('rejects patterns that are not permutations of the axes', () => {
    const x = iota([2, 3, 4]);
    expectError(
      () => K.permute_dimensions(x, [1, 0]),
      K.ValueError,
      'permute_dimensions',
      'pattern',
      '(1, 0)',
      '(2, 3, 4)'
    );
    expectError(() => K.permute_dimensions(x, [0, 0, 1]), K.ValueError, 'permute_dimensions', 'pattern', '(0, 0, 1)');
    expectError(() => K.permute_dimensions(x, [0, 1, 3]), K.ValueError, 'permute_dimensions', 'pattern');
    expectError(() => K.permute_dimensions(x, [0, 1, -1]), K.ValueError, 'permute_dimensions', 'pattern');
    expectError(() => K.permute_dimensions(x, [0, 1, 2, 3]), K.ValueError, 'permute_dimensions', 'pattern');
    expectError(
      () => K.permute_dimensions(x, 'abc' as unknown as number[]),
      K.TypeError,
      'permute_dimensions',
      'pattern'
    );
    expect(x.shape).toEqual([2, 3, 4]);
  });
});

describe('expand_dims', () => {
  it('adds a last axis by default', () => {
    const x = iota([2, 3], 'int32');
    const e = K.expand_dims(x);
    expect(e.shape).toEqual([2, 3, 1]);
    expect(e.dtype).toBe('int32');
    expect(e.toArray()).toEqual([
      [[0], [1], [2]],
      [[3], [4], [5]],
    ]);
  });

  it('takes every axis in [-rank-1, rank], positionally or by name', () => {
    const x = iota([2, 3]);
    const want: Record<number, number[]> = {
      0: [1, 2, 3],
      1: [2, 1, 3],
      2: [2, 3, 1],
      [-1]: [2, 3, 1],
      [-2]: [2, 1, 3],
      [-3]: [1, 2, 3],
    };
    for (const [axis, shape] of Object.entries(want)) {
      expect(K.expand_dims(x, Number(axis)).shape, `axis ${axis}`).toEqual(shape);
      expect(K.expand_dims(x, { axis: Number(axis) }).shape).toEqual(shape);
    }
    expect(K.expand_dims(x, 1).toArray()).toEqual([[[0, 1, 2]], [[3, 4, 5]]]);
  });

  it('turns a scalar into a vector', () => {
    expect(K.expand_dims(5, 0).toArray()).toEqual([5]);
  });

  it('sends the gradient back without the new axis', () => {
    expectClose(
      gradOf((t) => K.expand_dims(t, 0), iota([3]), [[1, 2, 3]]),
      [1, 2, 3]
    );
  });

  it('rejects axes out of range and unknown options', () => {
    const x = iota([2, 3]);
    expectError(() => K.expand_dims(x, 3), K.ValueError, 'expand_dims', 'axis', '3');
    expectError(() => K.expand_dims(x, -4), K.ValueError, 'expand_dims', 'axis', '-4');
    expectError(() => K.expand_dims(x, 0.5), K.ValueError, 'expand_dims', 'axis');
    expectError(() => K.expand_dims(x, { axes: 0 } as unknown as number), K.TypeError, 'expand_dims', 'axes');
  });
});

describe('squeeze', () => {
  it('removes an axis of size 1', () => {
    const x = K.variable([[[1, 2, 3]], [[4, 5, 6]]], 'int16');
    for (const axis of [1, -2]) {
      const s = K.squeeze(x, axis);
      expect(s.shape).toEqual([2, 3]);
      expect(s.dtype).toBe('int16');
      expect(s.toArray()).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
    }
  });

  it('turns a (1,) vector into a scalar', () => {
    const s = K.squeeze([4], 0);
    expect(s.shape).toEqual([]);
    expect(s.toArray()).toBe(4);
  });

  it('sends the gradient back with the axis restored', () => {
    expectClose(
      gradOf((t) => K.squeeze(t, 0), iota([1, 2]), [7, 8]),
      [[7, 8]]
    );
  });

  it('rejects an axis whose size is not 1', () => {
    const x = iota([2, 1, 3]);
    expectError(() => K.squeeze(x, 0), K.ValueError, 'squeeze', 'axis 0', '(2, 1, 3)', 'size is 2');
    expectError(() => K.squeeze(x, -1), K.ValueError, 'squeeze', 'axis -1', 'size is 3');
    expect(x.shape).toEqual([2, 1, 3]);
  });

  it('rejects a missing or out-of-range axis', () => {
    const x = iota([2, 1, 3]);
    expectError(() => K.squeeze(x, 3), K.ValueError, 'squeeze', 'axis', '3');
    expectError(() => K.squeeze(x, -4), K.ValueError, 'squeeze', 'axis');
    expectError(() => K.squeeze(x, undefined as unknown as number), K.TypeError, 'squeeze', 'axis');
  });
});

describe('slice', () => {
  it('takes a block from the middle of a tensor', () => {
    const x = iota([4, 5]);
    const s = K.slice(x, [1, 2], [2, 2]);
    expect(s.shape).toEqual([2, 2]);
    expect(s.dtype).toBe('float64');
    expect(s.toArray()).toEqual([
      [7, 8],
      [12, 13],
    ]);
  });

  it('reads size -1 as "to the end"', () => {
    const x = iota([4, 5]);
    expect(K.slice(x, [2, 3], [-1, -1]).toArray()).toEqual([
      [13, 14],
      [18, 19],
    ]);
    expect(K.slice(x, [0, 4], [-1, 1]).toArray()).toEqual([[4], [9], [14], [19]]);
  });

  it('slices rank 3, empty blocks and scalars', () => {
    const x = iota([2, 3, 4], 'int32');
    const s = K.slice(x, [1, 1, 1], [1, 2, 2]);
    expect(s.dtype).toBe('int32');
    expect(s.toArray()).toEqual([
      [
        [17, 18],
        [21, 22],
      ],
    ]);
    expect(K.slice(x, [0, 3, 0], [2, 0, 4]).shape).toEqual([2, 0, 4]);
    expect(K.slice(9, [], []).toArray()).toBe(9);
  });

  it('takes start and size as int32 tensors', () => {
    const start = K.reshape(Int32Array.from([1, 2]), [2]);
    const size = K.reshape(Int32Array.from([2, -1]), [2]);
    expect(K.slice(iota([4, 5]), start, size).toArray()).toEqual([
      [7, 8, 9],
      [12, 13, 14],
    ]);
  });

  it('sends the gradient back zero-padded', () => {
    expectClose(
      gradOf((t) => K.slice(t, [1, 1], [1, 2]), iota([3, 4]), [[5, 6]]),
      [
        [0, 0, 0, 0],
        [0, 5, 6, 0],
        [0, 0, 0, 0],
      ]
    );
  });

  it('rejects blocks that do not fit, naming start, size and the shape', () => {
    const x = iota([4, 5]);
    expectError(() => K.slice(x, [3, 0], [2, 5]), K.ValueError, 'slice', '(3, 0)', '(2, 5)', '(4, 5)');
    expectError(() => K.slice(x, [-1, 0], [1, 1]), K.ValueError, 'slice', 'start', '(-1, 0)');
    expectError(() => K.slice(x, [5, 0], [-1, 1]), K.ValueError, 'slice', 'start');
    expectError(() => K.slice(x, [0, 0], [-2, 1]), K.ValueError, 'slice', 'size', '(-2, 1)');
    expectError(() => K.slice(x, [0], [1, 1]), K.ValueError, 'slice', 'one entry per axis');
    expectError(() => K.slice(x, [0, 0], [1]), K.ValueError, 'slice', 'one entry per axis');
    expectError(() => K.slice(x, [0, 0.5], [1, 1]), K.TypeError, 'slice', 'start');
    expectError(() => K.slice(x, [0, 0], 'all' as unknown as number[]), K.TypeError, 'slice', 'size');
    expect(x.toArray()).toEqual(iota([4, 5]).toArray());
  });
});

// The cpu kernels of reshape, transpose and slice return views; these chains
// make the next op meet strided and offset layouts (references from gen_linalg.py).
describe('views in chains', () => {
  const c = (name: string) => chains[name]!;

  it('transpose then reshape (a non-contiguous reshape)', () => {
    const x = K.variable(c('transpose_reshape').x, 'float64');
    expectClose(K.reshape(K.transpose(x), [6, 4]), c('transpose_reshape').out, 0);
    expect(x.shape).toEqual([2, 3, 4]);
  });

  it('permute_dimensions then reshape to -1', () => {
    const x = K.variable(c('permute_reshape').x, 'float64');
    expectClose(K.reshape(K.permute_dimensions(x, [0, 2, 1]), [-1]), c('permute_reshape').out, 0);
  });

  it('slice then transpose then dot', () => {
    const { x, y, out } = c('slice_transpose_dot');
    expectClose(
      K.dot(K.transpose(K.slice(K.variable(x, 'float64'), [1, 1], [2, 3])), K.variable(y!, 'float64')),
      out,
      1e-12
    );
  });

  it('slice then permute_dimensions then reshape then dot', () => {
    const { x, y, out } = c('slice_permute_reshape_dot');
    const s = K.slice(K.variable(x, 'float64'), [1, 1, 1], [2, 2, 3]);
    const r = K.reshape(K.permute_dimensions(s, [2, 0, 1]), [3, 4]);
    expectClose(K.dot(r, K.variable(y!, 'float64')), out, 1e-12);
  });

  it('transpose then expand_dims, squeeze and slice', () => {
    const { x, out } = c('transpose_expand_squeeze');
    const t = K.squeeze(K.expand_dims(K.transpose(K.variable(x, 'float64')), 1), 1);
    expectClose(K.slice(t, [0, 2], [-1, 2]), out, 0);
  });

  it('an ndarray view as input is read through its strides', () => {
    const base = ndarray(
      Float64Array.from({ length: 12 }, (_, i) => i),
      [3, 4]
    )
      .transpose(1, 0)
      .lo(1, 0);
    expect(K.reshape(base, [-1]).toArray()).toEqual([1, 5, 9, 2, 6, 10, 3, 7, 11]);
  });
});
