/**
 * Transactions: every operation of one call in one database transaction. Everything is checked
 * before it is written (unknown properties, value types, geometry validity and type, duplicate
 * ids); any failure throws a FeaturesError with a locator, the transaction rolls back and
 * nothing is written.
 */
import type { Knex } from 'knex';
import type { Subject } from '../../core/auth/types.js';
import type { Filter } from '../../core/filter/index.js';
import type { Database, GeoJSONGeometry } from '../../core/storage/db/types.js';
import { FeaturesError } from './errors.js';
import { bboxOf, checkedGeometry, transformGeometry, unionBbox } from './geometry.js';
import { planRead, recordOfRow, rowId, type ReadLimits } from './query.js';
import { extentColumns, layoutOfRow, type RegistryRow } from './registry.js';
import { canonicalCrs, CRS84_ID, EXTENT_COLUMNS, INDEX_OPTIONS, NATIVE_GEOMETRY_COLUMN, propertyColumn, REGISTRY_TABLE, type CollectionLayout } from './schema.js';
import { columnValue } from './values.js';
import { encodeWkb } from '../../core/storage/db/geometry/index.js';
import type { Bbox, FeatureInput, FeatureQuery, TouchedFeatures, TransactionOperation, TransactionOptions, TransactionResult, WriteGuard } from './types.js';

/** Bound values per statement, under SQLite's limit (32766) and PostgreSQL's (65535). */
const MAX_BINDINGS = 30000;
const MAX_ROWS_PER_INSERT = 500;
const ID_CHUNK = 1000;
const MAX_ID_LENGTH = 255;

/** What a write may do on one collection: its layout and the access filters its action carries. */
export interface WriteTarget {
  row: RegistryRow;
  layout: CollectionLayout;
  /** Per action: the filter obligations restricting which features it touches. */
  filters: Partial<Record<'create' | 'update' | 'delete', Filter[]>>;
}

/** Per collection, what the transaction changed (for the registry and change events). */
interface CollectionChanges {
  inserted: number;
  deleted: number;
  /** Something other than inserts happened: the extent cache must be recomputed. */
  stale: boolean;
  bbox: Bbox | null;
  nativeBbox: Bbox | null;
  temporal: { start: string | null; end: string | null } | null;
  nextSeq: number;
}

export async function runTransaction(
  db: Database,
  operations: TransactionOperation[],
  targets: Map<string, WriteTarget>,
  subject: Subject,
  limits: ReadLimits,
  guarded: { guards: WriteGuard[]; options: TransactionOptions } = { guards: [], options: {} },
): Promise<{ result: TransactionResult; touched: string[] }> {
  const result: TransactionResult = { inserted: [], updated: 0, replaced: 0, deleted: 0 };
  const now = new Date().toISOString();
  const touched = await db.knex.transaction(async (trx) => {
    const changes = new Map<string, CollectionChanges>();
    // The existing features changed, for the write guards (collected only when there are guards).
    const features: TouchedFeatures = new Map();
    const note = (collection: string, rows: SelectedRow[]) => {
      if (guarded.guards.length === 0 || rows.length === 0) return;
      const list = features.get(collection) ?? [];
      for (const r of rows) list.push(r.fid);
      features.set(collection, list);
    };
    // Lock the registry rows (PostgreSQL) and check the collections did not change meanwhile.
    for (const [id, target] of targets) {
      const q = trx(REGISTRY_TABLE).where({ collection_id: id });
      if (db.dialect === 'postgres') q.forUpdate();
      const row = (await q.first()) as RegistryRow | undefined;
      if (!row || Number(row.id) !== target.layout.key) throw new FeaturesError('NoSuchCollection', `No feature collection '${id}'`, { locator: 'collection' });
      target.row = row;
      changes.set(id, { inserted: 0, deleted: 0, stale: false, bbox: null, nativeBbox: null, temporal: null, nextSeq: Number(row.next_seq) });
    }
    for (const [i, op] of operations.entries()) {
      const target = targets.get(op.collection)!;
      const change = changes.get(op.collection)!;
      const at = operations.length > 1 ? ` (operation ${i + 1})` : '';
      switch (op.op) {
        case 'insert': {
          const ids = await insertFeatures(db, trx, target.layout, op.features, op.crs, subject, now, change, at);
          result.inserted.push(...ids);
          break;
        }
        case 'update':
          result.updated += await updateFeatures(db, trx, target, op, now, change, limits, (rows) => note(op.collection, rows));
          break;
        case 'replace':
          result.replaced += await replaceFeature(db, trx, target, op, now, change, limits, at, (rows) => note(op.collection, rows));
          break;
        case 'delete': {
          const selected = await selectIds(db, trx, target.layout, op.filter, target.filters.delete ?? [], limits);
          note(op.collection, selected);
          const ids = selected.map((r) => r.id);
          for (let j = 0; j < ids.length; j += ID_CHUNK) await trx(target.layout.table).whereIn('id', ids.slice(j, j + ID_CHUNK)).delete();
          result.deleted += ids.length;
          change.deleted += ids.length;
          if (ids.length > 0) change.stale = true;
          break;
        }
      }
    }
    for (const guard of guarded.guards) await guard(trx, features, subject, guarded.options);
    const touched: string[] = [];
    for (const [id, target] of targets) {
      const c = changes.get(id)!;
      const row = target.row;
      const update: Record<string, unknown> = { updated: now, version: trx.raw('version + 1'), next_seq: c.nextSeq };
      if (c.stale) update.extent_stale = true;
      else if (c.inserted > 0) {
        const extent = {
          count: Number(row.feature_count) + c.inserted - c.deleted,
          bbox: unionBbox(row.bbox ? (JSON.parse(row.bbox) as Bbox) : null, c.bbox),
          nativeBbox: unionBbox(row.native_bbox ? (JSON.parse(row.native_bbox) as Bbox) : null, c.nativeBbox),
          temporal: mergeTemporal(row.temporal ? JSON.parse(row.temporal) : null, c.temporal),
        };
        Object.assign(update, extentColumns(extent));
      }
      if (c.stale || c.inserted > 0) update.feature_count = trx.raw('feature_count + ?', [c.inserted - c.deleted]);
      await trx(REGISTRY_TABLE).where({ id: row.id }).update(update);
      touched.push(id);
    }
    return touched;
  });
  return { result, touched };
}

