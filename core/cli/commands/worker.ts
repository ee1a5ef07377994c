import type { Command } from 'commander';
import { createLogger } from '../../logger.js';
import { assemble } from '../../server/assemble.js';
import { EXIT, loadOrExit, withCommonOptions, type CommonOptions } from '../common.js';
import { onShutdownSignal } from '../signals.js';

export function workerCommand(program: Command): void {
  withCommonOptions(program.command('worker'))
    .description('run job workers only (the scaled-out mode: several workers share a Redis queue)')
    .action(async (options: CommonOptions) => {
      const loaded = await loadOrExit(options);
      const logger = createLogger(loaded.config.log);
      let meridian;
      try {
        // Plugins are set up so they register their job handlers; no listener is opened.
        meridian = await assemble(loaded, logger, 'worker');
        await meridian.stores.jobs.start();
        logger.info({ backend: meridian.stores.jobs.backend }, 'worker running');
      } catch (err) {
        logger.fatal({ err }, 'worker start-up failed');
        await meridian?.close().catch(() => undefined);
        process.exit(EXIT.failure);
      }
      const running = meridian;
      onShutdownSignal(logger, () => running.close());
    });
}
