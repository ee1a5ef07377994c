/**
 * POST: creates records; 409 RecordExists when one already exists. Under a collection's items the
 * body may hold many (a FeatureCollection, a STAC ItemCollection): one atomic batch, where one bad
 * record fails them all with a 400 naming it.
 */
import type { Context } from 'koa';
import { BadRequest } from '../../../core/errors.js';
import { subjectOf, type ApiDeps, type Scope } from './context.js';
import { outputFormat } from './negotiate.js';
import { sendRecord } from './representation.js';
import { checkPlace, enforceCollectionUpdate, withoutOwnLinks } from './records.js';
import { decodeBody } from './request-body.js';
import { accessParams, enforceWrite, withAccess } from './write-access.js';

export async function createRecords(ctx: Context, deps: ApiDeps, scope: Scope): Promise<void> {
  const format = outputFormat(ctx, deps.catalogue.formats);
  const params = accessParams(ctx);
  const parent = typeof scope.parent === 'string' ? scope.parent : undefined;
  const { records } = await decodeBody(ctx, deps.catalogue.formats, { defaultType: scope.defaultType, ...(parent !== undefined ? { parentIdentifier: parent } : {}) });
  if (records.length > 1 && scope.kind !== 'item') throw new BadRequest(`Create one ${scope.kind} per request, not ${records.length}`, { code: 'InvalidRecord', locator: 'body' });
  const batch = records.length > 1;
  const inputs = records.map((r, i) => {
    checkPlace(scope, r, batch ? `features[${i}]` : '');
    return withAccess(withoutOwnLinks(ctx, deps, r), ctx, params, undefined);
  });
  await enforceCollectionUpdate(ctx, deps, scope);
  const owner = params.owner ?? subjectOf(ctx).id;
  // One decision per distinct (owner, visibility) would do under most policies; the decision cache makes repeats cheap.
  for (const r of inputs) await enforceWrite(ctx, deps, 'create', { identifier: r.identifier, owner, type: r.type, parentIdentifier: r.parentIdentifier, visibility: r.visibility }, false);
  const stored = await deps.catalogue.upsert(inputs, { expect: Object.fromEntries(inputs.map((r) => [r.identifier, null])) });
  if (!batch) {
    ctx.set('Location', `${deps.baseUrl(ctx)}${scope.path(stored[0]!.identifier)}`);
    sendRecord(ctx, deps, stored[0]!, format, 201);
    return;
  }
  ctx.status = 201;
  ctx.type = 'application/json';
  ctx.body = JSON.stringify({
    numberCreated: stored.length,
    items: stored.map((r) => ({ id: r.identifier, href: `${deps.baseUrl(ctx)}${scope.path(r.identifier)}` })),
  });
}
