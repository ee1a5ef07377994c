/**
 * GetCoverage on the real server over GDAL-made COGs, with pixel truth read back by GDAL
 * (python osgeo.gdal): exact source windows, reprojection against gdalwarp, scaling, band
 * subsetting, time slices of a series, every encoding and its options, and every exception.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { validateXml } from '../../helpers/xsd.js';
import { exception, get, getRaw, makeFixtures, post, readTiff, removeFixtures, runOk, SCHEMAS, startWcs, writeScratch, xpath, type Fixtures, type TiffReport, type WcsHarness } from './support.js';

const BASE = 'service=WCS&version=2.0.1&request=GetCoverage';
const URI = (code: number) => `http://www.opengis.net/def/crs/EPSG/0/${code}`;
const INTERPOLATION = (name: string) => `http://www.opengis.net/def/interpolation/OGC/1/${name}`;

function assertTransform(actual: number[], expected: number[]): void {
  assert.equal(actual.length, 6);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-9, `transform[${i}] ${v} != ${expected[i]} (${actual})`));
}

/** Mean absolute difference over cells valid in both, and the share of cells valid in one only. */
function compare(a: TiffReport, b: TiffReport, nodata: number): { mad: number; mismatch: number } {
  const x = a.values![0]!;
  const y = b.values![0]!;
  let sum = 0;
  let n = 0;
  let mismatch = 0;
  for (let i = 0; i < x.length; i++) {
    const vx = x[i] !== nodata;
    const vy = y[i] !== nodata;
    if (vx !== vy) mismatch++;
    else if (vx) {
      sum += Math.abs(x[i]! - y[i]!);
      n++;
    }
  }
  return { mad: sum / n, mismatch: mismatch / x.length };
}

