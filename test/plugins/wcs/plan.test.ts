/**
 * GetCoverage planning without pixels: which grid, bands, time and resampling a request becomes,
 * and the exception each bad request raises (code, locator, status).
 */
import assert from 'node:assert/strict';
import { parseKvp } from '../../../core/ows/index.js';
import type { CoverageDescription } from '../../../plugins/coverages/types.js';
import { kvpHead } from '../../../plugins/wcs/kvp-request.js';
import { planGetCoverage, type CoveragePlan } from '../../../plugins/wcs/plan.js';
import type { GetCoverageRequest } from '../../../plugins/wcs/requests.js';

function description(overrides: Partial<CoverageDescription>): CoverageDescription {
  return {
    id: 'c',
    title: 'c',
    keywords: [],
    kind: 'file',
    grid: { crs: 'EPSG:4326', width: 100, height: 50, transform: [10, 0.01, 0, 50, 0, -0.01] },
    bbox: [10, 49.5, 11, 50],
    wgs84Bbox: [10, 49.5, 11, 50],
    bands: ['red', 'green', 'blue'].map((name) => ({ name, sampleType: 'uint8' as const })),
    resolutions: [[0.01, 0.01]],
    styles: [],
    version: '1',
    updated: '2024-01-01T00:00:00Z',
    ...overrides,
  };
}

/** 200 x 100 cells of 10 m in UTM 31N (east-first). */
const utm = description({
  id: 'utm',
  grid: { crs: 'EPSG:32631', width: 200, height: 100, transform: [500000, 10, 0, 5000000, 0, -10] },
  bbox: [500000, 4999000, 502000, 5000000],
  wgs84Bbox: [3, 45.13, 3.03, 45.14],
});

const series = description({
  id: 's',
  kind: 'series',
  time: { values: ['2020-01-01T00:00:00Z', '2020-02-01T00:00:00Z', '2020-03-01T00:00:00Z'], default: '2020-03-01T00:00:00Z' },
});

const OFFERED = new Set(['EPSG:4326', 'EPSG:3857', 'OGC:CRS84', 'EPSG:32631']);
const LIMITS = { maxCells: 1_000_000, maxWidth: 10_000, maxHeight: 10_000 };

function request(query: string): GetCoverageRequest {
  return kvpHead(parseKvp(`service=WCS&version=2.0.1&request=GetCoverage&coverageId=c&${query}`)).parse('GetCoverage') as GetCoverageRequest;
}

function plan(d: CoverageDescription, query: string, limits = LIMITS): CoveragePlan {
  return planGetCoverage(request(query), d, OFFERED, limits);
}

/** Asserts the thrown OwsException's code, locator and status. */
function throwsOws(fn: () => unknown, code: string, locator?: string, status?: number): void {
  assert.throws(fn, (err: { code?: string; locator?: string; status?: number }) => {
    assert.equal(err.code, code);
    if (locator !== undefined) assert.equal(err.locator, locator);
    if (status !== undefined) assert.equal(err.status, status);
    return true;
  });
}

