// core/ndarray.ts's nd(): the library's own view classes, found once per kind
// of typed array and rank, give the same views as ndarray() itself.
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { nd } from '../../src/core/ndarray.js';

const kinds = [Float64Array, Float32Array, Int32Array, Int16Array, Int8Array, Uint8Array, Uint16Array] as const;

describe('nd (ndarray views without per-call type sniffing)', () => {
  it('make the view ndarray() makes, at every rank and kind, row-major or strided', () => {
    for (const Kind of kinds) {
      for (let rank = 0; rank <= 6; rank++) {
        const shape = Array.from({ length: rank }, (_, i) => 2 + (i % 2));
        const size = shape.reduce((p, d) => p * d, 1);
        const data = new Kind(2 * size + 3);
        for (let i = 0; i < data.length; i++) data[i] = i % 100;
        // Twice: the first call finds the class, the second uses it.
        for (let round = 0; round < 2; round++) {
          const plain = nd(data, shape);
          const mine = ndarray(data, shape.slice());
          expect(Object.getPrototypeOf(plain)).toBe(Object.getPrototypeOf(mine));
          expect([plain.shape, plain.stride, plain.offset, plain.dtype, plain.size]).toEqual([
            mine.shape,
            mine.stride,
            mine.offset,
            mine.dtype,
            mine.size,
          ]);
          // Every other element from offset 3, the axes reversed in memory order.
          const stride = shape.map((_, i) => 2 * shape.slice(0, i).reduce((p, d) => p * d, 1));
          const strided = nd(data, shape, stride, 3);
          const ref = ndarray(data, shape.slice(), stride.slice(), 3);
          expect([strided.shape, strided.stride, strided.offset]).toEqual([ref.shape, ref.stride, ref.offset]);
          if (rank > 0) {
            const at = shape.map((d) => d - 1);
            expect(strided.get(...at)).toBe(ref.get(...at));
          } else expect(strided.get()).toBe(ref.get());
        }
      }
    }
  });

  it('keep its own copies of the shape and strides it is given', () => {
    const shape = [2, 3],
      stride = [3, 1];
    const v = nd(new Float64Array(6), shape, stride, 0);
    shape[0] = 9;
    stride[0] = 9;
    expect(v.shape).toEqual([2, 3]);
    expect(v.stride).toEqual([3, 1]);
  });
});
