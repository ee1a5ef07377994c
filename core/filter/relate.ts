/**
 * Within, contains, equals, touches, crosses and overlaps (OGC Simple Features, DE-9IM) for any
 * pair of geometries, in memory. A is within B when no point of A lies in B's exterior and the
 * interiors meet (T*F**F***); the others follow from the same facts. A's linework is cut where B's linework meets it, and
 * each piece is located in B: original vertices with the exact predicates, open pieces by a piece
 * lying along one of B's segments (exact) or else by their midpoint (a piece that touches none of
 * B's linework lies wholly in one of B's regions).
 */
import type { PreparedGeometry } from '../storage/db/geometry/index.js';
import { bboxesIntersect, intersects, locatePointInPolygon, orientation, pointOnSegment, type Position } from '../storage/db/geometry/index.js';

type Location = 'interior' | 'boundary' | 'exterior';

interface Linework {
  /** Segments of B with whether they are polygon edges (boundary) or line parts (interior). */
  segments: Array<{ a: Position; b: Position; edge: boolean; ends: readonly Position[] }>;
}

interface Scan {
  /** Some point of A lies in B's exterior. */
  outside: boolean;
  /** Dimension of the largest part of A's interior found in B's interior, -1 when none. */
  interiorMeets: number;
  /** Some piece of A's polygon boundaries lies in B's interior. */
  ringInInterior: boolean;
}

const dimension = (g: PreparedGeometry) => (g.polygons.length > 0 ? 2 : g.lines.length > 0 ? 1 : 0);

/** How A lies relative to B, from A's points, lines and polygon rings cut at B's linework. */
function scan(a: PreparedGeometry, b: PreparedGeometry): Scan {
  const result: Scan = { outside: false, interiorMeets: -1, ringInInterior: false };
  const bLines = linework(b);
  const meets = (d: number) => (result.interiorMeets = Math.max(result.interiorMeets, d));
  for (const p of a.points) {
    const loc = locate(p, b);
    if (loc === 'exterior') result.outside = true;
    if (loc === 'interior') meets(0);
  }
  for (const line of a.lines) {
    const ends = lineEnds(line.positions);
    walk(line.positions, b, bLines, (loc, vertex) => {
      if (loc === 'exterior') result.outside = true;
      if (loc === 'interior' && (vertex === undefined || !ends.has(key(vertex)))) meets(vertex === undefined ? 1 : 0);
    });
    if (properlyCrossesLine(line.positions, bLines)) meets(0);
  }
  for (const polygon of a.polygons) {
    // A ring lying wholly on B's boundary says nothing of which side A's area is on: one inside point does.
    const inside = interiorPoint(polygon.rings);
    const loc = inside ? locate(inside, b) : 'boundary';
    if (loc === 'exterior') result.outside = true;
    if (loc === 'interior' && b.polygons.length > 0) meets(2);
    for (const ring of polygon.rings) {
      walk(ring, b, bLines, (loc, vertex) => {
        if (loc === 'exterior') result.outside = true;
        if (loc === 'interior' && vertex === undefined) result.ringInInterior = true;
      });
    }
  }
  // An area never fits in lines and points; an area whose boundary enters B's area meets its interior.
  if (a.polygons.length > 0 && b.polygons.length === 0) result.outside = true;
  if (result.ringInInterior && b.polygons.length > 0) meets(2);
  return result;
}

/** Whether an open line of A properly crosses one of B's line (not polygon edge) segments. */
function properlyCrossesLine(chain: readonly Position[], lines: Linework): boolean {
  const chainEnds = endPositions(chain);
  for (let i = 0; i + 1 < chain.length; i++) {
    const p = chain[i]!;
    const q = chain[i + 1]!;
    for (const { a, b, edge, ends } of lines.segments) {
      if (edge) continue;
      if (!(orientation(p, q, a) * orientation(p, q, b) < 0 && orientation(a, b, p) * orientation(a, b, q) < 0)) continue;
      // Two segments cross at one point: when a line's end lies on both, that point is boundary.
      const atEnd = [...chainEnds, ...ends].some((e) => pointOnSegment(e, p, q) && pointOnSegment(e, a, b));
      if (!atEnd) return true;
    }
  }
  return false;
}

/**
 * A point inside a polygon: on the horizontal halfway between its two lowest distinct vertex
 * heights (so through no vertex), halfway between the first two ring crossings from the left.
 */
