/**
 * The GML geometry text GetFeature writes (core/filter/gml-write.ts writeGmlGeometryText) is the
 * very text of the element writer (serializeXml of writeGmlGeometry) for every geometry kind,
 * axis order, dimension and option, empty parts and odd ids included.
 */
import assert from 'node:assert/strict';
import { writeGmlGeometryText } from '../../../core/filter/gml-write.js';
import { writeGmlGeometry, type GmlWriteOptions } from '../../../core/filter/index.js';
import { serializeXml } from '../../../core/ows/index.js';
import { seededRandom } from '../../../core/seeded-random.js';
import type { GeoJSONGeometry } from '../../../core/storage/db/types.js';

const ring = [[1.5, 2.25], [3, 2.25], [3, -4.125e-7], [1.5, 2.25]];
const GEOMETRIES: GeoJSONGeometry[] = [
  { type: 'Point', coordinates: [7.123456789012345, 46.5] },
  { type: 'Point', coordinates: [7, 46, 512.5] },
  { type: 'Point', coordinates: [-0, 1e21] },
  { type: 'LineString', coordinates: [[0, 0], [1, 1], [2, 0.1 + 0.2]] },
  { type: 'LineString', coordinates: [[0, 0, 1], [1, 1]] },
  { type: 'LineString', coordinates: [] },
  { type: 'Polygon', coordinates: [ring] },
  { type: 'Polygon', coordinates: [ring, ring.map(([x, y]) => [x! / 2, y! / 2])] },
  { type: 'Polygon', coordinates: [] },
  { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] },
  { type: 'MultiPoint', coordinates: [] },
  { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3, 3]]] },
  { type: 'MultiPolygon', coordinates: [[ring], [ring, ring]] },
  { type: 'MultiPolygon', coordinates: [] },
  { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }, { type: 'Polygon', coordinates: [ring] }] },
  { type: 'GeometryCollection', geometries: [] },
];

const OPTIONS: GmlWriteOptions[] = [
  { id: 'f.1.geom' },
  { id: 'f.1.geom', srsName: 'urn:ogc:def:crs:EPSG::4326', latLon: true },
  { id: 'a"b<&>', srsName: 'http://example.com/crs?a=1&b="2"' },
  { id: 'x', prefix: 'gml32', memberArrays: true, latLon: true },
];

describe('GML geometry text (writeGmlGeometryText)', () => {
  it('is the element writer\'s text for every geometry kind and option', () => {
    let compared = 0;
    for (const g of GEOMETRIES) {
      for (const o of OPTIONS) {
        const want = serializeXml(writeGmlGeometry(g, o), { declaration: false });
        assert.equal(writeGmlGeometryText(g, o), want, `${JSON.stringify(g)} with ${JSON.stringify(o)}`);
        compared++;
      }
    }
    assert.equal(compared, GEOMETRIES.length * OPTIONS.length);
  });

  it('and for 500 random polygons and points with full-precision coordinates', () => {
    const random = seededRandom(3);
    const n = () => (random() - 0.5) * 10 ** Math.floor(random() * 12 - 6);
    for (let i = 0; i < 500; i++) {
      const g: GeoJSONGeometry = i % 2 ? { type: 'Point', coordinates: [n(), n()] } : { type: 'Polygon', coordinates: [Array.from({ length: 3 + (i % 7) }, () => [n(), n()])] };
      const o = OPTIONS[i % 2]!;
      assert.equal(writeGmlGeometryText(g, o), serializeXml(writeGmlGeometry(g, o), { declaration: false }));
    }
  });
});
