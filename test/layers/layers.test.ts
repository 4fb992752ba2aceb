// The layer check (.dependency-cruiser.cjs, `npm run lint:layers`) passes on
// src/ as it is, and fails when an upward import or a cycle is planted in a
// copy of it: the rule that keeps the floor plan is shown to bite.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const CRUISER = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/** Run the layer check in `dir`; its exit status and output. */
function cruise(dir: string): { status: number; out: string } {
  try {
    const out = execFileSync(process.execPath, [CRUISER, '--config', '.dependency-cruiser.cjs', 'src'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { status: 0, out };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { status: err.status, out: err.stdout + err.stderr };
  }
}

const copies: string[] = [];
function copyOfSrc(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ktape-layers-'));
  copies.push(dir);
  cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  cpSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  return dir;
}
afterAll(() => {
  for (const d of copies) rmSync(d, { recursive: true, force: true });
});

describe('layer check', () => {
  it('passes on src/ as it is', () => {
    const r = cruise(ROOT);
    expect(r.out).toContain('no dependency violations found');
    expect(r.status).toBe(0);
  }, 120_000);

  it('fails on an upward import, a device reached around the dispatcher, a sibling import and a cycle', () => {
    const dir = copyOfSrc();
    writeFileSync(
      join(dir, 'src/core/planted_up.ts'),
      "import { relu } from '../ops/nn.js';\nexport const r = relu;\n"
    );
    writeFileSync(
      join(dir, 'src/ops/planted_device.ts'),
      "import type { GpuData } from '../gpu/memory.js';\nexport type G = GpuData;\n"
    );
    writeFileSync(
      join(dir, 'src/gpu/planted_sibling.ts'),
      "import { cpuBackend } from '../cpu/index.js';\nexport const c = cpuBackend;\n"
    );
    writeFileSync(
      join(dir, 'src/grad/planted_a.ts'),
      "import type { B } from './planted_b.js';\nexport type A = { b: B };\n"
    );
    writeFileSync(
      join(dir, 'src/grad/planted_b.ts'),
      "import type { A } from './planted_a.js';\nexport type B = { a: A };\n"
    );
    const r = cruise(dir);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/layer-core: src\/core\/planted_up\.ts → src\/ops\/nn\.ts/);
    expect(r.out).toMatch(/devices-behind-dispatcher: src\/ops\/planted_device\.ts → src\/gpu\/memory\.ts/);
    expect(r.out).toMatch(/layer-gpu: src\/gpu\/planted_sibling\.ts → src\/cpu\/index\.ts/);
    expect(r.out).toMatch(/no-cycle: src\/grad\/planted_[ab]\.ts/);
  }, 120_000);

  it('fails when a Node built-in becomes reachable from the browser entry, however deep', () => {
    const dir = copyOfSrc();
    // A core file the browser entry reaches (through the API) importing node:os.
    writeFileSync(join(dir, 'src/core/planted_node.ts'), "import os from 'node:os';\nexport const n = os.cpus;\n");
    const config = join(dir, 'src/core/config.ts');
    writeFileSync(config, `import './planted_node.js';\n${readFileSync(config, 'utf8')}`);
    const r = cruise(dir);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/browser-without-node: src\/browser\.ts → (node:)?os/);
  }, 120_000);
});
