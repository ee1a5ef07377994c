/**
 * Reads: search, facets. The query's filter, the access filters and the full-text terms go into
 * one SQL query. When the SQL can only prefilter (translateFilter's needsExactCheck: spatial
 * relations without PostGIS, accent folding, arrays), rows are read in batches in sort order and
 * checked in memory, and counts, pages and facets come from the rows that pass.
 */
import type { Knex } from 'knex';
import { BadRequest } from '../../core/errors.js';
import { compileFilter, recordFromRow, translateFilter, type Filter, type QueryableColumn, type SqlFilter } from '../../core/filter/index.js';
import { selectGeometryAsGeoJSON } from '../../core/storage/db/spatial-index.js';
import type { Database } from '../../core/storage/db/types.js';
import { applyFullText, applyKeywordFilters, queryFilter } from './query.js';
import { EFFECTIVE_VISIBILITY_COLUMN, GROUPS_TABLE, KEYWORDS_FACET, KEYWORDS_TABLE, QUERYABLES, RECORDS_TABLE, queryableColumns, queryableSpec } from './schema.js';
import type { CatalogueQuery, CatalogueRecord, FacetValue, SearchResult, SortKey, ValueRange } from './types.js';
import { OPEN_END_TIME } from './write.js';

const SCAN_BATCH = 500;

/** What a read may see: the access filters, and the subject's groups (for group visibility). */
export interface ReadAccess {
  filters: Filter[];
  groups: string[];
}

export interface SearchLimits {
  defaultLimit: number;
  maxLimit: number;
}

interface Plan {
  sql: SqlFilter;
  queryables: Record<string, QueryableColumn>;
  /** A fresh query on the records table with every restriction applied. */
  base(): Knex.QueryBuilder;
}

/**
 * The records as the reader sees them. For a subject in groups, `visibility` is read from a
 * derived table (named like the records table, so every column reference and the spatial index
 * still apply) where a record visible to one of the subject's groups reads as 'public'.
 */
function source(db: Database, groups: string[]): Knex.QueryBuilder {
  if (groups.length === 0) return db.knex(RECORDS_TABLE);
  const member = db.knex(GROUPS_TABLE).select(db.knex.raw('1')).whereRaw('?? = ??', [`${GROUPS_TABLE}.record_id`, `${RECORDS_TABLE}.id`]).whereIn(`${GROUPS_TABLE}.group_name`, groups);
  const effective = db.knex.raw(`CASE WHEN ?? = 'private' AND EXISTS ? THEN 'public' ELSE ?? END AS ??`, [
    `${RECORDS_TABLE}.visibility`,
    member,
    `${RECORDS_TABLE}.visibility`,
    EFFECTIVE_VISIBILITY_COLUMN,
  ]);
  return db.knex.from(db.knex(RECORDS_TABLE).select(`${RECORDS_TABLE}.*`, effective).as(RECORDS_TABLE));
}

function plan(db: Database, query: CatalogueQuery, access: Filter[], groups: string[]): Plan {
  const queryables = queryableColumns(groups.length > 0);
  const sql = translateFilter(queryFilter(query, access), {
    db,
    table: RECORDS_TABLE,
    queryables,
    id: { column: `${RECORDS_TABLE}.identifier`, type: 'string' },
  });
  return {
    sql,
    queryables,
    base() {
      const qb = source(db, groups);
      const split = db.postgis ? sql.split : undefined;
      if (split) split.prefilter(qb);
      else sql.apply(qb);
      applyFullText(db, qb, query.q);
      applyKeywordFilters(db, qb, query.keywordFilters);
      if (!split) return qb;
      // PostGIS: the exact spatial tests outside an optimisation fence (core/filter SqlFilter.split),
      // so the planner narrows by its best index instead of ANDing in every unselective one.
      const fenced = db.knex.from(db.knex.raw('(? OFFSET 0) AS ??', [qb.select(`${RECORDS_TABLE}.*`), RECORDS_TABLE]));
      return split.exact(fenced);
    },
  };
}

interface SortTerm {
  column: string;
  direction: 'ASC' | 'DESC';
  /** PostgreSQL orders text by its collation; "C" orders as JS and SQLite do. */
  collate: string;
}

