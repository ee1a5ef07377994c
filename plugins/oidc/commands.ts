/** `meridian oidc ...`: declarations only; commands-cli.ts is loaded when one runs. */
import type { PluginCommand, PluginCommandInvocation } from '../../core/plugin.js';

const run = (name: 'clientAdd' | 'clientList' | 'clientRemove' | 'keysRotate' | 'keysList' | 'keysRetire') => async (invocation: PluginCommandInvocation) => {
  const cli = await import('./commands-cli.js');
  return cli[name](invocation);
};

export const oidcCommands: PluginCommand[] = [
  {
    name: 'oidc client add',
    description: 'register an OAuth/OIDC client; its secret is stored only as an scrypt hash',
    options: [
      { flags: '--id <id>', description: 'client_id' },
      { flags: '--secret <secret>', description: 'client secret (absent for an authorization_code client: a public client, PKCE required)' },
      { flags: '--grant <grant>', description: 'client_credentials or authorization_code' },
      { flags: '--redirect-uri <uris>', description: 'redirect URI(s), comma-separated (authorization_code)' },
      { flags: '--post-logout-redirect-uri <uris>', description: 'post-logout redirect URI(s), comma-separated' },
      { flags: '--name <name>', description: 'client name shown on the login and consent pages' },
      { flags: '--group <groups>', description: 'groups of the client in its client_credentials tokens, comma-separated' },
      { flags: '--json', description: 'print the client as JSON' },
    ],
    help: 'Exit status: 0 added; 1 bad options or a client with that id exists; 2 invalid config.',
    run: run('clientAdd'),
  },
  {
    name: 'oidc client list',
    description: 'list the clients added by the CLI (never their secrets)',
    options: [{ flags: '--json', description: 'print JSON' }],
    run: run('clientList'),
  },
  {
    name: 'oidc client remove',
    description: 'remove a client added by the CLI; its tokens stop working at their next check',
    arguments: [{ name: '<id>', description: 'client_id' }],
    run: run('clientRemove'),
  },
  {
    name: 'oidc keys rotate',
    description: 'add a new signing key, which signs from now on; older keys stay published until retired',
    options: [
      { flags: '--alg <alg>', description: 'RS256, PS256, ES256 or EdDSA (default: the configured signingAlg)' },
      { flags: '--json', description: 'print the new key as JSON' },
    ],
    help: 'Running servers pick the key up within keyRefreshSec (default 30 s).',
    run: run('keysRotate'),
  },
  {
    name: 'oidc keys list',
    description: 'list signing keys (public parts only), newest first',
    options: [{ flags: '--json', description: 'print JSON' }],
    run: run('keysList'),
  },
  {
    name: 'oidc keys retire',
    description: 'stop publishing and using a signing key: tokens it signed stop verifying',
    arguments: [{ name: '<kid>', description: 'key id' }],
    run: run('keysRetire'),
  },
];
