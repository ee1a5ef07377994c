/** The `meridian s3 keys` commands, on the platform `serve` would build (same database and secret key). */
import type { PluginCommandInvocation } from '../../core/plugin.js';
import { AccessKeys } from './access-keys.js';

async function withKeys(invocation: PluginCommandInvocation, run: (keys: AccessKeys) => Promise<number>): Promise<number> {
  const platform = await invocation.platform({ quiet: true });
  return run(new AccessKeys(platform.db, platform.secrets));
}

export async function runKeysCreate(invocation: PluginCommandInvocation): Promise<number> {
  const { user, group, description, json } = invocation.options as { user?: string; group?: string; description?: string; json?: boolean };
  if (!user) {
    invocation.stderr.write('s3 keys create: --user <name> is required\n');
    return 1;
  }
  return withKeys(invocation, async (keys) => {
    const groups = group ? group.split(',').map((g) => g.trim()).filter(Boolean) : [];
    const created = await keys.create({ user, groups, ...(description ? { description } : {}) });
    if (json) invocation.stdout.write(`${JSON.stringify({ accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey, user: created.user })}\n`);
    else invocation.stdout.write(`accessKeyId:     ${created.accessKeyId}\nsecretAccessKey: ${created.secretAccessKey}\n(the secret is shown only now)\n`);
    return 0;
  });
}

export async function runKeysList(invocation: PluginCommandInvocation): Promise<number> {
  const { user, all, json } = invocation.options as { user?: string; all?: boolean; json?: boolean };
  return withKeys(invocation, async (keys) => {
    const list = await keys.list({ ...(user ? { user } : {}), includeRevoked: all === true });
    if (json) invocation.stdout.write(`${JSON.stringify(list)}\n`);
    else for (const k of list) invocation.stdout.write(`${k.accessKeyId}  ${k.user}  ${k.createdAt}${k.revokedAt ? `  revoked ${k.revokedAt}` : ''}${k.description ? `  ${k.description}` : ''}\n`);
    return 0;
  });
}

export async function runKeysRevoke(invocation: PluginCommandInvocation): Promise<number> {
  const id = invocation.args[0] as string;
  return withKeys(invocation, async (keys) => {
    if (!(await keys.revoke(id))) {
      invocation.stderr.write(`no active access key ${id}\n`);
      return 1;
    }
    invocation.stdout.write(`revoked ${id}\n`);
    return 0;
  });
}