describe('wcs GetCoverage', function () {
  this.timeout(180_000);
  let fixtures: Fixtures;
  let h: WcsHarness;
  before(async () => {
    fixtures = await makeFixtures();
    h = await startWcs({}, fixtures);
  });
  after(async () => {
    await h?.close();
    removeFixtures(fixtures);
  });

  /** Fetches a GetCoverage, expects 200 and returns GDAL's report of the file. */
  async function coverage(query: string, options: { values?: boolean } = { values: true }): Promise<TiffReport> {
    const res = await getRaw(h.url, `${BASE}&${query}`);
    assert.equal(res.status, 200, res.text.slice(0, 2000));
    const file = writeScratch(h, `out-${Math.random().toString(36).slice(2)}.bin`, res.body);
    return readTiff(file, options);
  }

  describe('pixel truth', () => {
    it('a Lat/Long trim on an EPSG:4326 coverage returns exactly the source window, every band', async () => {
      const out = await coverage('coverageId=rgb&subset=Lat(49.5,49.8)&subset=Long(10.3,10.7)&format=image/tiff');
      assert.deepEqual([out.width, out.height, out.bands, out.epsg, out.dataType], [40, 30, 3, '4326', 'Byte']);
      assertTransform(out.transform, [10.3, 0.01, 0, 49.8, 0, -0.01]);
      const source = await readTiff(fixtures.rgb, { values: true, window: [30, 20, 40, 30] });
      assert.deepEqual(out.values, source.values);
      assert.deepEqual(out.descriptions, ['red', 'green', 'blue']);
    });

    it('a trim on a UTM float coverage returns the exact window with its nodata cells and value', async () => {
      const out = await coverage('coverageId=dem&subset=E(500000,500900)&subset=N(4999100,5000000)');
      assert.deepEqual([out.width, out.height, out.epsg, out.dataType], [30, 30, '32631', 'Float32']);
      assertTransform(out.transform, [500000, 30, 0, 5000000, 0, -30]);
      assert.deepEqual(out.nodata, [-9999]);
      const source = await readTiff(fixtures.dem, { values: true, window: [0, 0, 30, 30] });
      assert.deepEqual(out.values, source.values);
      assert.ok(out.values![0]!.includes(-9999));
    });

    it('without a subset returns the whole coverage, equal to the source', async () => {
      const out = await coverage('coverageId=dem');
      const source = await readTiff(fixtures.dem, { values: true });
      assert.deepEqual([out.width, out.height], [300, 200]);
      assert.deepEqual(out.values, source.values);
    });

    it('the XML binding returns the same file as KVP', async () => {
      const res = await post(
        h.url,
        `<wcs:GetCoverage xmlns:wcs="http://www.opengis.net/wcs/2.0" service="WCS" version="2.0.1"><wcs:CoverageId>rgb</wcs:CoverageId>
          <wcs:DimensionTrim><wcs:Dimension>Long</wcs:Dimension><wcs:TrimLow>10.3</wcs:TrimLow><wcs:TrimHigh>10.7</wcs:TrimHigh></wcs:DimensionTrim>
          <wcs:DimensionTrim><wcs:Dimension>Lat</wcs:Dimension><wcs:TrimLow>49.5</wcs:TrimLow><wcs:TrimHigh>49.8</wcs:TrimHigh></wcs:DimensionTrim>
          <wcs:format>image/tiff</wcs:format></wcs:GetCoverage>`,
      );
      assert.equal(res.status, 200, res.text.slice(0, 1000));
      const out = await readTiff(writeScratch(h, 'xml.tif', res.body), { values: true });
      const source = await readTiff(fixtures.rgb, { values: true, window: [30, 20, 40, 30] });
      assert.deepEqual(out.values, source.values);
    });

    it('a slice on Long gives the one column of cells under it', async () => {
      const out = await coverage('coverageId=rgb&subset=Long(10.555)&subset=Lat(49.9,50)');
      assert.deepEqual([out.width, out.height], [1, 10]);
      const source = await readTiff(fixtures.rgb, { values: true, window: [55, 0, 1, 10] });
      assert.deepEqual(out.values, source.values);
    });

    it('SUBSETTINGCRS EPSG:4326 on the UTM coverage, output kept native with OUTPUTCRS: exact native cells', async () => {
      const out = await coverage(`coverageId=dem&subsettingCrs=${URI(4326)}&outputCrs=${URI(32631)}&subset=Lat(45.08,45.1)&subset=Long(3.02,3.05)`);
      assert.equal(out.epsg, '32631');
      assert.equal(out.transform[1], 30);
      const col = (out.transform[0] - 500000) / 30;
      const row = (5000000 - out.transform[3]) / 30;
      assert.ok(Number.isInteger(col) && Number.isInteger(row), `aligned at ${col}, ${row}`);
      const source = await readTiff(fixtures.dem, { values: true, window: [col, row, out.width, out.height] });
      assert.deepEqual(out.values, source.values);
    });
  });

  describe('reprojection (OUTPUTCRS)', () => {
    for (const [name, gdal, tolerance] of [
      ['nearest-neighbor', 'near', 0.5],
      ['linear', 'bilinear', 0.5],
      ['cubic', 'cubic', 0.5],
    ] as const) {
      it(`UTM to EPSG:4326 with ${name} matches gdalwarp -r ${gdal} on the same grid within a mean absolute difference of ${tolerance}`, async () => {
        const out = await coverage(`coverageId=dem&outputCrs=${URI(4326)}&interpolation=${INTERPOLATION(name)}`);
        assert.equal(out.epsg, '4326');
        const [x0, dx, , y0, , dy] = out.transform;
        const warped = path.join(h.scratch, `gdalwarp-${gdal}.tif`);
        await runOk('gdalwarp', ['-q', '-overwrite', '-t_srs', 'EPSG:4326', '-te', String(x0), String(y0 + out.height * dy!), String(x0! + out.width * dx!), String(y0), '-ts', String(out.width), String(out.height), '-r', gdal, fixtures.dem, warped]);
        const reference = await readTiff(warped, { values: true });
        const { mad, mismatch } = compare(out, reference, -9999);
        assert.ok(mad < tolerance, `mean absolute difference ${mad}`);
        assert.ok(mismatch < 0.01, `cells valid in only one of them: ${mismatch}`);
      });
    }

    it('keeps the pixel count along the diagonal and trims in the output CRS', async () => {
      const whole = await coverage(`coverageId=dem&outputCrs=${URI(3857)}`, { values: false });
      assert.equal(whole.epsg, '3857');
      assert.ok(Math.abs(Math.hypot(whole.width, whole.height) - Math.hypot(300, 200)) < 3);
      const part = await coverage(`coverageId=dem&outputCrs=${URI(4326)}&subsettingCrs=${URI(4326)}&subset=Lat(45.08,45.1)&subset=Long(3.02,3.05)`, { values: false });
      assert.ok(Math.abs(part.transform[0] - 3.02) < 1e-9 && Math.abs(part.transform[3] - 45.1) < 1e-9, `${part.transform}`);
    });
  });

  describe('scaling', () => {
    it('SCALESIZE gives the size asked over the same extent, cells matching gdal_translate -outsize -r near', async () => {
      const out = await coverage('coverageId=rgb&scaleSize=Long(50),Lat(25)');
      assert.deepEqual([out.width, out.height], [50, 25]);
      assertTransform(out.transform, [10, 0.04, 0, 50, 0, -0.04]);
      const reference = path.join(h.scratch, 'outsize.tif');
      await runOk('gdal_translate', ['-q', '-outsize', '50', '25', '-r', 'near', fixtures.rgb, reference]);
      assert.deepEqual(out.values, (await readTiff(reference, { values: true })).values);
    });

    it('SCALEFACTOR, SCALEAXES and SCALEEXTENT', async () => {
      const factor = await coverage('coverageId=rgb&scaleFactor=4', { values: false });
      assert.deepEqual([factor.width, factor.height], [50, 25]);
      const axes = await coverage('coverageId=rgb&scaleAxes=Lat(2),Long(5)', { values: false });
      assert.deepEqual([axes.width, axes.height], [40, 50]);
      const extent = await coverage('coverageId=rgb&scaleExtent=Long(0:19),Lat(0:9)', { values: false });
      assert.deepEqual([extent.width, extent.height], [20, 10]);
      const up = await coverage('coverageId=rgb&subset=Lat(49.9,50)&subset=Long(10,10.1)&scaleFactor=0.5');
      assert.deepEqual([up.width, up.height], [20, 20]);
      const source = await readTiff(fixtures.rgb, { values: true, window: [0, 0, 10, 10] });
      // Doubling with nearest neighbour repeats each source cell twice along each axis.
      assert.equal(up.values![0]![0], source.values![0]![0]);
      assert.equal(up.values![0]![21], source.values![0]![0]);
      assert.equal(up.values![0]![2], source.values![0]![1]);
    });
  });

  describe('range subsetting', () => {
    it('RANGESUBSET picks bands by name and interval, in the order asked', async () => {
      const source = await readTiff(fixtures.rgb, { values: true, window: [0, 0, 20, 10] });
      const two = await coverage('coverageId=rgb&subset=Lat(49.9,50)&subset=Long(10,10.2)&rangeSubset=blue,red');
      assert.equal(two.bands, 2);
      assert.deepEqual(two.values, [source.values![2], source.values![0]]);
      const interval = await coverage('coverageId=rgb&subset=Lat(49.9,50)&subset=Long(10,10.2)&rangeSubset=green:blue');
      assert.deepEqual(interval.values, [source.values![1], source.values![2]]);
    });
  });

  describe('time on a series', () => {
    const expected = (month: number) => {
      const values: number[] = [];
      for (let r = 0; r < 5; r++) for (let c = 0; c < 10; c++) values.push(month * 1000 + r + c);
      return [values];
    };
    const window = 'subset=Lat(49.9,50)&subset=Long(10,10.2)';

    it('a time slice reads that month; a trim the month inside it; no time the latest', async () => {
      assert.deepEqual((await coverage(`coverageId=monthly&${window}&subset=time("2020-02-01")`)).values, expected(2));
      assert.deepEqual((await coverage(`coverageId=monthly&${window}&subset=phenomenonTime("2019-12-20T00:00:00Z","2020-01-20")`)).values, expected(1));
      assert.deepEqual((await coverage(`coverageId=monthly&${window}`)).values, expected(3));
    });

    it('a time with no data is InvalidSubsetting (404)', async () => {
      const res = await getRaw(h.url, `${BASE}&coverageId=monthly&subset=time("2021-06-01")`);
      assert.equal(res.status, 404);
      assert.equal(exception(res.text).code, 'InvalidSubsetting');
    });
  });

  describe('encodings', () => {
    const small = 'coverageId=rgb&subset=Lat(49.9,50)&subset=Long(10,10.03)';

    it('GeoTIFF compression, predictor and tiling parameters reach the file', async () => {
      for (const [query, compression, predictor] of [
        // Without geotiff:predictor, integers get the horizontal one under LZW and Deflate (output-defaults.ts).
        ['geotiff:compression=LZW', 'LZW', '2'],
        ['geotiff:compression=Deflate', 'DEFLATE', '2'],
        ['geotiff:compression=Deflate&geotiff:predictor=None', 'DEFLATE', null],
        ['geotiff:compression=Deflate&geotiff:predictor=Horizontal', 'DEFLATE', '2'],
        ['geotiff:compression=PackBits', 'PACKBITS', null],
        ['geotiff:compression=None', null, null],
      ] as const) {
        const out = await coverage(`coverageId=rgb&${query}`);
        assert.equal(out.compression, compression, query);
        assert.equal(out.predictor, predictor, query);
        assert.deepEqual(out.values, (await readTiff(fixtures.rgb, { values: true })).values, query);
      }
      const tiled = await coverage('coverageId=rgb&geotiff:tiling=true&geotiff:tilewidth=64&geotiff:tileheight=32', { values: false });
      assert.deepEqual(tiled.blockSize, [64, 32]);
      const floating = await coverage('coverageId=dem&geotiff:compression=Deflate&geotiff:predictor=FloatingPoint', { values: false });
      assert.equal(floating.predictor, '3');
    });

    it('files written into reused buffers: the same bytes sequentially, concurrently and again, GeoTIFF and PNG', async () => {
      const queries = [
        'coverageId=rgb',
        'coverageId=dem',
        `${small}`,
        'coverageId=rgb&subset=Lat(49.95,50)',
        `${small}&format=image/png`,
        'coverageId=rgb&format=image/png',
      ];
      const once: Buffer[] = [];
      for (const q of queries) once.push((await getRaw(h.url, `${BASE}&${q}`)).body);
      for (let round = 0; round < 3; round++) {
        const together = await Promise.all(queries.map((q) => getRaw(h.url, `${BASE}&${q}`)));
        together.forEach((res, i) => {
          assert.equal(res.status, 200, queries[i]);
          assert.ok(res.body.equals(once[i]!), `${queries[i]}: round ${round} answered other bytes`);
        });
      }
    });

    it('image/png and image/jpeg', async () => {
      const png = await getRaw(h.url, `${BASE}&${small}&format=image/png`);
      assert.equal(png.status, 200);
      assert.equal(png.contentType, 'image/png');
      assert.deepEqual([...png.body.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const pngReport = await readTiff(writeScratch(h, 'out.png', png.body));
      assert.deepEqual([pngReport.width, pngReport.height], [3, 10]);
      const jpeg = await getRaw(h.url, `${BASE}&${small}&format=image/jpeg`);
      assert.equal(jpeg.contentType, 'image/jpeg');
      assert.deepEqual([...jpeg.body.subarray(0, 2)], [0xff, 0xd8]);
    });

    it('application/gml+xml: a valid GMLCOV RectifiedGridCoverage whose tuples are the cells', async () => {
      const res = await getRaw(h.url, `${BASE}&${small}&format=application/gml%2Bxml`);
      assert.equal(res.status, 200);
      assert.match(res.contentType, /^application\/gml\+xml/);
      assert.deepEqual(validateXml(res.text, SCHEMAS.wcs), []);
      assert.deepEqual(xpath(res.text, '//gml:RectifiedGrid/gml:limits/gml:GridEnvelope/gml:high'), ['9 2']);
      const tuples = xpath(res.text, '//gml:rangeSet/gml:DataBlock/gml:tupleList')[0]!.split(' ').map((t) => t.split(',').map(Number));
      const source = await readTiff(fixtures.rgb, { values: true, window: [0, 0, 3, 10] });
      assert.deepEqual(tuples, source.values![0]!.map((_, i) => [source.values![0]![i], source.values![1]![i], source.values![2]![i]]));
    });

    it('multipart/related: the GML coverage, then the GeoTIFF it refers to', async () => {
      const res = await getRaw(h.url, `${BASE}&${small}&mediaType=multipart/related`);
      assert.equal(res.status, 200);
      const boundary = /boundary=([^;]+)/.exec(res.contentType)![1]!;
      const parts = res.body.toString('latin1').split(`--${boundary}`).slice(1, -1);
      assert.equal(parts.length, 2);
      const [gmlHead, gml] = parts[0]!.split('\r\n\r\n');
      assert.match(gmlHead!, /Content-Type: application\/gml\+xml/);
      const gmlText = Buffer.from(gml!.replace(/\r\n$/, ''), 'latin1').toString('utf8');
      assert.deepEqual(validateXml(gmlText, SCHEMAS.wcs), []);
      const reference = xpath(gmlText, '//gml:rangeSet/gml:File/gml:fileReference')[0]!;
      const split = parts[1]!.indexOf('\r\n\r\n');
      assert.match(parts[1]!.slice(0, split), new RegExp(`Content-ID: <${reference.replace('cid:', '')}>`));
      const tiff = Buffer.from(parts[1]!.slice(split + 4).replace(/\r\n$/, ''), 'latin1');
      const out = await readTiff(writeScratch(h, 'part.tif', tiff), { values: true });
      assert.deepEqual(out.values, (await readTiff(fixtures.rgb, { values: true, window: [0, 0, 3, 10] })).values);
    });
  });

  describe('exceptions, each from a request that raises it', () => {
    const cases: Array<[string, string, string | undefined, number]> = [
      ['coverageId=nope', 'NoSuchCoverage', 'nope', 404],
      ['coverageId=rgb&subset=height(0,1)', 'InvalidAxisLabel', 'height', 404],
      ['coverageId=rgb&subset=time("2020-01-01")', 'InvalidAxisLabel', 'time', 404],
      ['coverageId=rgb&subset=Lat(49.8,49.5)', 'InvalidSubsetting', 'subset', 404],
      ['coverageId=rgb&subset=Long(30,31)', 'InvalidSubsetting', 'subset', 404],
      ['coverageId=rgb&subset=Lat[1,2]', 'InvalidEncodingSyntax', 'subset', 400],
      ['coverageId=rgb&scaleFactor=0', 'InvalidScaleFactor', 'SCALEFACTOR', 404],
      ['coverageId=rgb&scaleAxes=Lat(-1)', 'InvalidScaleFactor', 'SCALEAXES', 404],
      ['coverageId=rgb&scaleSize=Lat(0)', 'InvalidExtent', 'SCALESIZE', 404],
      ['coverageId=rgb&scaleExtent=Lat(5:1)', 'InvalidExtent', 'SCALEEXTENT', 404],
      ['coverageId=monthly&scaleSize=time(2)', 'ScalingAxisUndefined', 'SCALESIZE', 404],
      ['coverageId=rgb&rangeSubset=nir', 'NoSuchField', 'nir', 404],
      ['coverageId=rgb&rangeSubset=blue:red', 'IllegalFieldSequence', 'blue:red', 404],
      [`coverageId=rgb&interpolation=${INTERPOLATION('barycentric')}`, 'InterpolationMethodNotSupported', 'interpolation', 404],
      [`coverageId=rgb&subsettingCrs=${URI(2154)}`, 'SubsettingCrs-NotSupported', 'subsettingCrs', 404],
      [`coverageId=rgb&outputCrs=${URI(2154)}`, 'OutputCrs-NotSupported', 'outputCrs', 404],
      ['coverageId=rgb&format=image/webp', 'InvalidParameterValue', 'format', 400],
      ['coverageId=rgb&mediaType=text/plain', 'InvalidParameterValue', 'mediaType', 400],
      ['subset=Lat(49,50)', 'MissingParameterValue', 'coverageId', 400],
      ['coverageId=rgb&geotiff:compression=JPEG', 'CompressionNotSupported', 'geotiff:compression', 404],
      ['coverageId=rgb&geotiff:compression=Zip', 'CompressionInvalid', 'geotiff:compression', 404],
      ['coverageId=rgb&geotiff:compression=LZW&geotiff:predictor=Sideways', 'PredictorInvalid', 'geotiff:predictor', 404],
      ['coverageId=rgb&geotiff:compression=PackBits&geotiff:predictor=Horizontal', 'PredictorNotSupported', 'geotiff:predictor', 404],
      ['coverageId=rgb&geotiff:compression=LZW&geotiff:predictor=FloatingPoint', 'PredictorNotSupported', 'geotiff:predictor', 404],
      ['coverageId=rgb&geotiff:interleave=Band', 'InterleavingNotSupported', 'geotiff:interleave', 404],
      ['coverageId=rgb&geotiff:tiling=true&geotiff:tilewidth=100', 'TilingInvalid', 'geotiff:tilewidth', 404],
    ];
    for (const [query, code, locator, status] of cases) {
      it(`${code} (${status}) from ${query}`, async () => {
        const res = await getRaw(h.url, `${BASE}&${encodeURI(query).replace(/\+/g, '%2B')}`);
        assert.equal(res.status, status, res.text);
        assert.match(res.contentType, /^application\/xml/);
        assert.deepEqual(validateXml(res.text, SCHEMAS.owsException), []);
        const e = exception(res.text);
        assert.equal(e.code, code, res.text);
        if (locator !== undefined) assert.equal(e.locator, locator);
      });
    }

    it('OperationNotSupported (501) and VersionNegotiationFailed (400)', async () => {
      const op = await get(h.url, { service: 'WCS', version: '2.0.1', request: 'GetCoverages', coverageId: 'rgb' });
      assert.equal(op.status, 501);
      assert.equal(exception(op.text).code, 'OperationNotSupported');
      const v = await get(h.url, { service: 'WCS', request: 'GetCapabilities', acceptVersions: '3.0.0' });
      assert.equal(v.status, 400);
      assert.equal(exception(v.text).code, 'VersionNegotiationFailed');
    });
  });

  describe('configured limits and CRSs', () => {
    let limited: WcsHarness;
    before(async () => {
      limited = await startWcs({ coverages: { maxCells: 10_000 }, wcs: { maxGmlCells: 100, crs: ['EPSG:4326'] } }, fixtures);
    });
    after(async () => limited?.close());

    it('refuses a result above maxCells with InvalidParameterValue (400) before reading, and serves a smaller one', async () => {
      // 200 x 100 x 3 = 60000 cells.
      const whole = await getRaw(limited.url, `${BASE}&coverageId=rgb`);
      assert.equal(whole.status, 400);
      const e = exception(whole.text);
      assert.equal(e.code, 'InvalidParameterValue');
      assert.equal(e.locator, 'coverageId');
      assert.match(e.text!, /60000 cells.*at most 10000 cells/);
      const huge = await getRaw(limited.url, `${BASE}&coverageId=rgb&scaleSize=Long(100000),Lat(100000)`);
      assert.equal(huge.status, 400);
      assert.equal(exception(huge.text).locator, 'SCALESIZE');
      const ok = await getRaw(limited.url, `${BASE}&coverageId=rgb&subset=Lat(49.5,50)&subset=Long(10,10.5)&rangeSubset=red`);
      assert.equal(ok.status, 200);
      const scaled = await getRaw(limited.url, `${BASE}&coverageId=rgb&scaleFactor=4`);
      assert.equal(scaled.status, 200);
    });

    it('offers the configured CRSs and every native one, for every coverage', async () => {
      const caps = await get(limited.url, { service: 'WCS', request: 'GetCapabilities', sections: 'ServiceMetadata' });
      assert.deepEqual(xpath(caps.text, '//crs:crsSupported').sort(), [URI(32631), URI(4326)]);
      const utm = await getRaw(limited.url, `${BASE}&coverageId=rgb&subset=Lat(49.9,50)&subset=Long(10,10.1)&outputCrs=${URI(32631)}`);
      assert.equal(utm.status, 200, utm.text);
      const mercator = await getRaw(limited.url, `${BASE}&coverageId=rgb&subset=Lat(49.9,50)&subset=Long(10,10.1)&outputCrs=${URI(3857)}`);
      assert.equal(exception(mercator.text).code, 'OutputCrs-NotSupported');
    });

    it('GML output has a limit of its own (maxGmlCells), text being far larger than the cells', async () => {
      const gml = (longs: string) => getRaw(limited.url, `${BASE}&coverageId=rgb&subset=Lat(49.9,50)&subset=Long(${longs})&format=application/gml%2Bxml`);
      assert.equal((await gml('10,10.03')).status, 200);
      const refused = await gml('10,10.04');
      assert.equal(refused.status, 400);
      assert.match(exception(refused.text).text!, /120 cells.*at most 100 cells/);
    });
  });
});
