/**
 * WCS 1.0.0 and 1.1.1 GetCoverage on the real server and engine, results read back with GDAL:
 * a native-grid window is exactly the source cells (1.0.0 BBOX+WIDTH/HEIGHT or RESX/RESY, 1.1.1
 * as QGIS, GDAL and a bare client ask for it), reprojection agrees with gdalwarp, time, bands,
 * interpolation and formats are honoured, 1.1.1 answers multipart (a Coverages document valid
 * against the 1.1.1 schema referring to the file part), and every refusal is the version's
 * own exception report.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { validateXml } from '../../helpers/xsd.js';
import {
  exception,
  get,
  makeFixtures,
  multipartParts,
  readTiff,
  removeFixtures,
  runOk,
  SCHEMAS,
  startWcs,
  writeScratch,
  xpath,
  type Fetched,
  type Fixtures,
  type WcsHarness,
} from './support.js';

const v10 = { service: 'WCS', version: '1.0.0', request: 'GetCoverage' };
const v11 = { service: 'WCS', version: '1.1.1', request: 'GetCoverage' };

function meanAbsoluteDifference(a: readonly number[], b: readonly number[], nodata: number): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === nodata || b[i] === nodata) continue;
    sum += Math.abs(a[i]! - b[i]!);
    n++;
  }
  assert.ok(n > a.length / 2, `only ${n} of ${a.length} cells compared`);
  return sum / n;
}

describe('wcs 1.0.0 and 1.1.1 GetCoverage', function () {
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

  const tiff = async (res: Fetched, name: string, values = true) => {
    assert.equal(res.status, 200, res.text.slice(0, 2000));
    return readTiff(writeScratch(h, name, res.body), { values });
  };
  const source = (file: string, window: [number, number, number, number]) => readTiff(file, { values: true, window });

  /** The file part of a 1.1.1 multipart response, checking the Coverages part refers to it. */
  const filePart = (res: Fetched) => {
    assert.equal(res.status, 200, res.text.slice(0, 2000));
    assert.match(res.contentType, /^multipart\/related;.*boundary="[^"]+"$/);
    const parts = multipartParts(res.contentType, res.body);
    assert.equal(parts.length, 2);
    const [xml, file] = parts as [(typeof parts)[0], (typeof parts)[0]];
    assert.match(xml.headers['content-type']!, /^text\/xml/);
    const doc = xml.body.toString('utf8');
    assert.deepEqual(validateXml(doc, SCHEMAS.wcs11), []);
    assert.deepEqual(xpath(doc, '/w11:Coverages/w11:Coverage/ows11:Reference/@xlink:href'), [`cid:${file.headers['content-id']!.replace(/^<|>$/g, '')}`]);
    assert.deepEqual(xpath(doc, '/w11:Coverages/w11:Coverage/ows11:Reference/@xlink:role'), ['urn:ogc:def:role:WCS:1.1:coverage']);
    assert.equal(file.headers['content-transfer-encoding'], 'binary');
    return { doc, file };
  };

  describe('WCS 1.0.0', () => {
    it('a BBOX on native cell edges with the native WIDTH/HEIGHT returns exactly the source cells, in the native CRS', async () => {
      const res = await get(h.url, { ...v10, coverage: 'rgb', crs: 'EPSG:4326', bbox: '10.3,49.5,10.7,49.8', width: '40', height: '30', format: 'GeoTIFF' });
      assert.equal(res.contentType, 'image/tiff');
      assert.match(res.headers.get('content-disposition') ?? '', /filename="rgb\.tif"/);
      const got = await tiff(res, 'w10-rgb.tif');
      assert.deepEqual([got.width, got.height, got.bands, got.epsg], [40, 30, 3, '4326']);
      got.transform.forEach((v, i) => assert.ok(Math.abs(v - [10.3, 0.01, 0, 49.8, 0, -0.01][i]!) < 1e-12, `${got.transform}`));
      assert.deepEqual(got.values, (await source(fixtures.rgb, [30, 20, 40, 30])).values);
    });

    it('the same for a UTM float coverage with nodata, and with RESX/RESY, and the whole coverage at its native size', async () => {
      const window = await get(h.url, { ...v10, coverage: 'dem', crs: 'EPSG:32631', bbox: '500300,4998800,501800,4999700', resx: '30', resy: '30', format: 'image/tiff' });
      const got = await tiff(window, 'w10-dem.tif');
      assert.deepEqual([got.width, got.height, got.epsg, got.dataType, got.nodata[0]], [50, 30, '32631', 'Float32', -9999]);
      assert.deepEqual(got.values, (await source(fixtures.dem, [10, 10, 50, 30])).values);
      const whole = await tiff(await get(h.url, { ...v10, coverage: 'dem', crs: 'EPSG:32631', bbox: '500000,4994000,509000,5000000', format: 'GeoTIFF' }), 'w10-dem-all.tif');
      assert.deepEqual([whole.width, whole.height], [300, 200]);
      assert.deepEqual(whole.values, (await readTiff(fixtures.dem, { values: true })).values);
    });

    it('RESPONSE_CRS warps like gdalwarp on the same grid (bilinear), with the BBOX in CRS', async () => {
      const bbox = [3.005, 45.105, 3.105, 45.15];
      const res = await get(h.url, { ...v10, coverage: 'dem', crs: 'EPSG:4326', response_crs: 'EPSG:4326', bbox: bbox.join(','), width: '80', height: '36', format: 'GeoTIFF', interpolation: 'bilinear' });
      const got = await tiff(res, 'w10-warp.tif');
      assert.deepEqual([got.width, got.height, got.epsg], [80, 36, '4326']);
      const reference = path.join(h.scratch, 'w10-gdalwarp.tif');
      await runOk('gdalwarp', ['-q', '-overwrite', '-t_srs', 'EPSG:4326', '-te', ...bbox.map(String), '-ts', '80', '36', '-r', 'bilinear', fixtures.dem, reference]);
      const expected = await readTiff(reference, { values: true });
      assert.ok(meanAbsoluteDifference(got.values![0]!, expected.values![0]!, -9999) < 0.5);
      // The UTM box of a UTM coverage delivered in WGS 84.
      const utm = await tiff(await get(h.url, { ...v10, coverage: 'dem', crs: 'EPSG:32631', response_crs: 'EPSG:4326', bbox: '500300,4998800,501800,4999700', width: '20', height: '12', format: 'GeoTIFF' }), 'w10-utm-to-4326.tif', false);
      assert.deepEqual([utm.width, utm.height, utm.epsg], [20, 12, '4326']);
    });

    it('TIME selects a series instant (the latest without it); BAND selects and orders bands, also as an interval', async () => {
      const at = (time?: string) => get(h.url, { ...v10, coverage: 'monthly', crs: 'EPSG:4326', bbox: '10,49.9,10.2,50', width: '10', height: '5', format: 'GeoTIFF', ...(time ? { time } : {}) });
      const expected = (month: number) => {
        const out: number[] = [];
        for (let r = 0; r < 5; r++) for (let c = 0; c < 10; c++) out.push(month * 1000 + r + c);
        return [out];
      };
      assert.deepEqual((await tiff(await at('2020-02-01'), 'w10-feb.tif')).values, expected(2));
      assert.deepEqual((await tiff(await at('2020-01-15/2020-02-15'), 'w10-jan-feb.tif')).values, expected(2));
      assert.deepEqual((await tiff(await at(), 'w10-latest.tif')).values, expected(3));
      const src = await source(fixtures.rgb, [0, 0, 10, 10]);
      const picked = await tiff(await get(h.url, { ...v10, coverage: 'rgb', crs: 'EPSG:4326', bbox: '10,49.9,10.1,50', width: '10', height: '10', format: 'GeoTIFF', band: '3,1' }), 'w10-bands.tif');
      assert.deepEqual(picked.values, [src.values![2], src.values![0]]);
      const interval = await tiff(await get(h.url, { ...v10, coverage: 'rgb', crs: 'EPSG:4326', bbox: '10,49.9,10.1,50', width: '10', height: '10', format: 'GeoTIFF', Band: '2/3' }), 'w10-band-interval.tif');
      assert.deepEqual(interval.values, [src.values![1], src.values![2]]);
    });

    it('PNG and JPEG are rendered with the default style; names and MIME types are both read', async () => {
      for (const [format, type] of [['PNG', 'image/png'], ['image/jpeg', 'image/jpeg'], ['JPEG', 'image/jpeg']] as const) {
        const res = await get(h.url, { ...v10, coverage: 'rgb', crs: 'EPSG:4326', bbox: '10,49,12,50', width: '100', height: '50', format });
        assert.equal(res.contentType, type, format);
        const img = await tiff(res, `w10.${type.split('/')[1]}`, false);
        assert.deepEqual([img.width, img.height], [100, 50]);
      }
    });

    for (const [why, overrides, code, locator] of [
      ['an unknown coverage', { coverage: 'nope' }, 'CoverageNotDefined', 'COVERAGE'],
      ['a private one', { coverage: 'secret' }, 'CoverageNotDefined', 'COVERAGE'],
      ['an unknown format', { format: 'NetCDF' }, 'InvalidFormat', 'FORMAT'],
      ['a CRS not offered', { crs: 'EPSG:2154' }, 'InvalidParameterValue', 'CRS'],
      ['a RESPONSE_CRS that is no CRS', { response_crs: 'EPSG:0' }, 'InvalidParameterValue', 'RESPONSE_CRS'],
      ['a BBOX outside the coverage', { bbox: '20,49,21,50' }, 'InvalidParameterValue', 'BBOX'],
      ['a BBOX upside down', { bbox: '11,50,10,49' }, 'InvalidParameterValue', 'BBOX'],
      ['an interpolation not offered', { interpolation: 'lost area' }, 'InvalidParameterValue', 'INTERPOLATION'],
      ['a band the coverage lacks', { band: '4' }, 'InvalidParameterValue', 'Band'],
      ['a TIME on a coverage without time', { time: '2020-01-01' }, 'InvalidParameterValue', 'TIME'],
      ['no FORMAT', { format: '' }, 'MissingParameterValue', 'FORMAT'],
      ['no CRS', { crs: '' }, 'MissingParameterValue', 'CRS'],
      ['WIDTH without HEIGHT', { height: '' }, 'MissingParameterValue', 'HEIGHT'],
      ['a WIDTH of zero', { width: '0' }, 'InvalidParameterValue', 'WIDTH'],
    ] as const) {
      it(`refuses ${why} with ${code} (locator ${locator}) in a ServiceExceptionReport`, async () => {
        const params: Record<string, string> = { ...v10, coverage: 'rgb', crs: 'EPSG:4326', bbox: '10,49,11,50', width: '10', height: '10', format: 'GeoTIFF', ...overrides };
        const res = await get(h.url, Object.fromEntries(Object.entries(params).filter(([, v]) => v !== '')));
        assert.equal(res.status, 400, res.text);
        assert.equal(res.contentType, 'application/vnd.ogc.se_xml');
        assert.deepEqual(validateXml(res.text, SCHEMAS.wcs10Exception), []);
        assert.deepEqual([exception(res.text).code, exception(res.text).locator], [code, locator]);
      });
    }
  });

  describe('WCS 1.1.1', () => {
    it('QGIS\'s request (2dSimpleGrid, a box of cell centres, latitude first) returns the source cells as the file part of a multipart response', async () => {
      const res = await get(h.url, {
        ...v11,
        format: 'image/tiff',
        identifier: 'rgb',
        boundingbox: '49.505,10.305,49.795,10.695,urn:ogc:def:crs:EPSG::4326',
        gridbasecrs: 'urn:ogc:def:crs:EPSG::4326',
        gridcs: 'urn:ogc:def:cs:OGC:0.0:Grid2dSquareCS',
        gridtype: 'urn:ogc:def:method:WCS:1.1:2dSimpleGrid',
        gridorigin: '49.795,10.305',
        gridoffsets: '-0.01,0.01',
      });
      const { doc, file } = filePart(res);
      assert.deepEqual(xpath(doc, '//w11:Coverage/ows11:Identifier'), ['rgb']);
      assert.equal(file.headers['content-type'], 'image/tiff');
      const got = await readTiff(writeScratch(h, 'w11-qgis.tif', file.body), { values: true });
      assert.deepEqual([got.width, got.height, got.epsg], [40, 30, '4326']);
      got.transform.forEach((v, i) => assert.ok(Math.abs(v - [10.3, 0.01, 0, 49.8, 0, -0.01][i]!) < 1e-12, `${got.transform}`));
      assert.deepEqual(got.values, (await source(fixtures.rgb, [30, 20, 40, 30])).values);
    });

    it('GDAL\'s request (2dGridIn2dCrs offset vectors, RangeSubset on the Band axis) returns that band of the source cells', async () => {
      const res = await get(h.url, {
        ...v11,
        identifier: 'rgb',
        format: 'image/tiff',
        boundingbox: '49.505,10.305,49.795,10.695,urn:ogc:def:crs:EPSG::4326',
        RangeSubset: 'contents[Band[2]]',
        GridBaseCRS: 'urn:ogc:def:crs:EPSG::4326',
        GridCS: 'urn:ogc:def:cs:OGC:0.0:Grid2dSquareCS',
        GridType: 'urn:ogc:def:method:WCS:1.1:2dGridIn2dCrs',
        GridOrigin: '49.795,10.305',
        GridOffsets: '0,0.01,-0.01,0',
      });
      const got = await readTiff(writeScratch(h, 'w11-gdal.tif', filePart(res).file.body), { values: true });
      assert.deepEqual([got.width, got.height, got.bands], [40, 30, 1]);
      assert.deepEqual(got.values, [(await source(fixtures.rgb, [30, 20, 40, 30])).values![1]]);
    });

    it('without GridCRS parameters the native grid points inside the box (CRS84 by default, E/N for UTM), exactly; TimeSequence on a series', async () => {
      const plain = await get(h.url, { ...v11, identifier: 'rgb', boundingbox: '10.305,49.505,10.695,49.795', format: 'image/tiff' });
      const got = await readTiff(writeScratch(h, 'w11-plain.tif', filePart(plain).file.body), { values: true });
      assert.deepEqual(got.values, (await source(fixtures.rgb, [30, 20, 40, 30])).values);
      const utm = await get(h.url, { ...v11, identifier: 'dem', boundingbox: '500315,4998815,501785,4999685,urn:ogc:def:crs:EPSG::32631', format: 'image/tiff' });
      const dem = await readTiff(writeScratch(h, 'w11-dem.tif', filePart(utm).file.body), { values: true });
      assert.deepEqual([dem.width, dem.height, dem.epsg, dem.nodata[0]], [50, 30, '32631', -9999]);
      assert.deepEqual(dem.values, (await source(fixtures.dem, [10, 10, 50, 30])).values);
      const feb = await get(h.url, { ...v11, identifier: 'monthly', boundingbox: '10,49.9,10.2,50', format: 'image/tiff', timesequence: '2020-02-01' });
      const series = await readTiff(writeScratch(h, 'w11-feb.tif', filePart(feb).file.body), { values: true });
      assert.deepEqual([series.width, series.height], [10, 5]);
      assert.equal(series.values![0]![0], 2000);
    });

    it('GridBaseCRS reprojects, RangeSubset carries the interpolation, and PNG is a file part too', async () => {
      const res = await get(h.url, {
        ...v11,
        identifier: 'dem',
        boundingbox: '45.11,3.01,45.14,3.1,urn:ogc:def:crs:EPSG::4326',
        GridBaseCRS: 'urn:ogc:def:crs:EPSG::4326',
        GridOffsets: '-0.001,0.001',
        rangesubset: 'contents:linear',
        format: 'image/tiff',
      });
      const got = await readTiff(writeScratch(h, 'w11-warp.tif', filePart(res).file.body), { values: false });
      assert.deepEqual([got.width, got.height, got.epsg], [91, 31, '4326']);
      const png = await get(h.url, { ...v11, identifier: 'rgb', boundingbox: '10,49,12,50', format: 'image/png' });
      assert.equal(filePart(png).file.headers['content-type'], 'image/png');
    });

    for (const [why, overrides, locator] of [
      ['an unknown identifier', { identifier: 'nope' }, 'identifier'],
      ['store=true', { store: 'true' }, 'store'],
      ['a format not offered', { format: 'application/x-netcdf' }, 'format'],
      ['a 3D grid type', { GridType: 'urn:ogc:def:method:WCS:1.1:2dGridIn3dCrs' }, 'GridType'],
      ['a rotated grid', { GridOffsets: '0.01,0.001,0.001,-0.01' }, 'GridOffsets'],
      ['a grid CS other than the square one', { GridCS: 'urn:ogc:def:cs:OGC:0.0:Grid2dHexCS' }, 'GridCS'],
      ['a field the coverage lacks', { RangeSubset: 'temperature' }, 'RangeSubset'],
      ['an axis the field lacks', { RangeSubset: 'contents[Time[1]]' }, 'RangeSubset'],
      ['a box outside the coverage', { boundingbox: '20,49,21,50' }, 'BoundingBox'],
      ['a box in a CRS not offered', { boundingbox: '0,0,1,1,urn:ogc:def:crs:EPSG::2154' }, 'BoundingBox'],
      ['a TimeSequence with no data', { identifier: 'monthly', timesequence: '2019' }, 'TimeSequence'],
    ] as const) {
      it(`refuses ${why} with InvalidParameterValue (locator ${locator}) in an OWS 1.1 ExceptionReport`, async () => {
        const res = await get(h.url, { ...v11, identifier: 'rgb', boundingbox: '10,49,11,50', format: 'image/tiff', ...overrides });
        assert.equal(res.status, 400, res.text);
        assert.deepEqual(validateXml(res.text, SCHEMAS.ows11Exception), []);
        assert.deepEqual([exception(res.text).code, exception(res.text).locator], ['InvalidParameterValue', locator]);
      });
    }

    it('refuses a request without BOUNDINGBOX or FORMAT with MissingParameterValue', async () => {
      const noBox = await get(h.url, { ...v11, identifier: 'rgb', format: 'image/tiff' });
      assert.deepEqual([exception(noBox.text).code, exception(noBox.text).locator], ['MissingParameterValue', 'BoundingBox']);
      const noFormat = await get(h.url, { ...v11, identifier: 'rgb', boundingbox: '10,49,11,50' });
      assert.deepEqual([exception(noFormat.text).code, exception(noFormat.text).locator], ['MissingParameterValue', 'format']);
    });
  });

  describe('limits', () => {
    let limited: WcsHarness;
    before(async () => {
      limited = await startWcs({ coverages: { maxCells: 10_000 } }, fixtures);
    });
    after(async () => limited?.close());

    it('refuses a result above maxCells before reading, in each version\'s terms, naming the size parameter', async () => {
      const r10 = await get(limited.url, { ...v10, coverage: 'rgb', crs: 'EPSG:4326', bbox: '10,49,12,50', width: '200', height: '100', format: 'GeoTIFF' });
      assert.deepEqual([r10.status, exception(r10.text).code, exception(r10.text).locator], [400, 'InvalidParameterValue', 'WIDTH']);
      assert.match(exception(r10.text).text!, /60000 cells.*at most 10000 cells/);
      const r11 = await get(limited.url, { ...v11, identifier: 'rgb', boundingbox: '10,49,12,50', format: 'image/tiff' });
      assert.deepEqual([r11.status, exception(r11.text).code, exception(r11.text).locator], [400, 'InvalidParameterValue', 'BoundingBox']);
      const small = await get(limited.url, { ...v10, coverage: 'rgb', crs: 'EPSG:4326', bbox: '10,49,12,50', width: '50', height: '25', format: 'GeoTIFF' });
      assert.equal(small.status, 200);
    });
  });
});
