import assert from 'node:assert/strict';
import { intersects } from '../../../../../core/storage/db/geometry/index.js';
import type { GeoJSONGeometry } from '../../../../../core/storage/db/types.js';
import { box, boxRing, line, lShape, lowerTriangle, point, polygon, squareWithHole } from './fixtures.js';

/** Checks both argument orders: intersects is symmetric. */
function check(a: GeoJSONGeometry, b: GeoJSONGeometry, expected: boolean): void {
  assert.equal(intersects(a, b), expected, `${JSON.stringify(a)} × ${JSON.stringify(b)}`);
  assert.equal(intersects(b, a), expected, `${JSON.stringify(b)} × ${JSON.stringify(a)}`);
}

describe('core/storage/db/geometry intersects', () => {
  describe('points', () => {
    it('meets an equal point only', () => {
      check(point(1, 2), point(1, 2), true);
      check(point(1, 2), point(1, 2.000001), false);
    });
    it('meets a line at a vertex and inside a segment, including a diagonal one, and not beside it', () => {
      const l = line([0, 0], [4, 4], [8, 0]);
      check(point(4, 4), l, true);
      check(point(1.5, 1.5), l, true);
      check(point(6, 2), l, true);
      check(point(1.5, 1.6), l, false);
      check(point(9, -1), l, false, );
    });
    it('meets a polygon inside it, on an edge and on a vertex', () => {
      check(point(5, 1), squareWithHole, true);
      check(point(10, 4), squareWithHole, true);
      check(point(0, 0), squareWithHole, true);
      check(point(10.0000001, 4), squareWithHole, false);
    });
    it('misses a polygon inside its hole, but meets the hole edge', () => {
      check(point(5, 5), squareWithHole, false);
      check(point(3, 5), squareWithHole, true);
      check(point(7, 7), squareWithHole, true);
    });
    it('misses the empty part of an L whose bbox contains it', () => {
      check(point(5, 5), lShape, false);
      check(point(0.5, 5), lShape, true);
      check(point(1, 5), lShape, true);
    });
    it('counts a ray through a vertex once (point level with a vertex)', () => {
      const diamond = polygon([
        [0, 5],
        [5, 0],
        [10, 5],
        [5, 10],
        [0, 5],
      ]);
      check(point(2, 5), diamond, true);
      check(point(-2, 5), diamond, false);
      check(point(12, 5), diamond, false);
    });
  });

  describe('lines', () => {
    it('meets a box it crosses without a vertex inside it', () => {
      check(line([-5, 5], [15, 5]), box(0, 0, 10, 10), true);
      check(line([-5, -4], [6, 15]), box(0, 0, 10, 10), true);
    });
    it('misses a box that only its bbox overlaps', () => {
      check(line([-5, 8], [8, 21]), box(0, 0, 6, 6), false);
    });
    it('meets a box it touches at a corner or runs along an edge', () => {
      check(line([10, 10], [20, 20]), box(0, 0, 10, 10), true);
      check(line([2, 0], [8, 0]), box(0, 0, 10, 10), true);
      check(line([-5, 0], [-1, 0]), box(0, 0, 10, 10), false);
    });
    it('meets a polygon it lies wholly inside (no crossing at all)', () => {
      check(line([1, 1], [2, 2]), box(0, 0, 10, 10), true);
    });
    it('misses a polygon when it lies inside the hole, and meets it when it leaves the hole', () => {
      check(line([4, 4], [6, 6]), squareWithHole, false);
      check(line([4, 4], [8, 8]), squareWithHole, true);
      check(line([3, 4], [3, 6]), squareWithHole, true);
    });
    it('misses the empty half of a triangle across its bbox', () => {
      check(line([1, 3], [6, 9]), lowerTriangle, false);
      check(line([1, 3], [6, 2]), lowerTriangle, true);
    });
    it('meets crossing, touching and overlapping collinear lines; misses parallel ones', () => {
      check(line([0, 0], [10, 10]), line([0, 10], [10, 0]), true);
      check(line([0, 0], [10, 0]), line([5, 0], [5, 5]), true);
      check(line([0, 0], [10, 0]), line([5, 0], [15, 0]), true);
      check(line([0, 0], [10, 0]), line([11, 0], [15, 0]), false);
      check(line([0, 0], [10, 0]), line([0, 1], [10, 1]), false);
      check(line([0, 0], [10, 10]), line([1, 0], [11, 10]), false);
    });
    it('treats a zero-length segment as its point', () => {
      check(line([5, 5], [5, 5]), line([0, 0], [10, 10]), true);
      check(line([5, 6], [5, 6]), line([0, 0], [10, 10]), false);
    });
  });

  describe('polygons', () => {
    it('misses a polygon whose bbox intersects but whose shape does not', () => {
      check(box(6, 6, 9, 9), lShape, false);
      check(box(1, 6, 5, 9), lowerTriangle, false);
      check(box(3, 2, 9, 9), lowerTriangle, true);
    });
    it('meets a polygon it contains or is contained by, with no edge crossing', () => {
      check(box(0, 0, 100, 100), box(40, 40, 60, 60), true);
    });
    it('misses a polygon lying inside its hole, and meets one reaching out of it', () => {
      check(box(4, 4, 6, 6), squareWithHole, false);
      check(box(4, 4, 8, 6), squareWithHole, true);
      check(box(3, 3, 7, 7), squareWithHole, true, );
    });
    it('meets polygons sharing an edge or only a corner', () => {
      check(box(0, 0, 10, 10), box(10, 0, 20, 10), true);
      check(box(0, 0, 10, 10), box(10, 10, 20, 20), true);
      check(box(0, 0, 10, 10), box(10.5, 10.5, 20, 20), false);
    });
    it('does not depend on ring orientation', () => {
      check(polygon(boxRing(0, 0, 10, 10).reverse()), point(5, 5), true);
      check(polygon(boxRing(0, 0, 10, 10), boxRing(3, 3, 7, 7)), point(5, 5), false);
    });
  });

  describe('multi-geometries and collections', () => {
    it('meets when any part meets', () => {
      const multi: GeoJSONGeometry = { type: 'MultiPolygon', coordinates: [[boxRing(0, 0, 1, 1)], [boxRing(20, 20, 21, 21)]] };
      check(multi, point(20.5, 20.5), true);
      check(multi, point(10, 10), false);
      const points: GeoJSONGeometry = { type: 'MultiPoint', coordinates: [[50, 50], [5, 5]] };
      check(points, box(0, 0, 10, 10), true);
      const lines: GeoJSONGeometry = { type: 'MultiLineString', coordinates: [[[50, 50], [60, 60]], [[-1, 5], [1, 5]]] };
      check(lines, box(0, 0, 10, 10), true);
      check(lines, box(20, 20, 30, 30), false);
    });
    it('looks into geometry collections, nested ones too', () => {
      const collection: GeoJSONGeometry = {
        type: 'GeometryCollection',
        geometries: [point(100, 100), { type: 'GeometryCollection', geometries: [line([-5, 5], [-1, 5]), box(40, 40, 41, 41)] }],
      };
      check(collection, box(0, 0, 10, 10), false);
      check(collection, line([-3, 0], [-3, 10]), true);
      check(collection, point(40.5, 41), true);
      check(collection, squareWithHole, false);
    });
  });

  it('works on geographic coordinates with decimals (a point exactly on a diagonal edge)', () => {
    const tile = polygon([
      [2.25, 48.75],
      [2.5, 48.75],
      [2.5, 49],
      [2.25, 48.75],
    ]);
    check(point(2.375, 48.875), tile, true);
    check(point(2.375, 48.8751), tile, false);
  });
});
