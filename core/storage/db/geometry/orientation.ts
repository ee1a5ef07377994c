/** A 2D position [x, y]; GeoJSON's third and later coordinates are ignored by the tests here. */
export type Position = readonly number[];

// Shewchuk's error bound for the floating-point 2x2 determinant below: when |det| exceeds it,
// its sign is certainly right; otherwise the sign is recomputed exactly.
const EPSILON = 2 ** -53;
const ERROR_BOUND = (3 + 16 * EPSILON) * EPSILON;

/**
 * Sign of the turn a → b → c: positive counter-clockwise (c left of a→b), negative clockwise,
 * zero when the three are collinear. Exact for every finite double, so that a point on an edge
 * is found on it and edges that touch are found touching, as GEOS (PostGIS) finds them.
 */
export function orientation(a: Position, b: Position, c: Position): number {
  const left = (b[0]! - a[0]!) * (c[1]! - a[1]!);
  const right = (b[1]! - a[1]!) * (c[0]! - a[0]!);
  const det = left - right;
  const bound = ERROR_BOUND * (Math.abs(left) + Math.abs(right));
  if (det > bound || -det > bound) return Math.sign(det);
  return exactOrientation(a, b, c);
}

function exactOrientation(a: Position, b: Position, c: Position): number {
  const [ax, ay, bx, by, cx, cy] = [a[0]!, a[1]!, b[0]!, b[1]!, c[0]!, c[1]!].map(toScaledBigInt) as [bigint, bigint, bigint, bigint, bigint, bigint];
  const det = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return det > 0n ? 1 : det < 0n ? -1 : 0;
}

const view = new DataView(new ArrayBuffer(8));

/** The double `x` as the integer x · 2^1074, exactly (every finite double is a multiple of 2^-1074). */
export function toScaledBigInt(x: number): bigint {
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const negative = high >>> 31 === 1;
  const exponent = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  if (exponent !== 0) mantissa |= 1n << 52n; // normal numbers carry an implicit leading 1
  // value = mantissa · 2^(max(exponent,1) - 1075), so value · 2^1074 = mantissa · 2^(max(exponent,1) - 1)
  const scaled = mantissa << BigInt(Math.max(exponent, 1) - 1);
  return negative ? -scaled : scaled;
}
