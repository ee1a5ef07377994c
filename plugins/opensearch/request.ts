/**
 * A search request (the template's parameters, filled in by the client) as a CatalogueQuery.
 *
 * Names are matched regardless of case, like every KVP service here (no two template names differ
 * only in case); values are case-sensitive. An empty value is the same as an absent parameter
 * (CEOS-BP-005F), and parameters the templates do not name are ignored (CEOS-BP-009B). What was
 * taken into account is returned for os:Query and the GeoJSON `queries`.
 */
import type { Filter } from '../../core/filter/index.js';
import { invalidParameterValue, parseInstant, parseTimeValue, type KvpParams } from '../../core/ows/index.js';
import type { CatalogueQuery, SortKey } from '../catalogue/types.js';
import { eoCoverageFilter, eoValueFilter } from './eo-values.js';
import { decimal } from './georss.js';
import { GEO_RELATIONS, TIME_RELATIONS, type SearchLevel, type TemplateParameter, type TimeRelation } from './params.js';
import { spatialQuery } from './spatial.js';

export interface PagingLimits {
  /** Largest count (advertised in the templates). */
  maxRecords: number;
  /** count when the request gives none. */
  defaultRecords: number;
}

export interface SortOptions {
  /** Queryables a client may sort by. */
  sortable: readonly string[];
  /** Sort when the request gives none (then the engine's id, so pages stay stable). */
  defaultSort: readonly SortKey[];
}

export interface SearchRequest {
  query: CatalogueQuery;
  count: number;
  /** 1-based index of the first result. */
  startIndex: number;
  /** Qualified name → value of every parameter applied, in template order. */
  applied: Array<[qname: string, value: string]>;
}

/** The value, or undefined when absent or empty (CEOS-BP-005F). */
function given(kvp: KvpParams, name: string): string | undefined {
  const value = kvp.optional(name);
  return value === undefined || value.trim() === '' ? undefined : value;
}

function oneOf<T extends string>(kvp: KvpParams, name: string, allowed: readonly T[], fallback: T): T {
  const value = given(kvp, name);
  if (value === undefined) return fallback;
  const match = allowed.find((a) => a === value.trim());
  if (!match) throw invalidParameterValue(name, `Parameter '${name}' must be one of ${allowed.join(', ')}; got '${value}'`);
  return match;
}

/** A time:start/time:end value: an ISO 8601 instant (a date covers its day). */
function timeValue(kvp: KvpParams, name: 'start' | 'end'): string | undefined {
  const value = given(kvp, name);
  if (value === undefined) return undefined;
  parseTimeValue(value.trim(), { locator: name, allowIntervals: false });
  return value.trim();
}

/** time:start/time:end as OGC 10-032r8 writes them in os:Query (a date, or a date-time with its zone). */
const QUERY_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$/;

/** A value as os:Query carries it: reduced or zoneless times as the instant they stand for, boxes as plain numbers. */
function queryValue(name: string, value: string): string {
  const v = value.trim();
  if ((name === 'start' || name === 'end') && !QUERY_TIME.test(v)) {
    const parsed = parseInstant(v);
    if (parsed) return (name === 'start' ? parsed.begin : parsed.end).toISOString();
  }
  if (name === 'bbox') return v.split(',').map((n) => decimal(Number(n.trim()))).join(',');
  return v;
}

/** SRU sortKeys: `field[,schema[,ascending]]` separated by spaces; ascending is 1/true (default) or 0/false. */
export function parseSortKeys(text: string, sortable: readonly string[]): SortKey[] {
  const keys: SortKey[] = [];
  for (const item of text.trim().split(/\s+/)) {
    const [field = '', , ascending] = item.split(',');
    if (!sortable.includes(field)) {
      throw invalidParameterValue('sortKeys', `Cannot sort by '${field}'; sortable: ${sortable.join(', ')}`);
    }
    const a = ascending?.trim().toLowerCase();
    if (a !== undefined && a !== '' && !['1', '0', 'true', 'false'].includes(a)) {
      throw invalidParameterValue('sortKeys', `Sort direction of '${field}' must be 1 (ascending) or 0 (descending); got '${ascending}'`);
    }
    keys.push({ field, direction: a === '0' || a === 'false' ? 'desc' : 'asc' });
  }
  return keys;
}

