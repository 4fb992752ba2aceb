// The playground (playground/, npm run playground) in Chromium: run an
// example, see its tape drawn with call sites in the student's code, step
// through the backward pass with the node highlighted, and check the
// gradients against central differences. KTAPE_SCREENSHOT=path saves what the
// page shows (README's picture: docs/img/playground.png).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlayground } from '../../scripts/playground.js';
import { serve, type StaticServer } from '../../scripts/serve.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const underCI = Boolean(process.env.CI);

describe.skipIf(CHROMIUM === undefined && !underCI)('the playground in Chromium', () => {
  let dir = '';
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const text = (sel: string) => page.$eval(sel, (e) => e.textContent ?? '');

  beforeAll(async () => {
    if (CHROMIUM === undefined) throw new Error("CI needs Debian's chromium (.ci/run installs it)");
    dir = mkdtempSync(path.join(os.tmpdir(), 'ktape-playground-'));
    await buildPlayground(dir);
    server = await serve(dir, true);
    const puppeteer = (await import('puppeteer-core')).default;
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction('globalThis.__playgroundReady === true', { timeout: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the MLP: its tape listed with call sites in the example, drawn as SVG', async () => {
    await page.click('#run');
    await page.waitForSelector('#drawing svg', { timeout: 60_000 });
    expect(await text('#status')).toMatch(/^loss = [\d.]+; 15 backward steps$/);
    const listing = await text('#listing');
    expect(listing).toMatch(/^# tape: /);
    expect(listing).toMatch(/<- K\.tanh at example\.js:\d+:\d+/);
    expect(await page.$$eval('#drawing g.node', (n) => n.length)).toBeGreaterThan(8);
  });

  it('steps through the backward pass: node highlighted, cotangent, VJP formula and what it sends', async () => {
    expect(await text('#position')).toBe('(step 1 of 15)');
    // The mean's last op (a division by the count) is the first step back from the loss.
    expect(await text('#step')).toMatch(/^v\d+ = div\(v\d+, c\d+\)div: x \/ yg = 1/);
    await page.click('#next');
    await page.click('#next');
    expect(await text('#position')).toBe('(step 3 of 15)');
    const step = await text('#step');
    expect(step).toMatch(/^v\d+ = \w+\(/);
    expect(step).toMatch(/g = \[/);
    expect(step).toMatch(/-> v\d+ \(input 0\): .* = \[/);
    // The step's node is drawn highlighted, and the inputs it sends to.
    const active = await page.$$eval('#drawing g.node.active title', (t) => t.map((e) => e.textContent));
    expect(active).toHaveLength(1);
    expect(step.startsWith(`${active[0]} = `)).toBe(true);
    expect(await page.$$eval('#drawing g.node.receives', (n) => n.length)).toBeGreaterThan(0);
    await page.click('#prev');
    expect(await text('#position')).toBe('(step 2 of 15)');
  });

  it('checks every gradient against central differences on demand', async () => {
    await page.click('#check');
    await page.waitForFunction(() => document.querySelectorAll('#gradients td.ok, #gradients td.bad').length === 4);
    expect(await page.$$eval('#gradients td.ok', (c) => c.length)).toBe(4);
    const shot = process.env.KTAPE_SCREENSHOT;
    if (shot) await page.screenshot({ path: shot as `${string}.png` });
  });

  it('runs the other examples (custom gradient, rnn) and shows a clear error for broken code', async () => {
    for (const [value, steps] of [
      ['1', /backward steps$/],
      ['2', /backward steps$/],
    ] as const) {
      await page.select('#example', value);
      await page.click('#run');
      await page.waitForFunction(() =>
        /backward steps|failed/.test(document.getElementById('status')?.textContent ?? '')
      );
      expect(await text('#status')).toMatch(steps);
      await page.click('#check');
      await page.waitForFunction(() => document.querySelectorAll('#gradients td.ok, #gradients td.bad').length > 0);
      expect(await page.$$eval('#gradients td.bad', (c) => c.length)).toBe(0);
    }
    await page.evaluate(() => {
      const view = document.querySelector('.cm-content') as HTMLElement;
      view.focus();
    });
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
    await page.keyboard.type('return { f: () => K.sum(K.ones([2]), 3), inputs: [], wrt: [] };');
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'failed');
    expect(await text('#error')).toBe('ValueError: sum: axis 3 is out of range for x of shape (2,) (rank 1)');
  });
});
