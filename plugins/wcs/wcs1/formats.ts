/**
 * Output formats of WCS 1.0 and 1.1 GetCoverage. WCS 1.0.0 names formats (its examples use
 * GeoTIFF, HDF-EOS...; GDAL and QGIS pick the first name containing "tif"), WCS 1.1 uses MIME
 * types. Either spelling is read in both versions, case-insensitively.
 */
import type { CoverageOutputRequest } from '../../coverages/types.js';

export type EngineFormat = CoverageOutputRequest['format'];

export interface Format1 {
  /** WCS 1.0.0 name (supportedFormats/formats). */
  name: string;
  /** MIME type (WCS 1.1 SupportedFormat, Content-Type). */
  mimeType: string;
  engine: EngineFormat;
  extension: string;
}

export const FORMATS_1: readonly Format1[] = [
  { name: 'GeoTIFF', mimeType: 'image/tiff', engine: 'geotiff', extension: 'tif' },
  { name: 'PNG', mimeType: 'image/png', engine: 'png', extension: 'png' },
  { name: 'JPEG', mimeType: 'image/jpeg', engine: 'jpeg', extension: 'jpg' },
];

const ALIASES: Record<string, EngineFormat> = {
  geotiff: 'geotiff',
  gtiff: 'geotiff',
  tiff: 'geotiff',
  tif: 'geotiff',
  'image/tiff': 'geotiff',
  'image/geotiff': 'geotiff',
  'image/tif': 'geotiff',
  'image/x-geotiff': 'geotiff',
  'application/geotiff': 'geotiff',
  png: 'png',
  'image/png': 'png',
  jpeg: 'jpeg',
  jpg: 'jpeg',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
};

/** The format a FORMAT value names, or undefined (parameters after ';' are ignored: `image/tiff; subtype=geotiff`). */
export function formatOf(value: string): Format1 | undefined {
  const engine = ALIASES[value.split(';')[0]!.trim().toLowerCase()];
  return FORMATS_1.find((f) => f.engine === engine);
}
