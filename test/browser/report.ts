// The page's side of a browser test run: run the registered tests and leave
// the results where the driver (puppeteer) reads them.
import type { CaseResult } from './vitest.ts';

interface PageGlobals {
  __results?: CaseResult[];
  __done?: boolean;
  __error?: string;
}

export function pageReport(
  run: (onResult: (r: CaseResult) => void, notHere: Record<string, Record<string, string>>) => Promise<void>,
  notHere: Record<string, Record<string, string>>
): void {
  const g = globalThis as PageGlobals;
  g.__results = [];
  run((r) => g.__results?.push(r), notHere)
    .catch((e: unknown) => {
      g.__error = String(e);
    })
    .finally(() => {
      g.__done = true;
    });
}
