// ba: bundle adjustment (ADBench). p observations, each of a point by a
// camera (11 parameters: Rodrigues rotation, centre, focal length, principal
// point, two radial distortion terms) with a weight w: the reprojection error
// w (project(camera, point) - feature), and the weight error 1 - w^2. The
// Jacobian is sparse: each observation's 2 x 15 block (camera, point, w),
// from K.vmap over the observations of K.jacobian of one observation's
// error (itself a K.vmap over the two output rows), laid out in ADBench's
// compressed rows. The input is one camera, point, weight and feature,
// repeated n, m, p times as ADBench's generator does; observation j reads
// camera j mod n and point j mod m.
import * as K from '../../src/index.js';
import { multipleRuns, type Runs } from '../protocol.js';

interface Input extends Runs {
  n: number;
  m: number;
  p: number;
  cam: number[];
  x: number[];
  w: number;
  feat: number[];
}

const f64 = (v: number[], shape?: number[]) => K.constant(v, 'float64', shape);

/** a x b for 3-vectors. */
function cross(a: K.Tensor, b: K.Tensor): K.Tensor {
  const i120 = K.constant([1, 2, 0], 'int32');
  const i201 = K.constant([2, 0, 1], 'int32');
  return K.subtract(K.multiply(K.gather(a, i120), K.gather(b, i201)), K.multiply(K.gather(a, i201), K.gather(b, i120)));
}

/** X rotated by the Rodrigues vector rot; a rotation of angle 0 (rot = 0) as X + rot x X, selected, not branched. */
function rodrigues(rot: K.Tensor, x: K.Tensor): K.Tensor {
  const sq = K.sum(K.square(rot));
  const turning = K.greater(sq, 0);
  const theta = K.sqrt(K.switch(turning, sq, K.ones_like(sq)));
  const [c, s] = [K.cos(theta), K.sin(theta)];
  const w = K.divide(rot, theta);
  const rotated = K.add(
    K.add(K.multiply(x, c), K.multiply(cross(w, x), s)),
    K.multiply(w, K.multiply(K.sum(K.multiply(w, x)), K.subtract(1, c)))
  );
  return K.switch(turning, rotated, K.add(x, cross(rot, x)));
}

/** One observation's reprojection error, from its 15 parameters [camera (11), point (3), w] and its feature. */
function reprojection(v: K.Tensor, feat: K.Tensor): K.Tensor {
  const part = (at: number, size: number) => K.slice(v, [at], [size]);
  const xcam = rodrigues(part(0, 3), K.subtract(part(11, 3), part(3, 3)));
  const proj = K.divide(K.slice(xcam, [0], [2]), K.slice(xcam, [2], [1]));
  const rsq = K.sum(K.square(proj));
  const rad = part(9, 2);
  const l = K.add(K.add(1, K.multiply(K.slice(rad, [0], [1]), rsq)), K.multiply(K.slice(rad, [1], [1]), K.square(rsq)));
  const projected = K.add(K.multiply(K.multiply(proj, l), part(6, 1)), part(7, 2));
  return K.multiply(part(14, 1), K.subtract(projected, feat));
}

/** Every observation's 15 parameters (p, 15) and feature (p, 2). */
function observations({ n, m, p, cam, x, w, feat }: Input) {
  const cams = K.tile(f64(cam, [1, 11]), [n, 1]);
  const points = K.tile(f64(x, [1, 3]), [m, 1]);
  const camOf = K.constant(
    Array.from({ length: p }, (_, j) => j % n),
    'int32'
  );
  const pointOf = K.constant(
    Array.from({ length: p }, (_, j) => j % m),
    'int32'
  );
  const weights = K.reshape(K.tile(f64([w]), [p]), [p, 1]);
  const params = K.concatenate([K.gather(cams, camOf), K.gather(points, pointOf), weights], 1);
  return { params, feats: K.tile(f64(feat, [1, 2]), [p, 1]), weights };
}

export const objective = multipleRuns((input: Input) => {
  const { params, feats, weights } = observations(input);
  return () => {
    const errors = K.vmap(reprojection)(params, feats);
    const wErr = K.subtract(1, K.square(weights));
    const e = K.eval(errors).data as Float64Array;
    return {
      reproj_error: { elements: [e[0]!, e[1]!], repeated: input.p },
      w_err: { element: (K.eval(wErr).data as Float64Array)[0]!, repeated: input.p },
    };
  };
});

export const jacobian = multipleRuns((input: Input) => {
  const { params, feats, weights } = observations(input);
  const { n, m, p } = input;
  return () => {
    // (p, 2, 15): each observation's block, rows the two errors.
    const blocks = K.eval(
      K.vmap((v: K.Tensor, ft: K.Tensor) => K.jacobian((u) => reprojection(u, ft), v))(params, feats)
    ).data as Float64Array;
    const wd = K.eval(K.multiply(weights, -2)).data as Float64Array;
    // ADBench's compressed rows: 2 rows of 15 per observation, then one row per weight.
    const rows: number[] = [0];
    const cols: number[] = [];
    const vals: number[] = [];
    for (let j = 0; j < p; j++) {
      const [c, q] = [j % n, j % m];
      for (let r = 0; r < 2; r++) {
        const at = (j * 2 + r) * 15;
        const entry = (col: number, k: number) => {
          cols.push(col);
          vals.push(blocks[at + k]!);
        };
        for (let i = 0; i < 11; i++) entry(11 * c + i, i);
        for (let i = 0; i < 3; i++) entry(11 * n + 3 * q + i, 11 + i);
        entry(11 * n + 3 * m + j, 14);
        rows.push(rows[rows.length - 1]! + 15);
      }
    }
    for (let j = 0; j < p; j++) {
      rows.push(rows[rows.length - 1]! + 1);
      cols.push(11 * n + 3 * m + j);
      vals.push(wd[j]!);
    }
    const dedup = (a: number[]) => [...a.slice(0, 30), a[a.length - 1]!];
    return { rows: dedup(rows), cols: dedup(cols), vals: dedup(vals) };
  };
});
