// Elementwise Keras functions (src/ops/math.ts). Reference values for the
// activations and unary maths come from test/fixtures/gen_math.py (numpy).
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import * as K from '../../src/index.js';
import { expectClose, expectError } from '../helpers.js';
import { observing } from '../../src/prims/apply.js';

// ---- fixture ----------------------------------------------------------------

type Vals = (number | string)[];
interface Fixture {
  relu: { options: { alpha?: number; max_value?: number; threshold?: number }; x: Vals; y: Vals; dy: Vals }[];
  elu: { alpha: number; x: Vals; y: Vals; dy: Vals }[];
  hard_sigmoid: { x: Vals; y: Vals; dy: Vals };
  clip: { min_value: number | null; max_value: number | null; x: Vals; y: Vals; dy: Vals }[];
  clip_tensor: { x: Vals; min_value: Vals; max_value: Vals; y: Vals; dy: Vals; dmin: Vals; dmax: Vals };
  unary: Record<string, { y: Vals; dy: Vals | null }>;
  unary_x: Vals;
  round: { x: Vals; y: Vals };
  softplus_extreme: { x: Vals; y: Vals };
}
const F = JSON.parse(readFileSync(new URL('../fixtures/math.json', import.meta.url), 'utf8')) as Fixture;
/** JSON has no inf/nan: the generator writes them as 'inf', '-inf', 'nan'. */
const num = (v: Vals): number[] =>
  v.map((e) => (typeof e === 'number' ? e : Number(e.replace('inf', 'Infinity').replace('nan', 'NaN'))));

/** d sum(f(x)) / dx at x, in float64. */
function grad(f: (x: K.Tensor) => K.Tensor, x: number[] | number[][]): K.Tensor | null {
  const v = K.variable(x, 'float64');
  return K.gradients(K.sum(f(v)), [v])[0]!;
}

const f32 = (x: number[] | number[][]) => K.variable(x, 'float32');
const f64 = (x: number[] | number[][]) => K.variable(x, 'float64');
const i32 = (x: number[] | number[][]) => K.variable(x, 'int32');
const b = (x: boolean[]) => K.variable(x, 'bool');

// ---- arithmetic ---------------------------------------------------------------

