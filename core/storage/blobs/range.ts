import type { ByteRange } from './types.js';
import { InvalidRange } from './errors.js';

/** Checks the shape of a range before the object's size is known. */
export function assertRangeShape(range: ByteRange): void {
  if ('suffix' in range) {
    if (!Number.isSafeInteger(range.suffix) || range.suffix < 1) {
      throw new InvalidRange(`Range suffix must be a positive integer, got ${String(range.suffix)}`);
    }
    return;
  }
  if (!Number.isSafeInteger(range.start) || range.start < 0) {
    throw new InvalidRange(`Range start must be a non-negative integer, got ${String(range.start)}`);
  }
  if (range.end !== undefined) {
    if (!Number.isSafeInteger(range.end) || range.end < range.start) {
      throw new InvalidRange(`Range end must be an integer not below start ${range.start}, got ${String(range.end)}`);
    }
  }
}

/**
 * The inclusive byte range `range` selects in an object of `size` bytes, as HTTP (RFC 9110
 * §14.1.2) and S3 resolve it: an end past the object is clamped, a suffix longer than the object
 * selects all of it, and a start at or past the end (so any range on an empty object) is
 * unsatisfiable.
 */
export function resolveRange(range: ByteRange, size: number): { start: number; end: number } {
  assertRangeShape(range);
  if (size === 0) throw new InvalidRange('The object is empty: no byte range can be satisfied', size);
  if ('suffix' in range) return { start: Math.max(0, size - range.suffix), end: size - 1 };
  if (range.start >= size) throw new InvalidRange(`Range start ${range.start} is not below the object size ${size}`, size);
  return { start: range.start, end: Math.min(range.end ?? size - 1, size - 1) };
}

/** The HTTP Range header value for `range` ('bytes=0-99', 'bytes=100-', 'bytes=-500'). */
export function rangeHeader(range: ByteRange): string {
  assertRangeShape(range);
  if ('suffix' in range) return `bytes=-${range.suffix}`;
  return `bytes=${range.start}-${range.end ?? ''}`;
}
