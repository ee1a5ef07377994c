/**
 * Transaction (WFS 2.0 §15, 1.1.0 §12): Insert, Update, Replace (2.0) and Delete, read and
 * authorized before anything is written (each collection touched, with `create`, `update` or
 * `delete`, through the core's enforce so a refusal is a 401 with its challenge or a 403), then
 * handed to the engine as one transaction: all of it applies or none (a failure is an exception
 * report and changes nothing). Filters see the data as it was before the Transaction; a Replace's
 * filter is resolved to the ids it selects first. Geometries are read into CRS:84 and written so.
 * A lockId is checked first and handed to the engine, whose write guard (locks/store.ts) checks
 * the locks and releases (releaseAction ALL) or narrows (SOME) the lock inside the same database
 * transaction; features locked by another lock make the whole Transaction fail.
 */
import { el, invalidParameterValue, optionNotSupported, serializeXml } from '../../core/ows/index.js';
import type { CollectionDescription, TransactionOperation } from '../features/types.js';
import type { WfsEnv, WfsResponse } from './context.js';
import { XML_CONTENT_TYPE } from './context.js';
import { AXIS_CONTEXT, defaultCrsName } from './crs.js';
import { engineErrorToOws, wfsException, withEngineErrors } from './exceptions.js';
import { gmlId } from './feature-types.js';
import { isGeometryElement, readFeature, readGeometry, readValue } from './gml-input.js';
import { propertyPath } from './names.js';
import { engineFilter, GEOMETRY_PROPERTY } from './query-plan.js';
import type { FilterInput, TransactionAction, TransactionRequest } from './requests.js';
import { NS, PROFILES } from './versions.js';

const CRS84 = 'OGC:CRS84';

type WriteAction = 'create' | 'update' | 'delete';

interface InsertGroup {
  /** Index of the engine operation. */
  op: number;
  handle?: string;
  collection: string;
  count: number;
}

interface Plan {
  operations: TransactionOperation[];
  inserts: InsertGroup[];
  replaced: Array<{ handle?: string; collection: string; id: string }>;
  /** Collections and the actions done on them, to authorize. */
  access: Map<string, { collection: CollectionDescription; actions: Set<WriteAction> }>;
}

function locatorOf(action: TransactionAction, index: number): string {
  return action.handle ?? `${action.kind[0]!.toUpperCase()}${action.kind.slice(1)}[${index + 1}]`;
}

function touch(plan: Plan, collection: CollectionDescription, action: WriteAction): void {
  const entry = plan.access.get(collection.id) ?? { collection, actions: new Set<WriteAction>() };
  entry.actions.add(action);
  plan.access.set(collection.id, entry);
}

