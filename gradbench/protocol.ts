// gradbench's protocol (github.com/gradbench/gradbench, js/common/protocol.ts),
// written out here: an eval sends one JSON message per line, the tool answers
// each with one line carrying the same id.

/** The evals ktape's tool has a module for (evals/<name>.ts). */
export const EVALS = [
  'hello',
  'llsq',
  'lse',
  'kmeans',
  'det',
  'gmm',
  'lstm',
  'ba',
  'ode',
  'saddle',
  'particle',
  'ht',
] as const;

export interface Timing {
  name: string;
  nanoseconds: number;
}

/** What every input of a timed function carries: run at least min_runs times and min_seconds in all. */
export interface Runs {
  min_runs: number;
  min_seconds: number;
}

export type Message =
  | { id: number; kind: 'start'; eval?: string; config?: unknown }
  | { id: number; kind: 'define'; module: string }
  | { id: number; kind: 'evaluate'; module: string; function: string; input: unknown; description?: string }
  | { id: number; kind: 'analysis'; of: number; valid: boolean; error?: string }
  | { id: number; kind: 'end' };

export interface Response {
  id: number;
  tool?: string;
  success?: boolean;
  output?: unknown;
  timings?: Timing[];
  error?: string;
}

/** An eval module: its functions, each from an input to its output and timings. */
export type Module = Record<string, (input: never) => { output: unknown; timings?: Timing[] }>;

/** A result's values as the JSON list the eval reads (a post step: untimed). */
export const list = (values: ArrayLike<number>): number[] => Array.from(values);

/**
 * gradbench's timing protocol: `prepare(input)` once (untimed), then its
 * function run until it has run min_runs times and min_seconds in all, each
 * run one timing; the output is the last run's, through `post` (untimed, as
 * gradbench's Python tools turn their tensors into JSON lists).
 */
export function multipleRuns<I extends Runs, R, O = R>(prepare: (input: I) => () => R, post?: (result: R) => O) {
  return (input: I): { output: O; timings: Timing[] } => {
    const run = prepare(input);
    const timings: Timing[] = [];
    let result: R;
    let seconds = 0;
    do {
      const start = performance.now();
      result = run();
      const ms = performance.now() - start;
      timings.push({ name: 'evaluate', nanoseconds: Math.round(ms * 1e6) });
      seconds += ms / 1e3;
    } while (timings.length < input.min_runs || seconds < input.min_seconds);
    return { output: post === undefined ? (result! as unknown as O) : post(result!), timings };
  };
}
