import assert from 'node:assert/strict';
import { orientation, pointOnSegment, segmentsIntersect } from '../../../../../core/storage/db/geometry/index.js';
import { toScaledBigInt } from '../../../../../core/storage/db/geometry/orientation.js';

/** Reference sign from exact rationals built another way: x · 2^k is an exact integer for large enough k. */
function referenceOrientation(a: number[], b: number[], c: number[]): number {
  const values = [a[0]!, a[1]!, b[0]!, b[1]!, c[0]!, c[1]!];
  let k = 0;
  while (!values.every((v) => Number.isInteger(v * 2 ** k))) k++;
  const [ax, ay, bx, by, cx, cy] = values.map((v) => BigInt(v * 2 ** k));
  const det = (bx! - ax!) * (cy! - ay!) - (by! - ay!) * (cx! - ax!);
  return det > 0n ? 1 : det < 0n ? -1 : 0;
}

function naiveOrientation(a: number[], b: number[], c: number[]): number {
  return Math.sign((b[0]! - a[0]!) * (c[1]! - a[1]!) - (b[1]! - a[1]!) * (c[0]! - a[0]!));
}

describe('core/storage/db/geometry orientation', () => {
  it('converts doubles to scaled integers exactly', () => {
    assert.equal(toScaledBigInt(1), 1n << 1074n);
    assert.equal(toScaledBigInt(-0.5), -(1n << 1073n));
    assert.equal(toScaledBigInt(Number.MIN_VALUE), 1n);
    assert.equal(toScaledBigInt(0), 0n);
    assert.equal(toScaledBigInt(3 * 2 ** -1070), 3n << 4n);
  });

  it('gives the exact sign near a line, where plain floating point gets it wrong', () => {
    // Points within a few ulps of the line through (12,12) and (24,24) (Kettner et al., "Classroom
    // examples of robustness problems in geometric computations").
    const b = [12, 12];
    const c = [24, 24];
    let naiveWrong = 0;
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < 64; j++) {
        const a = [0.5 + i * 2 ** -53, 0.5 + j * 2 ** -53];
        const expected = referenceOrientation(a, b, c);
        assert.equal(orientation(a, b, c), expected, `a = ${a}`);
        if (naiveOrientation(a, b, c) !== expected) naiveWrong++;
      }
    }
    assert.ok(naiveWrong > 0, 'the grid does hold cases that need the exact path');
  });

  it('finds a point on an edge and touching segments at decimal coordinates', () => {
    assert.equal(pointOnSegment([2.375, 48.875], [2.25, 48.75], [2.5, 49]), true);
    assert.equal(pointOnSegment([0.3, 0.6], [0.1, 0.2], [0.7, 1.4]), true);
    assert.equal(segmentsIntersect([0.1, 0.2], [0.7, 1.4], [0.3, 0.6], [5, -3]), true);
    assert.equal(segmentsIntersect([0.1, 0.2], [0.7, 1.4], [0.30000000000000004, 0.6], [5, -3]), false);
  });
});
