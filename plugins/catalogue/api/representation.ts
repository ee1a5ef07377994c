/** Records as response bodies: the negotiated encoding, with this API's links, and ETags. */
import type { Context } from 'koa';
import { serializeXml } from '../../../core/ows/index.js';
import type { EncodeOptions, MetadataFormat } from '../formats/types.js';
import type { CatalogueRecord, RecordLink } from '../types.js';
import { recordVersion } from '../version.js';
import { COLLECTIONS, scopeOf, type ApiDeps } from './context.js';
import { entityTag } from './etag.js';
import { DEFAULT_FORMAT } from './negotiate.js';

/** `url` with `?f=` set (nothing for the default encoding). */
export function withFormat(url: string, format: string): string {
  return format === DEFAULT_FORMAT ? url : `${url}${url.includes('?') ? '&' : '?'}f=${encodeURIComponent(format)}`;
}

/** The JSON encodings a record has (for alternate links). */
function jsonFormats(deps: ApiDeps, record: CatalogueRecord): MetadataFormat[] {
  return deps.catalogue.formats.list().filter((f) => f.toJson && (f.name !== 'stac' || record.type === 'product' || record.type === 'collection'));
}

export function mediaTypeOf(format: MetadataFormat, record: CatalogueRecord | undefined): string {
  if (format.name === 'stac') return record && record.type !== 'product' ? 'application/json' : 'application/geo+json';
  return format.mediaType;
}

/** The links this API gives a record: self, the other encodings, its collection, a collection's items. */
export function recordLinks(ctx: Context, deps: ApiDeps, record: CatalogueRecord, format: MetadataFormat): RecordLink[] {
  const base = deps.baseUrl(ctx);
  const url = base + scopeOf(record).path(record.identifier);
  const links: RecordLink[] = [{ rel: 'self', href: withFormat(url, format.name), type: mediaTypeOf(format, record) }];
  for (const other of jsonFormats(deps, record)) {
    if (other.name !== format.name) links.push({ rel: 'alternate', href: withFormat(url, other.name), type: mediaTypeOf(other, record), title: other.title });
  }
  if (record.type === 'product' && record.parentIdentifier !== undefined) {
    const collection = base + COLLECTIONS.path(record.parentIdentifier);
    links.push({ rel: 'collection', href: withFormat(collection, format.name), type: format.name === 'stac' ? 'application/json' : mediaTypeOf(format, undefined), title: record.parentIdentifier });
  }
  if (record.type === 'collection') {
    links.push({ rel: 'items', href: withFormat(`${url}/items`, format.name), type: 'application/geo+json', title: 'Products of this collection' });
  }
  return links;
}

/** The record in `format`: a JSON value, or XML text. */
export function encodeRecord(ctx: Context, deps: ApiDeps, record: CatalogueRecord, format: MetadataFormat): unknown {
  const links = recordLinks(ctx, deps, record, format);
  const options: EncodeOptions = { selfUrl: links[0]!.href, links };
  if (format.toJson) return format.toJson(record, options);
  return serializeXml(format.toXml!(record, options), { declaration: true });
}

/** Sends one record with its ETag (and Content-Type, Link to the collection for items). */
export function sendRecord(ctx: Context, deps: ApiDeps, record: CatalogueRecord, format: MetadataFormat, status = 200): void {
  const body = encodeRecord(ctx, deps, record, format);
  ctx.status = status;
  ctx.set('ETag', entityTag(recordVersion(record), format.name));
  ctx.type = mediaTypeOf(format, record);
  ctx.body = format.toJson ? JSON.stringify(body) : body;
}

export interface Page {
  records: CatalogueRecord[];
  numberMatched: number;
  offset: number;
  limit: number;
}

/** self/next/prev links of a page, keeping the request's other parameters. */
export function pageLinks(ctx: Context, deps: ApiDeps, page: Page, mediaType: string): RecordLink[] {
  const at = (offset: number) => {
    const params = new URLSearchParams(ctx.querystring);
    params.set('offset', String(offset));
    params.set('limit', String(page.limit));
    return `${deps.baseUrl(ctx)}${ctx.path.slice(ctx.state.mountPath?.length ?? 0)}?${params.toString()}`;
  };
  const links: RecordLink[] = [{ rel: 'self', href: at(page.offset), type: mediaType }];
  if (page.offset + page.records.length < page.numberMatched && page.limit > 0) links.push({ rel: 'next', href: at(page.offset + page.limit), type: mediaType });
  if (page.offset > 0) links.push({ rel: 'prev', href: at(Math.max(0, page.offset - page.limit)), type: mediaType });
  return links;
}

/**
 * A page of records: a FeatureCollection (17-003; STAC ItemCollection for products), or STAC's
 * `{ collections: [...] }` for collections in STAC.
 */
export function sendPage(ctx: Context, deps: ApiDeps, page: Page, format: MetadataFormat, collections: boolean): void {
  if (!format.toJson) {
    // A page is JSON; XML encodings are for single records.
    format = deps.catalogue.formats.find(DEFAULT_FORMAT)!;
  }
  const members = page.records.map((r) => encodeRecord(ctx, deps, r, format));
  const stacCollections = collections && format.name === 'stac';
  const mediaType = stacCollections ? 'application/json' : 'application/geo+json';
  const counts = { numberMatched: page.numberMatched, numberReturned: page.records.length };
  const links = pageLinks(ctx, deps, page, mediaType);
  ctx.type = mediaType;
  ctx.body = JSON.stringify(stacCollections ? { collections: members, links, ...counts } : { type: 'FeatureCollection', features: members, links, ...counts });
}
