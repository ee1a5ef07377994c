/** The coverages engine through the real plugin: sample rasters, maps, reads, points, legends, access, refresh. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ANONYMOUS } from '../../../core/auth/index.js';
import type { CoveragesEngine } from '../../../plugins/coverages/engine.js';
import { isCoverageError } from '../../../plugins/coverages/errors.js';
import { SAMPLE_COVERAGES } from '../../../plugins/coverages/samples.js';
import { ELEVATION, LANDCOVER } from '../../../plugins/coverages/sample-data.js';
import type { Grid } from '../../../plugins/coverages/types.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { admin, builtinDir, user } from '../catalogue/support.js';

const anonymous = ANONYMOUS;

async function pixels(body: Buffer) {
  const { data, info } = await sharp(body).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { at: (x: number, y: number) => [...data.subarray((y * info.width + x) * 4, (y * info.width + x) * 4 + 4)], info };
}

/** Float32 raster of value = 100*row + col (one band) in UTM 31N, 10 m pixels. */
function writeRamp(path: string, size = 64, origin = [500000, 4500000]) {
  const script = `
from osgeo import gdal, osr
import numpy as np
d = gdal.GetDriverByName('GTiff').Create('${path}', ${size}, ${size}, 1, gdal.GDT_Float32, ['TILED=YES','BLOCKXSIZE=32','BLOCKYSIZE=32','COMPRESS=DEFLATE'])
d.SetGeoTransform([${origin[0]}, 10, 0, ${origin[1]}, 0, -10])
s = osr.SpatialReference(); s.ImportFromEPSG(32631); d.SetProjection(s.ExportToWkt())
r, c = np.mgrid[0:${size}, 0:${size}]
d.GetRasterBand(1).WriteArray((100*r + c).astype('float32'))
d.GetRasterBand(1).SetNoDataValue(-1)
d = None
`;
  execFileSync('/usr/bin/python3', ['-c', script]);
}

