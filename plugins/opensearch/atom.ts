/**
 * Atom responses (RFC 4287 with OGC 10-032r8 and 13-026r9): the feed carries the OpenSearch
 * response elements (totalResults, startIndex, itemsPerPage, Query) and paging links; each entry
 * its dc:identifier, dc:date, GeoRSS footprint, an HTML summary, links to the record's metadata
 * encodings, its links and assets, and its OWS Context offerings.
 */
import { el, serializeXml, type XmlAttrs, type XmlElement } from '../../core/ows/index.js';
import type { CatalogueRecord, Offering } from '../catalogue/types.js';
import { georss, georssBox, unionBbox } from './georss.js';
import type { Link } from './links.js';
import { MEDIA, xmlns, type OsPrefix } from './namespaces.js';
import type { SearchResponseHead } from './response.js';

const FEED_PREFIXES: OsPrefix[] = ['os', 'dc', 'georss', 'geo', 'time', 'eo', 'sru', 'owc'];

export interface EntryInput {
  record: CatalogueRecord;
  /** The entry's URL (its atom:id and self link). */
  url: string;
  links: Link[];
}

export interface FeedInput extends SearchResponseHead {
  generatorVersion: string;
  /** The search area, for the feed's georss:box when an entry has no footprint. */
  searchBbox?: [number, number, number, number];
  entries: EntryInput[];
}

function linkElement(l: Link): XmlElement {
  return el('link', { rel: l.rel, href: l.href, type: l.type && /.+\/.+/.test(l.type) ? l.type : undefined, title: l.title });
}

/** Alternates must differ by type (RFC 4287 §4.1.1): a second one of a type becomes `related`. */
function distinctAlternates(links: readonly Link[]): Link[] {
  const seen = new Set<string>();
  return links.map((l) => {
    if (l.rel !== 'alternate') return l;
    const key = (l.type ?? '').toLowerCase();
    if (seen.has(key)) return { ...l, rel: 'related' };
    seen.add(key);
    return l;
  });
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const SUMMARY_FIELDS = [
  'identifier',
  'parentIdentifier',
  'platform',
  'instrument',
  'sensorType',
  'productType',
  'processingLevel',
  'orbitNumber',
  'orbitDirection',
  'cloudCover',
  'snowCover',
  'resolution',
  'polarisationChannels',
  'acquisitionType',
  'status',
  'start',
  'end',
] as const;

/** An HTML table of the record's main properties (atom:content, for generic Atom readers). */
function htmlSummary(r: CatalogueRecord): string {
  const rows: string[] = [];
  if (r.abstract) rows.push(`<p>${escapeHtml(r.abstract)}</p>`);
  const cells = SUMMARY_FIELDS.flatMap((f) => {
    const v = (r as unknown as Record<string, unknown>)[f];
    return v === undefined || v === null ? [] : [`<tr><th>${f}</th><td>${escapeHtml(String(v))}</td></tr>`];
  });
  if (cells.length > 0) rows.push(`<table>${cells.join('')}</table>`);
  return rows.join('');
}

function dcDate(r: CatalogueRecord): string | undefined {
  if (!r.start) return undefined;
  return r.end && r.end !== r.start ? `${r.start}/${r.end}` : r.start;
}

/** OWS Context Atom offering codes (owc-atom) for the GeoJSON ones records carry. */
function atomOfferingCode(code: string): string {
  return code.replace('/owc-geojson/', '/owc-atom/');
}

function offeringElement(o: Offering): XmlElement {
  return el(
    'owc:offering',
    { code: atomOfferingCode(o.code) },
    (o.operations ?? []).map((op) => el('owc:operation', { code: op.code, method: op.method, type: op.type, href: op.href })),
    (o.contents ?? []).map((c) => el('owc:content', { type: c.type, href: c.href }, c.content ?? null)),
  );
}

export function entryElement(input: EntryInput, rootNamespaces = false): XmlElement {
  const r = input.record;
  const attrs: XmlAttrs = rootNamespaces ? xmlns(FEED_PREFIXES, 'atom') : {};
  return el(
    'entry',
    attrs,
    el('id', null, input.url),
    el('title', null, r.title ?? r.identifier),
    el('updated', null, r.updated),
    el('published', null, r.created),
    el('dc:identifier', null, r.identifier),
    dcDate(r) ? el('dc:date', null, dcDate(r)!) : null,
    georss(r.geometry, r.bbox),
    el('link', { rel: 'self', href: input.url, type: MEDIA.atom }),
    distinctAlternates(input.links).map(linkElement),
    r.abstract ? el('summary', { type: 'text' }, r.abstract) : null,
    el('content', { type: 'html' }, htmlSummary(r)),
    (r.offerings ?? []).map(offeringElement),
  );
}

/** The feed as chunks: the head, one chunk per entry, the tail (each entry serialised on its own). */
export function atomFeedChunks(input: FeedInput): string[] {
  const needsFeedGeoRss = input.entries.some((e) => !georss(e.record.geometry, e.record.bbox));
  const feedBox = needsFeedGeoRss ? (input.searchBbox ?? unionBbox(input.entries.map((e) => e.record.bbox)) ?? [-180, -90, 180, 90]) : undefined;
  const feed = el(
    'feed',
    xmlns(FEED_PREFIXES, 'atom'),
    el('id', null, input.id),
    el('title', null, input.title),
    el('updated', null, input.updated),
    el('author', null, el('name', null, input.author)),
    el('generator', { version: input.generatorVersion }, 'Meridian'),
    input.links.map(linkElement),
    el('os:totalResults', null, input.totalResults),
    el('os:startIndex', null, input.startIndex),
    el('os:itemsPerPage', null, input.itemsPerPage),
    el('os:Query', { role: 'request', count: input.itemsPerPage, startIndex: input.startIndex, ...Object.fromEntries(input.query) }),
    feedBox ? georssBox(feedBox) : null,
  );
  const whole = serializeXml(feed);
  const tail = '</feed>';
  const head = whole.endsWith(tail) ? whole.slice(0, -tail.length) : whole;
  return [head, ...input.entries.map((e) => serializeXml(entryElement(e), { declaration: false })), tail];
}

/** An Atom entry document (one record). */
export function atomEntryDocument(input: EntryInput): string {
  return serializeXml(entryElement(input, true));
}
