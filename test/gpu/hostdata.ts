// Host inputs for the gpu-versus-cpu kernel specs: seeded values that fit each
// dtype exactly, laid out contiguously or as strided views.
import ndarray from 'ndarray';
import type { Nd } from '../../src/core/ndarray.js';
import { allocate, type DType } from '../../src/core/dtype.js';
import { sizeOf } from '../../src/core/shape.js';

/** A seeded generator (an LCG: reproducible failures matter more than quality here). */
export function generator(seed: number) {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const uniform = (lo: number, hi: number) => () => lo + (hi - lo) * rand();
  const integers = (lo: number, hi: number) => () => Math.floor(lo + (hi - lo + 1) * rand());
  /** Random values that fit `dtype` exactly (within float32's exact integers). */
  const valuesFor = (dtype: DType): (() => number) => {
    switch (dtype) {
      case 'float32':
      case 'float64':
        return uniform(-10, 10);
      case 'int8':
        return integers(-128, 127);
      case 'uint8':
        return integers(0, 255);
      case 'int16':
        return integers(-32768, 32767);
      case 'uint16':
        return integers(0, 65535);
      case 'int32':
      case 'int64':
        return integers(-(2 ** 22), 2 ** 22);
      case 'bool':
        return integers(0, 1);
    }
  };
  return { rand, uniform, integers, valuesFor };
}

export type Layout = 'plain' | 'transposed' | 'sliced' | 'reversed';
export const LAYOUTS: Layout[] = ['plain', 'transposed', 'sliced', 'reversed'];

/**
 * A host ndarray of `shape` filled by `gen`, laid out as asked: a contiguous
 * array, or a transposed, sliced (offset, gaps) or reversed (negative stride)
 * view of a bigger one.
 */
export function host(shape: readonly number[], dtype: DType, gen: () => number, layout: Layout = 'plain'): Nd {
  const fill = (a: Nd): Nd => {
    for (let i = 0; i < a.data.length; i++) a.data[i] = gen();
    return a;
  };
  const rank = shape.length;
  if (rank === 0 || layout === 'plain') return fill(ndarray(allocate(dtype, sizeOf(shape)), shape.slice()) as Nd);
  if (layout === 'transposed') {
    const rev = shape.slice().reverse();
    const base = fill(ndarray(allocate(dtype, sizeOf(rev)), rev) as Nd);
    return base.transpose(...[...Array(rank).keys()].reverse());
  }
  if (layout === 'sliced') {
    const big = shape.map((d) => d + 2);
    const base = fill(ndarray(allocate(dtype, sizeOf(big)), big) as Nd);
    return base.lo(...shape.map(() => 1)).hi(...shape);
  }
  const base = fill(ndarray(allocate(dtype, sizeOf(shape)), shape.slice()) as Nd);
  return base.step(...shape.map((_, i) => (i === 0 ? -1 : 1)));
}
