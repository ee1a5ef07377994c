/**
 * Transaction (CSW 2.0.2 §10.11, CSW 3.0 §7.6). Every action is read, decoded and authorized
 * before anything is written: records by catalogue.formats.decode, Update/Delete constraints by a
 * search as the subject, each record against its stored owner (catalogue.stamps) with
 * `create`, `update` or `delete`. Then the inserts, updates and deletes go to the catalogue as one
 * write (one database transaction), conditioned on the record versions that were authorized, so
 * a record changed meanwhile by another writer fails the call instead of being overwritten, and
 * a failure anywhere writes nothing.
 * Constraints see the catalogue as it was before the Transaction.
 */
import { MeridianError } from '../../core/errors.js';
import type { Filter } from '../../core/filter/index.js';
import { el, invalidParameterValue, OwsException } from '../../core/ows/index.js';
import type { CatalogueRecord, CatalogueRecordInput, RecordStamp } from '../catalogue/types.js';
import type { CswEnv, CswResponse } from './context.js';
import { CSW_NS } from './namespaces.js';
import { encodeRecord, resolveOutputSchema } from './record-encoding.js';
import { applyPatch, recordPropertyPatch } from './record-property.js';
import type { TransactionAction, TransactionRequest } from './requests.js';
import { xmlResponse } from './response.js';
import { constraintQuery } from './search-query.js';
import { PROFILES } from './versions.js';

/** Most records one Update or Delete constraint may select. */
export const MAX_AFFECTED = 10_000;

const RESOURCE = { type: 'record', service: 'catalogue' } as const;

/** A catalogue error about the request's records, as the OWS exception a CSW client reads. */
export function asOwsError(err: unknown, locator: string): unknown {
  if (err instanceof OwsException || !(err instanceof MeridianError)) return err;
  if (err.status === 412) return new OwsException('NoApplicableCode', `${err.message}: another writer changed it during the request; nothing was written`, { status: 409, locator });
  if (err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 403) return new OwsException('InvalidParameterValue', err.message, { locator: err.locator ? `${locator}/${err.locator}` : locator, status: 400 });
  return err;
}

/** Every visible record a constraint selects, page by page. */
async function selected(filter: Filter, env: CswEnv, locator: string): Promise<CatalogueRecord[]> {
  const query = constraintQuery(filter, env, 'Constraint');
  const out: CatalogueRecord[] = [];
  const page = env.maxRecords;
  for (let offset = 0; ; offset += page) {
    const result = await env.catalogue.search({ ...query, sortBy: [{ field: 'identifier' }], limit: page, offset }, env.subject);
    if (result.numberMatched > MAX_AFFECTED) throw invalidParameterValue(locator, `The constraint selects ${result.numberMatched} records; at most ${MAX_AFFECTED} per action`);
    out.push(...result.records);
    if (result.records.length < page) return out;
  }
}

function decodeOne(text: string, env: CswEnv, locator: string): CatalogueRecordInput[] {
  try {
    return env.catalogue.formats.decode({ text, source: locator }, { owner: env.subject.anonymous ? undefined : env.subject.id }).records;
  } catch (err) {
    throw asOwsError(err, locator);
  }
}

interface Plan {
  /** Identifier → the record to store (inserted or updated). */
  writes: Map<string, CatalogueRecordInput>;
  inserted: Array<{ handle?: string; identifiers: string[] }>;
  updated: Set<string>;
  deleted: Set<string>;
  /** Owner and version of every stored record the actions touch. */
  stamps: Map<string, RecordStamp>;
}

