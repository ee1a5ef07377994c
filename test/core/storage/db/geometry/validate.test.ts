import assert from 'node:assert/strict';
import { BadRequest } from '../../../../../core/errors.js';
import { validateGeometry } from '../../../../../core/storage/db/geometry/index.js';
import { boxRing, lShape, squareWithHole } from './fixtures.js';

function refused(value: unknown, pathAndProblem: RegExp): void {
  assert.throws(
    () => validateGeometry(value),
    (err: unknown) => err instanceof BadRequest && err.status === 400 && err.code === 'InvalidGeometry' && pathAndProblem.test(err.message),
    JSON.stringify(value) ?? String(value),
  );
}

describe('core/storage/db/geometry validateGeometry', () => {
  it('accepts every GeoJSON geometry type, with 3D positions too', () => {
    const valid = [
      { type: 'Point', coordinates: [1, 2] },
      { type: 'Point', coordinates: [1, 2, 300] },
      { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] },
      { type: 'LineString', coordinates: [[1, 2], [3, 4]] },
      { type: 'MultiLineString', coordinates: [[[1, 2], [3, 4]]] },
      squareWithHole,
      lShape,
      { type: 'MultiPolygon', coordinates: [[boxRing(0, 0, 1, 1)], [boxRing(2, 2, 3, 3)]] },
      { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }, squareWithHole] },
    ];
    for (const g of valid) assert.equal(validateGeometry(g), g);
  });

  it('refuses NaN, Infinity and non-numbers in positions, naming where', () => {
    refused({ type: 'Point', coordinates: [NaN, 1] }, /geometry\.coordinates\[0\].*not a finite number/);
    refused({ type: 'Point', coordinates: [1, Infinity] }, /coordinates\[1\]/);
    refused({ type: 'LineString', coordinates: [[0, 0], [1, '2']] }, /coordinates\[1\]\[1\]/);
    refused({ type: 'Point', coordinates: [1] }, /2 to 4 numbers/);
    refused({ type: 'Point', coordinates: [1, 2, 3, 4, 5] }, /2 to 4 numbers/);
    refused({ type: 'Point', coordinates: null }, /position/);
  });

  it('refuses unclosed and too short rings', () => {
    refused({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }, /coordinates\[0\].*not closed/);
    refused({ type: 'Polygon', coordinates: [boxRing(0, 0, 10, 10), [[3, 3], [4, 3], [4, 4], [3, 3.5]]] }, /coordinates\[1\].*not closed/);
    refused({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] }, /at least 4 positions/);
    refused({ type: 'MultiPolygon', coordinates: [[boxRing(0, 0, 1, 1)], [[[0, 0], [1, 1], [2, 0], [0, 0.1]]]] }, /coordinates\[1\]\[0\].*not closed/);
  });

  it('refuses lines of one position, empty geometries and unknown types', () => {
    refused({ type: 'LineString', coordinates: [[0, 0]] }, /at least 2 positions/);
    refused({ type: 'MultiPoint', coordinates: [] }, /empty/);
    refused({ type: 'GeometryCollection', geometries: [] }, /empty/);
    refused({ type: 'Circle', coordinates: [0, 0] }, /unknown geometry type/);
    refused({ type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] } }, /unknown geometry type/);
    refused(null, /must be an object/);
    refused('POINT(1 2)', /must be an object/);
  });

  it('refuses a bad member of a collection, and collections nested too deep', () => {
    refused({ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [0, 0] }, { type: 'Point', coordinates: [NaN, 0] }] }, /geometries\[1\]\.coordinates/);
    let deep: unknown = { type: 'Point', coordinates: [0, 0] };
    for (let i = 0; i < 10; i++) deep = { type: 'GeometryCollection', geometries: [deep] };
    refused(deep, /nested deeper/);
  });
});
