/**
 * The parameters of GET /collections/{id}/items as one FeatureQuery: paging (limit, offset),
 * bbox with bbox-crs (4 or 6 numbers, in the CRS's axis order), datetime (an instant or an
 * interval with '..' ends, on the collection's temporal property), crs (Part 2), filter with
 * filter-lang and filter-crs (Part 3, CQL2 text or JSON through core/filter) and `name=value` on
 * queryables; everything ANDed.
 */
import { CRS84 as CRS84_LITERAL_CRS, filterToCrs84, parseCql2Json, parseCql2Text, property, type Filter, type TimeLiteral } from '../../core/filter/index.js';
import { parseTimeValue } from '../../core/ows/index.js';
import type { Bbox, CollectionDescription, FeatureQuery, PropertyDefinition } from '../features/types.js';
import { CRS84, parseCrsParameter, type RequestCrs } from './crs.js';
import { integerParam, invalid } from './query-params.js';

/** Parameters every items request may carry; queryable names come on top. */
export const ITEMS_PARAMETERS = ['f', 'limit', 'offset', 'bbox', 'bbox-crs', 'datetime', 'crs', 'filter', 'filter-lang', 'filter-crs'] as const;

export const FILTER_LANGUAGES = ['cql2-text', 'cql2-json'] as const;

export interface ItemsQueryContext {
  collection: CollectionDescription;
  queryables: PropertyDefinition[];
  /** CRS URIs offered for this collection (crs, bbox-crs, filter-crs). */
  offeredCrs: readonly string[];
  defaultLimit: number;
  maxLimit: number;
}

export interface ItemsQuery {
  query: FeatureQuery;
  /** CRS of the response's geometries (Content-Crs). */
  crs: RequestCrs;
  limit: number;
  offset: number;
}

export function parseItemsQuery(params: Map<string, string>, c: ItemsQueryContext): ItemsQuery {
  // Part 1 lets a server cap a larger limit rather than refuse it; clients that ask for more than
  // the OpenAPI maximum (GDAL asks for its page size) get full pages of the maximum size.
  const limit = Math.min(integerParam(params.get('limit'), 'limit', c.defaultLimit, { min: 1 }), c.maxLimit);
  const offset = integerParam(params.get('offset'), 'offset', 0);
  const crs = params.has('crs') ? parseCrsParameter(params.get('crs')!, c.offeredCrs, 'crs') : CRS84;
  const query: FeatureQuery = { limit, offset, crs: crs.id };

  const filters: Filter[] = [];
  const bboxText = params.get('bbox');
  if (bboxText !== undefined) {
    const bboxCrs = params.has('bbox-crs') ? parseCrsParameter(params.get('bbox-crs')!, c.offeredCrs, 'bbox-crs') : CRS84;
    query.bbox = parseBbox(bboxText, bboxCrs);
    query.bboxCrs = bboxCrs.id;
  } else if (params.has('bbox-crs')) {
    parseCrsParameter(params.get('bbox-crs')!, c.offeredCrs, 'bbox-crs');
  }

  const datetime = params.get('datetime');
  if (datetime !== undefined) {
    const range = parseDatetime(datetime);
    // Only features whose temporal property meets the value are selected: none in a collection without one.
    if (c.collection.temporalProperty) query.datetime = range;
    else filters.push({ op: 'constant', value: false });
  }

  const filter = parseFilterParameter(params, c.offeredCrs);
  if (filter) filters.push(filter);
  filters.push(...propertyFilters(params, c.queryables));
  if (filters.length === 1) query.filter = filters[0];
  else if (filters.length > 1) query.filter = { op: 'and', args: filters };
  return { query, crs, limit, offset };
}

