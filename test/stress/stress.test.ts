// Bounded stress (issue 15): long training loops keep memory flat, and a very
// long chain of recorded ops differentiates (backprop is iterative). The bounds
// are generous: they catch a leak of a buffer or a node per step, not noise.
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
/** Collect garbage and let finalizers (which free gpu buffers) run. */
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
};

describe('stress', () => {
  it('2,000 training steps (cpu) or 200 (gpu) keep the JS heap and live gpu buffers flat', async () => {
    const steps = K.get_device() === 'gpu' ? 200 : 2000;
    const x = K.random_uniform([32, 16], -1, 1, null, 1);
    const y = K.random_uniform([32, 1], -1, 1, null, 2);
    const w = K.variable(K.random_normal([16, 1], 0, 0.1, null, 3));
    const step = () => {
      const loss = K.mean(K.square(K.subtract(K.dot(x, w), y)));
      const [g] = K.gradients(loss, [w]);
      K.update_sub(w, K.multiply(g!, 0.05));
      return loss;
    };
    const first = K.eval(step()).get();
    for (let i = 0; i < steps / 4; i++) step();
    await settle();
    const heapBefore = process.memoryUsage().heapUsed;
    const buffersBefore = K.memory_info().gpuBuffers;
    for (let i = 0; i < steps - 1; i++) step();
    const last = K.eval(step()).get();
    await settle();
    const heapGrowth = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    expect(last).toBeLessThan(first);
    // A leaked node or tensor per step would grow the heap by megabytes over these steps.
    expect(gc, 'the test projects run node with --expose-gc').toBeDefined();
    expect(heapGrowth, `heap grew ${heapGrowth.toFixed(1)} MB`).toBeLessThan(20);
    expect(K.memory_info().gpuBuffers - buffersBefore).toBeLessThan(50);
  });

  it('a chain of 100,000 recorded ops differentiates (iterative backprop)', () => {
    const x = K.variable(1.5, 'float64');
    let y: K.Tensor = x;
    for (let i = 0; i < 50_000; i++) y = K.add(K.multiply(y, 0.99999), 0.00001);
    const [g] = K.gradients(y, [x]);
    expect(K.eval(g!).get()).toBeCloseTo(0.99999 ** 50_000, 12);
  });
});
