// A page script using ktape as a user's page would: the bundle (ktape.js) is
// another file, so call sites name this one. browser.test.ts runs it on a
// page served with and without cross-origin isolation and checks the answers.
import * as K from './ktape.js';

globalThis.__platform = async () => {
  const out = { isolated: globalThis.crossOriginIsolated === true };
  K.set_num_threads(2);
  out.threads = await K.init_threads();
  out.dot = K.eval(K.dot(K.ones([512, 512]), K.ones([512, 512]))).get(3, 4);
  out.dotThreads = K.get_num_threads();

  const tape = K.trace((x) => K.sum(K.square(x)), [1, 2, 3]);
  out.tape = tape.toString();
  out.vizBefore = performance.getEntriesByType('resource').some((e) => /viz-/.test(e.name));
  out.svg = (await tape.toSVG()).slice(0, 200);
  out.vizAfter = performance.getEntriesByType('resource').some((e) => /viz-/.test(e.name));

  try {
    K.detect_anomaly(() => K.sum(K.log(K.constant([-1, 2]))));
  } catch (e) {
    out.anomaly = `${e.name}: ${e.message}`;
  }
  try {
    K.sum(K.ones([2]), 3);
  } catch (e) {
    out.error = `${e.constructor.name}: ${e.message}`;
  }
  const printed = [];
  const log = console.log;
  console.log = (line) => printed.push(String(line));
  try {
    K.eval(K.print_tensor(K.constant([1, 2]), 'x ='));
  } finally {
    console.log = log;
  }
  out.printed = printed;

  K.set_device('gpu');
  const y = K.eval(K.multiply(K.constant([1, 2, 3]), 2));
  out.gpu = { mode: K.gpu_mode(), renderer: K.gpu_renderer(), y: Array.from(y.data) };
  K.set_device('cpu');
  return out;
};
globalThis.__ready = true;
