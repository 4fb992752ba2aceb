// K.conv1d, conv2d, conv3d, conv2d_transpose, depthwise_conv2d and
// separable_conv2d. Reference values come from test/fixtures/gen_conv.py
// (numpy re-implementing the seed's Keras source and TF's convolution rules:
// 'same'/'valid' arithmetic, dilation, strides, causal, the transpose with its
// output_shape, atrous transposes, depthwise and separable, both data
// formats), with the gradients of sum(y * r) for every input. The fixture's
// values are multiples of 1/16, so every sum is exact in float32 and the
// comparisons are tight on both devices. The seed has no doctests for these
// six functions.
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import type { DType } from '../../src/index.js';
import type { NestedArray } from '../../src/core/tensor.js';
import { expectClose, expectError, fixtureTensor, loadFixture, nest as nestData } from '../helpers.js';

interface Values {
  shape: number[];
  scale: number;
  data: number[];
}
type Fn = 'conv1d' | 'conv2d' | 'conv3d' | 'conv2d_transpose' | 'depthwise_conv2d' | 'separable_conv2d';
interface Case {
  fn: Fn;
  args: {
    strides: number | number[];
    padding: string;
    data_format: 'channels_first' | 'channels_last';
    dilation_rate: number | number[];
    output_shape?: (number | null)[];
  };
  inputs: Record<string, Values>;
  y: Values;
  r?: Values;
  grads?: Values[];
}

const fixture = loadFixture<{ cases: Case[] }>('conv');

/** The fixture stores integers and a scale: value = data / scale. */
const unscaled = (v: Values) => v.data.map((d) => d / v.scale);
const tensor = (v: Values, dtype: DType = 'float32'): K.Tensor => fixtureTensor(unscaled(v), v.shape, dtype);
const nest = (v: Values): NestedArray => nestData(unscaled(v), v.shape);

/** The case's inputs in Keras's argument order (x first). */
function inputsOf(c: Case, dtype: DType): K.Tensor[] {
  const names =
    c.fn === 'separable_conv2d'
      ? ['x', 'depthwise_kernel', 'pointwise_kernel']
      : c.fn === 'depthwise_conv2d'
        ? ['x', 'depthwise_kernel']
        : ['x', 'kernel'];
  return names.map((n) => tensor(c.inputs[n]!, dtype));
}

/** Call the case's function; `positional` passes the options by position instead of by name. */
function call(c: Case, ts: K.Tensor[], positional: boolean): K.Tensor {
  const { strides, padding, data_format, dilation_rate, output_shape } = c.args;
  const [x, a, b] = ts as [K.Tensor, K.Tensor, K.Tensor | undefined];
  const pad = padding as 'valid';
  switch (c.fn) {
    case 'conv1d':
      return positional
        ? K.conv1d(x, a, strides, padding as 'causal', data_format, dilation_rate)
        : K.conv1d(x, a, { strides, padding: padding as 'causal', data_format, dilation_rate });
    case 'conv2d':
      return positional
        ? K.conv2d(x, a, strides, pad, data_format, dilation_rate)
        : K.conv2d(x, a, { strides, padding: pad, data_format, dilation_rate });
    case 'conv3d':
      return positional
        ? K.conv3d(x, a, strides, pad, data_format, dilation_rate)
        : K.conv3d(x, a, { strides, padding: pad, data_format, dilation_rate });
    case 'conv2d_transpose':
      return positional
        ? K.conv2d_transpose(x, a, output_shape!, strides as number[], pad, data_format, dilation_rate as number[])
        : K.conv2d_transpose(x, a, output_shape!, {
            strides: strides as number[],
            padding: pad,
            data_format,
            dilation_rate: dilation_rate as number[],
          });
    case 'depthwise_conv2d':
      return positional
        ? K.depthwise_conv2d(x, a, strides as number[], pad, data_format, dilation_rate as number[])
        : K.depthwise_conv2d(x, a, {
            strides: strides as number[],
            padding: pad,
            data_format,
            dilation_rate: dilation_rate as number[],
          });
    case 'separable_conv2d':
      return positional
        ? K.separable_conv2d(x, a, b!, strides as number[], pad, data_format, dilation_rate as number[])
        : K.separable_conv2d(x, a, b!, {
            strides: strides as number[],
            padding: pad,
            data_format,
            dilation_rate: dilation_rate as number[],
          });
  }
}

