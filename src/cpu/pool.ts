// Pool cpu kernels (the window geometry they share with the shape rules and the gpu is in src/prims/pool_geometry.ts).
//
// x is channels_last [batch, ...spatial, channels] with 1 to 3 spatial axes.
// Each output position has a window, clipped to the input (TF's 'SAME'
// padding is never read as values: max ignores it and avg divides by the
// number of input elements in the window). Windows are walked in row-major
// order, so the first maximum of a window is the one met first.
import type { Kernel, KernelOf } from '../core/backend.js';
import { sizeOf } from '../core/shape.js';
import { alloc, contiguous, type Nd } from '../core/ndarray.js';
import type { PoolAttrs, PoolWindow } from '../core/primitives.js';
import { poolGeometry } from '../prims/pool_geometry.js';

interface Layout {
  readonly batch: number;
  readonly inner: number[];
  readonly outer: number[];
  readonly channels: number;
  readonly before: number[];
}

function layout(inShape: readonly number[], a: PoolWindow): Layout {
  const spatial = inShape.slice(1, -1);
  const g = poolGeometry(spatial, a);
  return { batch: inShape[0]!, inner: spatial, outer: g.out, channels: inShape.at(-1)!, before: g.before };
}

/**
 * Call `visit(o, cells, count)` for every output position o (flat over the
 * spatial axes, row-major) with the flat spatial input positions of its
 * window clipped to the input, in row-major order.
 */
function forEachWindow(l: Layout, a: PoolWindow, visit: (o: number, cells: Int32Array, count: number) => void): void {
  const r = l.inner.length;
  const cells = new Int32Array(Math.max(1, sizeOf(a.window)));
  const pos = new Array<number>(r).fill(0);
  const lo = new Array<number>(r).fill(0);
  const hi = new Array<number>(r).fill(0);
  const at = new Array<number>(r).fill(0);
  const total = sizeOf(l.outer);
  for (let o = 0; o < total; o++) {
    let empty = false;
    for (let i = 0; i < r; i++) {
      const start = pos[i]! * a.strides[i]! - l.before[i]!;
      lo[i] = Math.max(start, 0);
      hi[i] = Math.min(start + a.window[i]!, l.inner[i]!);
      at[i] = lo[i]!;
      if (hi[i]! <= lo[i]!) empty = true;
    }
    let count = 0;
    while (!empty) {
      let flat = 0;
      for (let i = 0; i < r; i++) flat = flat * l.inner[i]! + at[i]!;
      cells[count++] = flat;
      let i = r - 1;
      for (; i >= 0; i--) {
        at[i]! += 1;
        if (at[i]! < hi[i]!) break;
        at[i] = lo[i]!;
      }
      if (i < 0) break;
    }
    visit(o, cells, count);
    for (let i = r - 1; i >= 0; i--) {
      pos[i]! += 1;
      if (pos[i]! < l.outer[i]!) break;
      pos[i] = 0;
    }
  }
}

/**
 * The first extreme of each window: its value (what = 'value') or its flat
 * index into x ('index'). NaN wins, as in the max reduction.
 */
function maxKernel(what: 'value' | 'index'): KernelOf<1, PoolWindow, Nd> {
  return ([xin], a, out) => {
    const l = layout(xin.shape, a);
    // An index output says nothing of x's dtype; a float64 copy holds any of them.
    const x = contiguous(xin, what === 'index' ? 'float64' : out.dtype);
    const y = alloc(out.dtype, out.shape);
    const xd = x.data;
    const yd = y.data;
    const C = l.channels;
    const S = sizeOf(l.inner);
    const O = sizeOf(l.outer);
    forEachWindow(l, a, (o, cells, count) => {
      for (let b = 0; b < l.batch; b++) {
        for (let ch = 0; ch < C; ch++) {
          let bestAt = (b * S + cells[0]!) * C + ch;
          let best = xd[x.offset + bestAt]!;
          for (let j = 1; j < count; j++) {
            const at = (b * S + cells[j]!) * C + ch;
            const v = xd[x.offset + at]!;
            if (best === best && (v > best || v !== v)) {
              best = v;
              bestAt = at;
            }
          }
          yd[(b * O + o) * C + ch] = what === 'value' ? best : bestAt;
        }
      }
    });
    return y;
  };
}

export const cpuPool: { [P in keyof PoolAttrs]: Kernel<P, Nd> } = {
  max_pool: maxKernel('value'),
  max_pool_argmax: maxKernel('index'),
  avg_pool: ([xin], a, out) => {
    const l = layout(xin.shape, a);
    const x = contiguous(xin, out.dtype);
    const y = alloc(out.dtype, out.shape);
    const C = l.channels;
    const S = sizeOf(l.inner);
    const O = sizeOf(l.outer);
    forEachWindow(l, a, (o, cells, count) => {
      for (let b = 0; b < l.batch; b++) {
        for (let ch = 0; ch < C; ch++) {
          let s = 0;
          for (let j = 0; j < count; j++) s += x.data[x.offset + (b * S + cells[j]!) * C + ch]!;
          y.data[(b * O + o) * C + ch] = s / count;
        }
      }
    });
    return y;
  },
  // The transpose of avg_pool: each window's g / count added to its cells
  // (summed in float64, rounded once into the output).
  avg_pool_grad: ([gin], a, out) => {
    const l = layout(a.shape, a);
    const g = contiguous(gin, out.dtype);
    const acc = new Float64Array(sizeOf(out.shape));
    const C = l.channels;
    const S = sizeOf(l.inner);
    const O = sizeOf(l.outer);
    forEachWindow(l, a, (o, cells, count) => {
      for (let b = 0; b < l.batch; b++) {
        for (let ch = 0; ch < C; ch++) {
          const share = g.data[g.offset + (b * O + o) * C + ch]! / count;
          for (let j = 0; j < count; j++) {
            const at = (b * S + cells[j]!) * C + ch;
            acc[at] = acc[at]! + share;
          }
        }
      }
    });
    const y = alloc(out.dtype, out.shape);
    y.data.set(acc);
    return y;
  },
};
