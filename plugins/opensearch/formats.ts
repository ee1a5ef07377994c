/**
 * Which encoding a response takes: `httpAccept` (a media type, as FedEO and the CEOS Best
 * Practice write it), else `format` (atom, json, geojson or a media type), else the Accept header;
 * Atom when none says. Entries also take `recordSchema` (a catalogue metadata format name) or a
 * metadata format's media type in `httpAccept`.
 */
import type { Context } from 'koa';
import { invalidParameterValue, type KvpParams } from '../../core/ows/index.js';
import type { MetadataFormat, MetadataFormats } from '../catalogue/formats/types.js';
import { MEDIA } from './namespaces.js';

export type FeedEncoding = 'atom' | 'geojson';

const ALIASES: Record<string, FeedEncoding> = {
  atom: 'atom',
  [MEDIA.atom]: 'atom',
  'application/xml': 'atom',
  json: 'geojson',
  geojson: 'geojson',
  [MEDIA.geojson]: 'geojson',
  [MEDIA.json]: 'geojson',
};

/** A media type compared loosely: lower case, no spaces, '+' for the space an unescaped '+' became. */
function normalizeMedia(value: string): string {
  const [type = '', ...params] = value.split(';');
  return [type.trim().toLowerCase().replace(/ /g, '+'), ...params.map((p) => p.trim())].join(';');
}

/** The type without parameters: `application/atom+xml;type=feed` is Atom. */
function mediaType(value: string): string {
  return normalizeMedia(value).split(';')[0]!;
}

/** The Accept header's preference between Atom and GeoJSON (q-values honoured); undefined when it names neither. */
function fromAccept(accept: string | undefined): FeedEncoding | undefined {
  if (!accept) return undefined;
  let best: { encoding: FeedEncoding; q: number } | undefined;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';');
    const encoding = ALIASES[type.trim().toLowerCase()];
    if (!encoding) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { encoding, q };
  }
  return best?.encoding;
}

/** The feed encoding a search asks for; InvalidParameterValue for one this service does not write. */
export function feedEncoding(kvp: KvpParams, accept: string | undefined): FeedEncoding {
  for (const name of ['httpAccept', 'format']) {
    const value = kvp.optional(name)?.trim();
    if (!value) continue;
    const encoding = ALIASES[mediaType(value)];
    if (!encoding) throw invalidParameterValue(name, `Parameter '${name}': '${value}' is not served here; use ${MEDIA.atom} or ${MEDIA.geojson}`);
    return encoding;
  }
  return fromAccept(accept) ?? 'atom';
}

/** Whether an error on this request should be JSON: the request asked for GeoJSON, by any of the means above. */
export function wantsJson(ctx: Context): boolean {
  const q = ctx.query;
  for (const name of ['httpAccept', 'format']) {
    const raw = Object.entries(q).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value && value.trim() !== '') return ALIASES[mediaType(value)] === 'geojson';
  }
  return fromAccept(ctx.get('Accept')) === 'geojson';
}

/** What an entry URL returns: the entry itself (Atom or GeoJSON) or its metadata in a catalogue format. */
export type EntryEncoding = { kind: 'feed'; encoding: FeedEncoding } | { kind: 'metadata'; format: MetadataFormat };

/** Writers: the formats that encode records (decode-only formats have no URL). */
export function metadataWriters(formats: MetadataFormats): MetadataFormat[] {
  return formats.list().filter((f) => f.toXml !== undefined || f.toJson !== undefined);
}

export function entryEncoding(kvp: KvpParams, accept: string | undefined, formats: MetadataFormats): EntryEncoding {
  const schema = kvp.optional('recordSchema')?.trim();
  if (schema) {
    const format = formats.find(schema);
    if (!format || (!format.toXml && !format.toJson)) {
      throw invalidParameterValue('recordSchema', `Parameter 'recordSchema': '${schema}' is not a metadata format written here; use one of ${metadataWriters(formats).map((f) => f.name).join(', ') || '(none)'}`);
    }
    return { kind: 'metadata', format };
  }
  const http = kvp.optional('httpAccept')?.trim();
  if (http) {
    const full = normalizeMedia(http);
    const base = mediaType(http);
    const writers = metadataWriters(formats);
    // A plain Atom or GeoJSON type is the entry itself; a type with a profile may name a format (STAC).
    if (full === base && ALIASES[base]) return { kind: 'feed', encoding: ALIASES[base] };
    const format = writers.find((f) => f.name !== 'ogc17-003' && normalizeMedia(f.mediaType) === full) ?? (ALIASES[base] ? undefined : writers.find((f) => mediaType(f.mediaType) === base));
    if (format) return { kind: 'metadata', format };
    if (ALIASES[base]) return { kind: 'feed', encoding: ALIASES[base] };
    throw invalidParameterValue('httpAccept', `Parameter 'httpAccept': '${http}' is not served here; use ${[MEDIA.atom, MEDIA.geojson, ...writers.map((f) => f.mediaType)].join(', ')}`);
  }
  return { kind: 'feed', encoding: feedEncoding(kvp, accept) };
}
