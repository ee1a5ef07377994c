/**
 * Reads: a FeatureQuery (with the access filters) as one SQL query on the collection's table.
 * Bbox, ids, datetime and the filter become one core/filter AST that translateFilter turns into
 * SQL: the R*Tree or GiST prefilter, then the exact spatial test in SQL (PostGIS ST_*, SQLite's
 * spatial functions). Where the SQL can only prefilter (needsExactCheck) rows are checked in
 * memory and paging happens here. Order: the sort keys (missing values last), then the row id,
 * so pages never overlap or skip.
 */
import type { Knex } from 'knex';
import { CRS84, compileFilter, FilterError, propertiesOf, translateFilter, UnknownQueryableError, type Filter, type QueryableColumn, type RecordPredicate, type SqlFilter } from '../../core/filter/index.js';
import { parseInstant, transformBbox } from '../../core/ows/index.js';
import type { Database, GeoJSONGeometry } from '../../core/storage/db/types.js';
import { FeaturesError } from './errors.js';
import { transformGeometry } from './geometry.js';
import { canonicalCrs, CRS84_ID, GEOMETRY_NAME, ID_NAME, INDEX_GEOMETRY_COLUMN, INDEX_OPTIONS, isLonLat, NATIVE_GEOMETRY_COLUMN, OWNER_QUERYABLE, propertyColumn, queryablesOf, type CollectionLayout } from './schema.js';
import { propertyValue } from './values.js';
import { storedGeometry } from '../../core/storage/db/geometry/index.js';
import { FEATURES_SQLITE_FUNCTIONS } from './spatial-functions.js';
import { foldConstants } from './constant-filter.js';
import { boxesOfBboxFilter, countIntersectingBoxes, whereIntersectsBoxes } from './sqlite-bbox.js';
import type { Bbox, Feature, FeatureQuery, PropertyDefinition } from './types.js';

export interface ReadLimits {
  defaultLimit: number;
  maxLimit: number;
}

/** Internal aliases of the selected columns (no property column can be named so: they start with 'p_'). */
const ROW_ID = 'r_id';
const ROW_FID = 'r_fid';
const ROW_OWNER = 'r_owner';
const ROW_GEOMETRY = 'r_geom';
const ROW_INDEX_GEOMETRY = 'r_igeom';

export interface ReadPlan {
  layout: CollectionLayout;
  sql: SqlFilter;
  /** Set when the SQL selects a superset: rows must pass it, and paging is done on the rows that do. */
  exactCheck?: RecordPredicate;
  limit: number;
  offset: number;
  /** The restricted rows, without select or order (for counts). */
  base(k: Knex | Knex.Transaction): Knex.QueryBuilder;
  /** The number of restricted rows, as a query answering one row `{ n }` (what the SQL selects, before any exact check). */
  count(k: Knex | Knex.Transaction): Knex.QueryBuilder;
  /** The rows selected and ordered; `window` is the SQL LIMIT/OFFSET (none when absent). */
  rows(k: Knex | Knex.Transaction, window?: { limit: number; offset: number }): Knex.QueryBuilder;
  /** A selected row as a feature (geometry in the output CRS). */
  feature(row: Record<string, unknown>): Feature;
}

