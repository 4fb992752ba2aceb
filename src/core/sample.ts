// The values of a random op, drawn on the host so that a seed gives the same
// values on every device (the gpu kernel uploads them). One function per
// distribution, as TensorFlow's kernels compute them: each run of the op's node
// takes the next draws of its stream.
import { allocate, coerce, type TypedArray } from './dtype.js';
import type { RandomDraw } from './primitives.js';
import { sizeOf } from './shape.js';

/** The next values of a random op's stream, for the op's resolved shape. */
export function sample(draw: RandomDraw, shape: readonly number[]): TypedArray {
  const gen = draw.stream.generator();
  const { a, b } = draw;
  const dtype = draw.dist === 'keep' ? 'bool' : draw.dtype;
  const out = allocate(dtype, sizeOf(shape));
  const n = out.length;
  // Floats of 24 random bits are exact in float32 and below 1 there too; 53 in float64.
  const bits = draw.dtype === 'float32' ? 24 : 53;
  switch (draw.dist) {
    case 'normal':
      for (let i = 0; i < n; i++) out[i] = a + b * gen.normal();
      break;
    case 'truncated_normal':
      // TF drops and redraws standard normals beyond 2 (the truncation is on z, before scaling).
      for (let i = 0; i < n; i++) {
        let z = gen.normal();
        while (Math.abs(z) > 2) z = gen.normal();
        out[i] = a + b * z;
      }
      break;
    case 'uniform':
      for (let i = 0; i < n; i++) out[i] = a + gen.uniform(bits) * (b - a);
      break;
    case 'uniform_int':
      for (let i = 0; i < n; i++) out[i] = a + gen.below(b - a);
      break;
    case 'bernoulli': {
      // TF compares float draws with p converted to the dtype.
      const q = coerce(draw.dtype, a);
      for (let i = 0; i < n; i++) out[i] = gen.uniform(bits) <= q ? 1 : 0;
      break;
    }
    case 'keep': {
      // dropout's flags: kept where a uniform draw (in x's dtype) >= the rate converted to that dtype.
      const rate = coerce(draw.dtype, a);
      for (let i = 0; i < n; i++) out[i] = gen.uniform(bits) >= rate ? 1 : 0;
      break;
    }
  }
  return out;
}
