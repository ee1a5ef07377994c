import assert from 'node:assert/strict';
import { FilterError } from '../../../core/filter/index.js';
import { parseWkt } from '../../../core/filter/wkt.js';

describe('parseWkt (a whole WKT parameter)', () => {
  it('reads each geometry type into GeoJSON, x y order kept', () => {
    assert.deepEqual(parseWkt('POINT(1 2)'), { type: 'Point', coordinates: [1, 2] });
    assert.deepEqual(parseWkt(' polygon ((0 0, 1 0, 1 1, 0 0)) '), { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] });
    assert.deepEqual(parseWkt('MULTIPOINT(1 2, 3 4)'), { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] });
    assert.deepEqual(parseWkt('LINESTRING(-1.5 2e1, 3 4)'), { type: 'LineString', coordinates: [[-1.5, 20], [3, 4]] });
    assert.equal(parseWkt('GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))').type, 'GeometryCollection');
  });

  it('refuses anything but one geometry, naming the parameter', () => {
    for (const bad of ['', 'CIRCLE(1 1, 2)', 'POINT(1 2) POINT(3 4)', 'POINT(1 2', 'POINT(1)', 'POLYGON EMPTY', 'cloudCover > 5']) {
      assert.throws(() => parseWkt(bad, { locator: 'geometry' }), (e: FilterError) => e instanceof FilterError && e.locator === 'geometry' && e.status === 400, bad);
    }
  });
});
