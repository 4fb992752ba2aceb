// Which gpu.js mode the gpu device runs in. Under CI (.ci/run runs the tests
// under xvfb-run, so CI and DISPLAY are set) it must be real WebGL, so CI
// cannot pass on a silent fallback. Elsewhere the test states and checks the
// mode that applies: WebGL where `gl` can make a context, else gpu.js's
// fallback (WebAssembly, or its plain JavaScript 'cpu' mode).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as K from '../../src/index.js';
import { expectClose } from '../helpers.js';

/** Whether `gl` (headless WebGL) loads and makes a context here, and if not, why; found without gpu.js. */
function webglHere(): { ok: boolean; why: string } {
  let createContext: (w: number, h: number) => unknown;
  try {
    createContext = createRequire(import.meta.url)('gl') as typeof createContext;
  } catch (e) {
    return {
      ok: false,
      why: `the optional package gl is not installed or not built (${(e as Error).message.split('\n')[0]})`,
    };
  }
  const ctx = createContext(2, 2) as { getExtension(name: string): { destroy(): void } | null } | null;
  const display = process.env.DISPLAY ? 'DISPLAY set' : 'no DISPLAY';
  if (ctx === null) return { ok: false, why: `gl loads but makes no WebGL context (${display})` };
  ctx.getExtension('STACKGL_destroy_context')?.destroy();
  return { ok: true, why: `gl makes a WebGL context (${display})` };
}

const underCI = Boolean(process.env.CI) && Boolean(process.env.DISPLAY);
const forced = process.env.KTAPE_GPU_MODE;
const webgl = webglHere();
const expected = webgl.ok ? 'headlessgl' : typeof WebAssembly === 'object' ? 'webasm' : 'cpu';

describe('gpu_mode', () => {
  if (underCI) {
    it("under CI (CI and DISPLAY set) gpu.js runs 'headlessgl': real WebGL shaders, no fallback", () => {
      expect(webgl.ok, webgl.why).toBe(true);
      expect(K.gpu_mode()).toBe('headlessgl');
    });
  } else if (forced) {
    it(`not CI; KTAPE_GPU_MODE=${forced} forces gpu.js's mode`, () => {
      expect(K.gpu_mode()).toBe(forced);
    });
  } else if (webgl.ok) {
    it(`not CI; ${webgl.why}, so gpu.js runs 'headlessgl'`, () => {
      expect(K.gpu_mode()).toBe('headlessgl');
    });
  } else {
    it(`not CI; ${webgl.why}, so gpu.js runs its fallback mode '${expected}'`, () => {
      expect(K.gpu_mode()).toBe(expected);
    });
  }

  it('a float32 op on the gpu device runs on the gpu', () => {
    K.set_device('gpu');
    const y = K.multiply(K.constant([1, 2, 3]), 2);
    expect(y.storage?.device).toBe('gpu');
    expectClose(y, [2, 4, 6]);
  });
});

describe('gpu_renderer', () => {
  it('names the GL implementation, not the masked string (headless-gl says only ANGLE; a browser WebKit WebGL)', () => {
    K.set_device('gpu');
    K.eval(K.exp(K.constant([1])));
    const r = K.gpu_renderer();
    if (!['headlessgl', 'webgl2', 'webgl'].includes(K.gpu_mode())) {
      expect(r).toBeNull();
      return;
    }
    // Masked, headless-gl reads 'ANGLE (WebGL 1.0 stack-gl ...)'; unmasked, the driver behind ANGLE.
    expect(r).not.toMatch(/^ANGLE \(WebGL/);
    expect(r).not.toMatch(/^WebKit WebGL/);
    // CI runs Mesa's software rasterizer; on a machine with a GPU this names the card.
    if (underCI) expect(r).toMatch(/llvmpipe/);
  });
});
