// First in the page's test bundle. The test files read settings from
// process.env and spy on process.stdout.write and process.emitWarning, as
// in Node: here `process` is a stand-in (test/browser/build.ts points the test
// files' `process` at it), and ktape's browser platform prints and warns
// through it, as Node's platform does through the real one.
import { platform, registerPlatform } from '../../src/core/platform.js';
import '../../src/platform/browser.js';

const params = new URLSearchParams(globalThis.location?.search ?? '');

interface TestProcess {
  env: Record<string, string | undefined>;
  stdout: { write(s: string): boolean };
  emitWarning(message: string, type?: string): void;
}
// One object, made by whichever module reads it first (shared chunks may load
// before this one), filled in here; spies replace its methods in place.
const g = globalThis as { __TEST_PROCESS__?: Partial<TestProcess> };
const shared = (g.__TEST_PROCESS__ ??= {}) as TestProcess;
Object.assign(shared, {
  env: { KTAPE_DEVICE: params.get('device') ?? 'cpu' },
  stdout: {
    write(s: string): boolean {
      console.log(s.replace(/\n$/, ''));
      return true;
    },
  },
  emitWarning(message: string, type?: string): void {
    console.warn(`${type ?? 'Warning'}: ${message}`);
  },
});

const browser = platform();
registerPlatform({
  ...browser,
  print: (line) => shared.stdout.write(`${line}\n`),
  warn: (message) => shared.emitWarning(message, 'UserWarning'),
});
