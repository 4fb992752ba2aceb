// node:fs in the page: the test fixtures (JSON, embedded by the bundler) by file name.
import { FIXTURES } from 'browser-fixtures';

export function readFileSync(file: string | URL, _encoding?: string): string {
  const name = String(file).split('/').pop() ?? '';
  const text = (FIXTURES as Record<string, string>)[name];
  if (text === undefined) throw new Error(`no fixture ${name} in the browser bundle`);
  return text;
}

export function existsSync(file: string | URL): boolean {
  return String(file).split('/').pop()! in FIXTURES;
}

export default { readFileSync, existsSync };
