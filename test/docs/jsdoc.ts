// Reads the public API's JSDoc from the sources as text: follows src/api.ts's
// `export *` and named re-exports to the declaration of each exported name and
// parses the JSDoc block right before it. Shared by the docs tests.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRY = join(ROOT, 'src/api.ts');

export type Kind = 'function' | 'class' | 'type' | 'value';

/** An exported name, traced to its declaration. */
export interface Decl {
  readonly exported: string;
  readonly file: string;
  readonly local: string;
  readonly kind: Kind;
  /** Offset of the declaration (its first overload) in the file's text. */
  readonly at: number;
}

const sources = new Map<string, string>();
export function source(file: string): string {
  let s = sources.get(file);
  if (s === undefined) {
    s = readFileSync(file, 'utf8');
    sources.set(file, s);
  }
  return s;
}

/** './ops/math.js' seen from `from` -> the .ts file. */
function target(from: string, spec: string): string {
  return resolve(dirname(from), spec.replace(/\.js$/, '.ts'));
}

interface Specifier {
  readonly local: string;
  readonly exported: string;
}

/** The value names of an `export { a, b as c, type T }` list (type-only names left out). */
function specifiers(list: string): Specifier[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('type '))
    .map((s) => {
      const m = /^(\w+)(?:\s+as\s+(\w+))?$/.exec(s);
      if (m === null) throw new Error(`cannot read the export specifier ${JSON.stringify(s)}`);
      return { local: m[1]!, exported: m[2] ?? m[1]! };
    });
}

interface ModuleExports {
  readonly stars: string[];
  readonly named: (Specifier & { readonly from: string | null })[];
  readonly declared: { readonly name: string; readonly kind: Kind }[];
}

function moduleExports(file: string): ModuleExports {
  const text = source(file);
  const stars = [...text.matchAll(/^export\s+\*\s+from\s+'([^']+)'/gm)].map((m) => target(file, m[1]!));
  const named = [...text.matchAll(/^export\s+(type\s+)?\{([^}]*)\}(?:\s*from\s+'([^']+)')?/gm)]
    .filter((m) => m[1] === undefined)
    .flatMap((m) => specifiers(m[2]!).map((s) => ({ ...s, from: m[3] === undefined ? null : target(file, m[3]) })));
  const declared: { name: string; kind: Kind }[] = [];
  for (const m of text.matchAll(/^export\s+(?:declare\s+)?(?:async\s+)?function\s*\*?\s*(\w+)/gm))
    declared.push({ name: m[1]!, kind: 'function' });
  for (const m of text.matchAll(/^export\s+(?:declare\s+)?(?:abstract\s+)?class\s+(\w+)/gm))
    declared.push({ name: m[1]!, kind: 'class' });
  for (const m of text.matchAll(/^export\s+(?:declare\s+)?(?:const|let|var)\s+(\w+)/gm))
    declared.push({ name: m[1]!, kind: constKind(text, m[1]!) });
  // Names seen once: overloads repeat the function.
  const unique = declared.filter((d, i) => declared.findIndex((e) => e.name === d.name) === i);
  return { stars, named, declared: unique };
}

/** A const is documented as a function when it is initialised with one. */
function constKind(text: string, name: string): Kind {
  const re = new RegExp(
    `^(?:export\\s+)?(?:const|let|var)\\s+${name}\\b[^=]*=\\s*(?:async\\s+)?(function\\b|\\([^)]*\\)\\s*(?::[^=]+)?=>|\\w+\\s*=>)`,
    'm'
  );
  return re.test(text) ? 'function' : 'value';
}

/** Where `name` is declared in `file` (any declaration, exported or not), and as what. */
function declarationIn(file: string, name: string): { kind: Kind; at: number } | null {
  const text = source(file);
  const forms: [RegExp, Kind][] = [
    [new RegExp(`^(?:export\\s+)?(?:declare\\s+)?(?:async\\s+)?function\\s*\\*?\\s*${name}\\s*[<(]`, 'm'), 'function'],
    [new RegExp(`^(?:export\\s+)?(?:declare\\s+)?(?:abstract\\s+)?class\\s+${name}\\b`, 'm'), 'class'],
    [new RegExp(`^(?:export\\s+)?(?:declare\\s+)?(?:const|let|var)\\s+${name}\\b`, 'm'), 'value'],
    [new RegExp(`^(?:export\\s+)?(?:declare\\s+)?(?:interface|type|enum)\\s+${name}\\b`, 'm'), 'type'],
  ];
  for (const [re, kind] of forms) {
    const m = re.exec(text);
    if (m !== null) return { kind: kind === 'value' ? constKind(text, name) : kind, at: m.index };
  }
  return null;
}

