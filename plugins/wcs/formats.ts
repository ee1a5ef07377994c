/**
 * Output encodings of GetCoverage: FORMAT (GeoTIFF per OGC 12-100r1, PNG and JPEG as special
 * formats, GML per GMLCOV), MEDIATYPE=multipart/related (GMLCOV §10), and the GeoTIFF encoding
 * extension's parameters (geotiff:compression, predictor, interleave, tiling, tilewidth,
 * tileheight) checked with the exception codes of 12-100r1 Table 4.
 */
import { invalidParameterValue } from '../../core/ows/index.js';
import type { CoverageOutputRequest, SampleType } from '../coverages/types.js';
import { wcsException } from './exceptions.js';
import type { GeoTiffParameters } from './requests.js';

export type OutputFormat = 'geotiff' | 'png' | 'jpeg' | 'gml';

export const FORMATS_SUPPORTED = ['image/tiff', 'image/png', 'image/jpeg', 'application/gml+xml'] as const;

export const MEDIA_TYPE: Record<OutputFormat, string> = {
  geotiff: 'image/tiff',
  png: 'image/png',
  jpeg: 'image/jpeg',
  gml: 'application/gml+xml',
};

const ALIASES: Record<string, OutputFormat> = {
  'image/tiff': 'geotiff',
  'image/geotiff': 'geotiff',
  'image/tif': 'geotiff',
  'application/geotiff': 'geotiff',
  'image/x-geotiff': 'geotiff',
  geotiff: 'geotiff',
  gtiff: 'geotiff',
  tiff: 'geotiff',
  'image/png': 'png',
  png: 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  jpeg: 'jpeg',
  jpg: 'jpeg',
  'application/gml+xml': 'gml',
  'application/xml': 'gml',
  'text/xml': 'gml',
  gml: 'gml',
};

/** FORMAT → encoding; absent means the native format, GeoTIFF (WCS 2.0.1 core Req. 31). */
export function outputFormatOf(format: string | undefined): OutputFormat {
  if (format === undefined) return 'geotiff';
  const key = format.split(';')[0]!.trim().toLowerCase();
  const match = ALIASES[key];
  if (!match) throw invalidParameterValue('format', `Format '${format}' is not supported; formats are ${FORMATS_SUPPORTED.join(', ')}`);
  return match;
}

export function multipartOf(mediaType: string | undefined): boolean {
  if (mediaType === undefined) return false;
  if (mediaType.trim().toLowerCase() === 'multipart/related') return true;
  throw invalidParameterValue('mediaType', `mediaType must be multipart/related; got '${mediaType}'`);
}

type GeoTiffOptions = NonNullable<CoverageOutputRequest['geotiff']>;

const COMPRESSIONS: Record<string, GeoTiffOptions['compression']> = { none: 'none', packbits: 'packbits', lzw: 'lzw', deflate: 'deflate' };
const KNOWN_COMPRESSIONS = new Set(['none', 'packbits', 'huffman', 'lzw', 'deflate', 'jpeg']);
const PREDICTORS: Record<string, GeoTiffOptions['predictor']> = { none: 'none', horizontal: 'horizontal', floatingpoint: 'floatingpoint' };

function tileSize(value: string | undefined, locator: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value.trim());
  if (!/^\s*\d+\s*$/.test(value) || n <= 0 || n % 16 !== 0) throw wcsException('TilingInvalid', `${locator} must be a positive multiple of 16; got '${value}'`, locator);
  return n;
}

/** The engine's GeoTIFF options from the request's geotiff: parameters (sample type decides the floating-point predictor). */
export function geotiffOptionsOf(p: GeoTiffParameters, sampleType: SampleType): GeoTiffOptions | undefined {
  const out: GeoTiffOptions = {};
  if (p.compression !== undefined && p.compression.trim() !== '') {
    const key = p.compression.trim().toLowerCase();
    if (!KNOWN_COMPRESSIONS.has(key)) throw wcsException('CompressionInvalid', `geotiff:compression '${p.compression}' is not a GeoTIFF compression (None, PackBits, Huffman, LZW, Deflate, JPEG)`, 'geotiff:compression');
    const compression = COMPRESSIONS[key];
    if (!compression) throw wcsException('CompressionNotSupported', `geotiff:compression '${p.compression}' is not supported; use None, PackBits, LZW or Deflate`, 'geotiff:compression');
    out.compression = compression;
  }
  if (p.predictor !== undefined && p.predictor.trim() !== '') {
    const predictor = PREDICTORS[p.predictor.trim().toLowerCase()];
    if (!predictor) throw wcsException('PredictorInvalid', `geotiff:predictor '${p.predictor}' is not one of None, Horizontal, FloatingPoint`, 'geotiff:predictor');
    if (predictor !== 'none' && out.compression !== 'lzw' && out.compression !== 'deflate') {
      throw wcsException('PredictorNotSupported', 'geotiff:predictor applies to LZW and Deflate compression only', 'geotiff:predictor');
    }
    if (predictor === 'floatingpoint' && sampleType !== 'float32' && sampleType !== 'float64') {
      throw wcsException('PredictorNotSupported', `The FloatingPoint predictor needs floating-point samples; this coverage has ${sampleType}`, 'geotiff:predictor');
    }
    out.predictor = predictor;
  }
  if (p.interleave !== undefined && p.interleave.trim() !== '') {
    const key = p.interleave.trim().toLowerCase();
    if (key !== 'pixel' && key !== 'band') throw wcsException('InterleavingInvalid', `geotiff:interleave must be Pixel or Band; got '${p.interleave}'`, 'geotiff:interleave');
    if (key === 'band') throw wcsException('InterleavingNotSupported', 'Only pixel interleaving is written', 'geotiff:interleave');
  }
  const tileWidth = tileSize(p.tileWidth, 'geotiff:tilewidth');
  const tileHeight = tileSize(p.tileHeight, 'geotiff:tileheight');
  if (p.tiling !== undefined && p.tiling.trim() !== '') {
    const key = p.tiling.trim().toLowerCase();
    if (key !== 'true' && key !== 'false') throw wcsException('TilingInvalid', `geotiff:tiling must be true or false; got '${p.tiling}'`, 'geotiff:tiling');
    out.tiled = key === 'true';
  }
  if (tileWidth !== undefined || tileHeight !== undefined) {
    if (out.tiled === false) throw wcsException('TilingInvalid', 'geotiff:tilewidth and geotiff:tileheight need geotiff:tiling=true', tileWidth !== undefined ? 'geotiff:tilewidth' : 'geotiff:tileheight');
    out.tiled = true;
    out.tileWidth = tileWidth ?? tileHeight;
    out.tileHeight = tileHeight ?? tileWidth;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
