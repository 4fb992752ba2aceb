// kmeans: f(P, C) = sum_i min_j |C_j - P_i|^2 over n points and k centroids;
// `dir` is J / H for the gradient J with respect to C and the Hessian's
// diagonal H (the Hessian is diagonal: each centroid's terms touch only it),
// taken as H 1 with K.hessian_vector_product (reverse over reverse).
import * as K from '../../src/index.js';
import { multipleRuns, type Runs } from '../protocol.js';

interface Input extends Runs {
  points: number[][];
  centroids: number[][];
}

/** The (k, n) squared distances |C_j|^2 + |P_i|^2 - 2 C_j . P_i, their minimum over j, summed. */
function objective(points: K.Tensor, centroids: K.Tensor): K.Tensor {
  const pp = K.expand_dims(K.sum(K.square(points), 1), 0);
  const cc = K.expand_dims(K.sum(K.square(centroids), 1), 1);
  const d = K.subtract(K.add(pp, cc), K.multiply(K.dot(centroids, K.transpose(points)), 2));
  return K.sum(K.min(d, 0));
}

export const cost = multipleRuns(({ points, centroids }: Input) => {
  const p = K.constant(points, 'float64');
  const c = K.constant(centroids, 'float64');
  return () => K.eval(objective(p, c)).get();
});

export const dir = multipleRuns(({ points, centroids }: Input) => {
  const p = K.constant(points, 'float64');
  const c = K.constant(centroids, 'float64');
  const ones = K.ones_like(c);
  return () => {
    const f = (x: K.Tensor) => objective(p, x);
    const [j] = K.vjp(f, [c])[1](K.constant(1, 'float64'));
    const h = K.hessian_vector_product(f, c, ones) as K.Tensor;
    return K.divide(j!, h).toArray() as number[][];
  };
});