function checkInputFormat(format: string | undefined, request: TransactionRequest): void {
  if (format === undefined) return;
  const f = format.toLowerCase().replace(/[\s"']/g, '');
  const ok = request.version === '2.0.0' ? /gml\+xml|gml\/3\.2|text\/xml$/.test(f) : /gml\/3\.1|text\/xml$|gml3/.test(f);
  if (!ok) throw optionNotSupported('inputFormat', `Input format '${format}' is not read; features are GML ${request.version === '2.0.0' ? '3.2' : '3.1.1'}`);
}

function filterOf(input: FilterInput | undefined, collection: CollectionDescription, srsName: string | undefined) {
  return input ? engineFilter(input, collection, srsName ?? defaultCrsName(collection)) : undefined;
}

/** The ids a filter selects now, for Replace (which the engine does by id). */
async function selectedIds(collection: CollectionDescription, input: FilterInput, srsName: string | undefined, env: WfsEnv, locator: string): Promise<string[]> {
  const filter = filterOf(input, collection, srsName);
  const ids: string[] = [];
  const page = env.features.limits.maxLimit;
  for (let offset = 0; ; offset += page) {
    const result = await withEngineErrors({ typeLocator: locator, queryLocator: locator, write: true }, () =>
      env.features.query(collection.id, { filter, properties: [], skipGeometry: true, limit: page, offset }, env.subject),
    );
    let n = 0;
    for await (const f of result.features) {
      ids.push(f.id);
      n++;
    }
    if (n < page) return ids;
  }
}

async function planAction(action: TransactionAction, index: number, request: TransactionRequest, env: WfsEnv, plan: Plan): Promise<void> {
  const locator = locatorOf(action, index);
  const srsName = ('srsName' in action ? action.srsName : undefined) ?? request.srsName;
  // WFS 1.0.0 (QGIS) writes GML 2, whose coordinates are x/y whatever the srsName.
  const axisOrder = request.answerAs100 ? ('xy' as const) : AXIS_CONTEXT;
  switch (action.kind) {
    case 'insert': {
      checkInputFormat(action.inputFormat, request);
      const idgen = action.idgen ?? 'GenerateNew';
      if (idgen !== 'GenerateNew' && idgen !== 'UseExisting') throw optionNotSupported('idgen', `idgen '${idgen}' is not supported (GenerateNew, UseExisting)`);
      for (const node of action.features) {
        const read = await readFeature(node, env.types, srsName, locator, defaultCrsName, axisOrder);
        if (idgen === 'UseExisting') {
          if (!read.writtenId) throw wfsException('InvalidValue', 'idgen=UseExisting needs a gml:id on every feature', locator);
          read.feature.id = read.writtenId;
        }
        touch(plan, read.collection, 'create');
        const last = plan.inserts[plan.inserts.length - 1];
        const lastOp = last ? plan.operations[last.op] : undefined;
        // Consecutive features of one type and one action go in one engine insert.
        if (last && last.handle === action.handle && last.collection === read.collection.id && lastOp?.op === 'insert' && last.op === plan.operations.length - 1) {
          lastOp.features.push(read.feature);
          last.count++;
        } else {
          plan.operations.push({ op: 'insert', collection: read.collection.id, features: [read.feature], crs: CRS84 });
          plan.inserts.push({ op: plan.operations.length - 1, handle: action.handle, collection: read.collection.id, count: 1 });
        }
      }
      return;
    }
    case 'update': {
      checkInputFormat(action.inputFormat, request);
      const collection = await env.types.resolve(action.typeName, 'typeName');
      const properties: Record<string, unknown> = {};
      let geometry: import('../../core/filter/index.js').GeoJSONGeometry | null | undefined;
      for (const p of action.properties) {
        const name = propertyPath(p.name.written, collection.id);
        if (name === GEOMETRY_PROPERTY) {
          const g = p.value?.children.find(isGeometryElement);
          if (p.value && !g && p.value.children.length > 0) throw wfsException('InvalidValue', 'The geometry value must be a GML geometry', name);
          geometry = g ? readGeometry(g, srsName ?? defaultCrsName(collection), name, axisOrder) : null;
          continue;
        }
        const definition = collection.properties.find((d) => d.name === name);
        if (!definition) throw invalidParameterValue(p.name.written, `Feature type '${collection.id}' has no property '${p.name.written}'`);
        properties[name] = readValue(p.value, definition, name);
      }
      touch(plan, collection, 'update');
      plan.operations.push({
        op: 'update',
        collection: collection.id,
        filter: { filter: filterOf(action.filter, collection, srsName) },
        properties,
        ...(geometry !== undefined ? { geometry, crs: CRS84 } : {}),
      });
      return;
    }
    case 'replace': {
      checkInputFormat(action.inputFormat, request);
      const read = await readFeature(action.feature, env.types, srsName, locator, defaultCrsName, axisOrder);
      touch(plan, read.collection, 'update');
      for (const id of await selectedIds(read.collection, action.filter, srsName, env, locator)) {
        plan.operations.push({ op: 'replace', collection: read.collection.id, id, feature: { ...read.feature }, crs: CRS84 });
        plan.replaced.push({ handle: action.handle, collection: read.collection.id, id });
      }
      return;
    }
    case 'delete': {
      const collection = await env.types.resolve(action.typeName, 'typeName');
      touch(plan, collection, 'delete');
      plan.operations.push({ op: 'delete', collection: collection.id, filter: { filter: filterOf(action.filter, collection, undefined) } });
      return;
    }
  }
}

export async function transaction(request: TransactionRequest, env: WfsEnv): Promise<WfsResponse> {
  // A lockId that is not (or no longer) a lock is refused before anything is read.
  if (request.lockId !== undefined) await env.locks.check(request.lockId, env.subject);
  const plan: Plan = { operations: [], inserts: [], replaced: [], access: new Map() };
  for (const [i, action] of request.actions.entries()) {
    if (request.version === '1.1.0' && action.kind === 'replace') throw invalidParameterValue(locatorOf(action, i), 'Replace is a WFS 2.0 action');
    await planAction(action, i, request, env, plan);
  }
  // Writes need a permit; anonymous clients are asked to authenticate (401 with the challenge).
  for (const { collection, actions } of plan.access.values()) {
    for (const action of actions) {
      await env.auth.enforce(env.ctx, { type: 'feature-collection', service: 'features', id: collection.id, ...(collection.owner !== undefined ? { owner: collection.owner } : {}), attributes: { visibility: collection.visibility } }, action);
    }
  }
  let result = { inserted: [] as string[], updated: 0, replaced: 0, deleted: 0 };
  // The lock is checked again, and released (ALL) or narrowed (SOME), inside the write's own database transaction.
  const lock = request.lockId !== undefined ? { id: request.lockId, release: request.releaseAction === 'ALL' ? ('all' as const) : ('some' as const) } : undefined;
  if (plan.operations.length > 0) {
    try {
      result = await env.features.transaction(plan.operations, env.subject, lock ? { lock } : {});
    } catch (err) {
      throw engineErrorToOws(err, { typeLocator: 'typeName', queryLocator: request.handle ?? 'Transaction', write: true });
    }
  } else if (lock) {
    await env.locks.releaseUntouched(lock.id, env.subject, lock.release);
  }
  // Inserted ids come back in operation order; each insert group takes its count.
  const insertedFeatures: Array<{ handle?: string; rid: string }> = [];
  let at = 0;
  for (const group of plan.inserts) {
    for (const id of result.inserted.slice(at, at + group.count)) insertedFeatures.push({ handle: group.handle, rid: gmlId(group.collection, id) });
    at += group.count;
  }
  const response = request.version === '2.0.0' ? response20(result, insertedFeatures, plan, request.writtenIn11Namespace === true) : request.answerAs100 ? response100(request, insertedFeatures) : response11(result, insertedFeatures);
  return { contentType: XML_CONTENT_TYPE, body: serializeXml(response) };
}

/** WFS 1.0.0's WFS_TransactionResponse (what QGIS reads after its 1.0.0 Transactions): inserted ids, then SUCCESS. Failures are exception reports. */
function response100(request: TransactionRequest, inserted: Array<{ handle?: string; rid: string }>) {
  return el(
    'wfs:WFS_TransactionResponse',
    { 'xmlns:wfs': PROFILES['1.1.0'].wfsNs, 'xmlns:ogc': NS.ogc, version: '1.0.0' },
    inserted.length > 0 && el('wfs:InsertResult', null, inserted.map((f) => el('ogc:FeatureId', { fid: f.rid }))),
    el('wfs:TransactionResult', { handle: request.handle }, el('wfs:Status', null, el('wfs:SUCCESS'))),
  );
}

/**
 * WFS 2.0's TransactionResponse. `alsoFeatureIds` (a 2.0 Transaction GDAL wrote, in the 1.1.0
 * namespace): each inserted feature's fes:ResourceId is followed by an ogc:FeatureId of the same
 * id. GDAL reads single inserts' ids from ResourceId, but the ids of a batched commit (ogr2ogr
 * -append, several features in one Insert) from FeatureId/@fid alone, and fails the batch
 * ("Cannot find fid") without it. Requests in the 2.0 namespace get the plain 2.0 response.
 */
function response20(result: { updated: number; replaced: number; deleted: number }, inserted: Array<{ handle?: string; rid: string }>, plan: Plan, alsoFeatureIds: boolean) {
  const profile = PROFILES['2.0.0'];
  const ids = (rid: string) => [el('fes:ResourceId', { rid }), alsoFeatureIds && el('ogc:FeatureId', { fid: rid })];
  return el(
    'wfs:TransactionResponse',
    { 'xmlns:wfs': profile.wfsNs, 'xmlns:fes': NS.fes20, ...(alsoFeatureIds ? { 'xmlns:ogc': NS.ogc } : {}), 'xmlns:xsi': NS.xsi, 'xsi:schemaLocation': profile.wfsSchema, version: '2.0.0' },
    el(
      'wfs:TransactionSummary',
      null,
      el('wfs:totalInserted', null, inserted.length),
      el('wfs:totalUpdated', null, result.updated),
      el('wfs:totalReplaced', null, result.replaced),
      el('wfs:totalDeleted', null, result.deleted),
    ),
    inserted.length > 0 && el('wfs:InsertResults', null, inserted.map((f) => el('wfs:Feature', { handle: f.handle }, ids(f.rid)))),
    plan.replaced.length > 0 && el('wfs:ReplaceResults', null, plan.replaced.map((f) => el('wfs:Feature', { handle: f.handle }, el('fes:ResourceId', { rid: gmlId(f.collection, f.id) })))),
  );
}

function response11(result: { updated: number; replaced: number; deleted: number }, inserted: Array<{ handle?: string; rid: string }>) {
  const profile = PROFILES['1.1.0'];
  return el(
    'wfs:TransactionResponse',
    { 'xmlns:wfs': profile.wfsNs, 'xmlns:ogc': NS.ogc, 'xmlns:xsi': NS.xsi, 'xsi:schemaLocation': profile.wfsSchema, version: '1.1.0' },
    el(
      'wfs:TransactionSummary',
      null,
      el('wfs:totalInserted', null, inserted.length),
      el('wfs:totalUpdated', null, result.updated + result.replaced),
      el('wfs:totalDeleted', null, result.deleted),
    ),
    inserted.length > 0 && el('wfs:InsertResults', null, inserted.map((f) => el('wfs:Feature', { handle: f.handle }, el('ogc:FeatureId', { fid: f.rid })))),
  );
}
