// Build helper for `npm run build` (and so `npm pack`, through prepack).
//   node scripts/copy-assets.mjs clean   removes dist/, so no module deleted from src/ ships stale
//   node scripts/copy-assets.mjs         copies the runtime assets tsc does not emit (src/**/*.wasm)
//                                        to the same place under dist/, where the compiled modules
//                                        that load them (by `new URL(..., import.meta.url)`) look
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const ASSET = /\.wasm$/;

if (process.argv[2] === 'clean') {
  rmSync(dist, { recursive: true, force: true });
} else {
  const assets = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => ASSET.test(f));
  for (const rel of assets) {
    mkdirSync(dirname(join(dist, rel)), { recursive: true });
    cpSync(join(src, rel), join(dist, rel));
  }
  console.error(`copy-assets: ${assets.length} asset(s) copied to dist/`);
}
