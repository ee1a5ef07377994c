/**
 * Independent WCS 1.0.0 and 1.1.1 clients against the real server: GDAL's WCS driver (gdalinfo
 * and gdal_translate on `WCS:URL?version=…&coverage=…`) and OWSLib's WebCoverageService
 * (contents, DescribeCoverage, getCoverage), the cells they pull compared with the source.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON, readTiff, runOk, startWcs, type WcsHarness } from './support.js';

const OWSLIB_CLIENT = fileURLToPath(new URL('./fixtures/owslib_wcs1_client.py', import.meta.url));

interface GdalInfo {
  driverShortName: string;
  size: number[];
  geoTransform: number[];
  coordinateSystem: { wkt: string };
  bands: Array<{ type: string; noDataValue?: number }>;
}

describe('wcs 1.0.0 and 1.1.1 with independent clients', function () {
  this.timeout(180_000);
  let h: WcsHarness;
  // GDAL keeps its WCS service descriptions in a cache folder: one per test run, under the scratch folder.
  const gdal = (...args: string[]) => ['--config', 'GDAL_HTTP_TIMEOUT', '60', '-oo', `CACHE=${path.join(h.scratch, 'gdal-wcs1-cache')}`, ...args];
  const wcsName = (version: string, coverage: string) => `WCS:${h.url}?version=${version}&coverage=${coverage}`;
  const info = async (version: string, coverage: string) => JSON.parse(await runOk('gdalinfo', gdal('-json', wcsName(version, coverage)))) as GdalInfo;
  const close = (actual: readonly number[], expected: readonly number[]) => actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-9, `${actual} vs ${expected}`));
  before(async () => {
    h = await startWcs();
  });
  after(async () => h?.close());

  describe('GDAL WCS driver, version=1.0.0', () => {
    it('gdalinfo reads the size, georeferencing, CRS, band types and nodata', async () => {
      const rgb = await info('1.0.0', 'rgb');
      assert.equal(rgb.driverShortName, 'WCS');
      assert.deepEqual(rgb.size, [200, 100]);
      close(rgb.geoTransform, [10, 0.01, 0, 50, 0, -0.01]);
      assert.match(rgb.coordinateSystem.wkt, /ID\["EPSG",4326\]\]$/);
      assert.deepEqual(rgb.bands.map((b) => b.type), ['Byte', 'Byte', 'Byte']);
      const dem = await info('1.0.0', 'dem');
      assert.deepEqual(dem.size, [300, 200]);
      close(dem.geoTransform, [500000, 30, 0, 5000000, 0, -30]);
      assert.match(dem.coordinateSystem.wkt, /ID\["EPSG",32631\]\]$/);
      assert.deepEqual(dem.bands.map((b) => [b.type, b.noDataValue]), [['Float32', -9999]]);
    });

    it('gdal_translate pulls windows through GetCoverage, cell for cell the source', async () => {
      const out = path.join(h.scratch, 'gdal10-rgb.tif');
      await runOk('gdal_translate', gdal('-q', '-srcwin', '30', '20', '40', '30', wcsName('1.0.0', 'rgb'), out));
      const got = await readTiff(out, { values: true });
      assert.deepEqual([got.width, got.height, got.bands], [40, 30, 3]);
      assert.deepEqual(got.values, (await readTiff(h.fixtures.rgb, { values: true, window: [30, 20, 40, 30] })).values);
      const dem = path.join(h.scratch, 'gdal10-dem.tif');
      await runOk('gdal_translate', gdal('-q', '-projwin', '500300', '4999700', '501800', '4998800', wcsName('1.0.0', 'dem'), dem));
      assert.deepEqual((await readTiff(dem, { values: true })).values, (await readTiff(h.fixtures.dem, { values: true, window: [10, 10, 50, 30] })).values);
    });
  });

  describe('GDAL WCS driver, version=1.1.1', () => {
    it('gdalinfo reads the georeferencing, CRS, band types and nodata from the GridCRS', async () => {
      // GDAL takes the imageCRS box's UpperCorner as the size (199 x 99 here); QGIS and MapServer
      // read it as the last grid index, as written (0 0 to columns-1 rows-1).
      const rgb = await info('1.1.1', 'rgb');
      close(rgb.geoTransform, [10, 0.01, 0, 50, 0, -0.01]);
      assert.match(rgb.coordinateSystem.wkt, /ID\["EPSG",4326\]\]$/);
      assert.deepEqual(rgb.bands.map((b) => b.type), ['Byte', 'Byte', 'Byte']);
      const dem = await info('1.1.1', 'dem');
      close(dem.geoTransform, [500000, 30, 0, 5000000, 0, -30]);
      assert.match(dem.coordinateSystem.wkt, /ID\["EPSG",32631\]\]$/);
      assert.deepEqual(dem.bands.map((b) => [b.type, b.noDataValue]), [['Float32', -9999]]);
    });

    it('gdal_translate pulls windows through the multipart GetCoverage, cell for cell the source', async () => {
      const out = path.join(h.scratch, 'gdal11-rgb.tif');
      await runOk('gdal_translate', gdal('-q', '-srcwin', '30', '20', '40', '30', wcsName('1.1.1', 'rgb'), out));
      const got = await readTiff(out, { values: true });
      assert.deepEqual([got.width, got.height, got.bands], [40, 30, 3]);
      assert.deepEqual(got.values, (await readTiff(h.fixtures.rgb, { values: true, window: [30, 20, 40, 30] })).values);
      const dem = path.join(h.scratch, 'gdal11-dem.tif');
      await runOk('gdal_translate', gdal('-q', '-srcwin', '10', '10', '50', '30', wcsName('1.1.1', 'dem'), dem));
      assert.deepEqual((await readTiff(dem, { values: true })).values, (await readTiff(h.fixtures.dem, { values: true, window: [10, 10, 50, 30] })).values);
    });
  });

  describe('OWSLib WebCoverageService', () => {
    interface OwslibReport {
      version: string;
      title: string;
      coverages: string[];
      wgs84: number[];
      operations: string[];
      formats: string[];
      crs: string[];
      grid?: { high: string[]; origin: string[]; offsets: string[][] };
      timepositions?: string[];
      mediaType: string;
    }
    const owslib = async (version: string, file: string) => JSON.parse(await runOk(PYTHON, [OWSLIB_CLIENT, h.url, version, 'rgb', file])) as OwslibReport;

    it('1.0.0: contents, the DescribeCoverage grid, formats, CRSs and times, and a GeoTIFF of the source cells', async () => {
      const file = path.join(h.scratch, 'owslib10.tif');
      const r = await owslib('1.0.0', file);
      assert.deepEqual([r.version, r.title], ['1.0.0', 'Meridian coverages (WCS)']);
      assert.deepEqual(r.coverages, ['dem', 'monthly', 'rgb']);
      close(r.wgs84, [10, 49, 12, 50]);
      assert.deepEqual(r.operations, ['GetCapabilities', 'DescribeCoverage', 'GetCoverage']);
      assert.deepEqual(r.formats, ['GeoTIFF', 'PNG', 'JPEG']);
      assert.equal(r.crs[0], 'EPSG:4326');
      assert.deepEqual(r.grid, { high: ['199', '99'], origin: ['10.005', '49.995'], offsets: [['0.01', '0'], ['0', '-0.01']] });
      assert.deepEqual(r.timepositions?.map((t) => t.slice(0, 10)), ['2020-01-01', '2020-02-01', '2020-03-01']);
      assert.equal(r.mediaType, 'image/tiff');
      const got = await readTiff(file, { values: true });
      assert.deepEqual([got.width, got.height, got.epsg], [40, 30, '4326']);
      assert.deepEqual(got.values, (await readTiff(h.fixtures.rgb, { values: true, window: [30, 20, 40, 30] })).values);
    });

    it('1.1.1: contents in the 1.1.1 namespace, and the file part of a multipart GetCoverage holding the source cells', async () => {
      const file = path.join(h.scratch, 'owslib11.tif');
      const r = await owslib('1.1.1', file);
      assert.deepEqual([r.version, r.title], ['1.1.1', 'Meridian coverages (WCS)']);
      assert.deepEqual(r.coverages, ['dem', 'monthly', 'rgb']);
      close(r.wgs84, [10, 49, 12, 50]);
      assert.deepEqual(r.operations, ['GetCapabilities', 'DescribeCoverage', 'GetCoverage']);
      assert.deepEqual(r.formats, ['image/tiff', 'image/png', 'image/jpeg']);
      assert.equal(r.crs[0], 'urn:ogc:def:crs:EPSG::4326');
      assert.equal(r.mediaType, 'image/tiff');
      const got = await readTiff(file, { values: true });
      assert.deepEqual([got.width, got.height, got.epsg], [40, 30, '4326']);
      assert.deepEqual(got.values, (await readTiff(h.fixtures.rgb, { values: true, window: [30, 20, 40, 30] })).values);
    });
  });
});
