// The proof by use of issue 6: examples/lstm.ts (eager) and
// examples/lstm_graph.ts (placeholders and K.function with updates) train a
// K-op LSTM through K.rnn with a mask; briefly here, checking the loss falls.
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { lossOf, makeData, makeParams, train } from '../../examples/lstm.js';
import { train as trainGraph } from '../../examples/lstm_graph.js';

const STEPS = 20;
// The eager run, shared by both examples' tests (a few seconds on the gpu device).
let eagerRun: number[] | null = null;
const eager = () => (eagerRun ??= train(STEPS));

function expectFalling(losses: number[]): void {
  expect(losses).toHaveLength(STEPS);
  expect(losses.every(Number.isFinite)).toBe(true);
  const head = losses.slice(0, 3).reduce((p, q) => p + q, 0) / 3;
  const tail = losses.slice(-3).reduce((p, q) => p + q, 0) / 3;
  expect(tail).toBeLessThan(0.25 * head);
}

describe('examples/lstm', () => {
  it('the masked padding does not change the loss', () => {
    const data = makeData();
    const p = makeParams();
    const flipped = data.x.map((row, s) => row.map(([b], t) => [data.mask[s]![t] ? b! : 1 - b!]));
    const a = K.eval(lossOf(p, K.constant(data.x), K.constant(data.mask), K.constant(data.y))).get();
    const b = K.eval(lossOf(p, K.constant(flipped), K.constant(data.mask), K.constant(data.y))).get();
    expect(b).toBe(a);
    const unmasked = K.eval(
      lossOf(p, K.constant(flipped), K.ones([data.x.length, data.mask[0]!.length]), K.constant(data.y))
    ).get();
    expect(unmasked).not.toBe(a);
  });

  it(`trains eagerly: ${STEPS} Adam steps make the loss fall`, () => {
    expectFalling(eager());
  });
});

describe('examples/lstm_graph', () => {
  it(`trains through K.function with updates: the loss falls, step for step as the eager run's`, () => {
    const graph = trainGraph(STEPS);
    expectFalling(graph);
    const e = eager();
    graph.forEach((l, i) => expect(Math.abs(l - e[i]!), `step ${i}`).toBeLessThanOrEqual(1e-4 + 1e-3 * e[i]!));
  });
});
