import type { PluginCommandInvocation } from '../../core/plugin.js';
import { ClientStore, type ClientGrant } from './clients.js';
import { KeyStore, type SigningAlg } from './keys.js';

const GRANTS: ClientGrant[] = ['client_credentials', 'authorization_code'];
const ALGS: SigningAlg[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

const list = (value: unknown) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : [];

function fail(invocation: PluginCommandInvocation, message: string): number {
  invocation.stderr.write(`${message}\n`);
  return 1;
}

export async function clientAdd(invocation: PluginCommandInvocation): Promise<number> {
  const o = invocation.options;
  if (typeof o.id !== 'string' || !o.id) return fail(invocation, '--id is required');
  if (!GRANTS.includes(o.grant as ClientGrant)) return fail(invocation, `--grant must be one of ${GRANTS.join(', ')}`);
  const platform = await invocation.platform({ quiet: true });
  const clients = new ClientStore(platform.db);
  if (await clients.find(o.id)) return fail(invocation, `a client with id ${o.id} exists already`);
  try {
    const added = await clients.add({
      id: o.id,
      secret: typeof o.secret === 'string' ? o.secret : undefined,
      grant: o.grant as ClientGrant,
      redirectUris: list(o.redirectUri),
      postLogoutRedirectUris: list(o.postLogoutRedirectUri),
      name: typeof o.name === 'string' ? o.name : undefined,
      groups: list(o.group),
    });
    invocation.stdout.write(o.json ? `${JSON.stringify(added)}\n` : `added client ${added.clientId} (${added.grantTypes.join(', ')}; ${added.authMethod})\n`);
    return 0;
  } catch (err) {
    return fail(invocation, (err as Error).message);
  }
}

export async function clientList(invocation: PluginCommandInvocation): Promise<number> {
  const platform = await invocation.platform({ quiet: true });
  const clients = await new ClientStore(platform.db).list();
  if (invocation.options.json) invocation.stdout.write(`${JSON.stringify(clients)}\n`);
  else for (const c of clients) invocation.stdout.write(`${c.clientId}\t${c.grantTypes.join(',')}\t${c.authMethod}\t${c.redirectUris.join(',') || '-'}\n`);
  return 0;
}

export async function clientRemove(invocation: PluginCommandInvocation): Promise<number> {
  const id = String(invocation.args[0]);
  const platform = await invocation.platform({ quiet: true });
  if (!(await new ClientStore(platform.db).remove(id))) return fail(invocation, `no client ${id} added by the CLI`);
  invocation.stdout.write(`removed client ${id}\n`);
  return 0;
}

export async function keysRotate(invocation: PluginCommandInvocation): Promise<number> {
  const alg = (invocation.options.alg as string | undefined) ?? 'RS256';
  if (!ALGS.includes(alg as SigningAlg)) return fail(invocation, `--alg must be one of ${ALGS.join(', ')}`);
  const platform = await invocation.platform({ quiet: true });
  const key = await new KeyStore(platform.db, platform.secrets).rotate(alg as SigningAlg);
  invocation.stdout.write(invocation.options.json ? `${JSON.stringify({ kid: key.kid, alg: key.alg, createdAt: new Date(key.createdAt).toISOString() })}\n` : `new signing key ${key.kid} (${key.alg})\n`);
  return 0;
}

export async function keysList(invocation: PluginCommandInvocation): Promise<number> {
  const platform = await invocation.platform({ quiet: true });
  const keys = (await new KeyStore(platform.db, platform.secrets).list()).map((k) => ({
    kid: k.kid,
    alg: k.alg,
    createdAt: new Date(k.createdAt).toISOString(),
    retiredAt: k.retiredAt === null ? null : new Date(k.retiredAt).toISOString(),
  }));
  if (invocation.options.json) invocation.stdout.write(`${JSON.stringify(keys)}\n`);
  else for (const k of keys) invocation.stdout.write(`${k.kid}\t${k.alg}\t${k.createdAt}\t${k.retiredAt ? `retired ${k.retiredAt}` : 'active'}\n`);
  return 0;
}

export async function keysRetire(invocation: PluginCommandInvocation): Promise<number> {
  const kid = String(invocation.args[0]);
  const platform = await invocation.platform({ quiet: true });
  const store = new KeyStore(platform.db, platform.secrets);
  const active = await store.active();
  if (active.length === 1 && active[0]!.kid === kid) return fail(invocation, `${kid} is the only active key; rotate first`);
  if (!(await store.retire(kid))) return fail(invocation, `no active key ${kid}`);
  invocation.stdout.write(`retired key ${kid}\n`);
  return 0;
}
