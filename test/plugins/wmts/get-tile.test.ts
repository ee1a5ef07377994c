/**
 * GetTile by KVP and RESTful paths: the same bytes both ways, pixel truth (a coloured square at a
 * known lon/lat in the right pixel of the right tile of both built-in sets, computed here), empty
 * tiles outside the data, the Time dimension, access to private layers, and the exceptions
 * (TileOutOfRange for every bad index, InvalidParameterValue, MissingParameterValue,
 * OperationNotSupported) as OWS 1.1 ExceptionReports.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { assertValidXml } from '../../helpers/xsd.js';
import {
  addUser,
  BACKGROUND,
  basicAuth,
  crs84Pixel,
  decodeImage,
  exceptionOf,
  get,
  kvp,
  makeRgbFixture,
  SQUARE,
  startWmts,
  tempDir,
  webMercatorPixel,
  type Credentials,
  type TilePixel,
  type WmtsHarness,
} from './support.js';

const EXCEPTION_XSD = 'ogc/ows/1.1.0/owsExceptionReport.xsd';
const BLUE = [0, 0, 255] as const;

describe('wmts GetTile', function () {
  this.timeout(60_000);
  let h: WmtsHarness;
  let admin: Credentials;
  let tmp: ReturnType<typeof tempDir>;
  before(async () => {
    tmp = tempDir('tile');
    const rgb = makeRgbFixture(path.join(tmp.dir, 'rgb.tif'));
    makeRgbFixture(path.join(tmp.dir, 'series', 'ser_20200101.tif'));
    makeRgbFixture(path.join(tmp.dir, 'series', 'ser_20200201.tif'), { square: { color: BLUE, ullr: [10, 46, 11, 45] } });
    h = await startWmts({
      coverages: [
        { id: 'rgb', title: 'RGB fixture', path: rgb },
        { id: 'secret', title: 'Private fixture', path: rgb, visibility: 'private' },
        { id: 'series', title: 'Monthly series', path: path.join(tmp.dir, 'series', 'ser_*.tif'), time: { pattern: 'ser_(?<time>\\d{8})\\.tif' } },
      ],
      wmts: { formats: ['image/png', 'image/jpeg', 'image/webp'] },
    });
    admin = await addUser(h, 'boss', ['admin']);
  });
  after(async () => {
    await h?.close();
    tmp?.remove();
  });

  const kvpTile = (set: string, z: number | string, row: number | string, col: number | string, extra: Record<string, string> = {}) =>
    kvp(h.url, { SERVICE: 'WMTS', REQUEST: 'GetTile', VERSION: '1.0.0', LAYER: 'rgb', STYLE: 'rgb', FORMAT: 'image/png', TILEMATRIXSET: set, TILEMATRIX: z, TILEROW: row, TILECOL: col, ...extra });
  const restTile = (set: string, z: number | string, row: number | string, col: number | string, layer = 'rgb', ext = 'png', style = 'rgb') =>
    `${h.url}/1.0.0/${layer}/${style}/${set}/${z}/${row}/${col}.${ext}`;

  const image = async (url: string, headers: Record<string, string> = {}) => {
    const res = await get(url, headers);
    assert.equal(res.status, 200, res.text.slice(0, 500));
    return { res, img: await decodeImage(res.body) };
  };

  const expectException = async (url: string, code: string, locator: string | undefined, status = 400) => {
    const res = await get(url);
    assert.equal(res.status, status, `${url}: ${res.text}`);
    assert.match(res.contentType, /xml/);
    assertValidXml(res.text, EXCEPTION_XSD);
    assert.deepEqual(exceptionOf(res.text), { code, locator, version: '1.0.0' }, url);
  };

  it('a KVP tile and the RESTful tile of the same address are byte-identical PNGs of 256x256', async () => {
    const a = await get(kvpTile('WebMercatorQuad', 6, 22, 33));
    const b = await get(restTile('WebMercatorQuad', 6, 22, 33));
    assert.equal(a.status, 200, a.text);
    assert.equal(a.contentType, 'image/png');
    assert.ok(a.body.equals(b.body));
    const img = await decodeImage(a.body);
    assert.deepEqual([img.width, img.height], [256, 256]);
  });

  for (const [set, z, locate] of [
    ['WebMercatorQuad', 8, webMercatorPixel],
    ['WorldCRS84Quad', 7, crs84Pixel],
  ] as const) {
    it(`${set}: the square at 10..11°E 45..46°N is in the right pixels of the right tiles, the background around it, nothing outside the data`, async () => {
      const check = async (p: TilePixel, expected: readonly number[], alpha: number, what: string) => {
        const { img } = await image(restTile(set, z, p.row, p.col));
        const [r, g, b, a] = img.at(p.i, p.j);
        assert.equal(a, alpha, `${what}: alpha at tile ${p.row}/${p.col} pixel ${p.i},${p.j}`);
        if (alpha > 0) assert.deepEqual([r, g, b], [...expected], `${what}: colour at tile ${p.row}/${p.col} pixel ${p.i},${p.j}`);
      };
      await check(locate(z, 10.5, 45.5), SQUARE, 255, 'centre of the square');
      await check(locate(z, 10.05, 45.95), SQUARE, 255, 'inside its north-west corner');
      await check(locate(z, 10.95, 45.05), SQUARE, 255, 'inside its south-east corner');
      await check(locate(z, 9.95, 45.5), BACKGROUND, 255, 'west of it');
      await check(locate(z, 11.05, 45.5), BACKGROUND, 255, 'east of it');
      await check(locate(z, 10.5, 46.05), BACKGROUND, 255, 'north of it');
      await check(locate(z, 5, 42), BACKGROUND, 255, 'elsewhere in the data');
      // In the tile holding the data's east edge, east of 20°E is transparent.
      const edge = locate(z, 19.99, 45);
      const outside = locate(z, 20.01, 45);
      if (edge.col === outside.col) await check(outside, [0, 0, 0], 0, 'east of the data');
    });
  }

  it('a tile of the matrix where the layer has no data is a transparent PNG of the tile size', async () => {
    // WebMercatorQuad level 1: the data are in row 0, column 1; levels 0 and 1 carry no limits, so row 1 is valid.
    const { res, img } = await image(restTile('WebMercatorQuad', 1, 1, 0));
    assert.equal(res.contentType, 'image/png');
    assert.deepEqual([img.width, img.height], [256, 256]);
    for (let k = 0; k < img.width * img.height; k++) assert.equal(img.data[k * 4 + 3], 0);
    assert.ok(res.headers.get('etag'));
  });

  it('JPEG and WebP tiles (RESTful .jpg/.webp, KVP FORMAT); JPEG has no alpha: outside the data it is white', async () => {
    const p = webMercatorPixel(8, 10.5, 45.5);
    const jpeg = await get(restTile('WebMercatorQuad', 8, p.row, p.col, 'rgb', 'jpg'));
    assert.equal(jpeg.contentType, 'image/jpeg');
    assert.ok(jpeg.body.equals((await get(kvpTile('WebMercatorQuad', 8, p.row, p.col, { FORMAT: 'image/jpeg' }))).body));
    const [r, g, b] = (await decodeImage(jpeg.body)).at(p.i, p.j);
    assert.ok(r > 200 && g < 60 && b < 60, `${r},${g},${b}`);
    const webp = await get(restTile('WebMercatorQuad', 8, p.row, p.col, 'rgb', 'webp'));
    assert.equal(webp.contentType, 'image/webp');
    assert.equal((await decodeImage(webp.body)).width, 256);
    const empty = await decodeImage((await get(restTile('WebMercatorQuad', 1, 1, 0, 'rgb', 'jpg'))).body);
    assert.deepEqual(empty.at(100, 100).slice(0, 3), [255, 255, 255]);
  });

  it("the Time dimension: each value draws its own data, no value draws the default (latest), 'default' too", async () => {
    const p = webMercatorPixel(8, 10.5, 45.5);
    const at = async (time?: string) => {
      const url = time === undefined ? kvpTile('WebMercatorQuad', 8, p.row, p.col, { LAYER: 'series' }) : kvpTile('WebMercatorQuad', 8, p.row, p.col, { LAYER: 'series', TIME: time });
      const res = await get(url.replace('STYLE=rgb', 'STYLE='));
      assert.equal(res.status, 200, res.text);
      return (await decodeImage(res.body)).at(p.i, p.j).slice(0, 3);
    };
    assert.deepEqual(await at('2020-01-01T00:00:00Z'), [...SQUARE]);
    assert.deepEqual(await at('2020-02-01T00:00:00.000Z'), [...BLUE]);
    assert.deepEqual(await at(), [...BLUE]);
    assert.deepEqual(await at('default'), [...BLUE]);
    const series = await h.coverages.get('series', (await import('../../../core/auth/index.js')).ANONYMOUS);
    const rest = await get(`${h.url}/1.0.0/series/default/${series!.time!.values[0]}/WebMercatorQuad/8/${p.row}/${p.col}.png`);
    assert.equal(rest.status, 200, rest.text);
    assert.deepEqual((await decodeImage(rest.body)).at(p.i, p.j).slice(0, 3), [...SQUARE]);
    await expectException(kvpTile('WebMercatorQuad', 8, p.row, p.col, { LAYER: 'series', TIME: '2020-03-01' }), 'InvalidParameterValue', 'Time');
    await expectException(`${h.url}/1.0.0/rgb/rgb/2020-01-01/WebMercatorQuad/8/${p.row}/${p.col}.png`, 'InvalidParameterValue', 'Time');
  });

  it('TileOutOfRange (400, locator TileRow/TileCol/TileMatrix) for every index outside the matrix or the layer limits, both bindings', async () => {
    // Level 8: the layer's limits (rows 87..92 and columns 128..142 for 0..20°E, 40..50°N).
    const nw = webMercatorPixel(8, 0, 50);
    const se = webMercatorPixel(8, 20 - 1e-9, 40 + 1e-9);
    const cases: Array<[number | string, number | string, number | string, string]> = [
      [8, nw.row - 1, nw.col, 'TileRow'],
      [8, se.row + 1, nw.col, 'TileRow'],
      [8, -1, nw.col, 'TileRow'],
      [8, nw.row, nw.col - 1, 'TileCol'],
      [8, nw.row, se.col + 1, 'TileCol'],
      [8, nw.row, -3, 'TileCol'],
      [1, 2, 0, 'TileRow'],
      [1, 0, 2, 'TileCol'],
      [0, 0, 1, 'TileCol'],
      [19, 0, 0, 'TileMatrix'],
      [-1, 0, 0, 'TileMatrix'],
    ];
    for (const [z, row, col, locator] of cases) {
      await expectException(kvpTile('WebMercatorQuad', z, row, col), 'TileOutOfRange', locator);
      await expectException(restTile('WebMercatorQuad', z, row, col), 'TileOutOfRange', locator);
    }
    // WorldCRS84Quad level 0 is 2x1.
    await expectException(restTile('WorldCRS84Quad', 0, 1, 0), 'TileOutOfRange', 'TileRow');
    await expectException(restTile('WorldCRS84Quad', 0, 0, 2), 'TileOutOfRange', 'TileCol');
    // The edges of the limits are inside.
    assert.equal((await get(restTile('WebMercatorQuad', 8, nw.row, nw.col))).status, 200);
    assert.equal((await get(restTile('WebMercatorQuad', 8, se.row, se.col))).status, 200);
  });

  it('InvalidParameterValue for an unknown layer, style, format, tile matrix set or tile matrix, and a non-integer row', async () => {
    await expectException(kvpTile('WebMercatorQuad', 8, 90, 130, { LAYER: 'nope' }), 'InvalidParameterValue', 'Layer');
    await expectException(kvpTile('WebMercatorQuad', 8, 90, 130, { STYLE: 'ugly' }), 'InvalidParameterValue', 'Style');
    await expectException(kvpTile('WebMercatorQuad', 8, 90, 130, { FORMAT: 'image/gif' }), 'InvalidParameterValue', 'Format');
    await expectException(kvpTile('GoogleCRS84Quad', 8, 90, 130), 'InvalidParameterValue', 'TileMatrixSet');
    await expectException(kvpTile('WebMercatorQuad', 'EPSG:3857:8', 90, 130), 'InvalidParameterValue', 'TileMatrix');
    await expectException(kvpTile('WebMercatorQuad', 8, 'ninety', 130), 'InvalidParameterValue', 'TileRow');
    await expectException(restTile('WebMercatorQuad', 8, 90, 130, 'nope'), 'InvalidParameterValue', 'Layer');
    await expectException(restTile('WebMercatorQuad', 8, 90, 130, 'rgb', 'gif'), 'InvalidParameterValue', 'Format');
    await expectException(restTile('WebMercatorQuad', 8, 90, 130, 'rgb', 'png', 'ugly'), 'InvalidParameterValue', 'Style');
  });

  it("'default' and an empty STYLE name the default style; the tile is the same", async () => {
    const p = webMercatorPixel(8, 10.5, 45.5);
    const named = await get(restTile('WebMercatorQuad', 8, p.row, p.col));
    const aliased = await get(restTile('WebMercatorQuad', 8, p.row, p.col, 'rgb', 'png', 'default'));
    const empty = await get(kvpTile('WebMercatorQuad', 8, p.row, p.col, { STYLE: '' }));
    assert.ok(named.body.equals(aliased.body) && named.body.equals(empty.body));
  });

  it('MissingParameterValue, OperationNotSupported, and a bad SERVICE or VERSION', async () => {
    await expectException(`${h.url}?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=rgb&STYLE=rgb&FORMAT=image/png&TILEMATRIXSET=WebMercatorQuad&TILEMATRIX=8&TILEROW=90`, 'MissingParameterValue', 'TileCol');
    await expectException(`${h.url}?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&STYLE=rgb`, 'MissingParameterValue', 'Layer');
    await expectException(`${h.url}?SERVICE=WMTS`, 'MissingParameterValue', 'request');
    await expectException(`${h.url}?REQUEST=GetCapabilities`, 'MissingParameterValue', 'service');
    await expectException(`${h.url}?SERVICE=WMTS&REQUEST=GetMap`, 'OperationNotSupported', 'request', 501);
    await expectException(kvpTile('WebMercatorQuad', 8, 90, 130, { SERVICE: 'WMS' }), 'InvalidParameterValue', 'service');
    await expectException(kvpTile('WebMercatorQuad', 8, 90, 130, { VERSION: '1.1.0' }), 'InvalidParameterValue', 'version');
    const notFound = await get(`${h.url}/1.0.0/rgb/rgb/8/90.png`);
    assert.equal(notFound.status, 404);
    assertValidXml(notFound.text, EXCEPTION_XSD);
  });

  it('a private layer: anonymous requests get the same InvalidParameterValue as for no layer, even once an admin has had the tile cached', async () => {
    const p = webMercatorPixel(8, 10.5, 45.5);
    const url = restTile('WebMercatorQuad', 8, p.row, p.col, 'secret');
    const allowed = await get(url, basicAuth(admin));
    assert.equal(allowed.status, 200, allowed.text);
    assert.match(allowed.headers.get('cache-control') ?? '', /^private, max-age=\d+$/);
    await expectException(url, 'InvalidParameterValue', 'Layer');
    const again = await get(url, { 'If-None-Match': allowed.headers.get('etag')! });
    assert.equal(again.status, 400);
    const pub = await get(restTile('WebMercatorQuad', 8, p.row, p.col));
    assert.match(pub.headers.get('cache-control') ?? '', /^public, max-age=3600$/);
  });
});