export function planRead(db: Database, layout: CollectionLayout, query: FeatureQuery, access: Filter[], limits: ReadLimits, options: { paging?: boolean } = {}): ReadPlan {
  const { limit, offset } = options.paging === false ? { limit: Number.POSITIVE_INFINITY, offset: 0 } : pageOf(query, limits);
  const table = layout.table;
  // Fixes the index's options before translateFilter asks for it.
  db.spatialIndex(table, INDEX_OPTIONS);
  const queryables = queryablesOf(layout);
  // SQLite: the BBOX as an R*Tree query of its own that tests exactly only the rows on its edges (sqlite-bbox.ts).
  const bbox = !query.bbox ? undefined : bboxFilter(query.bbox, query.bboxCrs);
  const sqliteBoxes = bbox && db.dialect === 'sqlite' ? boxesOfBboxFilter(bbox) : undefined;
  // Access conditions already true for this collection are no conditions (constant-filter.ts).
  const conditions = access.map(foldConstants).filter((f) => !(f.op === 'constant' && f.value === true));
  const filter = combinedFilter(layout, query, conditions, sqliteBoxes ? undefined : bbox);
  let sql: SqlFilter;
  try {
    // SQLite: the exact spatial tests by JSTS (spatial-functions.ts).
    sql = translateFilter(filter, { db, table, queryables, id: { column: `${table}.fid`, type: 'string' }, locator: 'filter', sqliteFunctions: FEATURES_SQLITE_FUNCTIONS });
  } catch (err) {
    if (err instanceof UnknownQueryableError && layout.properties.get(err.queryable)?.type === 'json') {
      throw new FeaturesError('InvalidQuery', `Property '${err.queryable}' (json) cannot be filtered on`, { locator: err.queryable, cause: err });
    }
    throw asQueryError(err);
  }
  const selected = selectedProperties(layout, query);
  const sort = sortTerms(db, layout, query);
  const outCrs = query.crs === undefined ? layout.definition.crs : canonicalCrs(query.crs, 'crs');
  // Read the column already in the output CRS when there is one; else the storage CRS's.
  const fromNative = layout.native && !isLonLat(outCrs);
  const sourceCrs = fromNative ? layout.definition.crs : CRS84_ID;
  const needsTransform = !(sourceCrs === outCrs || (isLonLat(sourceCrs) && isLonLat(outCrs)));
  const exactCheck = sql.needsExactCheck ? compileFilter(sql.filter) : undefined;
  const indexGeometry = (k: Knex | Knex.Transaction) => (db.postgis ? k.raw('ST_AsBinary(??) AS ??', [`${table}.${INDEX_GEOMETRY_COLUMN}`, ROW_INDEX_GEOMETRY]) : k.raw('?? AS ??', [`${table}.${INDEX_GEOMETRY_COLUMN}`, ROW_INDEX_GEOMETRY]));

  const base = (k: Knex | Knex.Transaction): Knex.QueryBuilder => {
    const qb = k(table);
    if (sqliteBoxes) whereIntersectsBoxes(qb, table, sqliteBoxes);
    const split = db.postgis ? sql.split : undefined;
    if (!split) return sql.apply(qb);
    // PostGIS: the exact spatial tests outside an optimisation fence (core/filter SqlFilter.split),
    // as the catalogue does, so the planner narrows by its best index first.
    split.prefilter(qb);
    const fenced = k.from(k.raw('(? OFFSET 0) AS ??', [qb.select(`${table}.*`), table]));
    return split.exact(fenced);
  };

  // A BBOX and nothing else (no filter, no access condition): the R*Tree counts alone.
  const bboxOnly = sqliteBoxes !== undefined && filter.op === 'constant' && filter.value === true;
  const count = (k: Knex | Knex.Transaction): Knex.QueryBuilder => (bboxOnly ? countIntersectingBoxes(k, table, sqliteBoxes) : base(k).count({ n: '*' }));

  const rows = (k: Knex | Knex.Transaction, window?: { limit: number; offset: number }): Knex.QueryBuilder => {
    const qb = base(k);
    const columns: Array<string | Knex.Raw> = [`${table}.id as ${ROW_ID}`, `${table}.fid as ${ROW_FID}`];
    const props = exactCheck ? layout.definition.properties : selected;
    for (const p of props) {
      const c = propertyColumn(p.name);
      // jsonb as its text, so both databases hand JSON text to propertyValue.
      columns.push(p.type === 'json' && db.dialect === 'postgres' ? k.raw('??::text AS ??', [`${table}.${c}`, c]) : `${table}.${c} as ${c}`);
    }
    if (exactCheck) columns.push(`${table}.owner as ${ROW_OWNER}`, indexGeometry(k));
    if (!query.skipGeometry) {
      if (fromNative) columns.push(`${table}.${NATIVE_GEOMETRY_COLUMN} as ${ROW_GEOMETRY}`);
      else if (!exactCheck) columns.push(indexGeometry(k));
    }
    qb.select(columns);
    for (const t of sort) qb.orderByRaw(`(?? IS NULL) ASC, ??${t.collate} ${t.direction}`, [t.column, t.column]);
    qb.orderBy(`${table}.id`, 'asc');
    if (window) {
      if (Number.isFinite(window.limit)) qb.limit(window.limit);
      if (window.offset > 0) qb.offset(window.offset);
    }
    return qb;
  };

  const feature = (row: Record<string, unknown>): Feature => {
    const properties: Record<string, unknown> = {};
    for (const p of selected) properties[p.name] = propertyValue(p, row[propertyColumn(p.name)]);
    let geometry: GeoJSONGeometry | null = null;
    if (!query.skipGeometry) {
      const stored = decodeGeometry(fromNative ? row[ROW_GEOMETRY] : row[ROW_INDEX_GEOMETRY]);
      geometry = stored && needsTransform ? transformGeometry(stored, sourceCrs, outCrs, 'crs') : stored;
    }
    return { id: String(row[ROW_FID]), geometry, properties };
  };
  return { layout, sql, exactCheck, limit, offset, base, count, rows, feature };
}

