/**
 * The access-key API on the S3 listener (JSON; errors as problem+json):
 *   POST   /_meridian/keys        {"user"?: name, "groups"?: [...], "description"?: text} -> 201 {accessKeyId, secretAccessKey, ...}
 *   GET    /_meridian/keys[?user=name]                                                   -> 200 [{accessKeyId, user, ...}]
 *   DELETE /_meridian/keys/<accessKeyId>                                                 -> 204
 * Authenticated by any authenticator of the chain (Basic, API key, JWT, SigV4). A user manages
 * their own keys (the resource's owner is that user); others' keys need a policy permit (admins).
 */
import type { Context } from 'koa';
import { readBody } from '../../core/server/body.js';
import { BadRequest, MeridianError, NotFound } from '../../core/errors.js';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import type { AccessKeys } from './access-keys.js';
import { ADMIN_PATH } from './paths.js';
import type { SigV4Authenticator } from './sigv4/authenticator.js';

const keysOf = (user: string) => ({ type: 's3-access-keys', service: 's3', id: user, owner: user });

export async function adminApi(ctx: Context, deps: { keys: AccessKeys; auth: AuthHooks; authenticator: SigV4Authenticator }): Promise<void> {
  const subject = ctx.state.subject as Subject;
  const rest = ctx.path.slice(ADMIN_PATH.length);
  if (rest === '' && ctx.method === 'POST') {
    let input: { user?: unknown; groups?: unknown; description?: unknown };
    try {
      const text = (await readBody(ctx, { limit: 64 * 1024 })).toString('utf8');
      input = text.trim() === '' ? {} : (JSON.parse(text) as typeof input);
    } catch (err) {
      if (err instanceof MeridianError) throw err;
      throw new BadRequest('The body must be a JSON object');
    }
    const user = input.user ?? (subject.anonymous ? undefined : subject.id);
    if (typeof user !== 'string' || user === '' || user.includes(':')) throw new BadRequest('user must be a user name (no ":")', { locator: 'user' });
    const groups = input.groups ?? [];
    if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) throw new BadRequest('groups must be a list of names', { locator: 'groups' });
    if (input.description !== undefined && typeof input.description !== 'string') throw new BadRequest('description must be text', { locator: 'description' });
    // Extra groups can raise privileges: only someone allowed to manage keys without owning them may give any.
    await deps.auth.enforce(ctx, groups.length ? { type: 's3-access-keys', service: 's3', id: user } : keysOf(user), 'create');
    const created = await deps.keys.create({ user, groups: groups as string[], ...(typeof input.description === 'string' ? { description: input.description } : {}) });
    ctx.status = 201;
    ctx.body = created;
    return;
  }
  if (rest === '' && ctx.method === 'GET') {
    const user = typeof ctx.query.user === 'string' ? ctx.query.user : subject.anonymous ? undefined : subject.id;
    if (user === undefined) {
      await deps.auth.enforce(ctx, { type: 's3-access-keys', service: 's3' }, 'read');
      ctx.body = await deps.keys.list();
      return;
    }
    await deps.auth.enforce(ctx, keysOf(user), 'read');
    ctx.body = await deps.keys.list({ user });
    return;
  }
  const id = /^\/([A-Z0-9]+)$/.exec(rest)?.[1];
  if (id && ctx.method === 'DELETE') {
    const key = await deps.keys.get(id);
    if (!key || key.revokedAt) throw new NotFound(`No active access key ${id}`);
    await deps.auth.enforce(ctx, keysOf(key.user), 'delete');
    await deps.keys.revoke(id);
    deps.authenticator.forget(id);
    ctx.status = 204;
    return;
  }
  throw new NotFound(`No resource at ${ctx.path}`);
}
