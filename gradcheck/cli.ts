// `npm run gradcheck [-- op ...]`: every case, first and second order, on every
// device, as one table; exits non-zero when any check fails.
import * as K from '../src/index.js';
import type { GradCase } from './case.js';
import { ALL_CASES } from './cases/index.js';
import { checkCase, DEVICES, type CheckResult, type Device, type Order } from './check.js';

const ORDERS: readonly Order[] = [1, 2];

/** Cases named by the arguments: an exact op name, else a substring of "op variant". */
function selectCases(cases: readonly GradCase[], filters: readonly string[]): GradCase[] {
  if (filters.length === 0) return cases.slice();
  return cases.filter((c) =>
    filters.some((f) => {
      if (cases.some((d) => d.op === f)) return c.op === f;
      return `${c.op} ${c.variant ?? ''}`.includes(f);
    })
  );
}

/** A one-line progress bar on stderr (redrawn in place on a terminal, every tenth otherwise). */
class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private lastTenth = -1;
  constructor(private readonly total: number) {}

  show(done: number, what: string): void {
    const width = 30;
    const filled = this.total === 0 ? width : Math.round((done / this.total) * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total}`;
    if (this.tty) {
      const line = `${bar} ${what}`.slice(0, (process.stderr.columns ?? 100) - 1);
      process.stderr.write(`\r\x1b[K${line}`);
    } else {
      const tenth = this.total === 0 ? 10 : Math.floor((done / this.total) * 10);
      if (tenth !== this.lastTenth) process.stderr.write(`${bar}\n`);
      this.lastTenth = tenth;
    }
  }

  done(): void {
    if (this.tty) process.stderr.write('\r\x1b[K');
  }
}

function num(x: number): string {
  return Number.isNaN(x) ? '-' : x.toExponential(1);
}

function cell(r: CheckResult): [string, string, string] {
  if (r.skipped !== null) return ['skip', '', ''];
  return [r.ok ? 'ok' : 'FAIL', num(r.maxAbs), num(r.maxRel)];
}

function notes(r: CheckResult): string {
  const parts: string[] = [];
  if (r.skipped !== null) parts.push('skipped (see below)');
  if (r.mode === 'fast') parts.push('fast');
  if (r.resampled > 0) parts.push(`resampled ${r.resampled}x (kink)`);
  if (r.ms > 1000) parts.push(`slow: ${(r.ms / 1000).toFixed(1)} s`);
  return parts.length === 0 ? '' : (DEVICES.length > 1 ? `${r.device}: ` : '') + parts.join(', ');
}

/** What a device's columns mean: where it runs, in which dtype, against which tolerances. */
function describeDevice(d: Device): string {
  const where = d.name === 'gpu' ? ` (gpu.js mode ${K.gpu_mode()})` : '';
  return `${d.name}${where}: ${d.dtype} inputs, eps ${d.tol.eps.toExponential()}, atol ${d.tol.atol.toExponential()}, rtol ${d.tol.rtol.toExponential()}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  return rows
    .map((r) =>
      r
        .map((s, j) => s.padEnd(widths[j]!))
        .join('  ')
        .trimEnd()
    )
    .join('\n');
}

function main(argv: string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('usage: npm run gradcheck [-- op|substring ...]\n');
    return 0;
  }
  const cases = selectCases(ALL_CASES, argv);
  if (cases.length === 0) {
    process.stderr.write(argv.length > 0 ? `gradcheck: no case matches ${argv.join(' ')}\n` : 'gradcheck: no cases\n');
    return 2;
  }
  const total = cases.length * ORDERS.length * DEVICES.length;
  const progress = new Progress(total);
  const header = [
    'op',
    'variant',
    'order',
    ...DEVICES.flatMap((d) => [d.name, `${d.name} max abs`, `${d.name} max rel`]),
    'notes',
  ];
  const rows: string[][] = [header];
  const failures: CheckResult[] = [];
  const perDevice = new Map(DEVICES.map((d) => [d.name, { passed: 0, failed: 0, skipped: 0, ms: 0 }]));
  let done = 0;
  const t0 = performance.now();
  for (const c of cases) {
    for (const order of ORDERS) {
      const results = DEVICES.map((device) => {
        progress.show(done, `${c.op}${c.variant ? ` [${c.variant}]` : ''} order ${order} on ${device.name}`);
        const r = checkCase(c, order, { device });
        done++;
        const tally = perDevice.get(device.name)!;
        tally.ms += r.ms;
        if (r.skipped !== null) tally.skipped++;
        else if (r.ok) tally.passed++;
        else tally.failed++;
        if (!r.ok) failures.push(r);
        return r;
      });
      rows.push([
        c.op,
        c.variant ?? '',
        String(order),
        ...results.flatMap(cell),
        results
          .map(notes)
          .filter((s) => s)
          .join('; '),
      ]);
    }
  }
  progress.show(done, '');
  progress.done();
  process.stdout.write(`${DEVICES.map(describeDevice).join('\n')}\n\n${table(rows)}\n\n`);
  const skips = new Map(
    cases
      .filter((c) => c.firstOrderOnly !== undefined)
      .map((c) => [`${c.op}${c.variant ? ` [${c.variant}]` : ''}`, c.firstOrderOnly!])
  );
  if (skips.size > 0) {
    process.stdout.write('second order skipped:\n');
    for (const [name, why] of skips) process.stdout.write(`  ${name}: ${why}\n`);
    process.stdout.write('\n');
  }
  for (const f of failures) process.stdout.write(`${f.message}\n\n`);
  for (const [name, t] of perDevice) {
    process.stdout.write(
      `${name}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped in ${(t.ms / 1000).toFixed(1)} s\n`
    );
  }
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  process.stdout.write(
    `${failures.length === 0 ? 'all passed' : `${failures.length} FAILED`}: ${total} checks of ${cases.length} cases in ${secs} s\n`
  );
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
