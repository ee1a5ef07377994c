/**
 * CSV with a geometry: a WKT column, or longitude/latitude columns (points). Column names are
 * given or found among the usual ones (WKT, geometry, the_geom...; lon/lng/longitude/x and
 * lat/latitude/y, case-insensitive). The delimiter (',', ';', tab or '|') is given or detected
 * from the header line. Values are text: the importer types them.
 */
import { parseWkt, type GeoJSONGeometry } from '../../../../core/filter/index.js';
import type { SourceLayer, SourceRow, VectorSource } from '../types.js';
import { counted } from './bytes.js';
import { splitCsv, type CsvRecord } from './csv-records.js';

export interface CsvOptions {
  name: string;
  size?: number;
  delimiter?: string;
  /** Text encoding (a WHATWG label); default UTF-8. */
  encoding?: string;
  wktColumn?: string;
  lonColumn?: string;
  latColumn?: string;
  /** The CRS of the coordinates; default CRS84. */
  crs?: string;
}

export const WKT_COLUMNS = ['wkt', 'geometry', 'geom', 'the_geom', 'wkt_geom', 'geom_wkt', 'shape'];
export const LON_COLUMNS = ['lon', 'lng', 'long', 'longitude', 'x'];
export const LAT_COLUMNS = ['lat', 'latitude', 'y'];

export class CsvLayoutError extends Error {
  override name = 'CsvLayoutError';
}

type GeometryFrom = { kind: 'wkt'; index: number } | { kind: 'lonlat'; lon: number; lat: number };

export async function openCsv(input: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>, options: CsvOptions): Promise<VectorSource> {
  const stream = counted(input);
  const decoder = new TextDecoder(options.encoding ?? 'utf-8');
  const text = (async function* () {
    for await (const chunk of stream.chunks) yield decoder.decode(chunk, { stream: true });
    const rest = decoder.decode();
    if (rest) yield rest;
  })();
  let delimiter = options.delimiter;
  const records = splitCsv(text, { delimiter, onDelimiter: (d) => (delimiter = d) });
  const first = await records.next();
  if (first.done) throw new CsvLayoutError('The CSV file is empty: it has no header line');
  const header = first.value.fields.map((h) => h.trim());
  const geometry = geometryColumns(header, options);
  const propertyColumns = header.map((name, index) => ({ name, index })).filter(({ index }) => (geometry.kind === 'wkt' ? index !== geometry.index : index !== geometry.lon && index !== geometry.lat));
  const seen = new Set<string>();
  for (const { name } of propertyColumns) {
    if (seen.has(name)) throw new CsvLayoutError(`The header names column '${name}' twice`);
    seen.add(name);
  }

  let row = 0;
  const toRow = (r: CsvRecord): SourceRow => {
    row++;
    const properties: Record<string, unknown> = {};
    for (const { name, index } of propertyColumns) properties[name] = r.fields[index] ?? '';
    const out: SourceRow = { row, line: r.line, geometry: null, properties };
    if (r.fields.length > header.length) {
      out.error = `${r.fields.length} fields where the header has ${header.length} (a delimiter inside an unquoted value?)`;
      return out;
    }
    try {
      out.geometry = geometry.kind === 'wkt' ? wktGeometry(r.fields[geometry.index] ?? '') : pointGeometry(r.fields[geometry.lon] ?? '', r.fields[geometry.lat] ?? '');
    } catch (err) {
      out.error = (err as Error).message;
    }
    return out;
  };

  const layer: SourceLayer = {
    name: options.name,
    crs: options.crs ?? 'OGC:CRS84',
    geometryType: geometry.kind === 'lonlat' ? 'Point' : undefined,
    textValues: true,
    warnings: [],
    fraction: () => (options.size ? Math.min(1, stream.bytes / options.size) : undefined),
    rows: async function* () {
      for await (const r of records) yield toRow(r);
    },
  };
  return { format: 'csv', layers: [layer], close: async () => void (await records.return(undefined)) };
}

/** Which columns hold the geometry: the named ones, else the usual names. */
export function geometryColumns(header: string[], o: Pick<CsvOptions, 'wktColumn' | 'lonColumn' | 'latColumn'>): GeometryFrom {
  const find = (name: string, what: string) => {
    const exact = header.indexOf(name);
    const index = exact >= 0 ? exact : header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
    if (index < 0) throw new CsvLayoutError(`No ${what} column '${name}' in the header (${header.join(', ')})`);
    return index;
  };
  if (o.wktColumn) return { kind: 'wkt', index: find(o.wktColumn, 'WKT') };
  if (o.lonColumn || o.latColumn) {
    if (!o.lonColumn || !o.latColumn) throw new CsvLayoutError('Give both the longitude and the latitude column');
    return { kind: 'lonlat', lon: find(o.lonColumn, 'longitude'), lat: find(o.latColumn, 'latitude') };
  }
  const lower = header.map((h) => h.toLowerCase());
  const wkt = WKT_COLUMNS.map((n) => lower.indexOf(n)).find((i) => i >= 0);
  if (wkt !== undefined) return { kind: 'wkt', index: wkt };
  const lon = LON_COLUMNS.map((n) => lower.indexOf(n)).find((i) => i >= 0);
  const lat = LAT_COLUMNS.map((n) => lower.indexOf(n)).find((i) => i >= 0);
  if (lon !== undefined && lat !== undefined) return { kind: 'lonlat', lon, lat };
  throw new CsvLayoutError(`No geometry column found in the header (${header.join(', ')}): name a WKT column or the longitude and latitude columns`);
}

/** A WKT value (EWKT's SRID=...; prefix ignored); empty text or EMPTY is no geometry. */
export function wktGeometry(text: string): GeoJSONGeometry | null {
  const s = text.trim().replace(/^SRID=\d+;/i, '');
  if (s === '' || /\bEMPTY\s*\)?\s*$/i.test(s)) return null;
  let g: GeoJSONGeometry;
  try {
    g = parseWkt(s);
  } catch (err) {
    throw new Error(`invalid WKT: ${(err as Error).message}`);
  }
  // 'POINT M (1 2 5)': the third value is a measure, not a height.
  if (/^\s*[A-Za-z]+\s+M\s*\(/i.test(s)) dropThird(g);
  else if (/^\s*[A-Za-z]+\s+ZM\s*\(/i.test(s)) dropFourth(g);
  return g;
}

function dropThird(g: GeoJSONGeometry): void {
  mapPositions(g, (p) => p.slice(0, 2));
}

function dropFourth(g: GeoJSONGeometry): void {
  mapPositions(g, (p) => p.slice(0, 3));
}

function mapPositions(g: GeoJSONGeometry, f: (p: number[]) => number[]): void {
  if (g.type === 'GeometryCollection') {
    for (const part of g.geometries ?? []) mapPositions(part, f);
    return;
  }
  const walk = (c: unknown): unknown => (Array.isArray(c) && typeof c[0] === 'number' ? f(c as number[]) : (c as unknown[]).map(walk));
  g.coordinates = walk(g.coordinates);
}

function pointGeometry(lonText: string, latText: string): GeoJSONGeometry | null {
  const lon = lonText.trim();
  const lat = latText.trim();
  if (lon === '' && lat === '') return null;
  const x = Number(lon);
  const y = Number(lat);
  if (lon === '' || !Number.isFinite(x)) throw new Error(`the longitude ${JSON.stringify(lonText)} is not a number`);
  if (lat === '' || !Number.isFinite(y)) throw new Error(`the latitude ${JSON.stringify(latText)} is not a number`);
  return { type: 'Point', coordinates: [x, y] };
}
