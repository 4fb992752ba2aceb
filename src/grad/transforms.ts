// Function transformations on top of backprop (in the spirit of JAX): vjp,
// jvp, Hessian-vector products, Jacobians and Hessians. Every one is built
// from reverse mode: a VJP is linear in its cotangent and is itself recorded,
// so differentiating it with respect to the cotangent transposes it back into
// a JVP (the "double VJP" trick), and differentiating a gradient gives the
// Hessian's action.
import { fmtShape, keras, typeError, userCode, valueError } from '../core/context.js';
import { toTensor, type TensorLike } from '../core/convert.js';
import { isFloat } from '../core/dtype.js';
import { isKnown, sizeOf } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import * as lax from '../prims/lax.js';
import { withRecording } from '../prims/apply.js';
import { backprop } from './backprop.js';
import { vmap } from './vmap.js';

type Fn<Y> = (...xs: Tensor[]) => Y;

function primalsOf(fn: string, primals: TensorLike | TensorLike[]): Tensor[] {
  const list = Array.isArray(primals) && primals.some((p) => p instanceof Tensor) ? primals : [primals];
  return (list as TensorLike[]).map((p, i) => {
    const t = toTensor(fn, p, `primals[${i}]`);
    if (!isFloat(t.dtype))
      throw typeError(fn, `primals[${i}] must be a float tensor; got ${t.dtype} of shape ${fmtShape(t.shape)}`);
    return t;
  });
}

function onePrimal(fn: string, x: TensorLike): Tensor {
  const t = toTensor(fn, x, 'x');
  if (!isFloat(t.dtype)) throw typeError(fn, `x must be a float tensor; got ${t.dtype} of shape ${fmtShape(t.shape)}`);
  return t;
}

function outputsOf(fn: string, y: unknown): Tensor[] {
  const ys = Array.isArray(y) ? y : [y];
  ys.forEach((t, i) => {
    if (!(t instanceof Tensor))
      throw typeError(fn, `f must return a tensor or a list of tensors; output ${i} is ${typeof t}`);
  });
  return ys as Tensor[];
}

/** A tensor matched to `like` (same shape, cast to its dtype), or a K.ValueError naming `arg`. */
function matching(fn: string, v: TensorLike, like: Tensor, arg: string): Tensor {
  const t = toTensor(fn, v, arg);
  const same = t.rank === like.rank && t.shape.every((d, k) => d < 0 || like.shape[k]! < 0 || d === like.shape[k]);
  if (!same) throw valueError(fn, `${arg} has shape ${fmtShape(t.shape)}; it must match ${fmtShape(like.shape)}`);
  return lax.cast(t, like.dtype);
}

const orZeros = (g: Tensor | null, like: Tensor) => g ?? lax.zerosLike(like);

/**
 * Reverse mode as a function (jax.vjp): returns `[f(...primals), pullback]`
 * where `pullback(cotangent)` returns J^T cotangent, the gradient of
 * <cotangent, f> with respect to each primal (zeros where f does not depend on
 * it). The pullback can be called many times and is itself differentiable.
 *
 * @param f  a function of the primals returning a tensor or a list of tensors
 * @param primals  a float tensor, or a list of them (f's arguments)
 * @returns `[y, pullback]`; pullback takes a cotangent shaped like y (a list when y is)
 * @throws K.TypeError when f is not a function or a primal is not float;
 *   K.ValueError when a cotangent's shape does not match y
 * @example
 * ```ts
 * const [y, pullback] = K.vjp((x: K.Tensor) => K.square(x), [K.constant([1, 2, 3])]);
 * K.eval(y);                                    // [1, 4, 9]
 * K.eval(pullback(K.constant([1, 0, 1]))[0]!);  // [2, 0, 6]
 * ```
 */
export function vjp<Y extends Tensor | Tensor[]>(
  f: Fn<Y>,
  primals: TensorLike | TensorLike[]
): [Y, (cotangent: Y | TensorLike) => Tensor[]] {
  return keras(vjp, () => {
    if (typeof f !== 'function') throw typeError('vjp', `f must be a function; got ${typeof f}`);
    const xs = primalsOf('vjp', primals);
    const y = withRecording(() => userCode(() => f(...xs)));
    const ys = outputsOf('vjp', y);
    const pullback = (cotangent: Y | TensorLike): Tensor[] =>
      keras(vjp, () => {
        const cts = Array.isArray(y) ? (cotangent as TensorLike[]) : [cotangent as TensorLike];
        if (!Array.isArray(cts) || cts.length !== ys.length)
          throw valueError('vjp', `the cotangent must have one tensor per output (${ys.length})`);
        const seeds = ys.map((o, i) => matching('vjp', cts[i]!, o, `cotangent[${i}]`));
        return backprop(ys, seeds, xs).map((g, i) => orZeros(g, xs[i]!));
      });
    return [y, pullback];
  });
}

