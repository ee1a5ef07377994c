/**
 * `within` (and so `contains` and `equals`) for any pair of geometries, in memory: A is within B
 * when no point of A lies in B's exterior and some point of A's interior lies in B's interior
 * (OGC Simple Features, DE-9IM T*F**F***). A's linework is cut where B's linework meets it, and
 * each piece is located in B: original vertices with the exact predicates, open pieces by a piece
 * lying along one of B's segments (exact) or else by their midpoint (a piece that touches none of
 * B's linework lies wholly in one of B's regions).
 */
import type { PreparedGeometry } from '../storage/db/geometry/index.js';
import { bboxesIntersect, locatePointInPolygon, orientation, pointOnSegment, type Position } from '../storage/db/geometry/index.js';

type Location = 'interior' | 'boundary' | 'exterior';

interface Linework {
  /** Segments of B with whether they are polygon edges (boundary) or line parts (interior). */
  segments: Array<{ a: Position; b: Position; edge: boolean }>;
}

export function within(a: PreparedGeometry, b: PreparedGeometry): boolean {
  const [ax1, ay1, ax2, ay2] = a.bbox;
  const [bx1, by1, bx2, by2] = b.bbox;
  if (ax1 < bx1 || ay1 < by1 || ax2 > bx2 || ay2 > by2) return false;
  const bLines = linework(b);
  let interiorHit = false;
  for (const p of a.points) {
    const loc = locate(p, b);
    if (loc === 'exterior') return false;
    if (loc === 'interior') interiorHit = true;
  }
  for (const line of a.lines) {
    const ends = lineEnds(line.positions);
    const result = walk(line.positions, b, bLines, (p) => !ends.has(key(p)));
    if (result === 'exterior') return false;
    if (result === 'interior') interiorHit = true;
  }
  if (a.polygons.length > 0) {
    for (const polygon of a.polygons) for (const ring of polygon.rings) if (walk(ring, b, bLines, () => false) === 'exterior') return false;
    // B's boundary passing through A's interior (a hole of B inside A, say) leaves part of A outside B.
    const aLines = linework(a);
    for (const polygon of b.polygons) {
      for (const ring of polygon.rings) if (walk(ring, a, aLines, () => false, true) === 'exterior') return false;
    }
    // A's interior is an open set inside closed B, so it meets B's interior.
    interiorHit = true;
  }
  return interiorHit;
}

/** Topological equality: each within the other. */
export function equalsTopologically(a: PreparedGeometry, b: PreparedGeometry): boolean {
  return within(a, b) && within(b, a);
}

const key = (p: Position) => `${p[0]},${p[1]}`;

/** The ends of an open line (its boundary); a closed line has none. */
function lineEnds(positions: readonly Position[]): Set<string> {
  const first = positions[0]!;
  const last = positions[positions.length - 1]!;
  return first[0] === last[0] && first[1] === last[1] ? new Set() : new Set([key(first), key(last)]);
}

function linework(g: PreparedGeometry): Linework {
  const segments: Linework['segments'] = [];
  for (const line of g.lines) for (let i = 0; i + 1 < line.positions.length; i++) segments.push({ a: line.positions[i]!, b: line.positions[i + 1]!, edge: false });
  for (const polygon of g.polygons) {
    for (const ring of polygon.rings) for (let i = 0; i + 1 < ring.length; i++) segments.push({ a: ring[i]!, b: ring[i + 1]!, edge: true });
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

/**
 * Walks a chain (line or ring) of A through B: 'exterior' as soon as a vertex or piece lies
 * outside B; else 'interior' if a piece (or a vertex `countsAsInterior` says is A's interior)
 * lies in B's interior; else 'boundary'. With `interiorOnly`, only a piece in B's interior counts
 * (reported as 'exterior': used to find B's boundary inside A).
 */
function walk(chain: readonly Position[], g: PreparedGeometry, lines: Linework, countsAsInterior: (p: Position) => boolean, interiorOnly = false): Location {
  let hit = false;
  const seen = (loc: Location, interiorPoint: boolean): Location | undefined => {
    if (interiorOnly) return loc === 'interior' ? 'exterior' : undefined;
    if (loc === 'exterior') return 'exterior';
    if (loc === 'interior' && interiorPoint) hit = true;
    return undefined;
  };
  for (let i = 0; i < chain.length; i++) {
    const p = chain[i]!;
    const r = seen(locate(p, g), countsAsInterior(p));
    if (r) return r;
    if (i + 1 === chain.length) break;
    const q = chain[i + 1]!;
    for (const [s, t] of pieces(p, q, lines)) {
      const r2 = seen(locatePiece(s, t, g, lines), true);
      if (r2) return r2;
    }
  }
  return hit ? 'interior' : 'boundary';
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
