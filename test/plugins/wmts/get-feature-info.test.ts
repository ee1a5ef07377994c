/**
 * GetFeatureInfo by KVP and RESTful paths in every InfoFormat: the values under pixel I/J of a
 * tile (the red square, the background, nothing outside the data), PointIJOutOfRange, and the
 * text/xml body valid against the official WMTS FeatureInfo schema.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { assertValidXml } from '../../helpers/xsd.js';
import { BACKGROUND, crs84Pixel, exceptionOf, get, kvp, makeRgbFixture, SQUARE, startWmts, tempDir, webMercatorPixel, xpath, type TilePixel, type WmtsHarness } from './support.js';

interface GeoJsonInfo {
  type: string;
  features: Array<{ geometry: { type: string; coordinates: [number, number] }; properties: { layer: string; values: Record<string, number | null>; tileRow: number; tileCol: number; i: number; j: number } }>;
}

describe('wmts GetFeatureInfo', function () {
  this.timeout(60_000);
  let h: WmtsHarness;
  let tmp: ReturnType<typeof tempDir>;
  let bands: string[];
  before(async () => {
    tmp = tempDir('gfi');
    h = await startWmts({ coverages: [{ id: 'rgb', title: 'RGB fixture', path: makeRgbFixture(path.join(tmp.dir, 'rgb.tif')) }] });
    bands = (await h.coverages.get('rgb', (await import('../../../core/auth/index.js')).ANONYMOUS))!.bands.map((b) => b.name);
  });
  after(async () => {
    await h?.close();
    tmp?.remove();
  });

  const kvpInfo = (set: string, z: number, p: TilePixel, infoFormat: string, extra: Record<string, string | number> = {}) =>
    kvp(h.url, { SERVICE: 'WMTS', REQUEST: 'GetFeatureInfo', VERSION: '1.0.0', LAYER: 'rgb', STYLE: 'rgb', FORMAT: 'image/png', TILEMATRIXSET: set, TILEMATRIX: z, TILEROW: p.row, TILECOL: p.col, I: p.i, J: p.j, INFOFORMAT: infoFormat, ...extra });
  const restInfo = (set: string, z: number, p: TilePixel, ext: string) => `${h.url}/1.0.0/rgb/rgb/${set}/${z}/${p.row}/${p.col}/${p.j}/${p.i}.${ext}`;

  for (const [set, z, locate] of [
    ['WebMercatorQuad', 8, webMercatorPixel],
    ['WorldCRS84Quad', 7, crs84Pixel],
  ] as const) {
    it(`${set}: application/json is a GeoJSON point with the band values under the pixel, the same by KVP and REST`, async () => {
      const p = locate(z, 10.5, 45.5);
      const res = await get(kvpInfo(set, z, p, 'application/json'));
      assert.equal(res.status, 200, res.text);
      assert.match(res.contentType, /^application\/json/);
      const info = JSON.parse(res.text) as GeoJsonInfo;
      assert.equal(info.type, 'FeatureCollection');
      assert.equal(info.features.length, 1);
      const f = info.features[0]!;
      assert.deepEqual(Object.values(f.properties.values), [...SQUARE]);
      assert.deepEqual(Object.keys(f.properties.values), bands);
      assert.equal(f.properties.layer, 'rgb');
      assert.deepEqual([f.properties.tileRow, f.properties.tileCol, f.properties.i, f.properties.j], [p.row, p.col, p.i, p.j]);
      assert.equal(f.geometry.type, 'Point');
      assert.ok(Math.abs(f.geometry.coordinates[0] - 10.5) < 0.01 && Math.abs(f.geometry.coordinates[1] - 45.5) < 0.01, JSON.stringify(f.geometry));
      assert.equal((await get(restInfo(set, z, p, 'json'))).text, res.text);
      const bg = JSON.parse((await get(kvpInfo(set, z, locate(z, 5, 42), 'application/json'))).text) as GeoJsonInfo;
      assert.deepEqual(Object.values(bg.features[0]!.properties.values), [...BACKGROUND]);
    });
  }

  it('outside the data: no feature', async () => {
    // WebMercatorQuad level 1 row 1 is valid (no limits there) and holds no data.
    const info = JSON.parse((await get(kvpInfo('WebMercatorQuad', 1, { row: 1, col: 0, i: 10, j: 10 }, 'application/json'))).text) as GeoJsonInfo;
    assert.deepEqual(info.features, []);
  });

  it('text/plain and text/html list the values; text/xml validates against wmtsGetFeatureInfo_response.xsd', async () => {
    const p = webMercatorPixel(8, 10.5, 45.5);
    const text = await get(restInfo('WebMercatorQuad', 8, p, 'txt'));
    assert.match(text.contentType, /^text\/plain/);
    for (const [k, b] of bands.entries()) assert.match(text.text, new RegExp(`^${b} = ${SQUARE[k]}$`, 'm'));
    const html = await get(kvpInfo('WebMercatorQuad', 8, p, 'text/html'));
    assert.match(html.contentType, /^text\/html/);
    assert.match(html.text, new RegExp(`<th>${bands[0]}</th><td>255</td>`));
    const xml = await get(kvpInfo('WebMercatorQuad', 8, p, 'text/xml'));
    assert.match(xml.contentType, /^text\/xml/);
    assertValidXml(xml.text, 'ogc/wmts/1.0/wmtsGetFeatureInfo_response.xsd');
    assert.deepEqual(xpath(xml.text, '//mer:Band/@name'), bands);
    assert.deepEqual(xpath(xml.text, '//mer:Band').map(Number), [...SQUARE]);
    assert.equal((await get(restInfo('WebMercatorQuad', 8, p, 'xml'))).text, xml.text);
  });

  it('PointIJOutOfRange for I or J outside the tile; InvalidParameterValue for an unknown InfoFormat; MissingParameterValue for no I', async () => {
    const p = webMercatorPixel(8, 10.5, 45.5);
    for (const [i, j, locator] of [
      [256, 10, 'I'],
      [-1, 10, 'I'],
      [10, 256, 'J'],
    ] as const) {
      const res = await get(kvpInfo('WebMercatorQuad', 8, { ...p, i, j }, 'application/json'));
      assert.equal(res.status, 400);
      assertValidXml(res.text, 'ogc/ows/1.1.0/owsExceptionReport.xsd');
      assert.deepEqual(exceptionOf(res.text), { code: 'PointIJOutOfRange', locator, version: '1.0.0' });
    }
    const rest = await get(`${h.url}/1.0.0/rgb/rgb/WebMercatorQuad/8/${p.row}/${p.col}/300/4.json`);
    assert.deepEqual(exceptionOf(rest.text).code, 'PointIJOutOfRange');
    assert.deepEqual(exceptionOf((await get(kvpInfo('WebMercatorQuad', 8, p, 'image/png'))).text), { code: 'InvalidParameterValue', locator: 'InfoFormat', version: '1.0.0' });
    const noI = kvpInfo('WebMercatorQuad', 8, p, 'application/json').replace(/&I=\d+/, '');
    assert.deepEqual(exceptionOf((await get(noI)).text), { code: 'MissingParameterValue', locator: 'I', version: '1.0.0' });
    // A tile out of range is TileOutOfRange here too.
    assert.deepEqual(exceptionOf((await get(kvpInfo('WebMercatorQuad', 8, { ...p, row: 300 }, 'application/json'))).text).code, 'TileOutOfRange');
  });
});
