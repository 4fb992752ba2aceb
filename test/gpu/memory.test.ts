// GPU memory follows tensor lifetime: a long training loop keeps the number of
// live gpu buffers flat, and dispose frees at once.
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { mirroredCount } from '../../src/device/dispatcher.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const gc = (globalThis as { gc?: () => void }).gc;

/** Let the collector find dead tensors and run their finalizers. */
async function settle(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await tick();
  }
  return K.memory_info().gpuBuffers;
}

afterEach(() => K.set_device('cpu'));

describe('gpu memory', () => {
  it('the list of cpu values copied to the gpu stays bounded (issue 15: it grew by one per upload)', async () => {
    K.set_device('gpu');
    for (let round = 0; round < 4; round++) {
      // 2,000 fresh cpu constants read by a gpu op: each is uploaded once, then dies.
      for (let i = 0; i < 2000; i++) K.eval(K.add(K.constant([i, i + 1]), 1));
      await settle();
    }
    expect(mirroredCount()).toBeLessThan(4096);
  });

  it('10,000 small training steps keep the live buffer count flat', async () => {
    K.set_device('gpu');
    const x = K.constant([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    const y = K.constant([[1], [0], [1], [0]]);
    const w = K.variable([[0.1], [-0.1]]);
    const counts: number[] = [];
    let firstLoss = 0;
    let lastLoss = 0;
    for (let step = 0; step < 10_000; step++) {
      const loss = K.mean(K.square(K.subtract(K.dot(x, w), y)));
      const [g] = K.gradients(loss, [w]);
      K.update_sub(w, K.multiply(g!, 0.01));
      if (step % 1000 === 0) {
        const v = K.eval(loss).get();
        if (step === 0) firstLoss = v;
        lastLoss = v;
        counts.push(await settle());
      }
    }
    counts.push(await settle());
    expect(lastLoss).toBeLessThan(firstLoss);
    // After the first thousand steps (kernels and constants warmed up), no growth.
    const baseline = counts[1]!;
    expect(Math.max(...counts.slice(1)), `live buffers every 1000 steps: ${counts.join(', ')}`).toBeLessThanOrEqual(
      baseline + 16
    );
  }, 600_000);

  it('dispose frees a tensor at once, and using it afterwards is an error', async () => {
    K.set_device('gpu');
    const c = K.constant([1, 2, 3]);
    const warm = K.exp(c); // uploads the constant first, so only the new result is counted below
    const before = await settle();
    const t = K.exp(c);
    expect(K.memory_info().gpuBuffers).toBe(before + 1);
    K.dispose(t);
    expect(K.memory_info().gpuBuffers).toBe(before);
    expect(() => K.eval(t)).toThrow(/disposed/);
    expect(() => K.add(t, 1)).toThrow(/disposed/);
    expect(warm.toArray()).toHaveLength(3); // still alive: held until here
  });

  it('a variable keeps its value when a snapshot of it is disposed', () => {
    K.set_device('gpu');
    const v = K.variable([1, 2]);
    const y = K.multiply(v, 2);
    K.dispose(y.node!.inputs[0]!);
    expect(Array.from(K.eval(v).data as Float32Array)).toEqual([1, 2]);
  });

  it('clear_session frees the gpu copies of cpu values, which come back when needed', async () => {
    K.set_device('gpu');
    const v = K.variable([
      [1, 2],
      [3, 4],
    ]); // its value lives on the cpu
    const y = K.multiply(v, 2); // uploads copies of v and of the constant 2 to the gpu
    expect(v.storage!.copies?.gpu).toBeDefined();
    const held = await settle();
    K.clear_session();
    expect(v.storage!.copies).toBeUndefined();
    expect(K.memory_info().gpuBuffers).toBe(held - 2);
    expect(K.get_uid('x')).toBe(1);
    expect(K.multiply(v, 3).toArray()).toEqual([
      [3, 6],
      [9, 12],
    ]); // uploaded again
    expect(y.toArray()).toEqual([
      [2, 4],
      [6, 8],
    ]);
  });
});