function mergeTemporal(a: { start: string | null; end: string | null } | null, b: { start: string | null; end: string | null } | null) {
  if (!a) return b;
  if (!b) return a;
  const min = (x: string | null, y: string | null) => (x === null ? y : y === null ? x : x < y ? x : y);
  const max = (x: string | null, y: string | null) => (x === null ? y : y === null ? x : x > y ? x : y);
  return { start: min(a.start, b.start), end: max(a.end, b.end) };
}

/** A geometry in the storage CRS and in CRS:84, and the column values of both. */
interface PreparedGeometry {
  native: GeoJSONGeometry | null;
  lonLat: GeoJSONGeometry | null;
}

function prepareGeometry(layout: CollectionLayout, value: unknown, crs: string | undefined, locator: string): PreparedGeometry {
  if (value === null || value === undefined) return { native: null, lonLat: null };
  const d = layout.definition;
  const inCrs = crs === undefined ? d.crs : canonicalCrs(crs, 'crs');
  const given = checkedGeometry(value, d.geometryType, locator);
  const native = transformGeometry(given, inCrs, d.crs, locator);
  const lonLat = layout.native ? transformGeometry(native, d.crs, CRS84_ID, locator) : native;
  return { native, lonLat };
}

function geometryColumns(db: Database, layout: CollectionLayout, g: PreparedGeometry): Record<string, unknown> {
  const out: Record<string, unknown> = db.spatialIndex(layout.table, INDEX_OPTIONS).rowValues(g.lonLat);
  if (layout.native) out[NATIVE_GEOMETRY_COLUMN] = g.native ? encodeWkb(g.native) : null;
  const box = g.native ? bboxOf(g.native) : [null, null, null, null];
  EXTENT_COLUMNS.forEach((c, i) => (out[c] = box[i]));
  return out;
}

function noteGeometry(change: CollectionChanges, g: PreparedGeometry): void {
  if (!g.native || !g.lonLat) return;
  change.nativeBbox = unionBbox(change.nativeBbox, bboxOf(g.native));
  change.bbox = unionBbox(change.bbox, bboxOf(g.lonLat));
}

/** Property values as columns; unknown names are refused. `all`: every property (absent ones null). */
function propertyColumns(db: Database, layout: CollectionLayout, properties: Record<string, unknown> | undefined, all: boolean, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const given = properties ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) throw new FeaturesError('InvalidValue', `properties must be an object${where}`, { locator: 'properties' });
  for (const name of Object.keys(given)) {
    if (!layout.properties.has(name)) throw new FeaturesError('UnknownProperty', `Collection '${layout.definition.id}' has no property '${name}'${where}`, { locator: name });
  }
  for (const p of layout.definition.properties) {
    if (!all && !Object.prototype.hasOwnProperty.call(given, p.name)) continue;
    try {
      out[propertyColumn(p.name)] = columnValue(db, p, given[p.name]);
    } catch (err) {
      if (err instanceof FeaturesError) throw new FeaturesError(err.featuresCode, `${err.message}${where}`, { locator: err.locator });
      throw err;
    }
  }
  return out;
}

