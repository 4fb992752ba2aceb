import { describe, it, expect, afterEach } from 'vitest';
import * as K from '../../src/index.js';
import { expectError } from '../helpers.js';

afterEach(() => {
  K.set_epsilon(1e-7);
  K.set_floatx('float32');
  K.set_image_data_format('channels_last');
  K.reset_uids();
});

describe('epsilon', () => {
  it('doctest: 1e-07 by default', () => {
    expect(K.epsilon()).toBe(1e-7);
  });
});

describe('set_epsilon', () => {
  it('doctest: set to 1e-5 and back', () => {
    expect(K.epsilon()).toBe(1e-7);
    K.set_epsilon(1e-5);
    expect(K.epsilon()).toBe(1e-5);
    K.set_epsilon(1e-7);
    expect(K.epsilon()).toBe(1e-7);
  });

  it('rejects values that are not positive finite numbers, keeping the setting', () => {
    K.set_epsilon(1e-4);
    for (const bad of [0, -1e-7, Number.NaN, Number.POSITIVE_INFINITY, '1e-3', null]) {
      expectError(() => K.set_epsilon(bad as number), K.ValueError, 'set_epsilon', 'value');
      expect(K.epsilon()).toBe(1e-4);
    }
  });
});

describe('floatx', () => {
  it("doctest: 'float32' by default", () => {
    expect(K.floatx()).toBe('float32');
  });
});

describe('set_floatx', () => {
  it('doctest: set to float64 and back', () => {
    K.set_floatx('float64');
    expect(K.floatx()).toBe('float64');
    K.set_floatx('float32');
    expect(K.floatx()).toBe('float32');
  });

  it('is the default dtype of numbers, arrays, variables and constants', () => {
    K.set_floatx('float64');
    expect([K.variable(1).dtype, K.constant([1]).dtype, K.zeros([1]).dtype, K.add(1, [2]).dtype]).toEqual([
      'float64',
      'float64',
      'float64',
      'float64',
    ]);
  });

  it('rejects other types (float16 included: typed arrays have none), keeping the setting', () => {
    K.set_floatx('float64');
    for (const bad of ['float16', 'int32', 'float', 'Float32', '', null]) {
      expectError(() => K.set_floatx(bad as string), K.ValueError, 'set_floatx', JSON.stringify(bad));
      expect(K.floatx()).toBe('float64');
    }
  });
});

describe('image_data_format', () => {
  it("doctest: 'channels_last' by default", () => {
    expect(K.image_data_format()).toBe('channels_last');
  });
});

describe('set_image_data_format', () => {
  it('doctest: set to channels_first and back', () => {
    K.set_image_data_format('channels_first');
    expect(K.image_data_format()).toBe('channels_first');
    K.set_image_data_format('channels_last');
    expect(K.image_data_format()).toBe('channels_last');
  });

  it('rejects unknown formats, keeping the setting', () => {
    K.set_image_data_format('channels_first');
    for (const bad of ['channels_middle', 'NHWC', 'CHANNELS_LAST', '', undefined]) {
      expectError(() => K.set_image_data_format(bad as string), K.ValueError, 'set_image_data_format', 'data_format');
      expect(K.image_data_format()).toBe('channels_first');
    }
  });
});

describe('get_uid', () => {
  it('doctest: dense counts 1, 2', () => {
    K.reset_uids();
    expect(K.get_uid('dense')).toBe(1);
    expect(K.get_uid('dense')).toBe(2);
  });

  it('counts each prefix separately, the default prefix too', () => {
    K.reset_uids();
    expect([K.get_uid('conv'), K.get_uid('dense'), K.get_uid('conv'), K.get_uid(), K.get_uid('')]).toEqual([
      1, 1, 2, 1, 2,
    ]);
  });

  it('rejects a non-string prefix', () => {
    expectError(() => K.get_uid(3 as unknown as string), K.TypeError, 'get_uid', 'prefix');
  });
});

describe('reset_uids', () => {
  it('restarts every counter at 1', () => {
    K.get_uid('a');
    K.get_uid('a');
    K.get_uid('b');
    K.reset_uids();
    expect([K.get_uid('a'), K.get_uid('b')]).toEqual([1, 1]);
  });
});

describe('backend', () => {
  it("is 'tensorflow' (API compatibility with multi-backend Keras)", () => {
    expect(K.backend()).toBe('tensorflow');
  });
});