const label = (c: Case) => `${c.fn} ${JSON.stringify(c.args)} x ${JSON.stringify(c.inputs.x!.shape)}`;

/** Forward values, both argument styles, float32; and the gradients of sum(y * r). */
function fixtureTests(fn: Fn): void {
  const cases = fixture.cases.filter((c) => c.fn === fn);

  it(`matches the numpy reference, options by position and by name (${cases.length} cases)`, () => {
    expect(cases.length).toBeGreaterThan(2);
    for (const c of cases) {
      for (const positional of [true, false]) {
        const y = call(c, inputsOf(c, 'float32'), positional);
        expect(y.dtype, label(c)).toBe('float32');
        expect(y.shape, label(c)).toEqual(c.y.shape);
        expectClose(y, nest(c.y));
      }
    }
  });

  it('float64 inputs give float64 results with the same values', () => {
    for (const c of cases.slice(0, 3)) {
      const y = call(c, inputsOf(c, 'float64'), false);
      expect(y.dtype).toBe('float64');
      expectClose(y, nest(c.y), 1e-12);
    }
  });

  it('gradients w.r.t. x and every kernel match the numpy adjoints', () => {
    const withGrads = cases.filter((c) => c.grads !== undefined);
    expect(withGrads.length).toBeGreaterThan(2);
    for (const c of withGrads) {
      const ts = inputsOf(c, 'float32');
      const loss = K.sum(K.multiply(call(c, ts, false), tensor(c.r!)));
      const grads = K.gradients(loss, ts);
      grads.forEach((g, i) => {
        expect(g, label(c)).not.toBeNull();
        expect(g!.shape, label(c)).toEqual(c.grads![i]!.shape);
        expectClose(g!, nest(c.grads![i]!));
      });
    }
  });

  it('data_format defaults to K.image_data_format()', () => {
    for (const format of ['channels_first', 'channels_last'] as const) {
      const c = cases.find((k) => k.args.data_format === format)!;
      expect(c, `a ${format} case`).toBeDefined();
      K.set_image_data_format(format);
      const y = call({ ...c, args: { ...c.args, data_format: undefined as never } }, inputsOf(c, 'float32'), false);
      expectClose(y, nest(c.y));
    }
  });
}

afterEach(() => K.set_image_data_format('channels_last'));

const zeros = (shape: number[], dtype: DType = 'float32') => K.zeros(shape, dtype);

