/**
 * Who may write: every write asks the decision point about the record as a resource
 * `{ type: 'record', service: 'catalogue', id, owner }` with action create, update or delete. For
 * an existing record the owner is the stored one (read without the subject's read filter); a new
 * record is owned by the subject unless `?owner=` names another (which the policy must allow:
 * under the default rules only admins may). Visibility is set with `?visibility=public|private`
 * or `?groups=a,b`; without them a replace keeps the stored owner and visibility.
 */
import type { Context } from 'koa';
import { BadRequest, NotFound } from '../../../core/errors.js';
import type { CatalogueRecordInput, RecordStamp, Visibility } from '../types.js';
import { hasCode, subjectOf, type ApiDeps } from './context.js';

export type WriteAction = 'create' | 'update' | 'delete';

export interface AccessParams {
  owner?: string;
  visibility?: Visibility;
}

/** `?owner=`, `?visibility=` and `?groups=` of a write. */
export function accessParams(ctx: Context): AccessParams {
  const one = (name: string): string | undefined => {
    const v = ctx.query[name];
    if (Array.isArray(v)) throw new BadRequest(`${name} is given more than once`, { code: 'InvalidParameterValue', locator: name });
    return v === undefined ? undefined : v;
  };
  const out: AccessParams = {};
  const owner = one('owner');
  if (owner !== undefined) {
    if (owner.trim() === '' || owner.length > 255) throw new BadRequest('owner must be a subject id of 1 to 255 characters', { code: 'InvalidParameterValue', locator: 'owner' });
    out.owner = owner;
  }
  const visibility = one('visibility');
  const groups = one('groups');
  if (visibility !== undefined && groups !== undefined) throw new BadRequest('Give visibility or groups, not both', { code: 'InvalidParameterValue', locator: 'groups' });
  if (visibility !== undefined) {
    if (visibility !== 'public' && visibility !== 'private') throw new BadRequest("visibility must be 'public' or 'private' (or give groups=a,b)", { code: 'InvalidParameterValue', locator: 'visibility' });
    out.visibility = visibility;
  }
  if (groups !== undefined) {
    const list = groups.split(',').map((g) => g.trim()).filter((g) => g !== '');
    if (list.length === 0) throw new BadRequest('groups must name at least one group', { code: 'InvalidParameterValue', locator: 'groups' });
    out.visibility = list;
  }
  return out;
}

/** Owner and visibility of a record about to be written: the request's, else the stored, else the subject's own. */
export function withAccess(record: CatalogueRecordInput, ctx: Context, params: AccessParams, stamp: RecordStamp | undefined): CatalogueRecordInput {
  const out = { ...record };
  const owner = params.owner ?? stamp?.owner ?? (stamp ? undefined : subjectOf(ctx).id);
  if (owner !== undefined) out.owner = owner;
  else delete out.owner;
  const visibility = params.visibility ?? stamp?.visibility;
  if (visibility !== undefined) out.visibility = visibility;
  else delete out.visibility;
  return out;
}

/**
 * Enforces `action` on the record. A subject refused an existing record it cannot even read
 * gets a 404, as if it did not exist (the read path would not show it either).
 */
export async function enforceWrite(ctx: Context, deps: ApiDeps, action: WriteAction, target: { identifier: string; owner?: string; type: string; parentIdentifier?: string; visibility?: Visibility }, exists: boolean): Promise<void> {
  const resource = {
    type: 'record',
    service: 'catalogue',
    id: target.identifier,
    ...(target.owner !== undefined ? { owner: target.owner } : {}),
    attributes: { recordType: target.type, ...(target.parentIdentifier !== undefined ? { parentIdentifier: target.parentIdentifier } : {}), visibility: target.visibility ?? 'public' },
  };
  try {
    await deps.auth.enforce(ctx, resource, action);
  } catch (err) {
    if (hasCode(err, 'Forbidden') && exists && !(await deps.catalogue.get(target.identifier, subjectOf(ctx)))) {
      throw new NotFound(`No record '${target.identifier}'`, { locator: 'identifier' });
    }
    throw err;
  }
}

/**
 * An anonymous write is refused (401, with the challenges) before its body is read, unless the
 * policy lets anonymous subjects create records at all.
 */
export async function refuseAnonymousEarly(ctx: Context, deps: ApiDeps, action: WriteAction): Promise<void> {
  if (subjectOf(ctx).anonymous) await deps.auth.enforce(ctx, { type: 'record', service: 'catalogue' }, action);
}
