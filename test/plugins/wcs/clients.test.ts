/**
 * Independent WCS 2.0.1 clients against the real server: GDAL's WCS driver (gdalinfo on a
 * coverage, gdal_translate pulling an area and a scaled-down copy) and OWSLib's
 * WebCoverageService (contents, DescribeCoverage grid, getCoverage).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON, readTiff, runOk, startWcs, type WcsHarness } from './support.js';

const OWSLIB_CLIENT = fileURLToPath(new URL('./fixtures/owslib_client.py', import.meta.url));

interface OwslibReport {
  version: string;
  title: string;
  profiles: string[];
  operations: string[];
  coverages: string[];
  formats: string[];
  boundingboxes: Array<{ nativeSrs: string; bbox: number[] }>;
  grid: { axislabels: string[]; dimension: number; low: string[]; high: string[]; origin: string[]; offsetvectors: string[][] };
}

describe('wcs with independent clients', function () {
  this.timeout(180_000);
  let h: WcsHarness;
  // GDAL keeps its WCS service descriptions in a cache folder: one per test run, under the scratch folder.
  const gdal = (...args: string[]) => ['--config', 'GDAL_HTTP_TIMEOUT', '60', ...args];
  const wcsName = (coverage: string) => `WCS:${h.url}?version=2.0.1&coverage=${coverage}`;
  const cache = () => ['-oo', `CACHE=${path.join(h.scratch, 'gdal-wcs-cache')}`];
  before(async () => {
    h = await startWcs();
  });
  after(async () => h?.close());

  describe('GDAL WCS driver', () => {
    it('gdalinfo reads the size, georeferencing, CRS and fields of a coverage', async () => {
      const info = JSON.parse(await runOk('gdalinfo', gdal('-json', ...cache(), wcsName('rgb')))) as {
        driverShortName: string;
        size: number[];
        geoTransform: number[];
        coordinateSystem: { wkt: string };
        bands: unknown[];
        metadata: Record<string, Record<string, string>>;
      };
      assert.equal(info.driverShortName, 'WCS');
      assert.deepEqual(info.size, [200, 100]);
      info.geoTransform.forEach((v, i) => assert.ok(Math.abs(v - [10, 0.01, 0, 50, 0, -0.01][i]!) < 1e-9, `geoTransform ${info.geoTransform}`));
      assert.match(info.coordinateSystem.wkt, /ID\["EPSG",4326\]\]$/);
      assert.equal(info.bands.length, 3);
      const md = info.metadata[''] ?? {};
      assert.equal(md.FIELD_1_NAME, 'red');
      assert.equal(md.DOMAIN, 'Long,Lat');
    });

    it('gdal_translate pulls an area through GetCoverage, cell for cell the source window', async () => {
      const out = path.join(h.scratch, 'gdal-area.tif');
      await runOk('gdal_translate', gdal('-q', ...cache(), '-projwin', '10.3', '49.8', '10.7', '49.5', wcsName('rgb'), out));
      const got = await readTiff(out, { values: true });
      assert.deepEqual([got.width, got.height, got.bands], [40, 30, 3]);
      const source = await readTiff(h.fixtures.rgb, { values: true, window: [30, 20, 40, 30] });
      assert.deepEqual(got.values, source.values);
    });

    it('gdal_translate of a UTM float coverage and a scaled-down copy (SCALESIZE)', async () => {
      const out = path.join(h.scratch, 'gdal-dem.tif');
      await runOk('gdal_translate', gdal('-q', ...cache(), '-srcwin', '10', '10', '50', '40', wcsName('dem'), out));
      const got = await readTiff(out, { values: true });
      assert.equal(got.epsg, '32631');
      assert.deepEqual(got.values, (await readTiff(h.fixtures.dem, { values: true, window: [10, 10, 50, 40] })).values);
      const small = path.join(h.scratch, 'gdal-small.tif');
      await runOk('gdal_translate', gdal('-q', ...cache(), '-outsize', '50', '25', wcsName('rgb'), small));
      const scaled = await readTiff(small, { values: false });
      assert.deepEqual([scaled.width, scaled.height], [50, 25]);
      scaled.transform.forEach((v, i) => assert.ok(Math.abs(v - [10, 0.04, 0, 50, 0, -0.04][i]!) < 1e-9, `${scaled.transform}`));
    });

    it('gdal_translate of a time slice of a series, the time subset given in the WCS: URL', async () => {
      const out = path.join(h.scratch, 'gdal-series.tif');
      await runOk('gdal_translate', gdal('-q', ...cache(), '-srcwin', '0', '0', '10', '5', `${wcsName('monthly')}&subset=time(2020-02-01)`, out));
      const got = await readTiff(out, { values: true });
      const expected: number[] = [];
      for (let r = 0; r < 5; r++) for (let c = 0; c < 10; c++) expected.push(2000 + r + c);
      assert.deepEqual(got.values, [expected]);
    });
  });

  describe('OWSLib WebCoverageService 2.0.1', () => {
    it('reads the capabilities, a coverage grid, and gets a GeoTIFF that GDAL opens', async () => {
      const file = path.join(h.scratch, 'owslib.tif');
      const r = JSON.parse(await runOk(PYTHON, [OWSLIB_CLIENT, h.url, 'rgb', file])) as OwslibReport;
      assert.equal(r.version, '2.0.1');
      assert.equal(r.title, 'Meridian coverages (WCS)');
      assert.ok(r.profiles.includes('http://www.opengis.net/spec/WCS/2.0/conf/core'));
      // OWSLib lists every child of OperationsMetadata, the CountDefault constraint too.
      for (const op of ['GetCapabilities', 'DescribeCoverage', 'GetCoverage', 'DescribeEOCoverageSet']) assert.ok(r.operations.includes(op), op);
      assert.deepEqual(r.coverages, ['dem', 'monthly', 'rgb']);
      assert.ok(r.formats.includes('image/tiff'));
      assert.deepEqual(r.boundingboxes, [{ nativeSrs: 'http://www.opengis.net/def/crs/EPSG/0/4326', bbox: [49, 10, 50, 12] }]);
      assert.deepEqual(r.grid, {
        axislabels: ['Lat', 'Long'],
        dimension: 2,
        low: ['0', '0'],
        high: ['99', '199'],
        origin: ['49.995', '10.005'],
        offsetvectors: [
          ['-0.01', '0'],
          ['0', '0.01'],
        ],
      });
      const got = await readTiff(file, { values: true });
      assert.deepEqual([got.width, got.height, got.epsg], [40, 30, '4326']);
      assert.deepEqual(got.values, (await readTiff(h.fixtures.rgb, { values: true, window: [30, 20, 40, 30] })).values);
    });
  });
});
