// print: an identity that prints its input (as tf.print) each time it runs, so
// a graph holding it prints when evaluated (K.print_tensor).
import type { PrintAttrs } from '../core/primitives.js';
import { type OpSpec, vjp } from './spec.js';
import { inPlace } from './batching.js';

export const printPrims = {
  print: {
    doc: 'x unchanged; prints message and x (as tf.print) each time it runs',
    infer: ([x]) => ({ shape: x.shape.slice(), dtype: x.dtype }),
    // Inside K.vmap it prints every example at once (the batched value).
    batch: inPlace('print'),
    vjp: [vjp('g', (g) => g)],
  },
} satisfies { [P in keyof PrintAttrs]: OpSpec<P> };