describe('conv1d', () => {
  fixtureTests('conv1d');

  it("'causal' equals left padding by dilation * (k - 1) then 'valid'", () => {
    const c = fixture.cases.find(
      (k) => k.fn === 'conv1d' && k.args.padding === 'causal' && k.args.data_format === 'channels_last'
    )!;
    const [x, k] = inputsOf(c, 'float32') as [K.Tensor, K.Tensor];
    const d = c.args.dilation_rate as number;
    const left = d * (k.shape[0]! - 1);
    const viaPad = K.conv1d(K.temporal_padding(x, [left, 0]), k, c.args.strides, 'valid', 'channels_last', d);
    expectClose(K.conv1d(x, k, c.args.strides, 'causal', 'channels_last', d), viaPad.toArray());
    // causal keeps the length at stride 1
    if (c.args.strides === 1) expect(K.conv1d(x, k, 1, 'causal', 'channels_last', d).shape[1]).toBe(x.shape[1]);
  });

  it('strides and dilation_rate may be an int, [n] or [1, n, 1]', () => {
    const c = fixture.cases.find((k) => k.fn === 'conv1d' && k.args.strides === 2)!;
    const [x, k] = inputsOf(c, 'float32') as [K.Tensor, K.Tensor];
    const { padding, data_format } = c.args;
    for (const s of [2, [2], [1, 2, 1]]) expectClose(K.conv1d(x, k, s, padding as 'same', data_format, [1]), nest(c.y));
  });

  it('rejects bad input before running', () => {
    const x = K.variable(zeros([2, 7, 3])),
      k = zeros([3, 3, 4]);
    const before = K.get_value(x).data.slice();
    expectError(() => K.conv1d(x, k, 1, 'full' as never), K.ValueError, 'conv1d:', 'padding', 'full');
    expectError(() => K.conv1d(x, k, 1, 'SAME' as never), K.ValueError, 'conv1d:', 'padding', 'SAME');
    expectError(() => K.conv1d(x, k, 1, 'valid', 'NWC' as never), K.ValueError, 'conv1d:', 'data_format', 'NWC');
    expectError(() => K.conv1d(x, k, 0), K.ValueError, 'conv1d:', 'strides', 'positive');
    expectError(() => K.conv1d(x, k, -1), K.ValueError, 'conv1d:', 'strides', 'positive');
    expectError(() => K.conv1d(x, k, 1.5), K.TypeError, 'conv1d:', 'strides', '1.5');
    expectError(() => K.conv1d(x, k, [1, 1]), K.ValueError, 'conv1d:', 'strides', 'length 1, 1 or 3');
    expectError(() => K.conv1d(x, k, [2, 2, 1]), K.ValueError, 'conv1d:', 'strides', 'batch and channel');
    expectError(() => K.conv1d(x, k, 1, 'valid', null, 0), K.ValueError, 'conv1d:', 'dilation_rate', 'positive');
    expectError(
      () => K.conv1d(x, k, 2, 'causal', null, 2),
      K.ValueError,
      'conv1d:',
      'strides > 1',
      'dilation_rate > 1'
    );
    expectError(
      () => K.conv1d(x, zeros([3, 2, 4])),
      K.ValueError,
      'conv1d:',
      '3 input channels',
      '(3, 2, 4)',
      '(2, 7, 3)'
    );
    expectError(() => K.conv1d(x, zeros([3, 3])), K.ValueError, 'conv1d:', 'kernel', '3D', '(3, 3)');
    expectError(() => K.conv1d(zeros([7, 3]), k), K.ValueError, 'conv1d:', 'x', '3D', '(7, 3)');
    expectError(
      () => K.conv1d(x, zeros([9, 3, 4])),
      K.ValueError,
      'conv1d:',
      'negative',
      'input_size: 7',
      'effective_filter_size: 9'
    );
    expectError(() => K.conv1d(x, zeros([3, 3, 4], 'float64')), K.TypeError, 'conv1d:', 'kernel', 'float64');
    expectError(() => K.conv1d(zeros([2, 7, 3], 'int32'), k), K.TypeError, 'conv1d:', 'x', 'int32');
    expectError(() => K.conv1d(x, k, { stride: 1 } as never), K.TypeError, 'conv1d:', 'unknown option "stride"');
    expect(Array.from(K.get_value(x).data)).toEqual(Array.from(before));
  });

  it('under channels_first, causal pads axis 1 (the channels) as the source does', () => {
    // x (2, 3, 7) and kernel (3, 3, 4): the padded x has 5 channels, so the kernel no longer fits.
    expectError(
      () => K.conv1d(zeros([2, 3, 7]), zeros([3, 3, 4]), 1, 'causal', 'channels_first'),
      K.ValueError,
      'conv1d:',
      '5 input channels',
      'axis 1',
      '(3, 3, 4)'
    );
  });
});

