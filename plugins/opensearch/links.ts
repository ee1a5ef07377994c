/**
 * The service's URLs (descriptions, searches, entries, metadata) and the links each response
 * carries: paging (first/previous/next/last, CEOS-BP-011B), alternates, metadata encodings,
 * the record's own links and assets.
 */
import type { MetadataFormat } from '../catalogue/formats/types.js';
import type { CatalogueRecord } from '../catalogue/types.js';
import type { FeedEncoding } from './formats.js';
import { MEDIA } from './namespaces.js';

export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

const seg = encodeURIComponent;

/** URLs under the plugin's base URL (absolute, no trailing '/'). */
export class ServiceUrls {
  constructor(readonly base: string) {}

  description(): string {
    return `${this.base}/description`;
  }
  collections(): string {
    return `${this.base}/collections`;
  }
  collection(id: string): string {
    return `${this.base}/collections/${seg(id)}`;
  }
  collectionDescription(id: string): string {
    return `${this.collection(id)}/description`;
  }
  products(collection: string): string {
    return `${this.collection(collection)}/products`;
  }
  product(collection: string, id: string): string {
    return `${this.products(collection)}/${seg(id)}`;
  }
  /** The record's entry URL: a collection's, or a product's within its collection. */
  entry(record: CatalogueRecord): string {
    return record.type === 'product' && record.parentIdentifier ? this.product(record.parentIdentifier, record.identifier) : this.collection(record.identifier);
  }
  /** The record's description document: a collection's own (two-step search). */
  searchDescription(record: CatalogueRecord): string | undefined {
    return record.type === 'collection' ? this.collectionDescription(record.identifier) : undefined;
  }
}

export const ENCODING_MEDIA: Record<FeedEncoding, string> = { atom: MEDIA.atom, geojson: MEDIA.geojson };

/** `url` with `httpAccept` set to the encoding's media type. */
export function withEncoding(url: string, encoding: FeedEncoding): string {
  return withParams(url, { httpAccept: ENCODING_MEDIA[encoding] });
}

/** `url` with some query parameters set (replacing any of the same name, case-insensitively). */
export function withParams(url: string, params: Record<string, string | undefined>): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const names = new Set(Object.keys(params).map((k) => k.toLowerCase()));
  const kept = (q === -1 ? [] : url.slice(q + 1).split('&')).filter((pair) => {
    if (pair === '') return false;
    const name = safeDecode(pair.split('=')[0]!).toLowerCase();
    return !names.has(name);
  });
  for (const [name, value] of Object.entries(params)) if (value !== undefined) kept.push(`${seg(name)}=${seg(value)}`);
  return kept.length > 0 ? `${path}?${kept.join('&')}` : path;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

export interface Page {
  total: number;
  count: number;
  startIndex: number;
}

/**
 * Paging links over the request URL (its parameters kept, startIndex/count set, startPage dropped).
 * Nothing but self for an empty result or count=0 (CEOS-BP-011B).
 */
export function pagingLinks(requestUrl: string, page: Page, type: string): Link[] {
  const self: Link = { rel: 'self', href: requestUrl, type };
  if (page.total === 0 || page.count === 0) return [self];
  const at = (startIndex: number) => withParams(requestUrl, { startPage: undefined, startIndex: String(startIndex), count: String(page.count) });
  const lastStart = Math.floor((page.total - 1) / page.count) * page.count + 1;
  const links: Link[] = [self, { rel: 'first', href: at(1), type }];
  if (page.startIndex > 1) links.push({ rel: 'previous', href: at(Math.max(1, page.startIndex - page.count)), type });
  if (page.startIndex + page.count <= page.total) links.push({ rel: 'next', href: at(page.startIndex + page.count), type });
  links.push({ rel: 'last', href: at(lastStart), type });
  return links;
}

/**
 * The links of one record in a response, with Atom rel names. For Atom they include the record's
 * own links and assets; the 17-003 encoder adds those itself (grouped by relation), so GeoJSON
 * gets only this service's.
 */
export function entryLinks(record: CatalogueRecord, urls: ServiceUrls, writers: readonly MetadataFormat[], encoding: FeedEncoding): Link[] {
  const entry = urls.entry(record);
  const links: Link[] = [];
  // The entry in the other encoding (its own encoding is the self link).
  const other: FeedEncoding = encoding === 'atom' ? 'geojson' : 'atom';
  if (other === 'atom' || writers.some((f) => f.name === 'ogc17-003')) {
    links.push({ rel: 'alternate', href: withEncoding(entry, other), type: ENCODING_MEDIA[other], title: other === 'atom' ? 'Atom entry' : 'GeoJSON (OGC 17-003)' });
  }
  for (const f of writers) {
    if (f.name === 'ogc17-003') continue; // the GeoJSON alternate above
    links.push({ rel: 'alternate', href: withParams(entry, { recordSchema: f.name }), type: f.mediaType, title: f.title });
  }
  // The document as received, when there is one and a format writes it back (CEOS-BP-012: via).
  const original = record.metadata && writers.find((f) => f.name === record.metadata!.format);
  if (original) links.push({ rel: 'via', href: withParams(entry, { recordSchema: original.name }), type: original.mediaType, title: `Original metadata (${original.title})` });
  const description = urls.searchDescription(record);
  if (description) links.push({ rel: 'search', href: description, type: MEDIA.description, title: `Search the products of ${record.identifier}` });
  if (record.type === 'product' && record.parentIdentifier) {
    links.push({ rel: 'up', href: withEncoding(urls.collection(record.parentIdentifier), encoding), type: ENCODING_MEDIA[encoding], title: `Collection ${record.parentIdentifier}` });
  }
  if (encoding === 'geojson') return links;
  for (const l of record.links ?? []) links.push({ rel: l.rel, href: l.href, type: l.type, title: l.title });
  for (const [key, asset] of Object.entries(record.assets ?? {})) {
    const roles = asset.roles ?? [];
    const rel = roles.includes('thumbnail') || roles.includes('overview') ? 'icon' : roles.includes('metadata') ? 'describedby' : 'enclosure';
    links.push({ rel, href: asset.href, type: asset.type, title: asset.title ?? key });
  }
  return links;
}
