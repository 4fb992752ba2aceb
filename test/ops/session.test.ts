// Sessions and global state: get_session, set_session, clear_session,
// manual_variable_initialization, name_scope, get_uid, reset_uids. ktape has no
// TF session: K.get_session returns a Session describing the default graph's
// generation and the device (see src/ops/session.ts). Doctests: clear_session's
// example 2 (layer names come from get_uid, as Keras layers' do) and get_uid's.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as K from '../../src/index.js';
import { expectClose, expectError, testDevice } from '../helpers.js';

// set_learning_phase's deprecation warning is tested in phase.test.ts; keep it off this file's output.
const quiet = vi.spyOn(process, 'emitWarning');
beforeAll(() => {
  quiet.mockImplementation(() => undefined);
});
afterAll(() => {
  quiet.mockRestore();
});

afterEach(() => {
  K.clear_session();
  K.manual_variable_initialization(false);
});

/** A Keras layer's default name: 'dense', then 'dense_1', ... (base_layer's unique_object_name). */
const layerName = (prefix: string): string => {
  const uid = K.get_uid(prefix);
  return uid === 1 ? prefix : `${prefix}_${uid - 1}`;
};

describe('get_session', () => {
  it('returns one Session until clear_session, then a new one for the new default graph', () => {
    const s = K.get_session();
    expect(s).toBeInstanceOf(K.Session);
    expect(K.get_session()).toBe(s);
    expect(K.get_session([K.constant(1)])).toBe(s);
    K.clear_session();
    const t = K.get_session();
    expect(t).not.toBe(s);
    expect(t.graph).toBe(s.graph + 1);
    expect(t.id).toBeGreaterThan(s.id);
  });

  it('describes the device ops run on and the manual initialization flag', () => {
    const s = K.get_session();
    expect(s.device).toBe(testDevice());
    K.set_device(testDevice() === 'cpu' ? 'gpu' : 'cpu');
    expect(s.device).toBe(K.get_device());
    expect(s.manual_variable_initialization).toBe(false);
    expect(s.toString()).toContain(`graph=${s.graph}`);
  });

  it('rejects an op_input_list that is not a list of tensors (TypeError)', () => {
    expectError(
      () => K.get_session(K.constant(1) as unknown as K.Tensor[]),
      K.TypeError,
      'get_session',
      'op_input_list'
    );
    expectError(
      () => K.get_session([K.constant(1), 2] as unknown as K.Tensor[]),
      K.TypeError,
      'get_session',
      'op_input_list[1]'
    );
  });
});

describe('set_session', () => {
  it('makes a session the global one; null drops it', () => {
    const s = K.get_session();
    K.set_session(null);
    const t = K.get_session();
    expect(t).not.toBe(s);
    K.set_session(s);
    expect(K.get_session()).toBe(s);
  });

  it('a session of a graph that clear_session reset is replaced by get_session, as Keras does', () => {
    const old = K.get_session();
    K.clear_session();
    K.set_session(old);
    const now = K.get_session();
    expect(now).not.toBe(old);
    expect(now.graph).toBe(old.graph + 1);
  });

  it('rejects anything but a Session or null (TypeError), keeping the session', () => {
    const s = K.get_session();
    for (const bad of [{}, 'session', 1, K.constant(1), undefined]) {
      expectError(() => K.set_session(bad as unknown as K.Session), K.TypeError, 'set_session', 'session');
    }
    expect(K.get_session()).toBe(s);
  });
});

