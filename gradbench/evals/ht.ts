// ht: hand tracking (ADBench). A skinned hand model (bones with relative
// transforms, vertices with bone weights) posed by 26 parameters theta
// (global rotation as an angle-axis vector, translation, and each finger's
// Euler angles); the objective is each data point minus its corresponding
// model point: a vertex ("simple"), or a point of a triangle at barycentric
// coordinates us ("complicated": the us are parameters too). The Jacobian is
// tall (3 rows per point, 26 + 2 per point columns) and its us part block
// diagonal (each point's 3 rows depend on its own 2 us only), so it is built
// by columns: K.vmap of K.jvp over 26 one-hot theta directions and two
// directions that move every point's first (or second) u at once, which give
// each row's two us entries (ADBench's compressed layout: [us part, theta part]).
import * as K from '../../src/index.js';
import { multipleRuns, type Runs } from '../protocol.js';

type Tensor = K.Tensor;

interface Model {
  bone_count: number;
  parents: number[];
  base_relatives: number[][][];
  inverse_base_absolutes: number[][][];
  base_positions: number[][];
  weights: number[][];
  triangles: number[][];
  is_mirrored: boolean;
}

interface Input extends Runs {
  theta: number[];
  us: number[][];
  data: { model: Model; correspondences: number[]; points: number[][] };
}

const f64 = (v: number[], shape?: number[]) => K.constant(v, 'float64', shape);
const i32 = (v: number[]) => K.constant(v, 'int32');

/**
 * Where each of the (bones + 3) x 3 pose parameters comes from in
 * [theta, 0, 1]: global rotation, scale (ones), translation, then per finger
 * three bones with one angle each (two for its first) and a fixed tip.
 */
function poseIndex(bones: number, thetas: number): number[] {
  const [zero, one] = [thetas, thetas + 1];
  const idx = new Array<number>((bones + 3) * 3).fill(zero);
  for (let c = 0; c < 3; c++) {
    idx[c] = c;
    idx[3 + c] = one;
    idx[6 + c] = 3 + c;
  }
  let t = 6;
  let row = 5;
  for (let finger = 0; finger < 5; finger++) {
    for (let i = 1; i <= 3; i++) {
      idx[row * 3] = t++;
      if (i === 1) idx[row * 3 + 1] = t++;
      row++;
    }
    row++;
  }
  return idx;
}

/** A [n] tensor of each entry, stacked into [n, 3, 3] matrices (row-major). */
const matrices3 = (entries: Tensor[]) => K.reshape(K.stack(entries, 1), [-1, 3, 3]);

/** Each bone's rotation from its Euler angles (columns x, z, y of `angles` [n, 3]): Rz Ry Rx. */
function eulerRotations(angles: Tensor): Tensor {
  const col = (j: number) => K.squeeze(K.slice(angles, [0, j], [-1, 1]), 1);
  const [tx, tz, ty] = [col(0), col(1), col(2)];
  const zero = K.zeros_like(tx);
  const one = K.ones_like(tx);
  const [cx, sx, cy, sy, cz, sz] = [K.cos(tx), K.sin(tx), K.cos(ty), K.sin(ty), K.cos(tz), K.sin(tz)];
  const rx = matrices3([one, zero, zero, zero, cx, K.negative(sx), zero, sx, cx]);
  const ry = matrices3([cy, zero, K.negative(sy), zero, one, zero, sy, zero, cy]);
  const rz = matrices3([cz, K.negative(sz), zero, sz, cz, zero, zero, zero, one]);
  return K.batch_dot(K.batch_dot(rz, ry, [2, 1]), rx, [2, 1]);
}

/** [n, 3, 3] rotations as [n, 4, 4] homogeneous transforms. */
function homogeneous(r: Tensor): Tensor {
  const n = r.shape[0]!;
  const upper = K.concatenate([r, K.zeros([n, 3, 1], 'float64')], 2);
  return K.concatenate([upper, K.tile(f64([0, 0, 0, 1], [1, 1, 4]), [n, 1, 1])], 1);
}

