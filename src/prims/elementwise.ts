// Elementwise primitives: unary maps, broadcasting binary maps, comparisons,
// select and cast. Gradients of broadcast inputs are summed back to their
// shapes once, in backprop (unbroadcast), not here.
import { fmtShape, typeError } from '../core/context.js';
import { isFloat, type DType } from '../core/dtype.js';
import { broadcastShapes } from '../core/shape.js';
import * as lax from './lax.js';
import type { ElementwiseAttrs, Meta, Prim } from '../core/primitives.js';
import { broadcasting, inPlace } from './batching.js';
import { vjp, type OpSpec } from './spec.js';

function numeric(op: string, x: Meta): Meta {
  if (x.dtype === 'bool') throw typeError(op, `x must be numeric; got a bool tensor of shape ${fmtShape(x.shape)}`);
  return x;
}

function floating(op: string, x: Meta): Meta {
  if (!isFloat(x.dtype)) {
    throw typeError(op, `x must be a float tensor (float32 or float64); got ${x.dtype} of shape ${fmtShape(x.shape)}`);
  }
  return x;
}

function sameDType(op: string, a: Meta, b: Meta): DType {
  if (a.dtype !== b.dtype) {
    throw typeError(
      op,
      `x and y must have the same dtype; got ${a.dtype} ${fmtShape(a.shape)} and ${b.dtype} ${fmtShape(b.shape)}`
    );
  }
  return a.dtype;
}

function binary(op: string, kind: 'numeric' | 'float'): (ins: readonly [Meta, Meta]) => Meta {
  return ([a, b]) => {
    const dtype = sameDType(op, a, b);
    if (kind === 'float') floating(op, a);
    else numeric(op, a);
    return { shape: broadcastShapes(op, a.shape, b.shape), dtype };
  };
}

function compare(op: string): (ins: readonly [Meta, Meta]) => Meta {
  return ([a, b]) => {
    sameDType(op, a, b);
    return { shape: broadcastShapes(op, a.shape, b.shape), dtype: 'bool' };
  };
}

const unaryNumeric =
  (op: string) =>
  ([x]: readonly [Meta]) =>
    numeric(op, x);
const unaryFloat =
  (op: string) =>
  ([x]: readonly [Meta]) =>
    floating(op, x);
const notDiff = (why: string) => ({ nonDifferentiable: why });
const comparison = (op: string, doc: string) => ({
  doc,
  infer: compare(op),
  batch: broadcasting(op as Prim),
  vjp: notDiff('a comparison is piecewise constant'),
});

