/**
 * Vector layers in the capabilities (1.3.0 still valid against the official schema; 1.1.1):
 * each public feature collection a named, queryable layer after the coverages, with its title,
 * abstract and keywords, its storage CRS added, EX_GeographicBoundingBox and BoundingBoxes from
 * the collection's extent (EPSG:4326 latitude first), its styles with LegendURLs that answer an
 * image of the size stated, a continuous time Dimension from its temporal property; a private
 * collection only for its owner; updateSequence following writes. GetLegendGraphic of vector
 * styles: a swatch per rule in the rule's colours, with its title.
 */
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { validateXml } from '../../helpers/xsd.js';
import { ADMIN, basicAuthFor, decode, featuresOf, get, near, projTransform, serviceException, startWms, xpath, type WmsHarness } from './support.js';
import { createVectorFixtures, FOREST, LAKE, VECTOR_STYLES } from './vector-fixtures.js';

const SLD_CAPABILITIES_XSD = 'ogc/sld/1.1.0/sld_capabilities.xsd';
const ROOT = '/wms:WMS_Capabilities/wms:Capability/wms:Layer';

describe('wms vector layers: capabilities and legends', function () {
  this.timeout(60_000);
  let h: WmsHarness;
  let caps130: string;
  let caps111: string;
  before(async () => {
    h = await startWms({ features: {}, wms: { vectorStyles: VECTOR_STYLES } });
    await createVectorFixtures(featuresOf(h));
    caps130 = (await get(h.url, { SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetCapabilities' })).text;
    caps111 = (await get(h.url, { SERVICE: 'WMS', VERSION: '1.1.1', REQUEST: 'GetCapabilities' })).text;
  });
  after(async () => h?.close());

  it('stays valid against the official WMS 1.3.0 schema with vector layers', () => {
    assert.deepEqual(validateXml(caps130, SLD_CAPABILITIES_XSD), []);
  });

  it('lists the public collections as queryable named layers after the coverages, not the private one', () => {
    assert.deepEqual(xpath(caps130, `${ROOT}/wms:Layer/wms:Name`), ['pattern', 'overlay', 'values', 'series', 'events', 'parcels', 'places', 'roads', 'zones']);
    const zones = `${ROOT}/wms:Layer[wms:Name='zones']`;
    assert.deepEqual(xpath(caps130, `${zones}/wms:Title`), ['Zones']);
    assert.deepEqual(xpath(caps130, `${zones}/wms:Abstract`), ['A forest and a lake']);
    assert.deepEqual(xpath(caps130, `${zones}/wms:KeywordList/wms:Keyword`), ['test', 'zones']);
    assert.deepEqual(xpath(caps130, `${zones}/@queryable`), ['1']);
    assert.deepEqual(xpath(caps111, '/WMT_MS_Capabilities/Capability/Layer/Layer/Name'), ['pattern', 'overlay', 'values', 'series', 'events', 'parcels', 'places', 'roads', 'zones']);
  });

  it("gives each vector layer its extent: geographic box, a BoundingBox per CRS in 1.3.0 axis order, the storage CRS added", async () => {
    const zones = `${ROOT}/wms:Layer[wms:Name='zones']`;
    const geo = ['westBoundLongitude', 'eastBoundLongitude', 'southBoundLatitude', 'northBoundLatitude'].map((e) => Number(xpath(caps130, `${zones}/wms:EX_GeographicBoundingBox/wms:${e}`)[0]));
    assert.deepEqual(geo, [1, 18, 41, 47]);
    const box = (layer: string, crs: string) => ['minx', 'miny', 'maxx', 'maxy'].map((a) => Number(xpath(caps130, `${ROOT}/wms:Layer[wms:Name='${layer}']/wms:BoundingBox[@CRS='${crs}']/@${a}`)[0]));
    assert.deepEqual(box('zones', 'EPSG:4326'), [41, 1, 47, 18]);
    assert.deepEqual(box('zones', 'CRS:84'), [1, 41, 18, 47]);
    const [[x0, y0], [x1, y1]] = await projTransform('EPSG:4326', 'EPSG:3857', [[1, 41], [18, 47]]);
    box('zones', 'EPSG:3857').forEach((v, i) => assert.ok(Math.abs(v - [x0, y0, x1, y1][i]!) < 0.01, `EPSG:3857 ${v}`));
    assert.deepEqual(xpath(caps130, `${zones}/wms:CRS`), []);
    // The UTM-stored collection adds EPSG:32631, its box there exactly as stored.
    assert.deepEqual(xpath(caps130, `${ROOT}/wms:Layer[wms:Name='parcels']/wms:CRS`), ['EPSG:32631']);
    assert.deepEqual(box('parcels', 'EPSG:32631'), [400000, 5100000, 500000, 5200000]);
    // Points along one parallel (lat 52) still get a box with some height: clients take none as no extent.
    const [s52, n52] = ['southBoundLatitude', 'northBoundLatitude'].map((e) => Number(xpath(caps130, `${ROOT}/wms:Layer[wms:Name='places']/wms:EX_GeographicBoundingBox/wms:${e}`)[0]));
    assert.ok(s52! < 52 && n52! > 52 && n52! - s52! < 0.001, `${s52} ${n52}`);
    // The root covers the vector layers too.
    const root = ['westBoundLongitude', 'eastBoundLongitude', 'southBoundLatitude', 'northBoundLatitude'].map((e) => Number(xpath(caps130, `${ROOT}/wms:EX_GeographicBoundingBox/wms:${e}`)[0]));
    assert.deepEqual(root, [0, 20, 40, 60]);
    // 1.1.1: LatLonBoundingBox and x/y boxes.
    const l111 = "/WMT_MS_Capabilities/Capability/Layer/Layer[Name='zones']";
    assert.deepEqual(['minx', 'miny', 'maxx', 'maxy'].map((a) => Number(xpath(caps111, `${l111}/LatLonBoundingBox/@${a}`)[0])), [1, 41, 18, 47]);
    assert.deepEqual(['minx', 'miny', 'maxx', 'maxy'].map((a) => Number(xpath(caps111, `${l111}/BoundingBox[@SRS='EPSG:4326']/@${a}`)[0])), [1, 41, 18, 47]);
  });

  it('lists the configured styles (the first is the default), a default style for a collection without, each LegendURL answering an image of the size it states', async () => {
    const zones = `${ROOT}/wms:Layer[wms:Name='zones']`;
    assert.deepEqual(xpath(caps130, `${zones}/wms:Style/wms:Name`), ['kinds', 'labelled']);
    assert.deepEqual(xpath(caps130, `${zones}/wms:Style/wms:Title`), ['Zones by kind', 'Zones with names']);
    assert.deepEqual(xpath(caps130, `${ROOT}/wms:Layer[wms:Name='parcels']/wms:Style/wms:Name`), ['default']);
    for (const layer of ['zones', 'places', 'parcels']) {
      for (const style of xpath(caps130, `${ROOT}/wms:Layer[wms:Name='${layer}']/wms:Style/wms:Name`)) {
        const legend = `${ROOT}/wms:Layer[wms:Name='${layer}']/wms:Style[wms:Name='${style}']/wms:LegendURL`;
        const href = xpath(caps130, `${legend}/wms:OnlineResource/@xlink:href`)[0]!;
        const [width, height] = ['width', 'height'].map((a) => Number(xpath(caps130, `${legend}/@${a}`)[0]));
        const res = await fetch(href);
        assert.equal(res.status, 200, href);
        const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
        assert.deepEqual([meta.width, meta.height], [width, height], `${layer}/${style}`);
      }
    }
  });

  it('declares a continuous time Dimension from the temporal property, every feature by default', () => {
    const events = `${ROOT}/wms:Layer[wms:Name='events']`;
    const dim = xpath(caps130, `${events}/wms:Dimension[@name='time']`)[0]!;
    const [start, end, resolution] = dim.split('/');
    assert.deepEqual([Date.parse(start!), Date.parse(end!)], [Date.parse('2021-01-15T12:00:00Z'), Date.parse('2021-03-15T12:00:00Z')]);
    assert.equal(resolution, 'PT1S');
    assert.equal(xpath(caps130, `${events}/wms:Dimension/@default`)[0], `${start}/${end}`);
    assert.deepEqual(xpath(caps130, `${events}/wms:Dimension/@units`), ['ISO8601']);
    assert.deepEqual(xpath(caps130, `${ROOT}/wms:Layer[wms:Name='zones']/wms:Dimension`), []);
    assert.equal(xpath(caps111, "/WMT_MS_Capabilities/Capability/Layer/Layer[Name='events']/Extent[@name='time']")[0], dim);
  });

  it('lists a private collection to its owner only', async () => {
    const alice = await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetCapabilities' }, await basicAuthFor(h, 'alice'));
    assert.ok(xpath(alice.text, `${ROOT}/wms:Layer/wms:Name`).includes('secret_zones'));
    assert.ok(!xpath(caps130, `${ROOT}/wms:Layer/wms:Name`).includes('secret_zones'));
  });

  it('raises updateSequence when features are written', async () => {
    const before_ = xpath(caps130, '/wms:WMS_Capabilities/@updateSequence')[0]!;
    assert.equal(serviceException((await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetCapabilities', UPDATESEQUENCE: before_ })).text).code, 'CurrentUpdateSequence');
    await featuresOf(h).transaction([{ op: 'insert', collection: 'roads', features: [{ geometry: { type: 'LineString', coordinates: [[0, 40], [1, 41]] }, properties: { ref: 'B1' } }] }], ADMIN);
    const after_ = xpath((await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetCapabilities' })).text, '/wms:WMS_Capabilities/@updateSequence')[0]!;
    assert.ok(Date.parse(after_) > Date.parse(before_), `${after_} after ${before_}`);
  });

  it("draws a vector style's legend: a swatch per rule in its colours, its title beside it; WIDTH/HEIGHT scale it", async () => {
    const res = await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetLegendGraphic', LAYER: 'zones', STYLE: 'kinds', FORMAT: 'image/png' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.contentType, 'image/png');
    const img = await decode(res.body);
    // Rows of 20 pixels: the forest swatch centred at (10, 11), the lake's at (10, 31).
    assert.deepEqual(img.at(10, 11), FOREST);
    assert.deepEqual(img.at(10, 31), LAKE);
    let text = 0;
    for (let y = 0; y < img.height; y++) for (let x = 24; x < img.width; x++) if (img.at(x, y)[3] > 200 && img.at(x, y)[0] < 80) text++;
    assert.ok(text > 30, `title pixels: ${text}`);
    const places = await decode((await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetLegendGraphic', LAYER: 'places' })).body);
    assert.ok(near(places.at(10, 11), [255, 0, 0, 255], 0), `${places.at(10, 11)}`);
    assert.ok(near(places.at(10, 31), [255, 170, 0, 255], 0), `${places.at(10, 31)}`);
    const sized = await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetLegendGraphic', LAYER: 'zones', FORMAT: 'image/jpeg', WIDTH: '200', HEIGHT: '100' });
    assert.equal(sized.contentType, 'image/jpeg');
    const meta = await sharp(sized.body).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 200, 100]);
    const missing = await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetLegendGraphic', LAYER: 'zones', STYLE: 'nope' });
    assert.equal(serviceException(missing.text).code, 'StyleNotDefined');
    const secret = await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetLegendGraphic', LAYER: 'secret_zones' });
    assert.equal(serviceException(secret.text).code, 'LayerNotDefined');
  });
});
