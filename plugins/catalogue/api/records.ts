/**
 * GET, PUT, PATCH and DELETE of one record in a scope (a collection, an item of a collection, a
 * record in no collection), after OGC API - Features Part 4 and the STAC Transaction extension:
 * ETag on GET, If-Match on writes (412), 201 + Location when PUT creates. Each write is checked
 * (owner, version) and made in one engine call conditioned on the version it checked.
 */
import type { Context } from 'koa';
import { BadRequest, MeridianError, NotFound } from '../../../core/errors.js';
import type { MetadataFormat } from '../formats/types.js';
import type { CatalogueRecord, CatalogueRecordInput, RecordStamp } from '../types.js';
import { recordVersion } from '../version.js';
import { COLLECTIONS, hasCode, inScope, subjectOf, type ApiDeps, type Scope } from './context.js';
import { checkIfMatch, notModified } from './etag.js';
import { applyMergePatch, modelChanges } from './merge-patch.js';
import { outputFormat, parseMediaType } from './negotiate.js';
import { sendRecord } from './representation.js';
import { decodeBody, jsonObjectBody } from './request-body.js';
import { accessParams, enforceWrite, withAccess } from './write-access.js';

/** Checks-and-writes a request without If-Match may make when other writers keep changing the record. */
const WRITE_ATTEMPTS = 5;

/**
 * Runs a check-and-write. When another writer changed the record between the check and the write
 * (the engine refuses the write's condition), a request without If-Match checks and writes again,
 * a few times; with If-Match the version was the client's, so the 412 stands.
 */
export async function withRetry<T>(ctx: Context, write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (ctx.get('If-Match') || !hasCode(err, 'PreconditionFailed', 'RecordExists')) throw err;
      if (attempt >= WRITE_ATTEMPTS) throw new MeridianError(409, 'The record kept changing under concurrent writes; try again', { code: 'ConcurrentWrites', locator: 'identifier' });
    }
  }
}

async function stampOf(deps: ApiDeps, identifier: string): Promise<RecordStamp | undefined> {
  return (await deps.catalogue.stamps([identifier])).get(identifier);
}

/** The stamp of the record a patch or delete changes, If-Match checked against it; 404 when there is none in the scope. */
async function existingStamp(ctx: Context, deps: ApiDeps, scope: Scope, identifier: string): Promise<RecordStamp> {
  const stamp = await stampOf(deps, identifier);
  if (!stamp || !inScope(scope, stamp)) {
    // With If-Match, a missing record is a 412 (RFC 9110) rather than the 404.
    checkIfMatch(ctx, undefined);
    throw new NotFound(`No ${scope.kind} '${identifier}'`, { locator: 'identifier' });
  }
  checkIfMatch(ctx, stamp.version);
  return stamp;
}

/** The record the subject reads at this URL, or 404. */
async function readable(ctx: Context, deps: ApiDeps, scope: Scope, identifier: string): Promise<CatalogueRecord> {
  const record = await deps.catalogue.get(identifier, subjectOf(ctx));
  if (!record || !inScope(scope, record)) throw new NotFound(`No ${scope.kind} '${identifier}'${scope.parent ? ` in collection '${scope.parent}'` : ''}`, { locator: 'identifier' });
  return record;
}

/** The collection of an item scope as the subject reads it (404 when it cannot). */
export async function readableCollection(ctx: Context, deps: ApiDeps, collection: string): Promise<CatalogueRecord> {
  return readable(ctx, deps, COLLECTIONS, collection);
}

/** Adding an item changes its collection: the subject needs `update` on it too. */
export async function enforceCollectionUpdate(ctx: Context, deps: ApiDeps, scope: Scope): Promise<void> {
  if (scope.kind !== 'item' || typeof scope.parent !== 'string') return;
  await readableCollection(ctx, deps, scope.parent);
  const stamp = await stampOf(deps, scope.parent);
  if (!stamp) throw new NotFound(`No collection '${scope.parent}'`, { locator: 'identifier' });
  await enforceWrite(ctx, deps, 'update', { ...stamp }, true);
}

