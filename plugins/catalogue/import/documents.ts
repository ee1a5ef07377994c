/**
 * A metadata document: decoded through the catalogue's format registry (whatever formats it
 * holds), and, when it is a STAC catalog, collection or item collection, the links to follow
 * (`child`, `item`, `items`, and `next` pages).
 */
import { MeridianError } from '../../../core/errors.js';
import type { MetadataFormats } from '../formats/types.js';
import type { CatalogueRecordInput } from '../types.js';
import { isRecordError } from './writer.js';
import { describeLocation, resolveHref, type Location, type LocationPolicy } from './locations.js';

/** Link relations that lead to more records. */
const FOLLOWED = new Set(['child', 'item', 'items', 'next']);

export interface DecodedDocument {
  records: CatalogueRecordInput[];
  /** The format that read it, when one did. */
  format?: string;
  links: Location[];
  /** Links that could not be followed, with why. */
  badLinks: Array<{ href: string; reason: string }>;
  /** The decode error, when no format read it (a STAC Catalog is a container, not a record). */
  error?: MeridianError;
}

export interface DecodeContext {
  parentIdentifier?: string;
  owner?: string;
  policy: LocationPolicy;
}

export function decodeDocument(formats: MetadataFormats, bytes: Buffer, location: Location, context: DecodeContext): DecodedDocument {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const source = describeLocation(location);
  let json: unknown;
  const head = text.trimStart()[0];
  if (head === '{' || head === '[') {
    try {
      json = JSON.parse(text);
    } catch (err) {
      return { records: [], links: [], badLinks: [], error: new MeridianError(400, `${source} is not valid JSON: ${(err as Error).message}`, { code: 'InvalidRecord' }) };
    }
  }
  const { links, badLinks } = followedLinks(json, location, context.policy);
  try {
    const { format, records } = formats.decode({ text, json, source }, { parentIdentifier: context.parentIdentifier, owner: context.owner });
    return { records, format: format.name, links, badLinks };
  } catch (err) {
    if (!isRecordError(err)) throw err;
    return { records: [], links, badLinks, error: err };
  }
}

/** True when a JSON document is a STAC Catalog: a container whose records are its children. */
export function isStacCatalog(bytes: Buffer): boolean {
  try {
    const json = JSON.parse(bytes.toString('utf8')) as { type?: unknown; stac_version?: unknown };
    return json?.type === 'Catalog';
  } catch {
    return false;
  }
}

function followedLinks(json: unknown, base: Location, policy: LocationPolicy): { links: Location[]; badLinks: Array<{ href: string; reason: string }> } {
  const links: Location[] = [];
  const badLinks: Array<{ href: string; reason: string }> = [];
  const list = (json as { links?: unknown } | undefined)?.links;
  if (!Array.isArray(list)) return { links, badLinks };
  for (const link of list as Array<{ rel?: unknown; href?: unknown; method?: unknown }>) {
    if (!link || typeof link.rel !== 'string' || !FOLLOWED.has(link.rel)) continue;
    // A STAC API `next` link may be a POST with a body: not a document to fetch.
    if (typeof link.method === 'string' && link.method.toUpperCase() !== 'GET') continue;
    try {
      links.push(resolveHref(String(link.href ?? ''), base, policy));
    } catch (err) {
      badLinks.push({ href: String(link.href ?? ''), reason: (err as Error).message });
    }
  }
  return { links, badLinks };
}