/** The rotation of an angle-axis vector [3]; the identity below an angle of 1e-4, as ADBench's (selected, not branched). */
function angleAxis(aa: Tensor): Tensor {
  // The test on the squared norm: sqrt's derivative at 0 would be 0 * inf in the branch not taken.
  const sq = K.sum(K.square(aa));
  const turning = K.greater_equal(sq, 1e-8);
  const angle = K.sqrt(K.switch(turning, sq, K.ones_like(sq)));
  const u = K.divide(aa, angle);
  const [x, y, z] = [0, 1, 2].map((j) => K.slice(u, [j], [1]));
  const [s, c] = [K.sin(angle), K.cos(angle)];
  const c1 = K.subtract(1, c);
  const diag = (a: Tensor) => K.add(K.square(a), K.multiply(K.subtract(1, K.square(a)), c));
  const off = (a: Tensor, b: Tensor, d: Tensor, sign: 1 | -1) => {
    const sd = K.multiply(d, s);
    return sign > 0 ? K.add(K.multiply(K.multiply(a, b), c1), sd) : K.subtract(K.multiply(K.multiply(a, b), c1), sd);
  };
  const r = K.reshape(
    K.concatenate(
      [
        diag(x!),
        off(x!, y!, z!, -1),
        off(x!, z!, y!, 1),
        off(x!, y!, z!, 1),
        diag(y!),
        off(y!, z!, x!, -1),
        off(x!, z!, y!, -1),
        off(z!, y!, x!, 1),
        diag(z!),
      ],
      0
    ),
    [3, 3]
  );
  return K.switch(turning, r, K.eye(3, 'float64'));
}

/** The model's constants and the objective err(theta, us) [points, 3] (us null: the simple variant). */
function handModel(input: Input) {
  const { model, correspondences, points } = input.data;
  const bones = model.bone_count;
  const pose = i32(poseIndex(bones, input.theta.length));
  const poseTail = f64([0, 1]);
  const baseRelatives = f64(model.base_relatives.flat(2), [bones, 4, 4]);
  const inverseBaseAbsolutes = f64(model.inverse_base_absolutes.flat(2), [bones, 4, 4]);
  const observed = f64(points.flat(), [points.length, 3]);

  // Bones by depth (a parent comes before its children): each level's absolute transforms are its parents' (one level up) times its relatives.
  const depth: number[] = [];
  const levels: { bones: number[]; parentAt: number[] }[] = [];
  const at: number[] = [];
  model.parents.forEach((p, b) => {
    depth[b] = p < 0 ? 0 : depth[p]! + 1;
    const level = (levels[depth[b]!] ??= { bones: [], parentAt: [] });
    at[b] = level.bones.length;
    level.bones.push(b);
    level.parentAt.push(p < 0 ? -1 : at[p]!);
  });
  const levelBones = levels.map((l) => i32(l.bones));
  const levelParents = levels.map((l) => i32(l.parentAt));
  const order = levels.flatMap((l) => l.bones);
  const unorder = i32(order.map((_, b) => order.indexOf(b)));

  // The model points: vertices (simple) or triangle corners (complicated). Only the vertices
  // they name are posed, each by its row of weights times base position, [bones x 4]: a vertex is
  // then one row of a matrix product with the bones' transforms.
  const named =
    input.us.length > 0 ? [0, 1, 2].map((j) => correspondences.map((c) => model.triangles[c]![j]!)) : [correspondences];
  const used = [...new Set(named.flat())].sort((a, b) => a - b);
  const row = new Map(used.map((v, i) => [v, i]));
  const [cornerA, cornerB, cornerC] = named.map((vs) => i32(vs.map((v) => row.get(v)!)));
  const weighted = f64(
    used.flatMap((v) => model.weights[v]!.flatMap((w) => model.base_positions[v]!.map((p) => w * p))),
    [used.length, bones * 4]
  );

  /** The used vertices posed by theta [26]: [used, 3]. */
  function skinned(theta: Tensor): Tensor {
    const p = K.reshape(K.gather(K.concatenate([theta, poseTail], 0), pose), [bones + 3, 3]);
    const relatives = K.batch_dot(baseRelatives, homogeneous(eulerRotations(K.slice(p, [3, 0], [bones, 3]))), [2, 1]);
    const absolute: Tensor[] = [];
    levels.forEach((_, d) => {
      const rel = K.gather(relatives, levelBones[d]!);
      absolute.push(d === 0 ? rel : K.batch_dot(K.gather(absolute[d - 1]!, levelParents[d]!), rel, [2, 1]));
    });
    const absolutes = K.gather(K.concatenate(absolute, 0), unorder);
    // Each vertex: the weighted sum of its bones' transforms (their first 3 rows) applied to its base
    // position, sum over bones i and columns l of weight_i position_l T_i[:, l].
    const transforms = K.slice(K.batch_dot(absolutes, inverseBaseAbsolutes, [2, 1]), [0, 0, 0], [bones, 3, 4]);
    const local = K.dot(weighted, K.reshape(K.permute_dimensions(transforms, [0, 2, 1]), [bones * 4, 3]));
    // The global transform: rotation scaled by p[1] (column-wise), then translation p[2].
    const poseRow = (i: number) => K.squeeze(K.slice(p, [i, 0], [1, 3]), 0);
    const rotation = K.multiply(angleAxis(poseRow(0)), poseRow(1));
    return K.add(K.dot(local, K.transpose(rotation)), poseRow(2));
  }

  function err(theta: Tensor, us: Tensor | null): Tensor {
    const posed = skinned(theta);
    if (us === null) return K.subtract(observed, K.gather(posed, cornerA!));
    const [a, b, c] = [cornerA!, cornerB!, cornerC!].map((idx) => K.gather(posed, idx));
    const u0 = K.slice(us, [0, 0], [-1, 1]);
    const u1 = K.slice(us, [0, 1], [-1, 1]);
    const hand = K.add(
      K.add(K.multiply(u0, a!), K.multiply(u1, b!)),
      K.multiply(K.subtract(K.subtract(1, u0), u1), c!)
    );
    return K.subtract(observed, hand);
  }
  return err;
}