/** Links into this API are the service's own: they are made anew on every read, not stored. */
export function withoutOwnLinks(ctx: Context, deps: ApiDeps, record: CatalogueRecordInput): CatalogueRecordInput {
  if (!record.links) return record;
  const base = deps.baseUrl(ctx);
  const links = record.links.filter((l) => l.href !== base && !l.href.startsWith(`${base}/`) && !l.href.startsWith(`${base}?`));
  const out = { ...record };
  if (links.length > 0) out.links = links;
  else delete out.links;
  return out;
}

/** 400 unless a decoded record belongs where it is written. */
export function checkPlace(scope: Scope, record: CatalogueRecordInput, at: string): void {
  const prefix = at ? `${at}.` : '';
  if (!scope.types.includes(record.type)) {
    throw new BadRequest(`'${record.identifier}' is a ${record.type} record; ${scope.kind === 'collection' ? 'collections' : scope.kind === 'item' ? 'a collection holds products' : 'records here are services, applications and products in no collection'}`, { code: 'InvalidRecord', locator: `${prefix}type` });
  }
  if (scope.parent === null && record.parentIdentifier !== undefined) {
    throw new BadRequest(`'${record.identifier}' belongs to collection '${record.parentIdentifier}': write it under /collections/${record.parentIdentifier}/items`, { code: 'InvalidRecord', locator: `${prefix}parentIdentifier` });
  }
  if (typeof scope.parent === 'string' && record.parentIdentifier !== scope.parent) {
    throw new BadRequest(`'${record.identifier}' names collection '${record.parentIdentifier ?? ''}', not '${scope.parent}'`, { code: 'InvalidRecord', locator: `${prefix}parentIdentifier` });
  }
}

export async function getRecord(ctx: Context, deps: ApiDeps, scope: Scope, identifier: string): Promise<void> {
  const format = outputFormat(ctx, deps.catalogue.formats);
  if (typeof scope.parent === 'string') await readableCollection(ctx, deps, scope.parent);
  const record = await readable(ctx, deps, scope, identifier);
  if (notModified(ctx, recordVersion(record))) {
    ctx.status = 304;
    return;
  }
  sendRecord(ctx, deps, record, format);
}

/** PUT: replaces the record (keeping owner and visibility unless the request sets them), or creates it. */
export async function putRecord(ctx: Context, deps: ApiDeps, scope: Scope, identifier: string): Promise<void> {
  const format = outputFormat(ctx, deps.catalogue.formats);
  const params = accessParams(ctx);
  if (typeof scope.parent === 'string') await readableCollection(ctx, deps, scope.parent);
  const { records } = await decodeBody(ctx, deps.catalogue.formats, { defaultType: scope.defaultType, ...(typeof scope.parent === 'string' ? { parentIdentifier: scope.parent } : {}) });
  if (records.length !== 1) throw new BadRequest(`A PUT body holds one record, not ${records.length}`, { code: 'InvalidRecord', locator: 'body' });
  const record = withoutOwnLinks(ctx, deps, records[0]!);
  if (record.identifier !== identifier) throw new BadRequest(`The body is record '${record.identifier}', the URL names '${identifier}'`, { code: 'InvalidRecord', locator: 'identifier' });
  checkPlace(scope, record, '');
  await withRetry(ctx, async () => {
    const stamp = await stampOf(deps, identifier);
    checkIfMatch(ctx, stamp?.version);
    if (stamp && !inScope(scope, stamp)) {
      throw new MeridianError(409, `A ${stamp.type} record '${identifier}' exists${stamp.parentIdentifier ? ` in collection '${stamp.parentIdentifier}'` : ''}`, { code: 'RecordExists', locator: 'identifier' });
    }
    if (!stamp) await enforceCollectionUpdate(ctx, deps, scope);
    const owner = stamp ? stamp.owner : (params.owner ?? subjectOf(ctx).id);
    await enforceWrite(ctx, deps, stamp ? 'update' : 'create', { identifier, owner, type: record.type, parentIdentifier: record.parentIdentifier, visibility: params.visibility ?? stamp?.visibility }, stamp !== undefined);
    const [stored] = await deps.catalogue.upsert([withAccess(record, ctx, params, stamp)], { expect: { [identifier]: stamp ? stamp.version : null } });
    if (!stamp) ctx.set('Location', `${deps.baseUrl(ctx)}${scope.path(identifier)}`);
    sendRecord(ctx, deps, stored!, format, stamp ? 200 : 201);
  });
}