function sortTerms(db: Database, sortBy: SortKey[] | undefined): SortTerm[] {
  return (sortBy ?? []).map((key) => {
    const spec = queryableSpec(key.field);
    if (!spec || spec.type === 'geometry') throw new BadRequest(`Cannot sort by '${key.field}'`, { code: 'InvalidParameterValue', locator: 'sortBy' });
    return { column: `${RECORDS_TABLE}.${spec.column}`, direction: key.direction === 'desc' ? 'DESC' : 'ASC', collate: db.dialect === 'postgres' && spec.type === 'string' ? ' COLLATE "C"' : '' };
  });
}

/** Sort keys as ORDER BY: missing values last in both directions, then id so pages are stable. */
function applySort(db: Database, qb: Knex.QueryBuilder, sortBy: SortKey[] | undefined): Knex.QueryBuilder {
  for (const t of sortTerms(db, sortBy)) qb.orderByRaw(`(?? IS NULL) ASC, ??${t.collate} ${t.direction}`, [t.column, t.column]);
  return qb.orderBy(`${RECORDS_TABLE}.id`, 'asc');
}

/**
 * A page and the total in one scan: the page's ids with COUNT(*) OVER () (counted before LIMIT)
 * in a subquery, then their records, so only ids and sort keys are held for the count. An empty
 * page past the end says nothing of the total: then it is counted on its own.
 */
async function pageWithTotal(db: Database, trx: Knex.Transaction, p: Plan, sortBy: SortKey[] | undefined, limit: number, offset: number): Promise<{ records: CatalogueRecord[]; total: number }> {
  const count = async () => Number(((await p.base().transacting(trx).count({ n: '*' })) as Array<{ n: number | string }>)[0]?.n ?? 0);
  if (limit === 0) return { records: [], total: await count() };
  const terms = sortTerms(db, sortBy);
  const k = db.knex;
  const inner = p.base().select(`${RECORDS_TABLE}.id as page_id`, k.raw('COUNT(*) OVER () AS ??', ['page_total']));
  terms.forEach((t, i) => inner.select(k.raw('(?? IS NULL) AS ??', [t.column, `page_null${i}`]), k.raw('?? AS ??', [t.column, `page_key${i}`])));
  applySort(db, inner, sortBy).limit(limit).offset(offset);
  const outer = k.from(inner.as('page')).join(`${RECORDS_TABLE} as page_record`, 'page_record.id', 'page.page_id').select('page_record.record', 'page.page_total').transacting(trx);
  terms.forEach((t, i) => outer.orderByRaw(`?? ASC, ??${t.collate} ${t.direction}`, [`page.page_null${i}`, `page.page_key${i}`]));
  const rows = (await outer.orderBy('page.page_id', 'asc')) as Array<{ record: string; page_total: number | string }>;
  if (rows.length === 0) return { records: [], total: offset > 0 ? await count() : 0 };
  return { records: rows.map((r) => JSON.parse(r.record) as CatalogueRecord), total: Number(rows[0]!.page_total) };
}

function pageOf(query: CatalogueQuery, limits: SearchLimits): { limit: number; offset: number } {
  const limit = query.limit ?? limits.defaultLimit;
  const offset = query.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 0 || limit > limits.maxLimit) {
    throw new BadRequest(`limit must be an integer from 0 to ${limits.maxLimit}`, { code: 'InvalidParameterValue', locator: 'limit' });
  }
  if (!Number.isInteger(offset) || offset < 0) throw new BadRequest('offset must be a non-negative integer', { code: 'InvalidParameterValue', locator: 'offset' });
  return { limit, offset };
}

/** The columns the in-memory check reads, the stored record and the geometry as GeoJSON. */
function scanColumns(db: Database, p: Plan): Array<string | Knex.Raw> {
  const columns = [...new Set(Object.values(p.queryables).filter((q) => q.type !== 'geometry').map((q) => q.column))];
  return [`${RECORDS_TABLE}.id`, `${RECORDS_TABLE}.record`, ...columns, selectGeometryAsGeoJSON(db, RECORDS_TABLE)];
}

/** Calls `visit` with each record passing the exact check, in sort order. */
async function scanExact(db: Database, p: Plan, sortBy: SortKey[] | undefined, visit: (record: CatalogueRecord) => void): Promise<void> {
  const match = compileFilter(p.sql.filter);
  const queryables = p.queryables;
  for (let offset = 0; ; offset += SCAN_BATCH) {
    const rows = (await applySort(db, p.base().select(scanColumns(db, p)), sortBy).limit(SCAN_BATCH).offset(offset)) as Array<Record<string, unknown>>;
    for (const row of rows) {
      if (match(recordFromRow(row, queryables, 'identifier'))) visit(JSON.parse(row.record as string) as CatalogueRecord);
    }
    if (rows.length < SCAN_BATCH) return;
  }
}

