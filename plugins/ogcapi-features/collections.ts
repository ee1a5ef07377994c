/** GET /collections and GET /collections/{collectionId}: the collection documents (Part 1, with Part 2's crs and storageCrs). */
import type { Context } from 'koa';
import type { CollectionDescription } from '../features/types.js';
import { collectionOr404, collectionPath, crsOfCollection, subjectOf, type ApiDeps } from './context.js';
import { CRS84_URI, crsUriOf, offeredCrs } from './crs.js';
import { definitionTable, escapeHtml, linkList, page, valueHtml } from './html.js';
import { MEDIA, REL, selfAndAlternate, type Link } from './links.js';
import { encodingOf } from './negotiate.js';
import { onlyFormatParameter } from './query-params.js';

const GREGORIAN = 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian';

export interface CollectionDocument {
  id: string;
  title: string;
  description?: string;
  keywords?: string[];
  links: Link[];
  extent?: {
    spatial?: { bbox: number[][]; crs: string };
    temporal?: { interval: Array<Array<string | null>>; trs: string };
  };
  itemType: 'feature';
  crs: string[];
  storageCrs: string;
}

/** A collection's document; `own` adds its self/alternate links (the collection's own resource). */
export function collectionDocument(ctx: Context, deps: ApiDeps, c: CollectionDescription, own?: 'json' | 'html'): CollectionDocument {
  const base = deps.baseUrl(ctx);
  const path = collectionPath(c.id);
  const links: Link[] = own
    ? selfAndAlternate(base, path, ctx, own, MEDIA.json, `Collection ${c.id}`)
    : [{ href: `${base}${path}`, rel: 'self', type: MEDIA.json, title: c.title }, { href: `${base}${path}?f=html`, rel: 'alternate', type: MEDIA.html, title: `${c.title} as HTML` }];
  links.push(
    { href: `${base}${path}/items`, rel: 'items', type: MEDIA.geojson, title: `Features of ${c.title}` },
    { href: `${base}${path}/items?f=html`, rel: 'items', type: MEDIA.html, title: `Features of ${c.title} as HTML` },
    { href: `${base}${path}/queryables`, rel: REL.queryables, type: MEDIA.schema, title: `Queryables of ${c.title}` },
  );
  const doc: CollectionDocument = { id: c.id, title: c.title, links, itemType: 'feature', crs: crsOfCollection(deps, c), storageCrs: crsUriOf(c.crs) };
  if (c.description) doc.description = c.description;
  if (c.keywords.length) doc.keywords = c.keywords;
  const extent: NonNullable<CollectionDocument['extent']> = {};
  if (c.bbox) extent.spatial = { bbox: [c.bbox], crs: CRS84_URI };
  if (c.temporal && (c.temporal.start !== null || c.temporal.end !== null)) extent.temporal = { interval: [[c.temporal.start, c.temporal.end]], trs: GREGORIAN };
  if (extent.spatial || extent.temporal) doc.extent = extent;
  return doc;
}

export async function collectionsPage(ctx: Context, deps: ApiDeps): Promise<void> {
  const base = deps.baseUrl(ctx);
  const encoding = encodingOf(ctx);
  onlyFormatParameter(ctx, 'the collections');
  const collections = await deps.features.collections(subjectOf(ctx));
  const links = selfAndAlternate(base, '/collections', ctx, encoding, MEDIA.json, 'The feature collections');
  const docs = collections.map((c) => collectionDocument(ctx, deps, c));
  if (encoding === 'json') {
    ctx.type = MEDIA.json;
    // The CRSs every collection offers (Part 2 /req/crs/crs-collections); each collection lists its own too.
    ctx.body = { links, collections: docs, crs: offeredCrs(deps.config.crs, CRS84_URI) };
    return;
  }
  const rows = docs
    .map((d) => {
      const items = d.links.find((l) => l.rel === 'items' && l.type === MEDIA.html)!.href;
      return `<tr><td><a href="${escapeHtml(`${base}${collectionPath(d.id)}?f=html`)}">${escapeHtml(d.title)}</a></td><td>${escapeHtml(d.id)}</td><td>${escapeHtml(d.description ?? '')}</td><td><a href="${escapeHtml(items)}">features</a></td></tr>`;
    })
    .join('');
  const table = `<table><thead><tr><th>Title</th><th>Id</th><th>Description</th><th>Items</th></tr></thead><tbody>${rows || '<tr><td colspan="4">No collection.</td></tr>'}</tbody></table>`;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = page('Feature collections', [{ title: deps.config.title, href: `${base}?f=html` }, { title: 'Collections', href: `${base}/collections?f=html` }], links, table + linkList(links.filter((l) => l.rel === 'alternate')));
}

export async function collectionPage(ctx: Context, deps: ApiDeps, id: string): Promise<void> {
  const base = deps.baseUrl(ctx);
  const encoding = encodingOf(ctx);
  const c = await collectionOr404(ctx, deps, id);
  onlyFormatParameter(ctx, `collection '${c.id}'`);
  const doc = collectionDocument(ctx, deps, c, encoding);
  if (encoding === 'json') {
    ctx.type = MEDIA.json;
    ctx.body = doc;
    return;
  }
  const rows: Array<[string, string]> = [
    ['Id', escapeHtml(doc.id)],
    ['Description', escapeHtml(doc.description ?? '')],
    ['Keywords', escapeHtml((doc.keywords ?? []).join(', '))],
    ['Geometry type', escapeHtml(c.geometryType)],
    ['Features', escapeHtml(c.count)],
    ['Spatial extent (CRS84)', valueHtml(doc.extent?.spatial?.bbox[0] ?? null)],
    ['Temporal extent', valueHtml(doc.extent?.temporal?.interval[0] ?? null)],
    ['Storage CRS', escapeHtml(doc.storageCrs)],
    ['CRSs offered', doc.crs.map(escapeHtml).join('<br>')],
  ];
  const props = c.properties.map((p) => `<tr><td>${escapeHtml(p.name)}</td><td>${escapeHtml(p.type)}</td><td>${escapeHtml(p.title ?? '')}</td><td>${escapeHtml(p.description ?? '')}</td></tr>`).join('');
  const body =
    definitionTable(rows) +
    `<h2>Properties</h2><table><thead><tr><th>Name</th><th>Type</th><th>Title</th><th>Description</th></tr></thead><tbody>${props}</tbody></table>` +
    linkList(doc.links.filter((l) => l.rel !== 'self'));
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = page(doc.title, [{ title: deps.config.title, href: `${base}?f=html` }, { title: 'Collections', href: `${base}/collections?f=html` }, { title: doc.title, href: '' }], doc.links, body);
}