/** `minx,miny,maxx,maxy` or with heights `minx,miny,minz,maxx,maxy,maxz`, in the CRS's axis order → x/y. */
export function parseBbox(text: string, crs: RequestCrs): Bbox {
  const v = text.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  if ((v.length !== 4 && v.length !== 6) || v.some((x) => !Number.isFinite(x))) {
    throw invalid('bbox', `bbox must be 4 or 6 comma-separated numbers, not '${text}'`);
  }
  const [a, b, c, d] = (v.length === 6 ? [v[0], v[1], v[3], v[4]] : v) as [number, number, number, number];
  const [minx, miny, maxx, maxy] = crs.swap ? [b, a, d, c] : [a, b, c, d];
  // A minx beyond maxx crosses the antimeridian in a geographic CRS; miny beyond maxy never makes sense.
  if (miny > maxy) throw invalid('bbox', `bbox '${text}': the lower corner lies above the upper corner`);
  return [minx, miny, maxx, maxy];
}

/** An RFC 3339 instant or interval ('..' or an empty side is open) → the engine's range. */
export function parseDatetime(text: string): { start: string | null; end: string | null } {
  const value = parseTimeValue(text, { locator: 'datetime' });
  if (value.kind === 'period') throw invalid('datetime', `datetime '${text}' is a period; give an instant or an interval start/end`);
  return { start: value.begin?.toISOString() ?? null, end: value.end?.toISOString() ?? null };
}

function parseFilterParameter(params: Map<string, string>, offeredCrs: readonly string[]): Filter | undefined {
  const text = params.get('filter');
  const lang = params.get('filter-lang') ?? 'cql2-text';
  if (!(FILTER_LANGUAGES as readonly string[]).includes(lang)) throw invalid('filter-lang', `filter-lang '${lang}' is not one of ${FILTER_LANGUAGES.join(', ')}`);
  const filterCrs = params.has('filter-crs') ? parseCrsParameter(params.get('filter-crs')!, offeredCrs, 'filter-crs') : undefined;
  if (text === undefined) return undefined;
  const crs = filterCrs?.uri ?? CRS84_LITERAL_CRS;
  const parsed = lang === 'cql2-json' ? parseCql2Json(text, { crs, locator: 'filter' }) : parseCql2Text(text, { crs, locator: 'filter' });
  // Literals in filter-crs are in its authority axis order (Part 3); the engine gets CRS84 x/y.
  return filterCrs ? filterToCrs84(parsed, { axisOrder: 'authority', locator: 'filter-crs' }) : parsed;
}

/** `name=value` for each queryable named in the request: equality, typed as the property. */
function propertyFilters(params: Map<string, string>, queryables: PropertyDefinition[]): Filter[] {
  const out: Filter[] = [];
  for (const q of queryables) {
    const text = params.get(q.name);
    if (text === undefined || (ITEMS_PARAMETERS as readonly string[]).includes(q.name)) continue;
    out.push(propertyEquals(q, text));
  }
  return out;
}

function propertyEquals(q: PropertyDefinition, text: string): Filter {
  const left = property(q.name);
  const equals = (value: string | number | boolean): Filter => ({ op: '=', left, right: { kind: 'literal', value }, matchCase: true, matchAccent: true });
  switch (q.type) {
    case 'integer':
    case 'number': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n) || (q.type === 'integer' && !Number.isInteger(n))) throw invalid(q.name, `${q.name} is ${q.type === 'integer' ? 'an integer' : 'a number'}, not '${text}'`);
      return equals(n);
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw invalid(q.name, `${q.name} is a boolean (true or false), not '${text}'`);
      return equals(text === 'true');
    case 'date':
    case 'datetime': {
      // A date or instant selects what falls within it: 2020-05-17 is that whole day.
      const value = parseTimeValue(text, { locator: q.name });
      const time: TimeLiteral = { kind: 'time', text, shape: value.kind === 'instant' ? 'instant' : 'interval', begin: value.begin?.getTime() ?? null, end: value.end?.getTime() ?? null };
      return { op: 'temporal', relation: 'intersects', left, right: time };
    }
    case 'json':
      throw invalid(q.name, `${q.name} holds JSON values and cannot be compared in the query string; use filter`);
    default:
      return equals(text);
  }
}