describe('add', () => {
  it('adds with numpy broadcasting: (2, 3) + (3,), (2, 3) + (2, 1), scalar', () => {
    const x = f32([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectClose(K.add(x, f32([10, 20, 30])), [
      [11, 22, 33],
      [14, 25, 36],
    ]);
    expectClose(K.add(x, f32([[10], [20]])), [
      [11, 12, 13],
      [24, 25, 26],
    ]);
    expectClose(K.add(x, 0.5), [
      [1.5, 2.5, 3.5],
      [4.5, 5.5, 6.5],
    ]);
    expectClose(K.add(f32([[1], [2]]), f32([10, 20, 30])), [
      [11, 21, 31],
      [12, 22, 32],
    ]);
  });
  it('a plain number takes the tensor dtype; plain values alone are floatx', () => {
    const r = K.add(i32([1, 2]), 3);
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([4, 5]);
    expect(K.add(3, i32([1, 2])).dtype).toBe('int32');
    expect(K.add(f64([1]), 2).dtype).toBe('float64');
    const p = K.add([1, 2], [3, 4]);
    expect(p.dtype).toBe('float32');
    expectClose(p, [4, 6]);
  });
  it('Tensor method x.add(y) is K.add', () => {
    expectClose(f32([1, 2]).add([3, 4]), [4, 6]);
  });
  it('gradient sums back over broadcast axes', () => {
    const x = f64([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const y = f64([1, 1, 1]);
    const [gx, gy] = K.gradients(K.add(x, y), [x, y]);
    expectClose(gx!, [
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expectClose(gy!, [2, 2, 2]);
    expect(gy!.dtype).toBe('float64');
  });
  it('different dtypes -> TypeError naming both; incompatible shapes -> ValueError naming both', () => {
    const x = f32([1, 2]);
    expectError(() => K.add(x, i32([1, 2])), K.TypeError, 'add', 'float32', 'int32');
    expectError(() => K.add(x, f32([1, 2, 3])), K.ValueError, 'add', '(2,)', '(3,)');
    expectError(() => K.add(i32([1]), 1.5), K.TypeError, 'add', '1.5', 'int32');
    expectError(() => K.add(b([true]), b([false])), K.TypeError, 'add', 'bool');
    expectError(() => K.add(x, 'a' as unknown as number), K.TypeError, 'add');
    expect(x.toArray()).toEqual([1, 2]);
  });
});

describe('subtract', () => {
  it('subtracts with broadcasting, and x.sub(y)', () => {
    const x = f32([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectClose(K.subtract(x, f32([1, 2, 3])), [
      [0, 0, 0],
      [3, 3, 3],
    ]);
    expectClose(K.subtract(x, f32([[1], [2]])), [
      [0, 1, 2],
      [2, 3, 4],
    ]);
    expectClose(K.subtract(10, x), [
      [9, 8, 7],
      [6, 5, 4],
    ]);
    expectClose(x.sub(1), [
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(K.subtract(i32([5]), 7).toArray()).toEqual([-2]);
  });
  it('gradient: 1 for x, -1 summed over broadcast axes for y', () => {
    const x = f64([
      [1, 2],
      [3, 4],
    ]);
    const y = f64([[1], [2]]);
    const [gx, gy] = K.gradients(K.subtract(x, y), [x, y]);
    expectClose(gx!, [
      [1, 1],
      [1, 1],
    ]);
    expectClose(gy!, [[-2], [-2]]);
  });
  it('bad operands', () => {
    expectError(() => K.subtract(f32([1]), f64([1])), K.TypeError, 'subtract', 'float32', 'float64');
    expectError(() => K.subtract(f32([[1, 2]]), f32([1, 2, 3])), K.ValueError, 'subtract', '(1, 2)', '(3,)');
    expectError(() => f32([1]).sub(i32([1])), K.TypeError, 'subtract', 'int32');
  });
});

describe('multiply', () => {
  it('multiplies with broadcasting, and x.mul(y)', () => {
    const x = f32([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectClose(K.multiply(x, f32([1, 0, -1])), [
      [1, 0, -3],
      [4, 0, -6],
    ]);
    expectClose(K.multiply(x, f32([[2], [3]])), [
      [2, 4, 6],
      [12, 15, 18],
    ]);
    expectClose(x.mul(0.5), [
      [0.5, 1, 1.5],
      [2, 2.5, 3],
    ]);
    expect(K.multiply(i32([3, -4]), 2).toArray()).toEqual([6, -8]);
    expect(K.multiply(i32([3]), 2).dtype).toBe('int32');
  });
  it('gradient: g*y for x, g*x summed for y', () => {
    const x = f64([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const y = f64([[2], [3]]);
    const [gx, gy] = K.gradients(K.multiply(x, y), [x, y]);
    expectClose(gx!, [
      [2, 2, 2],
      [3, 3, 3],
    ]);
    expectClose(gy!, [[6], [15]]);
  });
  it('bad operands', () => {
    expectError(() => K.multiply(f32([1]), i32([1])), K.TypeError, 'multiply', 'float32', 'int32');
    expectError(() => K.multiply(f32([1, 2]), f32([[1, 2, 3]])), K.ValueError, 'multiply', '(2,)', '(1, 3)');
  });
});

describe('divide', () => {
  it('true division with broadcasting, and x.div(y)', () => {
    const x = f32([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectClose(K.divide(x, f32([1, 2, 4])), [
      [1, 1, 0.75],
      [4, 2.5, 1.5],
    ]);
    expectClose(K.divide(x, f32([[2], [4]])), [
      [0.5, 1, 1.5],
      [1, 1.25, 1.5],
    ]);
    expectClose(x.div(2), [
      [0.5, 1, 1.5],
      [2, 2.5, 3],
    ]);
    expectClose(K.divide(f32([1, -1, 0]), f32([0, 0, 0])), [Infinity, -Infinity, NaN]);
  });
  it('integers divide as floats like tf.math.truediv: int32 -> float64, int8/16 -> float32', () => {
    const r = K.divide(i32([7, -7]), i32([2, 2]));
    expect(r.dtype).toBe('float64');
    expectClose(r, [3.5, -3.5]);
    expect(K.divide(K.variable([7], 'int16'), K.variable([2], 'int16')).dtype).toBe('float32');
    expect(K.divide(K.variable([7], 'uint8'), 2).dtype).toBe('float32');
  });
  it('gradient: g / y and -g x / y^2', () => {
    const x = f64([1, 2]);
    const y = f64([4, 8]);
    const [gx, gy] = K.gradients(K.divide(x, y), [x, y]);
    expectClose(gx!, [0.25, 0.125]);
    expectClose(gy!, [-1 / 16, -2 / 64]);
  });
  it('bad operands', () => {
    expectError(() => K.divide(f32([1]), i32([1])), K.TypeError, 'divide', 'float32', 'int32');
    expectError(() => K.divide(i32([1]), K.variable([1], 'int16')), K.TypeError, 'divide', 'int32', 'int16');
    expectError(() => K.divide(f32([1, 2]), f32([1, 2, 3])), K.ValueError, 'divide', '(2,)', '(3,)');
    expectError(() => K.divide(b([true]), b([true])), K.TypeError, 'divide', 'bool');
  });
});

describe('negative', () => {
  it('negates, keeping the dtype, and x.neg()', () => {
    expectClose(K.negative(f32([1, -2, 0])), [-1, 2, -0]);
    const n = K.negative(i32([3]));
    expect(n.dtype).toBe('int32');
    expect(n.toArray()).toEqual([-3]);
    expectClose(f64([2]).neg(), [-2]);
    expect(K.negative([1, 2]).dtype).toBe('float32');
  });
  it('gradient is -1', () => {
    expectClose(grad((x) => K.negative(x), [1, 2])!, [-1, -1]);
  });
  it('bool -> TypeError', () => {
    expectError(() => K.negative(b([true])), K.TypeError, 'negative', 'bool');
  });
});

// ---- unary maths ----------------------------------------------------------------

const X = num(F.unary_x);
const UNARY: Record<string, (x: K.Tensor) => K.Tensor> = {
  abs: K.abs,
  sign: K.sign,
  square: K.square,
  negative: K.negative,
  round: K.round,
  exp: K.exp,
  log: K.log,
  sqrt: K.sqrt,
  sin: K.sin,
  cos: K.cos,
  tanh: K.tanh,
  sigmoid: K.sigmoid,
  softplus: K.softplus,
  softsign: K.softsign,
};

/** Values (float64 and float32) and gradients against the numpy fixture. */
function checkUnary(name: string): void {
  const f = UNARY[name]!;
  const ref = F.unary[name]!;
  it('matches numpy in float64 and float32', () => {
    const y64 = f(f64(X));
    expect(y64.dtype).toBe('float64');
    expectClose(y64, num(ref.y), 1e-12);
    const y32 = f(f32(X));
    expect(y32.dtype).toBe('float32');
    expectClose(y32, num(ref.y), 1e-6);
  });
  if (ref.dy !== null) {
    it('gradient matches the analytic derivative', () => {
      const g = grad(f, X)!;
      expect(g.dtype).toBe('float64');
      expectClose(g, num(ref.dy!), 1e-12);
    });
  }
}

/** Float-only functions: integer tensors are refused, tensor-likes become floatx. */
function checkFloatOnly(name: string): void {
  const f = UNARY[name]! as (x: K.TensorLike) => K.Tensor;
  it('integer and bool tensors -> TypeError; tensor-likes become floatx', () => {
    expectError(() => f(i32([1, 2])), K.TypeError, name, 'int32');
    expectError(() => f(b([true])), K.TypeError, name, 'bool');
    expect(f([1, 2]).dtype).toBe('float32');
    expect(f(2).dtype).toBe('float32');
    expect(f(new Int32Array([1, 2])).dtype).toBe('float32');
    expect(f(new Float64Array([1, 2])).dtype).toBe('float64');
    expectError(() => f('x' as unknown as number), K.TypeError, name);
    K.set_floatx('float64');
    try {
      expect(f([1, 2]).dtype).toBe('float64');
    } finally {
      K.set_floatx('float32');
    }
  });
}

/** Numeric functions: keep integer dtypes, refuse bool. */
function checkNumeric(name: string, int: number[], expected: number[]): void {
  const f = UNARY[name]!;
  it('keeps an integer dtype; bool -> TypeError', () => {
    const r = f(i32(int));
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual(expected);
    expectError(() => f(b([true, false])), K.TypeError, name, 'bool');
  });
}

describe('abs', () => {
  checkUnary('abs');
  checkNumeric('abs', [-3, 0, 2], [3, 0, 2]);
});

describe('sign', () => {
  checkUnary('sign');
  checkNumeric('sign', [-3, 0, 2], [-1, 0, 1]);
  it('NaN stays NaN', () => {
    expectClose(K.sign(f32([NaN])), [NaN]);
  });
});

describe('square', () => {
  checkUnary('square');
  checkNumeric('square', [-3, 0, 2], [9, 0, 4]);
  it('second derivative is 2', () => {
    const x = f64([1.5, -2]);
    const [g] = K.gradients(K.sum(K.square(x)), [x]);
    const [gg] = K.gradients(K.sum(g!), [x]);
    expectClose(gg!, [2, 2]);
  });
});

describe('round', () => {
  it('rounds half to even, like tf.round', () => {
    expectClose(K.round(f64(num(F.round.x))), num(F.round.y), 0);
    expectClose(K.round(f32(num(F.round.x))), num(F.round.y), 0);
  });
  checkUnary('round');
  checkNumeric('round', [-3, 0, 2], [-3, 0, 2]);
  it('has no gradient (None in TensorFlow)', () => {
    expect(grad((x) => K.round(x), [0.3, 1.7])).toBeNull();
  });
});

describe('exp', () => {
  checkUnary('exp');
  checkFloatOnly('exp');
  it('overflows to inf in float32', () => {
    expectClose(K.exp(f32([100])), [Infinity]);
  });
});

describe('log', () => {
  checkUnary('log');
  checkFloatOnly('log');
  it('log 0 = -inf and log of a negative is NaN (fixture includes both)', () => {
    expectClose(K.log(f64([0, -1])), [-Infinity, NaN]);
  });
});

describe('sqrt', () => {
  checkUnary('sqrt');
  checkFloatOnly('sqrt');
  it('clips negatives to 0 first, as the seed source does (tf.maximum(x, 0)), with a zero gradient there', () => {
    expectClose(K.sqrt(f32([-4, 4])), [0, 2]);
    expectClose(grad((x) => K.sqrt(x), [-4, 4])!, [0, 0.25]);
  });
});

describe('sin', () => {
  checkUnary('sin');
  checkFloatOnly('sin');
});

describe('cos', () => {
  checkUnary('cos');
  checkFloatOnly('cos');
});

describe('tanh', () => {
  checkUnary('tanh');
  checkFloatOnly('tanh');
});

describe('sigmoid', () => {
  checkUnary('sigmoid');
  checkFloatOnly('sigmoid');
  it('saturates without NaN', () => {
    expectClose(K.sigmoid(f32([-1000, 1000])), [0, 1]);
  });
});

describe('softplus', () => {
  checkUnary('softplus');
  checkFloatOnly('softplus');
  it('is stable for large |x|', () => {
    expectClose(K.softplus(f64(num(F.softplus_extreme.x))), num(F.softplus_extreme.y), 1e-12);
    expectClose(K.softplus(f32(num(F.softplus_extreme.x))), num(F.softplus_extreme.y), 1e-6);
  });
});

describe('softsign', () => {
  checkUnary('softsign');
  checkFloatOnly('softsign');
});

describe('pow', () => {
  it('raises to a number power, keeping a float dtype', () => {
    const x = f32([0.5, 2, 3]);
    expectClose(K.pow(x, 2), [0.25, 4, 9]);
    expectClose(K.pow(x, 0.5), [Math.SQRT1_2, Math.SQRT2, Math.sqrt(3)]);
    expectClose(K.pow(x, -1), [2, 0.5, 1 / 3]);
    expect(K.pow(f64([2]), 3).dtype).toBe('float64');
    expect(K.pow([2, 3], 2).dtype).toBe('float32');
  });
  it('negative bases: integer powers are fine, fractional ones NaN', () => {
    expectClose(K.pow(f64([-2, -2]), f64([3, 0.5])), [-8, NaN]);
  });
  it('raises to a tensor power with broadcasting', () => {
    expectClose(K.pow(f64([[2], [3]]), f64([1, 2, 3])), [
      [2, 4, 8],
      [3, 9, 27],
    ]);
  });
  it('integer tensors stay integers, exactly', () => {
    const r = K.pow(i32([1, 2, 3, -4]), 3);
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([1, 8, 27, -64]);
    expect(K.pow(i32([3]), 19).toArray()).toEqual([1162261467]);
  });
  it('gradients for the base and for a tensor exponent', () => {
    expectClose(grad((x) => K.pow(x, 3), [1, 2])!, [3, 12]);
    const x = f64([2, 3]);
    const a = f64([2, 0.5]);
    const [gx, ga] = K.gradients(K.sum(K.pow(x, a)), [x, a]);
    expectClose(gx!, [4, 0.5 / Math.sqrt(3)], 1e-12);
    expectClose(ga!, [4 * Math.log(2), Math.sqrt(3) * Math.log(3)], 1e-12);
  });
  it('bad operands', () => {
    expectError(() => K.pow(i32([2]), -1), K.ValueError, 'pow', 'negative');
    expectError(() => K.pow(i32([2]), 0.5), K.TypeError, 'pow', 'a', '0.5');
    expectError(() => K.pow(f32([2]), i32([2])), K.TypeError, 'pow', 'float32', 'int32');
    expectError(() => K.pow(f32([2, 3]), f32([1, 2, 3])), K.ValueError, 'pow', '(2,)', '(3,)');
    expectError(() => K.pow(b([true]), true), K.TypeError, 'pow', 'bool');
  });
});

// ---- activations ----------------------------------------------------------------

describe('hard_sigmoid', () => {
  const x = num(F.hard_sigmoid.x);
  it('is clip(0.2 x + 0.5, 0, 1) (the source, not the docstring), boundaries included', () => {
    expectClose(K.hard_sigmoid(f64(x)), num(F.hard_sigmoid.y), 1e-12);
    const y32 = K.hard_sigmoid(f32(x));
    expect(y32.dtype).toBe('float32');
    expectClose(y32, num(F.hard_sigmoid.y), 1e-6);
  });
  it('gradient 0.2 inside [-2.5, 2.5] (ties at the ends pass, as clip_by_value), 0 outside', () => {
    expectClose(grad((t) => K.hard_sigmoid(t), x)!, num(F.hard_sigmoid.dy), 1e-12);
  });
  checkFloatOnlyFn('hard_sigmoid', K.hard_sigmoid);
});

function checkFloatOnlyFn(name: string, f: (x: K.TensorLike) => K.Tensor): void {
  it('integer tensors -> TypeError; tensor-likes become floatx', () => {
    expectError(() => f(i32([1])), K.TypeError, name, 'int32');
    expect(f([1, 2]).dtype).toBe('float32');
  });
}

describe('relu', () => {
  const cases = F.relu;
  it('matches the numpy re-implementation of the seed source for every path (values, float64 and float32)', () => {
    for (const c of cases) {
      const o = c.options;
      const x = num(c.x);
      const y = K.relu(f64(x), o.alpha, o.max_value, o.threshold);
      expect(y.dtype).toBe('float64');
      expectClose(y, num(c.y), 1e-12);
      expectClose(K.relu(f32(x), o), num(c.y), 1e-6);
    }
  });
  it("gradients are TensorFlow's at every kink (0, threshold, max_value, relu6)", () => {
    for (const c of cases) {
      const o = c.options;
      const g = grad((t) => K.relu(t, o), num(c.x))!;
      expectClose(g, num(c.dy), 1e-12);
    }
  });
  it('options by name equal positional; null means the default', () => {
    const x = f32([-2, 0.5, 3, 7]);
    expect(K.relu(x, { alpha: 0.1, max_value: 5, threshold: 1 }).toArray()).toEqual(K.relu(x, 0.1, 5, 1).toArray());
    expect(K.relu(x, null, null, null).toArray()).toEqual(K.relu(x).toArray());
    expect(K.relu(x, 0, { max_value: 6 }).toArray()).toEqual(K.relu(x, 0, 6).toArray());
  });
  it('integer tensors: relu keeps int32, leaky relu casts to float32 (tf.nn.leaky_relu)', () => {
    const r = K.relu(i32([-2, 0, 3, 9]), 0, 6);
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([0, 0, 3, 6]);
    expect(K.relu(i32([-2, 5]), 0, null, 1).toArray()).toEqual([0, 5]);
    const l = K.relu(i32([-2, 5]), 0.5);
    expect(l.dtype).toBe('float32');
    expectClose(l, [-1, 5]);
    expect(K.relu([-1, 1]).dtype).toBe('float32');
  });
  it('large inputs give no NaN gradient', () => {
    expectClose(grad((t) => K.relu(t, 0.1, 6, 0.5), [1e300, -1e300])!, [0, 0.1]);
  });
  it('inside K.no_grad: one maximum kernel on the cpu, the same values as recorded (-0 to 0, NaN kept), every dtype and size', () => {
    const cpu = K.get_device() === 'cpu';
    const xs = [NaN, -0, 0, -1e-40, 1e-40, -3, 2.5, Infinity, -Infinity];
    const big = Array.from({ length: 5000 }, (_, i) => xs[i % xs.length]! * (1 + (i % 7)));
    for (const x of [f32(xs), f64(xs), i32([-3, 0, 4]), f32(big), K.reshape(f32(big), [50, 100])]) {
      const prims: string[] = [];
      const y = observing(
        (_out, prim) => prims.push(prim),
        () => K.no_grad(() => K.relu(x, { max_value: x.dtype === 'int32' ? null : 6 }))
      );
      // On the gpu (whose max may keep -0) the comparison and select stay.
      expect(prims.includes('maximum'), x.dtype).toBe(cpu);
      expect(prims.includes('less_equal')).toBe(!cpu);
      const recorded = K.relu(x, { max_value: x.dtype === 'int32' ? null : 6 });
      const [a, r] = [K.eval(y).data, K.eval(recorded).data] as ArrayLike<number>[];
      expect(Array.from(a!)).toEqual(Array.from(r!));
    }
  });
  it('bad arguments', () => {
    const x = f32([1]);
    expectError(() => K.relu(x, 'a' as unknown as number), K.TypeError, 'relu', 'alpha');
    expectError(() => K.relu(x, 0, '6' as unknown as number), K.TypeError, 'relu', 'max_value');
    expectError(() => K.relu(x, { threshold: [1] as unknown as number }), K.TypeError, 'relu', 'threshold');
    expectError(
      () => K.relu(x, { slope: 1 } as unknown as K.ReluOptions),
      K.TypeError,
      'relu',
      'unknown option',
      'slope'
    );
    expectError(() => K.relu(i32([1]), 0, null, 0.5), K.TypeError, 'relu', 'threshold', '0.5');
    expectError(() => K.relu(i32([1]), 0.5, 6), K.TypeError, 'relu', 'alpha', '0.5');
    expectError(() => K.relu(b([true])), K.TypeError, 'relu', 'bool');
  });
});

describe('elu', () => {
  it('matches numpy (x for x > 0, alpha expm1(x) otherwise), near 0 too', () => {
    for (const c of F.elu) {
      const x = num(c.x);
      const y = K.elu(f64(x), c.alpha);
      expect(y.dtype).toBe('float64');
      expectClose(y, num(c.y), 1e-12);
      expectClose(K.elu(f32(x), { alpha: c.alpha }), num(c.y), 1e-6);
    }
  });
  it('is accurate relative to tiny outputs (no e^x - 1 cancellation)', () => {
    const y = K.elu(f64([-1e-10])).toArray() as number[];
    expect(Math.abs(y[0]! / Math.expm1(-1e-10) - 1)).toBeLessThan(1e-12);
  });
  it('gradient: 1 for x > 0, alpha e^x otherwise (alpha at 0, as EluGrad)', () => {
    for (const c of F.elu) expectClose(grad((t) => K.elu(t, c.alpha), num(c.x))!, num(c.dy), 1e-12);
  });
  it('large x: no overflow, no NaN gradient', () => {
    expectClose(K.elu(f32([1000])), [1000]);
    expectClose(grad((t) => K.elu(t, 0.5), [1000, -1000])!, [1, 0]);
  });
  it('second derivative: alpha e^x below 0, 0 above', () => {
    const x = f64([-1, 2]);
    const [g] = K.gradients(K.sum(K.elu(x, 2)), [x]);
    const [gg] = K.gradients(K.sum(g!), [x]);
    expectClose(gg!, [2 * Math.exp(-1), 0], 1e-12);
  });
  checkFloatOnlyFn('elu', K.elu);
  it('bad arguments', () => {
    expectError(() => K.elu(f32([1]), 'a' as unknown as number), K.TypeError, 'elu', 'alpha');
    expectError(
      () => K.elu(f32([1]), { beta: 1 } as unknown as K.EluOptions),
      K.TypeError,
      'elu',
      'unknown option',
      'beta'
    );
  });
});

describe('clip', () => {
  it('matches the numpy re-implementation (None bounds, max < min, equal bounds)', () => {
    for (const c of F.clip) {
      const x = num(c.x);
      expectClose(K.clip(f64(x), c.min_value, c.max_value), num(c.y), 1e-12);
      const y32 = K.clip(f32(x), c.min_value, c.max_value);
      expect(y32.dtype).toBe('float32');
      expectClose(y32, num(c.y), 1e-6);
    }
  });
  it('gradient passes inside [min, max], ties included (minimum then maximum)', () => {
    for (const c of F.clip) expectClose(grad((t) => K.clip(t, c.min_value, c.max_value), num(c.x))!, num(c.dy), 1e-12);
  });
  it('tensor bounds broadcast to x, with gradients for x and both bounds', () => {
    const t = F.clip_tensor;
    const rows = (v: Vals) => [num(v).slice(0, 3), num(v).slice(3, 6), num(v).slice(6, 9)];
    const x2 = f64(rows(t.x));
    const lo = f64(num(t.min_value));
    const hi = f64(num(t.max_value));
    const y = K.clip(x2, lo, hi);
    expect(y.shape).toEqual([3, 3]);
    expectClose(y, rows(t.y), 1e-12);
    const [gx, glo, ghi] = K.gradients(K.sum(y), [x2, lo, hi]);
    expectClose(gx!, rows(t.dy), 1e-12);
    expectClose(glo!, num(t.dmin), 1e-12);
    expectClose(ghi!, num(t.dmax), 1e-12);
  });
  it('integer tensors keep their dtype; null bounds leave them unbounded', () => {
    const x = i32([-5, 0, 5]);
    const r = K.clip(x, -1, 2);
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([-1, 0, 2]);
    expect(K.clip(x, null, 2).toArray()).toEqual([-5, 0, 2]);
    expect(K.clip(x, 0, null).toArray()).toEqual([0, 0, 5]);
    expect(K.clip(x, 3, 1).toArray()).toEqual([3, 3, 3]);
  });
  it('plain-array x is floatx', () => {
    expect(K.clip([1, 2], 0, 1).dtype).toBe('float32');
  });
  it('bad arguments', () => {
    const x = f32([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectError(() => K.clip(x, f64([0]), 1), K.TypeError, 'clip', 'min_value', 'float64', 'float32');
    expectError(() => K.clip(x, 0, f32([1, 2])), K.ValueError, 'clip', 'max_value', '(2,)', '(2, 3)');
    expectError(
      () => K.clip(x, K.variable([[[0]], [[1]]], 'float32'), 2),
      K.ValueError,
      'clip',
      'min_value',
      '(2, 1, 1)',
      '(2, 3)'
    );
    expectError(() => K.clip(i32([1]), 0.5, 2), K.TypeError, 'clip', 'min_value', '0.5');
    expectError(() => K.clip(b([true]), 0, 1), K.TypeError, 'clip', 'bool');
    expectError(() => K.clip(x, 'a' as unknown as number, 1), K.TypeError, 'clip', 'min_value');
  });
});

// ---- two tensors ----------------------------------------------------------------

describe('maximum', () => {
  it('doctest: maximum of two int32 variables', () => {
    const x = K.variable(
      [
        [1, 2],
        [3, 4],
      ],
      'int32'
    );
    const y = K.variable(
      [
        [2, 1],
        [0, -1],
      ],
      'int32'
    );
    const m = K.maximum(x, y);
    expect(m.shape).toEqual([2, 2]);
    expect(m.dtype).toBe('int32');
    expect(m.toArray()).toEqual([
      [2, 2],
      [3, 4],
    ]);
  });
  it('broadcasts and mixes with numbers', () => {
    expectClose(
      K.maximum(
        f32([
          [1, 5],
          [3, -2],
        ]),
        f32([2, 0])
      ),
      [
        [2, 5],
        [3, 0],
      ]
    );
    expectClose(K.maximum(f32([-1, 1]), 0), [0, 1]);
  });
  it('gradient goes to the larger; a tie goes to x (as TensorFlow)', () => {
    const x = f64([1, 5, 3]);
    const y = f64([2, 4, 3]);
    const [gx, gy] = K.gradients(K.sum(K.maximum(x, y)), [x, y]);
    expectClose(gx!, [0, 1, 1]);
    expectClose(gy!, [1, 0, 0]);
  });
  it('bad operands', () => {
    expectError(() => K.maximum(f32([1]), i32([1])), K.TypeError, 'maximum', 'float32', 'int32');
    expectError(() => K.maximum(f32([1, 2]), f32([1, 2, 3])), K.ValueError, 'maximum', '(2,)', '(3,)');
    expectError(() => K.maximum(b([true]), b([false])), K.TypeError, 'maximum', 'bool');
  });
});

describe('minimum', () => {
  it('takes the smaller, broadcasting', () => {
    expectClose(
      K.minimum(
        f32([
          [1, 5],
          [3, -2],
        ]),
        f32([2, 0])
      ),
      [
        [1, 0],
        [2, -2],
      ]
    );
    const r = K.minimum(i32([4, -4]), 0);
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([0, -4]);
  });
  it('gradient goes to the smaller; a tie goes to x; broadcast y sums', () => {
    const x = f64([
      [1, 5],
      [3, 3],
    ]);
    const y = f64([2, 3]);
    const [gx, gy] = K.gradients(K.sum(K.minimum(x, y)), [x, y]);
    expectClose(gx!, [
      [1, 0],
      [0, 1],
    ]);
    expectClose(gy!, [1, 1]);
  });
  it('bad operands', () => {
    expectError(() => K.minimum(f32([1]), f64([1])), K.TypeError, 'minimum', 'float32', 'float64');
    expectError(
      () => K.minimum(f32([[1, 2]]), f32([[1], [2], [3]]).add(f32([1, 2, 3]))),
      K.ValueError,
      'minimum',
      '(1, 2)',
      '(3, 3)'
    );
  });
});

const COMPARE: [string, (x: K.TensorLike, y: K.TensorLike) => K.Tensor, (a: number, b: number) => boolean][] = [
  ['equal', K.equal, (a, c) => a === c],
  ['not_equal', K.not_equal, (a, c) => a !== c],
  ['greater', K.greater, (a, c) => a > c],
  ['greater_equal', K.greater_equal, (a, c) => a >= c],
  ['less', K.less, (a, c) => a < c],
  ['less_equal', K.less_equal, (a, c) => a <= c],
];

for (const [name, f, ref] of COMPARE) {
  describe(name, () => {
    const xv = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const yv = [2, 2, 7];
    const expected = (yb: (i: number, j: number) => number) => xv.map((r, i) => r.map((v, j) => ref(v, yb(i, j))));
    it('returns a bool tensor, broadcasting (2, 3) with (3,), (2, 1) and a number', () => {
      const r = f(f32(xv), f32(yv));
      expect(r.dtype).toBe('bool');
      expect(r.shape).toEqual([2, 3]);
      expect(r.toArray()).toEqual(expected((_, j) => yv[j]!).map((row) => row.map(Number)));
      expect(f(f32(xv), f32([[2], [5]])).toArray()).toEqual(expected((i) => [2, 5][i]!).map((row) => row.map(Number)));
      expect(f(i32(xv), 3).toArray()).toEqual(expected(() => 3).map((row) => row.map(Number)));
      expect(f(i32(xv), 3).dtype).toBe('bool');
    });
    it('NaN compares unequal to everything', () => {
      expect(f(f64([NaN]), f64([NaN])).toArray()).toEqual([Number(ref(NaN, NaN))]);
    });
    it('has no gradient', () => {
      const x = f64([1, 2]);
      expect(K.gradients(f(x, 1.5), [x])[0]).toBeNull();
    });
    it('bad operands', () => {
      expectError(() => f(f32([1]), i32([1])), K.TypeError, name, 'float32', 'int32');
      expectError(() => f(f32([1, 2]), f32([1, 2, 3])), K.ValueError, name, '(2,)', '(3,)');
      expectError(() => f(i32([1]), 0.5), K.TypeError, name, '0.5');
    });
    if (name === 'equal' || name === 'not_equal') {
      it('compares bools', () => {
        expect(f(b([true, false]), true).toArray()).toEqual([Number(ref(1, 1)), Number(ref(0, 1))]);
      });
    } else {
      it('bool operands -> TypeError (no ordering kernel in TensorFlow)', () => {
        expectError(() => f(b([true]), b([false])), K.TypeError, name, 'bool');
      });
    }
  });
}
