// ktape's browser entry (src/browser.ts) as one ES module a page can import
// without a bundler: ktape.js, with the Graphviz renderer split into its own
// chunk, fetched on the first toSVG(). `npm run build` writes it to
// dist/bundle/ (minified); the browser tests and the playground build their own.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export async function buildKtape(outdir: string, minify = false): Promise<void> {
  await build({
    entryPoints: { ktape: path.join(ROOT, 'src/browser.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    splitting: true,
    outdir,
    minify,
    sourcemap: true,
    logLevel: 'error',
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildKtape(path.join(ROOT, 'dist/bundle'), true);
}
