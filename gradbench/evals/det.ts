// det: the determinant of an l x l matrix by expansion by minors, and its
// gradient by K.gradients. The expansion runs bottom-up over the minors, as
// tensors: level t holds the determinant of every t x t minor made of the
// last t rows and a set S of t columns, and
//   M_t[S] = sum over the p-th column j of S of (-1)^p A[l - t, j] M_{t-1}[S \ j],
// one gather of A's row, one of the level below and a sum per level. Each
// minor is expanded once (cmpad's det_by_minor recomputes shared minors: the
// same sums, l 2^l products instead of l!).
import * as K from '../../src/index.js';
import { list, multipleRuns, type Runs } from '../protocol.js';

interface Input extends Runs {
  A: number[];
  ell: number;
}

/** Column sets of size t as bit masks, in increasing order, and each one's index. */
function levels(ell: number): number[][] {
  const out: number[][] = Array.from({ length: ell + 1 }, () => []);
  for (let s = 0; s < 1 << ell; s++) {
    let bits = 0;
    for (let v = s; v !== 0; v &= v - 1) bits++;
    out[bits]!.push(s);
  }
  return out;
}

/** For level t: per minor and per column of it, the column, the index of the minor without it, and the sign. */
interface Level {
  cols: K.Tensor;
  below: K.Tensor;
  signs: K.Tensor;
}

function plan(ell: number): Level[] {
  const sets = levels(ell);
  const index = new Map<number, number>();
  for (const level of sets) level.forEach((s, i) => index.set(s, i));
  const out: Level[] = [];
  for (let t = 1; t <= ell; t++) {
    const cols: number[][] = [];
    const below: number[][] = [];
    const signs: number[][] = [];
    for (const s of sets[t]!) {
      const c: number[] = [];
      const b: number[] = [];
      const g: number[] = [];
      let p = 0;
      for (let j = 0; j < ell; j++) {
        if ((s & (1 << j)) === 0) continue;
        c.push(j);
        b.push(index.get(s & ~(1 << j))!);
        g.push(p % 2 === 0 ? 1 : -1);
        p++;
      }
      cols.push(c);
      below.push(b);
      signs.push(g);
    }
    out.push({
      cols: K.constant(cols, 'int32'),
      below: K.constant(below, 'int32'),
      signs: K.constant(signs, 'float64'),
    });
  }
  return out;
}

function det(a: K.Tensor, ell: number, levels: Level[]): K.Tensor {
  // The empty minor's determinant is 1.
  let m: K.Tensor = K.ones([1], 'float64');
  for (let t = 1; t <= ell; t++) {
    const { cols, below, signs } = levels[t - 1]!;
    const row = K.gather(a, ell - t);
    m = K.sum(K.multiply(K.multiply(K.gather(row, cols), K.gather(m, below)), signs), 1);
  }
  return K.reshape(m, []);
}

export const primal = multipleRuns(({ A, ell }: Input) => {
  const a = K.constant(A, 'float64', [ell, ell]);
  const p = plan(ell);
  return () => K.eval(det(a, ell, p)).get();
});

export const gradient = multipleRuns(({ A, ell }: Input) => {
  const a = K.variable(K.constant(A, 'float64', [ell, ell]), 'float64');
  const p = plan(ell);
  return () => K.eval(K.gradients(det(a, ell, p), [a])[0]!).data as Float64Array;
}, list);