describe('clear_session', () => {
  it('doctest (example 2): resets the layer name counter and the learning phase', () => {
    for (let i = 0; i < 10; i++) layerName('dense');
    expect(layerName('dense')).toBe('dense_10');
    K.set_learning_phase(1);
    expect(K.learning_phase()).toBe(1);
    K.clear_session();
    expect(layerName('dense')).toBe('dense');
    expect(K.learning_phase()).toBe(0);
  });

  it('resets uids (placeholder names restart) and keeps the values of tensors and variables', () => {
    K.placeholder([2]);
    const v = K.variable([1, 2]);
    const y = K.multiply(v, 2);
    K.clear_session();
    expect(K.placeholder([2]).name).toBe('placeholder_1');
    expect(K.get_uid('x')).toBe(1);
    expectClose(v, [1, 2]);
    expectClose(y, [2, 4]);
    expectClose(K.add(v, y), [3, 6]);
  });

  it('resets the name scope; a name_scope being run restores its own scope when it returns', () => {
    const names: (string | null)[] = [];
    K.name_scope('outer', () => {
      K.clear_session();
      names.push(K.variable(1).name);
    });
    names.push(K.variable(1).name);
    expect(names).toEqual(['Variable', 'Variable']);
    K.name_scope('a', () =>
      K.name_scope('b', () => {
        K.clear_session();
        names.push(K.variable(1, null, 'v').name);
      })
    );
    expect(names[2]).toBe('v');
  });

  it.runIf(testDevice() === 'gpu')('frees the cached gpu copies of cpu values; they are made again when needed', () => {
    const v = K.variable([
      [1, 2],
      [3, 4],
    ]);
    K.multiply(v, 2);
    expect(v.storage!.copies?.gpu).toBeDefined();
    K.clear_session();
    expect(v.storage!.copies).toBeUndefined();
    expectClose(K.multiply(v, 3), [
      [3, 6],
      [9, 12],
    ]);
  });
});

describe('manual_variable_initialization', () => {
  it('records the flag (ktape variables always hold their value from creation)', () => {
    K.manual_variable_initialization(true);
    expect(K.get_session().manual_variable_initialization).toBe(true);
    const v = K.variable([1, 2]);
    expectClose(v, [1, 2]);
    K.manual_variable_initialization(false);
    expect(K.get_session().manual_variable_initialization).toBe(false);
  });

  it('is not reset by clear_session (Keras keeps it)', () => {
    K.manual_variable_initialization(true);
    K.clear_session();
    expect(K.get_session().manual_variable_initialization).toBe(true);
  });

  it('rejects a non-boolean (TypeError), keeping the flag', () => {
    expectError(
      () => K.manual_variable_initialization(1 as unknown as boolean),
      K.TypeError,
      'manual_variable_initialization',
      'value'
    );
    expect(K.get_session().manual_variable_initialization).toBe(false);
  });
});