function paging(kvp: KvpParams, limits: PagingLimits): { count: number; startIndex: number } {
  const count = kvp.optionalInt('count', { min: 0 }) ?? limits.defaultRecords;
  if (count > limits.maxRecords) throw invalidParameterValue('count', `Parameter 'count' must be at most ${limits.maxRecords}; got ${count}`);
  const startIndex = kvp.optionalInt('startIndex', { min: 1 });
  if (startIndex !== undefined) return { count, startIndex };
  // startIndex wins over startPage when both are given (CEOS-BP-007).
  const startPage = kvp.optionalInt('startPage', { min: 1 });
  const index = startPage === undefined ? 1 : (startPage - 1) * count + 1;
  if (!Number.isSafeInteger(index)) throw invalidParameterValue('startPage', `Parameter 'startPage' is too large`);
  return { count, startIndex: index };
}

/**
 * Reads a search at `level` (for products: within `parentIdentifier`) with the level's template
 * parameters. Throws OwsExceptions (400) naming the parameter for bad values.
 */
export function readSearch(
  kvp: KvpParams,
  level: SearchLevel,
  parameters: readonly TemplateParameter[],
  options: PagingLimits & SortOptions & { parentIdentifier?: string },
): SearchRequest {
  const { count, startIndex } = paging(kvp, options);
  const query: CatalogueQuery = { type: level, limit: count, offset: startIndex - 1 };
  if (level === 'product') query.parentIdentifier = options.parentIdentifier;
  const filters: Filter[] = [];

  const searchTerms = given(kvp, 'searchTerms');
  if (searchTerms !== undefined) query.q = searchTerms;
  const uid = given(kvp, 'uid');
  if (uid !== undefined) query.identifiers = [uid.trim()];

  const spatial = spatialQuery({
    bbox: given(kvp, 'bbox'),
    geometry: given(kvp, 'geometry'),
    lat: kvp.optionalNumber('lat', { min: -90, max: 90 }),
    lon: kvp.optionalNumber('lon', { min: -180, max: 180 }),
    radius: kvp.optionalNumber('radius', { min: 0 }),
    relation: oneOf(kvp, 'relation', GEO_RELATIONS, 'intersects'),
  });
  Object.assign(query, spatial.query);
  filters.push(...spatial.filters);

  const start = timeValue(kvp, 'start');
  const end = timeValue(kvp, 'end');
  const timeRelation: TimeRelation = oneOf(kvp, 'timeRelation', TIME_RELATIONS, 'intersects');
  if (start !== undefined) query.start = start;
  if (end !== undefined) query.end = end;
  if (start !== undefined || end !== undefined) query.timeRelation = timeRelation;

  const keywordFilters: Filter[] = [];
  for (const p of parameters) {
    if (!p.queryable || !p.syntax) continue;
    const value = given(kvp, p.name);
    if (value === undefined) continue;
    if (p.match === 'keyword') keywordFilters.push(eoValueFilter('keyword', value, p.syntax, p.name));
    else if (p.match === 'coverage' && p.coverage) filters.push(eoCoverageFilter(p.coverage.min, p.coverage.max, value, p.name));
    else filters.push(eoValueFilter(p.queryable, value, p.syntax, p.name));
  }
  if (filters.length > 0) query.filter = filters.length === 1 ? filters[0] : { op: 'and', args: filters };
  if (keywordFilters.length > 0) query.keywordFilters = keywordFilters;

  const sortKeys = given(kvp, 'sortKeys');
  query.sortBy = sortKeys !== undefined ? parseSortKeys(sortKeys, options.sortable) : [...options.defaultSort];

  // What was applied, by qualified name: the request's own values for os:Query.
  const applied: Array<[string, string]> = [];
  for (const p of parameters) {
    if (p.name === 'count' || p.name === 'startIndex' || p.name === 'startPage') continue;
    const value = given(kvp, p.name);
    if (value === undefined) continue;
    // A relation alone filters nothing.
    if (p.name === 'relation' && query.bbox === undefined && query.geometry === undefined && spatial.filters.length === 0) continue;
    if (p.name === 'timeRelation' && query.timeRelation === undefined) continue;
    applied.push([p.qname, queryValue(p.name, value)]);
  }
  return { query, count, startIndex, applied };
}
