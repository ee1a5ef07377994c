/**
 * "QGIS users can add the WCS endpoint and see the sample layers": QGIS's own WCS provider (the
 * WCS 1.0/1.1 client behind QGIS's Add WCS Layer dialog; PyQGIS, headless, driven by
 * fixtures/qgis_wcs_client.py) against the real server, with the fixture rasters and the sample
 * rasters a default start serves, in WCS 1.0.0 and 1.1.1. Each layer is valid with its CRS,
 * extent and size; identify() and sample() read the source cell under a point; QGIS's map renderer
 * (QgsMapRendererParallelJob) paints, at the native resolution, exactly the source cells; a
 * series is read at the instant of the layer's time. The WCS 2.0.1 endpoint is opened in QGIS
 * through GDAL's WCS driver (QGIS's gdal provider on a WCS: URI).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ELEVATION, generateSampleRasters, LANDCOVER } from '../../../plugins/coverages/sample-data.js';
import { PYTHON, readTiff, run, startWcs, type WcsHarness } from './support.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/qgis_wcs_client.py', import.meta.url));

interface LayerSpec {
  name: string;
  provider: 'wcs' | 'gdal';
  uri: string;
  points?: Array<[number, number]>;
  render?: { extent: number[]; width: number; height: number };
}

interface LayerReport {
  name: string;
  valid: boolean;
  error?: string;
  providerError?: string;
  crs: string;
  extent: number[];
  width: number;
  height: number;
  bandCount: number;
  identify: Array<Array<number | null>>;
  sample: Array<number | null>;
  render?: { width: number; height: number; extent: number[]; errors: string[]; pixels: number[][][] };
}

/** The QGIS WCS provider's URI, as its Add WCS Layer dialog writes it. */
function wcsUri(url: string, identifier: string, version: string, crs: string, extra: Record<string, string> = {}): string {
  const format = version === '1.0.0' ? 'GeoTIFF' : 'image/tiff';
  return new URLSearchParams({ url, identifier, version, crs, format, ...extra }).toString();
}

function close(actual: readonly number[], expected: readonly number[], tolerance = 1e-9): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= tolerance, `${actual} vs ${expected}`));
}

/** Source bands of a window as QGIS paints them: rows of [r, g, b, 255] (one band: grey). */
function painted(values: number[][], width: number, height: number): number[][][] {
  const rows: number[][][] = [];
  for (let r = 0; r < height; r++) {
    const row: number[][] = [];
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      row.push(values.length >= 3 ? [values[0]![i]!, values[1]![i]!, values[2]![i]!, 255] : [values[0]![i]!, values[0]![i]!, values[0]![i]!, 255]);
    }
    rows.push(row);
  }
  return rows;
}