describe('conv2d', () => {
  fixtureTests('conv2d');

  it('an int stride stands for both axes; [1, s, s, 1] is accepted', () => {
    const c = fixture.cases.find((k) => k.fn === 'conv2d' && JSON.stringify(k.args.strides) === '[2,2]')!;
    const [x, k] = inputsOf(c, 'float32') as [K.Tensor, K.Tensor];
    expectClose(K.conv2d(x, k, 2, c.args.padding as 'same', c.args.data_format), nest(c.y));
    expectClose(K.conv2d(x, k, [1, 2, 2, 1], c.args.padding as 'same', c.args.data_format), nest(c.y));
  });

  it('works on placeholders with an unknown batch, and with unknown spatial sizes fed several sizes, through K.function', () => {
    const c = fixture.cases.find((k) => k.fn === 'conv2d')!;
    const [xv, kv] = inputsOf(c, 'float32') as [K.Tensor, K.Tensor];
    const opts = {
      strides: c.args.strides,
      padding: c.args.padding as 'same',
      data_format: c.args.data_format,
      dilation_rate: c.args.dilation_rate,
    };
    const x = K.placeholder([null, ...xv.shape.slice(1)]);
    const y = K.conv2d(x, kv, opts);
    expect(K.int_shape(y)).toEqual([null, ...c.y.shape.slice(1)]);
    const [gx] = K.gradients(K.sum(K.square(y)), [x]);
    const f = K.function([x], [y, gx!]);
    const [out, grad] = f([xv]);
    expectClose(K.constant(out!), nest(c.y));
    expectClose(K.constant(grad!), K.gradients(K.sum(K.square(K.conv2d(xv, kv, opts))), [xv])[0]!.toArray());
    // One sample at a time gives the rows of the batch.
    const [first] = f([K.slice(xv, [0, 0, 0, 0], [1, ...xv.shape.slice(1)])]);
    expectClose(K.constant(first!), K.slice(K.constant(out!), [0, 0, 0, 0], [1, ...c.y.shape.slice(1)]).toArray());
    // Unknown spatial sizes: one function fed images of several sizes ('same' pads computed when it runs).
    const spatial =
      c.args.data_format === 'channels_first'
        ? [xv.shape[0]!, xv.shape[1]!, null, null]
        : [xv.shape[0]!, null, null, xv.shape[3]!];
    const xs = K.placeholder(spatial);
    const ys = K.conv2d(xs, kv, opts);
    const [gs] = K.gradients(K.sum(K.square(ys)), [xs]);
    const h = K.function([xs], [ys, gs!]);
    for (const grow of [0, 3]) {
      const size = xv.shape.map((d, i) => (spatial[i] === null ? d + grow : d));
      const v = K.random_uniform(size, -1, 1, null, grow + 1);
      const [yv, gv] = h([v]);
      expectClose(K.constant(yv!), K.conv2d(v, kv, opts).toArray());
      expectClose(K.constant(gv!), K.gradients(K.sum(K.square(K.conv2d(v, kv, opts))), [v])[0]!.toArray());
    }
  });

  it('second derivatives flow (d/dx of a gradient w.r.t. the kernel)', () => {
    const x = K.variable(
      K.reshape(
        Float32Array.from({ length: 2 * 5 * 5 * 2 }, (_, i) => ((i * 7) % 11) / 8 - 0.5),
        [2, 5, 5, 2]
      )
    );
    const k = K.variable(
      K.reshape(
        Float32Array.from({ length: 3 * 3 * 2 * 3 }, (_, i) => ((i * 5) % 9) / 8 - 0.5),
        [3, 3, 2, 3]
      )
    );
    // loss = sum(conv(x, k)^2); d/dk, then the sum of it, differentiated in x: bilinear, so not zero.
    const gk = K.gradients(K.sum(K.square(K.conv2d(x, k, [1, 1], 'same'))), [k])[0]!;
    const gx = K.gradients(K.sum(K.square(gk)), [x])[0]!;
    expect(gx.shape).toEqual(x.shape);
    expect(Math.max(...Array.from(K.eval(K.abs(gx)).data))).toBeGreaterThan(0);
  });

  it('rejects bad input before running', () => {
    const x = K.variable(zeros([2, 5, 6, 3])),
      k = zeros([3, 3, 3, 4]);
    const before = K.get_value(x).data.slice();
    expectError(() => K.conv2d(x, k, [1, 1], 'causal' as never), K.ValueError, 'conv2d:', 'padding', 'causal');
    expectError(
      () => K.conv2d(x, k, [1, 1], 'valid', 'channels_middle' as never),
      K.ValueError,
      'conv2d:',
      'data_format',
      'channels_middle'
    );
    expectError(() => K.conv2d(x, k, [0, 1]), K.ValueError, 'conv2d:', 'strides', 'positive');
    expectError(() => K.conv2d(x, k, [1, -2]), K.ValueError, 'conv2d:', 'strides', 'positive');
    expectError(() => K.conv2d(x, k, [1, 1, 1]), K.ValueError, 'conv2d:', 'strides', 'length 1, 2 or 4');
    expectError(
      () => K.conv2d(x, k, [2, 1], 'same', null, [1, 2]),
      K.ValueError,
      'conv2d:',
      'strides > 1',
      'dilation_rate > 1',
      '[2,1]',
      '[1,2]'
    );
    expectError(
      () => K.conv2d(x, zeros([3, 3, 2, 4])),
      K.ValueError,
      'conv2d:',
      '3 input channels',
      '(3, 3, 2, 4)',
      'expects 2'
    );
    expectError(() => K.conv2d(x, zeros([3, 3, 3])), K.ValueError, 'conv2d:', 'kernel', '4D', '(3, 3, 3)');
    expectError(() => K.conv2d(zeros([5, 6, 3]), k), K.ValueError, 'conv2d:', 'x', '4D', '(5, 6, 3)');
    expectError(
      () => K.conv2d(x, zeros([0, 3, 3, 4])),
      K.ValueError,
      'conv2d:',
      'kernel',
      'positive spatial',
      '(0, 3, 3, 4)'
    );
    expectError(
      () => K.conv2d(x, k, [1, 1], 'valid', 'channels_first'),
      K.ValueError,
      'conv2d:',
      '5 input channels',
      'expects 3'
    );
    expectError(
      () => K.conv2d(x, k, [1, 1], 'valid', null, [3, 3]),
      K.ValueError,
      'conv2d:',
      'negative',
      'effective_filter_size: 7'
    );
    expectError(() => K.conv2d(x, k, '1' as never), K.TypeError, 'conv2d:', 'strides');
    expect(Array.from(K.get_value(x).data)).toEqual(Array.from(before));
  });
});