function interiorPoint(rings: readonly (readonly Position[])[]): Position | undefined {
  const ys = [...new Set(rings.flatMap((r) => r.map((p) => p[1]!)))].sort((x, y) => x - y);
  if (ys.length < 2) return undefined;
  const y = (ys[0]! + ys[1]!) / 2;
  const xs: number[] = [];
  for (const ring of rings) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = ring[i]!;
      const b = ring[i + 1]!;
      if (a[1]! > y !== b[1]! > y) xs.push(a[0]! + ((y - a[1]!) * (b[0]! - a[0]!)) / (b[1]! - a[1]!));
    }
  }
  xs.sort((u, v) => u - v);
  return xs.length >= 2 ? [(xs[0]! + xs[1]!) / 2, y] : undefined;
}

/** The DE-9IM facts the named relations need, from a scan each way. */
function relate(a: PreparedGeometry, b: PreparedGeometry) {
  const ab = scan(a, b);
  const ba = scan(b, a);
  // A lies in B (A ⊆ B): nothing of A outside B, and no boundary of B passes through A's interior.
  const coveredBy = !ab.outside && !(a.polygons.length > 0 && ba.ringInInterior);
  const covers = !ba.outside && !(b.polygons.length > 0 && ab.ringInInterior);
  let interiorDimension = Math.max(ab.interiorMeets, ba.interiorMeets);
  // Two areas one inside the other: the inner open interior lies in the outer closed set, so in its interior.
  if (a.polygons.length > 0 && b.polygons.length > 0 && (coveredBy || covers)) interiorDimension = 2;
  return { coveredBy, covers, interiorDimension };
}

export function within(a: PreparedGeometry, b: PreparedGeometry): boolean {
  const [ax1, ay1, ax2, ay2] = a.bbox;
  const [bx1, by1, bx2, by2] = b.bbox;
  if (ax1 < bx1 || ay1 < by1 || ax2 > bx2 || ay2 > by2) return false;
  const r = relate(a, b);
  return r.coveredBy && r.interiorDimension >= 0;
}

/** Topological equality: each within the other. */
export function equalsTopologically(a: PreparedGeometry, b: PreparedGeometry): boolean {
  return within(a, b) && within(b, a);
}

/** They meet, but only on boundaries. */
export function touches(a: PreparedGeometry, b: PreparedGeometry): boolean {
  if (!intersects(a, b)) return false;
  if (dimension(a) === 0 && dimension(b) === 0) return false;
  return relate(a, b).interiorDimension < 0;
}

/** Interiors meet in a lower dimension than the larger, and the smaller one leaves the larger. */
export function crosses(a: PreparedGeometry, b: PreparedGeometry): boolean {
  const [da, db] = [dimension(a), dimension(b)];
  if (da === db && da !== 1) return false;
  if (!intersects(a, b)) return false;
  const r = relate(a, b);
  if (da === 1 && db === 1) return r.interiorDimension === 0;
  if (r.interiorDimension < 0) return false;
  return da < db ? !r.coveredBy : !r.covers;
}

/** Same dimension, interiors meet in that dimension, and neither lies in the other. */
export function overlaps(a: PreparedGeometry, b: PreparedGeometry): boolean {
  const d = dimension(a);
  if (d !== dimension(b) || !intersects(a, b)) return false;
  const r = relate(a, b);
  return r.interiorDimension === d && !r.coveredBy && !r.covers;
}

const key = (p: Position) => `${p[0]},${p[1]}`;

function endPositions(positions: readonly Position[]): Position[] {
  const first = positions[0]!;
  const last = positions[positions.length - 1]!;
  return first[0] === last[0] && first[1] === last[1] ? [] : [first, last];
}

/** The ends of an open line (its boundary); a closed line has none. */
function lineEnds(positions: readonly Position[]): Set<string> {
  const first = positions[0]!;
  const last = positions[positions.length - 1]!;
  return first[0] === last[0] && first[1] === last[1] ? new Set() : new Set([key(first), key(last)]);
}

function linework(g: PreparedGeometry): Linework {
  const segments: Linework['segments'] = [];
  for (const line of g.lines) {
    const ends = endPositions(line.positions);
    for (let i = 0; i + 1 < line.positions.length; i++) segments.push({ a: line.positions[i]!, b: line.positions[i + 1]!, edge: false, ends });
  }
  for (const polygon of g.polygons) {
    for (const ring of polygon.rings) for (let i = 0; i + 1 < ring.length; i++) segments.push({ a: ring[i]!, b: ring[i + 1]!, edge: true, ends: [] });
  }
  return { segments };
}

