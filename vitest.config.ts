import { configDefaults, defineConfig } from 'vitest/config';

// Every test file runs once per device: project `cpu` and project `gpu`, the
// device put in force by test/setup.ts from KTAPE_DEVICE. Tests whose subject
// is the gpu device itself (test/gpu, test/device) run in the gpu project only.
const GPU_ONLY = ['test/gpu/**', 'test/device/**'];
// Tests of the source tree itself (no device involved) run once, in the cpu project.
// test/browser drives Chromium, whose page runs both devices itself.
const CPU_ONLY = ['test/layers/**', 'test/browser/**'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'cpu',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...GPU_ONLY],
          env: { KTAPE_DEVICE: 'cpu' },
          setupFiles: ['test/setup.ts'],
          // test/stress collects garbage to measure the heap after long loops.
          execArgv: ['--expose-gc'],
        },
      },
      {
        extends: true,
        test: {
          name: 'gpu',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...CPU_ONLY],
          env: { KTAPE_DEVICE: 'gpu' },
          setupFiles: ['test/setup.ts'],
          // test/gpu/memory.test.ts collects garbage to watch textures go.
          execArgv: ['--expose-gc'],
        },
      },
    ],
  },
});
