// ktape for Node: Node's platform (environment variables, worker_threads,
// call sites as paths), registered before anything else runs, then the API.
import './platform/node.js';

export * from './api.js';
