/** GET of a list: collections, a collection's items, records in no collection; paged, with bbox, datetime and q. */
import type { Context } from 'koa';
import { BadRequest } from '../../../core/errors.js';
import { parseCql2Json } from '../../../core/filter/index.js';
import type { CatalogueQuery } from '../types.js';
import { subjectOf, type ApiDeps } from './context.js';
import { outputFormat } from './negotiate.js';
import { sendPage } from './representation.js';

function single(ctx: Context, name: string): string | undefined {
  const v = ctx.query[name];
  if (Array.isArray(v)) throw new BadRequest(`${name} is given more than once`, { code: 'InvalidParameterValue', locator: name });
  return v;
}

function integer(ctx: Context, name: string, fallback: number, max?: number): number {
  const text = single(ctx, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || (max !== undefined && n > max)) {
    throw new BadRequest(`${name} must be an integer from 0${max !== undefined ? ` to ${max}` : ''}`, { code: 'InvalidParameterValue', locator: name });
  }
  return n;
}

/** limit, offset, bbox (CRS:84, 4 or 6 numbers), datetime (an instant or an interval with '..' ends), q. */
export function listQuery(ctx: Context, deps: ApiDeps): CatalogueQuery {
  const query: CatalogueQuery = { limit: integer(ctx, 'limit', deps.defaultLimit, deps.maxLimit), offset: integer(ctx, 'offset', 0), sortBy: [{ field: 'identifier' }] };
  const bbox = single(ctx, 'bbox');
  if (bbox !== undefined) {
    const v = bbox.split(',').map(Number);
    if ((v.length !== 4 && v.length !== 6) || v.some((x) => !Number.isFinite(x))) throw new BadRequest('bbox must be 4 or 6 comma-separated numbers (CRS:84)', { code: 'InvalidParameterValue', locator: 'bbox' });
    query.bbox = (v.length === 6 ? [v[0], v[1], v[3], v[4]] : v) as [number, number, number, number];
  }
  const datetime = single(ctx, 'datetime');
  if (datetime !== undefined) {
    const parts = datetime.split('/');
    const open = (p: string | undefined) => p === undefined || p === '' || p === '..';
    if (parts.length > 2 || parts.every(open) || parts.some((p) => !open(p) && !Number.isFinite(Date.parse(p)))) {
      throw new BadRequest(`datetime '${datetime}' is not an RFC 3339 date-time or interval`, { code: 'InvalidParameterValue', locator: 'datetime' });
    }
    if (!open(parts[0])) query.start = parts[0];
    const end = parts.length === 1 ? parts[0] : parts[1];
    if (!open(end)) query.end = end;
  }
  const q = single(ctx, 'q');
  if (q !== undefined && q.trim() !== '') query.q = q.replace(/,/g, ' ');
  return query;
}

/** Records in no collection: services, applications, products without a parent. */
export const STANDALONE_FILTER = parseCql2Json({
  op: 'or',
  args: [
    { op: 'in', args: [{ property: 'type' }, ['service', 'application']] },
    { op: 'and', args: [{ op: '=', args: [{ property: 'type' }, 'product'] }, { op: 'isNull', args: [{ property: 'parentIdentifier' }] }] },
  ],
});

export async function sendList(ctx: Context, deps: ApiDeps, restrict: CatalogueQuery, collections: boolean): Promise<void> {
  const format = outputFormat(ctx, deps.catalogue.formats);
  const query = { ...listQuery(ctx, deps), ...restrict };
  const result = await deps.catalogue.search(query, subjectOf(ctx));
  sendPage(ctx, deps, { records: result.records, numberMatched: result.numberMatched, offset: query.offset ?? 0, limit: query.limit ?? deps.defaultLimit }, format, collections);
}
