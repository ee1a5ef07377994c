/**
 * GetFeatureInfo on vector layers: the feature drawn under the pixel (a polygon containing it,
 * a line or point symbol within the tolerance, nothing just beyond), its attributes in
 * text/plain, application/json (GeoJSON in CRS:84), text/html and text/xml, topmost first up to
 * FEATURE_COUNT, in 1.3.0 (I/J, lat/lon BBOX) and 1.1.1 (X/Y), with TIME, mixed with a raster
 * layer, and nothing from a private collection for others than its owner.
 */
import assert from 'node:assert/strict';
import { ADMIN, basicAuthFor, featuresOf, get, parseResponse, serviceException, startWms, xpath, type WmsHarness } from './support.js';
import { boxPolygon, createVectorFixtures, VECTOR_STYLES } from './vector-fixtures.js';
import { selectNodes } from '../../../core/ows/index.js';

interface GeoJsonFeature {
  type: string;
  id: string;
  layer?: string;
  geometry: { type: string; coordinates: unknown } | null;
  properties: Record<string, unknown>;
}

// 1.3.0 EPSG:4326 over lon 0..20, lat 40..60 at 10 pixels per degree: pixel (col, row) is lon col/10, lat 60 - row/10.
const MAP = { SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetFeatureInfo', CRS: 'EPSG:4326', BBOX: '40,0,60,20', WIDTH: '200', HEIGHT: '200', STYLES: '' };

describe('wms vector layers: GetFeatureInfo', function () {
  this.timeout(60_000);
  let h: WmsHarness;
  before(async () => {
    h = await startWms({ features: {}, wms: { vectorStyles: VECTOR_STYLES, featureInfoTolerance: 3 } });
    const features = featuresOf(h);
    await createVectorFixtures(features);
    // Three overlapping squares (lon 8..11, lat 52..55 shifted by 0.5 degree each), default style.
    await features.createCollection({ id: 'stack', title: 'Stack', geometryType: 'Polygon', properties: [{ name: 'level', type: 'integer' }] }, ADMIN);
    await features.transaction(
      [{ op: 'insert', collection: 'stack', features: [0, 1, 2].map((i) => ({ geometry: boxPolygon(8 + i * 0.5, 52, 11 + i * 0.5, 55), properties: { level: i + 1 } })) }],
      ADMIN,
    );
  });
  after(async () => h?.close());

  const info = async (params: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await get(h.url, { ...MAP, ...params }, headers);
    assert.equal(res.status, 200, res.text);
    return res;
  };
  const json = async (params: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await info({ INFO_FORMAT: 'application/json', ...params }, headers);
    assert.equal(res.contentType, 'application/json');
    return JSON.parse(res.text) as { type: string; features: GeoJsonFeature[] };
  };

  it('answers the polygon under the pixel with its attributes and its geometry in CRS:84 (application/json)', async () => {
    const body = await json({ LAYERS: 'zones', QUERY_LAYERS: 'zones', I: '16', J: '136' });
    assert.equal(body.type, 'FeatureCollection');
    assert.equal(body.features.length, 1);
    const [f] = body.features;
    assert.equal(f!.id, 'zones.1');
    assert.equal(f!.layer, 'zones');
    assert.deepEqual(f!.properties, { name: 'Alpha', kind: 'forest', area_km2: 330000 });
    assert.equal(f!.geometry?.type, 'Polygon');
    assert.deepEqual(f!.geometry?.coordinates, (boxPolygon(1, 41, 7, 47) as { coordinates: unknown }).coordinates);
    const lake = await json({ LAYERS: 'zones', QUERY_LAYERS: 'zones', I: '150', J: '150' });
    assert.deepEqual(lake.features.map((x) => x.properties.name), ['Beta']);
    const none = await json({ LAYERS: 'zones', QUERY_LAYERS: 'zones', I: '95', J: '150' });
    assert.deepEqual(none.features, []);
  });

  it('finds a point within its symbol plus the tolerance, and a line within half its width plus the tolerance', async () => {
    // The city (5, 52) is pixel (50, 80), a 16 px square: 8 px + 3 px tolerance.
    const ids = async (layer: string, i: number, j: number) => (await json({ LAYERS: layer, QUERY_LAYERS: layer, I: String(i), J: String(j) })).features.map((f) => f.id);
    assert.deepEqual(await ids('places', 50, 80), ['places.1']);
    assert.deepEqual(await ids('places', 59, 80), ['places.1']);
    assert.deepEqual(await ids('places', 64, 80), []);
    // The road along lat 57 is row 30, 4 px wide: 2 px + 3 px.
    assert.deepEqual(await ids('roads', 100, 30), ['roads.1']);
    assert.deepEqual(await ids('roads', 100, 34), ['roads.1']);
    assert.deepEqual(await ids('roads', 100, 37), []);
    // The forest's outside edge (lon 1 is column 10), 2 px outline: just outside it still hits.
    assert.deepEqual(await ids('zones', 8, 136), ['zones.1']);
    assert.deepEqual(await ids('zones', 4, 136), []);
  });

  it('answers the topmost features first, FEATURE_COUNT of them (1 by default)', async () => {
    // Lon 10.8, lat 53.5: inside all three squares.
    const params = { LAYERS: 'stack', QUERY_LAYERS: 'stack', I: '108', J: '65' };
    assert.deepEqual((await json(params)).features.map((f) => f.properties.level), [3]);
    assert.deepEqual((await json({ ...params, FEATURE_COUNT: '2' })).features.map((f) => f.properties.level), [3, 2]);
    assert.deepEqual((await json({ ...params, FEATURE_COUNT: '10' })).features.map((f) => f.properties.level), [3, 2, 1]);
  });

  it('writes the attributes in text/plain, text/html and text/xml', async () => {
    const params = { LAYERS: 'zones', QUERY_LAYERS: 'zones', I: '16', J: '136' };
    const plain = await info({ ...params, INFO_FORMAT: 'text/plain' });
    assert.match(plain.contentType, /^text\/plain/);
    assert.match(plain.text, /^Layer 'zones' \(Zones\)\n {2}Feature zones\.1\n {4}name = Alpha\n {4}kind = forest\n {4}area_km2 = 330000\n$/);
    const html = await info({ ...params, INFO_FORMAT: 'text/html' });
    assert.match(html.contentType, /^text\/html/);
    assert.match(html.text, /<table class="featureInfo" data-layer="zones"><caption>Zones \(zones\)<\/caption><tr><th>id<\/th><th>name<\/th><th>kind<\/th><th>area_km2<\/th><\/tr><tr><td>zones\.1<\/td><td>Alpha<\/td><td>forest<\/td><td>330000<\/td><\/tr><\/table>/);
    const xml = await info({ ...params, INFO_FORMAT: 'text/xml' });
    assert.match(xml.contentType, /^text\/xml/);
    assert.deepEqual(xpath(xml.text, '/GetFeatureInfoResponse/Layer/@name'), ['zones']);
    assert.deepEqual(xpath(xml.text, '/GetFeatureInfoResponse/Layer/Feature/@id'), ['zones.1']);
    assert.deepEqual(xpath(xml.text, "/GetFeatureInfoResponse/Layer/Feature/Attribute[@name='kind']"), ['forest']);
    const empty = await info({ ...params, I: '95', J: '150', INFO_FORMAT: 'text/plain' });
    assert.equal(empty.text, "Layer 'zones' (Zones)\n  no features\n");
  });

  it('reads X/Y and the x/y BBOX in 1.1.1', async () => {
    const body = await json({ VERSION: '1.1.1', SRS: 'EPSG:4326', CRS: '', BBOX: '0,40,20,60', LAYERS: 'zones', QUERY_LAYERS: 'zones', X: '16', Y: '136' });
    assert.deepEqual(body.features.map((f) => f.id), ['zones.1']);
  });

  it('answers raster and vector layers together, in QUERY_LAYERS order', async () => {
    // Pixel (150, 150) is lon 15, lat 45: the pattern's blue square under the lake.
    const body = await json({ LAYERS: 'pattern,zones', STYLES: ',', QUERY_LAYERS: 'zones,pattern', I: '150', J: '150' });
    assert.deepEqual(body.features.map((f) => f.id), ['zones.2', 'pattern']);
    assert.equal(body.features[1]!.properties.band3, 255);
    const plain = await info({ LAYERS: 'pattern,zones', STYLES: ',', QUERY_LAYERS: 'pattern,zones', I: '150', J: '150', INFO_FORMAT: 'text/plain' });
    assert.match(plain.text, /^Layer 'pattern'[\s\S]*band3 = 255\nLayer 'zones' \(Zones\)\n {2}Feature zones\.2\n/);
  });

  it('finds only the features of the TIME asked', async () => {
    // January's event at (3, 58): pixel (30, 20).
    const params = { LAYERS: 'events', QUERY_LAYERS: 'events', I: '30', J: '20' };
    assert.deepEqual((await json(params)).features.map((f) => f.properties.label), ['January']);
    assert.deepEqual((await json({ ...params, TIME: '2021-01' })).features.map((f) => f.properties.label), ['January']);
    assert.deepEqual((await json({ ...params, TIME: '2021-02' })).features, []);
  });

  it('answers LayerNotDefined for a private collection to others than its owner, its features to the owner', async () => {
    // Its box lon 8..11, lat 48..51: pixel (95, 105).
    const params = { LAYERS: 'secret_zones', QUERY_LAYERS: 'secret_zones', I: '95', J: '105', INFO_FORMAT: 'application/json' };
    const anonymous = await get(h.url, { ...MAP, ...params });
    assert.equal(anonymous.status, 400);
    assert.equal(serviceException(anonymous.text).code, 'LayerNotDefined');
    const body = await json(params, await basicAuthFor(h, 'alice'));
    assert.deepEqual(body.features.map((f) => f.properties.name), ['Hidden']);
  });

  it('answers LayerNotQueryable for a vector layer config makes unqueryable', async () => {
    const other = await startWms({ features: {}, wms: { layers: { zones: { queryable: false } } } });
    try {
      await createVectorFixtures(featuresOf(other));
      const res = await get(other.url, { ...MAP, LAYERS: 'zones', QUERY_LAYERS: 'zones', I: '16', J: '136', INFO_FORMAT: 'text/plain' });
      assert.equal(serviceException(res.text).code, 'LayerNotQueryable');
      const caps = await get(other.url, { SERVICE: 'WMS', REQUEST: 'GetCapabilities' });
      const doc = parseResponse(caps.text);
      const layer = selectNodes(doc, "//wms:Layer[wms:Name='zones']", { wms: 'http://www.opengis.net/wms' })[0] as unknown as { attr(n: string): { value(): string } | null };
      assert.equal(layer.attr('queryable')?.value(), '0');
    } finally {
      await other.close();
    }
  });
});