function noteTemporal(layout: CollectionLayout, change: CollectionChanges, properties: Record<string, unknown>): void {
  const name = layout.definition.temporalProperty;
  if (!name) return;
  const v = properties[propertyColumn(name)];
  if (v === null || v === undefined) return;
  const iso = v instanceof Date ? v.toISOString() : String(v);
  change.temporal = mergeTemporal(change.temporal, { start: iso, end: iso });
}

async function insertFeatures(
  db: Database,
  trx: Knex.Transaction,
  layout: CollectionLayout,
  features: FeatureInput[],
  crs: string | undefined,
  subject: Subject,
  now: string,
  change: CollectionChanges,
  at: string,
): Promise<string[]> {
  if (!Array.isArray(features)) throw new FeaturesError('InvalidValue', `insert: features must be an array${at}`, { locator: 'features' });
  const table = layout.table;
  const owner = subject.anonymous ? null : subject.id;
  const given = new Set<string>();
  const rows: Array<Record<string, unknown>> = [];
  const geometries: PreparedGeometry[] = [];
  for (const [j, f] of features.entries()) {
    const where = `${at} (feature ${j + 1})`;
    if (!f || typeof f !== 'object') throw new FeaturesError('InvalidValue', `A feature must be an object${where}`, { locator: 'feature' });
    if (f.id !== undefined && f.id !== null) {
      if (typeof f.id !== 'string' || f.id.length === 0 || f.id.length > MAX_ID_LENGTH || /[\u0000-\u001f]/.test(f.id)) {
        throw new FeaturesError('InvalidValue', `Feature id ${JSON.stringify(f.id)} must be a non-empty string of at most ${MAX_ID_LENGTH} characters${where}`, { locator: 'id' });
      }
      if (given.has(f.id)) throw new FeaturesError('DuplicateId', `Feature id '${f.id}' is given twice${where}`, { locator: f.id });
      given.add(f.id);
    }
    const props = propertyColumns(db, layout, f.properties, true, where);
    const g = prepareGeometry(layout, f.geometry, crs, 'geometry');
    geometries.push(g);
    rows.push({ fid: f.id ?? null, owner, created: now, updated: now, ...props, ...geometryColumns(db, layout, g) });
    noteGeometry(change, g);
    noteTemporal(layout, change, props);
  }
  // Given ids must be free; generated ones skip any number a given id took.
  const givenIds = [...given];
  for (let j = 0; j < givenIds.length; j += ID_CHUNK) {
    const taken = (await trx(table).whereIn('fid', givenIds.slice(j, j + ID_CHUNK)).select('fid').first()) as { fid: string } | undefined;
    if (taken) throw new FeaturesError('DuplicateId', `Feature id '${taken.fid}' already exists in '${layout.definition.id}'`, { locator: taken.fid });
  }
  const missing = rows.filter((r) => r.fid === null);
  let k = 0;
  while (k < missing.length) {
    const candidates: string[] = [];
    for (let n = 0; n < missing.length - k; n++) candidates.push(`${layout.definition.id}.${change.nextSeq + n}`);
    change.nextSeq += candidates.length;
    const taken = new Set<string>();
    for (let j = 0; j < candidates.length; j += ID_CHUNK) {
      for (const r of (await trx(table).whereIn('fid', candidates.slice(j, j + ID_CHUNK)).select('fid')) as Array<{ fid: string }>) taken.add(r.fid);
    }
    for (const c of candidates) if (!taken.has(c) && !given.has(c)) missing[k++]!.fid = c;
  }
  const columns = Object.keys(rows[0] ?? {}).length || 1;
  const chunk = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_BINDINGS / columns)));
  const index = db.spatialIndex(table, INDEX_OPTIONS);
  for (let j = 0; j < rows.length; j += chunk) {
    const part = rows.slice(j, j + chunk);
    const stored = (await trx(table).insert(part).returning(['id', 'fid'])) as Array<{ id: number | string; fid: string }>;
    const idOf = new Map(stored.map((s) => [s.fid, Number(s.id)]));
    await index.written(
      part.map((r, m) => ({ id: idOf.get(r.fid as string)!, geometry: geometries[j + m]!.lonLat })),
      trx,
    );
  }
  change.inserted += rows.length;
  return rows.map((r) => r.fid as string);
}

