import assert from 'node:assert/strict';
import { BadRequest } from '../../../../../core/errors.js';
import { geometryBBox, queryBoxes } from '../../../../../core/storage/db/geometry/index.js';
import { point, squareWithHole } from './fixtures.js';

describe('core/storage/db/geometry bbox', () => {
  it('spans every position of a geometry, collections included, ignoring Z', () => {
    assert.deepEqual(geometryBBox(point(3, -4)), [3, -4, 3, -4]);
    assert.deepEqual(geometryBBox(squareWithHole), [0, 0, 10, 10]);
    assert.deepEqual(
      geometryBBox({ type: 'GeometryCollection', geometries: [{ type: 'LineString', coordinates: [[1, 1, 500], [2, 5, -500]] }, point(-7, 3)] }),
      [-7, 1, 2, 5],
    );
  });

  it('keeps an ordinary CRS:84 bbox and splits one crossing the antimeridian', () => {
    assert.deepEqual(queryBoxes([-10, -5, 10, 5]), [[-10, -5, 10, 5]]);
    assert.deepEqual(queryBoxes([170, -5, -170, 5]), [
      [170, -5, 180, 5],
      [-180, -5, -170, 5],
    ]);
  });

  it('refuses boxes that are not boxes', () => {
    for (const bad of [[0, 5, 1, 1], [NaN, 0, 1, 1], [190, 0, 10, 1], [10, 0, -190, 1], [0, 0, 1]]) {
      assert.throws(() => queryBoxes(bad as [number, number, number, number]), BadRequest, JSON.stringify(bad));
    }
  });
});
