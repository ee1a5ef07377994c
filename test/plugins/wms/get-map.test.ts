/**
 * GetMap pixel truth: the pattern raster (EPSG:4326, a red square at 4..6 E, 54..56 N and a blue
 * one at 14..16 E, 44..46 N on grey, see fixtures/make_rasters.py) drawn in EPSG:4326 (1.3.0
 * latitude/longitude order and 1.1.1 x/y), CRS:84, EPSG:3857 and a UTM zone lands where PROJ
 * (gdaltransform, independent of the server's proj4) says each pixel is; formats, TRANSPARENT,
 * BGCOLOR, layers composed in order, and the TIME dimension of a series.
 */
import assert from 'node:assert/strict';
import { BLUE, decode, get, GREEN, GREY, near, projTransform, RED, serviceException, startWms, WHITE, type Pixels, type WmsHarness } from './support.js';

const BASE = { SERVICE: 'WMS', REQUEST: 'GetMap', STYLES: '', FORMAT: 'image/png' };

/** What the pattern holds at a point, or undefined within 0.15 degree of an edge (resampling may blend there). */
function patternAt(lon: number, lat: number): number[] | undefined {
  const close = (v: number, list: number[]) => list.some((e) => Math.abs(v - e) < 0.15);
  if (close(lon, [0, 20, 4, 6, 14, 16]) || close(lat, [40, 60, 54, 56, 44, 46])) return undefined;
  if (lon < 0 || lon > 20 || lat < 40 || lat > 60) return WHITE;
  if (lon > 4 && lon < 6 && lat > 54 && lat < 56) return RED;
  if (lon > 14 && lon < 16 && lat > 44 && lat < 46) return BLUE;
  return GREY;
}

/**
 * Checks a grid of pixel centres of a map of `bbox` (x/y order in `crs`) against the pattern at
 * the lon/lat PROJ gives for each; returns how many pixels were checked and how many were red/blue.
 */
async function checkPattern(image: Pixels, crs: string, bbox: [number, number, number, number], step = 7): Promise<{ checked: number; red: number; blue: number }> {
  const [minx, miny, maxx, maxy] = bbox;
  const pixels: Array<[number, number]> = [];
  for (let row = 0; row < image.height; row += step) for (let col = 0; col < image.width; col += step) pixels.push([col, row]);
  const points = pixels.map(([col, row]) => [minx + ((col + 0.5) * (maxx - minx)) / image.width, maxy - ((row + 0.5) * (maxy - miny)) / image.height] as [number, number]);
  const lonLat = crs === 'EPSG:4326' ? points : await projTransform(crs, 'EPSG:4326', points);
  let checked = 0;
  let red = 0;
  let blue = 0;
  pixels.forEach(([col, row], i) => {
    const [lon, lat] = lonLat[i]!;
    const expected = patternAt(lon, lat);
    if (!expected) return;
    const actual = image.at(col, row);
    assert.ok(near(actual, expected, 2), `pixel (${col}, ${row}) at ${lon.toFixed(3)} E ${lat.toFixed(3)} N is ${actual} instead of ${expected}`);
    checked++;
    if (expected === RED) red++;
    if (expected === BLUE) blue++;
  });
  return { checked, red, blue };
}

