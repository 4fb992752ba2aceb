// ktape for browsers (package.json's "browser" condition): the browser's
// platform (Web Workers, the console, call sites as page URLs), registered
// before anything else runs, then the same API. No Node built-in is reachable
// from here (checked by npm run lint:layers).
import './platform/browser.js';

export * from './api.js';
