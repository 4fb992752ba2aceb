// npm run bench:browser [-- --quick] [--open] [--port n]
// Builds bench/browser/page.ts, serves it on 127.0.0.1 with cross-origin
// isolation, and times W1, W2 and W5 in Debian's Chromium (headless, software
// WebGL: not a GPU's speed), printing the table as the Node bench does. With
// --open it only serves: open the printed address in your own browser to time
// your machine's GPU; the table appears on the page.
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { browserBundle } from './bundle.js';
import { serve } from './serve.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};

// The tfjs peer's Node set-up (its wasm binaries' paths) is not used in the page.
const nodeStubs: Plugin = {
  name: 'node-stubs',
  setup(b) {
    b.onResolve({ filter: /^node:(module|path)$/ }, (a) => ({ path: a.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: 'export function createRequire() { throw new Error("not in a page"); } export default {};',
      loader: 'js',
    }));
    b.onResolve({ filter: /src\/index\.js$/ }, () => ({ path: path.join(ROOT, 'src/browser.ts') }));
  },
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'ktape-bench-'));
await browserBundle({ bench: path.join(ROOT, 'bench/browser/page.ts') }, dir, {
  minify: true,
  sourcemap: false,
  plugins: [nodeStubs],
});
const wasmDir = path.dirname(
  createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')
);
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
  copyFileSync(path.join(wasmDir, f), path.join(dir, f));
}
const query = process.argv.includes('--quick') ? '?quick' : '';
writeFileSync(
  path.join(dir, 'index.html'),
  '<!doctype html><meta charset="utf-8"><title>ktape bench</title><pre id="out"></pre><script type="module" src="bench.js"></script>'
);
const server = await serve(dir, true, Number(flag('port') ?? 0));
const url = `${server.url}/index.html${query}`;
if (process.argv.includes('--open')) {
  console.log(`bench page: ${url} (open it in a browser; Ctrl-C to stop)`);
} else {
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (chromium === undefined)
    throw new Error("no chromium: install Debian's chromium, or use --open with your own browser");
  const puppeteer = (await import('puppeteer-core')).default;
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    protocolTimeout: 3_600_000,
    args: ['--no-sandbox', '--ignore-gpu-blocklist', '--enable-unsafe-swiftshader'],
  });
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') console.error(`page: ${m.text()}`);
  });
  await page.goto(url);
  await page.waitForFunction('globalThis.__bench !== undefined', { timeout: 3_600_000, polling: 2000 });
  const r = (await page.evaluate('globalThis.__bench')) as { text: string; info: Record<string, unknown> };
  console.log(
    `# ktape bench in Chromium, ${new Date().toISOString()}, ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}`
  );
  console.log(JSON.stringify(r.info));
  console.log(r.text);
  await browser.close();
  await server.close();
}