/** The record an in-memory check reads from a row selected with every property (see `rows`). */
export function recordOfRow(layout: CollectionLayout, row: Record<string, unknown>): { id: string; properties: Record<string, unknown>; geometry: GeoJSONGeometry | null } {
  const properties: Record<string, unknown> = {};
  for (const p of layout.definition.properties) {
    if (p.type === 'json') continue;
    properties[p.name] = propertyValue(p, row[propertyColumn(p.name)]);
  }
  properties[ID_NAME] = String(row[ROW_FID]);
  properties[OWNER_QUERYABLE] = row[ROW_OWNER] ?? null;
  return { id: String(row[ROW_FID]), properties, geometry: decodeGeometry(row[ROW_INDEX_GEOMETRY]) };
}

export function rowId(row: Record<string, unknown>): number {
  return Number(row[ROW_ID]);
}

/** A stored geometry: WKB bytes (PostGIS ST_AsBinary, SQLite's index column, the storage-CRS column) or GeoJSON text. */
export function decodeGeometry(value: unknown): GeoJSONGeometry | null {
  return storedGeometry(value);
}

function pageOf(query: FeatureQuery, limits: ReadLimits): { limit: number; offset: number } {
  const limit = query.limit ?? limits.defaultLimit;
  const offset = query.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 0) throw new FeaturesError('InvalidQuery', 'limit must be a non-negative integer', { locator: 'limit' });
  if (!Number.isInteger(offset) || offset < 0) throw new FeaturesError('InvalidQuery', 'offset must be a non-negative integer', { locator: 'offset' });
  return { limit: Math.min(limit, limits.maxLimit), offset };
}

function selectedProperties(layout: CollectionLayout, query: FeatureQuery): PropertyDefinition[] {
  if (query.properties === undefined) return layout.definition.properties;
  const out: PropertyDefinition[] = [];
  for (const name of query.properties) {
    if (name === GEOMETRY_NAME || name === ID_NAME) continue;
    const p = layout.properties.get(name);
    if (!p) throw new FeaturesError('UnknownProperty', `Collection '${layout.definition.id}' has no property '${name}'`, { locator: name });
    if (!out.includes(p)) out.push(p);
  }
  // In the collection's order, whatever order the request named them in.
  return layout.definition.properties.filter((p) => out.includes(p));
}

interface SortTerm {
  column: string;
  direction: 'ASC' | 'DESC';
  collate: string;
}

function sortTerms(db: Database, layout: CollectionLayout, query: FeatureQuery): SortTerm[] {
  return (query.sortBy ?? []).map((key) => {
    const direction = key.direction === 'desc' ? 'DESC' : 'ASC';
    if (key.direction !== undefined && key.direction !== 'asc' && key.direction !== 'desc') throw new FeaturesError('InvalidQuery', `Sort direction must be 'asc' or 'desc'`, { locator: 'sortBy' });
    if (key.property === ID_NAME) return { column: `${layout.table}.fid`, direction, collate: db.dialect === 'postgres' ? ' COLLATE "C"' : '' };
    const p = layout.properties.get(key.property);
    if (!p) throw new FeaturesError('UnknownProperty', `Collection '${layout.definition.id}' has no property '${key.property}' to sort by`, { locator: key.property });
    if (p.type === 'json') throw new FeaturesError('InvalidQuery', `Property '${key.property}' (json) cannot be sorted by`, { locator: 'sortBy' });
    // PostgreSQL orders text by its collation; "C" orders as JS and SQLite do.
    const collate = db.dialect === 'postgres' && p.type === 'string' ? ' COLLATE "C"' : '';
    return { column: `${layout.table}.${propertyColumn(p.name)}`, direction, collate };
  });
}

