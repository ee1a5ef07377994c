import { orientation, type Position } from './orientation.js';

/** Whether c, known collinear with a and b, lies within the segment's bounding box (so on it). */
function withinBox(a: Position, b: Position, c: Position): boolean {
  return (
    Math.min(a[0]!, b[0]!) <= c[0]! && c[0]! <= Math.max(a[0]!, b[0]!) && Math.min(a[1]!, b[1]!) <= c[1]! && c[1]! <= Math.max(a[1]!, b[1]!)
  );
}

/** Whether point p lies on the closed segment a–b. */
export function pointOnSegment(p: Position, a: Position, b: Position): boolean {
  return orientation(a, b, p) === 0 && withinBox(a, b, p);
}

/** Whether the closed segments p1–p2 and q1–q2 share at least one point (crossing, touching or overlapping). */
export function segmentsIntersect(p1: Position, p2: Position, q1: Position, q2: Position): boolean {
  const o1 = orientation(p1, p2, q1);
  const o2 = orientation(p1, p2, q2);
  const o3 = orientation(q1, q2, p1);
  const o4 = orientation(q1, q2, p2);
  if (o1 * o2 < 0 && o3 * o4 < 0) return true; // a proper crossing
  return (
    (o1 === 0 && withinBox(p1, p2, q1)) ||
    (o2 === 0 && withinBox(p1, p2, q2)) ||
    (o3 === 0 && withinBox(q1, q2, p1)) ||
    (o4 === 0 && withinBox(q1, q2, p2))
  );
}
