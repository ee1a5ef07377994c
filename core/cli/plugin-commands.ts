/**
 * Commands that plugins contribute (`Plugin.commands`). main.ts loads this module only when the
 * command line names no core command, so `meridian serve` never pays for it.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Logger } from 'pino';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { ConfigError } from '../config/types.js';
import { createLogger } from '../logger.js';
import type { CommandPlatform, Plugin, PluginCommand, PluginCommandInvocation, PluginCommandOption } from '../plugin.js';
import { assemble, type Meridian } from '../server/assemble.js';
import { cliLogger, EXIT, loadOrExit, withCommonOptions, type CommonOptions } from './common.js';
import { progress } from './progress.js';
import { commonOptionsOf } from './plugin-command-line.js';

/** Exit status of a command stopped by SIGINT/SIGTERM (128 + SIGINT, as shells report it). */
export const EXIT_INTERRUPTED = 130;

/**
 * Registers the commands of every enabled plugin on `program`. In 'help' mode a config that does
 * not load leaves them out silently; in 'run' mode it exits 2 like every command.
 */
export async function addPluginCommands(program: Command, argv: string[], mode: 'run' | 'help'): Promise<void> {
  let loaded: LoadedConfig;
  const common = commonOptionsOf(argv);
  try {
    loaded = await loadConfig({ file: common.config, dataDir: common.dataDir });
  } catch (err) {
    if (mode === 'help') return;
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(EXIT.invalidConfig);
    }
    throw err;
  }
  const core = new Set(program.commands.map((c) => c.name()));
  for (const { plugin } of loaded.plugins) {
    for (const command of plugin.commands ?? []) {
      const first = command.name.trim().split(/\s+/)[0]!;
      if (core.has(first)) {
        process.stderr.write(`meridian: plugin '${plugin.name}' declares command '${command.name}', which a core command already names; ignored\n`);
        continue;
      }
      registerPluginCommand(program, plugin, command);
    }
  }
}

function registerPluginCommand(program: Command, plugin: Plugin, command: PluginCommand): void {
  const words = command.name.trim().split(/\s+/);
  let parent = program;
  for (const word of words.slice(0, -1)) {
    parent = parent.commands.find((c) => c.name() === word) ?? parent.command(word).description(plugin.description ?? `commands of the ${plugin.name} plugin`);
  }
  const leaf = withCommonOptions(parent.command(words.at(-1)!)).description(command.description);
  for (const arg of command.arguments ?? []) leaf.argument(arg.name, arg.description);
  for (const option of command.options ?? []) addOption(leaf, option);
  if (command.help) leaf.addHelpText('after', `\n${command.help}`);
  leaf.action(async (...params: unknown[]) => {
    const cmd = params.at(-1) as Command;
    const code = await runPluginCommand(command, cmd.processedArgs as Array<string | string[]>, cmd.opts());
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    process.exit(code);
  });
}

function addOption(cmd: Command, option: PluginCommandOption): void {
  const parse = option.type === 'integer' ? integer : option.type === 'number' ? number : undefined;
  if (parse) cmd.option(option.flags, option.description, parse, option.default as number | undefined);
  else cmd.option(option.flags, option.description, option.default as string | boolean | undefined);
}

function integer(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
}

function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number');
  return n;
}

/** Runs one plugin command: signals abort it, its platform is closed after it, errors exit 1. */
export async function runPluginCommand(command: PluginCommand, args: Array<string | string[]>, opts: Record<string, unknown>): Promise<number> {
  const { config, dataDir, ...options } = opts as CommonOptions & Record<string, unknown>;
  const common: CommonOptions = { config, dataDir };
  const controller = new AbortController();
  let signals = 0;
  const onSignal = () => {
    // The first asks the command to stop at a safe point; a second one does not wait.
    if (++signals > 1) process.exit(EXIT_INTERRUPTED);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let meridian: Meridian | undefined;
  let logger: Logger | undefined;
  const invocation: PluginCommandInvocation = {
    args,
    options,
    async platform(o = {}) {
      if (!meridian) {
        const loaded = await loadOrExit(common);
        logger = cliLogger(loaded, o.quiet);
        meridian = await assemble(loaded, logger, 'cli');
      }
      const m = meridian;
      const platform: CommandPlatform = {
        logger: m.logger,
        dataDir: m.loaded.config.dataDir,
        db: m.stores.db,
        blobs: m.stores.blobs,
        jobs: m.stores.jobs,
        auth: m.stores.auth,
        secrets: m.stores.secrets,
        service: <T>(name: string) => m.service<T>(name),
      };
      return platform;
    },
    progress(title, total = 0) {
      return progress(total, title, logger ?? createLogger({}, process.stderr), { logEveryMs: 1000 });
    },
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
  };
  try {
    return await command.run(invocation);
  } catch (err) {
    process.stderr.write(`meridian ${command.name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failure;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await meridian?.close().catch((err: unknown) => logger?.error({ err }, 'closing failed'));
  }
}
