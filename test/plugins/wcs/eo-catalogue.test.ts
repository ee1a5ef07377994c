/**
 * EO-WCS over a catalogue collection whose products carry COG assets: the collection is a
 * dataset series, its products RectifiedDatasets addressable by id (DescribeCoverage with EO
 * metadata, GetCoverage of one granule), found by DescribeEOCoverageSet with lat/long/
 * phenomenonTime trims and both containments.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { CatalogueRecordInput, CatalogueService } from '../../../plugins/catalogue/types.js';
import { validateXml } from '../../helpers/xsd.js';
import { exception, get, getRaw, makeFixtures, readTiff, removeFixtures, SCHEMAS, startWcs, writeScratch, xpath, type Fixtures, type WcsHarness } from './support.js';

const box = (minx: number, miny: number, maxx: number, maxy: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [minx, miny],
      [maxx, miny],
      [maxx, maxy],
      [minx, maxy],
      [minx, miny],
    ],
  ],
});

function records(f: Fixtures): CatalogueRecordInput[] {
  const asset = (month: number) => ({ data: { href: path.join(f.dir, 'series', `s_2020${String(month).padStart(2, '0')}01.tif`), type: 'image/tiff; application=geotiff; profile=cloud-optimized' } });
  return [
    { identifier: 'EOTEST', type: 'collection', title: 'EO test collection', abstract: 'Three monthly granules', geometry: box(10, 49, 12, 50), start: '2020-01-01T00:00:00Z', end: '2020-03-31T00:00:00Z', visibility: 'public' },
    { identifier: 'EOTEST-JAN', type: 'product', parentIdentifier: 'EOTEST', title: 'January', geometry: box(10, 49, 12, 50), start: '2020-01-01T00:00:00Z', end: '2020-01-01T00:10:00Z', assets: asset(1), visibility: 'public' },
    { identifier: 'EOTEST-FEB', type: 'product', parentIdentifier: 'EOTEST', title: 'February', geometry: box(10.2, 49.2, 10.8, 49.6), start: '2020-02-01T00:00:00Z', end: '2020-02-01T00:10:00Z', assets: asset(2), visibility: 'public' },
    { identifier: 'EOTEST-MAR', type: 'product', parentIdentifier: 'EOTEST', title: 'March', geometry: box(11, 49.5, 12, 50), start: '2020-03-01T00:00:00Z', end: '2020-03-01T00:10:00Z', assets: asset(3), visibility: 'public' },
  ];
}

const EOSET = { service: 'WCS', version: '2.0.1', request: 'DescribeEOCoverageSet', eoId: 'EOTEST' };

describe('wcs EO-WCS over catalogue series', function () {
  this.timeout(180_000);
  let h: WcsHarness;
  let fixtures: Fixtures | undefined;
  before(async () => {
    fixtures = await makeFixtures();
    h = await startWcs({ coverages: { catalogue: { enabled: true, allowedRoots: [fixtures.dir] } }, catalogue: {} }, fixtures);
    const catalogue = h.server.meridian.plugins.find((p) => p.name === 'catalogue')!.instance.provide!.catalogue as CatalogueService;
    await catalogue.upsert(records(fixtures));
    // The engine re-reads the catalogue on its change events; wait until the series is offered.
    for (let i = 0; i < 100; i++) {
      const caps = await get(h.url, { service: 'WCS', request: 'GetCapabilities', sections: 'DatasetSeriesSummary' });
      if (xpath(caps.text, '//wcseo:DatasetSeriesId').includes('EOTEST')) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the catalogue series never appeared in the capabilities');
  });
  after(async () => {
    await h?.close();
    removeFixtures(fixtures);
  });

  it('the collection is a DatasetSeriesSummary with its WGS84 box and time period', async () => {
    const caps = await get(h.url, { service: 'WCS', request: 'GetCapabilities' });
    assert.deepEqual(validateXml(caps.text, SCHEMAS.wcseo), []);
    const s = "//wcseo:DatasetSeriesSummary[wcseo:DatasetSeriesId='EOTEST']";
    assert.deepEqual(xpath(caps.text, `${s}/ows:Title`), ['EO test collection']);
    assert.deepEqual(xpath(caps.text, `${s}/ows:WGS84BoundingBox/ows:LowerCorner`)[0]!.split(' ').map(Number), [10, 49]);
    assert.deepEqual(xpath(caps.text, `${s}/gml:TimePeriod/gml:beginPosition`).map((t) => t.slice(0, 10)), ['2020-01-01']);
  });

  it('DescribeEOCoverageSet lists the granules as RectifiedDatasets with their footprints, latest first', async () => {
    const res = await get(h.url, EOSET);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(validateXml(res.text, SCHEMAS.wcseo), []);
    assert.deepEqual(xpath(res.text, '//wcs:CoverageDescription/wcs:CoverageId'), ['EOTEST-MAR', 'EOTEST-FEB', 'EOTEST-JAN']);
    const feb = "//wcs:CoverageDescription[wcs:CoverageId='EOTEST-FEB']";
    assert.deepEqual(xpath(res.text, `${feb}//eop:EarthObservationMetaData/eop:identifier`), ['EOTEST-FEB']);
    assert.deepEqual(xpath(res.text, `${feb}//eop:EarthObservationMetaData/eop:parentIdentifier`), ['EOTEST']);
    // The footprint in lat/lon order.
    assert.deepEqual(xpath(res.text, `${feb}//eop:Footprint//gml:posList`)[0]!.split(' ').slice(0, 4).map(Number), [49.2, 10.2, 49.2, 10.8]);
    assert.deepEqual(xpath(res.text, `${feb}//om:phenomenonTime//gml:beginPosition`).map((t) => t.slice(0, 10)), ['2020-02-01']);
  });

  it('trims by Lat/Long with overlaps and contains, and by phenomenonTime', async () => {
    const ids = async (params: Array<[string, string]>) => xpath((await get(h.url, [...Object.entries(EOSET), ...params])).text, '//wcs:CoverageDescription/wcs:CoverageId');
    assert.deepEqual(await ids([['subset', 'Long(10.1,10.5)'], ['subset', 'Lat(49.1,49.4)']]), ['EOTEST-FEB', 'EOTEST-JAN']);
    assert.deepEqual(await ids([['subset', 'Long(10.1,10.9)'], ['subset', 'Lat(49.1,49.7)'], ['containment', 'contains']]), ['EOTEST-FEB']);
    assert.deepEqual(await ids([['subset', 'phenomenonTime("2020-02-15","2020-03-15")']]), ['EOTEST-MAR']);
    assert.deepEqual(await ids([['subset', 'Long(11.1,11.9)'], ['subset', 'phenomenonTime("2020-01-01","2020-02-28")']]), ['EOTEST-JAN']);
  });

  it('DescribeCoverage of a granule is a RectifiedDataset with its EO metadata, valid against wcsEOAll.xsd', async () => {
    const res = await get(h.url, { service: 'WCS', version: '2.0.1', request: 'DescribeCoverage', coverageId: 'EOTEST-FEB' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(validateXml(res.text, SCHEMAS.wcseo), []);
    assert.deepEqual(xpath(res.text, '//wcs:ServiceParameters/wcs:CoverageSubtype'), ['RectifiedDataset']);
    assert.deepEqual(xpath(res.text, '//wcs:ServiceParameters/wcs:CoverageSubtypeParent/wcs:CoverageSubtype'), ['RectifiedGridCoverage']);
    assert.equal(xpath(res.text, '//gmlcov:metadata/gmlcov:Extension/wcseo:EOMetadata/eop:EarthObservation').length, 1);
  });

  it('GetCoverage of a granule returns its own pixels; a time subset on the series picks a granule', async () => {
    const window = 'subset=Lat(49.9,50)&subset=Long(10,10.2)';
    const granule = await getRaw(h.url, `service=WCS&version=2.0.1&request=GetCoverage&coverageId=EOTEST-JAN&${window}`);
    assert.equal(granule.status, 200, granule.text);
    const got = await readTiff(writeScratch(h, 'jan.tif', granule.body), { values: true });
    assert.deepEqual(got.values, (await readTiff(path.join(h.fixtures.dir, 'series', 's_20200101.tif'), { values: true, window: [0, 0, 10, 5] })).values);
    const slice = await getRaw(h.url, `service=WCS&version=2.0.1&request=GetCoverage&coverageId=EOTEST&${window}&subset=phenomenonTime("2020-01-01")`);
    assert.equal(slice.status, 200, slice.text);
    assert.deepEqual((await readTiff(writeScratch(h, 'slice.tif', slice.body), { values: true })).values, got.values);
  });

  it('an unknown eoId is NoSuchDatasetSeriesOrCoverage (404)', async () => {
    const res = await get(h.url, { ...EOSET, eoId: 'NOPE' });
    assert.equal(res.status, 404);
    assert.deepEqual([exception(res.text).code, exception(res.text).locator], ['NoSuchDatasetSeriesOrCoverage', 'NOPE']);
  });
});