async function plan(request: TransactionRequest, env: CswEnv): Promise<Plan> {
  const p: Plan = { writes: new Map(), inserted: [], updated: new Set(), deleted: new Set(), stamps: new Map() };
  // Pass 1: what each action means, against the catalogue before the Transaction.
  const steps: Array<{ action: TransactionAction; records: CatalogueRecordInput[]; locator: string }> = [];
  for (const [i, action] of request.actions.entries()) {
    const locator = action.handle ?? `${action.kind[0]!.toUpperCase()}${action.kind.slice(1)}[${i + 1}]`;
    if (action.kind === 'insert') steps.push({ action, locator, records: action.documents.flatMap((d) => decodeOne(d, env, locator)) });
    else if (action.kind === 'update' && 'document' in action) {
      const records = decodeOne(action.document, env, locator);
      if (records.length !== 1) throw invalidParameterValue(locator, `An Update replaces one record; the document holds ${records.length}`);
      steps.push({ action, locator, records });
    } else {
      steps.push({ action, locator, records: await selected(action.constraint, env, locator) });
    }
  }
  const stamps = await env.catalogue.stamps(steps.flatMap((s) => s.records.map((r) => r.identifier)));
  p.stamps = stamps;
  const authorize = (action: 'create' | 'update' | 'delete', id: string, owner: string | undefined) =>
    env.auth.enforce(env.ctx, { ...RESOURCE, id, owner }, action);
  const existsNow = (id: string) => (p.writes.has(id) || stamps.has(id)) && !p.deleted.has(id);

  // Pass 2: authorize each record and build the writes, in action order.
  for (const { action, records, locator } of steps) {
    if (action.kind === 'insert') {
      const ids: string[] = [];
      for (const record of records) {
        if (existsNow(record.identifier)) throw invalidParameterValue(locator, `Record '${record.identifier}' already exists; replace it with an Update`);
        const owner = record.owner ?? (env.subject.anonymous ? undefined : env.subject.id);
        await authorize('create', record.identifier, owner);
        p.writes.set(record.identifier, { ...record, owner });
        p.deleted.delete(record.identifier);
        ids.push(record.identifier);
      }
      p.inserted.push({ handle: action.handle, identifiers: ids });
    } else if (action.kind === 'update' && 'document' in action) {
      const record = records[0]!;
      if (!existsNow(record.identifier)) throw invalidParameterValue(locator, `No record '${record.identifier}' to update; add it with an Insert`);
      const owner = p.writes.get(record.identifier)?.owner ?? stamps.get(record.identifier)?.owner;
      await authorize('update', record.identifier, owner);
      // The stored owner stays: a replacement document does not transfer ownership.
      p.writes.set(record.identifier, { ...record, owner });
      p.updated.add(record.identifier);
    } else if (action.kind === 'update') {
      const patch = recordPropertyPatch(action.properties, env.queryables);
      for (const stored of records) {
        if (p.deleted.has(stored.identifier)) continue;
        await authorize('update', stored.identifier, stamps.get(stored.identifier)?.owner);
        p.writes.set(stored.identifier, applyPatch(p.writes.get(stored.identifier) ?? stored, patch));
        p.updated.add(stored.identifier);
      }
    } else {
      for (const stored of records) {
        if (p.deleted.has(stored.identifier)) continue;
        await authorize('delete', stored.identifier, stamps.get(stored.identifier)?.owner);
        p.writes.delete(stored.identifier);
        p.deleted.add(stored.identifier);
      }
    }
  }
  return p;
}

/** Write conditions: records expected absent (inserts) or at the version that was authorized. */
function conditionsFor(ids: Iterable<string>, stamps: Map<string, RecordStamp>): Record<string, string | null> {
  const expect: Record<string, string | null> = {};
  for (const id of ids) expect[id] = stamps.get(id)?.version ?? null;
  return expect;
}

export async function transaction(request: TransactionRequest, env: CswEnv): Promise<CswResponse> {
  const p = await plan(request, env);
  const upserts = [...p.writes.values()];
  const deletes = [...p.deleted].filter((id) => p.stamps.has(id));
  let stored: CatalogueRecord[] = [];
  try {
    if (upserts.length + deletes.length > 0) {
      ({ stored } = await env.catalogue.write({ upsert: upserts, delete: deletes }, { expect: conditionsFor([...p.writes.keys(), ...deletes], p.stamps) }));
    }
  } catch (err) {
    throw asOwsError(err, 'Transaction');
  }
  const profile = PROFILES[request.version];
  // InsertResult is written whatever verboseResponse says: the schema requires it when true and
  // allows it when false, and OWSLib reads the inserted identifiers from it without asking.
  const brief = resolveOutputSchema(env.catalogue.formats, request.version, undefined);
  const byId = new Map(stored.map((r) => [r.identifier, r]));
  const insertedIds = new Set(p.inserted.flatMap((i) => i.identifiers).filter((id) => byId.has(id)));
  const root = el(
    'csw:TransactionResponse',
    { 'xmlns:csw': profile.csw, 'xmlns:xsi': CSW_NS.xsi, 'xsi:schemaLocation': profile.publicationSchema, version: request.version },
    el(
      'csw:TransactionSummary',
      { requestId: request.requestId },
      el('csw:totalInserted', null, insertedIds.size),
      el('csw:totalUpdated', null, [...p.updated].filter((id) => byId.has(id) && !insertedIds.has(id)).length),
      el('csw:totalDeleted', null, deletes.length),
    ),
    p.inserted
      .filter((i) => i.identifiers.some((id) => byId.has(id)))
      .map((i) =>
        el(
          'csw:InsertResult',
          { handleRef: i.handle },
          i.identifiers.filter((id) => byId.has(id)).map((id) => encodeRecord(byId.get(id)!, brief, { elementSet: 'brief' })),
        ),
      ),
  );
  return xmlResponse(root);
}
