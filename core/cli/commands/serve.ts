import type { Command } from 'commander';
import { Option } from 'commander';
import { ensureAdminUser } from '../../auth/index.js';
import { createLogger } from '../../logger.js';
import { assemble } from '../../server/assemble.js';
import { EXIT, loadOrExit, withCommonOptions, type CommonOptions } from '../common.js';
import { onShutdownSignal } from '../signals.js';
import { availableParallelism } from 'node:os';
import type { LoadedConfig } from '../../config/load.js';
import { isClusterProcess, runHttpProcess, runPrimary } from '../../server/cluster.js';

/** `server.processes` above 1: this is the primary, or one of its HTTP processes. */
async function serveCluster(loaded: LoadedConfig, processes: number, started: bigint): Promise<void> {
  const base = createLogger(loaded.config.log);
  if (isClusterProcess()) {
    const logger = base.child({ pid: process.pid });
    try {
      const running = await runHttpProcess(loaded, logger);
      onShutdownSignal(logger, () => running.close());
    } catch (err) {
      logger.fatal({ err }, 'server process start-up failed');
      process.exit(EXIT.failure);
    }
    return;
  }
  base.info({ config: loaded.source, dataDir: loaded.config.dataDir, overrides: loaded.envOverrides, processes }, 'starting');
  try {
    const cluster = await runPrimary(loaded, base, processes);
    const host = loaded.config.server.host === '0.0.0.0' ? 'localhost' : loaded.config.server.host;
    base.info(
      {
        url: loaded.config.server.publicUrl ?? `http://${host}:${cluster.ports.main}/`,
        ports: cluster.ports,
        processes,
        startupMs: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
      },
      'Meridian is listening',
    );
    onShutdownSignal(base, () => cluster.close());
  } catch (err) {
    base.fatal({ err }, 'start-up failed');
    process.exit(EXIT.failure);
  }
}

export function serveCommand(program: Command): void {
  withCommonOptions(program.command('serve'))
    .description('start the server: every enabled plugin, the core endpoints and (in-process) job workers')
    .addOption(new Option('-p, --port <n>', 'port of the main listener').argParser((v) => Number.parseInt(v, 10)))
    .action(async (options: CommonOptions) => {
      const started = process.hrtime.bigint();
      const loaded = await loadOrExit(options);
      const processes = loaded.config.server.processes === 0 ? availableParallelism() : loaded.config.server.processes;
      if (processes > 1) return serveCluster(loaded, processes, started);
      const logger = createLogger(loaded.config.log);
      logger.info({ config: loaded.source, dataDir: loaded.config.dataDir, overrides: loaded.envOverrides }, 'starting');
      let meridian;
      try {
        meridian = await assemble(loaded, logger, 'serve');
        if (meridian.stores.auth.config.bootstrapAdmin) await ensureAdminUser(meridian.stores.db, loaded.config.dataDir, logger);
        const ports = await meridian.listen();
        const host = loaded.config.server.host === '0.0.0.0' ? 'localhost' : loaded.config.server.host;
        logger.info(
          {
            url: loaded.config.server.publicUrl ?? `http://${host}:${ports.main}/`,
            ports,
            plugins: meridian.plugins.map((p) => p.name),
            startupMs: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
          },
          'Meridian is listening',
        );
      } catch (err) {
        logger.fatal({ err }, 'start-up failed');
        await meridian?.close().catch(() => undefined);
        process.exit(EXIT.failure);
      }
      const running = meridian;
      onShutdownSignal(logger, () => running.close());
    });
}