/** The query's bbox, ids, datetime and filter with the access filters, as one AND. */
function combinedFilter(layout: CollectionLayout, query: FeatureQuery, access: Filter[], bbox: Filter | undefined): Filter {
  const args: Filter[] = [];
  if (query.filter) {
    // The owner column is the access filters' alone.
    if (propertiesOf(query.filter).has(OWNER_QUERYABLE)) throw new FeaturesError('UnknownProperty', `Unknown property '${OWNER_QUERYABLE}'`, { locator: OWNER_QUERYABLE });
    args.push(query.filter);
  }
  if (bbox) args.push(bbox);
  if (query.ids) args.push({ op: 'ids', ids: query.ids.map(String) });
  if (query.datetime) args.push(datetimeFilter(layout, query.datetime));
  args.push(...access);
  if (args.length === 0) return { op: 'constant', value: true };
  return args.length === 1 ? args[0]! : { op: 'and', args };
}

/** A box in x/y of its CRS as a CRS:84 bbox filter; one across the antimeridian as two. */
function bboxFilter(bbox: Bbox, crs: string | undefined): Filter {
  if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    throw new FeaturesError('InvalidQuery', 'bbox must be four finite numbers', { locator: 'bbox' });
  }
  const crsId = canonicalCrs(crs, 'bbox-crs');
  let box: Bbox = [...bbox];
  if (box[1] > box[3]) throw new FeaturesError('InvalidQuery', 'bbox: miny is larger than maxy', { locator: 'bbox' });
  if (!isLonLat(crsId)) {
    if (box[0] > box[2]) throw new FeaturesError('InvalidQuery', 'bbox: minx is larger than maxx', { locator: 'bbox' });
    try {
      box = transformBbox(box, crsId, CRS84_ID, { locator: 'bbox' });
    } catch (err) {
      throw new FeaturesError('InvalidQuery', (err as Error).message, { locator: 'bbox', cause: err });
    }
  }
  const geometry = { kind: 'property' as const, name: GEOMETRY_NAME, path: [GEOMETRY_NAME] };
  if (box[0] <= box[2]) return { op: 'bbox', expr: geometry, bbox: box, crs: CRS84 };
  // minx > maxx in longitude: the box crosses the antimeridian.
  return {
    op: 'or',
    args: [
      { op: 'bbox', expr: geometry, bbox: [box[0], box[1], 180, box[3]], crs: CRS84 },
      { op: 'bbox', expr: geometry, bbox: [-180, box[1], box[2], box[3]], crs: CRS84 },
    ],
  };
}

function datetimeFilter(layout: CollectionLayout, datetime: { start: string | null; end: string | null }): Filter {
  const name = layout.definition.temporalProperty;
  if (!name) throw new FeaturesError('InvalidQuery', `Collection '${layout.definition.id}' has no temporal property to match datetime against`, { locator: 'datetime' });
  const at = (text: string | null, which: 'begin' | 'end'): number | null => {
    if (text === null || text === '..' || text === '') return null;
    const t = parseInstant(text);
    if (!t) throw new FeaturesError('InvalidQuery', `datetime: '${text}' is not an ISO 8601 instant`, { locator: 'datetime' });
    return which === 'begin' ? t.begin.getTime() : t.end.getTime();
  };
  const begin = at(datetime.start, 'begin');
  const end = at(datetime.end, 'end');
  if (begin !== null && end !== null && begin > end) throw new FeaturesError('InvalidQuery', 'datetime: the start is after the end', { locator: 'datetime' });
  return {
    op: 'temporal',
    relation: 'intersects',
    left: { kind: 'property', name, path: [name] },
    right: { kind: 'time', text: `${datetime.start ?? '..'}/${datetime.end ?? '..'}`, shape: 'interval', begin, end },
  };
}

/** Filter errors as the features service names them. */
export function asQueryError(err: unknown): unknown {
  if (err instanceof UnknownQueryableError) return new FeaturesError('UnknownProperty', `Unknown property '${err.queryable}'`, { locator: err.queryable, cause: err });
  if (err instanceof FilterError) return new FeaturesError('InvalidQuery', err.message, { locator: err.locator ?? 'filter', cause: err });
  return err;
}

export type { QueryableColumn };
