/**
 * Progress on stderr for long commands (rig, render). On a terminal: one line redrawn in place
 * (a bar, the percentage, the stage and the time left). Elsewhere (a log file, CI, a pipe): a
 * plain line every few seconds or every 10%, so logs stay readable.
 */

export interface ProgressUpdate {
  /** 0..1 */
  readonly fraction: number;
  readonly stage: string;
  /** Estimated seconds left; null when unknown yet. */
  readonly etaSec: number | null;
  /** e.g. "12/48 frames" */
  readonly detail?: string;
}

export interface ProgressReporter {
  update(progress: ProgressUpdate): void;
  /** Clears the bar (terminal) so the next message starts on a clean line. */
  finish(): void;
}

const BAR_CELLS = 24;
/** Non-terminal output: at most one line per this many ms, unless 10% more is done. */
const LOG_INTERVAL_MS = 2000;

export function formatEta(etaSec: number | null): string {
  if (etaSec === null || !Number.isFinite(etaSec)) return '--:--';
  const total = Math.max(0, Math.round(etaSec));
  const h = Math.floor(total / 3600);
  const m = Math.floor(total / 60) % 60;
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

export function progressLine(progress: ProgressUpdate): string {
  const f = Math.min(1, Math.max(0, progress.fraction));
  const filled = Math.round(f * BAR_CELLS);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_CELLS - filled)}`;
  const pct = `${Math.floor(f * 100)}%`.padStart(4);
  const detail = progress.detail ? ` ${progress.detail}` : '';
  return `[${bar}] ${pct} ${progress.stage}${detail}  ETA ${formatEta(progress.etaSec)}`;
}

export function createProgressReporter(
  write: (text: string) => void,
  isTerminal: boolean,
  now: () => number = () => performance.now(),
): ProgressReporter {
  let lastLen = 0;
  let lastLogMs = Number.NEGATIVE_INFINITY;
  let lastLogFraction = -1;
  let drawn = false;
  return {
    update(progress) {
      const line = progressLine(progress);
      if (isTerminal) {
        // \r returns to the line start; pad to erase a longer previous line.
        write(`\r${line.padEnd(lastLen)}`);
        lastLen = line.length;
        drawn = true;
        return;
      }
      const t = now();
      if (
        t - lastLogMs < LOG_INTERVAL_MS &&
        progress.fraction - lastLogFraction < 0.1 &&
        progress.fraction < 1
      ) {
        return;
      }
      lastLogMs = t;
      lastLogFraction = progress.fraction;
      write(`${line}\n`);
    },
    finish() {
      if (isTerminal && drawn) write(`\r${' '.repeat(lastLen)}\r`);
      drawn = false;
    },
  };
}

/** The signals that stop a command cleanly: Ctrl+C, `kill` (SIGTERM), a closed terminal (SIGHUP). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];
const SIGNAL_NUMBERS: Record<StopSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

let lastStopSignal: StopSignal | null = null;

/** The exit code of a command a signal stopped: 128 + its number, as shells report it (130 for Ctrl+C). */
export function stoppedExitCode(): number {
  return 128 + SIGNAL_NUMBERS[lastStopSignal ?? 'SIGINT'];
}

/**
 * Runs `work` with an AbortSignal that SIGINT, SIGTERM and SIGHUP fire, so the command stops
 * cleanly (the job is cancelled, ffmpeg and the worker are stopped, temporary files removed, no
 * partial file left) and exits 128 + the signal's number instead of dying mid-write. A second
 * signal is left to the default handler, which ends the process at once; what that leaves behind
 * is swept by the next run (host/export/atomicWrite.ts, host/jobs/tempFolders.ts).
 */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: StopSignal) => {
    for (const s of STOP_SIGNALS) process.off(s, handlers[s]);
    lastStopSignal = name;
    controller.abort();
  };
  const handlers = Object.fromEntries(STOP_SIGNALS.map((s) => [s, () => onSignal(s)])) as Record<
    StopSignal,
    () => void
  >;
  for (const s of STOP_SIGNALS) process.on(s, handlers[s]);
  try {
    return await work(controller.signal);
  } finally {
    for (const s of STOP_SIGNALS) process.off(s, handlers[s]);
  }
}
