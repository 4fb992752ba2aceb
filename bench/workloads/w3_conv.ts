// W3: K.conv2d forward + backward: a batch of 32x32x16 float32 images by a
// 3x3x16x32 kernel, 'same', channels_last; K.gradients of sum(y * r) w.r.t.
// the images and the kernel (r random, so every output's gradient differs).
import * as K from '../../src/index.js';
import { uniform } from '../data.js';
import type { KtapeDevice, Runner } from '../types.js';
import { release, sync, values, variable } from './ktape.js';

export interface ConvData {
  /** [batch, height, width, channels] */
  xShape: [number, number, number, number];
  /** [kh, kw, channels, filters] */
  kShape: [number, number, number, number];
  x: Float32Array;
  k: Float32Array;
  r: Float32Array;
}

export function convData(batch: number): ConvData {
  const [h, w, c, f] = [32, 32, 16, 32];
  return {
    xShape: [batch, h, w, c],
    kShape: [3, 3, c, f],
    x: uniform(batch * h * w * c, 31),
    k: uniform(9 * c * f, 32, 1 / 12),
    r: uniform(batch * h * w * f, 33),
  };
}

/** Forward 2 * outputs * window multiply-adds; each of the two backprops as many again. */
export function convFlops(d: ConvData): number {
  const [b, h, w, c] = d.xShape;
  const [kh, kw, , f] = d.kShape;
  return 3 * 2 * b * h * w * f * kh * kw * c;
}

export function ktapeConv(d: ConvData, _device: KtapeDevice): Runner {
  const x = variable(d.x, d.xShape);
  const k = variable(d.k, d.kShape);
  const r = variable(d.r, [...d.xShape.slice(0, 3), d.kShape[3]]);
  const grads = () => K.gradients(K.sum(K.multiply(K.conv2d(x, k, [1, 1], 'same'), r)), [x, k]);
  return {
    step() {
      const [dx, dk] = grads();
      sync(dx!, dk!);
    },
    outputs() {
      const [dx, dk] = grads();
      return { y: values(K.conv2d(x, k, [1, 1], 'same')), dx: values(dx!), dk: values(dk!) };
    },
    dispose: () => release(x, k, r),
  };
}

/** W3's forward and backward as one K.function on placeholders (issue 14: no dearer than eager). */
export function ktapeConvGraph(d: ConvData, _device: KtapeDevice): Runner {
  const xv = K.reshape(d.x, d.xShape);
  const rv = K.reshape(d.r, [...d.xShape.slice(0, 3), d.kShape[3]]);
  const k = variable(d.k, d.kShape);
  const x = K.placeholder([null, ...d.xShape.slice(1)]);
  const r = K.placeholder([null, ...d.xShape.slice(1, 3), d.kShape[3]]);
  const y = K.conv2d(x, k, [1, 1], 'same');
  const [dx, dk] = K.gradients(K.sum(K.multiply(y, r)), [x, k]);
  const f = K.function([x, r], [dx!, dk!]);
  const fy = K.function([x], [y]);
  return {
    step() {
      f([xv, rv]);
    },
    outputs() {
      const [gx, gk] = f([xv, rv]);
      return {
        y: Float32Array.from(fy([xv])[0]!.data as Float32Array),
        dx: Float32Array.from(gx!.data as Float32Array),
        dk: Float32Array.from(gk!.data as Float32Array),
      };
    },
    dispose: () => release(k, xv, rv),
  };
}

/** W3f: the convolution forward alone, the output read back (inference). */
export function ktapeConvForward(d: ConvData, _device: KtapeDevice): Runner {
  const x = variable(d.x, d.xShape);
  const k = variable(d.k, d.kShape);
  const forward = () => K.no_grad(() => K.conv2d(x, k, [1, 1], 'same'));
  return {
    step() {
      const y = forward();
      sync(y);
      K.dispose(y);
    },
    outputs: () => ({ y: values(forward()) }),
    dispose: () => release(x, k),
  };
}
