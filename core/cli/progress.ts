import cliProgress from 'cli-progress';
import type { Logger } from 'pino';

export interface Progress {
  tick(label?: string): void;
  done(): void;
}

/** A progress bar on a terminal; plain log lines when output goes to a file or a pipe. */
export function progress(total: number, title: string, logger: Logger): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${title} [{bar}] {value}/{total} {label}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { label: '' });
    return { tick: (label = '') => bar.increment(1, { label }), done: () => bar.stop() };
  }
  let n = 0;
  return {
    tick: (label) => logger.info({ step: ++n, of: total, item: label }, title),
    done: () => undefined,
  };
}
