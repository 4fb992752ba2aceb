// The WebAssembly SIMD gemm (asm/gemm.ts) against the pure-JS gemm it stands in
// for: every layout its callers hand it (transposed, sliced, reversed,
// broadcast, batched), every edge of its tiles and blocks, and a committed
// binary that is always the fresh build of its source.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { fixtureTensor, testDevice } from '../helpers.js';
import { gemm, matmulInto, WASM_MIN_FLOPS } from '../../src/cpu/linalg.js';
import { gemmWasm, keptStats, type Matrix32 } from '../../src/cpu/wasm/gemm.js';
import { platform } from '../../src/core/platform.js';
import { HEAP_START, setWasmEnabled, wasmGemm } from '../../src/cpu/wasm/module.js';

const ROOT = new URL('../../', import.meta.url);

/** A deterministic uniform generator in [-1, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

type Layout = 'row' | 'col' | 'slice' | 'reversed' | 'broadcast' | 'gather';

/**
 * A random batch x rows x cols float32 operand laid out as asked: row-major,
 * transposed (column-major), inside a bigger array (offset, padded rows),
 * with every stride negative, one matrix broadcast over the batch (stride
 * 0), or a narrow slice of a much bigger array (the gather path).
 */
function operand(batch: number, rows: number, cols: number, layout: Layout, rand: () => number): Matrix32 {
  const pad = 3,
    off = 5;
  let rs: number,
    cs: number,
    bs: number,
    offset = 0,
    length: number;
  switch (layout) {
    case 'row':
      rs = cols;
      cs = 1;
      bs = rows * cols;
      length = batch * bs;
      break;
    case 'col':
      rs = 1;
      cs = rows;
      bs = rows * cols;
      length = batch * bs;
      break;
    case 'slice':
      rs = cols + pad;
      cs = 1;
      bs = rows * rs + 7;
      offset = off;
      length = off + batch * bs;
      break;
    case 'reversed':
      rs = -cols;
      cs = -1;
      bs = -rows * cols;
      offset = batch * rows * cols - 1;
      length = batch * rows * cols;
      break;
    case 'broadcast':
      rs = cols;
      cs = 1;
      bs = 0;
      length = rows * cols;
      break;
    case 'gather':
      rs = 50 * cols + 4000;
      cs = 1;
      bs = rows * rs;
      offset = off;
      length = off + batch * bs;
      break;
  }
  const data = new Float32Array(length);
  for (let i = 0; i < length; i++) data[i] = rand();
  return { data, offset, rs, cs, bs };
}

/** The JS gemm's product (double sums, rounded once) and the bound on a float32 sum's error, per element. */
function reference(
  x: Matrix32,
  y: Matrix32,
  batch: number,
  m: number,
  k: number,
  n: number
): { want: Float64Array; tol: Float64Array } {
  const want = new Float64Array(batch * m * n),
    tol = new Float64Array(batch * m * n);
  const abs = (o: Matrix32) => ({ ...o, data: o.data.map(Math.abs) });
  const ax = abs(x),
    ay = abs(y);
  const panel = new Float64Array(k * 4);
  // Each of the k products and sums rounds once: |error| <= (k + 1) u sum |x y| (u = 2^-24), with room.
  const gamma = (k + 2) * 2 ** -23;
  for (let t = 0; t < batch; t++) {
    gemm({ ...x, offset: x.offset + t * x.bs }, { ...y, offset: y.offset + t * y.bs }, want, t * m * n, m, k, n, panel);
    gemm(
      { ...ax, offset: ax.offset + t * ax.bs },
      { ...ay, offset: ay.offset + t * ay.bs },
      tol,
      t * m * n,
      m,
      k,
      n,
      panel
    );
  }
  for (let i = 0; i < tol.length; i++) tol[i] = gamma * tol[i]! + 1e-30;
  return { want, tol };
}

/** Run the wasm gemm and check every element against the JS gemm within the float32 bound. */
function check(
  batch: number,
  m: number,
  k: number,
  n: number,
  xl: Layout,
  yl: Layout,
  seed = m * 7919 + k * 104729 + n,
  threads = 1
): void {
  const rand = rng(seed);
  const x = operand(batch, m, k, xl, rand),
    y = operand(batch, k, n, yl, rand);
  const c = new Float32Array(batch * m * n + 2).fill(NaN);
  expect(gemmWasm(x, y, c, 1, batch, m, k, n, threads)).toBe(true);
  expect(c[0]).toBeNaN();
  expect(c[c.length - 1]).toBeNaN();
  const { want, tol } = reference(x, y, batch, m, k, n);
  let bad = 0,
    first = '';
  for (let i = 0; i < want.length; i++) {
    const got = c[i + 1]!;
    if (!(Math.abs(got - want[i]!) <= tol[i]!)) {
      if (bad++ === 0) first = `element ${i}: wasm ${got}, js ${want[i]} (tolerance ${tol[i]})`;
    }
  }
  expect(bad, `${batch} x ${m}x${k} @ ${k}x${n} (${xl}, ${yl}): ${bad} elements off; first ${first}`).toBe(0);
}