/** Where p lies in g: interior beats boundary beats exterior over g's parts. */
function locate(p: Position, g: PreparedGeometry): Location {
  let boundary = false;
  for (const polygon of g.polygons) {
    const loc = locatePointInPolygon(p, polygon.rings);
    if (loc === 'inside') return 'interior';
    if (loc === 'boundary') boundary = true;
  }
  for (const line of g.lines) {
    const ends = lineEnds(line.positions);
    for (let i = 0; i + 1 < line.positions.length; i++) {
      if (pointOnSegment(p, line.positions[i]!, line.positions[i + 1]!)) {
        if (!ends.has(key(p))) return 'interior';
        boundary = true;
      }
    }
  }
  for (const q of g.points) if (q[0] === p[0] && q[1] === p[1]) return 'interior';
  return boundary ? 'boundary' : 'exterior';
}

/** Walks a chain (line or ring) of A through g, reporting where each vertex and each piece between cuts lies. */
function walk(chain: readonly Position[], g: PreparedGeometry, lines: Linework, visit: (loc: Location, vertex: Position | undefined) => void): void {
  for (let i = 0; i < chain.length; i++) {
    const p = chain[i]!;
    visit(locate(p, g), p);
    if (i + 1 === chain.length) break;
    for (const [s, t] of pieces(p, chain[i + 1]!, lines)) visit(locatePiece(s, t, g, lines), undefined);
  }
}

/** The segment p–q cut at every point where B's linework meets it (computed cut points are approximate). */
function pieces(p: Position, q: Position, lines: Linework): Array<[Position, Position]> {
  const box: [number, number, number, number] = [Math.min(p[0]!, q[0]!), Math.min(p[1]!, q[1]!), Math.max(p[0]!, q[0]!), Math.max(p[1]!, q[1]!)];
  const cuts: number[] = [];
  const dx = q[0]! - p[0]!;
  const dy = q[1]! - p[1]!;
  const along = (c: Position) => (Math.abs(dx) >= Math.abs(dy) ? (c[0]! - p[0]!) / dx : (c[1]! - p[1]!) / dy);
  for (const { a, b } of lines.segments) {
    const sbox: [number, number, number, number] = [Math.min(a[0]!, b[0]!), Math.min(a[1]!, b[1]!), Math.max(a[0]!, b[0]!), Math.max(a[1]!, b[1]!)];
    if (!bboxesIntersect(box, sbox)) continue;
    for (const c of [a, b]) if (pointOnSegment(c, p, q)) cuts.push(along(c));
    const o1 = orientation(p, q, a);
    const o2 = orientation(p, q, b);
    const o3 = orientation(a, b, p);
    const o4 = orientation(a, b, q);
    if (o1 * o2 < 0 && o3 * o4 < 0) {
      // Proper crossing: the parameter along p–q of the crossing point.
      const ex = b[0]! - a[0]!;
      const ey = b[1]! - a[1]!;
      const denominator = dx * ey - dy * ex;
      cuts.push(((a[0]! - p[0]!) * ey - (a[1]! - p[1]!) * ex) / denominator);
    }
  }
  const ts = [0, ...cuts.filter((t) => t > 0 && t < 1).sort((x, y) => x - y), 1];
  const at = (t: number): Position => (t === 0 ? p : t === 1 ? q : [p[0]! + t * dx, p[1]! + t * dy]);
  const out: Array<[Position, Position]> = [];
  for (let i = 0; i + 1 < ts.length; i++) if (ts[i + 1]! > ts[i]!) out.push([at(ts[i]!), at(ts[i + 1]!)]);
  return out;
}

/** Where the open piece s–t lies in g: along one of g's segments (exactly), else where its midpoint is. */
function locatePiece(s: Position, t: Position, g: PreparedGeometry, lines: Linework): Location {
  let edge = false;
  for (const { a, b, edge: isEdge } of lines.segments) {
    if (orientation(a, b, s) === 0 && orientation(a, b, t) === 0 && onSpan(a, b, s) && onSpan(a, b, t)) {
      if (!isEdge) return 'interior';
      edge = true;
    }
  }
  const mid: Position = [(s[0]! + t[0]!) / 2, (s[1]! + t[1]!) / 2];
  const loc = locate(mid, g);
  if (loc === 'interior') return 'interior';
  return edge ? 'boundary' : loc;
}

/** Whether c (collinear with a–b, or nearly: a computed cut point) lies within the segment's box. */
function onSpan(a: Position, b: Position, c: Position): boolean {
  return Math.min(a[0]!, b[0]!) <= c[0]! && c[0]! <= Math.max(a[0]!, b[0]!) && Math.min(a[1]!, b[1]!) <= c[1]! && c[1]! <= Math.max(a[1]!, b[1]!);
}
