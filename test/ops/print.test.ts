// print_tensor (src/ops/print.ts): what it writes, as tf.print, and that it passes x through.
import ndarray from 'ndarray';
import type { DType } from '../../src/core/dtype.js';
import { describe, expect, it, vi } from 'vitest';
import * as K from '../../src/index.js';
import { expectClose, expectError } from '../helpers.js';

/** A tensor holding 0, 1, 2, ... in row-major order. */
const range = (shape: number[], dtype: DType = 'float32') =>
  K.constant(
    ndarray(
      Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i),
      shape
    ),
    dtype
  );

describe('print_tensor', () => {
  /** What print_tensor writes to stdout while `f` runs. */
  function printed(f: () => unknown): string[] {
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      f();
      return spy.mock.calls.map((c) => String(c[0]));
    } finally {
      spy.mockRestore();
    }
  }

  it('doctest: returns x unchanged, and prints it as tf.print does', () => {
    const x = K.constant([
      [1.0, 2.0],
      [3.0, 4.0],
    ]);
    let y: K.Tensor | null = null;
    const out = printed(() => (y = K.print_tensor(x)));
    expect(y!.dtype).toBe('float32');
    expect(y!.shape).toEqual([2, 2]);
    expectClose(y!, [
      [1, 2],
      [3, 4],
    ]);
    // tf.print(message, x): message '' and the tensor, joined by a space.
    expect(out).toEqual([' [[1 2]\n [3 4]]\n']);
  });

  it('shows the first and last `summarize` entries of each axis', () => {
    expect(printed(() => K.print_tensor(range([10]), 'v:'))).toEqual(['v: [0 1 2 ... 7 8 9]\n']);
    expect(printed(() => K.print_tensor(range([10]), 'v:', 2))).toEqual(['v: [0 1 ... 8 9]\n']);
    expect(printed(() => K.print_tensor(range([10]), { summarize: -1 }))).toEqual([' [0 1 2 3 4 5 6 7 8 9]\n']);
    expect(printed(() => K.print_tensor(range([5, 5]), 'm', 1))).toEqual(['m [[0 ... 4]\n ...\n [20 ... 24]]\n']);
    expect(printed(() => K.print_tensor(range([2, 2, 2]), 't', null))).toEqual([
      't [[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]\n',
    ]);
  });

  it('prints each dtype as TensorFlow does', () => {
    const p = (x: K.Tensor) => printed(() => K.print_tensor(x, 'x'))[0];
    expect(p(K.constant([1 / 3, 0.1, 1234567, 1e20], 'float32'))).toBe('x [0.333333343 0.1 1234567 1e+20]\n');
    expect(p(K.constant([1 / 3, 1e-10, 2.5], 'float64'))).toBe('x [0.33333333333333331 1e-10 2.5]\n');
    expect(p(K.constant([NaN, Infinity, -Infinity], 'float32'))).toBe('x [nan inf -inf]\n');
    expect(p(K.constant([-3, 0, 7], 'int32'))).toBe('x [-3 0 7]\n');
    expect(p(K.constant([true, false], 'bool'))).toBe('x [1 0]\n');
    expect(p(K.constant(5, 'int8'))).toBe('x 5\n');
    expect(p(K.zeros([0]))).toBe('x []\n');
  });

  it('prints a variable and a computed tensor, once per evaluation', () => {
    const v = K.variable([1.5, -2]);
    expect(printed(() => K.print_tensor(v, 'v ='))).toEqual(['v = [1.5 -2]\n']);
    expect(printed(() => K.print_tensor(K.multiply(v, 2), 'twice'))).toEqual(['twice [3 -4]\n']);
  });

  it('lets gradients through (of any order) without printing again', () => {
    const x = K.variable([1, 2, 3], 'float64');
    let g: K.Tensor | null | undefined = null;
    let h: K.Tensor | null | undefined = null;
    const out = printed(() => {
      const y = K.print_tensor(x, 'x');
      [g] = K.gradients(K.sum(K.multiply(y, K.multiply(y, y))), [x]);
      [h] = K.gradients(K.sum(g!), [x]);
    });
    expect(out).toEqual(['x [1 2 3]\n']);
    expectClose(g!, [3, 12, 27]);
    expectClose(h!, [6, 12, 18]);
  });

  it('rejects a non-string message, a non-integer summarize and unknown options', () => {
    const x = K.constant([1]);
    expectError(() => K.print_tensor(x, 3 as never), K.TypeError, 'print_tensor:', 'message');
    expectError(() => K.print_tensor(x, 'm', 2.5), K.TypeError, 'print_tensor:', 'summarize', '2.5');
    expectError(() => K.print_tensor(x, { msg: 'a' } as never), K.TypeError, 'print_tensor:', 'unknown option "msg"');
  });
});
