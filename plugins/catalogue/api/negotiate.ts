/**
 * The encoding a GET answers in: `?f=` (a format name, or json/geojson/stac), else the Accept
 * header (a format's media type; a `profile` naming STAC picks STAC), else OGC 17-003 GeoJSON.
 */
import type { Context } from 'koa';
import { BadRequest, MeridianError } from '../../../core/errors.js';
import type { MetadataFormat, MetadataFormats } from '../formats/types.js';

export const DEFAULT_FORMAT = 'ogc17-003';
const ALIASES: Record<string, string> = { json: DEFAULT_FORMAT, geojson: DEFAULT_FORMAT, 'eo-geojson': DEFAULT_FORMAT };

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

export function parseMediaType(text: string): { type: string; params: Record<string, string> } {
  const [type = '', ...rest] = text.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
  }
  return { type: type.trim().toLowerCase(), params };
}

function mediaRanges(accept: string): MediaRange[] {
  return accept
    .split(',')
    .map((part) => {
      const { type, params } = parseMediaType(part);
      const q = params.q !== undefined ? Number(params.q) : 1;
      return { type, params, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((r) => r.type !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q);
}

/** The format a media range asks for, or undefined when no format has it. */
function formatFor(range: MediaRange, formats: MetadataFormats): MetadataFormat | undefined {
  if ((range.params.profile ?? '').toLowerCase().includes('stac')) return formats.find('stac');
  if (range.type === '*/*' || range.type === 'application/*' || range.type === 'application/json' || range.type === 'application/geo+json') return formats.find(DEFAULT_FORMAT);
  return formats.list().find((f) => (f.toJson || f.toXml) && parseMediaType(f.mediaType).type === range.type);
}

/** The format a request's `f` or Accept names; 400 for an unknown `f`, 406 when Accept allows none. */
export function outputFormat(ctx: Context, formats: MetadataFormats): MetadataFormat {
  const f = typeof ctx.query.f === 'string' ? ctx.query.f : undefined;
  if (f !== undefined) {
    const format = formats.find(ALIASES[f.toLowerCase()] ?? f);
    if (!format || (!format.toJson && !format.toXml)) {
      const known = ['json', ...formats.list().filter((x) => x.toJson || x.toXml).map((x) => x.name)];
      throw new BadRequest(`Unknown output format '${f}' (one of ${known.join(', ')})`, { code: 'InvalidParameterValue', locator: 'f' });
    }
    return format;
  }
  const accept = ctx.get('Accept');
  if (!accept) return formats.find(DEFAULT_FORMAT)!;
  for (const range of mediaRanges(accept)) {
    const format = formatFor(range, formats);
    if (format) return format;
  }
  throw new MeridianError(406, `None of the accepted media types (${accept}) is available; ask for application/geo+json, or use ?f=`, { code: 'NotAcceptable', locator: 'Accept' });
}
