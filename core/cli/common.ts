import { Command, Option } from 'commander';
import type { Logger } from 'pino';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { ConfigError } from '../config/types.js';
import { createLogger } from '../logger.js';

export interface CommonOptions {
  config?: string;
  dataDir?: string;
  port?: number;
}

/** `--config` and `--data-dir`, taken by every command so each acts on the stores `serve` uses. */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-c, --config <file>', 'config file (YAML); default: embedded defaults').env('MERIDIAN_CONFIG'))
    .addOption(new Option('-d, --data-dir <dir>', 'data directory of the embedded stores (default ./data)'));
}

/** Exit statuses scripts rely on. */
export const EXIT = { ok: 0, failure: 1, invalidConfig: 2 } as const;

/** Loads config or, when invalid, prints every issue and exits with status 2. */
export async function loadOrExit(options: CommonOptions): Promise<LoadedConfig> {
  try {
    return await loadConfig({ file: options.config, dataDir: options.dataDir, port: options.port });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(EXIT.invalidConfig);
    }
    throw err;
  }
}

/** Logs for commands other than serve/worker go to stderr, so stdout stays parseable (--json). */
export function cliLogger(loaded: LoadedConfig, quiet = false): Logger {
  return createLogger({ ...loaded.config.log, level: quiet ? 'warn' : loaded.config.log.level }, process.stderr);
}
