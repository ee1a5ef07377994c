/** Opens a vector file with the reader its format needs: named, from the extension, or from its first bytes. */
import { open, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { EXTENSIONS, FORMATS } from '../formats.js';
import type { VectorFormat, VectorSource } from '../types.js';

export { FORMATS, MEDIA_TYPES } from '../formats.js';
import { fileChunks } from './bytes.js';
import { openCsv, type CsvOptions } from './csv.js';
import { openGeoJson } from './geojson.js';
import { openGeoPackage } from './geopackage.js';
import { openShapefile } from './shapefile.js';
import { openTopoJson } from './topojson.js';
import { isZipMagic, openZippedShapefiles } from './zip.js';

export class UnsupportedFormatError extends Error {
  override name = 'UnsupportedFormatError';
}

export interface OpenOptions extends Omit<CsvOptions, 'name' | 'size'> {
  format?: VectorFormat;
  /** The layer's name when the file's name is not meaningful (an upload). */
  name?: string;
}

/** The format of a file from its extension, else its first bytes. */
export async function detectFormat(path: string): Promise<VectorFormat> {
  const byName = EXTENSIONS[extname(path).toLowerCase()];
  if (byName) return byName;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    const b = head.subarray(0, bytesRead);
    if (b.toString('latin1', 0, 15) === 'SQLite format 3') return 'geopackage';
    if (b.length >= 4 && (b.readInt32BE(0) === 9994 || isZipMagic(b))) return 'shapefile';
    const text = b.toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (text.startsWith('{') || text.startsWith('\u001e')) return 'geojson';
    return 'csv';
  } finally {
    await handle.close();
  }
}

export async function openVectorFile(path: string, options: OpenOptions = {}): Promise<VectorSource> {
  const format = options.format ?? (await detectFormat(path));
  const name = options.name ?? basename(path, extname(path));
  const { size } = await stat(path);
  switch (format) {
    case 'geojson':
      return openGeoJson(fileChunks(path), { name, size });
    case 'topojson':
      return openTopoJson(path, { name });
    case 'csv':
      return openCsv(fileChunks(path), { ...options, name, size });
    case 'geopackage':
      return openGeoPackage(path, { name });
    case 'shapefile':
      return (await startsWithZip(path)) ? openZippedShapefiles(path, { encoding: options.encoding }) : openShapefile(path, { encoding: options.encoding });
    default:
      throw new UnsupportedFormatError(`Unknown format '${String(format)}' (known: ${FORMATS.join(', ')})`);
  }
}

async function startsWithZip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return isZipMagic(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