describe('wms GetMap', function () {
  this.timeout(120_000);
  let h: WmsHarness;
  before(async () => {
    h = await startWms();
  });
  after(async () => h?.close());

  const map = async (params: Record<string, string>) => {
    const res = await get(h.url, { ...BASE, ...params });
    assert.equal(res.status, 200, res.text);
    return res;
  };
  const image = async (params: Record<string, string>) => decode((await map(params)).body);

  it('draws EPSG:4326 in WMS 1.3.0 with BBOX in latitude/longitude order', async () => {
    const res = await map({ VERSION: '1.3.0', LAYERS: 'pattern', CRS: 'EPSG:4326', BBOX: '40,0,60,20', WIDTH: '200', HEIGHT: '200' });
    assert.equal(res.contentType, 'image/png');
    const img = await decode(res.body);
    assert.deepEqual([img.width, img.height], [200, 200]);
    // 10 pixels per degree from 0 E, 60 N: the red square's centre (5 E, 55 N) is pixel (50, 50).
    assert.deepEqual(img.at(50, 50), RED);
    assert.deepEqual(img.at(150, 150), BLUE);
    assert.deepEqual(img.at(100, 100), GREY);
    const { checked, red, blue } = await checkPattern(img, 'EPSG:4326', [0, 40, 20, 60]);
    assert.ok(checked > 500 && red > 3 && blue > 3, `${checked} ${red} ${blue}`);
  });

  it('reads the same numbers written longitude first in 1.3.0 EPSG:4326 as another place (nothing there)', async () => {
    const img = await image({ VERSION: '1.3.0', LAYERS: 'pattern', CRS: 'EPSG:4326', BBOX: '0,40,20,60', WIDTH: '100', HEIGHT: '100' });
    for (const [x, y] of [[0, 0], [50, 50], [99, 99]] as const) assert.deepEqual(img.at(x, y), WHITE);
  });

  it('draws CRS:84 (1.3.0) and EPSG:4326 in 1.1.1 in longitude/latitude order', async () => {
    const a = await image({ VERSION: '1.3.0', LAYERS: 'pattern', CRS: 'CRS:84', BBOX: '0,40,20,60', WIDTH: '200', HEIGHT: '200' });
    const b = await image({ VERSION: '1.1.1', LAYERS: 'pattern', SRS: 'EPSG:4326', BBOX: '0,40,20,60', WIDTH: '200', HEIGHT: '200' });
    for (const img of [a, b]) {
      assert.deepEqual(img.at(50, 50), RED);
      assert.deepEqual(img.at(150, 150), BLUE);
      await checkPattern(img, 'EPSG:4326', [0, 40, 20, 60]);
    }
    assert.ok(a.data.equals(b.data), 'the same map either way');
  });

  it('draws EPSG:3857 where PROJ puts each pixel', async () => {
    const [[x0, y0], [x1, y1]] = await projTransform('EPSG:4326', 'EPSG:3857', [[-2, 38], [22, 62]]);
    const bbox: [number, number, number, number] = [x0!, y0!, x1!, y1!];
    for (const version of ['1.3.0', '1.1.1']) {
      const img = await image({ VERSION: version, LAYERS: 'pattern', [version === '1.3.0' ? 'CRS' : 'SRS']: 'EPSG:3857', BBOX: bbox.join(','), WIDTH: '240', HEIGHT: '300' });
      const { checked, red, blue } = await checkPattern(img, 'EPSG:3857', bbox, 5);
      assert.ok(checked > 1000 && red > 5 && blue > 5, `${checked} ${red} ${blue}`);
    }
  });

  it('draws a UTM zone (EPSG:32631, not advertised) where PROJ puts each pixel', async () => {
    // Around the red square, which lies in zone 31 (0..6 E).
    const [[cx, cy]] = await projTransform('EPSG:4326', 'EPSG:32631', [[5, 55]]);
    const bbox: [number, number, number, number] = [cx! - 200_000, cy! - 200_000, cx! + 200_000, cy! + 200_000];
    const img = await image({ VERSION: '1.3.0', LAYERS: 'pattern', CRS: 'EPSG:32631', BBOX: bbox.join(','), WIDTH: '200', HEIGHT: '200' });
    assert.deepEqual(img.at(100, 100), RED);
    const { checked, red } = await checkPattern(img, 'EPSG:32631', bbox, 4);
    assert.ok(checked > 1500 && red > 20, `${checked} ${red}`);
  });

  it('answers PNG, JPEG and WebP', async () => {
    const params = { VERSION: '1.3.0', LAYERS: 'pattern', CRS: 'CRS:84', BBOX: '0,40,20,60', WIDTH: '200', HEIGHT: '200' };
    for (const [format, tolerance] of [['image/png', 0], ['image/jpeg', 12], ['image/webp', 12]] as const) {
      const res = await map({ ...params, FORMAT: format });
      assert.equal(res.contentType, format);
      const img = await decode(res.body);
      assert.ok(near(img.at(50, 50), RED, tolerance), `${format}: ${img.at(50, 50)}`);
      assert.ok(near(img.at(150, 150), BLUE, tolerance), `${format}: ${img.at(150, 150)}`);
    }
  });

  it('fills where no layer has data with BGCOLOR, or leaves it transparent with TRANSPARENT=TRUE', async () => {
    const params = { VERSION: '1.3.0', LAYERS: 'overlay', CRS: 'CRS:84', BBOX: '0,40,20,60', WIDTH: '200', HEIGHT: '200' };
    const white = await image(params);
    assert.deepEqual(white.at(10, 10), WHITE);
    assert.deepEqual(white.at(50, 50), GREEN);
    const yellow = await image({ ...params, BGCOLOR: '0xFFFF00' });
    assert.deepEqual(yellow.at(10, 10), [255, 255, 0, 255]);
    assert.deepEqual(yellow.at(50, 50), GREEN);
    const clear = await image({ ...params, TRANSPARENT: 'TRUE' });
    assert.equal(clear.at(10, 10)[3], 0);
    assert.deepEqual(clear.at(50, 50), GREEN);
    const webp = await image({ ...params, TRANSPARENT: 'TRUE', FORMAT: 'image/webp' });
    assert.equal(webp.at(10, 10)[3], 0);
    // JPEG has no alpha: the background colour shows instead.
    const jpeg = await image({ ...params, TRANSPARENT: 'TRUE', FORMAT: 'image/jpeg', BGCOLOR: '0x000000' });
    assert.ok(near(jpeg.at(10, 10), [0, 0, 0, 255], 8), String(jpeg.at(10, 10)));
  });

  it('composes LAYERS in order, the first at the bottom', async () => {
    const params = { VERSION: '1.3.0', CRS: 'CRS:84', BBOX: '0,40,20,60', WIDTH: '200', HEIGHT: '200' };
    const overlayOnTop = await image({ ...params, LAYERS: 'pattern,overlay', STYLES: ',' });
    assert.deepEqual(overlayOnTop.at(50, 50), GREEN);
    assert.deepEqual(overlayOnTop.at(150, 150), BLUE);
    const patternOnTop = await image({ ...params, LAYERS: 'overlay,pattern', STYLES: '' });
    assert.deepEqual(patternOnTop.at(50, 50), RED);
  });

  it('draws a named style, and the default one for an empty STYLES entry', async () => {
    const params = { VERSION: '1.3.0', LAYERS: 'values', CRS: 'EPSG:32631', BBOX: '500000,5920000,600000,6000000', WIDTH: '100', HEIGHT: '80' };
    const grey = await image({ ...params, STYLES: '' });
    const named = await image({ ...params, STYLES: 'grey' });
    assert.ok(grey.data.equals(named.data), 'the default style is grey');
    const [r, g, b] = grey.at(50, 79);
    assert.ok(r === g && g === b, 'a grey ramp');
    const viridis = await image({ ...params, STYLES: 'viridis' });
    const [vr, vg, vb] = viridis.at(50, 79);
    assert.ok(!(vr === vg && vg === vb), `viridis is coloured: ${viridis.at(50, 79)}`);
    // Darker at the top (small values) than at the bottom (large ones).
    assert.ok(grey.at(50, 0)[0] < grey.at(50, 79)[0]);
  });

  describe('TIME', () => {
    const params = { VERSION: '1.3.0', LAYERS: 'series', CRS: 'CRS:84', BBOX: '0,40,10,50', WIDTH: '20', HEIGHT: '20' };
    const JAN = [200, 0, 0, 255];
    const FEB = [0, 200, 0, 255];
    const MAR = [0, 0, 200, 255];
    const colour = async (time?: string) => (await image(time === undefined ? params : { ...params, TIME: time })).at(10, 10);

    it('draws the default (latest) instant without TIME, and current as the latest', async () => {
      assert.deepEqual(await colour(), MAR);
      assert.deepEqual(await colour('current'), MAR);
    });

    it('draws an instant at full or reduced precision', async () => {
      assert.deepEqual(await colour('2020-02-01T00:00:00Z'), FEB);
      assert.deepEqual(await colour('2020-01-01'), JAN);
      assert.deepEqual(await colour('2020-01'), JAN);
    });

    it('draws the latest instant of an interval on top, and each list item in time order', async () => {
      assert.deepEqual(await colour('2020-01-01/2020-02-15'), FEB);
      assert.deepEqual(await colour('2019-01-01/2020-01-15'), JAN);
      assert.deepEqual(await colour('2020-03-01,2020-01-01'), MAR);
      assert.deepEqual(await colour('2020-02-01,2020-01-01'), FEB);
    });

    it('ignores TIME on a layer without a time dimension', async () => {
      const img = await image({ VERSION: '1.3.0', LAYERS: 'pattern', CRS: 'CRS:84', BBOX: '0,40,20,60', WIDTH: '200', HEIGHT: '200', TIME: '1999-01-01' });
      assert.deepEqual(img.at(50, 50), RED);
    });

    it('refuses a time without data', async () => {
      const res = await get(h.url, { ...BASE, ...params, TIME: '2020-04-01' });
      assert.equal(res.status, 400);
      assert.equal(serviceException(res.text).code, 'InvalidDimensionValue');
    });
  });
});
