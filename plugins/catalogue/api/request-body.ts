/**
 * Request bodies: read within the plugin's body limit (413 beyond), checked for a media type the
 * catalogue reads (415 otherwise), decoded through `catalogue.formats`, so every registered format
 * (JSON or XML) is accepted: the one its media type names, else the one that detects the document.
 */
import type { Context } from 'koa';
import { BadRequest, MeridianError } from '../../../core/errors.js';
import { readText } from '../../../core/server/body.js';
import type { DecodeOptions, MetadataFormats } from '../formats/types.js';
import type { CatalogueRecordInput } from '../types.js';
import { parseMediaType } from './negotiate.js';

/** Types several formats share: the document itself tells which format it is. */
const GENERIC_TYPES = new Set(['application/json', 'application/geo+json', 'application/xml', 'text/xml']);
const isJsonType = (t: string) => t === 'application/json' || t.endsWith('+json');
const isXmlType = (t: string) => t === 'application/xml' || t === 'text/xml' || t.endsWith('+xml');

/** The media types a body may have: JSON, XML when an XML format reads, and every format's own. */
export function acceptedTypes(formats: MetadataFormats): string[] {
  const readers = formats.list().filter((f) => f.decode);
  const types = new Set(['application/json', 'application/geo+json']);
  if (readers.some((f) => isXmlType(parseMediaType(f.mediaType).type))) types.add('application/xml');
  for (const f of readers) types.add(parseMediaType(f.mediaType).type);
  return [...types];
}

function unsupported(type: string, formats: MetadataFormats): MeridianError {
  return new MeridianError(415, `${type ? `Content-Type '${type}' is` : 'A body without a Content-Type is'} not one the catalogue reads (${acceptedTypes(formats).join(', ')})`, {
    code: 'UnsupportedMediaType',
    locator: 'Content-Type',
    headers: { 'Accept-Post': acceptedTypes(formats).join(', ') },
  });
}

export async function readBodyText(ctx: Context): Promise<string> {
  const text = await readText(ctx);
  if (text.trim() === '') throw new BadRequest('The request has no body', { code: 'InvalidRecord', locator: 'body' });
  return text;
}

/** The records of the request body, in the format its Content-Type names or its content shows. */
export async function decodeBody(ctx: Context, formats: MetadataFormats, options: DecodeOptions): Promise<{ format: string; records: CatalogueRecordInput[] }> {
  const { type, params } = parseMediaType(ctx.get('Content-Type'));
  const readers = formats.list().filter((f) => f.decode);
  // A media type (or a STAC profile) that names one format; the generic JSON and XML types detect.
  const named =
    (params.profile?.toLowerCase().includes('stac') ? formats.find('stac') : undefined) ??
    (GENERIC_TYPES.has(type) ? undefined : readers.find((f) => parseMediaType(f.mediaType).type === type));
  const generic = isJsonType(type) || (isXmlType(type) && readers.some((f) => isXmlType(parseMediaType(f.mediaType).type)));
  if (!named && !generic) throw unsupported(type, formats);
  const text = await readBodyText(ctx);
  const { format, records } = formats.decode({ text }, { ...options, format: named?.name });
  if (records.length === 0) throw new BadRequest('The document holds no record', { code: 'InvalidRecord', locator: 'body' });
  return { format: format.name, records };
}

/** A JSON object body (merge patches): 415 for another media type, 400 for anything but an object. */
export async function jsonObjectBody(ctx: Context): Promise<Record<string, unknown>> {
  const { type } = parseMediaType(ctx.get('Content-Type'));
  if (!isJsonType(type)) {
    throw new MeridianError(415, `A PATCH body is a JSON merge patch (application/merge-patch+json), not '${type || 'untyped'}'`, { code: 'UnsupportedMediaType', locator: 'Content-Type', headers: { 'Accept-Patch': 'application/merge-patch+json' } });
  }
  const text = await readBodyText(ctx);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BadRequest('The merge patch is not valid JSON', { code: 'InvalidRecord', locator: 'body' });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new BadRequest('A merge patch must be a JSON object', { code: 'InvalidRecord', locator: 'body' });
  return json as Record<string, unknown>;
}
