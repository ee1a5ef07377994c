/**
 * Geometries on their way in: checked for shape (positions of two or three finite numbers, lines
 * of two positions, closed rings of four), fitted to the collection's geometry type (a Polygon
 * into a MultiPolygon collection becomes a one-part MultiPolygon; the reverse is refused), and
 * moved to the collection's CRS when the source's differs.
 */
import type { GeoJSONGeometry } from '../../../core/filter/index.js';
import { transformPoints, type CrsInput } from '../../../core/ows/crs/transform.js';
import type { GeometryType } from '../types.js';

export class GeometryCheckError extends Error {
  override name = 'GeometryCheckError';
}

type Position = number[];

const fail = (message: string): never => {
  throw new GeometryCheckError(message);
};

function position(p: unknown, where: string): Position {
  if (!Array.isArray(p) || p.length < 2) return fail(`${where}: a position needs at least two numbers`);
  for (const v of p) if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${where}: ${JSON.stringify(v)} is not a finite coordinate`);
  // A fourth value (a measure) has no place in GeoJSON positions: dropped.
  return p.length > 3 ? (p.slice(0, 3) as number[]) : (p as number[]);
}

function line(c: unknown, where: string): Position[] {
  if (!Array.isArray(c)) return fail(`${where}: coordinates must be an array of positions`);
  const out = c.map((p, i) => position(p, `${where}, position ${i + 1}`));
  if (out.length < 2) fail(`${where}: a line needs at least two positions`);
  return out;
}

function ring(c: unknown, where: string): Position[] {
  const out = line(c, where);
  if (out.length < 4) fail(`${where}: a ring needs at least four positions`);
  const a = out[0]!;
  const b = out[out.length - 1]!;
  if (a[0] !== b[0] || a[1] !== b[1]) fail(`${where}: the ring is not closed (its last position differs from its first)`);
  return out;
}

function array(c: unknown, where: string): unknown[] {
  if (!Array.isArray(c)) return fail(`${where}: coordinates must be an array`);
  return c;
}

/** A structurally valid copy of the geometry (coordinates checked, measures dropped). Throws GeometryCheckError. */
export function checkGeometry(g: unknown): GeoJSONGeometry {
  if (!g || typeof g !== 'object' || Array.isArray(g)) return fail('the geometry is not an object');
  const o = g as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  switch (o.type) {
    case 'Point':
      return { type: 'Point', coordinates: position(o.coordinates, 'Point') };
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: array(o.coordinates, 'MultiPoint').map((p, i) => position(p, `MultiPoint, point ${i + 1}`)) };
    case 'LineString':
      return { type: 'LineString', coordinates: line(o.coordinates, 'LineString') };
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: array(o.coordinates, 'MultiLineString').map((l, i) => line(l, `MultiLineString, line ${i + 1}`)) };
    case 'Polygon':
      return { type: 'Polygon', coordinates: polygon(o.coordinates, 'Polygon') };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: array(o.coordinates, 'MultiPolygon').map((p, i) => polygon(p, `MultiPolygon, polygon ${i + 1}`)) };
    case 'GeometryCollection': {
      if (!Array.isArray(o.geometries)) return fail('GeometryCollection: geometries must be an array');
      return { type: 'GeometryCollection', geometries: o.geometries.map((m) => checkGeometry(m)) };
    }
    default:
      return fail(`${JSON.stringify(o.type)} is not a GeoJSON geometry type`);
  }
}

function polygon(c: unknown, where: string): Position[][] {
  const rings = array(c, where);
  if (rings.length === 0) fail(`${where}: a polygon needs an outer ring`);
  return rings.map((r, i) => ring(r, `${where}, ring ${i + 1}`));
}

const MULTI: Partial<Record<GeoJSONGeometry['type'], GeoJSONGeometry['type']>> = { Point: 'MultiPoint', LineString: 'MultiLineString', Polygon: 'MultiPolygon' };

/** The geometry as the collection's type takes it: the same, or promoted to its multi type. */
export function fitGeometryType(g: GeoJSONGeometry, declared: GeometryType): GeoJSONGeometry {
  if (declared === 'Geometry' || g.type === declared) return g;
  if (MULTI[g.type] === declared) return { type: declared, coordinates: [g.coordinates] } as GeoJSONGeometry;
  return fail(`a ${g.type} in a collection of ${declared} geometries`);
}

/** The geometry with every position moved from one CRS to another (x/y order both). */
export function transformGeometry(g: GeoJSONGeometry, from: CrsInput, to: CrsInput): GeoJSONGeometry {
  if (g.type === 'GeometryCollection') return { type: g.type, geometries: (g.geometries ?? []).map((m) => transformGeometry(m, from, to)) };
  const flat: Position[] = [];
  const collect = (c: unknown): void => {
    if (typeof (c as unknown[])[0] === 'number') flat.push(c as Position);
    else for (const part of c as unknown[]) collect(part);
  };
  collect(g.coordinates);
  const moved = transformPoints(flat.map((p) => [p[0]!, p[1]!] as const), from, to);
  let i = 0;
  const rebuild = (c: unknown): unknown => {
    if (typeof (c as unknown[])[0] === 'number') {
      const p = c as Position;
      const [x, y] = moved[i++]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) fail(`the position ${JSON.stringify(p)} has no place in the collection's CRS`);
      return p.length > 2 ? [x, y, p[2]!] : [x, y];
    }
    return (c as unknown[]).map(rebuild);
  };
  return { type: g.type, coordinates: rebuild(g.coordinates) } as GeoJSONGeometry;
}

/** The geometry type that holds every sampled type: one type, its multi type, or 'Geometry'. */
export function commonGeometryType(types: Iterable<GeoJSONGeometry['type']>): GeometryType {
  const set = new Set(types);
  if (set.size === 0) return 'Geometry';
  if (set.size === 1) return [...set][0]!;
  if (set.size === 2) {
    for (const [single, multi] of Object.entries(MULTI)) if (set.has(single as GeoJSONGeometry['type']) && set.has(multi)) return multi;
  }
  return 'Geometry';
}
