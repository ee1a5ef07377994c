/** STAC links and assets, read into the record model and written back around the caller's links. */
import type { Asset, CatalogueRecord, RecordLink } from '../types.js';
import type { EncodeOptions } from './types.js';
import { JsonReader, invalidRecord, isObject } from './json-document.js';

/** Links that place a document in a STAC tree; the calling service's own links replace them. */
export const STRUCTURAL_RELS: ReadonlySet<string> = new Set(['self', 'root', 'parent', 'collection', 'child', 'item', 'items']);

/** `href` made absolute against an http(s) `source`; left as given otherwise (a file path, no source). */
function resolveHref(href: string, source: string | undefined): string {
  if (!source || !/^https?:\/\//i.test(source)) return href;
  try {
    return new URL(href, source).href;
  } catch {
    return href;
  }
}

/** The document's links except `self` (which names where it was read from, not the record). */
export function readStacLinks(r: JsonReader, source: string | undefined): RecordLink[] | undefined {
  const list = r.array('links');
  if (!list) return undefined;
  const links: RecordLink[] = [];
  list.forEach((value, i) => {
    const l = JsonReader.of(value, `${r.locator('links')}[${i}]`, 'A link');
    const href = l.requiredString('href');
    const rel = l.requiredString('rel');
    if (rel === 'self') return;
    links.push({ ...(l.value as object), href: resolveHref(href, source), rel } as RecordLink);
  });
  return links;
}

export function readStacAssets(r: JsonReader, source: string | undefined): Record<string, Asset> | undefined {
  const assets = r.object('assets');
  if (!assets) return undefined;
  const out: Record<string, Asset> = {};
  for (const [key, value] of Object.entries(assets.value)) {
    const a = JsonReader.of(value, assets.locator(key), 'An asset');
    const href = a.requiredString('href');
    a.strings('roles');
    out[key] = { ...(a.value as object), href: resolveHref(href, source) } as Asset;
  }
  return out;
}

/**
 * self, the caller's links, then the record's own; a structural link of the record gives way to
 * the caller's link of the same relation. A product in a collection always gets a `collection`
 * link (STAC requires one with the `collection` field): the record's, else the identifier.
 */
export function stacLinksOf(record: CatalogueRecord, options: EncodeOptions): RecordLink[] {
  const links: RecordLink[] = [];
  if (options.selfUrl) links.push({ rel: 'self', href: options.selfUrl, type: record.type === 'product' ? 'application/geo+json' : 'application/json' });
  const given = (options.links ?? []).filter((l) => !(options.selfUrl && l.rel === 'self'));
  links.push(...given);
  const rels = new Set(links.map((l) => l.rel));
  for (const l of record.links ?? []) {
    if (l.rel === 'self' || (STRUCTURAL_RELS.has(l.rel) && rels.has(l.rel))) continue;
    links.push(l);
  }
  if (record.type === 'product' && record.parentIdentifier !== undefined && !links.some((l) => l.rel === 'collection')) {
    links.push({ rel: 'collection', href: encodeURIComponent(record.parentIdentifier), type: 'application/json', title: record.parentIdentifier });
  }
  return links;
}

export function assertStacObject(json: unknown, what: string, locator: string): asserts json is Record<string, unknown> {
  if (!isObject(json)) throw invalidRecord(`${what} must be a JSON object`, locator || '/');
}