describe('conv3d', () => {
  fixtureTests('conv3d');

  it('rejects bad input before running', () => {
    const x = zeros([1, 4, 5, 4, 2]),
      k = zeros([2, 3, 2, 2, 3]);
    expectError(
      () => K.conv3d(x, k, [1, 1, 1], 'valid', 'NDHWC' as never),
      K.ValueError,
      'conv3d:',
      'data_format',
      'NDHWC'
    );
    expectError(() => K.conv3d(x, k, [1, 1, 1], 'Valid' as never), K.ValueError, 'conv3d:', 'padding', 'Valid');
    expectError(() => K.conv3d(x, k, [1, 0, 1]), K.ValueError, 'conv3d:', 'strides', 'positive');
    expectError(() => K.conv3d(x, k, [1, 1]), K.ValueError, 'conv3d:', 'strides', 'length 1, 3 or 5');
    expectError(
      () => K.conv3d(x, k, [1, 1, 2], 'same', null, [2, 1, 1]),
      K.ValueError,
      'conv3d:',
      'strides > 1',
      'dilation_rate > 1'
    );
    expectError(() => K.conv3d(x, zeros([2, 3, 2, 3, 3])), K.ValueError, 'conv3d:', '2 input channels', 'expects 3');
    expectError(() => K.conv3d(x, zeros([2, 3, 2, 2])), K.ValueError, 'conv3d:', 'kernel', '5D', '(2, 3, 2, 2)');
    expectError(() => K.conv3d(zeros([4, 5, 4, 2]), k), K.ValueError, 'conv3d:', 'x', '5D');
  });
});

