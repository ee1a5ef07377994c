import type { Command } from 'commander';
import { createApiKey, listApiKeys, revokeApiKey } from '../../auth/index.js';
import { collect, withAuthDb } from '../auth-commands.js';
import { EXIT, withCommonOptions, type CommonOptions } from '../common.js';

export function apikeyCommand(program: Command): void {
  const apikey = program.command('apikey').description('manage API keys (requests carry them as X-API-Key: KEY)');
  withCommonOptions(apikey.command('create'))
    .description('create a key for a user; the key is printed once and stored only hashed')
    .requiredOption('-u, --user <name>', 'user the key authenticates as')
    .option('-g, --group <group>', 'group of the user (repeat for several)', collect, [])
    .option('--json', 'print {"id": ..., "key": ...}')
    .action(async (options: CommonOptions & { user: string; group: string[]; json?: boolean }) => {
      const created = await withAuthDb(options, (db) => createApiKey(db, { user: options.user, groups: options.group }));
      if (options.json) process.stdout.write(`${JSON.stringify({ id: created.id, key: created.key })}\n`);
      else process.stdout.write(`id:  ${created.id}\nkey: ${created.key}\n(the key is shown only now)\n`);
    });
  withCommonOptions(apikey.command('list'))
    .description('list keys (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (options: CommonOptions & { json?: boolean }) => {
      const keys = await withAuthDb(options, (db) => listApiKeys(db));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(keys)}\n`);
        return;
      }
      for (const k of keys) process.stdout.write(`${JSON.stringify(k)}\n`);
    });
  withCommonOptions(apikey.command('revoke'))
    .description('revoke a key by id')
    .argument('<id>', 'key id')
    .action(async (id: string, options: CommonOptions) => {
      const revoked = await withAuthDb(options, (db) => revokeApiKey(db, id));
      if (!revoked) {
        process.stderr.write(`no active key with id ${id}\n`);
        process.exit(EXIT.failure);
      }
      process.stdout.write(`revoked ${id}\n`);
    });
}
