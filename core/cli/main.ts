import { Command } from 'commander';
import { MERIDIAN_VERSION } from '../version.js';
import { apikeyCommand } from './commands/apikey.js';
import { configCommand } from './commands/config-check.js';
import { migrateCommand } from './commands/migrate.js';
import { pluginsCommand } from './commands/plugins.js';
import { serveCommand } from './commands/serve.js';
import { userCommand } from './commands/user.js';
import { workerCommand } from './commands/worker.js';
import { pluginCommandsWanted } from './plugin-command-line.js';

const program = new Command('meridian')
  .description('Meridian: an Earth Observation platform server composed of plugins')
  .version(MERIDIAN_VERSION)
  .showHelpAfterError();

serveCommand(program);
workerCommand(program);
configCommand(program);
pluginsCommand(program);
migrateCommand(program);
apikeyCommand(program);
userCommand(program);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const mode = pluginCommandsWanted(argv, new Set(program.commands.map((c) => c.name())));
  // Plugins' commands cost loading the config and the plugin modules: only when no core command is named.
  if (mode !== 'none') await (await import('./plugin-commands.js')).addPluginCommands(program, argv, mode);
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  process.stderr.write(`meridian: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
