/**
 * GET /collections/{collectionId}/items: a page of features as a streamed GeoJSON
 * FeatureCollection (or an HTML table), with numberMatched, numberReturned, timeStamp and
 * self/alternate/next/prev/collection links, in the requested CRS (Content-Crs).
 */
import { textResponse } from '../../core/server/text-response.js';
import type { Context } from 'koa';
import type { CollectionDescription, Feature } from '../features/types.js';
import { collectionOr404, collectionPath, crsOfCollection, itemPath, subjectOf, type ApiDeps } from './context.js';
import { featureCollectionBody, primed } from './geojson.js';
import { escapeHtml, linkList, pageEnd, pageStart, valueHtml } from './html.js';
import { ITEMS_PARAMETERS, parseItemsQuery, type ItemsQuery } from './items-query.js';
import { MEDIA, withQuery, type Link } from './links.js';
import { encodingOf, type Encoding } from './negotiate.js';
import { singleParams } from './query-params.js';

export async function itemsPage(ctx: Context, deps: ApiDeps, collectionId: string): Promise<void> {
  const encoding = encodingOf(ctx, MEDIA.geojson);
  const subject = subjectOf(ctx);
  const collection = await collectionOr404(ctx, deps, collectionId, { extent: false });
  const queryables = await deps.features.queryables(collection.id, subject);
  const params = singleParams(ctx, new Set([...ITEMS_PARAMETERS, ...queryables.map((q) => q.name)]), `the items of collection '${collection.id}'`);
  const items = parseItemsQuery(params, {
    collection,
    queryables,
    offeredCrs: crsOfCollection(deps, collection),
    defaultLimit: deps.config.defaultLimit,
    maxLimit: deps.features.limits.maxLimit,
  });
  const result = await deps.features.query(collection, items.query, subject, { count: true });
  const features = await primed(result.features);
  if (ctx.method === 'HEAD') {
    // Koa sends no body for HEAD and never reads it: the engine's read is closed here instead.
    await features[Symbol.asyncIterator]().return?.();
  }
  const timeStamp = new Date().toISOString();
  const links = (numberReturned: number) => pageLinks(ctx, deps, collection, items, encoding, numberReturned, result.numberMatched);
  ctx.set('Content-Crs', `<${items.crs.uri}>`);
  if (encoding === 'json') {
    ctx.type = MEDIA.geojson;
    ctx.body = await featureCollectionBody(features, {
      swap: items.crs.swap,
      head: { timeStamp },
      tail: (numberReturned) => ({ ...(result.numberMatched !== undefined ? { numberMatched: result.numberMatched } : {}), numberReturned, links: links(numberReturned) }),
    });
    return;
  }
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = await textResponse(htmlPage(ctx, deps, collection, features, items, links, result.numberMatched));
}

/** self, alternate, next (when more match), prev (when not on the first page) and collection. */
function pageLinks(ctx: Context, deps: ApiDeps, c: CollectionDescription, items: ItemsQuery, encoding: Encoding, numberReturned: number, numberMatched: number | undefined): Link[] {
  const base = deps.baseUrl(ctx);
  const path = `${collectionPath(c.id)}/items`;
  const type = encoding === 'json' ? MEDIA.geojson : MEDIA.html;
  const links: Link[] = [
    { href: withQuery(base, path, ctx, { f: encoding === 'json' ? 'json' : 'html' }), rel: 'self', type, title: 'This document' },
    encoding === 'json'
      ? { href: withQuery(base, path, ctx, { f: 'html' }), rel: 'alternate', type: MEDIA.html, title: 'This page as HTML' }
      : { href: withQuery(base, path, ctx, { f: 'json' }), rel: 'alternate', type: MEDIA.geojson, title: 'This page as GeoJSON' },
  ];
  const more = numberMatched !== undefined ? items.offset + numberReturned < numberMatched : numberReturned === items.limit;
  if (more) links.push({ href: withQuery(base, path, ctx, { offset: String(items.offset + numberReturned), limit: String(items.limit) }), rel: 'next', type, title: 'Next page' });
  if (items.offset > 0) {
    links.push({ href: withQuery(base, path, ctx, { offset: String(Math.max(0, items.offset - items.limit)), limit: String(items.limit) }), rel: 'prev', type, title: 'Previous page' });
  }
  links.push({ href: `${base}${collectionPath(c.id)}`, rel: 'collection', type: MEDIA.json, title: c.title });
  return links;
}

async function* htmlPage(
  ctx: Context,
  deps: ApiDeps,
  c: CollectionDescription,
  features: AsyncIterable<Feature>,
  items: ItemsQuery,
  links: (n: number) => Link[],
  numberMatched: number | undefined,
): AsyncGenerator<string> {
  const base = deps.baseUrl(ctx);
  const names = c.properties.map((p) => p.name);
  const crumbs = [
    { title: deps.config.title, href: `${base}?f=html` },
    { title: 'Collections', href: `${base}/collections?f=html` },
    { title: c.title, href: `${base}${collectionPath(c.id)}?f=html` },
    { title: 'Items', href: '' },
  ];
  yield pageStart(`Features of ${c.title}`, crumbs, links(0).filter((l) => l.rel === 'alternate'));
  yield `<table><thead><tr><th>id</th>${names.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}<th>geometry</th></tr></thead><tbody>`;
  let n = 0;
  let rows = '';
  for await (const f of features) {
    n++;
    const href = `${base}${itemPath(c.id, f.id)}?f=html${items.crs.id === 'OGC:CRS84' ? '' : `&crs=${encodeURIComponent(items.crs.uri)}`}`;
    rows += `<tr><td><a href="${escapeHtml(href)}">${escapeHtml(f.id)}</a></td>${names.map((p) => `<td>${valueHtml(f.properties[p])}</td>`).join('')}<td>${escapeHtml(f.geometry?.type ?? '')}</td></tr>`;
    if (rows.length > 64 * 1024) {
      yield rows;
      rows = '';
    }
  }
  const from = n === 0 ? 0 : items.offset + 1;
  const summary = `Features ${from} to ${items.offset + n}${numberMatched !== undefined ? ` of ${numberMatched}` : ''}.`;
  yield `${rows}${n === 0 ? `<tr><td colspan="${names.length + 2}">No feature on this page.</td></tr>` : ''}</tbody></table><p>${escapeHtml(summary)}</p>`;
  yield linkList(links(n).filter((l) => l.rel !== 'self')) + pageEnd;
}
