/** Polygons cut at the antimeridian (plugins/features/import/antimeridian.ts), as the countries sample is imported. */
import assert from 'node:assert/strict';
import { splitAtAntimeridian } from '../../../../plugins/features/import/antimeridian.js';

type Rings = number[][][];
const planarArea = (rings: Rings) => {
  const ring = (r: number[][]) => Math.abs(r.slice(1).reduce((s, p, i) => s + (r[i]![0]! * p[1]! - p[0]! * r[i]![1]!), 0)) / 2;
  return ring(rings[0]!) - rings.slice(1).reduce((s, r) => s + ring(r), 0);
};
/** Each polygon's rings as their sets of vertices (a ring's start and direction aside). */
const sorted = (polygons: Rings[]) => polygons.map((p) => p.map((r) => [...new Set(r.map((c) => c.join(',')))].sort().join(' ')).join(' | ')).sort();

describe('features import: polygons cut at the antimeridian', () => {
  it('leaves a polygon that does not cross as it is (the same object)', () => {
    const g = { type: 'Polygon' as const, coordinates: [[[170, 0], [179, 0], [179, 5], [170, 0]]] };
    assert.equal(splitAtAntimeridian(g), g);
  });

  it('cuts a box from 170°E to 170°W (its ring steps from 180 to -180) into one polygon each side, ending on ±180 (with its hole)', () => {
    const g = splitAtAntimeridian({ type: 'Polygon', coordinates: [[[170, -10], [-170, -10], [-170, 10], [170, 10], [170, -10]], [[175, -1], [175, 1], [-175, 1], [-175, -1], [175, -1]]] });
    assert.equal(g.type, 'MultiPolygon');
    const polygons = g.coordinates as Rings[];
    assert.equal(polygons.length, 2);
    assert.deepEqual(
      sorted(polygons),
      sorted([
        // The hole, cut too, opens each piece's outline from ±180: a notch.
        [[[170, -10], [180, -10], [180, -1], [175, -1], [175, 1], [180, 1], [180, 10], [170, 10], [170, -10]]],
        [[[-180, -10], [-170, -10], [-170, 10], [-180, 10], [-180, 1], [-175, 1], [-175, -1], [-180, -1], [-180, -10]]],
      ]),
    );
    assert.equal(polygons.reduce((s, p) => s + planarArea(p), 0), 20 * 20 - 10 * 2);
  });

  it('closes a ring that goes once round the globe over its pole (Antarctica)', () => {
    const ring = [[-180, -70], [-90, -65], [0, -70], [90, -65], [180, -70], [-180, -70]];
    const g = splitAtAntimeridian({ type: 'MultiPolygon', coordinates: [[ring]] });
    const polygons = g.coordinates as Rings[];
    assert.equal(polygons.length, 1);
    const xs = polygons[0]![0]!.map((c) => c[0]!);
    const ys = polygons[0]![0]!.map((c) => c[1]!);
    assert.deepEqual([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)], [-180, 180, -90, -65]);
    // The band from the coast down to the pole: 360° × ~22.5° on average.
    assert.equal(planarArea(polygons[0]!), 360 * 20 + 4 * (90 * 5) / 2);
  });
});
