import assert from 'node:assert/strict';
import { parseXmlTree, readGmlGeometry, writeGmlGeometry, type GeoJSONGeometry } from '../../../core/filter/index.js';
import { NS, serializeXml } from '../../../core/ows/index.js';
import { validateXml } from '../../helpers/xsd.js';

const GEOMETRIES: GeoJSONGeometry[] = [
  { type: 'Point', coordinates: [2.35, 48.85] },
  { type: 'LineString', coordinates: [[0, 0], [1, 1], [2, 0.5]] },
  { type: 'Polygon', coordinates: [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [1, 2], [2, 2], [1, 1]]] },
  { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] },
  { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3]]] },
  { type: 'MultiPolygon', coordinates: [[[[170, -10], [180, -10], [180, 10], [170, 10], [170, -10]]], [[[-180, -10], [-170, -10], [-170, 10], [-180, 10], [-180, -10]]]] },
  { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 1] }, { type: 'LineString', coordinates: [[0, 0], [1, 0]] }] },
  { type: 'Point', coordinates: [10, 20, 300] },
];

/** The element written inside a root that binds the gml prefix, as text. */
function written(g: GeoJSONGeometry, options: Partial<Parameters<typeof writeGmlGeometry>[1]> = {}): string {
  const xml = serializeXml(writeGmlGeometry(g, { id: 'g1', ...options }), { declaration: false });
  return xml.replace(/^<gml:(\w+)/, `<gml:$1 xmlns:gml="${NS.gml32}"`);
}

describe('GML 3.2 writer', () => {
  it('writes every GeoJSON geometry as GML 3.2 that validates and reads back equal', () => {
    for (const g of GEOMETRIES) {
      const xml = written(g);
      assert.deepEqual(validateXml(xml, 'ogc/gml/3.2.1/gml.xsd'), [], xml);
      assert.deepEqual(readGmlGeometry(parseXmlTree(xml)), g, xml);
    }
  });

  it('writes latitude first for an EPSG:4326 authority srsName, and member arrays on request', () => {
    const polygon: GeoJSONGeometry = { type: 'MultiPolygon', coordinates: [[[[2, 48], [3, 48], [3, 49], [2, 48]]]] };
    const xml = written(polygon, { srsName: 'http://www.opengis.net/def/crs/EPSG/0/4326', latLon: true, memberArrays: true });
    assert.match(xml, /<gml:surfaceMembers><gml:Polygon gml:id="g1\.1"><gml:exterior><gml:LinearRing><gml:posList>48 2 48 3 49 3 48 2<\/gml:posList>/);
    assert.deepEqual(validateXml(xml, 'ogc/gml/3.2.1/gml.xsd'), []);
    assert.deepEqual(readGmlGeometry(parseXmlTree(xml)), polygon);
  });

  it('gives every member its own gml:id', () => {
    const xml = written(GEOMETRIES[6]!);
    assert.deepEqual([...xml.matchAll(/gml:id="([^"]+)"/g)].map((m) => m[1]), ['g1', 'g1.1', 'g1.2']);
  });
});

describe('GML reader, lenient rings', () => {
  const open = `<gml:Polygon xmlns:gml="${NS.gml}"><gml:exterior><gml:LinearRing><gml:posList>0 0 1 0 1 1 0 1</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>`;

  it('refuses a ring left open unless asked to close it', () => {
    assert.throws(() => readGmlGeometry(parseXmlTree(open)), /not closed/);
    assert.deepEqual(readGmlGeometry(parseXmlTree(open), { closeRings: true }), { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] });
  });
});