export async function searchRecords(db: Database, query: CatalogueQuery, access: ReadAccess, limits: SearchLimits): Promise<SearchResult> {
  const { limit, offset } = pageOf(query, limits);
  const p = plan(db, query, access.filters, access.groups);
  if (p.sql.needsExactCheck) {
    const records: CatalogueRecord[] = [];
    let matched = 0;
    await scanExact(db, p, query.sortBy, (record) => {
      if (matched >= offset && matched < offset + limit) records.push(record);
      matched++;
    });
    return { records, numberMatched: matched, numberReturned: records.length };
  }
  // One transaction so a separate count reads the same state as the page (PostgreSQL: one snapshot).
  return db.knex.transaction(
    async (trx) => {
      const { records, total } = await pageWithTotal(db, trx, p, query.sortBy, limit, offset);
      return { records, numberMatched: total, numberReturned: records.length };
    },
    db.dialect === 'postgres' ? { isolationLevel: 'repeatable read', readOnly: true } : undefined,
  );
}

function facetable(name: string): boolean {
  return name === KEYWORDS_FACET || queryableSpec(name)?.facet === true;
}

/** Value counts (most frequent first, then by value) of each property over the matched records. */
export async function facetCounts(db: Database, query: CatalogueQuery, access: ReadAccess, properties: string[]): Promise<Record<string, FacetValue[]>> {
  for (const name of properties) {
    if (!facetable(name)) throw new BadRequest(`No facets for '${name}'`, { code: 'InvalidParameterValue', locator: 'facets' });
  }
  const p = plan(db, query, access.filters, access.groups);
  const out: Record<string, FacetValue[]> = {};
  const sorted = (counts: Map<string, number>) =>
    [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  if (p.sql.needsExactCheck) {
    const counts = new Map(properties.map((name) => [name, new Map<string, number>()]));
    await scanExact(db, p, undefined, (record) => {
      for (const name of properties) {
        const raw = (record as unknown as Record<string, unknown>)[name];
        const values = name === KEYWORDS_FACET ? [...new Set((raw as string[] | undefined) ?? [])] : raw === undefined || raw === null ? [] : [String(raw)];
        const c = counts.get(name)!;
        for (const v of values) c.set(v, (c.get(v) ?? 0) + 1);
      }
    });
    for (const name of properties) out[name] = sorted(counts.get(name)!);
    return out;
  }
  const columns = properties.filter((name) => name !== KEYWORDS_FACET);
  if (columns.length > 1) {
    // Several columns in one scan of the matched records, not one scan each.
    const counts = await columnCountsInOneScan(db, p, columns);
    for (const name of columns) out[name] = sorted(counts.get(name)!);
  }
  for (const name of properties) {
    if (name !== KEYWORDS_FACET && columns.length > 1) continue;
    let rows: Array<{ value: string; n: number | string }>;
    if (name === KEYWORDS_FACET) {
      rows = (await db
        .knex(KEYWORDS_TABLE)
        .whereIn('record_id', p.base().select(`${RECORDS_TABLE}.id`))
        .select({ value: 'keyword' })
        .count({ n: '*' })
        .groupBy('keyword')) as Array<{ value: string; n: number | string }>;
    } else {
      const column = `${RECORDS_TABLE}.${queryableSpec(name)!.column}`;
      rows = (await p.base().whereNotNull(column).select({ value: column }).count({ n: '*' }).groupBy(column)) as Array<{ value: string; n: number | string }>;
    }
    out[name] = sorted(new Map(rows.map((r) => [String(r.value), Number(r.n)])));
  }
  return out;
}

/**
 * Value counts of several columns from one scan: on PostgreSQL one GROUP BY GROUPING SETS; on
 * SQLite (which has none) the rows of one query read as arrays and counted here.
 */
async function columnCountsInOneScan(db: Database, p: Plan, names: string[]): Promise<Map<string, Map<string, number>>> {
  const columns = names.map((name) => `${RECORDS_TABLE}.${queryableSpec(name)!.column}`);
  const counts = new Map(names.map((name) => [name, new Map<string, number>()]));
  if (db.dialect === 'postgres') {
    const k = db.knex;
    const qb = p.base().count({ n: '*' });
    columns.forEach((c, i) => qb.select(k.raw('?? AS ??', [c, `v${i}`]), k.raw('GROUPING(??) AS ??', [c, `g${i}`])));
    qb.groupByRaw(`GROUPING SETS (${columns.map(() => '(??)').join(', ')})`, columns);
    for (const row of (await qb) as Array<Record<string, unknown>>) {
      const i = columns.findIndex((_, j) => Number(row[`g${j}`]) === 0);
      const value = row[`v${i}`];
      if (i >= 0 && value !== null && value !== undefined) counts.get(names[i]!)!.set(String(value), Number(row.n));
    }
    return counts;
  }
  // One query, its rows iterated as arrays on the connection itself: paging by id would make the
  // planner walk the whole table in id order, and knex's row stream costs four times the reading.
  const { sql, bindings } = p.base().select(columns.map((c, i) => `${c} as v${i}`)).toSQL().toNative();
  const client = db.knex.client as { acquireConnection(): Promise<SqliteConnection>; releaseConnection(c: SqliteConnection): Promise<void> };
  const conn = await client.acquireConnection();
  try {
    const tallies = names.map((name) => counts.get(name)!);
    for (const row of conn.prepare(sql).raw(true).iterate(...bindings)) {
      for (let i = 0; i < row.length; i++) {
        const value = row[i];
        if (value === null || value === undefined) continue;
        const key = String(value);
        tallies[i]!.set(key, (tallies[i]!.get(key) ?? 0) + 1);
      }
    }
  } finally {
    await client.releaseConnection(conn);
  }
  return counts;
}

/** The part of a better-sqlite3 connection the facet scan uses. */
interface SqliteConnection {
  prepare(sql: string): { raw(on: boolean): { iterate(...bindings: unknown[]): Iterable<unknown[]> } };
}

/** Min and max of number and timestamp queryables over the matched records. */
export async function valueRanges(db: Database, query: CatalogueQuery, access: ReadAccess, properties: string[]): Promise<Record<string, ValueRange>> {
  const specs = properties.map((name) => {
    const spec = queryableSpec(name);
    if (!spec || (spec.type !== 'number' && spec.type !== 'timestamp')) {
      throw new BadRequest(`No range for '${name}': only number and time queryables have one`, { code: 'InvalidParameterValue', locator: 'ranges' });
    }
    return { name, spec };
  });
  const out: Record<string, ValueRange> = {};
  for (const { name } of specs) out[name] = { min: null, max: null };
  if (specs.length === 0) return out;
  const p = plan(db, query, access.filters, access.groups);
  if (p.sql.needsExactCheck) {
    await scanExact(db, p, undefined, (record) => {
      for (const { name } of specs) {
        const value = (record as unknown as Record<string, unknown>)[name];
        if (typeof value !== 'number' && typeof value !== 'string') continue;
        const range = out[name]!;
        if (range.min === null || value < range.min) range.min = value;
        if (range.max === null || value > range.max) range.max = value;
      }
    });
    return out;
  }
  // An open end (OPEN_END_TIME) is no value of `end`.
  const column = (c: string) => (c === QUERYABLES.end!.column ? db.knex.raw(`CASE WHEN ?? < ? THEN ?? END`, [`${RECORDS_TABLE}.${c}`, OPEN_END_TIME, `${RECORDS_TABLE}.${c}`]) : db.knex.raw('??', [`${RECORDS_TABLE}.${c}`]));
  const select = specs.flatMap(({ spec }, i) => [db.knex.raw(`MIN(?) AS ??`, [column(spec.column), `min${i}`]), db.knex.raw(`MAX(?) AS ??`, [column(spec.column), `max${i}`])]);
  const [row] = (await p.base().select(select)) as Array<Record<string, unknown>>;
  const read = (value: unknown, type: string): number | string | null => {
    if (value === null || value === undefined) return null;
    if (type === 'number') return Number(value);
    return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
  };
  specs.forEach(({ name, spec }, i) => {
    out[name] = { min: read(row?.[`min${i}`], spec.type), max: read(row?.[`max${i}`], spec.type) };
  });
  return out;
}
