/**
 * Sharing API: /pdp/resources/{service}/{type}/{id} (owner and shares) and .../shares (grant,
 * list) and .../shares/{user|group}/{grantee} (revoke). `-` stands for no service. Whoever the
 * policy lets `administer` the resource may (by default its owner and admins).
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AuthHooks, Resource, Subject } from '../../../core/auth/types.js';
import { BadRequest } from '../../../core/errors.js';
import { readJsonObject } from '../rest/json-body.js';
import type { Ownership } from './ownership.js';
import type { ResourceKey, Share } from './store.js';

export interface ShareRouteDeps {
  auth: AuthHooks;
  ownership: Ownership;
  maxBodyBytes: number;
}

const ACTION = /^[A-Za-z0-9_.:*-]{1,64}$/;

function keyOf(ctx: Context): ResourceKey {
  const service = String(ctx.params.service);
  return { service: service === '-' ? '' : service, type: String(ctx.params.type), id: String(ctx.params.id) };
}

function shareJson(share: Share) {
  return { [share.granteeKind]: share.grantee, actions: share.actions, createdAt: share.createdAt, ...(share.createdBy ? { createdBy: share.createdBy } : {}) };
}

export function shareRoutes(router: Router, deps: ShareRouteDeps): void {
  const { auth, ownership } = deps;

  /** The resource as the policy sees it (with its recorded owner), after checking the caller may administer it. */
  const administered = async (ctx: Context): Promise<{ key: ResourceKey; owner?: string }> => {
    const key = keyOf(ctx);
    const owner = await ownership.owner(key);
    const resource: Resource = { type: key.type, id: key.id, ...(key.service ? { service: key.service } : {}), ...(owner !== undefined ? { owner } : {}) };
    await auth.enforce(ctx, resource, 'administer');
    return { key, ...(owner !== undefined ? { owner } : {}) };
  };

  const describe = async (key: ResourceKey, owner: string | undefined) => ({
    resource: { service: key.service || null, type: key.type, id: key.id },
    owner: owner ?? null,
    shares: (await ownership.shares(key)).map(shareJson),
  });

  router.get('/resources/:service/:type/:id', async (ctx) => {
    const { key, owner } = await administered(ctx);
    ctx.body = await describe(key, owner);
  });

  router.get('/resources/:service/:type/:id/shares', async (ctx) => {
    const { key, owner } = await administered(ctx);
    ctx.body = await describe(key, owner);
  });

  // { user: ID } or { group: NAME }, with actions (default ["read"]; "*" for any).
  router.post('/resources/:service/:type/:id/shares', async (ctx) => {
    const { key, owner } = await administered(ctx);
    const body = await readJsonObject(ctx, deps.maxBodyBytes);
    const user = body.user;
    const group = body.group;
    if ((user === undefined) === (group === undefined)) throw new BadRequest('Give either user (a subject id) or group');
    const grantee = (user ?? group) as unknown;
    if (typeof grantee !== 'string' || grantee === '' || grantee.length > 255) throw new BadRequest('user or group must be a non-empty string of at most 255 characters');
    const actions = body.actions ?? ['read'];
    if (!Array.isArray(actions) || actions.length === 0 || !actions.every((a) => typeof a === 'string' && ACTION.test(a))) {
      throw new BadRequest('actions must be a non-empty list of action names (letters, digits, _ . : - or "*")');
    }
    const subject = ctx.state.subject as Subject;
    await ownership.grant(key, user !== undefined ? 'user' : 'group', grantee, [...new Set(actions as string[])], subject.anonymous ? undefined : subject.id);
    ctx.status = 201;
    ctx.body = await describe(key, owner);
  });

  router.delete('/resources/:service/:type/:id/shares/:kind/:grantee', async (ctx) => {
    const { key } = await administered(ctx);
    const kind = String(ctx.params.kind);
    if (kind !== 'user' && kind !== 'group') throw new BadRequest("The grantee kind is 'user' or 'group'");
    await ownership.revoke(key, kind, String(ctx.params.grantee));
    ctx.status = 204;
  });
}
