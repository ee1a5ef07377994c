/** GET /collections/{collectionId}/items/{featureId}: one feature as GeoJSON or HTML, in the requested CRS. */
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { NotFound } from '../../core/errors.js';
import type { CollectionDescription, Feature } from '../features/types.js';
import { collectionOr404, collectionPath, crsOfCollection, itemPath, subjectOf, type ApiDeps } from './context.js';
import { CRS84, parseCrsParameter, type RequestCrs } from './crs.js';
import { featureToGeoJson } from './geojson.js';
import { definitionTable, escapeHtml, linkList, page, valueHtml } from './html.js';
import { MEDIA, selfAndAlternate } from './links.js';
import { encodingOf } from './negotiate.js';
import { singleParams } from './query-params.js';

const ITEM_PARAMETERS = new Set(['f', 'crs']);

/** The stored feature in `crs` (x/y order), or 404. */
export async function readFeature(ctx: Context, deps: ApiDeps, collection: CollectionDescription, id: string, crs: RequestCrs = CRS84): Promise<Feature> {
  const result = await deps.features.query(collection, { ids: [id], limit: 1, crs: crs.id }, subjectOf(ctx));
  for await (const feature of result.features) return feature;
  throw new NotFound(`No feature '${id}' in collection '${collection.id}'`, { code: 'NotFound', locator: 'featureId' });
}

/** A strong entity tag of one representation (its bytes), so a cached copy can be revalidated. */
function entityTag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * Whether If-None-Match names the tag (weak comparison, RFC 9110 13.1.2). Evaluated here rather
 * than with Koa's `fresh`, which ignores conditions sent with Cache-Control: no-cache (as fetch
 * clients send them); an origin server answers the condition all the same.
 */
function matchesIfNoneMatch(header: string, tag: string): boolean {
  if (header.trim() === '*') return true;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => opaque(t) === opaque(tag));
}

/** Sends the body with its ETag, or 304 when the request's If-None-Match names it. */
function sendTagged(ctx: Context, type: string, body: string): void {
  const tag = entityTag(body);
  ctx.set('ETag', tag);
  ctx.type = type;
  if (matchesIfNoneMatch(ctx.get('If-None-Match'), tag)) {
    ctx.status = 304;
    return;
  }
  ctx.body = body;
}

export async function itemPage(ctx: Context, deps: ApiDeps, collectionId: string, featureId: string): Promise<void> {
  const encoding = encodingOf(ctx, MEDIA.geojson);
  const collection = await collectionOr404(ctx, deps, collectionId, { extent: false });
  const params = singleParams(ctx, ITEM_PARAMETERS, 'a feature');
  const crs = params.has('crs') ? parseCrsParameter(params.get('crs')!, crsOfCollection(deps, collection), 'crs') : CRS84;
  const feature = await readFeature(ctx, deps, collection, featureId, crs);
  const base = deps.baseUrl(ctx);
  const path = itemPath(collection.id, feature.id);
  const links = [
    ...selfAndAlternate(base, path, ctx, encoding, MEDIA.geojson, `Feature ${feature.id}`),
    { href: `${base}${collectionPath(collection.id)}`, rel: 'collection', type: MEDIA.json, title: collection.title },
  ];
  ctx.set('Content-Crs', `<${crs.uri}>`);
  if (encoding === 'json') {
    sendTagged(ctx, MEDIA.geojson, JSON.stringify(featureToGeoJson(feature, crs.swap, links)));
    return;
  }
  const rows = collection.properties.map((p): [string, string] => [p.name, valueHtml(feature.properties[p.name])]);
  const geometry = feature.geometry ? featureToGeoJson(feature, crs.swap).geometry : null;
  sendTagged(
    ctx,
    'text/html; charset=utf-8',
    page(
      `Feature ${feature.id}`,
      [
        { title: deps.config.title, href: `${base}?f=html` },
        { title: 'Collections', href: `${base}/collections?f=html` },
        { title: collection.title, href: `${base}${collectionPath(collection.id)}?f=html` },
        { title: 'Items', href: `${base}${collectionPath(collection.id)}/items?f=html` },
        { title: feature.id, href: '' },
      ],
      links,
      definitionTable(rows, 'Properties') +
        `<h2>Geometry</h2><p>${escapeHtml(geometry?.type ?? 'none')} in <code>${escapeHtml(crs.uri)}</code></p>` +
        (geometry ? `<pre>${escapeHtml(JSON.stringify(geometry))}</pre>` : '') +
        linkList(links.filter((l) => l.rel !== 'self')),
    ),
  );
}