describe('coverages engine', function () {
  this.timeout(60_000);
  let server: TestServer;
  let engine: CoveragesEngine;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coverages-engine-'));
    writeRamp(join(dir, 'ramp.tif'));
    writeRamp(join(dir, 'series_20200101.tif'));
    writeRamp(join(dir, 'series_20200201.tif'), 64, [500640, 4500000]);
    server = await startTestServer(
      {
        plugins: {
          coverages: {
            workers: 1,
            refreshSeconds: 0,
            coverages: [
              { id: 'ramp', path: join(dir, 'ramp.tif'), styles: [{ name: 'grey', type: 'ramp', band: 1, ramp: 'greys', min: 0, max: 6400 }] },
              { id: 'secret', path: join(dir, 'ramp.tif'), visibility: 'private', owner: 'alice' },
              { id: 'series', path: join(dir, 'series_*.tif'), time: { pattern: 'series_(?<time>\\d{8})' } },
            ],
          },
        },
      },
      { builtinDir },
    );
    const running = server.meridian.plugins.find((p) => p.name === 'coverages')!;
    engine = running.instance.provide!.coverages as CoveragesEngine;
    await running.instance.loadSampleData!();
  });

  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the configured and sample coverages the subject may read, with grids read from the files', async () => {
    const ids = (await engine.list(anonymous)).map((c) => c.id).sort();
    assert.deepEqual(ids, ['ramp', 'sample-dem', 'sample-rgb', 'series']);
    const ramp = (await engine.get('ramp', anonymous))!;
    assert.equal(ramp.grid.crs, 'EPSG:32631');
    assert.deepEqual(ramp.grid.transform, [500000, 10, 0, 4500000, 0, -10]);
    assert.equal(ramp.bands[0]!.sampleType, 'float32');
    assert.equal(ramp.bands[0]!.nodata, -1);
    const rgb = (await engine.get('sample-rgb', anonymous))!;
    assert.deepEqual(rgb.bands.map((b) => b.name), ['red', 'green', 'blue']);
    assert.ok(rgb.resolutions.length > 1, 'overviews');
    assert.equal(SAMPLE_COVERAGES.length, 2);
  });

  it('keeps private coverages to their owner and admins', async () => {
    assert.equal(await engine.get('secret', anonymous), undefined);
    assert.equal(await engine.get('secret', user('bob')), undefined);
    assert.equal((await engine.get('secret', user('alice')))?.id, 'secret');
    assert.equal((await engine.get('secret', admin))?.id, 'secret');
    await assert.rejects(engine.map({ layers: [{ coverage: 'secret' }], target: { crs: 'EPSG:32631', width: 8, height: 8, transform: [500000, 10, 0, 4500000, 0, -10] }, format: 'png' }, anonymous), (e) => isCoverageError(e, 'NoSuchCoverage'));
  });

  it('reads the exact source values on the native grid', async () => {
    const target: Grid = { crs: 'EPSG:32631', width: 5, height: 3, transform: [500000 + 10 * 7, 10, 0, 4500000 - 10 * 11, 0, -10] };
    const raster = await engine.read({ coverage: 'ramp', target }, anonymous);
    assert.equal(raster.sampleType, 'float32');
    assert.deepEqual([...raster.bands[0]!.slice(0, 5)], [1107, 1108, 1109, 1110, 1111]);
    assert.deepEqual([...raster.bands[0]!.slice(10, 15)], [1307, 1308, 1309, 1310, 1311]);
  });

  it('masks what lies outside the data', async () => {
    const target: Grid = { crs: 'EPSG:32631', width: 4, height: 1, transform: [500000 - 20, 10, 0, 4500000, 0, -10] };
    const raster = await engine.read({ coverage: 'ramp', target }, anonymous);
    assert.deepEqual([...raster.mask!], [0, 0, 255, 255]);
  });

  it('draws the sample RGB corner markers where they belong in EPSG:3857', async () => {
    const rgb = (await engine.get('sample-rgb', anonymous))!;
    const [w, s, e, n] = rgb.wgs84Bbox;
    const merc = (lon: number, lat: number) => [(lon * Math.PI * 6378137) / 180, 6378137 * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))];
    const [x0, y0] = merc(w, s);
    const [x1, y1] = merc(e, n);
    const size = 256;
    const target: Grid = { crs: 'EPSG:3857', width: size, height: size, transform: [x0!, (x1! - x0!) / size, 0, y1!, 0, -(y1! - y0!) / size] };
    const map = await engine.map({ layers: [{ coverage: 'sample-rgb' }], target, format: 'png', transparent: true }, anonymous);
    assert.equal(map.contentType, 'image/png');
    const { at } = await pixels(map.body);
    // The UTM square is rotated a little in Web Mercator; its corners' markers lie a few pixels in.
    const near = (x: number, y: number, rgbExpected: readonly number[]) => {
      for (let dy = -6; dy <= 6; dy++) for (let dx = -6; dx <= 6; dx++) {
        const p = at(Math.min(size - 1, Math.max(0, x + dx)), Math.min(size - 1, Math.max(0, y + dy)));
        if (p[3]! > 0 && p.slice(0, 3).every((v, i) => Math.abs(v - rgbExpected[i]!) < 40)) return true;
      }
      return false;
    };
    assert.ok(near(8, 8, LANDCOVER.markers.nw), 'NW red');
    assert.ok(near(size - 9, 8, LANDCOVER.markers.ne), 'NE green');
    assert.ok(near(8, size - 9, LANDCOVER.markers.sw), 'SW blue');
    assert.ok(near(size - 9, size - 9, LANDCOVER.markers.se), 'SE yellow');
  });

  it('renders the DEM with each of its styles, and composes layers in order', async () => {
    const [w, , , n] = [ELEVATION.transform[0], 0, 0, ELEVATION.transform[3]];
    const target: Grid = { crs: 'EPSG:4326', width: 128, height: 128, transform: [w, 1 / 128, 0, n, 0, -1 / 128] };
    for (const style of ['terrain', 'hillshade', 'shaded-relief', 'viridis']) {
      const map = await engine.map({ layers: [{ coverage: 'sample-dem', style }], target, format: 'png' }, anonymous);
      const { info, at } = await pixels(map.body);
      assert.equal(info.width, 128);
      const distinct = new Set(Array.from({ length: 64 }, (_, i) => at((i * 7) % 128, (i * 13) % 128).join()));
      assert.ok(distinct.size > 4, `style ${style} draws varied pixels`);
    }
    await assert.rejects(engine.map({ layers: [{ coverage: 'sample-dem', style: 'nope' }], target, format: 'png' }, anonymous), (e) => isCoverageError(e, 'NoSuchStyle'));
    const jpeg = await engine.map({ layers: [{ coverage: 'sample-dem' }, { coverage: 'sample-rgb' }], target, format: 'jpeg' }, anonymous);
    assert.equal(jpeg.contentType, 'image/jpeg');
    assert.equal((await sharp(jpeg.body).metadata()).format, 'jpeg');
  });

  it('gives pixel values under a point in any CRS', async () => {
    const x = 500000 + 10 * 3 + 5;
    const y = 4500000 - 10 * 2 - 5;
    const values = await engine.pointValues({ coverage: 'ramp', crs: 'EPSG:32631', x, y }, anonymous);
    assert.deepEqual(values.values, [{ band: 'band1', value: 203, unit: undefined }].map((v) => ({ ...v, band: values.values![0]!.band })));
    assert.deepEqual(values.pixel, { column: 3, row: 2 });
    const outside = await engine.pointValues({ coverage: 'ramp', crs: 'EPSG:4326', x: 10, y: 10 }, anonymous);
    assert.equal(outside.values, null);
  });

  it('serves a file series by time: default latest, a given instant, and no data at another', async () => {
    const series = (await engine.get('series', anonymous))!;
    assert.deepEqual(series.time, { values: ['2020-01-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z'], default: '2020-02-01T00:00:00.000Z' });
    // The February file lies 640 m east of the January one: a point on January only.
    const point = { coverage: 'series', crs: 'EPSG:32631', x: 500005, y: 4499995 };
    assert.equal((await engine.pointValues(point, anonymous)).values, null, 'default time is February');
    const january = await engine.pointValues({ ...point, time: { begin: '2020-01-01T00:00:00Z', end: '2020-01-01T00:00:00Z' } }, anonymous);
    assert.equal(january.values![0]!.value, 0);
    assert.equal(january.time, '2020-01-01T00:00:00.000Z');
    await assert.rejects(engine.pointValues({ ...point, time: { begin: '2021-01-01T00:00:00Z', end: '2021-01-01T00:00:00Z' } }, anonymous), (e) => isCoverageError(e, 'InvalidTime'));
    const granules = await engine.granules('series', {}, anonymous);
    assert.deepEqual(granules.map((g) => g.time?.default), ['2020-02-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z']);
  });

  it('names the files of a series as granules by file name, each a coverage of its own', async () => {
    const granules = await engine.granules('series', {}, anonymous);
    assert.deepEqual(granules.map((g) => g.id), ['series.series_20200201', 'series.series_20200101']);
    const january = (await engine.get('series.series_20200101', anonymous))!;
    assert.equal(january.kind, 'granule');
    assert.equal(january.parent, 'series');
    assert.deepEqual(january.grid.transform, [500000, 10, 0, 4500000, 0, -10]);
    const value = await engine.pointValues({ coverage: 'series.series_20200101', crs: 'EPSG:32631', x: 500005, y: 4499995 }, anonymous);
    assert.equal(value.values![0]!.value, 0);
    assert.equal(await engine.get('series.nope', anonymous), undefined);
    // Containment: only the granule wholly inside the box; overlap: both.
    const jan = january.wgs84Bbox;
    const box: [number, number, number, number] = [jan[0] - 0.001, jan[1] - 0.001, jan[2] + 0.001, jan[3] + 0.001];
    assert.deepEqual((await engine.granules('series', { bbox: box, containment: 'contains' }, anonymous)).map((g) => g.id), ['series.series_20200101']);
    assert.equal((await engine.granules('series', { bbox: box }, anonymous)).length, 2);
  });

  it('encodes a GeoTIFF that GDAL reads back with the same values', async () => {
    const target: Grid = { crs: 'EPSG:32631', width: 16, height: 16, transform: [500000, 10, 0, 4500000, 0, -10] };
    const out = await engine.coverage({ coverage: 'ramp', target, format: 'geotiff', geotiff: { compression: 'deflate', predictor: 'floatingpoint' } }, anonymous);
    const file = join(dir, 'out.tif');
    writeFileSync(file, out.body);
    const value = execFileSync('gdallocationinfo', ['-valonly', file, '5', '7']).toString().trim();
    assert.equal(Number(value), 705);
  });

  it('writes float output with deflate and the floating-point predictor when the request names neither, and keeps a predictor asked for', async () => {
    const target: Grid = { crs: 'EPSG:32631', width: 16, height: 16, transform: [500000, 10, 0, 4500000, 0, -10] };
    const structure = async (geotiff: Parameters<typeof engine.coverage>[0]['geotiff']) => {
      const out = await engine.coverage({ coverage: 'ramp', target, format: 'geotiff', geotiff }, anonymous);
      const file = join(dir, 'defaults.tif');
      writeFileSync(file, out.body);
      const info = JSON.parse(execFileSync('gdalinfo', ['-json', file]).toString()) as { metadata: { IMAGE_STRUCTURE: Record<string, string> } };
      assert.equal(Number(execFileSync('gdallocationinfo', ['-valonly', file, '5', '7']).toString().trim()), 705);
      return info.metadata.IMAGE_STRUCTURE;
    };
    const unsaid = await structure(undefined);
    assert.equal(unsaid.COMPRESSION, 'DEFLATE');
    assert.equal(unsaid.PREDICTOR, '3');
    assert.equal((await structure({ predictor: 'none' })).PREDICTOR, undefined);
    assert.equal((await structure({ compression: 'packbits' })).PREDICTOR, undefined);
  });

  it('refuses a read above the cell limit, and a grid without pixels', async () => {
    const huge: Grid = { crs: 'EPSG:32631', width: 20000, height: 20000, transform: [500000, 1, 0, 4500000, 0, -1] };
    await assert.rejects(engine.read({ coverage: 'ramp', target: huge }, anonymous), (e) => isCoverageError(e, 'TooLarge'));
    await assert.rejects(engine.read({ coverage: 'ramp', target: { ...huge, width: 0 } }, anonymous), (e) => isCoverageError(e, 'InvalidGrid'));
  });

  it('computes percentile statistics of a large file without overviews from samples, not a whole read', async () => {
    const big = join(dir, 'big.tif');
    const script = `
from osgeo import gdal, osr
import numpy as np
d = gdal.GetDriverByName('GTiff').Create('${big}', 5000, 5000, 1, gdal.GDT_Byte, ['TILED=YES', 'COMPRESS=DEFLATE'])
d.SetGeoTransform([500000, 1, 0, 4500000, 0, -1])
s = osr.SpatialReference(); s.ImportFromEPSG(32631); d.SetProjection(s.ExportToWkt())
row = (np.arange(5000) * 200 // 5000).astype('uint8')
d.GetRasterBand(1).WriteArray(np.tile(row, (5000, 1)))
d = None
`;
    execFileSync('/usr/bin/python3', ['-c', script]);
    await engine.addCoverages([{ id: 'big', path: big, styles: [{ name: 'p', type: 'ramp', band: 1, ramp: 'greys', percentile: [0, 100] }] }]);
    const target: Grid = { crs: 'EPSG:32631', width: 100, height: 10, transform: [500000, 50, 0, 4500000, 0, -50] };
    const { at } = await pixels((await engine.map({ layers: [{ coverage: 'big' }], target, format: 'png' }, anonymous)).body);
    // Values rise 0..199 from west to east; the stretch from sampled statistics spans nearly all of it.
    assert.ok(at(2, 5)[0]! < 40, `west is dark (${at(2, 5)})`);
    assert.ok(at(97, 5)[0]! > 215, `east is bright (${at(97, 5)})`);
  });

  it('keeps the event loop free while a heavy read runs in the pool', async () => {
    // A big cubic reprojection of the sample DEM: seconds of CPU, all of it in a worker thread.
    const target: Grid = { crs: 'EPSG:3857', width: 3000, height: 3000, transform: [779236, 37, 0, 5860839, 0, -53] };
    let heavyDone = false;
    const heavy = engine.read({ coverage: 'sample-dem', target, resampling: 'cubic' }, anonymous).then(() => (heavyDone = true));
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
    assert.equal(heavyDone, false, 'a light request is answered while the heavy read is still running');
    await heavy;
  });

  it('draws a legend for each style', async () => {
    const legend = await engine.legend({ coverage: 'sample-dem', style: 'viridis', format: 'png' }, anonymous);
    const meta = await sharp(legend.body).metadata();
    assert.equal(meta.format, 'png');
    assert.ok(meta.width! > 0 && meta.height! > 0);
  });

  it('picks up a changed file on refresh and tells listeners', async () => {
    const before = (await engine.get('ramp', anonymous))!.version;
    const changes: string[] = [];
    const off = engine.onChange((c) => changes.push(c.coverage));
    writeRamp(join(dir, 'ramp2.tif'), 32);
    copyFileSync(join(dir, 'ramp2.tif'), join(dir, 'ramp.tif'));
    await engine.refresh();
    off();
    const after = (await engine.get('ramp', anonymous))!;
    assert.notEqual(after.version, before);
    assert.equal(after.grid.width, 32);
    assert.ok(changes.includes('ramp'));
  });
});
