/** Reading the command line ahead of commander, to decide whether plugin commands are needed. */
import type { CommonOptions } from './common.js';

/**
 * What the command line asks of plugin commands: 'run' when its first word is no core command,
 * 'help' for the program's help (plugin commands are listed when the config loads), else none.
 */
export function pluginCommandsWanted(argv: string[], coreCommands: ReadonlySet<string>): 'run' | 'help' | 'none' {
  const first = argv[0];
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return 'help';
  if (first.startsWith('-') || coreCommands.has(first)) return 'none';
  return 'run';
}

/** `--config`/`-c` and `--data-dir`/`-d` read ahead of commander, to know which plugins are enabled. */
export function commonOptionsOf(argv: string[], env: NodeJS.ProcessEnv = process.env): CommonOptions {
  const out: CommonOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const key = flag === '-c' || flag === '--config' ? 'config' : flag === '-d' || flag === '--data-dir' ? 'dataDir' : undefined;
    if (!key) continue;
    const value = inline ?? argv[++i];
    if (value !== undefined) out[key] = value;
  }
  out.config ??= env.MERIDIAN_CONFIG;
  return out;
}