/** Follow `name` as exported by `file` to its declaration. */
function resolveExport(file: string, name: string, seen = new Set<string>()): { file: string; local: string } | null {
  const key = `${file}#${name}`;
  if (seen.has(key)) return null;
  seen.add(key);
  const mod = moduleExports(file);
  if (mod.declared.some((d) => d.name === name)) return { file, local: name };
  const spec = mod.named.find((s) => s.exported === name);
  if (spec !== undefined) {
    if (spec.from !== null) return resolveExport(spec.from, spec.local, seen);
    return declarationIn(file, spec.local) === null ? null : { file, local: spec.local };
  }
  for (const star of mod.stars) {
    const r = resolveExport(star, name, seen);
    if (r !== null) return r;
  }
  return null;
}

/** Every value name `file` exports (what `export *` of it brings in). */
function exportedNames(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const mod = moduleExports(file);
  return [
    ...mod.declared.map((d) => d.name),
    ...mod.named.map((s) => s.exported),
    ...mod.stars.flatMap((s) => exportedNames(s, seen)),
  ];
}

/** The public API: each exported value name with its declaration (unresolved ones listed apart). */
export function publicApi(): { decls: Decl[]; unresolved: string[] } {
  const decls: Decl[] = [];
  const unresolved: string[] = [];
  for (const name of new Set(exportedNames(ENTRY))) {
    const r = resolveExport(ENTRY, name);
    const d = r === null ? null : declarationIn(r.file, r.local);
    if (r === null || d === null) unresolved.push(name);
    else decls.push({ exported: name, file: r.file, local: r.local, kind: d.kind, at: d.at });
  }
  return { decls, unresolved };
}

export interface DocBlock {
  readonly summary: string;
  readonly params: string[];
  readonly example: string | null;
}

/** The JSDoc block right before offset `at` (only whitespace between), parsed; null when there is none. */
export function docBefore(text: string, at: number): DocBlock | null {
  const before = text.slice(0, at).trimEnd();
  if (!before.endsWith('*/')) return null;
  const start = before.lastIndexOf('/**');
  if (start < 0 || before.indexOf('*/', start) !== before.length - 2) return null;
  const body = before
    .slice(start + 3, -2)
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
    .join('\n');
  const firstTag = body.search(/^@\w+/m);
  const summary = (firstTag < 0 ? body : body.slice(0, firstTag)).trim();
  const params = [...body.matchAll(/^@param\s+(?:\{[^}]*\}\s+)?\[?([\w.]+)/gm)].map((m) => m[1]!);
  const ex = /^@example\b([\s\S]*?)(?=^@\w+|$(?![\s\S]))/m.exec(body);
  return { summary, params, example: ex === null ? null : ex[1]!.trim() };
}

/** The parameter names of the declaration at `at` (its first overload). */
export function paramNames(text: string, at: number): string[] {
  let i = text.indexOf('(', at);
  // Skip type parameters: function f<T>(...)
  const lt = text.indexOf('<', at);
  if (lt >= 0 && lt < i) i = text.indexOf('(', matchClose(text, lt));
  const end = matchClose(text, i);
  const inner = text.slice(i + 1, end);
  const parts: string[] = [];
  let depth = 0,
    cur = '';
  for (let k = 0; k < inner.length; k++) {
    const c = inner[k]!;
    if ('([{<'.includes(c)) depth++;
    else if (')]}'.includes(c) || (c === '>' && inner[k - 1] !== '=')) depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '') parts.push(cur);
  return parts
    .map((p) => /^\s*(?:\.\.\.)?(\w+)/.exec(p)?.[1])
    .filter((n): n is string => n !== undefined && n !== 'this');
}

/** Index of the bracket closing the one at `open`. */
function matchClose(text: string, open: number): number {
  let depth = 0;
  for (let k = open; k < text.length; k++) {
    const c = text[k]!;
    if ('([{<'.includes(c)) depth++;
    else if (')]}'.includes(c) || (c === '>' && text[k - 1] !== '=')) depth--;
    if (depth === 0) return k;
  }
  throw new Error(`unbalanced brackets from offset ${open}`);
}

export function where(d: Decl): string {
  return `K.${d.exported} (${relative(ROOT, d.file)}${d.local !== d.exported ? `, declared as ${d.local}` : ''})`;
}
