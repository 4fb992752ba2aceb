// Teaching tools (issue 8): the tape as something to look at.
export { trace, Tape, type TapeNode, type TapeLeaf, type TapeRef, type TraceInputs } from './trace.js';
export { explain, type ExplainOptions, type ExplainStep, type Explanation } from './explain.js';
export type { LeafKind } from './format.js';
