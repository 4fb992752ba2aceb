// Trains the spirals MLP with one of the hand-written optimizers, full batch,
// showing a progress bar, then prints the final loss and accuracy.
// Run: npx tsx examples/optimizers/train.ts [sgd|rmsprop|adam] [steps] [cpu|gpu]   (or npm run optimizers -- adam 2000)
import { pathToFileURL } from 'node:url';
import * as K from '../../src/index.js';
import type { Variable } from '../../src/index.js';
import { makeAdam } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { ProgressBar, type Sink } from './progress.js';
import { makeRmsprop } from './rmsprop.js';
import { makeSgdMomentum } from './sgd_momentum.js';
import { accuracyOf, forward, lossOf, makeMlp, makeSpirals, type SpiralOptions } from './spirals.js';

export const OPTIMIZERS = ['sgd', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Hyperparameters that train the spirals well in a couple of thousand steps. */
export function makeOptimizer(name: OptimizerName, params: Variable[]): Optimizer {
  switch (name) {
    case 'sgd':
      return makeSgdMomentum(params, { learning_rate: 0.1, momentum: 0.9 });
    case 'rmsprop':
      return makeRmsprop(params, { learning_rate: 0.002 });
    case 'adam':
      return makeAdam(params, { learning_rate: 0.005 });
  }
}

export interface TrainOptions {
  steps?: number;
  hidden?: number[];
  data?: SpiralOptions;
  /** Makes the optimizer instead of makeOptimizer(name, ...): other hyperparameters. */
  make?: (params: Variable[]) => Optimizer;
  /** Where the progress bar goes; null for none. */
  progress?: Sink | null;
}

export interface TrainResult {
  /** The loss before each step, then after the last. */
  losses: number[];
  accuracy: number;
  seconds: number;
}

export function train(
  name: OptimizerName,
  { steps = 2000, hidden = [32, 32], data = {}, make, progress = process.stdout }: TrainOptions = {}
): TrainResult {
  const set = makeSpirals(data);
  const x = K.constant(set.x);
  const y = K.constant(set.y);
  const mlp = makeMlp(hidden);
  const opt = make ? make(mlp.params) : makeOptimizer(name, mlp.params);
  const bar = progress === null ? null : new ProgressBar(steps, `${name} `, { sink: progress });
  const start = performance.now();
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = lossOf(forward(mlp, x), y);
    opt.step(K.gradients(loss, mlp.params));
    losses.push(loss.toArray() as number);
    bar?.update(step + 1, { loss: losses[step]! });
  }
  const logits = forward(mlp, x);
  losses.push(lossOf(logits, y).toArray() as number);
  return { losses, accuracy: accuracyOf(logits, set.labels), seconds: (performance.now() - start) / 1000 };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [name = 'adam', stepsArg = '2000', device = 'cpu'] = process.argv.slice(2);
  const steps = Number(stepsArg);
  if (
    !(OPTIMIZERS as readonly string[]).includes(name) ||
    !Number.isInteger(steps) ||
    steps < 1 ||
    (device !== 'cpu' && device !== 'gpu')
  ) {
    console.error(`usage: npx tsx examples/optimizers/train.ts [${OPTIMIZERS.join('|')}] [steps] [cpu|gpu]`);
    process.exit(2);
  }
  K.set_device(device);
  const r = train(name as OptimizerName, { steps });
  console.log(
    `${name}: final loss ${r.losses.at(-1)!.toPrecision(3)} (from ${r.losses[0]!.toPrecision(3)}), ` +
      `accuracy ${(100 * r.accuracy).toFixed(1)}%, ${r.seconds.toFixed(1)} s for ${steps} steps on the ${device} device`
  );
}
