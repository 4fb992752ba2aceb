// Helpers shared by the ktape side of the workloads.
import * as K from '../../src/index.js';

/** A float32 variable holding `data` in `shape`. */
export function variable(data: Float32Array, shape: number[]): K.Variable {
  return K.variable(K.reshape(data, shape));
}

/**
 * Read one element of each tensor back. On the gpu device this waits for
 * every queued kernel (a read waits for the work before it), so a timed
 * iteration ends with it; on the cpu it is nearly free.
 */
export function sync(...ts: K.Tensor[]): number {
  let s = 0;
  for (const t of ts) {
    const corner =
      t.rank === 0
        ? t
        : K.slice(
            t,
            t.shape.map(() => 0),
            t.shape.map(() => 1)
          );
    s += K.eval(corner).data[0] as number;
  }
  return s;
}

/** The tensor's values as float32 (for comparing contenders). */
export function values(t: K.Tensor): Float32Array {
  return Float32Array.from(K.eval(t).data as ArrayLike<number>);
}

/** Free gpu buffers now instead of at collection (variables included). */
export function release(...ts: K.Tensor[]): void {
  K.dispose(ts);
}
