/** `meridian s3 keys create|list|revoke`: declarations only; keys-cli.ts runs them. */
import type { PluginCommand } from '../../core/plugin.js';

export const s3Commands: PluginCommand[] = [
  {
    name: 's3 keys create',
    description: 'create an S3 access key for a user; the secret is printed once and stored encrypted',
    options: [
      { flags: '--user <name>', description: 'user the key authenticates as (groups also come from the users table)' },
      { flags: '--group <groups>', description: 'extra groups of the key, comma-separated' },
      { flags: '--description <text>', description: 'what the key is for' },
      { flags: '--json', description: 'print {"accessKeyId": ..., "secretAccessKey": ...}' },
    ],
    help: 'Exit status: 0 created; 1 failed (no --user, ...).',
    async run(invocation) {
      const { runKeysCreate } = await import('./keys-cli.js');
      return runKeysCreate(invocation);
    },
  },
  {
    name: 's3 keys list',
    description: 'list S3 access keys (never their secrets)',
    options: [
      { flags: '--user <name>', description: 'only the keys of this user' },
      { flags: '--all', description: 'include revoked keys' },
      { flags: '--json', description: 'print one JSON array' },
    ],
    async run(invocation) {
      const { runKeysList } = await import('./keys-cli.js');
      return runKeysList(invocation);
    },
  },
  {
    name: 's3 keys revoke',
    description: 'revoke an S3 access key',
    arguments: [{ name: '<accessKeyId>', description: 'the key to revoke' }],
    help: 'Exit status: 0 revoked; 1 no active key with that id.',
    async run(invocation) {
      const { runKeysRevoke } = await import('./keys-cli.js');
      return runKeysRevoke(invocation);
    },
  },
];
