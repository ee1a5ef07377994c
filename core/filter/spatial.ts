/**
 * Spatial relations on GeoJSON in memory, on core/storage's exact planar predicates. Geometries
 * are in CRS:84 x/y like the spatial index; distances in metres are converted to degrees with
 * one degree = 111,319.49 m (the equatorial length), as sql.ts does for PostGIS, so both agree.
 */
import { CRS84, type GeoJSONGeometry, type SpatialRelation } from './ast.js';
import { FilterError } from './errors.js';
import { intersects, prepareGeometry, type PreparedGeometry } from '../storage/db/geometry/index.js';
import { crosses, equalsTopologically, overlaps, touches, within } from './relate.js';
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

export function spatialRelationHolds(relation: SpatialRelation, a: PreparedGeometry, b: PreparedGeometry): boolean {
  switch (relation) {
    case 'intersects':
      return intersects(a, b);
    case 'disjoint':
      return !intersects(a, b);
    case 'within':
      return within(a, b);
    case 'contains':
      return within(b, a);
    case 'equals':
      return equalsTopologically(a, b);
    case 'touches':
      return touches(a, b);
    case 'crosses':
      return crosses(a, b);
    case 'overlaps':
      return overlaps(a, b);
  }
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
