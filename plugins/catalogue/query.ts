/** A CatalogueQuery's parameters as one filter AST (plus the full-text part, which is SQL only). */
import type { Knex } from 'knex';
import { BadRequest } from '../../core/errors.js';
import { translateFilter, type Expression, type Filter, type PropertyRef, type SpatialRelation, type TemporalRelation } from '../../core/filter/index.js';
import { parseInstant } from '../../core/ows/time.js';
import type { Database } from '../../core/storage/db/types.js';
import { FTS_TABLE, KEYWORDS_TABLE, RECORDS_TABLE, TSVECTOR_COLUMN } from './schema.js';
import type { CatalogueQuery } from './types.js';

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const SPATIAL_RELATIONS: readonly SpatialRelation[] = ['intersects', 'within', 'contains', 'disjoint'];
const TIME_RELATIONS: readonly TemporalRelation[] = ['intersects', 'during', 'contains', 'equals', 'before', 'after', 'disjoint'];

const property = (name: string): PropertyRef => ({ kind: 'property', name, path: [name] });
const literal = (value: string): Expression => ({ kind: 'literal', value });

function timeBound(text: string, which: 'begin' | 'end', locator: string): number {
  const parsed = parseInstant(text);
  if (!parsed) throw new BadRequest(`'${text}' is not an ISO 8601 instant`, { code: 'InvalidParameterValue', locator });
  return parsed[which].getTime();
}

function bboxFilters(bbox: [number, number, number, number]): Filter {
  if (!Array.isArray(bbox) || bbox.length !== 4 || bbox.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    throw new BadRequest('bbox needs four numbers', { code: 'InvalidParameterValue', locator: 'bbox' });
  }
  const [minx, miny, maxx, maxy] = bbox;
  if (miny > maxy) throw new BadRequest('bbox miny is greater than maxy', { code: 'InvalidParameterValue', locator: 'bbox' });
  const box = (b: [number, number, number, number]): Filter => ({ op: 'bbox', expr: property('geometry'), bbox: b, crs: CRS84 });
  // minx > maxx crosses the antimeridian: the two halves.
  if (minx > maxx) return { op: 'or', args: [box([minx, miny, 180, maxy]), box([-180, miny, maxx, maxy])] };
  return box(bbox);
}

/** The AND of the query's parameters, its filter and the access filters. */
export function queryFilter(query: CatalogueQuery, access: Filter[]): Filter {
  const parts: Filter[] = [...access];
  if (query.type !== undefined) {
    const types = Array.isArray(query.type) ? query.type : [query.type];
    parts.push({ op: 'in', expr: property('type'), list: types.map(literal), matchCase: true });
  }
  if (query.parentIdentifier !== undefined) {
    parts.push({ op: '=', left: property('parentIdentifier'), right: literal(query.parentIdentifier), matchCase: true, matchAccent: true });
  }
  if (query.identifiers !== undefined) parts.push({ op: 'ids', ids: query.identifiers });
  if (query.bbox !== undefined) parts.push(bboxFilters(query.bbox));
  if (query.geometry !== undefined) {
    const relation = query.relation ?? 'intersects';
    if (!SPATIAL_RELATIONS.includes(relation)) throw new BadRequest(`Unknown spatial relation '${relation}'`, { code: 'InvalidParameterValue', locator: 'relation' });
    parts.push({ op: 'spatial', relation, left: property('geometry'), right: { kind: 'geometry', geometry: query.geometry, crs: CRS84 } });
  }
  if (query.start !== undefined || query.end !== undefined) {
    const relation = query.timeRelation ?? 'intersects';
    if (!TIME_RELATIONS.includes(relation)) throw new BadRequest(`Unknown time relation '${relation}'`, { code: 'InvalidParameterValue', locator: 'timeRelation' });
    const begin = query.start !== undefined ? timeBound(query.start, 'begin', 'start') : null;
    const end = query.end !== undefined ? timeBound(query.end, 'end', 'end') : null;
    if (begin !== null && end !== null && end < begin) throw new BadRequest('end is before start', { code: 'InvalidParameterValue', locator: 'end' });
    parts.push({
      op: 'temporal',
      relation,
      left: { kind: 'interval', start: property('start'), end: property('end') },
      right: { kind: 'time', text: `${query.start ?? '..'}/${query.end ?? '..'}`, shape: 'interval', begin, end },
    });
  }
  if (query.filter !== undefined) parts.push(query.filter);
  if (parts.length === 0) return { op: 'constant', value: true };
  return parts.length === 1 ? parts[0]! : { op: 'and', args: parts };
}

/** Terms of `q`, each matched as a word (or phrase of the tokens it holds). */
function terms(q: string): string[] {
  return q.split(/\s+/).filter((t) => t !== '');
}

/** Restricts `qb` to records containing every term of `q` (FTS5 on SQLite, tsvector on PostgreSQL). */
export function applyFullText(db: Database, qb: Knex.QueryBuilder, q: string | undefined): void {
  if (q === undefined) return;
  const words = terms(q);
  if (words.length === 0) return;
  if (db.dialect === 'sqlite') {
    const match = words.map((w) => `"${w.replace(/"/g, '""')}"`).join(' AND ');
    qb.whereRaw(`?? IN (SELECT rowid FROM ${FTS_TABLE} WHERE ${FTS_TABLE} MATCH ?)`, [`${RECORDS_TABLE}.id`, match]);
  } else {
    qb.whereRaw(`?? @@ plainto_tsquery('simple', ?)`, [`${RECORDS_TABLE}.${TSVECTOR_COLUMN}`, words.join(' ')]);
  }
}

/** The one queryable of a keyword filter: the keyword row's text. */
const KEYWORD_QUERYABLES = { keyword: { column: `${KEYWORDS_TABLE}.keyword`, type: 'string' as const } };

/**
 * Restricts `qb` to records with, for each filter, a keyword that passes it (EXISTS on the
 * keyword rows, so a record with several keywords is matched once).
 */
export function applyKeywordFilters(db: Database, qb: Knex.QueryBuilder, filters: Filter[] | undefined): void {
  for (const filter of filters ?? []) {
    const sql = translateFilter(filter, { db, table: KEYWORDS_TABLE, queryables: KEYWORD_QUERYABLES, locator: 'keyword' });
    // Case- and accent-sensitive text tests are exact in SQL; anything else has no place here.
    if (sql.needsExactCheck) throw new BadRequest('A keyword filter must compare keywords as written (case and accents)', { code: 'InvalidParameterValue', locator: 'keyword' });
    qb.whereExists((sub) => {
      sql.apply(sub.select(db.knex.raw('1')).from(KEYWORDS_TABLE).whereRaw('?? = ??', [`${KEYWORDS_TABLE}.record_id`, `${RECORDS_TABLE}.id`]));
    });
  }
}
