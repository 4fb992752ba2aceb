// The browser tests' bundle (esbuild): the test files themselves with
// test/browser/vitest.ts standing in for vitest, src/browser.ts for
// src/index.ts, and the fixtures embedded. ktape's own bundle is scripts/bundle.ts's.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const here = (p: string) => path.join(ROOT, 'test/browser', p);

function testPlugin(files: readonly string[]): Plugin {
  return {
    name: 'ktape-browser-tests',
    setup(b) {
      b.onResolve({ filter: /^vitest$/ }, () => ({ path: here('vitest.ts') }));
      b.onResolve({ filter: /^node:fs$/ }, () => ({ path: here('fs.ts') }));
      b.onResolve({ filter: /^browser-fixtures$/ }, () => ({ path: 'fixtures', namespace: 'fixtures' }));
      b.onResolve({ filter: /^browser-tests-entry$/ }, () => ({ path: 'entry', namespace: 'entry' }));
      // The tests import the Node entry; in the page they get the browser's.
      b.onResolve({ filter: /src\/index\.js$/ }, () => ({ path: path.join(ROOT, 'src/browser.ts') }));
      b.onLoad({ filter: /.*/, namespace: 'fixtures' }, () => {
        const dir = path.join(ROOT, 'test/fixtures');
        const table: Record<string, string> = {};
        for (const f of readdirSync(dir)) if (f.endsWith('.json')) table[f] = readFileSync(path.join(dir, f), 'utf8');
        return { contents: `export const FIXTURES = ${JSON.stringify(table)};`, loader: 'js' };
      });
      // Each test file is imported in turn after saying which file it is, so its
      // tests register under it; one that fails to load is reported, not fatal.
      b.onLoad({ filter: /.*/, namespace: 'entry' }, () => ({
        resolveDir: ROOT,
        loader: 'ts',
        contents: [
          `import './test/browser/env.ts';`,
          `import './test/setup.ts';`,
          `import { run, setFile, loadFailed, beforeAll } from './test/browser/vitest.ts';`,
          `import { resetKtape } from './test/browser/reset.ts';`,
          `import { pageReport } from './test/browser/report.ts';`,
          `import { NOT_IN_BROWSER } from './test/browser/known.ts';`,
          `const files = ${JSON.stringify(files)};`,
          `const loaders = [${files.map((f) => `() => import('./${f}')`).join(', ')}];`,
          `for (let i = 0; i < files.length; i++) {`,
          `  setFile(files[i]);`,
          `  beforeAll(resetKtape);`,
          `  try { await loaders[i](); } catch (e) { loadFailed(files[i], e); }`,
          `}`,
          `pageReport(run, NOT_IN_BROWSER);`,
        ].join('\n'),
      }));
      // The test code's `process` (tests, gradcheck, examples: all but src/) is the page's stand-in (test/browser/env.ts).
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const rel = path.relative(ROOT, args.path);
        if (rel.startsWith('src/') || rel.startsWith('node_modules/') || rel.startsWith('test/browser/'))
          return undefined;
        let source = readFileSync(args.path, 'utf8');
        if (!rel.endsWith('.test.ts')) {
          // A helper's top-level hooks hold for every file that imports it (see everyFile).
          source = `import { everyFile as __everyFile } from 'vitest';\n${source.replace(/^(afterEach|beforeEach)\(/gm, '__everyFile.$1(')}`;
        }
        return { loader: 'ts', contents: `var process = (globalThis.__TEST_PROCESS__ ??= {});\n${source}` };
      });
    },
  };
}

/** The page's test bundle (tests.js) for these test files (paths from the repository root). */
export async function buildTests(outdir: string, files: readonly string[]): Promise<void> {
  await build({
    entryPoints: ['browser-tests-entry'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    splitting: true,
    outdir,
    entryNames: 'tests',
    sourcemap: 'inline',
    plugins: [testPlugin(files)],
    logLevel: 'error',
  });
}

export { buildKtape } from '../../scripts/bundle.js';
