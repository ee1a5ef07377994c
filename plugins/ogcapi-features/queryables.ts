/**
 * GET /collections/{collectionId}/queryables (Part 3): a JSON Schema (2020-12) of the properties
 * a filter may name, the collection's geometry among them.
 */
import type { Context } from 'koa';
import type { GeometryType, PropertyDefinition, PropertyType } from '../features/types.js';
import { collectionOr404, collectionPath, subjectOf, type ApiDeps } from './context.js';
import { escapeHtml, linkList, page } from './html.js';
import { MEDIA, selfAndAlternate } from './links.js';
import { encodingOf } from './negotiate.js';
import { onlyFormatParameter } from './query-params.js';

/** The name filters use for a feature's geometry. */
export const GEOMETRY_QUERYABLE = 'geometry';

const JSON_TYPE: Record<PropertyType, Record<string, unknown>> = {
  string: { type: 'string' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
  datetime: { type: 'string', format: 'date-time' },
  json: {},
};

/** The JSON Schema `format` Part 3 gives each geometry type. */
const GEOMETRY_FORMAT: Record<GeometryType, string> = {
  Point: 'geometry-point',
  MultiPoint: 'geometry-multipoint',
  LineString: 'geometry-linestring',
  MultiLineString: 'geometry-multilinestring',
  Polygon: 'geometry-polygon',
  MultiPolygon: 'geometry-multipolygon',
  GeometryCollection: 'geometry-geometrycollection',
  Geometry: 'geometry-any',
};

export function queryablesSchema(id: string, title: string, geometryType: GeometryType, queryables: PropertyDefinition[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    [GEOMETRY_QUERYABLE]: { title: 'Geometry', format: GEOMETRY_FORMAT[geometryType], 'x-ogc-role': 'primary-geometry' },
  };
  for (const q of queryables) {
    properties[q.name] = { ...(q.title ? { title: q.title } : {}), ...(q.description ? { description: q.description } : {}), ...JSON_TYPE[q.type] };
  }
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: id, type: 'object', title: `Queryables of ${title}`, properties, additionalProperties: false };
}

export async function queryablesPage(ctx: Context, deps: ApiDeps, collectionId: string): Promise<void> {
  const base = deps.baseUrl(ctx);
  const encoding = encodingOf(ctx, MEDIA.schema);
  const c = await collectionOr404(ctx, deps, collectionId);
  onlyFormatParameter(ctx, `the queryables of '${c.id}'`);
  const queryables = await deps.features.queryables(c.id, subjectOf(ctx));
  const path = `${collectionPath(c.id)}/queryables`;
  const schema = queryablesSchema(`${base}${path}`, c.title, c.geometryType, queryables);
  const links = selfAndAlternate(base, path, ctx, encoding, MEDIA.schema, `Queryables of ${c.id}`);
  if (encoding === 'json') {
    ctx.type = MEDIA.schema;
    ctx.body = { ...schema, links };
    return;
  }
  const rows = Object.entries(schema.properties as Record<string, Record<string, unknown>>)
    .map(([name, p]) => `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(p.type ?? '')}</td><td>${escapeHtml(p.format ?? '')}</td><td>${escapeHtml(p.title ?? '')}</td></tr>`)
    .join('');
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = page(
    `Queryables of ${c.title}`,
    [{ title: deps.config.title, href: `${base}?f=html` }, { title: 'Collections', href: `${base}/collections?f=html` }, { title: c.title, href: `${base}${collectionPath(c.id)}?f=html` }, { title: 'Queryables', href: '' }],
    links,
    `<table><thead><tr><th>Name</th><th>Type</th><th>Format</th><th>Title</th></tr></thead><tbody>${rows}</tbody></table>` + linkList(links.filter((l) => l.rel === 'alternate')),
  );
}