// Every remainder of MR = 4 and NR = 8 rows or columns, and both sides of the narrow-C path (n <= 32).
const EDGES = [1, 2, 3, 5, 6, 7, 17, 32, 33, 100, 257];

describe('wasm gemm module', () => {
  it('the committed binary is a fresh asc build of asm/gemm.ts', () => {
    const fresh = execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--stdout'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const committed = readFileSync(new URL('src/cpu/wasm/gemm.wasm.ts', ROOT), 'utf8');
    expect(committed === fresh, 'src/cpu/wasm/gemm.wasm.ts is stale: run npm run build:wasm').toBe(true);
  });

  it('the committed fused build (gemm_fma) is a fresh asc build of the same source with relaxed SIMD', () => {
    const fresh = execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--stdout', 'gemm_fma'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const committed = readFileSync(new URL('src/cpu/wasm/gemm_fma.wasm.ts', ROOT), 'utf8');
    expect(committed === fresh, 'src/cpu/wasm/gemm_fma.wasm.ts is stale: run npm run build:wasm').toBe(true);
  });

  it("uses the fused build where relaxed SIMD validates (Node 20 once the platform set V8's flag), feature-detected", () => {
    // Node's platform is in force (test/setup.ts loads src/index.ts); Node 20 has relaxed SIMD behind the flag.
    expect(platform().name).toBe('node');
    expect(platform().relaxedSimd()).toBe(true);
    expect(wasmGemm()?.fma).toBe(process.env.KTAPE_WASM_FMA !== '0');
  });

  it('loads on this engine (WebAssembly SIMD and shared memory)', () => {
    const w = wasmGemm();
    expect(w).not.toBeNull();
    expect(WebAssembly.Module.imports(w!.module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(
      WebAssembly.Module.exports(w!.module)
        .map((e) => e.name)
        .sort()
    ).toEqual(['clear', 'jobBytes', 'packedBytes', 'prepare', 'run', 'runs', 'setJob', 'workBytes']);
    expect(w!.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('instantiating it writes nothing to the shared memory (every thread instantiates it)', () => {
    const w = wasmGemm()!;
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 32768, shared: true });
    const bytes = new Uint8Array(memory.buffer);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 255;
    new WebAssembly.Instance(w.module, { env: { memory } });
    let changed = 0;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== ((i * 31 + 7) & 255)) changed++;
    expect(changed).toBe(0);
  });

  it('switched off, gemmWasm declines and matmulInto runs the JS gemm', () => {
    const rand = rng(1);
    const x = operand(1, 40, 30, 'row', rand),
      y = operand(1, 30, 20, 'row', rand);
    const was = setWasmEnabled(false);
    try {
      expect(gemmWasm(x, y, new Float32Array(800), 0, 1, 40, 30, 20, 1)).toBe(false);
      const got = new Float32Array(800),
        want = new Float32Array(800);
      matmulInto(x, y, got, 0, 40, 30, 20);
      gemm(x, y, want, 0, 40, 30, 20, new Float64Array(120));
      expect(got).toEqual(want);
    } finally {
      setWasmEnabled(was);
    }
  });
});

describe('gemmWasm', () => {
  for (const [xl, yl] of [
    ['row', 'row'],
    ['col', 'row'],
    ['row', 'col'],
    ['col', 'col'],
  ] as const) {
    it(`edge sizes 1..257 for m and n (every remainder mod 4 and 8), ${xl} x ${yl}`, () => {
      for (const m of EDGES) for (const n of EDGES) check(1, m, ((m * 3 + n) % 41) + 1, n, xl, yl);
    });
    it(`edge sizes 1..257 for k, ${xl} x ${yl}`, () => {
      for (const k of EDGES) check(1, 9, k, 13, xl, yl);
    });
  }

  it('k = 1 (outer products)', () => {
    for (const [m, n] of [
      [1, 1],
      [4, 8],
      [5, 9],
      [100, 257],
    ] as const)
      check(1, m, 1, n, 'row', 'row');
  });

  it('large k: several KC slices, the last one partial', () => {
    check(1, 9, 1000, 19, 'row', 'row');
    check(1, 33, 2049, 17, 'col', 'row');
    check(1, 6, 4096, 10, 'row', 'col');
  });

  it('several blocks of rows (tall C) and of columns (wide C)', () => {
    check(1, 600, 20, 12, 'row', 'row');
    check(1, 5, 9, 4500, 'row', 'row');
    check(1, 530, 300, 70, 'col', 'col');
  });

  it('sliced views (offsets, padded rows) and reversed views (negative strides)', () => {
    for (const [xl, yl] of [
      ['slice', 'slice'],
      ['slice', 'col'],
      ['reversed', 'row'],
      ['col', 'reversed'],
      ['reversed', 'slice'],
    ] as const) {
      check(1, 37, 29, 41, xl, yl);
      check(2, 5, 7, 3, xl, yl);
    }
  });

  it('a narrow slice of a big array is gathered, not copied whole', () => {
    check(1, 20, 30, 11, 'gather', 'row');
    check(3, 7, 12, 9, 'row', 'gather');
  });

  it('batched 3-D products, with one matrix broadcast over the batch', () => {
    check(4, 17, 33, 9, 'row', 'row');
    check(3, 33, 17, 65, 'col', 'slice');
    check(5, 8, 16, 24, 'broadcast', 'row');
    check(2, 30, 40, 50, 'row', 'broadcast');
  });

  it('k = 0 gives zeros; an empty C writes nothing', () => {
    const c = new Float32Array(7).fill(NaN);
    const empty: Matrix32 = { data: new Float32Array(0), offset: 0, rs: 0, cs: 1, bs: 0 };
    expect(gemmWasm(empty, empty, c, 1, 1, 2, 0, 3, 1)).toBe(true);
    expect(Array.from(c)).toEqual([NaN, 0, 0, 0, 0, 0, 0]);
    const d = new Float32Array(3).fill(NaN);
    expect(gemmWasm(empty, empty, d, 0, 1, 0, 5, 3, 1)).toBe(true);
    expect(Array.from(d)).toEqual([NaN, NaN, NaN]);
  });

  it('Inf and NaN reach only their own rows and columns (the zero padding mixes into nothing)', () => {
    const m = 5,
      k = 6,
      n = 9;
    const x = operand(1, m, k, 'row', rng(3)),
      y = operand(1, k, n, 'row', rng(4));
    x.data[2 * k + 1] = Infinity;
    y.data[3 * n + 8] = NaN;
    const c = new Float32Array(m * n);
    expect(gemmWasm(x, y, c, 0, 1, m, k, n, 1)).toBe(true);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const v = c[i * n + j]!;
        if (j === 8) expect(v).toBeNaN();
        else if (i === 2) expect(Math.abs(v)).toBe(Infinity);
        else expect(Number.isFinite(v)).toBe(true);
      }
    }
  });

  it('grows its memory for big operands and keeps working after', () => {
    const w = wasmGemm()!;
    check(1, 700, 800, 900, 'row', 'row', 11);
    expect(w.memory.buffer.byteLength).toBeGreaterThan(HEAP_START + 4 * (700 * 800 + 800 * 900 + 700 * 900));
    check(1, 3, 4, 5, 'row', 'row', 12);
  });
});

