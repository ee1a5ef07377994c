import { BadRequest } from '../../../errors.js';
import type { BBox, GeoJSONGeometry } from '../types.js';
import type { Position } from './orientation.js';

/** The [minx, miny, maxx, maxy] of a (valid) geometry, over all its positions. */
export function geometryBBox(geometry: GeoJSONGeometry): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  forEachPosition(geometry, (p) => {
    if (p[0]! < box[0]) box[0] = p[0]!;
    if (p[1]! < box[1]) box[1] = p[1]!;
    if (p[0]! > box[2]) box[2] = p[0]!;
    if (p[1]! > box[3]) box[3] = p[1]!;
  });
  return box;
}

export function positionsBBox(positions: readonly Position[]): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of positions) {
    if (p[0]! < box[0]) box[0] = p[0]!;
    if (p[1]! < box[1]) box[1] = p[1]!;
    if (p[0]! > box[2]) box[2] = p[0]!;
    if (p[1]! > box[3]) box[3] = p[1]!;
  }
  return box;
}

/** Closed boxes: touching edges or corners intersect. */
export function bboxesIntersect(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

function forEachPosition(geometry: GeoJSONGeometry, visit: (p: Position) => void): void {
  const c = geometry.coordinates;
  switch (geometry.type) {
    case 'Point':
      visit(c as Position);
      return;
    case 'MultiPoint':
    case 'LineString':
      (c as Position[]).forEach(visit);
      return;
    case 'MultiLineString':
    case 'Polygon':
      (c as Position[][]).forEach((line) => line.forEach(visit));
      return;
    case 'MultiPolygon':
      (c as Position[][][]).forEach((polygon) => polygon.forEach((ring) => ring.forEach(visit)));
      return;
    case 'GeometryCollection':
      (geometry.geometries ?? []).forEach((member) => forEachPosition(member, visit));
      return;
  }
}

/**
 * Checks a query bbox in CRS:84 and returns the boxes to search. A box whose minx is greater
 * than its maxx crosses the antimeridian (RFC 7946 §5.2, OGC API bbox): it is split into its
 * part east of minx up to 180 and its part west of maxx from -180. Geometries themselves are
 * taken as drawn on the plane (antimeridian-free), as PostGIS `geometry` does.
 */
export function queryBoxes(bbox: BBox): BBox[] {
  if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    throw new BadRequest('A bbox must be four finite numbers [minx, miny, maxx, maxy]', { code: 'InvalidBBox', locator: 'bbox' });
  }
  const [minx, miny, maxx, maxy] = bbox;
  if (miny > maxy) throw new BadRequest(`bbox miny ${miny} is greater than maxy ${maxy}`, { code: 'InvalidBBox', locator: 'bbox' });
  if (minx <= maxx) return [[minx, miny, maxx, maxy]];
  if (minx > 180 || maxx < -180) {
    throw new BadRequest(`bbox minx ${minx} is greater than maxx ${maxx}, and is no antimeridian crossing in CRS:84`, {
      code: 'InvalidBBox',
      locator: 'bbox',
    });
  }
  return [
    [minx, miny, 180, maxy],
    [-180, miny, maxx, maxy],
  ];
}