describe('name_scope', () => {
  it('refuses an async body (the scope would end at its first await), and restores the scope (issue 15)', () => {
    expect(() => K.name_scope('outer', async () => 1)).toThrow(/name_scope.*promise/);
    expect(K.name_scope('inner', (scope) => scope)).toBe('inner/');
  });

  it('prefixes the names of variables, placeholders and named constants made inside, and passes the scope', () => {
    const got = K.name_scope('block', (scope) => ({
      scope,
      v: K.variable(1).name,
      w: K.variable([1, 2], 'float64', 'w').name,
      z: K.zeros([2], null, 'z').name,
      p: K.placeholder([2], null, null, false, 'x').name,
      q: K.placeholder([2]).name,
      c: K.constant([1, 2], null, null, 'c').name,
    }));
    expect(got).toEqual({
      scope: 'block/',
      v: 'block/Variable',
      w: 'block/w',
      z: 'block/z',
      p: 'block/x',
      q: 'block/placeholder_1',
      c: 'block/c',
    });
    expect(K.variable(1, null, 'w').name).toBe('w');
  });

  it('names op results after the Keras function that made them, as TF names graph ops', () => {
    const x = K.constant([1, 2, 3]);
    const [s, m, d] = K.name_scope('stats', () => [K.add(x, x), K.mean(x), K.dot(K.ones([2, 3]), K.ones([3, 1]))]);
    expect([s.name, m.name, d.name]).toEqual(['stats/add', 'stats/mean', 'stats/dot']);
    expect(K.add(x, x).name).toBeNull();
  });

  it('nests with "/"; a name ending in "/" is absolute; "" or null returns to the top', () => {
    const names: (string | null)[] = [];
    K.name_scope('outer', (s1) => {
      names.push(s1);
      K.name_scope('inner', (s2) => {
        names.push(s2, K.variable(1, null, 'v').name);
        K.name_scope('abs/', (s3) => names.push(s3, K.variable(1, null, 'v').name));
        K.name_scope('', (s4) => names.push(s4, K.variable(1, null, 'v').name));
        K.name_scope(null, (s5) => names.push(s5));
      });
      names.push(K.variable(1, null, 'v').name);
    });
    expect(names).toEqual(['outer/', 'outer/inner/', 'outer/inner/v', 'abs/', 'abs/v', '', 'v', '', 'outer/v']);
  });

  it('takes default_name (positionally or in an options object) and values', () => {
    const x = K.constant(1);
    expect(K.name_scope(null, 'dense', (s) => s)).toBe('dense/');
    expect(K.name_scope(null, { default_name: 'conv', values: [x] }, (s) => s)).toBe('conv/');
    expect(K.name_scope('given', 'dense', [x], (s) => s)).toBe('given/');
    expect(K.name_scope(null, null, [x], (s) => s)).toBe('');
  });

  it('restores the previous scope when the body throws (rethrowing the same error); op errors name the op', () => {
    const boom = new Error('boom');
    let caught: unknown = null;
    try {
      K.name_scope('outer', () =>
        K.name_scope('inner', () => {
          throw boom;
        })
      );
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(boom);
    expect(K.variable(1).name).toBe('Variable');
    expectError(() => K.name_scope('s', () => K.dot(K.ones([2, 3]), K.ones([2, 3]))), K.ValueError, 'dot:');
    expect(K.variable(1).name).toBe('Variable');
  });

  it('rejects bad arguments before entering the scope', () => {
    let called = false;
    const body = () => {
      called = true;
    };
    expectError(() => K.name_scope(3 as unknown as string, body), K.TypeError, 'name_scope', 'name');
    expectError(() => K.name_scope(null, 3 as unknown as string, body), K.TypeError, 'name_scope', 'default_name');
    expectError(() => K.name_scope('a', null, 'x' as unknown as K.Tensor[], body), K.TypeError, 'name_scope', 'values');
    expectError(() => K.name_scope('a', { scope: 'b' } as unknown as string, body), K.TypeError, 'name_scope', 'scope');
    expectError(() => K.name_scope('a', 'b' as unknown as () => void), K.TypeError, 'name_scope', 'function');
    expect(called).toBe(false);
    expect(K.variable(1).name).toBe('Variable');
  });
});

describe('get_uid', () => {
  it('doctest: dense counts 1, 2', () => {
    expect(K.get_uid('dense')).toBe(1);
    expect(K.get_uid('dense')).toBe(2);
  });

  it('restarts after clear_session and after reset_uids, each prefix separately', () => {
    K.get_uid('a');
    K.get_uid('a');
    K.get_uid('b');
    K.clear_session();
    expect([K.get_uid('a'), K.get_uid('b'), K.get_uid('a')]).toEqual([1, 1, 2]);
  });

  it('is not used by sessions: get_session leaves the counters alone', () => {
    K.get_session();
    K.clear_session();
    K.get_session();
    expect(K.get_uid('session')).toBe(1);
    expect(K.get_uid('')).toBe(1);
  });
});

describe('reset_uids', () => {
  it('restarts the counters but, unlike clear_session, keeps the learning phase and the session', () => {
    const s = K.get_session();
    K.set_learning_phase(1);
    K.get_uid('dense');
    K.reset_uids();
    expect(K.get_uid('dense')).toBe(1);
    expect(K.learning_phase()).toBe(1);
    expect(K.get_session()).toBe(s);
  });
});