describe('matmulInto', () => {
  it('tiny products stay on the JS gemm (bit for bit), bigger ones run in wasm', () => {
    const rand = rng(9);
    const x = operand(1, 4, 4, 'row', rand),
      y = operand(1, 4, 4, 'row', rand);
    expect(2 * 4 * 4 * 4).toBeLessThan(WASM_MIN_FLOPS);
    const got = new Float32Array(16),
      want = new Float32Array(16);
    matmulInto(x, y, got, 0, 4, 4, 4);
    gemm(x, y, want, 0, 4, 4, 4, new Float64Array(16));
    expect(got).toEqual(want);
    // At 64-cube the wasm path sums in float32, so it differs from the double-sum gemm somewhere.
    const a = operand(1, 64, 64, 'row', rand),
      b = operand(1, 64, 64, 'row', rand);
    const viaWasm = new Float32Array(4096),
      viaJs = new Float32Array(4096),
      direct = new Float32Array(4096);
    matmulInto(a, b, viaWasm, 0, 64, 64, 64);
    gemm(a, b, viaJs, 0, 64, 64, 64, new Float64Array(256));
    expect(gemmWasm(a, b, direct, 0, 1, 64, 64, 64, 1)).toBe(true);
    expect(viaWasm).toEqual(direct);
    expect(viaWasm).not.toEqual(viaJs);
  });

  it('float64 stays on the JS gemm (double sums)', () => {
    const rand = rng(10);
    const f64 = (o: Matrix32) => ({ ...o, data: Float64Array.from(o.data) });
    const x = f64(operand(2, 30, 40, 'row', rand)),
      y = f64(operand(2, 40, 20, 'col', rand));
    const got = new Float64Array(1200),
      want = new Float64Array(1200);
    matmulInto(x, y, got, 0, 30, 40, 20, 2);
    const panel = new Float64Array(160);
    for (let t = 0; t < 2; t++)
      gemm(
        { ...x, offset: x.offset + t * x.bs },
        { ...y, offset: y.offset + t * y.bs },
        want,
        t * 600,
        30,
        40,
        20,
        panel
      );
    expect(got).toEqual(want);
  });
});

