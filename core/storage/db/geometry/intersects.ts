import type { BBox, GeoJSONGeometry } from '../types.js';
import { bboxesIntersect, positionsBBox } from './bbox.js';
import type { Position } from './orientation.js';
import { locatePointInPolygon } from './point-in-polygon.js';
import { prepareGeometry, type PreparedGeometry, type PreparedLine, type PreparedPolygon } from './prepared.js';
import { pointOnSegment, segmentsIntersect } from './segments.js';

/**
 * Whether two geometries share at least one point (OGC Simple Features `intersects`, the
 * complement of `disjoint`), boundaries included: a point on an edge, polygons that touch at a
 * corner and a line along a polygon's edge all intersect. Planar, on x/y only, like PostGIS
 * ST_Intersects on `geometry`. Both must be valid (see validateGeometry).
 */
export function intersects(a: GeoJSONGeometry | PreparedGeometry, b: GeoJSONGeometry | PreparedGeometry): boolean {
  const pa = 'polygons' in a ? a : prepareGeometry(a);
  const pb = 'polygons' in b ? b : prepareGeometry(b);
  if (!bboxesIntersect(pa.bbox, pb.bbox)) return false;
  for (const p of pa.points) if (pointIntersects(p, pb)) return true;
  for (const p of pb.points) if (pointIntersects(p, pa)) return true;
  for (const la of pa.lines) {
    for (const lb of pb.lines) if (bboxesIntersect(la.bbox, lb.bbox) && linesIntersect(la, lb)) return true;
    for (const gb of pb.polygons) if (bboxesIntersect(la.bbox, gb.bbox) && lineIntersectsPolygon(la, gb)) return true;
  }
  for (const ga of pa.polygons) {
    for (const lb of pb.lines) if (bboxesIntersect(lb.bbox, ga.bbox) && lineIntersectsPolygon(lb, ga)) return true;
    for (const gb of pb.polygons) if (bboxesIntersect(ga.bbox, gb.bbox) && polygonsIntersect(ga, gb)) return true;
  }
  return false;
}

/** Whether the point lies in or on any part of `g`. */
function pointIntersects(p: Position, g: PreparedGeometry): boolean {
  const box: BBox = [p[0]!, p[1]!, p[0]!, p[1]!];
  for (const q of g.points) if (q[0] === p[0] && q[1] === p[1]) return true;
  for (const l of g.lines) {
    if (!bboxesIntersect(box, l.bbox)) continue;
    for (let i = 0; i + 1 < l.positions.length; i++) if (pointOnSegment(p, l.positions[i]!, l.positions[i + 1]!)) return true;
  }
  for (const polygon of g.polygons) {
    if (bboxesIntersect(box, polygon.bbox) && locatePointInPolygon(p, polygon.rings) !== 'outside') return true;
  }
  return false;
}

/**
 * Segments of `positions` as index pairs whose bbox meets `box`: for long lines against a small
 * shape, most segments are dropped before the pairwise test.
 */
function segmentsNear(positions: readonly Position[], box: readonly number[]): number[] {
  const near: number[] = [];
  for (let i = 0; i + 1 < positions.length; i++) {
    const a = positions[i]!;
    const b = positions[i + 1]!;
    if (Math.max(a[0]!, b[0]!) < box[0]! || Math.min(a[0]!, b[0]!) > box[2]!) continue;
    if (Math.max(a[1]!, b[1]!) < box[1]! || Math.min(a[1]!, b[1]!) > box[3]!) continue;
    near.push(i);
  }
  return near;
}

function chainsIntersect(a: readonly Position[], b: readonly Position[]): boolean {
  const boxA = positionsBBox(a);
  const boxB = positionsBBox(b);
  if (!bboxesIntersect(boxA, boxB)) return false;
  const nearA = segmentsNear(a, boxB);
  if (nearA.length === 0) return false;
  const nearB = segmentsNear(b, boxA);
  for (const i of nearA) {
    const a1 = a[i]!;
    const a2 = a[i + 1]!;
    for (const j of nearB) if (segmentsIntersect(a1, a2, b[j]!, b[j + 1]!)) return true;
  }
  return false;
}

function linesIntersect(a: PreparedLine, b: PreparedLine): boolean {
  return chainsIntersect(a.positions, b.positions);
}

/** A line meets a polygon when it crosses or touches a ring, or lies inside (then its first position is inside). */
function lineIntersectsPolygon(line: PreparedLine, polygon: PreparedPolygon): boolean {
  for (const ring of polygon.rings) if (chainsIntersect(line.positions, ring)) return true;
  return locatePointInPolygon(line.positions[0]!, polygon.rings) !== 'outside';
}

/**
 * Two polygons meet when any of their rings cross or touch; if none do, each exterior ring lies
 * wholly inside or wholly outside the other polygon, so testing one position of each suffices
 * (one polygon within the other, or within the other's hole, which is outside it).
 */
function polygonsIntersect(a: PreparedPolygon, b: PreparedPolygon): boolean {
  for (const ringA of a.rings) for (const ringB of b.rings) if (chainsIntersect(ringA, ringB)) return true;
  return locatePointInPolygon(a.rings[0]![0]!, b.rings) !== 'outside' || locatePointInPolygon(b.rings[0]![0]!, a.rings) !== 'outside';
}