describe('conv2d_transpose', () => {
  it("takes Keras's Conv2DTranspose output_shape, batch = K.shape(inputs)[0] (issue 14)", () => {
    const x = K.placeholder([null, 4, 4, 3]);
    const k = K.variable(K.random_normal([3, 3, 2, 3], 0, 1, null, 1));
    const shape = K.shape(x);
    const out = [K.gather(shape, 0), K.multiply(K.gather(shape, 1), 2), K.multiply(K.gather(shape, 2), 2), 2];
    const y = K.conv2d_transpose(x, k, out, [2, 2], 'same');
    expect(K.int_shape(y)).toEqual([null, 8, 8, 2]);
    const v = K.random_uniform([5, 4, 4, 3], -1, 1, null, 2);
    const [got] = K.function([x], [y])([v]);
    expectClose(K.constant(got!), K.conv2d_transpose(v, k, [5, 8, 8, 2], [2, 2], 'same').toArray());
  });

  it('on unknown spatial sizes, with output_shape computed from K.shape(inputs) as Keras does, runs with the graph', () => {
    const x = K.placeholder([null, null, null, 3]);
    const k = K.variable(K.random_normal([3, 3, 2, 3], 0, 1, null, 4));
    const shape = K.shape(x);
    const out = [K.gather(shape, 0), K.multiply(K.gather(shape, 1), 2), K.multiply(K.gather(shape, 2), 2), 2];
    const y = K.conv2d_transpose(x, k, out, [2, 2], 'same');
    expect(K.int_shape(y)).toEqual([null, null, null, 2]);
    const [gx, gk] = K.gradients(K.sum(K.square(y)), [x, k]);
    const f = K.function([x], [y, gx!, gk!]);
    for (const [h, w] of [
      [3, 4],
      [5, 2],
    ]) {
      const v = K.random_uniform([2, h!, w!, 3], -1, 1, null, h! + w!);
      const [yv, gxv, gkv] = f([v]);
      const e = K.conv2d_transpose(v, k, [2, 2 * h!, 2 * w!, 2], [2, 2], 'same');
      const [ex, ek] = K.gradients(K.sum(K.square(e)), [v, k]);
      expectClose(K.constant(yv!), e.toArray());
      expectClose(K.constant(gxv!), ex!.toArray());
      expectClose(K.constant(gkv!), ek!.toArray());
    }
  });

  fixtureTests('conv2d_transpose');

  it('is the gradient of conv2d with respect to its input', () => {
    const c = fixture.cases.find(
      (k) =>
        k.fn === 'conv2d_transpose' &&
        JSON.stringify(k.args.strides) === '[2,2]' &&
        k.args.data_format === 'channels_last'
    )!;
    const [x, k] = inputsOf(c, 'float32') as [K.Tensor, K.Tensor];
    const outShape = c.args.output_shape as number[];
    const z = K.variable(zeros(outShape));
    const y = K.conv2d(z, k, c.args.strides, c.args.padding as 'same');
    const g = K.gradients(K.sum(K.multiply(y, x)), [z])[0]!;
    expectClose(K.conv2d_transpose(x, k, outShape, c.args.strides as number[], c.args.padding as 'same'), g.toArray());
  });

  it('takes output_shape as an int tensor, or by name, with a null batch', () => {
    const c = fixture.cases.find(
      (k) =>
        k.fn === 'conv2d_transpose' &&
        k.args.data_format === 'channels_last' &&
        JSON.stringify(k.args.strides) === '[1,1]'
    )!;
    const [x, k] = inputsOf(c, 'float32') as [K.Tensor, K.Tensor];
    const shape = c.args.output_shape as number[];
    expectClose(
      K.conv2d_transpose(x, k, K.constant(shape, 'int32'), {
        padding: c.args.padding as 'valid',
        dilation_rate: c.args.dilation_rate as number[],
      }),
      nest(c.y)
    );
    expectClose(
      K.conv2d_transpose(x, k, {
        output_shape: [null, ...shape.slice(1)],
        padding: c.args.padding as 'valid',
        dilation_rate: c.args.dilation_rate as number[],
      }),
      nest(c.y)
    );
  });

  it('rejects bad input before running', () => {
    const x = K.variable(zeros([2, 3, 4, 3])),
      k = zeros([3, 3, 2, 3]);
    const before = K.get_value(x).data.slice();
    const out = [2, 6, 8, 2];
    expectError(
      () => K.conv2d_transpose(x, k, out, [2, 2], 'full' as never),
      K.ValueError,
      'conv2d_transpose:',
      'padding',
      'full'
    );
    expectError(
      () => K.conv2d_transpose(x, k, out, [2, 2], 'same', 'NHWC' as never),
      K.ValueError,
      'conv2d_transpose:',
      'data_format',
      'NHWC'
    );
    expectError(
      () => K.conv2d_transpose(x, k, out, [0, 2], 'same'),
      K.ValueError,
      'conv2d_transpose:',
      'strides',
      'positive'
    );
    expectError(
      () => K.conv2d_transpose(x, k, out, 2 as never, 'same'),
      K.ValueError,
      'conv2d_transpose:',
      'strides',
      'tuple of 2'
    );
    // x's spatial (3, 4) is not what a same conv at stride 1 makes of (6, 8)
    expectError(
      () => K.conv2d_transpose(x, k, out, [1, 1], 'same'),
      K.ValueError,
      'conv2d_transpose:',
      'output_shape',
      '(6, 8)',
      '(3, 4)',
      '(2, 3, 4, 3)'
    );
    expectError(
      () => K.conv2d_transpose(x, k, [2, 6, 8, 5], [2, 2], 'same'),
      K.ValueError,
      'conv2d_transpose:',
      'output channels',
      '(3, 3, 2, 3)'
    );
    expectError(
      () => K.conv2d_transpose(x, zeros([3, 3, 2, 4]), out, [2, 2], 'same'),
      K.ValueError,
      'conv2d_transpose:',
      'input channels',
      '(3, 3, 2, 4)'
    );
    expectError(
      () => K.conv2d_transpose(x, k, [3, 6, 8, 2], [2, 2], 'same'),
      K.ValueError,
      'conv2d_transpose:',
      'batch',
      '(2, 3, 4, 3)'
    );
    expectError(
      () => K.conv2d_transpose(x, k, [2, 6, 8], [2, 2], 'same'),
      K.ValueError,
      'conv2d_transpose:',
      'output_shape',
      '(4,)'
    );
    expectError(
      () => K.conv2d_transpose(x, k, [2, 6, -8, 2], [2, 2], 'same'),
      K.ValueError,
      'conv2d_transpose:',
      'output_shape',
      'non-negative'
    );
    expectError(
      () => K.conv2d_transpose(x, k, out, [2, 2], 'same', null, [2, 2]),
      K.ValueError,
      'conv2d_transpose:',
      'strides > 1',
      'dilation_rate > 1'
    );
    expectError(
      () => K.conv2d_transpose(x, k, out, [1, 1], 'same', null, [2, 1]),
      K.ValueError,
      'conv2d_transpose:',
      'dilation_rate',
      'equal'
    );
    expectError(
      () => K.conv2d_transpose(x, zeros([3, 3, 3]), undefined as never),
      K.TypeError,
      'conv2d_transpose:',
      'output_shape'
    );
    expectError(() => K.conv2d_transpose(x, zeros([3, 3, 3]), out), K.ValueError, 'conv2d_transpose:', 'kernel', '4D');
    expectError(
      () => K.conv2d_transpose(x, k, K.constant(out), [2, 2], 'same'),
      K.TypeError,
      'conv2d_transpose:',
      'output_shape',
      'float32'
    );
    expect(Array.from(K.get_value(x).data)).toEqual(Array.from(before));
  });
});

