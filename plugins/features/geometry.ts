/**
 * Geometries on their way in and out: checked against the collection's declared type, kept 2D,
 * moved between CRSs (x/y order) through core/ows's proj4 transforms.
 */
import type { GeoJSONGeometry } from '../../core/filter/index.js';
import { geometryBBox, validateGeometry } from '../../core/storage/db/geometry/index.js';
import { transformPoints } from '../../core/ows/index.js';
import { FeaturesError } from './errors.js';
import type { Bbox, GeometryType } from './types.js';

type Pos = number[];

/** The geometry checked (GeoJSON validity and declared type) and reduced to x/y; throws InvalidGeometry. */
export function checkedGeometry(value: unknown, declared: GeometryType, locator = 'geometry'): GeoJSONGeometry {
  let g: GeoJSONGeometry;
  try {
    g = validateGeometry(value);
  } catch (err) {
    throw new FeaturesError('InvalidGeometry', (err as Error).message, { locator, cause: err });
  }
  if (declared !== 'Geometry' && g.type !== declared) {
    throw new FeaturesError('InvalidGeometry', `Geometry type ${g.type} does not match the collection's ${declared}`, { locator });
  }
  return to2d(g);
}

function to2d(g: GeoJSONGeometry): GeoJSONGeometry {
  if (g.type === 'GeometryCollection') return { type: g.type, geometries: (g.geometries ?? []).map(to2d) };
  return { type: g.type, coordinates: mapPositions(g.coordinates, depthOf(g.type), (p) => [p[0]!, p[1]!]) };
}

function depthOf(type: GeoJSONGeometry['type']): number {
  return { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3, GeometryCollection: -1 }[type];
}

function mapPositions(c: unknown, depth: number, f: (p: Pos) => Pos): unknown {
  return depth === 0 ? f(c as Pos) : (c as unknown[]).map((x) => mapPositions(x, depth - 1, f));
}

function collectPositions(g: GeoJSONGeometry, out: Pos[]): void {
  if (g.type === 'GeometryCollection') {
    for (const m of g.geometries ?? []) collectPositions(m, out);
    return;
  }
  const visit = (c: unknown, depth: number): void => {
    if (depth === 0) out.push(c as Pos);
    else for (const x of c as unknown[]) visit(x, depth - 1);
  };
  visit(g.coordinates, depthOf(g.type));
}

function replacePositions(g: GeoJSONGeometry, next: () => Pos): GeoJSONGeometry {
  if (g.type === 'GeometryCollection') return { type: g.type, geometries: (g.geometries ?? []).map((m) => replacePositions(m, next)) };
  return { type: g.type, coordinates: mapPositions(g.coordinates, depthOf(g.type), () => next()) };
}

/**
 * The geometry in CRS `to` (x/y in and out). Throws InvalidGeometry (with `locator`) when a
 * position has no image there (outside the projection's domain).
 */
export function transformGeometry(g: GeoJSONGeometry, from: string, to: string, locator = 'geometry'): GeoJSONGeometry {
  if (from === to) return g;
  const positions: Pos[] = [];
  collectPositions(g, positions);
  const moved = transformPoints(positions.map((p) => [p[0]!, p[1]!] as const), from, to);
  for (const [x, y] of moved) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new FeaturesError('InvalidGeometry', `A position of the geometry cannot be transformed from ${from} to ${to}`, { locator });
  }
  let i = 0;
  return replacePositions(g, () => moved[i++]!);
}

export function bboxOf(g: GeoJSONGeometry): Bbox {
  return geometryBBox(g) as Bbox;
}

export function unionBbox(a: Bbox | null, b: Bbox | null): Bbox | null {
  if (!a) return b;
  if (!b) return a;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}