export const elementwisePrims = {
  neg: { doc: '-x', infer: unaryNumeric('neg'), batch: inPlace('neg'), vjp: [vjp('-g', (g) => lax.neg(g))] },
  abs: {
    doc: '|x|',
    infer: unaryNumeric('abs'),
    batch: inPlace('abs'),
    vjp: [vjp('g * sign(x)', (g, c) => lax.mul(g, lax.sign(c.inputs[0])))],
  },
  // TensorFlow gives sign a zero gradient (not None): the flow is connected but flat.
  sign: {
    doc: 'sign(x)',
    infer: unaryNumeric('sign'),
    batch: inPlace('sign'),
    vjp: [vjp('0 * g', (g) => lax.zerosLike(g))],
  },
  round: {
    doc: 'round half to even',
    infer: unaryNumeric('round'),
    batch: inPlace('round'),
    vjp: notDiff('round is piecewise constant (as in TensorFlow)'),
  },
  exp: {
    doc: 'e^x',
    infer: unaryFloat('exp'),
    batch: inPlace('exp'),
    vjp: [vjp('g * y', (g, c) => lax.mul(g, c.out))],
  },
  log: {
    doc: 'ln x',
    infer: unaryFloat('log'),
    batch: inPlace('log'),
    vjp: [vjp('g / x', (g, c) => lax.div(g, c.inputs[0]))],
  },
  sqrt: {
    doc: 'sqrt(x)',
    infer: unaryFloat('sqrt'),
    batch: inPlace('sqrt'),
    vjp: [vjp('g / (2 y)', (g, c) => lax.div(g, lax.mul(c.out, lax.scalar(2, c.out.dtype))))],
  },
  sin: {
    doc: 'sin x',
    infer: unaryFloat('sin'),
    batch: inPlace('sin'),
    vjp: [vjp('g * cos(x)', (g, c) => lax.mul(g, lax.cos(c.inputs[0])))],
  },
  cos: {
    doc: 'cos x',
    infer: unaryFloat('cos'),
    batch: inPlace('cos'),
    vjp: [vjp('-g * sin(x)', (g, c) => lax.neg(lax.mul(g, lax.sin(c.inputs[0]))))],
  },
  tanh: {
    doc: 'tanh x',
    infer: unaryFloat('tanh'),
    batch: inPlace('tanh'),
    vjp: [vjp('g * (1 - y^2)', (g, c) => lax.tanhGrad(c.out, g))],
  },
  sigmoid: {
    doc: '1 / (1 + e^-x)',
    infer: unaryFloat('sigmoid'),
    batch: inPlace('sigmoid'),
    vjp: [vjp('g * y * (1 - y)', (g, c) => lax.sigmoidGrad(c.out, g))],
  },
  // log(1 + e^x) computed without overflow; a primitive for stability.
  softplus: {
    doc: 'log(1 + e^x)',
    infer: unaryFloat('softplus'),
    batch: inPlace('softplus'),
    vjp: [vjp('g * sigmoid(x)', (g, c) => lax.mul(g, lax.sigmoid(c.inputs[0])))],
  },

  add: {
    doc: 'x + y',
    infer: binary('add', 'numeric'),
    batch: broadcasting('add'),
    vjp: [vjp('g', (g) => g), vjp('g', (g) => g)],
  },
  sub: {
    doc: 'x - y',
    infer: binary('sub', 'numeric'),
    batch: broadcasting('sub'),
    vjp: [vjp('g', (g) => g), vjp('-g', (g) => lax.neg(g))],
  },
  mul: {
    doc: 'x * y',
    infer: binary('mul', 'numeric'),
    batch: broadcasting('mul'),
    vjp: [vjp('g * y', (g, c) => lax.mul(g, c.inputs[1])), vjp('g * x', (g, c) => lax.mul(g, c.inputs[0]))],
  },
  div: {
    doc: 'x / y',
    infer: binary('div', 'float'),
    batch: broadcasting('div'),
    vjp: [
      vjp('g / y', (g, c) => lax.div(g, c.inputs[1])),
      vjp('-g * z / y', (g, c) => lax.neg(lax.div(lax.mul(g, c.out), c.inputs[1]))),
    ],
  },
  pow: {
    doc: 'x ^ y',
    infer: binary('pow', 'float'),
    batch: broadcasting('pow'),
    vjp: [
      vjp('g * y * x^(y-1)', (g, c) => {
        const [x, y] = c.inputs as [typeof g, typeof g];
        return lax.mul(g, lax.mul(y, lax.pow(x, lax.sub(y, lax.scalar(1, y.dtype)))));
      }),
      // As TensorFlow: the log is taken only where x > 0, elsewhere the gradient is 0.
      vjp('g * z * log(x)  (0 where x <= 0)', (g, c) => {
        const x = c.inputs[0];
        const zero = lax.scalar(0, x.dtype);
        const pos = lax.greater(x, zero);
        const safeLog = lax.where(pos, lax.log(lax.where(pos, x, lax.scalar(1, x.dtype))), zero);
        return lax.mul(g, lax.mul(c.out, safeLog));
      }),
    ],
  },
  // Ties send the gradient to x, as TensorFlow's Maximum/Minimum do. Selected,
  // not multiplied by a mask: an infinite g on the losing side (sqrt(max(x, 0))
  // at x < 0) must give 0, not NaN.
  maximum: {
    doc: 'max(x, y)',
    infer: binary('maximum', 'numeric'),
    batch: broadcasting('maximum'),
    vjp: [
      vjp('x >= y ? g : 0', (g, c) => lax.where(lax.greaterEqual(c.inputs[0], c.inputs[1]), g, lax.scalar(0, g.dtype))),
      vjp('x >= y ? 0 : g', (g, c) => lax.where(lax.greaterEqual(c.inputs[0], c.inputs[1]), lax.scalar(0, g.dtype), g)),
    ],
  },
  minimum: {
    doc: 'min(x, y)',
    infer: binary('minimum', 'numeric'),
    batch: broadcasting('minimum'),
    vjp: [
      vjp('x <= y ? g : 0', (g, c) => lax.where(lax.lessEqual(c.inputs[0], c.inputs[1]), g, lax.scalar(0, g.dtype))),
      vjp('x <= y ? 0 : g', (g, c) => lax.where(lax.lessEqual(c.inputs[0], c.inputs[1]), lax.scalar(0, g.dtype), g)),
    ],
  },

  equal: comparison('equal', 'x == y'),
  not_equal: comparison('not_equal', 'x != y'),
  greater: comparison('greater', 'x > y'),
  greater_equal: comparison('greater_equal', 'x >= y'),
  less: comparison('less', 'x < y'),
  less_equal: comparison('less_equal', 'x <= y'),

  where: {
    doc: 'c ? x : y',
    infer: ([c, a, b]) => {
      if (c.dtype !== 'bool') throw typeError('where', `condition must be bool; got ${c.dtype}`);
      const dtype = sameDType('where', a, b);
      return { shape: broadcastShapes('where', broadcastShapes('where', c.shape, a.shape), b.shape), dtype };
    },
    batch: broadcasting('where'),
    vjp: [
      null,
      vjp('c ? g : 0', (g, c) => lax.where(c.inputs[0], g, lax.scalar(0, g.dtype))),
      vjp('c ? 0 : g', (g, c) => lax.where(c.inputs[0], lax.scalar(0, g.dtype), g)),
    ],
  },
  // Only float-to-float casts carry a gradient; backprop skips integer tensors.
  cast: {
    doc: 'cast(x, dtype)',
    infer: ([x], a) => ({ shape: x.shape, dtype: a.dtype }),
    batch: inPlace('cast'),
    vjp: [vjp('cast(g, dtype(x))', (g, c) => lax.cast(g, c.inputs[0].dtype))],
  },
} satisfies { [P in keyof ElementwiseAttrs]: OpSpec<P> };
