// npm run playground [-- --build-only] [--out dir] [--port n]
// Builds the playground (playground/: a static page, no server-side code) into
// a folder anyone can host, then serves it on 127.0.0.1 with cross-origin
// isolation (so ktape's threads run) until stopped.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserBundle } from './bundle.js';
import { serve } from './serve.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export async function buildPlayground(outdir: string): Promise<void> {
  mkdirSync(outdir, { recursive: true });
  await browserBundle({ playground: path.join(ROOT, 'playground/main.ts') }, outdir, { minify: true });
  for (const f of ['index.html', 'style.css']) copyFileSync(path.join(ROOT, 'playground', f), path.join(outdir, f));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i < 0 ? undefined : process.argv[i + 1];
  };
  const out = path.resolve(flag('out') ?? path.join(ROOT, 'playground-dist'));
  await buildPlayground(out);
  console.log(`playground built in ${out} (a static folder: host it anywhere; threads need the COOP/COEP headers)`);
  if (!process.argv.includes('--build-only')) {
    const server = await serve(out, true, Number(flag('port') ?? 8080));
    console.log(`serving on ${server.url}/ (Ctrl-C to stop)`);
  }
}
