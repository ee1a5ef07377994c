import { orientation, type Position } from './orientation.js';
import { pointOnSegment } from './segments.js';

export type PointLocation = 'inside' | 'boundary' | 'outside';

/** Where `p` is relative to a closed ring (first position repeated last), by ray crossing. */
export function locatePointInRing(p: Position, ring: readonly Position[]): PointLocation {
  let inside = false;
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    if (pointOnSegment(p, a, b)) return 'boundary';
    // Edges straddling the horizontal through p, counted half-open so a vertex counts once.
    if (a[1]! > p[1]! !== b[1]! > p[1]!) {
      const turn = orientation(a, b, p);
      // The edge crosses the ray to the right of p when p is left of an upward edge, or right of a downward one.
      if (b[1]! > a[1]! ? turn > 0 : turn < 0) inside = !inside;
    }
  }
  return inside ? 'inside' : 'outside';
}

/** Where `p` is relative to a polygon: its exterior ring first, then holes. A hole's edge is boundary. */
export function locatePointInPolygon(p: Position, rings: readonly (readonly Position[])[]): PointLocation {
  const outer = locatePointInRing(p, rings[0]!);
  if (outer !== 'inside') return outer;
  for (let i = 1; i < rings.length; i++) {
    const inHole = locatePointInRing(p, rings[i]!);
    if (inHole === 'inside') return 'outside';
    if (inHole === 'boundary') return 'boundary';
  }
  return 'inside';
}
