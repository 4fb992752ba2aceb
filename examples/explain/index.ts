// The small examples `npm run explain -- <name>` draws (scripts/explain.ts):
// each traces one forward pass and names what the loss is differentiated by.
import type * as K from '../../src/index.js';
import * as mlp from './mlp.js';
import * as rnn from './rnn.js';
import * as softplus from './softplus.js';

/** One traced example: its tape (whose result is the loss) and the tensors to differentiate by. */
export interface ExplainExample {
  readonly tape: K.Tape<K.Tensor>;
  readonly wrt: K.Tensor[];
}

export const EXAMPLES: Record<string, { readonly about: string; readonly run: () => ExplainExample }> = {
  mlp: { about: mlp.about, run: mlp.run },
  softplus: { about: softplus.about, run: softplus.run },
  rnn: { about: rnn.about, run: rnn.run },
};
