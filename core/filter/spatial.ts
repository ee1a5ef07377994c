/**
 * Spatial relations on GeoJSON in memory, on core/storage's exact planar predicates. Geometries
 * are in CRS:84 x/y like the spatial index; distances in metres are converted to degrees with
 * one degree = 111,319.49 m (the equatorial length), as sql.ts does for PostGIS, so both agree.
 */
import { CRS84, type GeoJSONGeometry, type SpatialRelation } from './ast.js';
import { FilterError } from './errors.js';
import { intersects, locatePointInPolygon, prepareGeometry, type PreparedGeometry } from '../storage/db/geometry/index.js';
import type { Position } from '../storage/db/geometry/index.js';

const METRES_PER_DEGREE = 111319.49079327357;

const UNIT_METRES: Record<string, number> = {
  m: 1, meter: 1, meters: 1, metre: 1, metres: 1,
  km: 1000, kilometer: 1000, kilometers: 1000, kilometre: 1000, kilometres: 1000,
  mi: 1609.344, mile: 1609.344, miles: 1609.344,
  ft: 0.3048, feet: 0.3048, foot: 0.3048,
  nm: 1852, 'nautical miles': 1852,
};

/** A distance with units converted to degrees of CRS:84; '' and degree units are taken as is. */
export function distanceInDegrees(distance: number, units: string): number {
  if (!Number.isFinite(distance) || distance < 0) throw new FilterError(`Distance ${distance} must be a non-negative number`);
  const u = units.trim().toLowerCase().replace(/^.*[#/:]/, '');
  if (u === '' || u === 'deg' || u === 'degree' || u === 'degrees' || u === '9102') return distance;
  const metres = UNIT_METRES[u] ?? (u === '9001' ? 1 : undefined);
  if (metres === undefined) throw new FilterError(`Unknown distance units '${units}'`);
  return (distance * metres) / METRES_PER_DEGREE;
}

/** Literal CRSs the filters accept: CRS:84 and EPSG:4326 already in x/y order (the parsers swap axes). */
export function assertLonLatCrs(crs: string): void {
  const c = crs.toUpperCase();
  const lonLat = c === CRS84.toUpperCase() || /CRS:?84$/.test(c) || /EPSG(:|::|\/0\/|\/)4326$/.test(c) || c.endsWith('EPSG:4326');
  if (!lonLat) throw new FilterError(`Geometry CRS '${crs}' is not supported; use CRS:84 (or EPSG:4326)`);
}

/** Relations computed exactly in memory; the others need PostGIS. */
export const MEMORY_SPATIAL_RELATIONS: ReadonlySet<SpatialRelation> = new Set(['intersects', 'disjoint', 'within', 'contains', 'equals']);

export function spatialRelationHolds(relation: SpatialRelation, a: PreparedGeometry, b: PreparedGeometry): boolean {
  switch (relation) {
    case 'intersects':
      return intersects(a, b);
    case 'disjoint':
      return !intersects(a, b);
    case 'within':
      return pointsWithin(a, b, relation);
    case 'contains':
      return pointsWithin(b, a, relation);
    case 'equals':
      return pointsEqual(a, b);
    default:
      throw new FilterError(`Spatial relation '${relation}' needs PostGIS; it cannot be tested in memory`, {});
  }
}

/** Within, for point geometries: every point on `outer`, one in its interior (a polygon's inside, or a line away from its ends). */
function pointsWithin(inner: PreparedGeometry, outer: PreparedGeometry, relation: string): boolean {
  if (inner.lines.length > 0 || inner.polygons.length > 0) {
    throw new FilterError(`Spatial relation '${relation}' of lines or polygons needs PostGIS; in memory it is tested for points`);
  }
  let interior = false;
  for (const p of inner.points) {
    const single = prepareGeometry({ type: 'Point', coordinates: p });
    if (!intersects(single, outer)) return false;
    if (!interior && pointInInterior(p, outer)) interior = true;
  }
  return interior;
}

function pointInInterior(p: Position, g: PreparedGeometry): boolean {
  if (g.points.some((q) => q[0] === p[0] && q[1] === p[1])) return true;
  if (g.polygons.some((polygon) => locatePointInPolygon(p, polygon.rings) === 'inside')) return true;
  // On a line but not at an end of it (closed lines have no ends).
  return g.lines.some((line) => {
    const first = line.positions[0]!;
    const last = line.positions[line.positions.length - 1]!;
    const closed = first[0] === last[0] && first[1] === last[1];
    const atEnd = !closed && ((p[0] === first[0] && p[1] === first[1]) || (p[0] === last[0] && p[1] === last[1]));
    return !atEnd && intersects(prepareGeometry({ type: 'Point', coordinates: p }), prepareGeometry({ type: 'LineString', coordinates: line.positions }));
  });
}

function pointsEqual(a: PreparedGeometry, b: PreparedGeometry): boolean {
  const aPoints = a.lines.length + a.polygons.length === 0;
  const bPoints = b.lines.length + b.polygons.length === 0;
  // Points never equal a (valid) line or polygon; two non-point geometries need PostGIS.
  if (aPoints !== bPoints) return false;
  if (!aPoints) {
    throw new FilterError("Spatial relation 'equals' of lines or polygons needs PostGIS; in memory it is tested for points");
  }
  const key = (p: Position) => `${p[0]},${p[1]}`;
  const sa = new Set(a.points.map(key));
  const sb = new Set(b.points.map(key));
  return sa.size === sb.size && [...sa].every((k) => sb.has(k));
}

/** Shortest planar distance between two geometries (0 when they intersect). */
export function geometryDistance(a: PreparedGeometry, b: PreparedGeometry): number {
  if (intersects(a, b)) return 0;
  const chainsA = chains(a);
  const chainsB = chains(b);
  let best = Infinity;
  for (const ca of chainsA) for (const cb of chainsB) best = Math.min(best, chainDistance(ca, cb), chainDistance(cb, ca));
  return best;
}

/** Points as one-position chains, lines and rings as position chains. */
function chains(g: PreparedGeometry): (readonly Position[])[] {
  return [...g.points.map((p) => [p]), ...g.lines.map((l) => l.positions), ...g.polygons.flatMap((p) => p.rings)];
}

/** Shortest distance from the positions of `from` to the segments of `to` (disjoint chains). */
function chainDistance(from: readonly Position[], to: readonly Position[]): number {
  let best = Infinity;
  for (const p of from) {
    if (to.length === 1) best = Math.min(best, Math.hypot(p[0]! - to[0]![0]!, p[1]! - to[0]![1]!));
    for (let i = 0; i + 1 < to.length; i++) best = Math.min(best, pointSegmentDistance(p, to[i]!, to[i + 1]!));
  }
  return best;
}

function pointSegmentDistance(p: Position, a: Position, b: Position): number {
  const dx = b[0]! - a[0]!;
  const dy = b[1]! - a[1]!;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0]! - a[0]!) * dx + (p[1]! - a[1]!) * dy) / len2));
  return Math.hypot(p[0]! - (a[0]! + t * dx), p[1]! - (a[1]! + t * dy));
}

export function prepare(geometry: GeoJSONGeometry): PreparedGeometry {
  return prepareGeometry(geometry);
}
