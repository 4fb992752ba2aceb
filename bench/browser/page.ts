// npm run bench:browser's page: W1, W2 and W5 (bench/cases.ts's workloads and
// tfjs runners, as in Node) timed in a browser, interleaved round by round:
// ktape's cpu device on one thread and on its worker threads, its gpu device
// (the browser's WebGL2), TensorFlow.js's webgl and wasm backends. The table
// is shown on the page and left in globalThis.__bench for the driver.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as K from '../../src/browser.js';
import * as peer from '../peers/tfjs.js';
import { roundRobin, table } from '../timing.js';
import type { KtapeDevice, Runner } from '../types.js';
import { ktapeMatmul, matmulData } from '../workloads/w1_matmul.js';
import { ktapeMlp, mlpData } from '../workloads/w2_mlp.js';
import { elementwiseData, ktapeElementwise } from '../workloads/w5_elementwise.js';

interface Contender {
  label: string;
  activate(): Promise<void>;
  side: 'ktape' | 'tfjs';
  device?: KtapeDevice;
}
interface Row {
  workload: string;
  title: string;
  measure: string;
  build: () => { ktape(dev: KtapeDevice): Runner; tfjs(): Runner };
}

const quick = new URLSearchParams(location.search).has('quick');
const g = globalThis as {
  __bench?: { text: string; rows: Record<string, number | string>[]; info: Record<string, unknown> };
};

async function main(): Promise<void> {
  const out = document.getElementById('out') as HTMLPreElement;
  const say = (s: string) => {
    out.textContent += `${s}\n`;
  };
  tf.enableProdMode();
  setWasmPaths('./');
  const threads = Math.max(2, Math.min(4, navigator.hardwareConcurrency || 2));
  K.set_num_threads(threads);
  const started = await K.init_threads();
  const contenders: Contender[] = [
    {
      label: 'ktape cpu',
      side: 'ktape',
      device: 'cpu',
      activate: async () => {
        K.set_device('cpu');
        K.set_num_threads(1);
      },
    },
    {
      label: `ktape cpu, ${started} threads`,
      side: 'ktape',
      device: 'cpu',
      activate: async () => {
        K.set_device('cpu');
        K.set_num_threads(threads);
      },
    },
    { label: 'ktape gpu', side: 'ktape', device: 'gpu', activate: async () => void K.set_device('gpu') },
    {
      label: 'tfjs-webgl',
      side: 'tfjs',
      activate: async () => void (tf.getBackend() !== 'webgl' && (await tf.setBackend('webgl'))),
    },
    {
      label: 'tfjs-wasm',
      side: 'tfjs',
      activate: async () => void (tf.getBackend() !== 'wasm' && (await tf.setBackend('wasm'))),
    },
  ];
  for (const b of ['webgl', 'wasm'])
    if (!(await tf.setBackend(b))) throw new Error(`tfjs backend ${b} failed to start`);
  K.set_device('gpu');
  K.eval(K.exp(K.constant([1])));
  const info = {
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    ktapeThreads: started,
    gpuMode: K.gpu_mode(),
    gpuRenderer: K.gpu_renderer(),
    tfjs: tf.version.tfjs,
  };
  K.set_device('cpu');
  say(JSON.stringify(info));

  const rows: Row[] = [];
  for (const n of quick ? [64, 128] : [128, 512, 1024]) {
    rows.push({
      workload: 'W1',
      title: `matmul ${n}x${n} (K.dot)`,
      measure: 'forward',
      build: () => {
        const d = matmulData(n);
        return { ktape: (dev) => ktapeMatmul(d, dev), tfjs: () => peer.tfjsMatmul(d) };
      },
    });
  }
  const batch = quick ? 32 : 128;
  rows.push({
    workload: 'W2',
    title: `MLP 784-256-10, batch ${batch}`,
    measure: 'training step',
    build: () => {
      const d = mlpData(batch);
      return { ktape: (dev) => ktapeMlp(d, dev), tfjs: () => peer.tfjsMlp(d) };
    },
  });
  const n5 = quick ? 100_000 : 1_000_000;
  for (const gradient of [false, true]) {
    rows.push({
      workload: 'W5',
      title: `sum(sigmoid(2x+1)*tanh(x)), ${n5.toExponential(0).replace('+', '')} floats`,
      measure: gradient ? 'forward + gradient' : 'forward',
      build: () => {
        const d = elementwiseData(n5);
        return { ktape: (dev) => ktapeElementwise(d, dev, gradient), tfjs: () => peer.tfjsElementwise(d, gradient) };
      },
    });
  }

  const results: Record<string, number | string>[] = [];
  for (const row of rows) {
    say(`${row.workload} ${row.title} ${row.measure}...`);
    const sides = row.build();
    const players = contenders.map((c) => {
      let runner: Runner | null = null;
      return {
        async activate() {
          await c.activate();
          runner ??= c.side === 'ktape' ? sides.ktape(c.device ?? 'cpu') : sides.tfjs();
        },
        step() {
          runner?.step();
        },
        dispose() {
          runner?.dispose?.();
        },
      };
    });
    const timings = await roundRobin(players, { warmup: 1, minRuns: 5, maxRuns: 40, budgetMs: quick ? 1000 : 4000 });
    for (const p of players) p.dispose();
    const r: Record<string, number | string> = { workload: row.workload, title: row.title, measure: row.measure };
    contenders.forEach((c, i) => {
      const t = timings[i]!;
      r[c.label] = t.error !== undefined ? `error: ${t.error}` : t.medianMs;
    });
    results.push(r);
  }
  const ms = (v: number | string | undefined) =>
    typeof v === 'number' ? (v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(1)} ms`) : String(v);
  const ratio = (a: number | string | undefined, b: number | string | undefined) =>
    typeof a === 'number' && typeof b === 'number' ? (a / b).toFixed(2) : '';
  const header = [
    '',
    'workload',
    'measure',
    ...contenders.map((c) => c.label),
    'ktape cpu / tfjs-wasm',
    'ktape gpu / tfjs-webgl',
  ];
  const text = table(
    header,
    results.map((r) => [
      String(r.workload),
      String(r.title),
      String(r.measure),
      ...contenders.map((c) => ms(r[c.label])),
      ratio(r['ktape cpu'], r['tfjs-wasm']),
      ratio(r['ktape gpu'], r['tfjs-webgl']),
    ])
  );
  say('');
  say(text);
  g.__bench = { text, rows: results, info };
}

main().catch((e: unknown) => {
  const out = document.getElementById('out');
  if (out) out.textContent += `\nfailed: ${e instanceof Error ? e.stack : String(e)}`;
  g.__bench = { text: `failed: ${String(e)}`, rows: [], info: {} };
});