/** A row a write selected: its row id and its feature id. */
interface SelectedRow {
  id: number;
  fid: string;
}

/** Rows a write's query selects (all of them: no paging), with the action's access filters. */
async function selectIds(db: Database, trx: Knex.Transaction, layout: CollectionLayout, query: FeatureQuery, access: Filter[], limits: ReadLimits): Promise<SelectedRow[]> {
  if (!query || typeof query !== 'object') throw new FeaturesError('InvalidQuery', 'A write needs a query (filter) saying which features', { locator: 'filter' });
  const plan = planRead(db, layout, { ...query, limit: undefined, offset: undefined, sortBy: undefined, skipGeometry: true }, access, limits, { paging: false });
  if (!plan.exactCheck) {
    const rows = (await plan.base(trx).select(`${layout.table}.id as id`, `${layout.table}.fid as fid`).orderBy(`${layout.table}.id`)) as Array<{ id: number | string; fid: string }>;
    return rows.map((r) => ({ id: Number(r.id), fid: String(r.fid) }));
  }
  const rows = (await plan.rows(trx)) as Array<Record<string, unknown>>;
  return rows.flatMap((r) => {
    const record = recordOfRow(layout, r);
    return plan.exactCheck!(record) ? [{ id: rowId(r), fid: record.id }] : [];
  });
}

async function updateFeatures(
  db: Database,
  trx: Knex.Transaction,
  target: WriteTarget,
  op: Extract<TransactionOperation, { op: 'update' }>,
  now: string,
  change: CollectionChanges,
  limits: ReadLimits,
  note: (rows: SelectedRow[]) => void,
): Promise<number> {
  const layout = target.layout;
  const values: Record<string, unknown> = { updated: now, ...propertyColumns(db, layout, op.properties, false, '') };
  const setsGeometry = op.geometry !== undefined;
  const g = setsGeometry ? prepareGeometry(layout, op.geometry, op.crs, 'geometry') : undefined;
  if (g) Object.assign(values, geometryColumns(db, layout, g));
  const selected = await selectIds(db, trx, layout, op.filter, target.filters.update ?? [], limits);
  note(selected);
  const ids = selected.map((r) => r.id);
  const index = db.spatialIndex(layout.table, INDEX_OPTIONS);
  for (let j = 0; j < ids.length; j += ID_CHUNK) {
    const part = ids.slice(j, j + ID_CHUNK);
    await trx(layout.table).whereIn('id', part).update(values);
    if (g) await index.written(part.map((id) => ({ id, geometry: g.lonLat })), trx);
  }
  if (ids.length > 0) change.stale = true;
  return ids.length;
}

async function replaceFeature(
  db: Database,
  trx: Knex.Transaction,
  target: WriteTarget,
  op: Extract<TransactionOperation, { op: 'replace' }>,
  now: string,
  change: CollectionChanges,
  limits: ReadLimits,
  at: string,
  note: (rows: SelectedRow[]) => void,
): Promise<number> {
  const layout = target.layout;
  if (typeof op.id !== 'string') throw new FeaturesError('InvalidValue', `replace: id must be a string${at}`, { locator: 'id' });
  const f = op.feature;
  if (!f || typeof f !== 'object') throw new FeaturesError('InvalidValue', `replace: feature must be an object${at}`, { locator: 'feature' });
  if (f.id !== undefined && f.id !== null && f.id !== op.id) throw new FeaturesError('InvalidValue', `replace: the feature's id '${f.id}' is not '${op.id}'${at}`, { locator: 'id' });
  const values: Record<string, unknown> = { updated: now, ...propertyColumns(db, layout, f.properties, true, at) };
  const g = prepareGeometry(layout, f.geometry, op.crs, 'geometry');
  Object.assign(values, geometryColumns(db, layout, g));
  const selected = await selectIds(db, trx, layout, { ids: [op.id] }, target.filters.update ?? [], limits);
  note(selected);
  const id = selected[0]?.id;
  if (id === undefined) throw new FeaturesError('NoSuchFeature', `No feature '${op.id}' in '${layout.definition.id}'${at}`, { locator: op.id });
  await trx(layout.table).where({ id }).update(values);
  await db.spatialIndex(layout.table, INDEX_OPTIONS).written([{ id, geometry: g.lonLat }], trx);
  change.stale = true;
  return 1;
}

export { layoutOfRow };
