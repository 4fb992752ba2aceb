// The fixtures module the browser test bundle generates (test/browser/build.ts).
declare module 'browser-fixtures' {
  export const FIXTURES: Record<string, string>;
}
