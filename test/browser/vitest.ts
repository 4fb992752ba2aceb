// The part of vitest's API the test files use, for running them in a browser
// page (test/browser/): describe/it and their variants, hooks, vi's spies, and
// vitest's own expect (chai with its jest matchers, from @vitest/expect).
// Tests register as their module loads; run() then runs them in order.
import { chai, JestAsymmetricMatchers, JestChaiExpect, JestExtend, setState } from '@vitest/expect';
import { fn, restoreAllMocks, spyOn } from '@vitest/spy';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);
setState(
  {
    assertionCalls: 0,
    isExpectingAssertions: false,
    isExpectingAssertionsError: null,
    expectedAssertionsNumber: null,
    expectedAssertionsNumberErrorGen: null,
    environment: 'browser',
    testPath: '',
    currentTestName: '',
  },
  chai.expect as unknown as Parameters<typeof setState>[1]
);

export const expect = chai.expect as unknown as typeof import('vitest').expect;
export const vi = { spyOn, fn, restoreAllMocks };

type Body = () => unknown;
interface Hooks {
  beforeAll: Body[];
  afterAll: Body[];
  beforeEach: Body[];
  afterEach: Body[];
}
interface Suite extends Hooks {
  name: string;
  file: string;
  parent: Suite | null;
  children: (Suite | Case)[];
}
interface Case {
  name: string;
  body: Body | null; // null: skipped or todo
  timeout: number;
}

export interface CaseResult {
  file: string;
  name: string;
  state: 'pass' | 'fail' | 'skip';
  /** A failure's message, or why a test was skipped in the page. */
  error?: string;
  ms: number;
}

const hooks = (): Hooks => ({ beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] });
const root: Suite = { name: '', file: '', parent: null, children: [], ...hooks() };
let current: Suite = root;
let file = '';

/** The file whose tests register next (set before each test module loads). */
export function setFile(name: string): void {
  file = name;
  const s: Suite = { name: '', file: name, parent: root, children: [], ...hooks() };
  root.children.push(s);
  current = s;
}

const loadErrors: CaseResult[] = [];

/** A test file that threw as it loaded: one failed result in its name. */
export function loadFailed(name: string, e: unknown): void {
  loadErrors.push({ file: name, name: '(loading the file)', state: 'fail', error: describeError(e), ms: 0 });
}

function addSuite(name: string, body: () => void, skip = false): void {
  const s: Suite = { name, file, parent: current, children: [], ...hooks() };
  current.children.push(s);
  const outer = current;
  current = s;
  try {
    body();
  } finally {
    current = outer;
  }
  if (skip) for (const c of all(s)) c.body = null;
}

function all(s: Suite): Case[] {
  return s.children.flatMap((c) => ('children' in c ? all(c) : [c]));
}

function addCase(name: string, body: Body | undefined, timeout?: number): void {
  current.children.push({ name, body: body ?? null, timeout: timeout ?? 60_000 });
}

type ItFn = {
  (name: string, body?: Body, timeout?: number): void;
  skip(name: string, body?: Body): void;
  todo(name: string): void;
  skipIf(cond: unknown): ItFn;
  runIf(cond: unknown): ItFn;
  each<T>(rows: readonly T[]): (name: string, body: (row: T) => unknown, timeout?: number) => void;
};
function makeIt(): ItFn {
  const it = ((name: string, body?: Body, timeout?: number) => addCase(name, body, timeout)) as ItFn;
  it.skip = (name) => addCase(name, undefined);
  it.todo = (name) => addCase(name, undefined);
  it.skipIf = (cond) => (cond ? (it.skip as unknown as ItFn) : it);
  it.runIf = (cond) => (cond ? it : (it.skip as unknown as ItFn));
  it.each =
    <T>(rows: readonly T[]) =>
    (name: string, body: (row: T) => unknown, timeout?: number) => {
      for (const [i, row] of rows.entries()) {
        const args = Array.isArray(row) ? row : [row];
        let k = 0;
        const title = name.replace(/%[sdijo#%]/g, (m) =>
          m === '%%' ? '%' : m === '%#' ? String(i) : String(args[k++])
        );
        addCase(title, () => body(row), timeout);
      }
    };
  return it;
}
export const it = makeIt();
export const test = it;

type DescribeFn = {
  (name: string, body: () => void): void;
  skip(name: string, body: () => void): void;
  skipIf(cond: unknown): DescribeFn;
};
export const describe = ((name: string, body: () => void) => addSuite(name, body)) as DescribeFn;
describe.skip = (name, body) => addSuite(name, body, true);
describe.skipIf = (cond) => (cond ? (((name, body) => addSuite(name, body, true)) as DescribeFn) : describe);

/**
 * Hooks a shared helper module registers at its top level: vitest runs such a
 * module again for each test file, a page once, so they go on the root and
 * hold for every file (test/browser/build.ts rewrites helpers' calls to these).
 */
export const everyFile = {
  beforeEach: (b: Body) => root.beforeEach.push(b),
  afterEach: (b: Body) => root.afterEach.push(b),
};

export const beforeAll = (b: Body) => current.beforeAll.push(b);
export const afterAll = (b: Body) => current.afterAll.push(b);
export const beforeEach = (b: Body) => current.beforeEach.push(b);
export const afterEach = (b: Body) => current.afterEach.push(b);

function chain(s: Suite): Suite[] {
  const out: Suite[] = [];
  for (let p: Suite | null = s; p !== null; p = p.parent) out.unshift(p);
  return out;
}

async function withTimeout(p: unknown, ms: number): Promise<void> {
  if (!(p instanceof Promise)) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    p,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}`;
  return String(e);
}

/**
 * Run every registered test in order; `onResult` sees each as it ends.
 * `notHere` names tests (by file, then full name) skipped in this page, with why.
 */
export async function run(
  onResult: (r: CaseResult) => void,
  notHere: Record<string, Record<string, string>> = {}
): Promise<void> {
  async function runSuite(s: Suite, names: string[]): Promise<void> {
    let failedHook: string | null = null;
    for (const h of s.beforeAll) {
      try {
        await withTimeout(h(), 60_000);
      } catch (e) {
        failedHook = describeError(e);
      }
    }
    for (const c of s.children) {
      if ('children' in c) {
        await runSuite(c, c.name ? [...names, c.name] : names);
        continue;
      }
      const name = [...names, c.name].join(' > ');
      const why = notHere[s.file]?.[name];
      if (c.body === null || why !== undefined) {
        onResult({ file: s.file, name, state: 'skip', ms: 0, ...(why ? { error: why } : {}) });
        continue;
      }
      // Let the page breathe between tests (the driver's polls, a worker's start).
      await new Promise((resolve) => setTimeout(resolve, 0));
      const t0 = performance.now();
      let error: string | undefined = failedHook ?? undefined;
      if (error === undefined) {
        const suites = chain(s);
        try {
          for (const p of suites) for (const h of p.beforeEach) await withTimeout(h(), 60_000);
          await withTimeout(c.body(), c.timeout);
        } catch (e) {
          error = describeError(e);
        }
        for (const p of suites.reverse()) {
          for (const h of p.afterEach) {
            try {
              await withTimeout(h(), 60_000);
            } catch (e) {
              error ??= describeError(e);
            }
          }
        }
      }
      onResult({ file: s.file, name, state: error === undefined ? 'pass' : 'fail', error, ms: performance.now() - t0 });
    }
    for (const h of s.afterAll) {
      try {
        await withTimeout(h(), 60_000);
      } catch {
        // reported by the tests it was for
      }
    }
  }
  for (const r of loadErrors) onResult(r);
  await runSuite(root, []);
}
