/**
 * The GeoJSON feature text GetFeature writes (encoders/geojson.ts, written directly) is
 * JSON.stringify's text of the feature object, whatever the values. The GML geometry text GetFeature writes (core/filter/gml-write.ts writeGmlGeometryText) is the
 * very text of the element writer (serializeXml of writeGmlGeometry) for every geometry kind,
 * axis order, dimension and option, empty parts and odd ids included.
 */
import assert from 'node:assert/strict';
import { writeGmlGeometryText } from '../../../core/filter/gml-write.js';
import { writeGmlGeometry, type GmlWriteOptions } from '../../../core/filter/index.js';
import { serializeXml } from '../../../core/ows/index.js';
import { seededRandom } from '../../../core/seeded-random.js';
import type { GeoJSONGeometry } from '../../../core/storage/db/types.js';
import type { Feature, PropertyDefinition } from '../../../plugins/features/types.js';
import { featureJson } from '../../../plugins/wfs/encoders/geojson.js';
import { gmlId } from '../../../plugins/wfs/feature-types.js';
import type { PlannedQuery } from '../../../plugins/wfs/query-plan.js';

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

describe('GeoJSON feature text (featureJson)', () => {
  const properties: PropertyDefinition[] = [
    { name: 'name', type: 'string' },
    { name: 'n', type: 'number' },
    { name: 'when', type: 'datetime' },
    { name: 'tags', type: 'json' },
    { name: 'odd "key"\u2028', type: 'string' },
    { name: 'absent', type: 'integer' },
  ];
  const plan = (includeGeometry: boolean, names = properties) =>
    ({ collection: { id: 'towns', properties }, properties: names, includeGeometry }) as unknown as PlannedQuery;
  /** The object the encoder used to build and stringify. */
  const reference = (f: Feature, p: PlannedQuery) => {
    const props: Record<string, unknown> = {};
    for (const d of p.properties) {
      const v = f.properties[d.name];
      if (v !== undefined) props[d.name] = v instanceof Date ? v.toISOString() : v;
    }
    return JSON.stringify({ type: 'Feature', id: gmlId(p.collection.id, f.id), geometry: p.includeGeometry ? f.geometry : null, properties: props });
  };

  it('is JSON.stringify\'s text of the feature, for every kind of value', () => {
    const features: Feature[] = [
      { id: 'towns.1', geometry: { type: 'Point', coordinates: [7.1234567890123, 46] }, properties: { name: 'Zürich "Z" </script>\n', n: 1.5, when: new Date(Date.UTC(2020, 0, 2)), tags: { a: [1, 'x'] }, 'odd "key"\u2028': 'v' } },
      { id: 'odd id/ü', geometry: null, properties: { name: null, n: NaN, tags: null, absent: undefined } },
      { id: 'towns.3', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }, properties: { n: -Infinity, when: '2021-01-01T00:00:00Z', tags: 'text', name: '' } },
      { id: 'towns.4', geometry: { type: 'Point', coordinates: [-0, 1e21] }, properties: { n: -0, tags: [true, false, null] } },
    ];
    for (const f of features) {
      for (const p of [plan(true), plan(false), plan(true, properties.slice(1, 3))]) {
        const text = featureJson(f, p);
        assert.equal(text, reference(f, p));
        JSON.parse(text);
      }
    }
  });
});
