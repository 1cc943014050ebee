/**
 * Progress of long runs (seeding millions of tickets, the benchmark) on a terminal.
 *
 * `cli-progress`: a well-kept, dependency-light progress-bar library (single and multi bars, ETA,
 * redraw throttling) whose bars stay quiet when their stream is not a TTY. Here a bar is drawn
 * only when both stdout and stderr are terminals (it is drawn on stderr): a run whose output is
 * piped or captured (CI, `> file`, the bench's child processes) prints nothing of it, and the
 * caller prints one summary line instead.
 */
import { MultiBar, Presets, SingleBar } from 'cli-progress';

/** True when a bar would be seen: both stdout and stderr are terminals. */
export function progressShown(): boolean {
  return process.stderr.isTTY === true && process.stdout.isTTY === true;
}

/** A progress bar of one phase; every method does nothing when the bar is not shown. */
export interface ProgressBar {
  /** Moves the bar to `value` of its total. */
  update(value: number, label?: string): void;
  /** Adds `n` (1) to the bar. */
  increment(n?: number): void;
  /** Sets a new total (and the label) and moves the bar to 0. */
  restart(total: number, label: string): void;
  /** Removes the bar from the terminal. */
  stop(): void;
}

const NONE: ProgressBar = { update() {}, increment() {}, restart() {}, stop() {} };

const FORMAT = '{label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} elapsed, ETA {eta_formatted}';

/** A bar of `total` steps labelled `label`, on stderr when {@link progressShown}. */
export function progressBar(label: string, total: number): ProgressBar {
  if (!progressShown()) return NONE;
  const bar = new SingleBar({ format: FORMAT, hideCursor: true, clearOnComplete: true, etaBuffer: 50, fps: 5 }, Presets.shades_classic);
  bar.start(Math.max(1, total), 0, { label });
  return { ...controls(bar), stop: () => bar.stop() };
}

/** How a bar of cli-progress is moved on (a single bar, or one of a MultiBar). */
function controls(bar: SingleBar): Omit<ProgressBar, 'stop'> {
  return {
    update: (value, l) => bar.update(value, l === undefined ? undefined : { label: l }),
    increment: (n = 1) => bar.increment(n),
    restart: (t, l) => {
      bar.setTotal(Math.max(1, t));
      bar.update(0, { label: l });
    },
  };
}

/**
 * A bar with log lines above it (the benchmark's per-round lines): `log` prints a line above
 * the bar on a terminal, or the line alone (to stderr) when no bar is shown.
 */
export interface ProgressLog extends ProgressBar {
  log(line: string): void;
}

export function progressLog(label: string, total: number): ProgressLog {
  if (!progressShown()) {
    return { ...NONE, log: (line) => void process.stderr.write(line + '\n') };
  }
  const multi = new MultiBar({ format: FORMAT, hideCursor: true, clearOnComplete: true, etaBuffer: 20, fps: 5 }, Presets.shades_classic);
  const bar = multi.create(Math.max(1, total), 0, { label });
  return { ...controls(bar), stop: () => multi.stop(), log: (line) => multi.log(line + '\n') };
}
