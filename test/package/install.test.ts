// The published package: `npm pack` (which builds dist/ through prepack) gives a
// tarball that installs into a fresh project and runs the README's quick start
// from plain JavaScript and from TypeScript against the package's own .d.ts.
// The install is offline-first from the npm cache that `npm ci` filled, and
// leaves out the optional `gl` (nothing to compile).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDevice } from '../helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

/** Run a command; its stdout, or an Error carrying everything it printed. */
function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: process.env, timeout: 180_000 });
  if (r.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} (in ${cwd}) failed with ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`
    );
  }
  return r.stdout;
}

/** The first ```ts block under README.md's "## Quick start" heading. */
function readmeQuickStart(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const m = /^## Quick start\s*\n[\s\S]*?```ts\n([\s\S]*?)```/m.exec(readme);
  if (!m?.[1]) throw new Error('README.md has no ```ts block under "## Quick start"');
  return m[1];
}

// The quick start's w after one step, by hand: w - 0.1 * (2/N) x^T (x w) with N = 2 outputs.
function expectedW(): number[] {
  const x = [
    [1, 2],
    [3, 4],
  ];
  const w = [0.5, -0.25];
  const xw = x.map((r) => r[0]! * w[0]! + r[1]! * w[1]!);
  return w.map((wi, j) => wi - 0.1 * (2 / xw.length) * (x[0]![j]! * xw[0]! + x[1]![j]! * xw[1]!));
}

/** Appended to the quick start: prints w's final value as one JSON line for the test to read. */
const REPORT = `\nconsole.log('RESULT ' + JSON.stringify({ shape: K.int_shape(w), data: Array.from(K.eval(w).data) }));\n`;

function result(stdout: string): { shape: number[]; data: number[] } {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`no RESULT line in:\n${stdout}`);
  return JSON.parse(line.slice('RESULT '.length)) as { shape: number[]; data: number[] };
}

function expectQuickStartOutput(stdout: string): void {
  // The README's own console.log(K.eval(w)) prints the ndarray.
  expect(stdout).toMatch(/Float64Array\(2\)/);
  const r = result(stdout);
  expect(r.shape).toEqual([2, 1]);
  const want = expectedW();
  expect(r.data).toHaveLength(want.length);
  r.data.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12));
}

// Packing and installing do not depend on the device, so this runs once, in the cpu project.
describe.skipIf(testDevice() !== 'cpu')('npm package (cpu project only: packing is device-independent)', () => {
  let dir = '';
  let proj = '';
  let files: string[] = [];

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ktape-pack-'));
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], ROOT)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const tarball = path.join(dir, packed[0]!.filename);
    files = packed[0]!.files.map((f) => f.path);

    proj = path.join(dir, 'project');
    mkdirSync(proj);
    writeFileSync(
      path.join(proj, 'package.json'),
      JSON.stringify({ name: 'quickstart', private: true, type: 'module' })
    );
    run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--omit=optional'], proj);
  }, 240_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the tarball holds the compiled ESM, its .d.ts and the README, and no sources, tests or fixtures', () => {
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('README.md');
    expect(files).toContain('package.json');
    const stray = files.filter((f) => !f.startsWith('dist/') && f !== 'README.md' && f !== 'package.json');
    expect(stray).toEqual([]);
    expect(files.filter((f) => /\.test\.|fixtures|node_modules/.test(f))).toEqual([]);
    // Every module comes with its types.
    // The ready-made browser bundle (dist/bundle/) is one module and its chunks, typed by dist/index.d.ts.
    expect(files).toContain('dist/bundle/ktape.js');
    const js = files.filter((f) => f.endsWith('.js') && !f.startsWith('dist/bundle/'));
    expect(js.length).toBeGreaterThan(20);
    for (const f of js) expect(files).toContain(f.replace(/\.js$/, '.d.ts'));
  });

  it('the installed package resolves through its exports map to dist/', () => {
    const out = run('node', ['--input-type=module', '-e', "console.log(import.meta.resolve('ktape'))"], proj);
    expect(out.trim()).toMatch(/node_modules\/ktape\/dist\/index\.js$/);
  });

  it("a bundler targeting browsers takes the 'browser' condition, with no Node built-in in reach", () => {
    writeFileSync(
      path.join(proj, 'page.mjs'),
      "import * as K from 'ktape';\nconsole.log(K.eval(K.add(K.ones([2]), 1)));\n"
    );
    const out = path.join(proj, 'page.bundle.js');
    // esbuild fails on any node:* import when the platform is the browser.
    run(
      path.join(BIN, 'esbuild'),
      ['page.mjs', '--bundle', '--format=esm', '--platform=browser', `--outfile=${out}`, '--metafile=meta.json'],
      proj
    );
    const meta = JSON.parse(readFileSync(path.join(proj, 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toContain('node_modules/ktape/dist/browser.js');
    expect(inputs.filter((f) => f.includes('ktape/dist/platform/node'))).toEqual([]);
  });

  it('runs the README quick start from plain JavaScript', () => {
    // The TypeScript non-null assertions (`dw!`) are the quick start's only TS-only syntax.
    const js = readmeQuickStart().replace(/(\w)!(?=[\s,.)\]])/g, '$1');
    writeFileSync(path.join(proj, 'quickstart.mjs'), js + REPORT);
    expectQuickStartOutput(run('node', ['quickstart.mjs'], proj));
  });

  it('runs a float32 matrix product large enough to take the wasm gemm path from dist/', () => {
    writeFileSync(
      path.join(proj, 'dot.mjs'),
      [
        "import * as K from 'ktape';",
        'const a = K.ones([96, 300]);',
        'const b = K.ones([300, 64]);',
        'const p = K.eval(K.dot(a, b));',
        'console.log(JSON.stringify({ shape: p.shape, all300: Array.from(p.data).every((v) => v === 300) }));',
      ].join('\n')
    );
    expect(JSON.parse(run('node', ['dot.mjs'], proj))).toEqual({ shape: [96, 64], all300: true });
  });

  it("typechecks the README quick start (strict) against the package's .d.ts, and runs it with tsx", () => {
    const ts =
      readmeQuickStart() +
      REPORT +
      // If the published types degraded to `any`, this directive would be unused: an error.
      '// @ts-expect-error: K.eval returns a typed ndarray\nK.eval(w).noSuchField;\n';
    writeFileSync(path.join(proj, 'quickstart.ts'), ts);
    // Both resolutions a consumer is likely to use; skipLibCheck off so the shipped .d.ts are checked too.
    for (const [module, moduleResolution] of [
      ['nodenext', 'nodenext'],
      ['esnext', 'bundler'],
    ] as const) {
      const config = `tsconfig.${moduleResolution}.json`;
      writeFileSync(
        path.join(proj, config),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module,
            moduleResolution,
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: [],
          },
          files: ['quickstart.ts'],
        })
      );
      run(path.join(BIN, 'tsc'), ['-p', config], proj);
    }
    expectQuickStartOutput(run(path.join(BIN, 'tsx'), ['quickstart.ts'], proj));
  });
});
