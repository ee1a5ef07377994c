import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import { changeUserGroups, createUser, deleteUser, getUser, listIdentities, listUsers, setUserPassword, updateUserAttributes } from '../../core/auth/users.js';
import { BadRequest, MeridianError, NotFound } from '../../core/errors.js';
import { readText } from '../../core/server/body.js';
import type { Database } from '../../core/storage/db/types.js';
import type { ClientStore } from './clients.js';
import type { KeyStore, SigningAlg } from './keys.js';

export interface AdminDeps {
  db: Database;
  keys: KeyStore;
  clients: ClientStore;
  signingAlg: SigningAlg;
  /** The core's authenticator chain (API keys, Basic, tokens from /oidc). */
  authenticate(ctx: Context): Promise<Subject>;
  auth: AuthHooks;
  /** Makes the running providers use the keys as they are now. */
  refreshKeys(): Promise<void>;
}

const ADMIN_RESOURCE = { type: 'login-service', service: 'oidc', id: 'admin' };

async function readJson(ctx: Context): Promise<Record<string, unknown>> {
  if (!ctx.is('application/json')) throw new MeridianError(415, 'Send application/json', { code: 'UnsupportedMediaType' });
  let value: unknown;
  try {
    value = JSON.parse(await readText(ctx, { limit: 64 * 1024 }));
  } catch {
    throw new BadRequest('The body is not JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new BadRequest('The body must be a JSON object');
  return value as Record<string, unknown>;
}

const strings = (value: unknown, name: string): string[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) throw new BadRequest(`${name} must be an array of non-empty strings`);
  return value as string[];
};

/**
 * The admin API of the login service, for group `admin` (any subject the decision point lets
 * `administer` the login service): accounts (`/admin/users`) and signing keys (`/admin/keys`).
 */
export function addAdminRoutes(router: Router, deps: AdminDeps): void {
  const admin = async (ctx: Context, next: () => Promise<unknown>) => {
    ctx.state.subject = await deps.authenticate(ctx);
    await deps.auth.enforce(ctx, ADMIN_RESOURCE, 'administer');
    ctx.set('Cache-Control', 'no-store');
    await next();
  };

  router.get('/admin/keys', admin, async (ctx) => {
    ctx.body = (await deps.keys.list()).map((k) => ({ kid: k.kid, alg: k.alg, createdAt: new Date(k.createdAt).toISOString(), retiredAt: k.retiredAt && new Date(k.retiredAt).toISOString() }));
  });
  router.post('/admin/keys', admin, async (ctx) => {
    const key = await deps.keys.rotate(deps.signingAlg);
    await deps.refreshKeys();
    ctx.status = 201;
    ctx.body = { kid: key.kid, alg: key.alg, createdAt: new Date(key.createdAt).toISOString() };
  });
  router.post('/admin/keys/:kid/retire', admin, async (ctx) => {
    const active = await deps.keys.active();
    if (active.length === 1 && active[0]!.kid === ctx.params.kid) throw new MeridianError(409, 'The only active key cannot be retired; rotate first', { code: 'Conflict' });
    if (!(await deps.keys.retire(ctx.params.kid!))) throw new NotFound(`No active key ${ctx.params.kid}`);
    await deps.refreshKeys();
    ctx.status = 204;
  });

  router.get('/admin/users', admin, async (ctx) => {
    ctx.body = await listUsers(deps.db);
  });
  router.get('/admin/users/:name', admin, async (ctx) => {
    const user = await getUser(deps.db, ctx.params.name!);
    if (!user) throw new NotFound(`No account ${ctx.params.name}`);
    ctx.body = { ...user, identities: await listIdentities(deps.db, user.name) };
  });
  router.post('/admin/users', admin, async (ctx) => {
    const body = await readJson(ctx);
    if (typeof body.name !== 'string' || body.name === '' || body.name.includes(':')) throw new BadRequest('name must be a non-empty string without ":"');
    if (body.password !== undefined && (typeof body.password !== 'string' || body.password === '')) throw new BadRequest('password must be a non-empty string');
    if (body.attributes !== undefined && (typeof body.attributes !== 'object' || body.attributes === null || Array.isArray(body.attributes))) throw new BadRequest('attributes must be an object');
    if (await getUser(deps.db, body.name)) throw new MeridianError(409, `An account ${body.name} exists already`, { code: 'Conflict' });
    ctx.status = 201;
    ctx.body = await createUser(deps.db, { name: body.name, password: body.password as string | undefined, groups: strings(body.groups, 'groups'), attributes: body.attributes as Record<string, unknown> | undefined });
  });
  router.patch('/admin/users/:name', admin, async (ctx) => {
    const name = ctx.params.name!;
    const body = await readJson(ctx);
    if (!(await getUser(deps.db, name))) throw new NotFound(`No account ${name}`);
    if (body.password !== undefined) {
      if (typeof body.password !== 'string' || body.password === '') throw new BadRequest('password must be a non-empty string');
      await setUserPassword(deps.db, name, body.password);
    }
    const add = strings(body.addGroups, 'addGroups');
    const remove = strings(body.removeGroups, 'removeGroups');
    if (add.length || remove.length) await changeUserGroups(deps.db, name, { add, remove });
    if (body.attributes !== undefined) {
      if (typeof body.attributes !== 'object' || body.attributes === null || Array.isArray(body.attributes)) throw new BadRequest('attributes must be an object');
      await updateUserAttributes(deps.db, name, body.attributes as Record<string, unknown>);
    }
    ctx.body = await getUser(deps.db, name);
  });
  router.delete('/admin/users/:name', admin, async (ctx) => {
    if (!(await deleteUser(deps.db, ctx.params.name!))) throw new NotFound(`No account ${ctx.params.name}`);
    ctx.status = 204;
  });
}
