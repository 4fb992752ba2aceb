// The one loader of ktape's WebAssembly modules (built from asm/ by
// `npm run build:wasm`, embedded as base64 so nothing is read from disk):
// compiled and instantiated synchronously; null where the engine lacks SIMD or
// the module cannot be instantiated, so the cpu kernels stay on their JS path.

// (module (func (result v128) v128.const i32x4 0 0 0 0)): does this engine take SIMD?
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 11,
]);

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** `base64`'s module, compiled and instantiated on `imports`, or null where it cannot run. */
export function instantiate(
  base64: string,
  imports: WebAssembly.Imports
): { module: WebAssembly.Module; exports: WebAssembly.Exports } | null {
  try {
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(SIMD_PROBE)) return null;
    const module = new WebAssembly.Module(decode(base64));
    return { module, exports: new WebAssembly.Instance(module, imports).exports };
  } catch {
    return null;
  }
}
