// A progress bar for training loops. On a terminal, one line redrawn in place
// with \r; elsewhere (a pipe, a log file, CI), a plain line every `every` steps,
// so logs stay readable.

/** Where the bar writes: process.stdout, or anything with write (and isTTY). */
export interface Sink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** Characters of the bar itself. */
  width?: number;
  /** Steps between plain lines when the sink is not a terminal (default: a tenth of the total). */
  every?: number;
  /** Least milliseconds between redraws on a terminal. */
  interval?: number;
  sink?: Sink;
}

export class ProgressBar {
  private readonly width: number;
  private readonly every: number;
  private readonly interval: number;
  private readonly sink: Sink;
  private readonly start = Date.now();
  private lastDraw = -Infinity;

  constructor(
    readonly total: number,
    readonly label = '',
    opts: ProgressOptions = {}
  ) {
    if (!Number.isInteger(total) || total < 1)
      throw new RangeError(`ProgressBar: total must be a positive integer; got ${total}`);
    this.width = opts.width ?? 30;
    this.every = Math.max(1, opts.every ?? Math.ceil(total / 10));
    this.interval = opts.interval ?? 50;
    this.sink = opts.sink ?? process.stdout;
  }

  /** Report that `done` of `total` steps are done, with named figures (loss, accuracy, ...). */
  update(done: number, figures: Record<string, number> = {}): void {
    const last = done >= this.total;
    const stats = Object.entries(figures)
      .map(([k, v]) => `${k} ${format(v)}`)
      .join('  ');
    const secs = ((Date.now() - this.start) / 1000).toFixed(1);
    const count = `${String(done).padStart(String(this.total).length)}/${this.total}`;
    if (this.sink.isTTY === true) {
      const now = Date.now();
      if (!last && now - this.lastDraw < this.interval) return;
      this.lastDraw = now;
      const filled = Math.round((this.width * Math.min(done, this.total)) / this.total);
      const bar =
        '='.repeat(filled) + (filled < this.width ? '>' : '') + ' '.repeat(Math.max(0, this.width - filled - 1));
      // \x1b[K clears what a longer previous line left behind.
      this.sink.write(`\r${this.label}[${bar}] ${count}  ${stats}  ${secs}s\x1b[K${last ? '\n' : ''}`);
    } else if (last || done % this.every === 0) {
      this.sink.write(`${this.label}step ${count}  ${stats}  ${secs}s\n`);
    }
  }
}

function format(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4);
}
