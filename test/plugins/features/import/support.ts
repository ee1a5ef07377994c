/** Import test helpers: vector files written by GDAL (ogr2ogr) and GDAL's own reading of them. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { SourceRow, VectorSource } from '../../../../plugins/features/import/types.js';

export interface GdalFeature {
  id?: string | number;
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates?: unknown; geometries?: unknown[] } | null;
}

/** Runs ogr2ogr (quietly) with the given arguments. */
export function ogr2ogr(args: string[]): void {
  execFileSync('ogr2ogr', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** GDAL's reading of a layer, as GeoJSON (ogr2ogr to stdout, coordinates untouched). */
export function gdalFeatures(path: string, layer?: string): GdalFeature[] {
  const out = execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-lco', 'RFC7946=NO', '-lco', 'COORDINATE_PRECISION=15', '/vsistdout/', path, ...(layer ? [layer] : [])], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out) as { features: GdalFeature[] }).features;
}

export interface OgrLayerSummary {
  name: string;
  geometry: string;
  count: number;
  /** EPSG code of the layer SRS, when ogrinfo names one. */
  epsg?: number;
  fields: Record<string, string>;
}

/** `ogrinfo -al -so`: per layer its geometry type, feature count, SRS code and field types. */
export function ogrinfo(path: string): OgrLayerSummary[] {
  const text = execFileSync('ogrinfo', ['-al', '-so', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const layers: OgrLayerSummary[] = [];
  for (const block of text.split(/\nLayer name: /).slice(1)) {
    const name = block.split('\n')[0]!.trim();
    const geometry = /^Geometry: (.+)$/m.exec(block)?.[1]?.trim() ?? 'None';
    const count = Number(/^Feature Count: (\d+)$/m.exec(block)?.[1] ?? 0);
    const ids = [...block.matchAll(/ID\["EPSG",(\d+)\]\]\s*$/gm)];
    const epsg = ids.length ? Number(ids.at(-1)![1]) : undefined;
    const fields: Record<string, string> = {};
    for (const m of block.matchAll(/^(\S[^:\n]*): (String|Integer|Integer64|Real|Date|DateTime|Time|Binary|StringList|IntegerList|RealList)(\(\w+\))? \(/gm)) fields[m[1]!] = m[2]! + (m[3] ?? '');
    layers.push({ name, geometry, count, epsg, fields });
  }
  return layers;
}

export async function readAll(source: VectorSource, layer = 0): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for await (const r of source.layers[layer]!.rows()) rows.push(r);
  return rows;
}

/** Coordinates equal to 1e-9 (GDAL prints 15 significant digits). */
export function assertSameCoordinates(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number' || Math.abs(actual - expected) > 1e-9 * Math.max(1, Math.abs(expected))) throw new Error(`${where}: ${String(actual)} != ${expected}`);
    return;
  }
  if (!Array.isArray(expected) || !Array.isArray(actual) || actual.length !== expected.length) {
    throw new Error(`${where}: ${JSON.stringify(actual)?.slice(0, 200)} != ${JSON.stringify(expected)?.slice(0, 200)}`);
  }
  expected.forEach((e, i) => assertSameCoordinates(actual[i], e, `${where}[${i}]`));
}

/** A geometry equal to GDAL's: the same type and coordinates. */
export function assertSameGeometry(actual: SourceRow['geometry'], expected: GdalFeature['geometry'], where: string): void {
  if (expected === null) {
    if (actual !== null) throw new Error(`${where}: expected no geometry, got ${actual.type}`);
    return;
  }
  if (!actual || actual.type !== expected.type) throw new Error(`${where}: geometry ${actual?.type} != ${expected.type}`);
  if (expected.type === 'GeometryCollection') {
    const parts = expected.geometries as GdalFeature['geometry'][];
    if (actual.geometries?.length !== parts.length) throw new Error(`${where}: ${actual.geometries?.length} parts != ${parts.length}`);
    parts.forEach((p, i) => assertSameGeometry(actual.geometries![i]!, p, `${where}.${i}`));
    return;
  }
  assertSameCoordinates(actual.coordinates, expected.coordinates, where);
}

/** The varied source every format test starts from: every geometry type, holes, nulls, Unicode, quotes, commas. */
export const SOURCE_FEATURES = [
  { id: 1, properties: { name: 'Zürich, "HB"', pop: 415367, area: 87.88, founded: '1218-01-01', updated: '2021-05-06T07:08:09Z' }, geometry: { type: 'Polygon', coordinates: [[[8.4, 47.3], [8.6, 47.3], [8.6, 47.45], [8.4, 47.45], [8.4, 47.3]], [[8.5, 47.35], [8.52, 47.35], [8.52, 47.37], [8.5, 47.35]]] } },
  { id: 2, properties: { name: 'Bern', pop: null, area: 51.6, founded: null, updated: null }, geometry: { type: 'MultiPolygon', coordinates: [[[[7.3, 46.9], [7.5, 46.9], [7.5, 47.0], [7.3, 46.9]]], [[[7.6, 46.9], [7.7, 46.9], [7.7, 47.0], [7.6, 46.9]]]] } },
  { id: 3, properties: { name: 'Genève\nline two', pop: 203856, area: 15.93, founded: '0121-06-30', updated: '1999-12-31T23:59:59Z' }, geometry: { type: 'Polygon', coordinates: [[[6.1, 46.18], [6.17, 46.18], [6.17, 46.23], [6.1, 46.18]]] } },
  { id: 4, properties: { name: "l'Aar; river", pop: 0, area: -1.5e-7, founded: '2000-02-29', updated: '2000-02-29T12:00:00Z' }, geometry: { type: 'Polygon', coordinates: [[[7.0, 46.0], [7.1, 46.0], [7.1, 46.1], [7.0, 46.1], [7.0, 46.0]], [[7.02, 46.02], [7.04, 46.02], [7.04, 46.04], [7.02, 46.02]], [[7.06, 46.06], [7.08, 46.06], [7.08, 46.08], [7.06, 46.06]]] } },
];

/** Writes SOURCE_FEATURES (or the given features) as a GeoJSON FeatureCollection. */
export function writeSource(path: string, features: unknown[] = SOURCE_FEATURES): string {
  writeFileSync(path, JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...(f as object) })) }));
  return path;
}
