// ktape's browser entry (src/browser.ts) as one ES module a page can import
// without a bundler: ktape.js, with the Graphviz renderer split into its own
// chunk, fetched on the first toSVG(). `npm run build` writes it to
// dist/bundle/ (minified); the browser tests and the playground build their own.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** An ES module bundle for browsers (code-split, so Graphviz stays a chunk of its own), the way every page here is built. */
export async function browserBundle(
  entryPoints: Record<string, string>,
  outdir: string,
  more: Partial<BuildOptions> = {}
): Promise<void> {
  await build({
    entryPoints,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    splitting: true,
    outdir,
    sourcemap: true,
    logLevel: 'error',
    ...more,
  });
}

export async function buildKtape(outdir: string, minify = false): Promise<void> {
  await browserBundle({ ktape: path.join(ROOT, 'src/browser.ts') }, outdir, { minify });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildKtape(path.join(ROOT, 'dist/bundle'), true);
}
