// Every function the public entry exports is documented (issue 8): a JSDoc
// block with a summary, an @param per parameter and an @example with code. The
// check reads the sources as text, following src/api.ts's `export *` (src/index.ts re-exports it) and
// named re-exports into the files that declare each name, so a function added
// later anywhere behind the entry is held to the same rule without a typedoc run.
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDevice } from '../helpers.js';
import { docBefore, paramNames, publicApi, ROOT, source, where, type Decl } from './jsdoc.js';

describe.skipIf(testDevice() === 'gpu')(
  'API documentation coverage (reads the sources; device-independent, so the cpu project only)',
  () => {
    const { decls, unresolved } = publicApi();
    const functions = decls.filter((d) => d.kind === 'function');
    const docOf = (d: Decl) => docBefore(source(d.file), d.at);

    it('traces every name src/api.ts exports to its declaration', () => {
      expect(unresolved).toEqual([]);
      // The reading itself: the API is large, and its best-known names are found as functions.
      expect(functions.length).toBeGreaterThan(100);
      for (const name of ['sum', 'eval', 'function', 'switch', 'var', 'gradients', 'conv2d', 'rnn']) {
        expect(functions.map((d) => d.exported)).toContain(name);
      }
    });

    it('gives every exported function a JSDoc block with a summary', () => {
      const missing = functions.filter((d) => (docOf(d)?.summary ?? '') === '').map(where);
      expect(missing).toEqual([]);
    });

    it('gives every exported function an @example with a code block', () => {
      const missing = functions
        .filter((d) => {
          const ex = docOf(d)?.example ?? null;
          return ex === null || !/```ts\n[\s\S]*\S[\s\S]*```/.test(ex);
        })
        .map(where);
      expect(missing).toEqual([]);
    });

    it('documents each parameter of every exported function with @param (options keys as name.key)', () => {
      const missing: string[] = [];
      for (const d of functions) {
        const doc = docOf(d);
        if (doc === null) continue; // reported above
        const documented = new Set(doc.params.map((p) => p.split('.')[0]!));
        const undocumented = paramNames(source(d.file), d.at).filter((p) => !documented.has(p));
        if (undocumented.length > 0) missing.push(`${where(d)}: ${undocumented.join(', ')}`);
      }
      expect(missing).toEqual([]);
    });

    it('gives every exported class a JSDoc summary', () => {
      const missing = decls.filter((d) => d.kind === 'class' && (docOf(d)?.summary ?? '') === '').map(where);
      expect(missing).toEqual([]);
    });

    it('reads JSDoc blocks, overloads and re-exports as intended', () => {
      const text = [
        'function hidden(a: number) {}',
        '/** Summary line.',
        ' *',
        ' * @param x  the input',
        ' * @param options.axis  an option',
        ' * @example',
        ' * ```ts',
        ' * f(1);',
        ' * ```',
        ' */',
        'export function f<T extends (a: number) => void>(x: Array<T>, options?: { axis?: number }): void;',
      ].join('\n');
      const at = text.indexOf('export function f');
      const doc = docBefore(text, at)!;
      expect(doc.summary).toBe('Summary line.');
      expect(doc.params).toEqual(['x', 'options.axis']);
      expect(doc.example).toBe('```ts\nf(1);\n```');
      expect(paramNames(text, at)).toEqual(['x', 'options']);
      // A line comment between the block and the function detaches it.
      const detached = `/** A. */\n// note\nfunction g() {}`;
      expect(docBefore(detached, detached.indexOf('function'))).toBeNull();
      // `export { variance as var }` in reduce.ts is followed to the local function.
      const v = decls.find((d) => d.exported === 'var')!;
      expect([relative(ROOT, v.file), v.local, v.kind]).toEqual(['src/ops/reduce.ts', 'variance', 'function']);
    });
  }
);
