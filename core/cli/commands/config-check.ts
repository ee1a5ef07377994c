import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { ConfigError } from '../../config/types.js';
import { EXIT } from '../common.js';

export function configCommand(program: Command): void {
  const config = program.command('config').description('work with config files');
  config
    .command('check')
    .argument('<file>', 'config file to validate')
    .description('validate a config file and print every error (exit 2 when invalid)')
    .action(async (file: string) => {
      try {
        const loaded = await loadConfig({ file });
        process.stdout.write(`${file}: valid (${loaded.plugins.length} plugins enabled: ${loaded.plugins.map((p) => p.plugin.name).join(', ') || 'none'})\n`);
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`${err.message}\n`);
          process.exit(EXIT.invalidConfig);
        }
        throw err;
      }
    });
}