/**
 * Forward mode (jax.jvp): `[f(...primals), J t]`, the directional derivative
 * of f at `primals` along `tangents`. ktape records reverse mode only, so J t
 * is the derivative of the (linear, recorded) map u -> J^T u with respect to
 * u, contracted with t: two reverse passes, exact, and differentiable again.
 *
 * @param f  a function of the primals returning a tensor or a list of tensors
 * @param primals  a float tensor, or a list of them
 * @param tangents  one tensor per primal, of its shape
 * @returns `[y, yDot]`, yDot shaped like y (zeros for outputs not depending on the primals)
 * @throws K.ValueError when tangents do not match the primals in number or shape
 * @example
 * ```ts
 * const [y, yDot] = K.jvp((x: K.Tensor) => K.square(x), [K.constant([1, 2, 3])], [K.constant([1, 1, 1])]);
 * K.eval(y);     // [1, 4, 9]
 * K.eval(yDot);  // [2, 4, 6]
 * ```
 */
export function jvp<Y extends Tensor | Tensor[]>(
  f: Fn<Y>,
  primals: TensorLike | TensorLike[],
  tangents: TensorLike | TensorLike[]
): [Y, Y] {
  return keras(jvp, () => {
    if (typeof f !== 'function') throw typeError('jvp', `f must be a function; got ${typeof f}`);
    const xs = primalsOf('jvp', primals);
    const tl =
      Array.isArray(tangents) && (tangents.some((p) => p instanceof Tensor) || xs.length > 1) ? tangents : [tangents];
    if ((tl as TensorLike[]).length !== xs.length)
      throw valueError(
        'jvp',
        `tangents must have one tensor per primal (${xs.length}); got ${(tl as TensorLike[]).length}`
      );
    const ts = (tl as TensorLike[]).map((t, i) => matching('jvp', t, xs[i]!, `tangents[${i}]`));
    return withRecording(() => {
      const y = userCode(() => f(...xs));
      const ys = outputsOf('jvp', y);
      // u -> J^T u is linear and recorded; its derivative along t, taken w.r.t. u, is J t.
      const us = ys.map((o) => lax.zerosLike(o));
      const pulled = backprop(ys, us, xs);
      const live = pulled.flatMap((g, i) => (g === null ? [] : [[g, ts[i]!] as const]));
      const out =
        live.length === 0
          ? us.map(() => null)
          : backprop(
              live.map(([g]) => g),
              live.map(([, t]) => t),
              us
            );
      const yDot = ys.map((o, j) => (isFloat(o.dtype) ? orZeros(out[j] ?? null, o) : lax.zerosLike(o)));
      return [y, (Array.isArray(y) ? yDot : yDot[0]!) as Y];
    });
  });
}

function scalarOutput(fn: string, f: Fn<unknown>, xs: Tensor[]): Tensor {
  const ys = outputsOf(
    fn,
    userCode(() => f(...xs))
  );
  if (ys.length !== 1 || ys[0]!.rank !== 0) {
    throw valueError(
      fn,
      `f must return one scalar; got ${ys.length === 1 ? `shape ${fmtShape(ys[0]!.shape)}` : `${ys.length} outputs`}`
    );
  }
  return ys[0]!;
}

/**
 * H v for the Hessian H of a scalar function f at x, without forming H: the
 * gradient of <grad f(x), v> (reverse over reverse). x and v are a tensor or
 * lists of tensors of the same shapes; the result has x's structure.
 *
 * @param f  a function of x returning one scalar
 * @param x  where to evaluate (a float tensor or a list)
 * @param v  the vector (same structure and shapes as x)
 * @returns H v, shaped like x
 * @throws K.ValueError when f's result is not a scalar or v does not match x
 * @example
 * ```ts
 * const f = (x: K.Tensor) => K.sum(K.pow(x, 3));   // H = diag(6 x)
 * K.eval(K.hessian_vector_product(f, K.constant([1, 2]), K.constant([1, 1])) as K.Tensor); // [6, 12]
 * ```
 */
export function hessian_vector_product(
  f: Fn<Tensor>,
  x: TensorLike | TensorLike[],
  v: TensorLike | TensorLike[]
): Tensor | Tensor[] {
  return keras(hessian_vector_product, () => {
    if (typeof f !== 'function') throw typeError('hessian_vector_product', `f must be a function; got ${typeof f}`);
    const xs = primalsOf('hessian_vector_product', x);
    const vl = xs.length === 1 && !(Array.isArray(v) && v.some((e) => e instanceof Tensor)) ? [v] : (v as TensorLike[]);
    if (vl.length !== xs.length)
      throw valueError('hessian_vector_product', `v must have one tensor per x (${xs.length}); got ${vl.length}`);
    const vs = vl.map((t, i) => matching('hessian_vector_product', t as TensorLike, xs[i]!, `v[${i}]`));
    return withRecording(() => {
      const y = scalarOutput('hessian_vector_product', f, xs);
      const gs = backprop([y], [lax.onesLike(y)], xs);
      const live = gs.flatMap((g, i) => (g === null ? [] : [[g, vs[i]!] as const]));
      const hv =
        live.length === 0
          ? xs.map(() => null)
          : backprop(
              live.map(([g]) => g),
              live.map(([, t]) => t),
              xs
            );
      const out = xs.map((xi, i) => orZeros(hv[i] ?? null, xi));
      return Array.isArray(x) && x.some((e) => e instanceof Tensor) ? out : out[0]!;
    });
  });
}

