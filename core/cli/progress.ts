import cliProgress from 'cli-progress';
import type { Logger } from 'pino';

export interface Progress {
  tick(label?: string): void;
  /** Work found as it goes (a recursive import): the total grows. */
  setTotal(total: number): void;
  done(): void;
}

export interface ProgressOptions {
  /** Without a terminal: at most one log line per this many milliseconds (0, the default: one per tick). */
  logEveryMs?: number;
}

/** A progress bar on a terminal; plain log lines when output goes to a file or a pipe. */
export function progress(total: number, title: string, logger: Logger, options: ProgressOptions = {}): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${title} [{bar}] {value}/{total} {label}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { label: '' });
    return { tick: (label = '') => bar.increment(1, { label }), setTotal: (n) => bar.setTotal(n), done: () => bar.stop() };
  }
  let n = 0;
  let of = total;
  let last = 0;
  const every = options.logEveryMs ?? 0;
  return {
    tick: (label) => {
      n++;
      const now = Date.now();
      if (every > 0 && now - last < every) return;
      last = now;
      logger.info({ step: n, of, item: label }, title);
    },
    setTotal: (t) => {
      of = t;
    },
    done: () => {
      if (every > 0) logger.info({ step: n, of, done: true }, title);
    },
  };
}
