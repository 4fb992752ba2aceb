// Every gradcheck case, by family.
import type { GradCase } from '../case.js';
import { autodiffCases } from './autodiff.js';
import { controlCases } from './control.js';
import { convCases } from './conv.js';
import { ctcCases } from './ctc.js';
import { indexingCases } from './indexing.js';
import { imageCases } from './image.js';
import { linalgCases } from './linalg.js';
import { mathCases } from './math.js';
import { nnCases } from './nn.js';
import { phaseCases } from './phase.js';
import { poolCases } from './pool.js';
import { randomCases } from './random.js';
import { reachCases } from './reach.js';
import { reduceCases } from './reduce.js';
import { scanCases } from './scan.js';
import { shapeCases } from './shape.js';
import { sparseCases } from './sparse.js';
import { stateCases } from './state.js';

export const ALL_CASES: readonly GradCase[] = [
  ...mathCases,
  ...reduceCases,
  ...shapeCases,
  ...linalgCases,
  ...stateCases,
  ...randomCases,
  ...nnCases,
  ...indexingCases,
  ...scanCases,
  ...imageCases,
  ...poolCases,
  ...convCases,
  ...phaseCases,
  ...controlCases,
  ...ctcCases,
  ...sparseCases,
  ...autodiffCases,
  ...reachCases,
];
