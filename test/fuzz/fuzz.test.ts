// The fuzzer (test/fuzz/): every exported K function called validly (results
// checked for shape, dtype and against the other device) and with one hostile
// argument at a time (a K error naming the function, nothing changed), each
// case bounded in time in a worker process. A short seeded run here; longer
// ones with `npm run fuzz -- --cases N [--seed S]`.
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { NAMES, runCase, type Subject } from './case.js';
import { Draw, I, T } from './draw.js';
import { hostileFor } from './hostile.js';
import { formatReport, fuzz } from './driver.js';
import { SIGNATURES, type Signature } from './signatures.js';

const DEVICE = (process.env.KTAPE_DEVICE ?? 'cpu') as 'cpu' | 'gpu';
// A fixed seed keeps CI repeatable; KTAPE_FUZZ_SEED tries another.
const SEED = Number(process.env.KTAPE_FUZZ_SEED ?? 20261207);
// Rounds of the whole table: each function gets a third of them as valid calls.
const ROUNDS = DEVICE === 'cpu' ? 60 : 24;

describe('the signature table', () => {
  it('names every exported function, and only those', () => {
    const exported = Object.keys(K)
      .filter((k) => typeof (K as Record<string, unknown>)[k] === 'function' && !/^[A-Z]/.test(k))
      .sort();
    expect(NAMES).toEqual(exported);
    expect(NAMES.length).toBeGreaterThanOrEqual(147);
  });
});

describe('the judge', () => {
  // Planted faults: each must be reported, or the fuzzer could pass over them.
  const bad = (m: string) => new K.ValueError(m);
  const subject: Subject = {
    table: {
      plain_error: { args: (d) => [I(d.int(1, 3))] },
      lenient: { args: (d) => [I(d.int(1, 3))] },
      unnamed: { args: (d) => [I(d.int(1, 3))] },
      state_changer: { args: (d) => [I(d.int(1, 3))] },
      wrong_shape: { args: (d) => [T(d.constant([d.int(1, 3)]))], shape: () => [7] },
    },
    impl: {
      plain_error: (n: unknown) => {
        if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new Error('boom');
        return n;
      },
      lenient: (n: unknown) => n,
      unnamed: (n: unknown) => {
        if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw bad('n is bad');
        return n;
      },
      state_changer: (n: unknown) => {
        if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
          K.set_image_data_format('channels_first');
          throw bad('state_changer: n is bad');
        }
        return n;
      },
      wrong_shape: (x: K.Tensor) => K.exp(x),
    },
  };
  // Rounds 1 and 2 are hostile; round 0 valid (5 functions a round).
  const outcome = (fn: string, round: number) => {
    const i = Object.keys(subject.table).sort().indexOf(fn) + 5 * round;
    return runCase(1, i, undefined, subject);
  };

  it('reports plain JavaScript errors', () => {
    expect(outcome('plain_error', 1)).toMatchObject({
      ok: false,
      why: expect.stringContaining('not a K error: Error: boom'),
    });
  });
  it('reports bad input accepted silently', () => {
    expect(outcome('lenient', 1)).toMatchObject({ ok: false, why: expect.stringContaining('accepted') });
  });
  it('reports a K error that does not name the function', () => {
    expect(outcome('unnamed', 1)).toMatchObject({
      ok: false,
      why: expect.stringContaining('does not start with "unnamed: "'),
    });
  });
  it('reports a failed call that changed state, and puts the state back', () => {
    expect(outcome('state_changer', 2)).toMatchObject({ ok: false, why: expect.stringContaining('format changed') });
    expect(K.image_data_format()).toBe('channels_last');
  });
  it('reports a valid result of the wrong shape', () => {
    expect(outcome('wrong_shape', 0)).toMatchObject({ ok: false, why: expect.stringContaining('expected [7]') });
  });
  it('passes a function that refuses bad input properly', () => {
    expect(outcome('state_changer', 0)).toMatchObject({ ok: true, mode: 'valid' });
  });
});

describe('the driver', () => {
  it('bounds a case that hangs and one that crashes, and goes on after each', async () => {
    const hang = await fuzz({
      seed: 3,
      cases: 4,
      device: 'cpu',
      compare: false,
      timeoutMs: 3000,
      plant: { index: 1, kind: 'hang' },
    });
    expect(hang.cases).toBe(4);
    expect(hang.notOk.map((o) => [o.index, o.why?.slice(0, 4)])).toEqual([[1, 'hang']]);
    const crash = await fuzz({ seed: 3, cases: 4, device: 'cpu', compare: false, plant: { index: 2, kind: 'crash' } });
    expect(crash.cases).toBe(4);
    expect(crash.notOk.map((o) => [o.index, o.why?.slice(0, 5)])).toEqual([[2, 'crash']]);
  }, 120_000);
});

describe(`fuzz run (seed ${SEED}, ${ROUNDS} rounds, ${DEVICE} device)`, () => {
  it('every case is ok: valid calls right, hostile calls a K error naming the function, state unchanged', async () => {
    const r = await fuzz({ seed: SEED, cases: ROUNDS * NAMES.length, device: DEVICE });
    console.log(formatReport(r));
    expect(r.notOk, formatReport(r)).toEqual([]);
    expect(r.cases).toBe(ROUNDS * NAMES.length);
    // Every function was called validly, and each with arguments also with hostile ones.
    for (const fn of NAMES) {
      expect(r.byFunction[fn]?.valid, fn).toBeGreaterThan(0);
      const slots = (SIGNATURES[fn] as Signature).args(Draw.of(1));
      if (slots.some((s) => hostileFor(s).length > 0)) {
        expect(r.byFunction[fn]?.hostile, fn).toBeGreaterThan(0);
      }
    }
    expect(Object.keys(r.classes).length).toBeGreaterThan(40);
  }, 600_000);
});
