// Interleaved timing: every round runs each contender once, so drift on a
// shared machine (other processes, thermal state) hits all of them alike.

export interface Player {
  /** Make this contender current (ktape device, tfjs backend); not timed. */
  activate(): Promise<void>;
  /** One timed iteration (awaited when it returns a promise). */
  step(): unknown;
}

export interface Timing {
  medianMs: number;
  runs: number;
  /** Sorted samples, ms. */
  samples: number[];
  /** Set when a step threw: the contender is left out of the later rounds. */
  error?: string;
}

export interface RoundOptions {
  /** Untimed rounds first (one more is added when the first is quick, < 1 s). */
  warmup: number;
  /** Timed rounds at least ... */
  minRuns: number;
  /** ... and at most; between the two, rounds go on while the case is within budgetMs. */
  maxRuns: number;
  budgetMs: number;
  /**
   * A contender whose steps take less than this (ms) runs one untimed step
   * right before each timed one, so that the timed step starts from its own
   * steady state (its own garbage pending, its data in cache), not from what
   * the contender before it left: a slow contender's garbage (tfjs-cpu, the
   * gpu device) would otherwise be collected in whichever step follows it.
   * Slower steps dwarf that effect and run once.
   */
  leadInBelowMs?: number;
  /**
   * Run (untimed) after a step that took leadInBelowMs or more: a forced
   * collection of the garbage it left, so that V8 does not go on marking it
   * on a helper thread while the next contender is timed.
   */
  afterSlowStep?: () => Promise<void>;
}

const median = (s: number[]) => s[Math.floor(s.length / 2)]!;

/**
 * Round-robin timing of `players`. The order rotates every round so that no
 * contender always follows the same one (caches, pending garbage collection).
 */
export async function roundRobin(players: Player[], o: RoundOptions): Promise<Timing[]> {
  const samples = players.map(() => [] as number[]);
  const errors: (string | undefined)[] = players.map(() => undefined);
  const last = players.map(() => Infinity);
  const round = async (r: number, timed: boolean) => {
    for (let j = 0; j < players.length; j++) {
      const i = (r + j) % players.length;
      if (errors[i] !== undefined) continue;
      const p = players[i]!;
      try {
        await p.activate();
        if (timed && last[i]! < (o.leadInBelowMs ?? 0)) {
          const lead = p.step();
          if (lead instanceof Promise) await lead;
        }
        const t0 = performance.now();
        const pending = p.step();
        if (pending instanceof Promise) await pending;
        const dt = performance.now() - t0;
        last[i] = dt;
        if (timed) samples[i]!.push(dt);
        if (dt >= (o.leadInBelowMs ?? Infinity)) await o.afterSlowStep?.();
      } catch (e) {
        errors[i] = e instanceof Error ? e.message : String(e);
      }
    }
  };
  const w0 = performance.now();
  await round(0, false);
  const warmup = o.warmup + (performance.now() - w0 < 1000 ? 1 : 0);
  for (let r = 1; r < warmup; r++) await round(r, false);
  const start = performance.now();
  for (let r = 0; r < o.maxRuns; r++) {
    if (r >= o.minRuns && performance.now() - start > o.budgetMs) break;
    await round(r + warmup, true);
  }
  return samples.map((s, i) => {
    s.sort((a, b) => a - b);
    const t: Timing = { medianMs: s.length > 0 ? median(s) : NaN, runs: s.length, samples: s };
    if (errors[i] !== undefined) t.error = errors[i];
    return t;
  });
}

/** A text table with a markdown header rule, columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