function prepared(input: Input) {
  const err = handModel(input);
  const theta = f64(input.theta);
  const n = input.data.points.length;
  const us = input.us.length > 0 ? f64(input.us.flat(), [n, 2]) : null;
  return { err, theta, us, n };
}

export const objective = multipleRuns(
  (input: Input) => {
    const { err, theta, us } = prepared(input);
    return () => K.eval(K.flatten(err(theta, us))).data as Float64Array;
  },
  (e) => Array.from(e)
);

export const jacobian = multipleRuns(
  (input: Input) => {
    const { err, theta, us, n } = prepared(input);
    const t = theta.shape[0]!;
    // The directions: theta's one-hot basis, then (complicated) every point's u0, every point's u1.
    const extra = us === null ? 0 : 2;
    const thetaDirs = K.concatenate([K.zeros([extra, t], 'float64'), K.eye(t, 'float64')], 0);
    const usDirs =
      us === null
        ? null
        : K.concatenate(
            [K.reshape(K.tile(f64([1, 0, 0, 1], [2, 1, 2]), [1, n, 1]), [2, n, 2]), K.zeros([t, n, 2], 'float64')],
            0
          );
    return () => {
      const columns =
        us === null
          ? K.vmap((dt: Tensor) => K.flatten(K.jvp((th: Tensor) => err(th, null), [theta], [dt])[1]))(thetaDirs)
          : K.vmap((dt: Tensor, du: Tensor) =>
              K.flatten(K.jvp((th: Tensor, u: Tensor) => err(th, u), [theta, us], [dt, du])[1])
            )(thetaDirs, usDirs!);
      return { columns: K.eval(columns).data as Float64Array, count: columns.shape[0]! };
    };
  },
  // [columns, rows] to ADBench's rows.
  ({ columns, count }) => {
    const rows = columns.length / count;
    return Array.from({ length: rows }, (_, i) => Array.from({ length: count }, (_, j) => columns[j * rows + i]!));
  }
);
