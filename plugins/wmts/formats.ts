/** Tile and FeatureInfo formats: MIME types, the coverages engine's names and RESTful file extensions. */
import type { ImageFormat } from '../coverages/types.js';
import type { InfoFormat, TileFormat } from './config.js';

export interface TileFormatInfo {
  mime: TileFormat;
  engine: ImageFormat;
  extension: string;
  /** Whether the format has an alpha channel (transparent background outside the data). */
  alpha: boolean;
}

export const TILE_FORMAT_INFO: Record<TileFormat, TileFormatInfo> = {
  'image/png': { mime: 'image/png', engine: 'png', extension: 'png', alpha: true },
  'image/jpeg': { mime: 'image/jpeg', engine: 'jpeg', extension: 'jpg', alpha: false },
  'image/webp': { mime: 'image/webp', engine: 'webp', extension: 'webp', alpha: true },
};

/** RESTful extensions, with the spellings clients also use. */
const TILE_EXTENSIONS: Record<string, TileFormat> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' };

export const INFO_FORMAT_EXTENSIONS: Record<InfoFormat, string> = {
  'application/json': 'json',
  'text/plain': 'txt',
  'text/html': 'html',
  'text/xml': 'xml',
};

const INFO_EXTENSIONS: Record<string, InfoFormat> = { json: 'application/json', geojson: 'application/json', txt: 'text/plain', html: 'text/html', htm: 'text/html', xml: 'text/xml' };

export function tileFormatOfExtension(extension: string): TileFormat | undefined {
  return TILE_EXTENSIONS[extension.toLowerCase()];
}

export function infoFormatOfExtension(extension: string): InfoFormat | undefined {
  return INFO_EXTENSIONS[extension.toLowerCase()];
}

/** A MIME type as written in a request, without parameters and case ('image/PNG; mode=8bit' is image/png). */
export function bareMime(value: string): string {
  return value.split(';')[0]!.trim().toLowerCase();
}
