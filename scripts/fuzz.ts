// npm run fuzz [-- --seed S] [--cases N] [--device cpu|gpu] [--timeout s] [--case I]
// A long seeded fuzz run of every exported K function (test/fuzz/), or the
// replay of one case with its stack. Exits 1 when a case is not ok.
import { formatReport, fuzz } from '../test/fuzz/driver.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

const seed = Number(flag('seed') ?? Math.floor(Math.random() * 2 ** 31));
const device = (flag('device') ?? 'cpu') as 'cpu' | 'gpu';
const one = flag('case');

if (one !== undefined) {
  process.env.KTAPE_FUZZ_STACK = '1';
  const K = await import('../src/index.js');
  const { runCase } = await import('../test/fuzz/case.js');
  K.set_device(device);
  const other = device === 'cpu' ? 'gpu' : 'cpu';
  const real = ['headlessgl', 'webgl2', 'webgl'].includes(K.gpu_mode());
  const o = runCase(seed, Number(one), real ? other : undefined);
  console.log(JSON.stringify(o, null, 2));
  process.exit(o.ok ? 0 : 1);
}

const cases = Number(flag('cases') ?? 20_000);
console.log(`fuzz: seed ${seed} (replay with --seed ${seed})`);
let n = 0;
const r = await fuzz({
  seed,
  cases,
  device,
  timeoutMs: Number(flag('timeout') ?? 30) * 1000,
  onOutcome: () => {
    if (++n % 1000 === 0) console.log(`  ${n} cases...`);
  },
});
console.log(formatReport(r));
console.log('classes:');
for (const [cls, c] of Object.entries(r.classes).sort()) {
  console.log(`  ${cls}: ${c.cases} (${c.ValueError} ValueError, ${c.TypeError} TypeError)`);
}
process.exit(r.notOk.length === 0 ? 0 : 1);
