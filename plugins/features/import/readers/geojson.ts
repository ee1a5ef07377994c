/**
 * GeoJSON (RFC 7946, and the 2008 `crs` member GDAL still writes for other CRSs): a
 * FeatureCollection streamed feature by feature, a single Feature or geometry, or a sequence of
 * them (GeoJSON text sequences, newline-delimited GeoJSON). The `crs` member is honoured when it
 * comes before `features` (as GDAL writes it); without one, coordinates are CRS84.
 */
import type { GeoJSONGeometry } from '../../../../core/filter/index.js';
import { lookupCrs } from '../../../../core/ows/crs/registry.js';
import type { SourceLayer, SourceRow, VectorSource } from '../types.js';
import { counted } from './bytes.js';
import { JsonStreamError, splitGeoJson, type JsonEvent } from './json-stream.js';

export const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

export interface GeoJsonOptions {
  /** The layer's name (the file's base name). */
  name: string;
  /** Size of the input in bytes, for progress. */
  size?: number;
}

export async function openGeoJson(input: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>, options: GeoJsonOptions): Promise<VectorSource> {
  const stream = counted(input);
  const events = splitGeoJson(stream.chunks);
  const layer: SourceLayer = {
    name: options.name,
    crs: 'OGC:CRS84',
    warnings: [],
    rows: () => rows(),
    fraction: () => (options.size ? Math.min(1, stream.bytes / options.size) : undefined),
  };

  // Read up to the first feature: the members before it (crs, name) describe the layer.
  const primed: JsonEvent[] = [];
  let done = false;
  try {
    for (;;) {
      const next = await events.next();
      if (next.done) {
        done = true;
        break;
      }
      primed.push(next.value);
      if (next.value.kind === 'member') describe(layer, next.value.key, next.value.text);
      if (next.value.kind !== 'member') break;
    }
  } catch (err) {
    throw err instanceof JsonStreamError ? new Error(`Not GeoJSON: ${err.message}`) : err;
  }

  let row = 0;
  // Members of a top-level object without `features`: a Feature or a geometry, made at its end.
  let members: Record<string, string> = {};

  function fromEvent(e: JsonEvent): SourceRow | undefined {
    switch (e.kind) {
      case 'element':
        row++;
        return feature(row, e.text);
      case 'member':
        members[e.key] = e.text;
        return undefined;
      case 'end': {
        const held = members;
        members = {};
        if (e.features) return undefined;
        row++;
        const text = `{${Object.entries(held).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
        return feature(row, text);
      }
      case 'value':
        row++;
        return { row, geometry: null, properties: {}, error: 'not a GeoJSON object' };
    }
  }

  async function* rows(): AsyncGenerator<SourceRow> {
    for (const e of primed) {
      const r = fromEvent(e);
      if (r) yield r;
    }
    primed.length = 0;
    if (done) return;
    try {
      for await (const e of events) {
        if (e.kind === 'member' && e.key === 'crs' && row > 0) layer.warnings.push('The crs member comes after the features: it was not applied');
        const r = fromEvent(e);
        if (r) yield r;
      }
    } catch (err) {
      // The rest of the file cannot be split: one last row says where and why.
      if (err instanceof JsonStreamError) yield { row: row + 1, geometry: null, properties: {}, error: `the file is cut or malformed after this point: ${err.message}` };
      else throw err;
    }
  }

  return { format: 'geojson', layers: [layer], close: async () => void (await events.return(undefined)) };
}

/** The layer's CRS and title from the top-level members before the features. */
function describe(layer: SourceLayer, key: string, text: string): void {
  if (key === 'name') {
    try {
      const name = JSON.parse(text) as unknown;
      if (typeof name === 'string') layer.title = name;
    } catch {
      // not a string: ignored
    }
  }
  if (key !== 'crs') return;
  let crs: unknown;
  try {
    crs = JSON.parse(text);
  } catch {
    layer.warnings.push('The crs member is not valid JSON: coordinates taken as CRS84');
    return;
  }
  const c = crs as { type?: string; properties?: { name?: unknown; code?: unknown } } | null;
  const name = c?.type === 'name' ? c.properties?.name : c?.type === 'EPSG' ? `EPSG:${String(c.properties?.code)}` : undefined;
  if (typeof name !== 'string') {
    layer.warnings.push('The crs member names no CRS: coordinates taken as CRS84');
    return;
  }
  const ref = lookupCrs(name);
  if (ref) layer.crs = ref.crs.id;
  else {
    layer.crs = undefined;
    layer.crsDescription = name;
  }
}

function feature(row: number, text: string): SourceRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { row, geometry: null, properties: {}, error: `not valid JSON (${(err as Error).message})` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { row, geometry: null, properties: {}, error: 'not a GeoJSON object' };
  const o = value as { type?: unknown; id?: unknown; geometry?: unknown; properties?: unknown };
  if (typeof o.type === 'string' && GEOMETRY_TYPES.has(o.type)) return { row, geometry: o as GeoJSONGeometry, properties: {} };
  if (o.type !== 'Feature') return { row, geometry: null, properties: {}, error: `type is ${JSON.stringify(o.type)}, not "Feature"` };
  const id = typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : undefined;
  if (o.properties !== null && o.properties !== undefined && (typeof o.properties !== 'object' || Array.isArray(o.properties))) {
    return { row, id, geometry: null, properties: {}, error: 'properties is not an object' };
  }
  if (o.geometry !== null && o.geometry !== undefined && (typeof o.geometry !== 'object' || Array.isArray(o.geometry))) {
    return { row, id, geometry: null, properties: {}, error: 'geometry is not an object' };
  }
  return { row, id, geometry: (o.geometry ?? null) as GeoJSONGeometry | null, properties: (o.properties ?? {}) as Record<string, unknown> };
}