describe('matmul on the cpu device', () => {
  it('K.dot and K.batch_dot of float32 views agree with float64', () => {
    const prev = K.get_device();
    K.set_device('cpu');
    try {
      const rand = rng(21);
      const xs = Array.from({ length: 70 * 90 }, rand),
        ys = Array.from({ length: 70 * 50 }, rand);
      const x32 = fixtureTensor(xs, [70, 90], 'float32'),
        y32 = fixtureTensor(ys, [70, 50], 'float32');
      const x64 = fixtureTensor(xs, [70, 90], 'float64'),
        y64 = fixtureTensor(ys, [70, 50], 'float64');
      // x^T y: the first operand is a transposed view.
      const got = K.eval(K.dot(K.transpose(x32), y32)).data,
        want = K.eval(K.dot(K.transpose(x64), y64)).data;
      expect(got.length).toBe(90 * 50);
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-4);
      const b32 = K.reshape(x32, [7, 10, 90]),
        b64 = K.reshape(x64, [7, 10, 90]);
      const bgot = K.eval(K.batch_dot(b32, b32, [2, 2])).data,
        bwant = K.eval(K.batch_dot(b64, b64, [2, 2])).data;
      for (let i = 0; i < bgot.length; i++) expect(Math.abs(bgot[i]! - bwant[i]!)).toBeLessThan(1e-4);
    } finally {
      K.set_device(prev);
    }
  });
});

// The cpu device's gemm: in the gpu project K.dot runs on the gpu, so these run in the cpu project only.
describe.skipIf(wasmGemm() === null || testDevice() !== 'cpu')(
  'kept panels (a B operand packed once, read by later products)',
  () => {
    const seq = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + s));
    const bits = (t: K.Tensor) => Array.from(K.eval(t).data as Float32Array);
    /** The product with a fresh copy of w: an array never seen, so its panels are packed afresh. */
    const afresh = (x: K.Tensor, w: K.Tensor) => bits(K.dot(x, K.variable(K.eval(w))));

    it('reads a weight kept after its second use, in both modes and on every thread count, with the same bits', () => {
      for (const [m, k, n] of [
        [200, 96, 64], // tall C: ROWS, B packed whole
        [32, 96, 300], // wide C: COLS, blocks read their columns' panels
        [3, 700, 520], // several k slices
      ] as const) {
        for (const threads of [1, 2]) {
          K.set_num_threads(threads);
          const w = K.variable(K.reshape(seq(k * n, m), [k, n]));
          const x = K.constant(seq(m * k, n), 'float32', [m, k]);
          const fresh = bits(K.dot(x, w)); // first sight: packed afresh
          const before = { ...keptStats };
          const second = bits(K.dot(x, w)); // second: packed into kept panels
          const third = bits(K.dot(x, w)); // third: read from them
          expect(keptStats.fills, `${m}x${k}x${n}`).toBe(before.fills + 1);
          expect(keptStats.hits).toBe(before.hits + 1);
          expect(second).toEqual(fresh);
          expect(third).toEqual(fresh);
        }
      }
      K.set_num_threads(1);
    });

    it('reads the new value after an update (a new version is a new array)', () => {
      const w = K.variable(K.reshape(seq(96 * 64, 1), [96, 64]));
      const x = K.constant(seq(128 * 96, 2), 'float32', [128, 96]);
      for (let i = 0; i < 3; i++) K.dot(x, w);
      const hits = keptStats.hits;
      K.update_add(w, K.ones([96, 64]));
      const after = bits(K.dot(x, w));
      expect(keptStats.hits).toBe(hits);
      expect(after).toEqual(afresh(x, w));
    });

    it('stays right when many operands overflow the kept region and convolutions reclaim it', () => {
      const x = K.constant(seq(16 * 512, 3), 'float32', [16, 512]);
      const ws = Array.from({ length: 40 }, (_, i) => K.variable(K.reshape(seq(512 * 512, i), [512, 512])));
      for (const w of ws) K.dot(x, w);
      const img = K.constant(seq(2 * 9 * 9 * 3, 4), 'float32', [2, 9, 9, 3]);
      const fills = keptStats.fills;
      const results = ws.map((w, i) => {
        if (i % 7 === 0) K.conv2d(img, K.ones([3, 3, 3, 2 + (i % 3)]), [1, 1], 'same');
        return bits(K.dot(x, w));
      });
      // 40 operands of 1 MiB each: the 32 MiB region was given up and refilled.
      expect(keptStats.fills - fills).toBe(40);
      ws.forEach((w, i) => expect(results[i]).toEqual(afresh(x, w)));
    });
  }
);