describe('wcs GetCoverage planning', () => {
  it('without subsets reads the whole native grid, exactly', () => {
    const p = plan(description({}), '');
    assert.deepEqual(p.target, { crs: 'EPSG:4326', width: 100, height: 50, transform: [10, 0.01, 0, 50, 0, -0.01] });
    assert.equal(p.nativeWindow, true);
    assert.equal(p.resampling, 'nearest');
    assert.equal(p.bandCount, 3);
  });

  it('trims Lat/Long (EPSG:4326 authority order) to the native pixels they touch', () => {
    const p = plan(description({}), 'subset=Lat(49.7,49.8)&subset=Long(10.2,10.5)');
    assert.equal(p.target.width, 30);
    assert.equal(p.target.height, 10);
    assert.ok(Math.abs(p.target.transform[0] - 10.2) < 1e-9);
    assert.ok(Math.abs(p.target.transform[3] - 49.8) < 1e-9);
    assert.equal(p.target.transform[1], 0.01);
  });

  it('takes partial pixels whole and ignores edges on pixel boundaries', () => {
    const p = plan(description({}), 'subset=Long(10.205,10.215)&subset=Lat(49.9,50)');
    assert.equal(p.target.width, 2);
    assert.equal(p.target.height, 10);
  });

  it('accepts the role aliases clients send (x/y, E/N, lat/long, i/j URIs)', () => {
    for (const q of ['subset=x(10.2,10.5)&subset=y(49.7,49.8)', 'subset=lon(10.2,10.5)&subset=lat(49.7,49.8)', 'subset=http://www.opengis.net/def/axis/OGC/1/i(10.2,10.5)&subset=j(49.7,49.8)']) {
      const p = plan(description({}), q);
      assert.equal(p.target.width, 30, q);
      assert.equal(p.target.height, 10, q);
    }
  });

  it('clips a trim that runs past the extent and keeps open bounds open', () => {
    const p = plan(description({}), 'subset=Long(10.9,*)&subset=Lat(*,49.6)');
    assert.equal(p.target.width, 10);
    assert.equal(p.target.height, 10);
  });

  it('a slice on a spatial axis gives one cell along it', () => {
    const p = plan(description({}), 'subset=Long(10.555)');
    assert.equal(p.target.width, 1);
    assert.equal(p.target.height, 50);
    assert.ok(Math.abs(p.target.transform[0] - 10.55) < 1e-9);
  });

  it('trims an east-first projected coverage on E/N', () => {
    const p = plan(utm, 'subset=E(500100,500200)&subset=N(4999500,4999600)');
    assert.deepEqual([p.target.width, p.target.height], [10, 10]);
    assert.deepEqual(p.target.transform, [500100, 10, 0, 4999600, 0, -10]);
  });

  it('SUBSETTINGCRS in another CRS is transformed to native pixels, output stays native unless OUTPUTCRS says', () => {
    const p = plan(utm, 'subsettingCrs=http://www.opengis.net/def/crs/EPSG/0/32631&subset=E(500100,500200)');
    assert.equal(p.target.crs, 'EPSG:32631');
    const q = plan(utm, 'subsettingCrs=http://www.opengis.net/def/crs/EPSG/0/4326&outputCrs=http://www.opengis.net/def/crs/EPSG/0/32631&subset=Lat(45.146,45.149)');
    assert.equal(q.target.crs, 'EPSG:32631');
    assert.equal(q.nativeWindow, true);
    assert.ok(q.target.height < 100 && q.target.height > 20, `height ${q.target.height}`);
  });

  it('without OUTPUTCRS the output is in the subsetting CRS (CRS extension Req. 10)', () => {
    const p = plan(utm, 'subsettingCrs=http://www.opengis.net/def/crs/EPSG/0/4326');
    assert.equal(p.target.crs, 'EPSG:4326');
    assert.equal(p.nativeWindow, false);
  });

  it('OUTPUTCRS grids the coverage at the resolution keeping its diagonal pixel count', () => {
    const p = plan(utm, 'outputCrs=http://www.opengis.net/def/crs/EPSG/0/3857');
    assert.equal(p.target.crs, 'EPSG:3857');
    const diagonal = Math.hypot(p.target.width, p.target.height);
    assert.ok(Math.abs(diagonal - Math.hypot(200, 100)) < 3, `diagonal ${diagonal}`);
  });

  it('SCALESIZE, SCALEFACTOR, SCALEAXES and SCALEEXTENT change the cell count over the same extent', () => {
    const size = plan(description({}), 'scaleSize=Long(20),Lat(10)');
    assert.deepEqual([size.target.width, size.target.height], [20, 10]);
    assert.ok(Math.abs(size.target.transform[1] - 0.05) < 1e-12);
    assert.equal(size.nativeWindow, false);
    const factor = plan(description({}), 'scaleFactor=2');
    assert.deepEqual([factor.target.width, factor.target.height], [50, 25]);
    const axes = plan(description({}), 'scaleAxes=Long(4)');
    assert.deepEqual([axes.target.width, axes.target.height], [25, 50]);
    const extent = plan(description({}), 'scaleExtent=Long(0:9),Lat(0:4)');
    assert.deepEqual([extent.target.width, extent.target.height], [10, 5]);
    const up = plan(description({}), 'scaleFactor=0.5');
    assert.deepEqual([up.target.width, up.target.height], [200, 100]);
  });

  it('RANGESUBSET picks bands by name and by interval, in the order asked', () => {
    assert.deepEqual(plan(description({}), 'rangeSubset=blue,red').bands, [2, 0]);
    assert.deepEqual(plan(description({}), 'rangeSubset=red:blue').bands, [0, 1, 2]);
    assert.deepEqual(plan(description({}), 'rangeSubset=green:blue,red').bands, [1, 2, 0]);
    assert.equal(plan(description({}), 'rangeSubset=green').bandCount, 1);
  });

  it('the same subset twice counts once (GDAL repeats the extra-axis subsets of its URL)', () => {
    assert.deepEqual(plan(series, 'subset=time(2020-02-01)&subset0=time("2020-02-01")').time, { begin: '2020-02-01T00:00:00.000Z', end: '2020-02-01T23:59:59.999Z' });
  });

  it('INTERPOLATION URIs map to the engine resampling', () => {
    assert.equal(plan(description({}), 'interpolation=http://www.opengis.net/def/interpolation/OGC/1/nearest-neighbor').resampling, 'nearest');
    assert.equal(plan(description({}), 'interpolation=http://www.opengis.net/def/interpolation/OGC/1/linear').resampling, 'bilinear');
    assert.equal(plan(description({}), 'interpolation=http://www.opengis.net/def/interpolation/OGC/1/cubic').resampling, 'cubic');
  });

  it('a time slice on a series reads that instant (reduced precision covers its unit)', () => {
    const p = plan(series, 'subset=time("2020-02-01")');
    assert.deepEqual(p.time, { begin: '2020-02-01T00:00:00.000Z', end: '2020-02-01T23:59:59.999Z' });
    const trim = plan(series, 'subset=phenomenonTime("2020-01-15","2020-02-15")');
    assert.deepEqual(trim.time, { begin: '2020-01-15T00:00:00.000Z', end: '2020-02-15T23:59:59.999Z' });
    const ansi = plan(series, 'subset=ansi(153068)');
    assert.equal(ansi.time?.begin.slice(0, 10), '2020-02-01');
  });

  describe('refuses with the WCS exception codes', () => {
    it('InvalidAxisLabel (404) for an axis the coverage lacks', () => {
      throwsOws(() => plan(description({}), 'subset=height(1,2)'), 'InvalidAxisLabel', 'height', 404);
      throwsOws(() => plan(description({}), 'subset=time("2020-01-01")'), 'InvalidAxisLabel', 'time', 404);
      throwsOws(() => plan(description({}), 'subset=Lat(49.6,49.7)&subset=y(49.6,49.8)'), 'InvalidAxisLabel');
    });

    it('InvalidSubsetting (404) for bounds reversed, outside the extent, not numbers, or a time with no data', () => {
      throwsOws(() => plan(description({}), 'subset=Lat(49.9,49.7)'), 'InvalidSubsetting', 'subset', 404);
      throwsOws(() => plan(description({}), 'subset=Long(20,21)'), 'InvalidSubsetting', 'subset', 404);
      throwsOws(() => plan(description({}), 'subset=Long(abc,10.5)'), 'InvalidSubsetting', 'subset', 404);
      throwsOws(() => plan(series, 'subset=time("2021-01-01")'), 'InvalidSubsetting', 'subset', 404);
    });

    it('InvalidEncodingSyntax (400) for a subset that is no subset', () => {
      throwsOws(() => plan(description({}), 'subset=Lat[1,2]'), 'InvalidEncodingSyntax', 'subset', 400);
    });

    it('InvalidScaleFactor and InvalidExtent (404) for scales of zero or less, ScalingAxisUndefined for time', () => {
      throwsOws(() => plan(description({}), 'scaleFactor=0'), 'InvalidScaleFactor', 'SCALEFACTOR', 404);
      throwsOws(() => plan(description({}), 'scaleFactor=-2'), 'InvalidScaleFactor', 'SCALEFACTOR', 404);
      throwsOws(() => plan(description({}), 'scaleAxes=Lat(0)'), 'InvalidScaleFactor', 'SCALEAXES', 404);
      throwsOws(() => plan(description({}), 'scaleSize=Lat(0)'), 'InvalidExtent', 'SCALESIZE', 404);
      throwsOws(() => plan(description({}), 'scaleExtent=Lat(10:2)'), 'InvalidExtent', 'SCALEEXTENT', 404);
      throwsOws(() => plan(series, 'scaleSize=time(3)'), 'ScalingAxisUndefined', 'SCALESIZE', 404);
    });

    it('NoSuchField (404) for a band the coverage lacks, IllegalFieldSequence for a backward interval', () => {
      throwsOws(() => plan(description({}), 'rangeSubset=nir'), 'NoSuchField', 'nir', 404);
      throwsOws(() => plan(description({}), 'rangeSubset=blue:red'), 'IllegalFieldSequence', undefined, 404);
    });

    it('InterpolationMethodNotSupported (404)', () => {
      throwsOws(() => plan(description({}), 'interpolation=http://www.opengis.net/def/interpolation/OGC/1/barycentric'), 'InterpolationMethodNotSupported', 'interpolation', 404);
    });

    it('SubsettingCrs-NotSupported and OutputCrs-NotSupported (404) for CRSs not offered or not CRSs', () => {
      throwsOws(() => plan(description({}), 'subsettingCrs=http://www.opengis.net/def/crs/EPSG/0/2154'), 'SubsettingCrs-NotSupported', 'subsettingCrs', 404);
      throwsOws(() => plan(description({}), 'outputCrs=http://www.opengis.net/def/crs/EPSG/0/2154'), 'OutputCrs-NotSupported', 'outputCrs', 404);
      throwsOws(() => plan(description({}), 'outputCrs=notacrs'), 'OutputCrs-NotSupported', 'outputCrs', 404);
    });

    it('InvalidParameterValue (400) naming the parameter for a result above the cell limit, before any read', () => {
      const small = { maxCells: 1000, maxWidth: 10_000, maxHeight: 10_000 };
      throwsOws(() => plan(description({}), '', small), 'InvalidParameterValue', 'coverageId', 400);
      throwsOws(() => plan(description({}), 'scaleSize=Long(2000),Lat(1000)', LIMITS), 'InvalidParameterValue', 'SCALESIZE', 400);
      throwsOws(() => plan(description({}), 'subset=Lat(49.5,49.9)', small), 'InvalidParameterValue', 'subset', 400);
      // Within the limit once subset and band-subset.
      assert.equal(plan(description({}), 'subset=Lat(49.9,50)&subset=Long(10,10.3)&rangeSubset=red', small).target.width, 30);
    });
  });
});