/** The encoding a merge patch applies to: `?f=`, a STAC profile, `stac_version` in it, else how the record was received. */
function patchFormat(ctx: Context, deps: ApiDeps, patch: Record<string, unknown>, record: CatalogueRecord): MetadataFormat {
  const formats = deps.catalogue.formats;
  const stac = formats.find('stac')!;
  const eo = formats.find('ogc17-003')!;
  const f = typeof ctx.query.f === 'string' ? ctx.query.f.toLowerCase() : undefined;
  if (f !== undefined) {
    if (f === 'stac') return stac;
    if (['json', 'geojson', 'ogc17-003'].includes(f)) return eo;
    throw new BadRequest(`A merge patch applies to the 17-003 (f=json) or STAC (f=stac) document, not '${f}'`, { code: 'InvalidParameterValue', locator: 'f' });
  }
  const profile = parseMediaType(ctx.get('Content-Type')).params.profile ?? '';
  const stacDocument = record.type === 'product' || record.type === 'collection';
  if (stacDocument && (profile.toLowerCase().includes('stac') || 'stac_version' in patch || record.metadata?.format === 'stac')) return stac;
  return eo;
}

/** PATCH: an RFC 7396 merge patch onto the record's document, applied as one engine patch. */
export async function patchRecord(ctx: Context, deps: ApiDeps, scope: Scope, identifier: string): Promise<void> {
  const format = outputFormat(ctx, deps.catalogue.formats);
  const params = accessParams(ctx);
  const patch = await jsonObjectBody(ctx);
  if (typeof scope.parent === 'string') await readableCollection(ctx, deps, scope.parent);
  await withRetry(ctx, async () => {
    const stamp = await existingStamp(ctx, deps, scope, identifier);
    await enforceWrite(ctx, deps, 'update', { ...stamp, visibility: params.visibility ?? stamp.visibility }, true);
    const record = await readable(ctx, deps, scope, identifier);
    if (recordVersion(record) !== stamp.version) throw new MeridianError(412, `Record '${identifier}' changed while being patched`, { code: 'PreconditionFailed', locator: 'If-Match' });
    const doc = patchFormat(ctx, deps, patch, record);
    const decode = (json: unknown) => {
      const text = JSON.stringify(json);
      const out = deps.catalogue.formats.decode({ text, json }, { format: doc.name, defaultType: record.type, ...(record.parentIdentifier !== undefined ? { parentIdentifier: record.parentIdentifier } : {}) }).records;
      if (out.length !== 1) throw new BadRequest('The patched document holds more than one record', { code: 'InvalidRecord', locator: 'body' });
      return { record: out[0]!, text };
    };
    const base = doc.toJson!(record, {});
    const before = decode(base).record;
    const after = decode(applyMergePatch(base, patch));
    if (after.record.identifier !== identifier) throw new BadRequest('A patch cannot change the identifier', { code: 'InvalidRecord', locator: 'identifier' });
    checkPlace(scope, after.record, '');
    const changes = modelChanges(record, before, withoutOwnLinks(ctx, deps, after.record));
    changes.metadata = { format: doc.name, content: after.text };
    if (params.owner !== undefined) changes.owner = params.owner;
    if (params.visibility !== undefined) changes.visibility = params.visibility;
    const stored = await deps.catalogue.patch(identifier, changes, { expect: { [identifier]: stamp.version } });
    sendRecord(ctx, deps, stored, format);
  });
}

export async function deleteRecord(ctx: Context, deps: ApiDeps, scope: Scope, identifier: string): Promise<void> {
  if (typeof scope.parent === 'string') await readableCollection(ctx, deps, scope.parent);
  await withRetry(ctx, async () => {
    const stamp = await existingStamp(ctx, deps, scope, identifier);
    await enforceWrite(ctx, deps, 'delete', stamp, true);
    await deps.catalogue.delete([identifier], { expect: { [identifier]: stamp.version } });
    ctx.status = 204;
  });
}