describe("wcs with QGIS's own WCS provider (1.0.0 and 1.1.1) and GDAL's inside QGIS (2.0.1)", function () {
  this.timeout(300_000);
  let h: WcsHarness;
  let dir: string;
  let samples: { dem: string; rgb: string };
  before(async () => {
    // The fixture rasters, and the sample rasters as `meridian serve` starts with them.
    h = await startWcs({ inline: { sampleData: true }, coverages: { sampleRasters: true } });
    dir = mkdtempSync(path.join(tmpdir(), 'meridian-wcs-qgis-'));
    const generated = generateSampleRasters();
    const write = (name: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, generated.find((s) => s.name === name)!.body);
      return file;
    };
    samples = { dem: write(ELEVATION.name), rgb: write(LANDCOVER.name) };
  });
  after(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function qgis(layers: LayerSpec[]): Promise<Record<string, LayerReport>> {
    const home = mkdtempSync(path.join(dir, 'home-'));
    const res = await run(PYTHON, [SCRIPT], { env: { HOME: home, QT_QPA_PLATFORM: 'offscreen', GDAL_HTTP_TIMEOUT: '60' }, input: JSON.stringify({ layers }) });
    assert.equal(res.code, 0, `QGIS failed:\n${res.stderr}\n${res.stdout}`);
    const report = JSON.parse(res.stdout) as { layers: LayerReport[] };
    const byName: Record<string, LayerReport> = {};
    for (const l of report.layers) {
      assert.ok(l.valid, `${l.name}: ${l.error} ${l.providerError ?? ''}`);
      byName[l.name] = l;
    }
    return byName;
  }

  for (const version of ['1.0.0', '1.1.1']) {
    it(`WCS ${version}: the fixture layers are valid with their CRS, extent and size; identify reads the source cells; the render paints them exactly`, async () => {
      const rgbWindow = await readTiff(h.fixtures.rgb, { values: true, window: [30, 20, 40, 30] });
      const demCell = await readTiff(h.fixtures.dem, { values: true, window: [20, 20, 1, 1] });
      const layers = await qgis([
        // Points at cell centres: rgb column 30 row 20, dem column 20 row 20 and a nodata cell.
        { name: 'rgb', provider: 'wcs', uri: wcsUri(h.url, 'rgb', version, 'EPSG:4326'), points: [[10.305, 49.795]], render: { extent: [10.3, 49.5, 10.7, 49.8], width: 40, height: 30 } },
        { name: 'dem', provider: 'wcs', uri: wcsUri(h.url, 'dem', version, 'EPSG:32631'), points: [[500615, 4999385], [500075, 4999925]] },
        { name: 'monthly', provider: 'wcs', uri: wcsUri(h.url, 'monthly', version, 'EPSG:4326', { time: '2020-02-01' }), points: [[10.07, 49.95]] },
      ]);
      const { rgb, dem, monthly } = layers as Record<'rgb' | 'dem' | 'monthly', LayerReport>;
      assert.equal(rgb.crs, 'EPSG:4326');
      close(rgb.extent, [10, 49, 12, 50]);
      assert.deepEqual([rgb.width, rgb.height, rgb.bandCount], [200, 100, 3]);
      assert.deepEqual(rgb.identify, [[rgbWindow.values![0]![0]!, rgbWindow.values![1]![0]!, rgbWindow.values![2]![0]!]]);
      assert.deepEqual(rgb.sample, [rgbWindow.values![0]![0]]);
      assert.deepEqual(rgb.render!.errors, []);
      close(rgb.render!.extent, [10.3, 49.5, 10.7, 49.8]);
      assert.deepEqual(rgb.render!.pixels, painted(rgbWindow.values!, 40, 30));

      assert.equal(dem.crs, 'EPSG:32631');
      close(dem.extent, [500000, 4994000, 509000, 5000000]);
      assert.deepEqual([dem.width, dem.height, dem.bandCount], [300, 200, 1]);
      assert.deepEqual(dem.identify, [[demCell.values![0]![0]!], [null]]);

      // February of the series: value = 2000 + row + column (column 3, row 2).
      assert.deepEqual(monthly.identify, [[2005]]);
    });
  }

  it('the sample layers: sample-dem as the issue adds it (1.0.0, EPSG:4326, image/tiff), in 1.1.1, 1.1.0 and without a version, and sample-rgb in 1.1.1: values and painted cells of the source', async () => {
    const matterhorn: [number, number] = [7.6586, 45.9763];
    const [t0, t1, , t3, , t5] = ELEVATION.transform;
    const col = Math.floor((matterhorn[0] - t0) / t1);
    const row = Math.floor((matterhorn[1] - t3) / t5);
    const height = (await readTiff(samples.dem, { values: true, window: [col, row, 1, 1] })).values![0]![0]!;
    // Columns 90-129, rows 90-119 of the land cover: the kilometre line at 100 crosses the window.
    const [west, north] = LANDCOVER.origin;
    const p = LANDCOVER.pixel;
    const rgbWindow = await readTiff(samples.rgb, { values: true, window: [90, 90, 40, 30] });
    const layers = await qgis([
      { name: 'sample-dem', provider: 'wcs', uri: `url=${h.url}&identifier=sample-dem&version=1.0.0&crs=EPSG:4326&format=image/tiff`, points: [matterhorn] },
      { name: 'sample-dem-11', provider: 'wcs', uri: wcsUri(h.url, 'sample-dem', '1.1.1', 'EPSG:4326'), points: [matterhorn] },
      // A connection without a version (QGIS asks VERSION=1.0.0 first) and one asking 1.1.0 (answered as 1.1.1).
      { name: 'sample-dem-default', provider: 'wcs', uri: `url=${h.url}&identifier=sample-dem&crs=EPSG:4326&format=GeoTIFF`, points: [matterhorn] },
      { name: 'sample-dem-110', provider: 'wcs', uri: wcsUri(h.url, 'sample-dem', '1.1.0', 'EPSG:4326'), points: [matterhorn] },
      {
        name: 'sample-rgb',
        provider: 'wcs',
        uri: wcsUri(h.url, 'sample-rgb', '1.1.1', 'EPSG:32632'),
        render: { extent: [west + 90 * p, north - 120 * p, west + 130 * p, north - 90 * p], width: 40, height: 30 },
      },
    ]);
    for (const name of ['sample-dem', 'sample-dem-11', 'sample-dem-default', 'sample-dem-110']) {
      const dem = layers[name]!;
      assert.equal(dem.crs, 'EPSG:4326');
      close(dem.extent, [7, 45.5, 8, 46.5]);
      assert.deepEqual([dem.width, dem.height], [ELEVATION.size, ELEVATION.size]);
      assert.deepEqual(dem.identify, [[height]], name);
    }
    const rgb = layers['sample-rgb']!;
    assert.equal(rgb.crs, 'EPSG:32632');
    close(rgb.extent, [west, north - LANDCOVER.size * p, west + LANDCOVER.size * p, north]);
    assert.deepEqual(rgb.render!.pixels, painted(rgbWindow.values!, 40, 30));
  });

  it('WCS 2.0.1 opens in QGIS through GDAL (a WCS: URI in the gdal provider): valid, CRS, extent, values and painted cells', async () => {
    const matterhorn: [number, number] = [7.6586, 45.9763];
    const [t0, t1, , t3, , t5] = ELEVATION.transform;
    const height = (await readTiff(samples.dem, { values: true, window: [Math.floor((matterhorn[0] - t0) / t1), Math.floor((matterhorn[1] - t3) / t5), 1, 1] })).values![0]![0]!;
    const rgbWindow = await readTiff(h.fixtures.rgb, { values: true, window: [30, 20, 40, 30] });
    const layers = await qgis([
      { name: 'sample-dem', provider: 'gdal', uri: `WCS:${h.url}?version=2.0.1&coverage=sample-dem`, points: [matterhorn] },
      { name: 'rgb', provider: 'gdal', uri: `WCS:${h.url}?version=2.0.1&coverage=rgb`, render: { extent: [10.3, 49.5, 10.7, 49.8], width: 40, height: 30 } },
    ]);
    const dem = layers['sample-dem']!;
    assert.equal(dem.crs, 'EPSG:4326');
    close(dem.extent, [7, 45.5, 8, 46.5]);
    assert.deepEqual([dem.width, dem.height, dem.bandCount], [ELEVATION.size, ELEVATION.size, 1]);
    assert.deepEqual(dem.identify, [[height]]);
    const rgb = layers.rgb!;
    assert.equal(rgb.crs, 'EPSG:4326');
    close(rgb.extent, [10, 49, 12, 50]);
    // GDAL's WCS 2.0 driver gives bands without a nil value the nodata value 0 (it joins the
    // fields' empty nil values), so QGIS leaves cells with a 0 in any band transparent; every
    // other cell is painted with the source values.
    const expected = painted(rgbWindow.values!, 40, 30).map((row) => row.map((px) => (px.slice(0, 3).includes(0) ? [0, 0, 0, 0] : px)));
    assert.ok(expected.flat().some((px) => px[3] === 0), 'the window holds zeros');
    assert.deepEqual(rgb.render!.pixels, expected);
  });
});
