// K.dispose and the disposed-tensor error (src/ops/device.ts): one K.ValueError
// naming the function wherever a freed value is used, on either device.
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { expectError } from '../helpers.js';

describe('dispose', () => {
  it('frees a tensor: using or reading it is a K.ValueError naming the function, shape and dtype', () => {
    const t = K.add(K.ones([2, 3]), 1);
    K.dispose(t);
    expectError(() => K.add(t, 1), K.ValueError, 'add:', 'disposed', '(2, 3)', 'float32');
    expectError(() => K.exp(t), K.ValueError, 'exp:', 'disposed');
    expectError(() => K.eval(t), K.ValueError, 'disposed', '(2, 3)');
    K.dispose(t); // twice is fine
  });

  it('never frees a variable, nor the snapshot that shares its value', () => {
    const v = K.variable([1, 2, 3]);
    const y = K.multiply(v, 2);
    K.dispose([v, y]);
    expect(Array.from(K.eval(v).data)).toEqual([1, 2, 3]);
    expect(Array.from(K.eval(K.multiply(v, 3)).data)).toEqual([3, 6, 9]);
  });

  it('refuses what is not a tensor with a K.TypeError naming the argument, and frees nothing', () => {
    const t = K.ones([2]);
    expectError(() => K.dispose(5 as never), K.TypeError, 'dispose:', 'x must be a tensor', 'number 5');
    expectError(() => K.dispose(null as never), K.TypeError, 'dispose:', 'x must be a tensor', 'null');
    expectError(() => K.dispose([t, 2] as never), K.TypeError, 'dispose:', 'x[1] must be a tensor');
    expect(Array.from(K.eval(t).data)).toEqual([1, 1]);
  });

  it('skips placeholders', () => {
    const p = K.placeholder([null, 2]);
    K.dispose(p);
    expect(K.int_shape(p)).toEqual([null, 2]);
  });
});
