// Node's platform: environment variables, os cores, stdout, worker_threads,
// and call sites as paths relative to the working directory.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { type Platform, registerPlatform, relaxedSimdValidates } from '../core/platform.js';

/** ktape's own source root (src/ or dist/): frames inside it are not the user's. */
const ownRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export const nodePlatform: Platform = {
  name: 'node',
  env: (name) => process.env[name],
  cores: () => (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length),
  print: (line) => {
    process.stdout.write(`${line}\n`);
  },
  warn: (message) => {
    process.emitWarning(message, 'UserWarning');
  },
  siteFile(file) {
    const f = file.startsWith('file://') ? fileURLToPath(file) : file;
    if (f.startsWith('node:') || f.includes(`${path.sep}node_modules${path.sep}`)) return null;
    if (f.startsWith(ownRoot + path.sep)) return null;
    return path.isAbsolute(f) ? path.relative(process.cwd(), f) : f;
  },
  // Checked at each call: a program may remove the global (as a page without isolation lacks it).
  sharedMemory: () => typeof SharedArrayBuffer === 'function',
  relaxedSimd() {
    // Node 20's V8 has relaxed SIMD behind a flag, which may be set before a module using it is compiled.
    if (!relaxedSimdValidates()) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    return relaxedSimdValidates();
  },
  canBlock: () => true,
  spawn(body, data) {
    const worker = new Worker(`'use strict';\n(${body})(require('node:worker_threads').workerData);`, {
      eval: true,
      workerData: data,
    });
    worker.unref(); // never keeps the process alive
    return { terminate: () => void worker.terminate() };
  },
};

registerPlatform(nodePlatform);