describe('depthwise_conv2d', () => {
  fixtureTests('depthwise_conv2d');

  it('equals a conv2d per channel', () => {
    const c = fixture.cases.find((k) => k.fn === 'depthwise_conv2d' && k.args.data_format === 'channels_last')!;
    const [x, dk] = inputsOf(c, 'float32') as [K.Tensor, K.Tensor];
    const [kh, kw, ch, m] = dk.shape as [number, number, number, number];
    const y = K.depthwise_conv2d(x, dk, c.args.strides as number[], c.args.padding as 'valid');
    const xs = x.shape;
    for (let i = 0; i < ch; i++) {
      const xi = K.slice(x, [0, 0, 0, i], [xs[0]!, xs[1]!, xs[2]!, 1]);
      const ki = K.slice(dk, [0, 0, i, 0], [kh, kw, 1, m]);
      const ys = y.shape;
      expectClose(
        K.slice(y, [0, 0, 0, i * m], [ys[0]!, ys[1]!, ys[2]!, m]),
        K.conv2d(xi, ki, c.args.strides, c.args.padding as 'valid').toArray()
      );
    }
  });

  it('rejects bad input before running', () => {
    const x = zeros([2, 5, 5, 3]),
      dk = zeros([3, 3, 3, 2]);
    expectError(
      () => K.depthwise_conv2d(x, dk, [1, 1], 'causal' as never),
      K.ValueError,
      'depthwise_conv2d:',
      'padding',
      'causal'
    );
    expectError(
      () => K.depthwise_conv2d(x, dk, [1, 1], 'valid', 'NCHW' as never),
      K.ValueError,
      'depthwise_conv2d:',
      'data_format',
      'NCHW'
    );
    expectError(() => K.depthwise_conv2d(x, dk, [1, 0]), K.ValueError, 'depthwise_conv2d:', 'strides', 'positive');
    expectError(() => K.depthwise_conv2d(x, dk, [1]), K.ValueError, 'depthwise_conv2d:', 'strides', 'tuple of 2');
    expectError(
      () => K.depthwise_conv2d(x, dk, [2, 2], 'same', null, [2, 2]),
      K.ValueError,
      'depthwise_conv2d:',
      'strides > 1',
      'dilation_rate > 1'
    );
    expectError(
      () => K.depthwise_conv2d(x, zeros([3, 3, 2, 2])),
      K.ValueError,
      'depthwise_conv2d:',
      '3 channels',
      '(3, 3, 2, 2)'
    );
    expectError(
      () => K.depthwise_conv2d(x, zeros([3, 3, 3])),
      K.ValueError,
      'depthwise_conv2d:',
      'depthwise_kernel',
      '4D'
    );
    expectError(() => K.depthwise_conv2d(zeros([5, 5, 3]), dk), K.ValueError, 'depthwise_conv2d:', 'x', '4D');
    expectError(
      () => K.depthwise_conv2d(x, zeros([7, 3, 3, 2])),
      K.ValueError,
      'depthwise_conv2d:',
      'negative',
      'input_size: 5'
    );
  });
});