/**
 * The Jacobian of f at x, of shape f(x).shape + x.shape. Built by rows (the
 * reverse pass of every one-hot output cotangent, JAX's jacrev) when f has at
 * most as many outputs as inputs, else by columns (the pass of every one-hot
 * input direction through the recorded backward pass, JAX's jacfwd); either
 * way one batched pass, K.vmap over the one-hot basis. Needs known shapes.
 *
 * @param f  a function of one tensor returning one float tensor
 * @param x  where to evaluate
 * @returns J with J[i..., j...] = d f(x)[i...] / d x[j...]
 * @throws K.ValueError for unknown shapes; K.TypeError for a non-float output
 * @example
 * ```ts
 * K.eval(K.jacobian((x: K.Tensor) => K.square(x), K.constant([1, 2]))); // [[2, 0], [0, 4]]
 * ```
 */
export function jacobian(f: Fn<Tensor>, x: TensorLike): Tensor {
  return keras(jacobian, () => {
    if (typeof f !== 'function') throw typeError('jacobian', `f must be a function; got ${typeof f}`);
    const xt = onePrimal('jacobian', x);
    return withRecording(() => jacobianOf('jacobian', (t) => userCode(() => f(t)), xt));
  });
}

function jacobianOf(fn: string, f: (x: Tensor) => unknown, x: Tensor): Tensor {
  const ys = outputsOf(fn, f(x));
  if (ys.length !== 1) throw valueError(fn, `f must return one tensor; got ${ys.length}`);
  const y = ys[0]!;
  if (!isKnown(y.shape) || !isKnown(x.shape)) {
    throw valueError(fn, `needs known shapes; f(x) has shape ${fmtShape(y.shape)} and x ${fmtShape(x.shape)}`);
  }
  if (!isFloat(y.dtype)) throw typeError(fn, `f must return a float tensor; got ${y.dtype}`);
  const n = sizeOf(y.shape);
  const m = sizeOf(x.shape);
  if (n === 0 || m === 0) return lax.broadcastTo(lax.scalar(0, x.dtype), [...y.shape, ...x.shape]);
  const flatY = lax.reshape(y, [n]);
  if (m < n) return lax.reshape(jacobianByColumns(flatY, x, n, m), [...y.shape, ...x.shape]);
  // Wide or square (JAX's jacrev): the reverse pass of every one-hot cotangent
  // at once, K.vmap over the rows of the identity: the rows of J.
  const rows = vmap((e: Tensor) => orZeros(backprop([flatY], [e], [x])[0] ?? null, x))(lax.identity(n, y.dtype));
  return lax.reshape(rows, [...y.shape, ...x.shape]);
}

/**
 * A tall Jacobian (more outputs than inputs, JAX's jacfwd) by columns: the
 * backward pass is recorded once with a symbolic cotangent u, giving
 * g(u) = J^T u, which is linear in u; a reverse pass through g with seed e_j
 * gives J e_j, for every j at once (K.vmap over the identity's rows).
 */
function jacobianByColumns(flatY: Tensor, x: Tensor, n: number, m: number): Tensor {
  const u = lax.zerosLike(flatY);
  const [gx] = backprop([flatY], [u], [x]);
  if (gx === null || gx === undefined) return lax.broadcastTo(lax.scalar(0, x.dtype), [n, m]);
  const flatG = lax.reshape(gx, [m]);
  const columns = vmap(
    (e: Tensor) => orZeros(backprop([flatG], [e], [u])[0] ?? null, u),
    0,
    1
  )(lax.identity(m, x.dtype));
  return columns;
}

/**
 * The Hessian of a scalar f at x, of shape x.shape + x.shape: the Jacobian of
 * the (recorded) gradient.
 *
 * @param f  a function of one tensor returning one scalar
 * @param x  where to evaluate
 * @returns H with H[i..., j...] = d2 f / d x[i...] d x[j...]
 * @throws K.ValueError when f's result is not a scalar
 * @example
 * ```ts
 * K.eval(K.hessian((x: K.Tensor) => K.sum(K.pow(x, 3)), K.constant([1, 2]))); // [[6, 0], [0, 12]]
 * ```
 */
export function hessian(f: Fn<Tensor>, x: TensorLike): Tensor {
  return keras(hessian, () => {
    if (typeof f !== 'function') throw typeError('hessian', `f must be a function; got ${typeof f}`);
    const xt = onePrimal('hessian', x);
    return withRecording(() =>
      jacobianOf(
        'hessian',
        (t) => {
          const y = scalarOutput('hessian', f, [t]);
          return orZeros(backprop([y], [lax.onesLike(y)], [t])[0] ?? null, t);
        },
        xt
      )
    );
  });
}
