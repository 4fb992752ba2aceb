// Keras functions name themselves (src/core/context.ts): `keras(abs, ...)` in
// abs's body, the public name coming from src/index.ts's exports, so errors and
// listings say K.switch, K.function, K.eval, K.var, not kswitch or evaluate.
import { describe, expect, it } from 'vitest';
import { publicNameOf } from '../../src/core/context.js';
import * as K from '../../src/index.js';
import { expectError } from '../helpers.js';

describe('keras function names', () => {
  it('every Keras function is registered under the name it is exported as', () => {
    let named = 0;
    for (const [name, f] of Object.entries(K)) {
      if (typeof f !== 'function') continue;
      const registered = publicNameOf(f);
      if (registered === undefined) continue;
      expect(registered, name).toBe(name);
      named++;
    }
    expect(named).toBeGreaterThan(140);
  });

  it('aliased exports name themselves by their Keras names in errors', () => {
    const first = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as Error).message.split(':')[0];
      }
      return null;
    };
    expect(first(() => K.switch('yes' as unknown as boolean, 1, 2))).toBe('switch');
    expect(first(() => K.function([K.constant([1, 2])] as unknown as K.Placeholder[], []))).toBe('function');
    expect(first(() => K.eval(K.placeholder([2])))).toBe('eval');
    expect(first(() => K.var(K.constant([1, 2]), 3))).toBe('var');
    expectError(() => K.var(K.constant([1, 2]), 3), K.ValueError, 'var:', 'axis');
  });
});