describe('separable_conv2d', () => {
  fixtureTests('separable_conv2d');

  it('equals depthwise_conv2d then a 1x1 conv2d', () => {
    const c = fixture.cases.find((k) => k.fn === 'separable_conv2d' && k.args.data_format === 'channels_last')!;
    const [x, dk, pk] = inputsOf(c, 'float32') as [K.Tensor, K.Tensor, K.Tensor];
    const d = K.depthwise_conv2d(x, dk, c.args.strides as number[], c.args.padding as 'valid');
    expectClose(
      K.separable_conv2d(x, dk, pk, c.args.strides as number[], c.args.padding as 'valid'),
      K.conv2d(d, pk).toArray()
    );
  });

  it('rejects bad input before running', () => {
    const x = zeros([2, 5, 5, 3]),
      dk = zeros([3, 3, 3, 2]),
      pk = zeros([1, 1, 6, 4]);
    expectError(
      () => K.separable_conv2d(x, dk, pk, [1, 1, 1] as never),
      K.ValueError,
      'separable_conv2d:',
      'strides',
      'tuple of 2 integers'
    );
    expectError(
      () => K.separable_conv2d(x, dk, pk, [1, 1], 'same', 'nhwc' as never),
      K.ValueError,
      'separable_conv2d:',
      'data_format',
      'nhwc'
    );
    expectError(
      () => K.separable_conv2d(x, dk, pk, [1, 1], 'circular' as never),
      K.ValueError,
      'separable_conv2d:',
      'padding',
      'circular'
    );
    expectError(() => K.separable_conv2d(x, dk, pk, [-1, 1]), K.ValueError, 'separable_conv2d:', 'strides', 'positive');
    expectError(
      () => K.separable_conv2d(x, dk, pk, [2, 1], 'same', null, [1, 2]),
      K.ValueError,
      'separable_conv2d:',
      'strides > 1',
      'dilation_rate > 1'
    );
    expectError(
      () => K.separable_conv2d(x, dk, zeros([1, 1, 5, 4])),
      K.ValueError,
      'separable_conv2d:',
      'pointwise_kernel',
      '(1, 1, 5, 4)',
      '(1, 1, 6, out_channels)'
    );
    expectError(
      () => K.separable_conv2d(x, dk, zeros([2, 1, 6, 4])),
      K.ValueError,
      'separable_conv2d:',
      'pointwise_kernel',
      '(2, 1, 6, 4)'
    );
    expectError(
      () => K.separable_conv2d(x, zeros([3, 3, 4, 2]), zeros([1, 1, 8, 4])),
      K.ValueError,
      'separable_conv2d:',
      '3 channels',
      '(3, 3, 4, 2)'
    );
    expectError(
      () => K.separable_conv2d(x, dk, zeros([1, 1, 6])),
      K.ValueError,
      'separable_conv2d:',
      'pointwise_kernel',
      '4D'
    );
    expectError(
      () => K.separable_conv2d(x, dk, zeros([1, 1, 6, 4], 'float64')),
      K.TypeError,
      'separable_conv2d:',
      'pointwise_kernel',
      'float64'
    );
  });
});
