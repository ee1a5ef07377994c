/**
 * Independent WMTS clients against the real server: GDAL's WMTS driver (gdalinfo lists the
 * layers; gdal_translate of a small area gets the square's colour where it is) and OWSLib's
 * WebMapTileService (contents, tile matrix sets, limits, gettile returning a PNG that decodes).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKGROUND, makeRgbFixture, PYTHON, runTool, SQUARE, startWmts, tempDir, webMercatorPixel, type WmtsHarness } from './support.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/owslib_wmts.py', import.meta.url));
// GDAL keeps WMTS tiles in a disk cache of its own by default: each run must ask this server.
const GDAL_ENV = { GDAL_ENABLE_WMS_CACHE: 'NO', GDAL_HTTP_TIMEOUT: '30', CPL_VSIL_CURL_ALLOWED_EXTENSIONS: '' };

describe('wmts with independent clients (GDAL WMTS driver, OWSLib)', function () {
  this.timeout(120_000);
  let h: WmtsHarness;
  let tmp: ReturnType<typeof tempDir>;
  before(async () => {
    tmp = tempDir('clients');
    const rgb = makeRgbFixture(path.join(tmp.dir, 'rgb.tif'));
    h = await startWmts({ coverages: [{ id: 'rgb', title: 'RGB fixture', path: rgb }, { id: 'copy', title: 'Second layer', path: rgb }] });
  });
  after(async () => {
    await h?.close();
    tmp?.remove();
  });

  const capabilitiesUrl = () => `WMTS:${h.url}?SERVICE=WMTS&REQUEST=GetCapabilities`;

  it('gdalinfo lists every layer and tile matrix set as subdatasets', async () => {
    const r = await runTool('gdalinfo', [capabilitiesUrl()], GDAL_ENV);
    assert.equal(r.code, 0, r.stderr);
    const names = [...r.stdout.matchAll(/SUBDATASET_\d+_NAME=(.+)$/gm)].map((m) => m[1]!);
    assert.ok(names.some((n) => /layer=rgb\b/.test(n) && /tilematrixset=WebMercatorQuad/.test(n)), r.stdout);
    assert.ok(names.some((n) => /layer=rgb\b/.test(n) && /tilematrixset=WorldCRS84Quad/.test(n)), r.stdout);
    assert.ok(names.some((n) => /layer=copy\b/.test(n)), r.stdout);
    assert.match(r.stdout, /SUBDATASET_\d+_DESC=.*RGB fixture/);
  });

  it('gdalinfo on one layer and set: Web Mercator, the layer extent, overviews down the levels', async () => {
    const r = await runTool('gdalinfo', [`${capabilitiesUrl()},layer=rgb,tilematrixset=WebMercatorQuad`], GDAL_ENV);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Pseudo-Mercator|3857/);
    const origin = r.stdout.match(/Origin = \(([-\d.]+),([-\d.]+)\)/);
    assert.ok(origin, r.stdout);
    // The raster starts at the layer's west edge (0°E) or the tile boundary before it.
    assert.ok(Math.abs(Number(origin[1])) < 1e6, origin[0]);
    assert.match(r.stdout, /Overviews: /);
  });

  for (const set of ['WorldCRS84Quad', 'WebMercatorQuad']) {
    it(`gdal_translate of a small area through ${set}: the square's colour inside it, the background beside it`, async () => {
      const out = path.join(tmp.dir, `area-${set}.tif`);
      const r = await runTool(
        'gdal_translate',
        ['-q', '-projwin', '9.5', '46.5', '11.5', '44.5', '-projwin_srs', 'EPSG:4326', '-outsize', '64', '64', '-of', 'GTiff', `${capabilitiesUrl()},layer=rgb,tilematrixset=${set}`, out],
        GDAL_ENV,
      );
      assert.equal(r.code, 0, r.stderr);
      const read = async (x: number, y: number) => {
        const v = await runTool('gdallocationinfo', ['-valonly', out, String(x), String(y)]);
        assert.equal(v.code, 0, v.stderr);
        return v.stdout.trim().split('\n').map(Number);
      };
      // 64 px over 2°: the square (10..11°E, 45..46°N) is pixels 16..48 in both axes (roughly, in Mercator).
      assert.deepEqual(await read(32, 32), [...SQUARE, 255]);
      assert.deepEqual(await read(4, 32), [...BACKGROUND, 255]);
      assert.deepEqual(await read(60, 32), [...BACKGROUND, 255]);
    });
  }

  it('OWSLib WebMapTileService reads contents, tile matrix sets and limits, and gettile() returns a PNG that decodes', async () => {
    const p = webMercatorPixel(8, 10.5, 45.5);
    const r = await runTool(PYTHON, [SCRIPT, h.url, String(p.row), String(p.col), String(p.i), String(p.j)]);
    assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
    const o = JSON.parse(r.stdout) as {
      version: string;
      type: string;
      layers: string[];
      tilematrixsets: string[];
      layer: { styles: Record<string, boolean>; formats: string[]; infoformats: string[]; links: string[]; wgs84: number[]; limits8: number[] | null; resourceURLs: string[] };
      tms: { crs: string; levels: number; z0: { scale: number; topleft: number[]; size: number[] } };
      operations: string[];
      restonly: boolean;
      tile: { signature: string; size: number[]; bands: number; pixel: number[] };
    };
    assert.equal(o.version, '1.0.0');
    assert.equal(o.type, 'OGC WMTS');
    assert.deepEqual(o.layers, ['copy', 'rgb']);
    assert.deepEqual(o.tilematrixsets, ['WebMercatorQuad', 'WorldCRS84Quad']);
    assert.deepEqual(o.layer.styles, { rgb: true });
    assert.deepEqual(o.layer.formats, ['image/png', 'image/jpeg']);
    assert.ok(o.layer.infoformats.includes('application/json'));
    assert.deepEqual(o.layer.links, ['WebMercatorQuad', 'WorldCRS84Quad']);
    assert.deepEqual(o.layer.wgs84, [0, 40, 20, 50]);
    const nw = webMercatorPixel(8, 0, 50);
    const se = webMercatorPixel(8, 20 - 1e-9, 40 + 1e-9);
    assert.deepEqual(o.layer.limits8, [nw.row, se.row, nw.col, se.col]);
    assert.equal(o.layer.resourceURLs.length, 2);
    assert.equal(o.tms.crs, 'urn:ogc:def:crs:EPSG::3857');
    assert.equal(o.tms.levels, 19);
    assert.ok(Math.abs(o.tms.z0.scale - 559082264.0287178) < 1e-6);
    assert.deepEqual(o.tms.z0.size, [256, 256, 1, 1]);
    assert.ok(Math.abs(o.tms.z0.topleft[0]! + 20037508.3427892) < 1e-3);
    assert.deepEqual(o.operations, ['GetCapabilities', 'GetTile', 'GetFeatureInfo']);
    assert.equal(o.restonly, false);
    assert.equal(o.tile.signature, '89504e470d0a1a0a');
    assert.deepEqual(o.tile.size, [256, 256]);
    // RGB, or RGBA with an opaque alpha (an encoder may drop an alpha channel that is all opaque).
    assert.deepEqual(o.tile.pixel.slice(0, 3), [...SQUARE]);
    if (o.tile.bands === 4) assert.equal(o.tile.pixel[3], 255);
  });
});
