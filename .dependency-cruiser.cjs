// The floor plan, checked (npm run lint:layers, part of npm test): src/ is a
// stack of layers, lowest first; a file imports only from its own layer or
// those below it, rooms on one floor (cpu and gpu; teach and debug) do not
// import one another, and no files form a cycle, type imports included.
// README's "Architecture" section draws the same picture.
const LAYERS = [
  ['core'], // values: dtype, shape, tensor and node, storage, errors, context, arguments, config, conversion
  ['platform'], // what differs between Node and browsers (registered by the entry points)
  ['prims'], // the primitive table (shape rule + VJP), its typed callers (lax) and apply
  ['cpu', 'gpu'], // the backends' kernel tables
  ['device'], // the dispatcher: the only place that knows devices
  ['grad'], // backprop, gradients, custom gradients, transforms, K.function's evaluator
  ['ops'], // the Keras functions, one file per family
  ['teach', 'debug'], // tools on top: trace/explain, anomaly/leaks
];

// The entry points: the shared API and the Node and browser entries that register their platform.
const room = (name) => (name === 'index' ? '^src/(index|api|browser)\\.ts$' : `^src/${name}/`);
const forbidden = [
  {
    name: 'no-cycle',
    comment: 'No two files import each other, directly or round a loop (type imports count).',
    severity: 'error',
    from: { path: '^src/' },
    to: { circular: true },
  },
];
forbidden.push({
  name: 'browser-without-node',
  comment: 'No Node built-in (node:os, node:worker_threads...) is reachable from the browser entry.',
  severity: 'error',
  from: { path: '^src/browser\\.ts$' },
  to: { path: '^(node:|(os|path|url|fs|worker_threads|child_process|crypto|util|module|process)$)', reachable: true },
});
forbidden.push({
  name: 'devices-behind-dispatcher',
  comment: 'Above the backends, devices are reached only through src/device/ (the dispatcher).',
  severity: 'error',
  from: { path: '^src/(grad|ops|teach|debug)/' },
  to: { path: '^src/(cpu|gpu)/' },
});
LAYERS.forEach((floor, i) => {
  const above = LAYERS.slice(i + 1).flat();
  for (const name of floor) {
    const siblings = floor.filter((other) => other !== name);
    const banned = [...above, ...siblings, 'index'];
    forbidden.push({
      name: `layer-${name}`,
      comment: `src/${name}/ may import only the layers below it (${LAYERS.slice(0, i).flat().join(', ') || 'none'}).`,
      severity: 'error',
      from: { path: room(name) },
      to: { path: banned.map(room).join('|') },
    });
  }
});

module.exports = {
  forbidden,
  options: {
    // swc parses the TypeScript (the project's compiler has no JS API); type-only
    // imports are kept, so a type cycle is a cycle too.
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.wasm\\.ts$' },
  },
};
